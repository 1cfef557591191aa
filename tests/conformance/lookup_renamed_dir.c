/*
 * A path names what is there now: after the directories on it are
 * renamed, removed or replaced, an open of the same path finds the new
 * file or fails, never the file an earlier walk found (cvisor caches
 * host directory lookups, fs/hostfs.c; issue 16).
 *
 * The tree is made in $LOOKUP_DIR if set (tests/integration/fs.bats
 * points it at a --rw host directory, where the cache is), else in a new
 * directory under /tmp.
 */
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "tree.h"

static void put(const char *rel, const char *text)
{
	int fd = open(at(rel), O_WRONLY | O_CREAT | O_TRUNC, 0644);

	CHECK(fd >= 0, "create %s: %s", rel, strerror(errno));
	CHECK(write(fd, text, strlen(text)) == (ssize_t)strlen(text), "write %s", rel);
	CHECK_OK(close(fd));
}

/* The text of rel, opened by its whole path (twice: a second walk may hit
 * what the first one cached), or "" when it cannot be opened. */
static const char *get(const char *rel)
{
	static char buf[64];
	struct stat st;
	ssize_t n = 0;

	for (int i = 0; i < 2; i++) {
		int fd = open(at(rel), O_RDONLY);

		if (fd < 0)
			return "";
		n = read(fd, buf, sizeof(buf) - 1);
		CHECK(n >= 0, "read %s: %s", rel, strerror(errno));
		CHECK_OK(close(fd));
	}
	buf[n] = 0;
	CHECK(stat(at(rel), &st) == 0 && st.st_size == n, "stat %s: size %ld, read %zd", rel,
	      (long)st.st_size, n);
	return buf;
}

#define CHECK_TEXT(rel, want)                                                         \
	do {                                                                          \
		const char *got_ = get(rel);                                          \
		CHECK(!strcmp(got_, want), "%s: read '%s', want '%s'", rel, got_, want); \
	} while (0)

int main(void)
{
	tree_make("LOOKUP_DIR", "lookup");
	CHECK_OK(mkdir(at("a"), 0755));
	CHECK_OK(mkdir(at("a/b"), 0755));
	put("a/b/f", "one");
	CHECK_TEXT("a/b/f", "one");

	/* renamed away and replaced by a new tree of the same names */
	CHECK_OK(rename(at("a"), at("old")));
	CHECK_TEXT("a/b/f", "");
	CHECK_ERRNO(open(at("a/b/f"), O_RDONLY), ENOENT);
	CHECK_OK(mkdir(at("a"), 0755));
	CHECK_OK(mkdir(at("a/b"), 0755));
	put("a/b/f", "two");
	CHECK_TEXT("a/b/f", "two");
	CHECK_TEXT("old/b/f", "one");

	/* removed: the old path fails, whatever was cached */
	CHECK_OK(unlink(at("a/b/f")));
	CHECK_OK(rmdir(at("a/b")));
	CHECK_ERRNO(open(at("a/b/f"), O_RDONLY), ENOENT);

	/* a directory moved in under the old name is the one found */
	CHECK_OK(rename(at("old/b"), at("a/b")));
	CHECK_TEXT("a/b/f", "one");

	/* a directory replaced by a file of the same name: ENOTDIR */
	CHECK_OK(rename(at("a/b"), at("old/b")));
	put("a/b", "file");
	CHECK_ERRNO(open(at("a/b/f"), O_RDONLY), ENOTDIR);
	CHECK_TEXT("old/b/f", "one");

	CHECK_OK(unlink(at("a/b")));
	CHECK_OK(unlink(at("old/b/f")));
	CHECK_OK(rmdir(at("old/b")));
	CHECK_OK(rmdir(at("old")));
	CHECK_OK(rmdir(at("a")));
	CHECK_OK(rmdir(dir));
	return 0;
}
