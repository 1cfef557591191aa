/* Linux native AIO (io_setup, io_submit, io_getevents, io_cancel,
 * io_destroy), as MariaDB's InnoDB uses it through libaio: writes, reads,
 * vectored reads and fdatasync on a buffered file, their completions with
 * the caller's data and iocb, an eventfd signalled per completion
 * (IOCB_FLAG_RESFD), a sleeper in io_getevents woken by a submit and
 * ended by io_destroy (EINVAL), the errors, and a forked child without
 * the parent's contexts. */
#include <fcntl.h>
#include <linux/aio_abi.h>
#include <pthread.h>
#include <stdint.h>
#include <sys/eventfd.h>
#include <sys/uio.h>
#include <sys/wait.h>
#include <time.h>

#include "check.h"

static long io_setup(unsigned nr, aio_context_t *ctx)
{
	return syscall(SYS_io_setup, nr, ctx);
}

static long io_submit(aio_context_t ctx, long n, struct iocb **cbs)
{
	return syscall(SYS_io_submit, ctx, n, cbs);
}

static long io_getevents(aio_context_t ctx, long min, long nr, struct io_event *ev,
			 struct timespec *ts)
{
	return syscall(SYS_io_getevents, ctx, min, nr, ev, ts);
}

static struct iocb cb(int op, int fd, void *buf, size_t n, off_t off, uint64_t data)
{
	return (struct iocb){ .aio_lio_opcode = op, .aio_fildes = fd,
			      .aio_buf = (uint64_t)buf, .aio_nbytes = n,
			      .aio_offset = off, .aio_data = data };
}

static aio_context_t ctx;
static struct io_event waited;

static void *waiter(void *arg)
{
	(void)arg;
	return (void *)io_getevents(ctx, 1, 1, &waited, NULL);
}

static void *destroyed(void *arg)
{
	(void)arg;
	long r = io_getevents(ctx, 1, 1, &waited, NULL);
	return (void *)(r == -1 ? (long)errno : -r - 1000);
}

int main(void)
{
	char path[] = "/tmp/aio.XXXXXX", buf[32] = { 0 }, a[4], b[8];
	struct io_event ev[4];
	struct timespec zero = { 0, 0 }, short_ = { 0, 10000000 };
	aio_context_t other = 1;
	struct iocb w, r, v, s, *p[3];
	struct iovec iov[2] = { { a, sizeof(a) }, { b, sizeof(b) } };
	uint64_t count;
	pthread_t th;
	void *ret;
	int fd = mkstemp(path), efd = eventfd(0, 0), st;

	int wfd = open(path, O_WRONLY);

	CHECK(fd >= 0 && efd >= 0 && wfd >= 0, "mkstemp/eventfd/open: %s", strerror(errno));
	unlink(path);

	CHECK_ERRNO(io_setup(0, &ctx), EINVAL);
	CHECK_ERRNO(io_setup(8, &other), EINVAL);       /* *ctxp must be 0 */
	CHECK_ERRNO(io_setup(8, KERNEL_PTR), EFAULT);
	CHECK_OK(io_setup(8, &ctx));
	CHECK(ctx, "io_setup gave context 0");
	/* the context id is a readable mapping (libaio reads its header) */
	CHECK(*(volatile unsigned *)ctx == *(volatile unsigned *)ctx, "ring");

	/* a write, then its completion */
	w = cb(IOCB_CMD_PWRITE, fd, "hello, aio!!", 12, 4, 11);
	p[0] = &w;
	CHECK(io_submit(ctx, 1, p) == 1, "io_submit write: %s", strerror(errno));
	CHECK(io_getevents(ctx, 1, 4, ev, NULL) == 1, "io_getevents: %s", strerror(errno));
	CHECK(ev[0].data == 11 && ev[0].obj == (uint64_t)&w && ev[0].res == 12,
	      "write event: data %llu res %lld", (unsigned long long)ev[0].data,
	      (long long)ev[0].res);
	CHECK(pread(fd, buf, 16, 0) == 16 && !memcmp(buf + 4, "hello, aio!!", 12), "file");

	/* nothing queued: a zero timeout returns 0 at once, a short one 0 */
	CHECK(io_getevents(ctx, 1, 4, ev, &zero) == 0, "empty, zero timeout");
	CHECK(io_getevents(ctx, 1, 4, ev, &short_) == 0, "empty, 10 ms");

	/* a read, a vectored read and fdatasync in one submit, each
	 * signalling the eventfd */
	memset(buf, 0, sizeof(buf));
	r = cb(IOCB_CMD_PREAD, fd, buf, 5, 4, 21);
	v = cb(IOCB_CMD_PREADV, fd, iov, 2, 4, 22);
	s = cb(IOCB_CMD_FDSYNC, fd, NULL, 0, 0, 23);
	r.aio_flags = v.aio_flags = s.aio_flags = IOCB_FLAG_RESFD;
	r.aio_resfd = v.aio_resfd = s.aio_resfd = efd;
	p[0] = &r, p[1] = &v, p[2] = &s;
	CHECK(io_submit(ctx, 3, p) == 3, "io_submit 3: %s", strerror(errno));
	/* in the order they end: Linux ends fdatasync later, in a worker */
	CHECK(io_getevents(ctx, 3, 4, ev, NULL) == 3, "3 events");
	CHECK(read(efd, &count, 8) == 8 && count == 3, "eventfd count %llu",
	      (unsigned long long)count);
	for (int i = 0; i < 3; i++) {
		struct io_event *e = &ev[i];

		if (e->data == 21)
			CHECK(e->obj == (uint64_t)&r && e->res == 5 && !memcmp(buf, "hello", 5),
			      "pread event: %lld", (long long)e->res);
		else if (e->data == 22)
			CHECK(e->obj == (uint64_t)&v && e->res == 12 && !memcmp(a, "hell", 4) &&
			      !memcmp(b, "o, aio!!", 8), "preadv event: %lld", (long long)e->res);
		else
			CHECK(e->data == 23 && e->obj == (uint64_t)&s && e->res == 0,
			      "fdatasync event: data %llu res %lld",
			      (unsigned long long)e->data, (long long)e->res);
	}
	/* done ones cannot be cancelled */
	CHECK_ERRNO(syscall(SYS_io_cancel, ctx, &r, ev), EINVAL);

	/* what io_submit itself refuses: a bad buffer, a file not open for
	 * reading, an unknown fd, an unknown opcode */
	r = cb(IOCB_CMD_PREAD, fd, KERNEL_PTR, 5, 0, 31);
	p[0] = &r;
	CHECK_ERRNO(io_submit(ctx, 1, p), EFAULT);
	r = cb(IOCB_CMD_PREAD, wfd, buf, 5, 0, 31);
	CHECK_ERRNO(io_submit(ctx, 1, p), EBADF);
	r = cb(IOCB_CMD_PREAD, 999, buf, 5, 0, 32);
	CHECK_ERRNO(io_submit(ctx, 1, p), EBADF);
	r = cb(77, fd, buf, 5, 0, 33);
	CHECK_ERRNO(io_submit(ctx, 1, p), EINVAL);
	CHECK(io_submit(ctx, 0, p) == 0, "io_submit of none");
	CHECK_ERRNO(io_submit(ctx, -1, p), EINVAL);
	CHECK_ERRNO(io_submit(12345, 1, p), EINVAL);
	CHECK_ERRNO(io_getevents(ctx, 2, 1, ev, NULL), EINVAL);

	/* a sleeper is woken by a submit from another thread */
	CHECK(!pthread_create(&th, NULL, waiter, NULL), "pthread_create");
	usleep(20000);
	r = cb(IOCB_CMD_PREAD, fd, buf, 5, 4, 41);
	CHECK(io_submit(ctx, 1, p) == 1, "io_submit for the waiter");
	CHECK(!pthread_join(th, &ret) && (long)ret == 1 && waited.data == 41, "waiter");

	/* a forked child has none of its parent's contexts */
	if (!fork())
		_exit(io_submit(ctx, 1, p) == -1 && errno == EINVAL ? 0 : 1);
	CHECK(wait(&st) > 0 && WIFEXITED(st) && WEXITSTATUS(st) == 0, "child's context");

	/* io_destroy ends a sleeper with EINVAL; the id is then unknown */
	CHECK(!pthread_create(&th, NULL, destroyed, NULL), "pthread_create");
	usleep(20000);
	CHECK_OK(syscall(SYS_io_destroy, ctx));
	CHECK(!pthread_join(th, &ret) && (long)ret == EINVAL, "destroyed sleeper: %ld",
	      (long)ret);
	CHECK_ERRNO(syscall(SYS_io_destroy, ctx), EINVAL);
	CHECK_ERRNO(io_submit(ctx, 1, p), EINVAL);
	return 0;
}
