/*
 * RLIMIT_FSIZE: a regular file may not grow past it.  A write is cut to
 * what fits, and one that starts at the limit fails with EFBIG and sends
 * SIGXFSZ to the writer (O_APPEND: the limit counts from the end);
 * truncate and fallocate that would grow the file past it do the same,
 * while shrinking, FALLOC_FL_KEEP_SIZE, and pipes are not limited.
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/sendfile.h>

#include "check.h"

static volatile sig_atomic_t xfsz;

static void on_xfsz(int sig)
{
	(void)sig;
	xfsz++;
}

/* call must fail with EFBIG and raise exactly one SIGXFSZ. */
#define CHECK_EFBIG(call)                                                   \
	do {                                                                \
		int before_ = xfsz;                                         \
		CHECK_ERRNO(call, EFBIG);                                   \
		CHECK(xfsz == before_ + 1, "%s: %d SIGXFSZ", #call, xfsz - before_); \
	} while (0)

int main(void)
{
	static char buf[8192];
	const char *path = "/tmp/fsize_limit.test";
	struct rlimit rl = { 4096, RLIM_INFINITY };
	int fd, p[2];

	CHECK(signal(SIGXFSZ, on_xfsz) != SIG_ERR, "signal");
	CHECK_OK(setrlimit(RLIMIT_FSIZE, &rl));
	unlink(path);
	CHECK_OK(fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0600));

	CHECK(write(fd, buf, 5000) == 4096, "a write past the limit is cut to it");
	CHECK(xfsz == 0, "SIGXFSZ for a cut write");
	CHECK_EFBIG(write(fd, buf, 1));
	CHECK_EFBIG(pwrite(fd, buf, 10, 4096));
	CHECK(pwrite(fd, buf, 10, 4090) == 6, "pwrite up to the limit");
	CHECK(write(fd, buf, 0) == 0, "an empty write at the limit");

	CHECK_EFBIG(ftruncate(fd, 8192));
	CHECK_OK(ftruncate(fd, 100));
	CHECK_OK(ftruncate(fd, 4096));
	CHECK_EFBIG(truncate(path, 4097));
	CHECK_EFBIG(fallocate(fd, 0, 4000, 200));
	CHECK_OK(fallocate(fd, FALLOC_FL_KEEP_SIZE, 4000, 200));
	CHECK_OK(fallocate(fd, 0, 0, 4096));

	CHECK_OK(ftruncate(fd, 100));
	close(fd);
	CHECK_OK(fd = open(path, O_WRONLY | O_APPEND));
	CHECK(write(fd, buf, 5000) == 3996, "O_APPEND: cut at the limit from the end");
	CHECK_EFBIG(write(fd, buf, 1));
	close(fd);

	CHECK_OK(pipe(p));
	CHECK(write(p[1], buf, sizeof(buf)) == (ssize_t)sizeof(buf), "a pipe has no size limit");

	/* sendfile into the file: cut too */
	int in;
	CHECK_OK(in = open("/proc/self/exe", O_RDONLY));
	CHECK_OK(fd = open(path, O_WRONLY | O_TRUNC));
	CHECK(sendfile(fd, in, NULL, 6000) == 4096, "sendfile cut at the limit");
	CHECK_EFBIG(sendfile(fd, in, NULL, 10));
	close(fd);
	unlink(path);
	return 0;
}
