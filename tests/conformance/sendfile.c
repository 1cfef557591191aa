/* sendfile(2) between files: without an offset pointer it reads from
 * and advances in_fd's offset; with one it uses and updates *offset and
 * leaves in_fd's offset alone; it stops at EOF; and EBADF (wrong access
 * modes), EINVAL (O_APPEND output, negative offset), EFAULT. */
#define _GNU_SOURCE
#include <fcntl.h>
#include <sys/sendfile.h>
#include <sys/stat.h>
#include "check.h"

static char dir[] = "/tmp/cvt.XXXXXX";

int main(void)
{
	char in_p[512], out_p[512], buf[32];
	struct stat st;

	CHECK(mkdtemp(dir), "mkdtemp: %s", strerror(errno));
	snprintf(in_p, sizeof(in_p), "%s/in", dir);
	snprintf(out_p, sizeof(out_p), "%s/out", dir);
	int in = open(in_p, O_RDWR | O_CREAT, 0644);
	int out = open(out_p, O_RDWR | O_CREAT, 0644);
	CHECK(in >= 0 && out >= 0, "create: %s", strerror(errno));
	CHECK(write(in, "hello, sendfile!", 16) == 16, "write");

	/* No offset pointer: in's file offset is used and advanced. */
	CHECK(lseek(in, 7, SEEK_SET) == 7, "lseek");
	CHECK(sendfile(out, in, NULL, 4) == 4, "sendfile: %s", strerror(errno));
	CHECK(lseek(in, 0, SEEK_CUR) == 11, "in offset %ld, want 11",
	      (long)lseek(in, 0, SEEK_CUR));
	CHECK(lseek(out, 0, SEEK_CUR) == 4, "out offset");

	/* With an offset: *off moves, in's offset does not. */
	off_t off = 0;
	CHECK(sendfile(out, in, &off, 5) == 5 && off == 5, "sendfile &off: off %ld",
	      (long)off);
	CHECK(lseek(in, 0, SEEK_CUR) == 11, "sendfile with offset moved in");
	CHECK(pread(out, buf, sizeof(buf), 0) == 9 && memcmp(buf, "sendhello", 9) == 0,
	      "out content '%.9s'", buf);

	/* Short at EOF, then 0; count 0 is 0. */
	off = 12;
	CHECK(sendfile(out, in, &off, 100) == 4 && off == 16, "short at EOF");
	CHECK(sendfile(out, in, &off, 100) == 0, "at EOF");
	CHECK(sendfile(out, in, NULL, 0) == 0, "count 0");
	CHECK(fstat(out, &st) == 0 && st.st_size == 13, "out size %ld",
	      (long)st.st_size);
	/* Any writable output, e.g. /dev/null. */
	int null = open("/dev/null", O_WRONLY);
	off = 0;
	CHECK(null >= 0 && sendfile(null, in, &off, 16) == 16, "to /dev/null: %s",
	      strerror(errno));

	/* Access modes. */
	int wo = open(in_p, O_WRONLY), ro = open(out_p, O_RDONLY);
	CHECK(wo >= 0 && ro >= 0, "reopen");
	off = 0;
	CHECK_ERRNO(sendfile(out, wo, &off, 1), EBADF);
	CHECK_ERRNO(sendfile(ro, in, &off, 1), EBADF);
	CHECK_ERRNO(sendfile(out, 4321, &off, 1), EBADF);
	CHECK_ERRNO(sendfile(4321, in, &off, 1), EBADF);
	/* Appending output and negative offsets are refused. */
	int app = open(out_p, O_WRONLY | O_APPEND);
	CHECK(app >= 0, "open O_APPEND");
	CHECK_ERRNO(sendfile(app, in, &off, 1), EINVAL);
	off = -1;
	CHECK_ERRNO(sendfile(out, in, &off, 1), EINVAL);
	CHECK_ERRNO(sendfile(out, in, KERNEL_PTR, 1), EFAULT);

	const int fds[] = { app, wo, ro, null, in, out };
	for (unsigned i = 0; i < sizeof(fds) / sizeof(*fds); i++)
		CHECK_OK(close(fds[i]));
	CHECK_OK(unlink(in_p));
	CHECK_OK(unlink(out_p));
	CHECK_OK(rmdir(dir));
	return 0;
}
