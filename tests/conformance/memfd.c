/* memfd_create(2): an anonymous regular file. Data written reads back,
 * it can be sized with ftruncate, and a MAP_SHARED mapping is coherent
 * with read()/write() both ways. MFD_CLOEXEC shows in F_GETFD. Unknown
 * flags and over-long names are EINVAL. */
#define _GNU_SOURCE
#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include "check.h"

int main(void)
{
	char buf[16], name[300];
	struct stat st;

	int fd = memfd_create("cvt-memfd", MFD_CLOEXEC);
	CHECK(fd >= 0, "memfd_create: %s", strerror(errno));
	CHECK(fcntl(fd, F_GETFD) == FD_CLOEXEC, "MFD_CLOEXEC not set");
	CHECK((fcntl(fd, F_GETFL) & O_ACCMODE) == O_RDWR, "not O_RDWR");
	CHECK(fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && st.st_size == 0,
	      "fresh memfd: mode %#o size %ld", (unsigned)st.st_mode,
	      (long)st.st_size);

	CHECK(write(fd, "memfd data", 10) == 10, "write");
	CHECK(pread(fd, buf, sizeof(buf), 0) == 10 && memcmp(buf, "memfd data", 10) == 0,
	      "read back");

	/* Size it to two pages and map it shared. */
	CHECK_OK(ftruncate(fd, 2 * PAGE));
	char *p = mmap(NULL, 2 * PAGE, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	CHECK(p != MAP_FAILED, "mmap: %s", strerror(errno));
	CHECK(memcmp(p, "memfd data", 10) == 0 && p[10] == 0 && p[2 * PAGE - 1] == 0,
	      "mapping does not show the file");

	/* Stores through the mapping are seen by read()... */
	memcpy(p + PAGE, "via-map", 7);
	BARRIER();
	CHECK(pread(fd, buf, 7, PAGE) == 7 && memcmp(buf, "via-map", 7) == 0,
	      "read() does not see the mapping's writes");
	/* ...and write() is seen through the mapping. */
	CHECK(pwrite(fd, "via-write", 9, 100) == 9, "pwrite");
	BARRIER();
	CHECK(memcmp(p + 100, "via-write", 9) == 0, "mapping misses write()");
	/* A second mapping of the same memfd shares the same pages. */
	char *q = mmap(NULL, PAGE, PROT_READ, MAP_SHARED, fd, PAGE);
	CHECK(q != MAP_FAILED && memcmp(q, "via-map", 7) == 0, "second mapping");
	CHECK_OK(munmap(q, PAGE));
	CHECK_OK(munmap(p, 2 * PAGE));

	/* Without MFD_CLOEXEC; separate memfds are separate files. */
	int fd2 = memfd_create("cvt-memfd", 0);
	CHECK(fd2 >= 0 && fcntl(fd2, F_GETFD) == 0, "memfd without CLOEXEC");
	struct stat st2;
	CHECK(fstat(fd, &st) == 0 && fstat(fd2, &st2) == 0 &&
		      st.st_ino != st2.st_ino && st2.st_size == 0,
	      "same name, same file");
	/* An empty name is allowed. */
	int fd3 = memfd_create("", 0);
	CHECK(fd3 >= 0, "empty name: %s", strerror(errno));

	CHECK_ERRNO(memfd_create("x", 0x100), EINVAL);
	memset(name, 'n', sizeof(name) - 1);
	name[sizeof(name) - 1] = 0;
	CHECK_ERRNO(memfd_create(name, 0), EINVAL); /* > 249 bytes */
	CHECK_ERRNO(syscall(SYS_memfd_create, KERNEL_PTR, 0), EFAULT);

	CHECK_OK(close(fd3));
	CHECK_OK(close(fd2));
	CHECK_OK(close(fd));
	return 0;
}
