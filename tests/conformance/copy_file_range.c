/* copy_file_range(2) on one filesystem: explicit offsets are used and
 * updated while file offsets stay put; NULL offsets use and advance the
 * file offsets; 0 at EOF; and EINVAL (flags, overlap within one file),
 * EOVERFLOW (negative offset), EBADF (access modes, O_APPEND), EISDIR. */
#define _GNU_SOURCE
#include <fcntl.h>
#include <sys/stat.h>
#include "check.h"

static char dir[] = "/tmp/cvt.XXXXXX";

int main(void)
{
	char in_p[512], out_p[512], buf[32];
	struct stat st;
	loff_t oi, oo;

	CHECK(mkdtemp(dir), "mkdtemp: %s", strerror(errno));
	snprintf(in_p, sizeof(in_p), "%s/in", dir);
	snprintf(out_p, sizeof(out_p), "%s/out", dir);
	int in = open(in_p, O_RDWR | O_CREAT, 0644);
	int out = open(out_p, O_RDWR | O_CREAT, 0644);
	CHECK(in >= 0 && out >= 0, "create: %s", strerror(errno));
	CHECK(write(in, "0123456789abcdef", 16) == 16, "write");

	/* Explicit offsets; the destination gets a zero-filled gap. */
	oi = 4, oo = 2;
	CHECK(copy_file_range(in, &oi, out, &oo, 6, 0) == 6, "copy: %s",
	      strerror(errno));
	CHECK(oi == 10 && oo == 8, "offsets %ld %ld", (long)oi, (long)oo);
	CHECK(lseek(in, 0, SEEK_CUR) == 16 && lseek(out, 0, SEEK_CUR) == 0,
	      "file offsets moved");
	CHECK(pread(out, buf, sizeof(buf), 0) == 8 &&
		      memcmp(buf, "\0\0" "456789", 8) == 0,
	      "out content");

	/* NULL offsets: the file offsets. */
	CHECK(lseek(in, 10, SEEK_SET) == 10 && lseek(out, 8, SEEK_SET) == 8, "lseek");
	CHECK(copy_file_range(in, NULL, out, NULL, 100, 0) == 6, "copy to EOF");
	CHECK(lseek(in, 0, SEEK_CUR) == 16 && lseek(out, 0, SEEK_CUR) == 14,
	      "file offsets not advanced");
	CHECK(copy_file_range(in, NULL, out, NULL, 100, 0) == 0, "at EOF");
	CHECK(fstat(out, &st) == 0 && st.st_size == 14, "out size %ld",
	      (long)st.st_size);

	/* Within one file: disjoint ranges work, overlapping do not. */
	oi = 0, oo = 20;
	CHECK(copy_file_range(in, &oi, in, &oo, 4, 0) == 4, "same file: %s",
	      strerror(errno));
	CHECK(pread(in, buf, 4, 20) == 4 && memcmp(buf, "0123", 4) == 0,
	      "same-file copy");
	oi = 0, oo = 2;
	CHECK_ERRNO(copy_file_range(in, &oi, in, &oo, 4, 0), EINVAL);

	oi = 0, oo = 0;
	CHECK_ERRNO(copy_file_range(in, &oi, out, &oo, 1, 1), EINVAL);
	/* A negative offset: Linux 6.x says EOVERFLOW, older ones EINVAL. */
	oi = -1;
	errno = 0;
	CHECK(copy_file_range(in, &oi, out, &oo, 1, 0) == -1 &&
		      (errno == EOVERFLOW || errno == EINVAL),
	      "negative offset: %s", strerror(errno));
	oi = 0;
	int wo = open(in_p, O_WRONLY), ro = open(out_p, O_RDONLY);
	int app = open(out_p, O_WRONLY | O_APPEND);
	CHECK(wo >= 0 && ro >= 0 && app >= 0, "reopen");
	CHECK_ERRNO(copy_file_range(wo, &oi, out, &oo, 1, 0), EBADF);
	CHECK_ERRNO(copy_file_range(in, &oi, ro, &oo, 1, 0), EBADF);
	CHECK_ERRNO(copy_file_range(in, &oi, app, &oo, 1, 0), EBADF);
	CHECK_ERRNO(copy_file_range(4321, &oi, out, &oo, 1, 0), EBADF);
	int dfd = open(dir, O_RDONLY | O_DIRECTORY);
	CHECK(dfd >= 0, "open dir");
	CHECK_ERRNO(copy_file_range(dfd, &oi, out, &oo, 1, 0), EISDIR);
	CHECK_ERRNO(copy_file_range(in, KERNEL_PTR, out, &oo, 1, 0), EFAULT);

	const int fds[] = { dfd, app, wo, ro, in, out };
	for (unsigned i = 0; i < sizeof(fds) / sizeof(*fds); i++)
		CHECK_OK(close(fds[i]));
	CHECK_OK(unlink(in_p));
	CHECK_OK(unlink(out_p));
	CHECK_OK(rmdir(dir));
	return 0;
}
