/* fcntl descriptor commands: F_DUPFD/F_DUPFD_CLOEXEC pick the lowest
 * free fd >= arg, F_GETFD/F_SETFD hold FD_CLOEXEC per descriptor,
 * F_GETFL reports the access mode, F_SETFL changes O_APPEND (and a write
 * after lseek then still lands at EOF) but not the access mode. */
#define _GNU_SOURCE
#include <fcntl.h>
#include <sys/stat.h>
#include "check.h"

static char dir[] = "/tmp/cvt.XXXXXX";

int main(void)
{
	char path[512], buf[16];
	struct stat st;

	CHECK(mkdtemp(dir), "mkdtemp: %s", strerror(errno));
	snprintf(path, sizeof(path), "%s/f", dir);
	int fd = open(path, O_RDWR | O_CREAT, 0644);
	CHECK(fd >= 0 && write(fd, "12345", 5) == 5, "create");

	/* F_DUPFD: lowest free >= arg; 100 is free, so exactly 100. */
	CHECK(fcntl(fd, F_DUPFD, 100) == 100, "F_DUPFD 100");
	CHECK(fcntl(fd, F_DUPFD, 100) == 101, "F_DUPFD skips used fds");
	CHECK(fcntl(100, F_GETFD) == 0, "F_DUPFD set FD_CLOEXEC");
	CHECK(fcntl(fd, F_DUPFD_CLOEXEC, 100) == 102, "F_DUPFD_CLOEXEC");
	CHECK(fcntl(102, F_GETFD) == FD_CLOEXEC, "F_DUPFD_CLOEXEC flag");
	CHECK_OK(close(100));
	int low = fcntl(fd, F_DUPFD, 0);
	CHECK(low > fd && low < 100, "F_DUPFD 0 returned %d", low);
	CHECK_OK(close(low));

	/* FD_CLOEXEC is per descriptor, not shared with dups. */
	CHECK_OK(fcntl(101, F_SETFD, FD_CLOEXEC));
	CHECK(fcntl(101, F_GETFD) == FD_CLOEXEC && fcntl(fd, F_GETFD) == 0,
	      "FD_CLOEXEC leaked between dups");
	CHECK_OK(fcntl(101, F_SETFD, 0));
	CHECK(fcntl(101, F_GETFD) == 0, "F_SETFD 0");

	/* F_GETFL: access mode. F_SETFL cannot change it. */
	CHECK((fcntl(fd, F_GETFL) & O_ACCMODE) == O_RDWR, "F_GETFL access mode");
	int ro = open(path, O_RDONLY);
	CHECK(ro >= 0 && (fcntl(ro, F_GETFL) & O_ACCMODE) == O_RDONLY, "O_RDONLY");
	CHECK_OK(fcntl(ro, F_SETFL, O_RDWR));
	CHECK((fcntl(ro, F_GETFL) & O_ACCMODE) == O_RDONLY, "F_SETFL changed mode");
	CHECK_ERRNO(write(ro, "x", 1), EBADF);

	/* O_APPEND: every write goes to EOF, whatever the offset. */
	CHECK(!(fcntl(fd, F_GETFL) & O_APPEND), "O_APPEND set from the start");
	CHECK_OK(fcntl(fd, F_SETFL, O_APPEND));
	CHECK(fcntl(fd, F_GETFL) & O_APPEND, "O_APPEND not set");
	CHECK(lseek(fd, 0, SEEK_SET) == 0, "lseek");
	CHECK(write(fd, "ab", 2) == 2, "append write");
	CHECK(lseek(fd, 0, SEEK_CUR) == 7, "offset after append is %ld",
	      (long)lseek(fd, 0, SEEK_CUR));
	/* pwrite on an O_APPEND fd also appends on Linux (a known bug). */
	CHECK(pwrite(fd, "P", 1, 0) == 1, "pwrite");
	CHECK(fstat(fd, &st) == 0 && st.st_size == 8, "size %ld", (long)st.st_size);
	CHECK(pread(fd, buf, 8, 0) == 8 && memcmp(buf, "12345abP", 8) == 0,
	      "content '%.8s'", buf);
	/* Clearing it restores positioned writes. */
	CHECK_OK(fcntl(fd, F_SETFL, 0));
	CHECK(lseek(fd, 0, SEEK_SET) == 0 && write(fd, "X", 1) == 1 &&
		      pread(fd, buf, 2, 0) == 2 && memcmp(buf, "X2", 2) == 0,
	      "write after clearing O_APPEND");

	CHECK_ERRNO(fcntl(fd, F_DUPFD, -1), EINVAL);
	CHECK_ERRNO(fcntl(fd, F_DUPFD, 1 << 30), EINVAL); /* >= RLIMIT_NOFILE */
	CHECK_ERRNO(fcntl(fd, 9999), EINVAL);
	CHECK_ERRNO(fcntl(4321, F_GETFD), EBADF);
	CHECK_ERRNO(fcntl(4321, F_GETFL), EBADF);

	CHECK_OK(close(101));
	CHECK_OK(close(102));
	CHECK_OK(close(ro));
	CHECK_OK(close(fd));
	CHECK_OK(unlink(path));
	CHECK_OK(rmdir(dir));
	return 0;
}
