/*
 * Search permission on each directory of a path, as generic_permission
 * checks it for a user without CAP_DAC_OVERRIDE or CAP_DAC_READ_SEARCH:
 * a directory without x for that user stops the walk with EACCES, even
 * with r and w, even when the path only passes through it ("." and ".."
 * included); x alone is enough; the group's bits count for a member only;
 * and a chmod between two walks is seen by the next one, both ways.
 * cvisor checks a host directory's bits from the attributes its lookup of
 * that directory just read (vfs/namei.c; issue 16).
 *
 * The tree is made in $PERM_DIR if set (tests/integration/fs.bats points
 * it at a --rw host directory, where hostfs is), else in a new directory
 * under /tmp.  Needs root (the parent makes the tree and the chmods; each
 * case runs in a child that becomes uid 1000 with no capabilities).
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <grp.h>
#include "caps.h"
#include "tree.h"

static void mkd(const char *rel, gid_t g, mode_t m)
{
	CHECK(mkdir(at(rel), 0700) == 0, "mkdir %s: %s", rel, strerror(errno));
	CHECK_OK(chown(at(rel), 0, g));
	CHECK_OK(chmod(at(rel), m));
}

static void mkf(const char *rel)
{
	int fd = open(at(rel), O_WRONLY | O_CREAT | O_TRUNC, 0644);

	CHECK(fd >= 0, "create %s: %s", rel, strerror(errno));
	CHECK_OK(close(fd));
}

/* uid and gid 1000, the groups given, no capabilities at all */
static void become(int ngroups, const gid_t *groups)
{
	CHECK_OK(setgroups((size_t)ngroups, groups));
	CHECK_OK(setresgid(1000, 1000, 1000));
	CHECK_OK(setresuid(1000, 1000, 1000));
	CHECK(caps_set(0, 0, 0) == 0, "capset: %s", strerror(errno));
}

static int try_open(const char *rel)
{
	int fd = open(at(rel), O_RDONLY);

	if (fd >= 0)
		close(fd);
	return fd < 0 ? -1 : 0;
}

static void other(void)
{
	struct stat st;

	become(0, NULL);
	CHECK_OK(try_open("x/f"));
	CHECK_OK(try_open("x/./f"));
	CHECK_OK(try_open("x/sub/f"));
	CHECK_ERRNO(try_open("nox/f"), EACCES);
	CHECK_ERRNO(stat(at("nox/f"), &st), EACCES);
	CHECK_ERRNO(stat(at("nox/."), &st), EACCES);
	CHECK_ERRNO(try_open("x/../nox/f"), EACCES);
	CHECK_ERRNO(try_open("own/f"), EACCES);
	CHECK_ERRNO(try_open("x/nox/f"), EACCES);
	/* the directory itself may be stat'ed: only what is in it is out */
	CHECK_OK(stat(at("nox"), &st));
	/* the group's bits: gid 5000 is not ours */
	CHECK_ERRNO(try_open("grp/f"), EACCES);
}

static void member(void)
{
	become(1, (gid_t[]){ 5000 });
	CHECK_OK(try_open("grp/f"));
	/* the group's bits apply to a member, not the others' */
	CHECK_ERRNO(try_open("grpno/f"), EACCES);
}

/* The child opens x/f, the parent takes x's x bit away, the child opens
 * again, the parent gives it back, the child opens a third time. */
static void changed(void)
{
	int go[2], done[2];
	pid_t c;
	char b;
	int st;

	CHECK_OK(pipe(go));
	CHECK_OK(pipe(done));
	c = fork();
	CHECK(c >= 0, "fork");
	if (c == 0) {
		close(go[1]);
		close(done[0]);
		become(0, NULL);
		CHECK_OK(try_open("x/sub/f"));
		CHECK(write(done[1], "1", 1) == 1 && read(go[0], &b, 1) == 1, "sync");
		CHECK_ERRNO(try_open("x/sub/f"), EACCES);
		CHECK_ERRNO(try_open("x/f"), EACCES);
		CHECK(write(done[1], "2", 1) == 1 && read(go[0], &b, 1) == 1, "sync");
		CHECK_OK(try_open("x/sub/f"));
		_exit(0);
	}
	/* a child that fails closes its ends: read sees the end, not a hang */
	close(go[0]);
	close(done[1]);
	CHECK(read(done[0], &b, 1) == 1, "sync");
	CHECK_OK(chmod(at("x"), 0700));
	CHECK(write(go[1], "g", 1) == 1 && read(done[0], &b, 1) == 1, "sync");
	CHECK_OK(chmod(at("x"), 0711));
	CHECK(write(go[1], "g", 1) == 1, "sync");
	CHECK(waitpid(c, &st, 0) == c && WIFEXITED(st) && WEXITSTATUS(st) == 0,
	      "changed: the child failed (status %#x)", st);
}

int main(void)
{
	tree_make("PERM_DIR", "dsp");
	mkd("x", 0, 0711);
	mkd("x/sub", 0, 0755);
	mkd("x/nox", 0, 0666);
	mkd("nox", 0, 0766);
	mkd("own", 0, 0700);
	mkd("grp", 5000, 0710);
	mkd("grpno", 5000, 0601);
	mkf("x/f");
	mkf("x/sub/f");
	mkf("x/nox/f");
	mkf("nox/f");
	mkf("own/f");
	mkf("grp/f");
	mkf("grpno/f");

	in_child(other, "other");
	in_child(member, "member");
	changed();

	for (const char *const *r = (const char *const[]){ "x/sub/f", "x/nox/f", "x/f",
		"nox/f", "own/f", "grp/f", "grpno/f", "x/sub", "x/nox", "x", "nox",
		"own", "grp", "grpno", NULL }; *r; r++)
		CHECK(remove(at(*r)) == 0, "remove %s: %s", *r, strerror(errno));
	CHECK_OK(rmdir(dir));
	puts("ok");
	return 0;
}
