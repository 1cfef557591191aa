/* The old time-setting calls (utime, utimes, futimesat), which static
 * binaries of older libcs (busybox 1.28's touch) still make directly:
 * seconds and microseconds read back, NULL times mean now, a NULL path
 * is EFAULT, bad microseconds are EINVAL.  Raw syscalls: glibc routes
 * utimes() through utimensat. */
#define _GNU_SOURCE
#include <fcntl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <time.h>
#include <utime.h>
#include "check.h"

static char dir[] = "/tmp/cvu.XXXXXX";

int main(void)
{
	char path[64];
	struct stat st;

	CHECK(mkdtemp(dir), "mkdtemp: %s", strerror(errno));
	snprintf(path, sizeof(path), "%s/f", dir);
	int fd = open(path, O_RDWR | O_CREAT, 0644);
	CHECK(fd >= 0, "create: %s", strerror(errno));
	int dfd = open(dir, O_RDONLY | O_DIRECTORY);
	CHECK(dfd >= 0, "open dir");

	struct utimbuf ub = { .actime = 1000000000, .modtime = 1200000000 };
	CHECK(syscall(SYS_utime, path, &ub) == 0, "utime: %s", strerror(errno));
	CHECK_OK(stat(path, &st));
	CHECK(st.st_atim.tv_sec == 1000000000 && st.st_atim.tv_nsec == 0, "utime atime");
	CHECK(st.st_mtim.tv_sec == 1200000000 && st.st_mtim.tv_nsec == 0, "utime mtime");

	struct timeval tv[2] = { { 1300000000, 250000 }, { 1400000000, 999999 } };
	CHECK(syscall(SYS_utimes, path, tv) == 0, "utimes: %s", strerror(errno));
	CHECK_OK(stat(path, &st));
	CHECK(st.st_atim.tv_sec == 1300000000 && st.st_atim.tv_nsec == 250000000,
	      "utimes atime %ld.%09ld", (long)st.st_atim.tv_sec, st.st_atim.tv_nsec);
	CHECK(st.st_mtim.tv_sec == 1400000000 && st.st_mtim.tv_nsec == 999999000,
	      "utimes mtime %ld.%09ld", (long)st.st_mtim.tv_sec, st.st_mtim.tv_nsec);

	struct timeval tv2[2] = { { 1500000000, 1 }, { 1600000000, 2 } };
	CHECK(syscall(SYS_futimesat, dfd, "f", tv2) == 0, "futimesat: %s", strerror(errno));
	CHECK_OK(stat(path, &st));
	CHECK(st.st_mtim.tv_sec == 1600000000 && st.st_mtim.tv_nsec == 2000, "futimesat mtime");

	/* NULL times: now (the clock is coarse: allow slack). */
	time_t now = time(NULL);
	CHECK(syscall(SYS_utimes, path, NULL) == 0, "utimes now: %s", strerror(errno));
	CHECK_OK(stat(path, &st));
	CHECK(st.st_mtim.tv_sec >= now - 2 && st.st_mtim.tv_sec <= now + 2, "utimes(NULL) mtime");
	CHECK(syscall(SYS_utime, path, NULL) == 0, "utime now: %s", strerror(errno));

	struct timeval bad[2] = { { 0, 1000000 }, { 0, 0 } };
	CHECK_ERRNO(syscall(SYS_utimes, path, bad), EINVAL);
	CHECK_ERRNO(syscall(SYS_utimes, NULL, tv), EFAULT);
	CHECK_ERRNO(syscall(SYS_utimes, path, (void *)8), EFAULT);
	snprintf(path, sizeof(path), "%s/missing", dir);
	CHECK_ERRNO(syscall(SYS_utime, path, &ub), ENOENT);

	unlinkat(dfd, "f", 0);
	rmdir(dir);
	return 0;
}
