/* pipe/pipe2: bytes come out in order, EOF once every write end is closed,
 * wrong-direction I/O is EBADF, flags are honoured (O_CLOEXEC, bad flags
 * EINVAL), and 256 KiB written by a child (more than the pipe holds)
 * arrive intact. F_GETPIPE_SZ/F_SETPIPE_SZ report and change the size. */
#define _GNU_SOURCE
#include <fcntl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include "check.h"

#define BIG (256 * 1024)

int main(void)
{
	int p[2];
	char buf[64];
	CHECK_OK(pipe(p));
	struct stat st;
	CHECK_OK(fstat(p[0], &st));
	CHECK(S_ISFIFO(st.st_mode), "mode %o is not a FIFO", st.st_mode);
	CHECK(write(p[1], "abc", 3) == 3 && write(p[1], "de", 2) == 2, "write");
	CHECK(read(p[0], buf, 2) == 2 && memcmp(buf, "ab", 2) == 0, "first read");
	CHECK(read(p[0], buf, sizeof(buf)) == 3 && memcmp(buf, "cde", 3) == 0, "second read");
	CHECK_ERRNO(write(p[0], "x", 1), EBADF);
	CHECK_ERRNO(read(p[1], buf, 1), EBADF);
	CHECK_ERRNO(lseek(p[0], 0, SEEK_SET), ESPIPE);
	CHECK(write(p[1], "z", 1) == 1, "write z");
	close(p[1]);
	CHECK(read(p[0], buf, sizeof(buf)) == 1, "data before EOF");
	CHECK(read(p[0], buf, sizeof(buf)) == 0, "no EOF after closing the write end");
	close(p[0]);

	CHECK_OK(pipe2(p, O_CLOEXEC));
	CHECK(fcntl(p[0], F_GETFD) == FD_CLOEXEC && fcntl(p[1], F_GETFD) == FD_CLOEXEC, "O_CLOEXEC");
	CHECK((fcntl(p[0], F_GETFL) & O_ACCMODE) == O_RDONLY, "read end not O_RDONLY");
	CHECK((fcntl(p[1], F_GETFL) & O_ACCMODE) == O_WRONLY, "write end not O_WRONLY");
	close(p[0]);
	close(p[1]);
	CHECK_ERRNO(pipe2(p, O_RDWR), EINVAL);
	CHECK_ERRNO(syscall(SYS_pipe2, KERNEL_PTR, 0), EFAULT);

	CHECK_OK(pipe(p));
	int sz = fcntl(p[0], F_GETPIPE_SZ);
	CHECK(sz == 65536, "default pipe size %d, want 65536", sz);
	CHECK(fcntl(p[1], F_SETPIPE_SZ, 100000) >= 100000, "F_SETPIPE_SZ 100000");
	sz = fcntl(p[0], F_GETPIPE_SZ); /* rounded up to a power-of-two of pages */
	CHECK(sz == 131072, "size after F_SETPIPE_SZ(100000): %d, want 131072", sz);

	/* A child writes BIG bytes with a pattern; we read them all. */
	pid_t c = fork();
	CHECK(c >= 0, "fork");
	if (c == 0) {
		static unsigned char out[BIG];
		close(p[0]);
		for (int i = 0; i < BIG; i++)
			out[i] = (unsigned char)(i * 7 + i / 251);
		_exit(write(p[1], out, BIG) == BIG ? 0 : 1);
	}
	close(p[1]);
	static unsigned char in[BIG + 1];
	size_t got = 0;
	ssize_t n;
	while ((n = read(p[0], in + got, sizeof(in) - got)) > 0)
		got += n;
	CHECK(n == 0, "read: %s", strerror(errno));
	CHECK(got == BIG, "read %zu bytes, want %d", got, BIG);
	for (int i = 0; i < BIG; i++)
		CHECK(in[i] == (unsigned char)(i * 7 + i / 251), "byte %d corrupted", i);
	int ws;
	CHECK(waitpid(c, &ws, 0) == c && ws == 0, "writer status %#x", ws);
	return 0;
}
