/* The standard character devices: /dev/null swallows writes and reads
 * EOF, /dev/zero reads zeroes, /dev/full fails writes with ENOSPC,
 * /dev/{u,}random give bytes; their device numbers are Linux's; and
 * /dev/fd, /dev/std{in,out,err} are symlinks into /proc/self/fd. */
#define _GNU_SOURCE
#include <fcntl.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include "check.h"

static const struct { const char *path; unsigned minor; } devs[] = {
	{ "/dev/null", 3 }, { "/dev/zero", 5 }, { "/dev/full", 7 },
	{ "/dev/random", 8 }, { "/dev/urandom", 9 },
};

static int opendev(const char *path, int flags)
{
	int fd = open(path, flags);
	CHECK(fd >= 0, "open %s: %s", path, strerror(errno));
	return fd;
}

int main(void)
{
	char buf[256], link[64];
	struct stat st;

	for (unsigned i = 0; i < sizeof(devs) / sizeof(*devs); i++) {
		CHECK(stat(devs[i].path, &st) == 0, "stat %s: %s", devs[i].path,
		      strerror(errno));
		CHECK(S_ISCHR(st.st_mode) && major(st.st_rdev) == 1 &&
			      minor(st.st_rdev) == devs[i].minor,
		      "%s: mode %#o rdev %u:%u", devs[i].path, (unsigned)st.st_mode,
		      major(st.st_rdev), minor(st.st_rdev));
	}

	int fd = opendev("/dev/null", O_RDWR);
	CHECK(write(fd, "gone", 4) == 4, "write /dev/null");
	CHECK(read(fd, buf, sizeof(buf)) == 0, "read /dev/null");
	/* Linux's /dev/null pins the offset at 0. */
	CHECK(lseek(fd, 100, SEEK_SET) == 0, "lseek /dev/null");
	CHECK_OK(close(fd));

	fd = opendev("/dev/zero", O_RDWR);
	memset(buf, 'x', sizeof(buf));
	CHECK(read(fd, buf, sizeof(buf)) == sizeof(buf), "read /dev/zero");
	for (unsigned i = 0; i < sizeof(buf); i++)
		CHECK(buf[i] == 0, "/dev/zero byte %u = %#x", i, buf[i]);
	CHECK(write(fd, "x", 1) == 1, "write /dev/zero");
	CHECK_OK(close(fd));

	fd = opendev("/dev/full", O_RDWR);
	CHECK_ERRNO(write(fd, "x", 1), ENOSPC);
	buf[0] = 'x';
	CHECK(read(fd, buf, 16) == 16 && buf[0] == 0, "read /dev/full");
	CHECK_OK(close(fd));

	/* Random devices: full reads, and not all the same byte. */
	for (int r = 0; r < 2; r++) {
		fd = opendev(r ? "/dev/random" : "/dev/urandom", O_RDONLY);
		memset(buf, 0, sizeof(buf));
		CHECK(read(fd, buf, 64) == 64, "read random");
		int same = 1;
		for (int i = 1; i < 64; i++)
			same &= buf[i] == buf[0];
		CHECK(!same, "64 identical random bytes");
		CHECK_OK(close(fd));
	}

	/* The fd links. */
	static const char *const links[][2] = {
		{ "/dev/fd", "/proc/self/fd" },
		{ "/dev/stdin", "/proc/self/fd/0" },
		{ "/dev/stdout", "/proc/self/fd/1" },
		{ "/dev/stderr", "/proc/self/fd/2" },
	};
	for (int i = 0; i < 4; i++) {
		CHECK(lstat(links[i][0], &st) == 0 && S_ISLNK(st.st_mode),
		      "%s is not a symlink", links[i][0]);
		ssize_t n = readlink(links[i][0], link, sizeof(link) - 1);
		CHECK(n > 0, "readlink %s: %s", links[i][0], strerror(errno));
		link[n] = 0;
		CHECK(strcmp(link, links[i][1]) == 0, "%s -> %s, want %s",
		      links[i][0], link, links[i][1]);
	}

	/* /dev is a directory; a missing device is ENOENT, and a device
	 * used as a directory ENOTDIR. */
	CHECK(stat("/dev", &st) == 0 && S_ISDIR(st.st_mode), "/dev");
	CHECK_ERRNO(open("/dev/cvisor-no-such-device", O_RDONLY), ENOENT);
	CHECK_ERRNO(open("/dev/null/x", O_RDONLY), ENOTDIR);
	return 0;
}
