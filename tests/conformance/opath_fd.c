/* O_PATH files (Linux's fdget/fdget_raw split): a handle that names a
 * file and does nothing else.  read, write, ioctl, mmap, fchmod, fchown,
 * futimens, ftruncate, fsync, fallocate, getdents64, lseek, fgetxattr,
 * flistxattr, flock, F_SETFL, sendfile, epoll and poll refuse
 * it (EBADF, POLLNVAL); fstat, fstatfs, fchdir, *at calls relative to it,
 * dup, fcntl F_GETFL/F_GETFD/F_SETFD/F_DUPFD, readlink of /proc/self/fd/N,
 * reopening it through /proc/self/fd/N and close take it. */
#define _GNU_SOURCE
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <stdio.h>
#include <sys/epoll.h>
#include <sys/file.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/sendfile.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/xattr.h>
#include "check.h"

static void refused(int p, int d)
{
	char buf[64];
	int n = 0;

	CHECK_ERRNO(read(p, buf, 1), EBADF);
	CHECK_ERRNO(write(p, "x", 1), EBADF);
	CHECK_ERRNO(pread(p, buf, 1, 0), EBADF);
	CHECK_ERRNO(ioctl(p, FIONREAD, &n), EBADF);
	CHECK_ERRNO(mmap(NULL, 4096, PROT_READ, MAP_PRIVATE, p, 0), EBADF);
	CHECK_ERRNO(fchmod(p, 0600), EBADF);
	CHECK_ERRNO(fchown(p, 0, 0), EBADF);
	CHECK_ERRNO(futimens(p, NULL), EBADF);
	CHECK_ERRNO(ftruncate(p, 0), EBADF);
	CHECK_ERRNO(fsync(p), EBADF);
	CHECK_ERRNO(fdatasync(p), EBADF);
	CHECK_ERRNO(fallocate(p, 0, 0, 1), EBADF);
	CHECK_ERRNO(lseek(p, 0, SEEK_SET), EBADF);
	CHECK_ERRNO(fgetxattr(p, "user.x", buf, sizeof(buf)), EBADF);
	CHECK_ERRNO(flistxattr(p, buf, sizeof(buf)), EBADF);
	CHECK_ERRNO(flock(p, LOCK_SH), EBADF);
	CHECK_ERRNO(fcntl(p, F_SETFL, O_NONBLOCK), EBADF);
	CHECK_ERRNO(sendfile(1, p, NULL, 1), EBADF);
	CHECK_ERRNO(syscall(SYS_getdents64, d, buf, sizeof(buf)), EBADF);

	int ep = epoll_create1(0);
	struct epoll_event ev = { .events = EPOLLIN };
	CHECK_ERRNO(epoll_ctl(ep, EPOLL_CTL_ADD, p, &ev), EBADF);
	close(ep);

	struct pollfd pfd = { .fd = p, .events = POLLIN };
	CHECK(poll(&pfd, 1, 0) == 1 && pfd.revents == POLLNVAL, "poll: revents %#x",
	      pfd.revents);
}

static void taken(int p, int d, const char *path)
{
	char link[64], target[PATH_MAX], buf[8];
	struct stat st, st2;
	struct statfs sf;
	long n;
	int fd;

	CHECK_OK(fstat(p, &st));
	CHECK(S_ISREG(st.st_mode) && st.st_size == 5, "fstat: %#o %ld", st.st_mode,
	      (long)st.st_size);
	CHECK_OK(fstatat(p, "", &st2, AT_EMPTY_PATH));
	CHECK(st2.st_ino == st.st_ino, "fstatat AT_EMPTY_PATH");
	CHECK_OK(fstatfs(p, &sf));
	CHECK((fcntl(p, F_GETFL) & O_PATH) == O_PATH, "F_GETFL %#x", fcntl(p, F_GETFL));
	CHECK(fcntl(p, F_GETFD) == 0, "F_GETFD");
	CHECK_OK(fcntl(p, F_SETFD, FD_CLOEXEC));
	CHECK(fcntl(p, F_GETFD) == FD_CLOEXEC, "F_SETFD");
	fd = fcntl(p, F_DUPFD, 10);
	CHECK(fd >= 10, "F_DUPFD: %s", strerror(errno));
	CHECK((fcntl(fd, F_GETFL) & O_PATH) == O_PATH, "dup keeps O_PATH");
	CHECK_OK(close(fd));
	fd = dup(p);
	CHECK(fd >= 0, "dup: %s", strerror(errno));
	CHECK_OK(dup2(p, fd));
	CHECK_OK(dup3(p, fd, O_CLOEXEC));
	CHECK_OK(close(fd));

	/* the directory: a base for *at calls and a new cwd */
	fd = openat(d, "f", O_RDONLY);
	CHECK(fd >= 0, "openat(O_PATH dir): %s", strerror(errno));
	CHECK(read(fd, buf, 5) == 5 && !memcmp(buf, "hello", 5), "read through openat");
	close(fd);
	CHECK_OK(fstatat(d, "f", &st2, 0));
	CHECK(st2.st_ino == st.st_ino, "fstatat(O_PATH dir)");
	CHECK_OK(fchdir(d));
	CHECK_OK(access("f", R_OK));

	/* /proc/self/fd/N names the file, and reopening it reads it */
	snprintf(link, sizeof(link), "/proc/self/fd/%d", p);
	n = readlink(link, target, sizeof(target) - 1);
	CHECK(n > 0, "readlink %s: %s", link, strerror(errno));
	target[n] = 0;
	CHECK(!strcmp(target, path), "readlink: %s, want %s", target, path);
	fd = open(link, O_RDONLY);
	CHECK(fd >= 0, "reopen %s: %s", link, strerror(errno));
	CHECK(read(fd, buf, 5) == 5 && !memcmp(buf, "hello", 5), "read after reopen");
	close(fd);
}

int main(void)
{
	char dir[64], path[128];
	int fd, p, d;

	snprintf(dir, sizeof(dir), "/tmp/opath.XXXXXX");
	CHECK(mkdtemp(dir), "mkdtemp: %s", strerror(errno));
	snprintf(path, sizeof(path), "%s/f", dir);
	fd = open(path, O_RDWR | O_CREAT, 0644);
	CHECK(fd >= 0 && write(fd, "hello", 5) == 5, "create: %s", strerror(errno));
	close(fd);
	p = open(path, O_PATH | O_RDWR);
	CHECK(p >= 0, "O_PATH: %s", strerror(errno));
	d = open(dir, O_PATH | O_DIRECTORY);
	CHECK(d >= 0, "O_PATH dir: %s", strerror(errno));
	refused(p, d);
	taken(p, d, path);
	CHECK_OK(close(p));
	CHECK_ERRNO(close(p), EBADF);
	CHECK_OK(close(d));
	return 0;
}
