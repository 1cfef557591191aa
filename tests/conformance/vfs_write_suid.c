/* A write, truncate or chown drops a file's set-ID bits (Linux's
 * file_remove_privs, should_remove_suid): set-user-ID always, set-group-ID
 * when group execute is set (without it the bit marks mandatory locking
 * and stays), unless the writer holds CAP_FSETID; reading keeps them.
 * The owner is no exception.  Needs root. */
#define _GNU_SOURCE
#include "perm.h"

static void mk(const char *name, mode_t mode)
{
	int fd = open(at(name), O_WRONLY | O_CREAT | O_EXCL, 0600);

	CHECK(fd >= 0 && write(fd, "data", 4) == 4, "create %s: %s", name, strerror(errno));
	close(fd);
	CHECK_OK(chown(at(name), 1000, 1000));
	CHECK_OK(chmod(at(name), mode));
}

static mode_t mode_of(const char *name)
{
	struct stat st;

	CHECK(stat(at(name), &st) == 0, "stat %s: %s", name, strerror(errno));
	return st.st_mode & 07777;
}

static void write_to(const char *name)
{
	int fd = open(at(name), O_WRONLY);

	CHECK(fd >= 0, "open %s: %s", name, strerror(errno));
	CHECK(write(fd, "x", 1) == 1, "write %s: %s", name, strerror(errno));
	close(fd);
}

#define MODE(name, m) \
	CHECK(mode_of(name) == (m), "%s: %#o, want %#o", name, mode_of(name), (unsigned)(m))

/* the owner, without capabilities */
static void owner(void)
{
	char c;
	int fd;

	caps_become(1000, 1000, 0, 0, NULL);
	fd = open(at("r"), O_RDONLY);
	CHECK(fd >= 0 && read(fd, &c, 1) == 1, "read");
	close(fd);
	MODE("r", 06755);
	fd = open(at("w"), O_WRONLY);
	CHECK(fd >= 0, "open: %s", strerror(errno));
	MODE("w", 06755);               /* opening alone changes nothing */
	CHECK(write(fd, "x", 1) == 1, "write: %s", strerror(errno));
	close(fd);
	MODE("w", 0755);
	write_to("g");
	MODE("g", 02644);               /* no group execute: a locking mark */
	write_to("u");
	MODE("u", 0644);
	CHECK_OK(truncate(at("t"), 1));
	MODE("t", 0755);
}

/* CAP_FSETID keeps them */
static void fsetid(void)
{
	caps_become(1000, 1000, BIT(CAP_FSETID), 0, NULL);
	write_to("k");
	MODE("k", 06755);
	CHECK_OK(truncate(at("k"), 0));
	MODE("k", 06755);
}

int main(void)
{
	make_top("vfs_wsuid");
	mk("r", 06755);
	mk("w", 06755);
	mk("g", 02644);
	mk("u", 04644);
	mk("t", 06755);
	mk("k", 06755);
	in_child(owner, "owner");
	in_child(fsetid, "fsetid");
	return 0;
}
