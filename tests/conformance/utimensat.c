/* utimensat: explicit times read back to the nanosecond, UTIME_OMIT
 * leaves a field alone, UTIME_NOW and NULL use the current time,
 * AT_SYMLINK_NOFOLLOW touches the link, a NULL path means the fd
 * (futimens); bad nanoseconds are EINVAL. */
#define _GNU_SOURCE
#include <fcntl.h>
#include <sys/stat.h>
#include <time.h>
#include "check.h"

static char dir[] = "/tmp/cvt.XXXXXX";
static int dfd;

static struct stat st_of(const char *name, int flags)
{
	struct stat st;
	CHECK(fstatat(dfd, name, &st, flags) == 0, "stat %s", name);
	return st;
}

#define TS_EQ(a, s, ns) ((a).tv_sec == (s) && (a).tv_nsec == (ns))

int main(void)
{
	struct stat st;
	struct timespec now;

	CHECK(mkdtemp(dir), "mkdtemp: %s", strerror(errno));
	dfd = open(dir, O_RDONLY | O_DIRECTORY);
	CHECK(dfd >= 0, "open dir");
	int fd = openat(dfd, "f", O_RDWR | O_CREAT, 0644);
	CHECK(fd >= 0, "create: %s", strerror(errno));
	CHECK_OK(symlinkat("f", dfd, "l"));

	struct timespec t[2] = { { 1000000000, 123456789 }, { 1500000000, 987654321 } };
	CHECK(utimensat(dfd, "f", t, 0) == 0, "utimensat: %s", strerror(errno));
	st = st_of("f", 0);
	CHECK(TS_EQ(st.st_atim, 1000000000, 123456789), "atime %ld.%09ld",
	      (long)st.st_atim.tv_sec, st.st_atim.tv_nsec);
	CHECK(TS_EQ(st.st_mtim, 1500000000, 987654321), "mtime %ld.%09ld",
	      (long)st.st_mtim.tv_sec, st.st_mtim.tv_nsec);

	/* UTIME_OMIT keeps atime; a new mtime, and times before 1970. */
	struct timespec t2[2] = { { 0, UTIME_OMIT }, { -86400, 5 } };
	CHECK_OK(utimensat(dfd, "f", t2, 0));
	st = st_of("f", 0);
	CHECK(TS_EQ(st.st_atim, 1000000000, 123456789), "UTIME_OMIT changed atime");
	CHECK(TS_EQ(st.st_mtim, -86400, 5), "negative mtime %ld",
	      (long)st.st_mtim.tv_sec);

	/* UTIME_NOW for atime only. The clock is coarse, so allow slack. */
	clock_gettime(CLOCK_REALTIME, &now);
	struct timespec t3[2] = { { 0, UTIME_NOW }, { 0, UTIME_OMIT } };
	CHECK_OK(utimensat(dfd, "f", t3, 0));
	st = st_of("f", 0);
	CHECK(st.st_atim.tv_sec >= now.tv_sec - 2 && st.st_atim.tv_sec <= now.tv_sec + 2,
	      "UTIME_NOW atime %ld, now %ld", (long)st.st_atim.tv_sec,
	      (long)now.tv_sec);
	CHECK(TS_EQ(st.st_mtim, -86400, 5), "UTIME_OMIT changed mtime");

	/* NULL times through the fd (futimens): both become now. */
	CHECK(syscall(SYS_utimensat, fd, NULL, NULL, 0) == 0, "futimens: %s",
	      strerror(errno));
	CHECK(fstat(fd, &st) == 0 && st.st_mtim.tv_sec >= now.tv_sec - 2 &&
		      st.st_mtim.tv_sec <= now.tv_sec + 2,
	      "NULL times: mtime %ld", (long)st.st_mtim.tv_sec);
	/* ctime always moves to "now" on a change. */
	CHECK(st.st_ctim.tv_sec >= now.tv_sec - 2, "ctime not updated");

	/* The link itself versus its target. */
	struct stat before = st_of("f", 0);
	CHECK_OK(utimensat(dfd, "l", t, AT_SYMLINK_NOFOLLOW));
	CHECK(TS_EQ(st_of("l", AT_SYMLINK_NOFOLLOW).st_mtim, 1500000000, 987654321),
	      "link mtime");
	CHECK(TS_EQ(st_of("f", 0).st_mtim, before.st_mtim.tv_sec,
		    before.st_mtim.tv_nsec), "NOFOLLOW touched the target");
	CHECK_OK(utimensat(dfd, "l", t, 0));
	CHECK(TS_EQ(st_of("f", 0).st_mtim, 1500000000, 987654321), "follow");

	/* Errors. */
	struct timespec bad[2] = { { 0, 1000000000 }, { 0, 0 } };
	CHECK_ERRNO(utimensat(dfd, "f", bad, 0), EINVAL);
	bad[0].tv_nsec = -1;
	CHECK_ERRNO(utimensat(dfd, "f", bad, 0), EINVAL);
	CHECK_ERRNO(utimensat(dfd, "f", t, 0x1), EINVAL);
	CHECK_ERRNO(utimensat(dfd, "missing", t, 0), ENOENT);
	CHECK_ERRNO(utimensat(dfd, "f/x", t, 0), ENOTDIR);
	CHECK_ERRNO(syscall(SYS_utimensat, 4321, NULL, t, 0), EBADF);
	CHECK_ERRNO(syscall(SYS_utimensat, dfd, "f", KERNEL_PTR, 0), EFAULT);

	CHECK_OK(close(fd));
	CHECK_OK(unlinkat(dfd, "l", 0));
	CHECK_OK(unlinkat(dfd, "f", 0));
	CHECK_OK(close(dfd));
	CHECK_OK(rmdir(dir));
	return 0;
}
