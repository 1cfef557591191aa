/* Linux follows at most 40 symlinks in one lookup (MAXSYMLINKS): a chain
 * of 40 links to a file opens, a chain of 41 is ELOOP. The limit counts
 * every link followed, including ones in the middle of a path. */
#define _GNU_SOURCE
#include <fcntl.h>
#include <sys/stat.h>
#include "check.h"

#define N 41

static char dir[] = "/tmp/cvt.XXXXXX";

int main(void)
{
	char name[32], target[32];
	struct stat st;

	CHECK(mkdtemp(dir), "mkdtemp: %s", strerror(errno));
	int dfd = open(dir, O_RDONLY | O_DIRECTORY);
	CHECK(dfd >= 0, "open dir");
	CHECK_OK(mkdirat(dfd, "l0", 0755)); /* l0 is the real directory */
	CHECK_OK(close(openat(dfd, "l0/f", O_WRONLY | O_CREAT, 0644)));
	/* l1 -> l0, l2 -> l1, ..., lN -> l(N-1): opening lK follows K links. */
	for (int i = 1; i <= N; i++) {
		snprintf(name, sizeof(name), "l%d", i);
		snprintf(target, sizeof(target), "l%d", i - 1);
		CHECK_OK(symlinkat(target, dfd, name));
	}

	CHECK(fstatat(dfd, "l39", &st, 0) == 0 && S_ISDIR(st.st_mode),
	      "39 links: %s", strerror(errno));
	CHECK(fstatat(dfd, "l40", &st, 0) == 0, "40 links: %s", strerror(errno));
	CHECK_ERRNO(fstatat(dfd, "l41", &st, 0), ELOOP);
	int fd = openat(dfd, "l40/f", O_RDONLY);
	CHECK(fd >= 0, "l40/f: %s", strerror(errno));
	CHECK_OK(close(fd));
	CHECK_ERRNO(openat(dfd, "l41/f", O_RDONLY), ELOOP);
	CHECK_ERRNO(openat(dfd, "l41", O_RDONLY | O_DIRECTORY), ELOOP);
	/* Not following the last one leaves 40 in the middle... */
	CHECK(fstatat(dfd, "l41", &st, AT_SYMLINK_NOFOLLOW) == 0, "lstat l41");
	/* ...and the count is per lookup, over all components: lK/up/f
	 * follows K + 1 + 21 links. */
	CHECK_OK(symlinkat("../l21", dfd, "l0/up"));
	CHECK(fstatat(dfd, "l18/up/f", &st, 0) == 0, "18+1+21 links: %s",
	      strerror(errno));
	CHECK_ERRNO(fstatat(dfd, "l19/up/f", &st, 0), ELOOP);

	CHECK_OK(unlinkat(dfd, "l0/up", 0));
	for (int i = 1; i <= N; i++) {
		snprintf(name, sizeof(name), "l%d", i);
		CHECK_OK(unlinkat(dfd, name, 0));
	}
	CHECK_OK(unlinkat(dfd, "l0/f", 0));
	CHECK_OK(unlinkat(dfd, "l0", AT_REMOVEDIR));
	CHECK_OK(close(dfd));
	CHECK_OK(rmdir(dir));
	return 0;
}
