/* splice, tee, vmsplice: file to pipe and back with offsets, pipe to pipe,
 * tee leaves the data in its input, vmsplice both ways, SPLICE_F_NONBLOCK
 * on an empty pipe; bad input.  sync_file_range, readahead, personality. */
#define _GNU_SOURCE
#include <fcntl.h>
#include <sys/personality.h>
#include <sys/select.h>
#include <sys/uio.h>
#include "check.h"

int main(void)
{
	char path[] = "/tmp/cvisor-splice-XXXXXX", buf[64];
	int fd = mkstemp(path), p[2], q[2];
	loff_t off;

	CHECK(fd >= 0, "mkstemp: %s", strerror(errno));
	unlink(path);
	CHECK(write(fd, "0123456789", 10) == 10, "write");
	CHECK_OK(pipe(p));
	CHECK_OK(pipe(q));

	/* file at an offset into a pipe: the file position does not move */
	off = 2;
	CHECK(splice(fd, &off, p[1], NULL, 5, 0) == 5, "splice file->pipe: %s", strerror(errno));
	CHECK(off == 7, "offset after splice %lld", (long long)off);
	CHECK(lseek(fd, 0, SEEK_CUR) == 10, "the file position moved");
	/* tee copies it to q and leaves it in p */
	CHECK(tee(p[0], q[1], 100, 0) == 5, "tee: %s", strerror(errno));
	memset(buf, 0, sizeof(buf));
	CHECK(read(q[0], buf, sizeof(buf)) == 5 && !strcmp(buf, "23456"), "tee'd %s", buf);
	/* pipe to pipe, then pipe back into the file at its position */
	CHECK(splice(p[0], NULL, q[1], NULL, 3, 0) == 3, "splice pipe->pipe: %s", strerror(errno));
	CHECK(splice(q[0], NULL, fd, NULL, 100, SPLICE_F_MORE) == 3, "splice pipe->file");
	CHECK(pread(fd, buf, 13, 0) == 13 && !memcmp(buf, "0123456789234", 13), "file: %.13s",
	      buf);
	CHECK(read(p[0], buf, sizeof(buf)) == 2 && !memcmp(buf, "56", 2), "rest of p");

	/* vmsplice in and out */
	struct iovec in[2] = { { "ab", 2 }, { "cde", 3 } }, out = { buf, sizeof(buf) };
	CHECK(vmsplice(p[1], in, 2, 0) == 5, "vmsplice to pipe: %s", strerror(errno));
	memset(buf, 0, sizeof(buf));
	CHECK(vmsplice(p[0], &out, 1, 0) == 5 && !strcmp(buf, "abcde"), "vmsplice from pipe");

	/* an empty pipe with SPLICE_F_NONBLOCK */
	CHECK_ERRNO(splice(p[0], NULL, q[1], NULL, 10, SPLICE_F_NONBLOCK), EAGAIN);
	CHECK_ERRNO(tee(p[0], q[1], 10, SPLICE_F_NONBLOCK), EAGAIN);
	/* a closed write end: end of file */
	close(p[1]);
	CHECK(splice(p[0], NULL, q[1], NULL, 10, 0) == 0, "splice at EOF");

	/* bad input */
	off = 0;
	CHECK_ERRNO(splice(fd, NULL, fd, NULL, 10, 0), EINVAL);        /* no pipe */
	CHECK_ERRNO(splice(q[0], &off, fd, NULL, 10, 0), ESPIPE);      /* offset of a pipe */
	CHECK_ERRNO(splice(q[0], NULL, q[1], NULL, 10, 0), EINVAL);    /* same pipe */
	CHECK_ERRNO(splice(q[0], NULL, fd, NULL, 10, 0x100), EINVAL);
	CHECK_ERRNO(splice(-1, NULL, q[1], NULL, 10, 0), EBADF);
	CHECK_ERRNO(splice(q[1], NULL, fd, NULL, 10, 0), EBADF);       /* write end as input */
	CHECK_ERRNO(splice(fd, (loff_t *)KERNEL_PTR, q[1], NULL, 10, 0), EFAULT);
	off = -1;
	CHECK_ERRNO(splice(fd, &off, q[1], NULL, 10, 0), EINVAL);
	CHECK(splice(fd, NULL, q[1], NULL, 0, 0) == 0, "len 0");
	CHECK_ERRNO(tee(fd, q[1], 10, 0), EINVAL);
	CHECK_ERRNO(tee(q[0], q[1], 10, 0), EINVAL);
	CHECK_ERRNO(vmsplice(fd, in, 1, 0), EBADF);
	CHECK_ERRNO(vmsplice(q[1], (struct iovec *)KERNEL_PTR, 1, 0), EFAULT);
	CHECK_ERRNO(vmsplice(q[1], in, 1, 0x100), EINVAL);

	/* sync_file_range and readahead */
	CHECK_OK(sync_file_range(fd, 0, 0, SYNC_FILE_RANGE_WAIT_BEFORE | SYNC_FILE_RANGE_WRITE |
					    SYNC_FILE_RANGE_WAIT_AFTER));
	CHECK_ERRNO(sync_file_range(fd, 0, 0, 0x100), EINVAL);
	CHECK_ERRNO(sync_file_range(fd, -1, 0, 0), EINVAL);
	CHECK_ERRNO(sync_file_range(q[0], 0, 0, 0), ESPIPE);
	CHECK_ERRNO(sync_file_range(-1, 0, 0, 0), EBADF);
	CHECK_OK(readahead(fd, 0, 4096));
	CHECK_ERRNO(readahead(q[0], 0, 10), EINVAL);
	CHECK_ERRNO(readahead(-1, 0, 10), EBADF);

	/* personality: set, read back, inherited by a child */
	int old = personality(0xffffffff);
	CHECK(old == PER_LINUX, "personality %x", old);
	CHECK(personality(PER_LINUX | ADDR_NO_RANDOMIZE) == PER_LINUX, "set");
	CHECK(personality(0xffffffff) == (PER_LINUX | ADDR_NO_RANDOMIZE), "read back");
	CHECK(personality(PER_LINUX) == (PER_LINUX | ADDR_NO_RANDOMIZE), "reset");
	/* STICKY_TIMEOUTS: select leaves its timeout as it was (LTP's
	 * personality02); without it, the time left is written back */
	{
		struct timeval tv = { 0, 10 };

		CHECK(personality(PER_LINUX | STICKY_TIMEOUTS) == PER_LINUX, "sticky");
		CHECK(select(0, NULL, NULL, NULL, &tv) == 0, "select: %s", strerror(errno));
		CHECK(tv.tv_sec == 0 && tv.tv_usec == 10, "sticky timeout now %ld.%06ld",
		      (long)tv.tv_sec, (long)tv.tv_usec);
		CHECK_OK(personality(PER_LINUX));
		CHECK(select(0, NULL, NULL, NULL, &tv) == 0, "select: %s", strerror(errno));
		CHECK(tv.tv_usec == 0, "timeout left %ld us", (long)tv.tv_usec);
	}
	return 0;
}
