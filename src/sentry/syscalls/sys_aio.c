/* SPDX-License-Identifier: MIT */
/*
 * Linux native asynchronous I/O: io_setup, io_submit, io_getevents,
 * io_cancel, io_destroy (fs/aio.c in Linux).  MariaDB's InnoDB does its
 * page I/O through them (libaio) when the kernel has them.
 *
 * Each iocb is done at io_submit, to its end, by the same code as
 * pread/pwrite/preadv/pwritev/fsync/fdatasync, and its completion queued
 * on the context for io_getevents: what Linux itself does for files not
 * opened O_DIRECT, the only kind the sandbox has.  So nothing is ever in
 * flight: io_cancel finds nothing to cancel, and io_destroy waits for
 * nothing.
 *
 * The context id is, as in Linux, the address of a mapping in the caller
 * (Linux's aio_ring, sized for nr_events).  Its header is left zero, so
 * libaio, which reads completions from the ring itself only when the
 * header's magic says it may, always asks io_getevents (gVisor does the
 * same).  The mapping is not inherited by fork (Linux: VM_DONTCOPY), and
 * the contexts die with the address space (exec, exit: aio_mm_exit).
 *
 * io_uring: absent, as in a Linux with kernel.io_uring_disabled = 2:
 * io_uring_setup is EPERM (programs probe it and fall back to libaio or
 * threads, as they do under docker's default seccomp profile).
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/aio_abi.h>
#include <poll.h>
#include <pthread.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/uio.h>

#include "kernel/waitq.h"
#include "mm/mm.h"
#include "syscalls/syscalls.h"
#include "vfs/vfs.h"

#define AIO_MAX_NR 65536        /* /proc/sys/fs/aio-max-nr's default */

struct aio_ctx {
	struct aio_ctx *next;           /* the address space's list */
	uint64_t id;                    /* the ring mapping's address */
	uint64_t ring_len;
	unsigned max;                   /* nr_events: completions it can hold */
	unsigned head, count;           /* the queued completions in ev[] */
	int refs;                       /* the list's, and each call using it */
	bool dead;                      /* io_destroy'ed */
	struct waitq wq;                /* io_getevents sleepers */
	struct io_event ev[];
};

/* One lock for every context: the calls are few and short. */
static pthread_mutex_t aio_lock = PTHREAD_MUTEX_INITIALIZER;

static void ctx_put_locked(struct aio_ctx *c)
{
	if (--c->refs == 0) {
		waitq_release(&c->wq);
		free(c);
	}
}

static void ctx_put(struct aio_ctx *c)
{
	pthread_mutex_lock(&aio_lock);
	ctx_put_locked(c);
	pthread_mutex_unlock(&aio_lock);
}

/* The caller's live context id, with a reference; NULL if none. */
static struct aio_ctx *ctx_get(struct task *t, uint64_t id)
{
	struct aio_ctx *c;

	pthread_mutex_lock(&aio_lock);
	for (c = t->tg->mm->aio; c && c->id != id; c = c->next)
		;
	if (c)
		c->refs++;
	pthread_mutex_unlock(&aio_lock);
	return c;
}

/* Take the context off its address space's list; false if not on it. */
static bool ctx_unlink(struct mm *mm, struct aio_ctx *c)
{
	for (struct aio_ctx **p = &mm->aio; *p; p = &(*p)->next)
		if (*p == c) {
			*p = c->next;
			c->dead = true;
			waitq_wake(&c->wq, POLLIN);
			return true;
		}
	return false;
}

/* The address space is gone (mm_put): its contexts go with it. */
void aio_mm_exit(struct mm *mm)
{
	pthread_mutex_lock(&aio_lock);
	while (mm->aio) {
		struct aio_ctx *c = mm->aio;

		ctx_unlink(mm, c);
		ctx_put_locked(c);
	}
	pthread_mutex_unlock(&aio_lock);
}

long sys_io_setup(struct task *t, const struct syscall_args *a)
{
	unsigned nr = ARG_UINT(a, 0);
	uint64_t uid = a->a[1], old;
	struct mm *mm = t->tg->mm;
	struct aio_ctx *c;
	long addr;

	if (copy_from_user(mm, &old, uid, sizeof(old)))
		return -EFAULT;
	if (old || !nr)
		return -EINVAL;
	if (nr > AIO_MAX_NR)
		return -EAGAIN;
	c = calloc(1, sizeof(*c) + nr * sizeof(struct io_event));
	if (!c)
		return -ENOMEM;
	/* Linux's ring: a header of 32 bytes and nr events, in whole pages */
	c->ring_len = (32 + (uint64_t)nr * sizeof(struct io_event) + 4095) & ~4095ULL;
	addr = mm_mmap(mm, 0, c->ring_len, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0,
		       VMA_ANON);
	if (addr < 0) {
		free(c);
		return addr;
	}
	mm_madvise(mm, (uint64_t)addr, c->ring_len, MADV_DONTFORK);
	c->id = (uint64_t)addr;
	c->max = nr;
	c->refs = 1;
	waitq_init(&c->wq);
	if (copy_to_user(mm, uid, &c->id, sizeof(c->id))) {
		mm_munmap(mm, c->id, c->ring_len);
		free(c);
		return -EFAULT;
	}
	pthread_mutex_lock(&aio_lock);
	c->next = mm->aio;
	mm->aio = c;
	pthread_mutex_unlock(&aio_lock);
	return 0;
}

long sys_io_destroy(struct task *t, const struct syscall_args *a)
{
	struct aio_ctx *c = ctx_get(t, a->a[0]);
	bool mine;

	if (!c)
		return -EINVAL;
	pthread_mutex_lock(&aio_lock);
	mine = ctx_unlink(t->tg->mm, c);
	if (mine)
		ctx_put_locked(c);      /* the list's reference */
	pthread_mutex_unlock(&aio_lock);
	if (mine)
		mm_munmap(t->tg->mm, c->id, c->ring_len);
	ctx_put(c);
	return mine ? 0 : -EINVAL;
}

/* Do one iocb now: the result its io_event carries. */
static long aio_do(struct task *t, const struct iocb *cb)
{
	struct syscall_args rw = { .a = { cb->aio_fildes, cb->aio_buf, cb->aio_nbytes,
					   (uint64_t)cb->aio_offset } };

	switch (cb->aio_lio_opcode) {
	case IOCB_CMD_PREAD:
		return sys_pread64(t, &rw);
	case IOCB_CMD_PWRITE:
		return sys_pwrite64(t, &rw);
	case IOCB_CMD_PREADV:
		return sys_preadv(t, &rw);
	case IOCB_CMD_PWRITEV:
		return sys_pwritev(t, &rw);
	case IOCB_CMD_FSYNC:
		return sys_fsync(t, &rw);
	case IOCB_CMD_FDSYNC:
		return sys_fdatasync(t, &rw);
	}
	return -EINVAL;
}

/*
 * What Linux refuses at io_submit rather than in the completion: an
 * unknown opcode, a file not open for the direction, a buffer (or iovec
 * array) outside user memory.
 */
static long iocb_check(struct file *f, const struct iocb *cb)
{
	int acc = f->flags & O_ACCMODE;
	size_t len = cb->aio_nbytes;

	switch (cb->aio_lio_opcode) {
	case IOCB_CMD_PREADV:
	case IOCB_CMD_PWRITEV:
		len *= sizeof(struct iovec);
		/* fall through */
	case IOCB_CMD_PREAD:
	case IOCB_CMD_PWRITE:
		if (cb->aio_lio_opcode == IOCB_CMD_PREAD || cb->aio_lio_opcode == IOCB_CMD_PREADV ?
		    acc == O_WRONLY : acc == O_RDONLY)
			return -EBADF;
		return access_ok(cb->aio_buf, len) ? 0 : -EFAULT;
	case IOCB_CMD_FSYNC:
	case IOCB_CMD_FDSYNC:
		return 0;
	}
	return -EINVAL;
}

/* Check, do and queue the iocb at user address ucb. */
static long submit_one(struct task *t, struct aio_ctx *c, uint64_t ucb)
{
	struct mm *mm = t->tg->mm;
	struct iocb cb;
	struct file *f, *efd = NULL;
	struct io_event ev;
	const uint32_t key = 0; /* Linux's KIOCB_KEY, written back */
	long err;

	if (copy_from_user(mm, &cb, ucb, sizeof(cb)))
		return -EFAULT;
	if (cb.aio_reserved2 || cb.aio_flags & ~(IOCB_FLAG_RESFD | IOCB_FLAG_IOPRIO))
		return -EINVAL;
	if ((int64_t)cb.aio_nbytes < 0)
		return -EINVAL;
	f = fget(t, (int)cb.aio_fildes);
	if (!f)
		return -EBADF;
	err = iocb_check(f, &cb);
	file_put(f);
	if (err)
		return err;
	if (cb.aio_flags & IOCB_FLAG_RESFD) {
		efd = fget(t, (int)cb.aio_resfd);
		if (!efd)
			return -EBADF;
		if (!file_is_eventfd(efd)) {
			file_put(efd);
			return -EINVAL;
		}
	}
	if (copy_to_user(mm, ucb + offsetof(struct iocb, aio_key), &key, sizeof(key))) {
		if (efd)
			file_put(efd);
		return -EFAULT;
	}
	ev = (struct io_event){ .data = cb.aio_data, .obj = ucb, .res = aio_do(t, &cb) };
	pthread_mutex_lock(&aio_lock);
	c->ev[(c->head + c->count++) % c->max] = ev;
	waitq_wake(&c->wq, POLLIN);
	pthread_mutex_unlock(&aio_lock);
	if (efd) {
		eventfd_signal(efd, 1);
		file_put(efd);
	}
	return 0;
}

long sys_io_submit(struct task *t, const struct syscall_args *a)
{
	long nr = (long)a->a[1], i, err = 0;
	struct aio_ctx *c;

	if (nr < 0)
		return -EINVAL;
	c = ctx_get(t, a->a[0]);
	if (!c)
		return -EINVAL;
	for (i = 0; i < nr; i++) {
		uint64_t ucb;
		bool full;

		pthread_mutex_lock(&aio_lock);
		full = c->count >= c->max;
		pthread_mutex_unlock(&aio_lock);
		if (full) {
			err = -EAGAIN;
			break;
		}
		if (copy_from_user(t->tg->mm, &ucb, a->a[2] + (uint64_t)i * sizeof(ucb),
				   sizeof(ucb))) {
			err = -EFAULT;
			break;
		}
		err = submit_one(t, c, ucb);
		if (err)
			break;
	}
	ctx_put(c);
	return i ? i : err;
}

/* Take up to n queued completions into ev; how many. */
static long take_events(struct aio_ctx *c, struct io_event *ev, long n)
{
	long k = 0;

	for (; k < n && c->count; k++, c->count--) {
		ev[k] = c->ev[c->head];
		c->head = (c->head + 1) % c->max;
	}
	return k;
}

long sys_io_getevents(struct task *t, const struct syscall_args *a)
{
	long min = (long)a->a[1], nr = (long)a->a[2], got = 0;
	uint64_t uev = a->a[3];
	struct timespec rel, deadline;
	struct aio_ctx *c;
	bool dead;
	int err = 0;

	if (min < 0 || nr < 0 || min > nr)
		return -EINVAL;
	if (a->a[4]) {
		if (copy_from_user(t->tg->mm, &rel, a->a[4], sizeof(rel)))
			return -EFAULT;
		if (rel.tv_sec < 0 || rel.tv_nsec < 0 || rel.tv_nsec >= 1000000000)
			return -EINVAL;
		deadline = ts_deadline(&rel);
	}
	c = ctx_get(t, a->a[0]);
	if (!c)
		return -EINVAL;
	pthread_mutex_lock(&aio_lock);
	for (;;) {
		struct io_event ev[64];
		long k = take_events(c, ev, nr - got < 64 ? nr - got : 64);

		if (k) {
			/* no user copy under the lock: it may fault */
			pthread_mutex_unlock(&aio_lock);
			err = copy_to_user(t->tg->mm, uev + (uint64_t)got * sizeof(*ev), ev,
					   (size_t)k * sizeof(*ev)) ? -EFAULT : 0;
			pthread_mutex_lock(&aio_lock);
			if (err)
				break;
			got += k;
			continue;
		}
		if (got >= min || got == nr || c->dead)
			break;
		if (a->a[4] && !rel.tv_sec && !rel.tv_nsec)
			break;
		err = task_sleep_on(t, &c->wq, POLLIN, &aio_lock, a->a[4] ? &deadline : NULL);
		if (err)
			break;
	}
	dead = c->dead;
	ctx_put_locked(c);
	pthread_mutex_unlock(&aio_lock);
	if (got)
		return got;
	if (dead)            /* io_destroy'ed while we waited: Linux's answer */
		return -EINVAL;
	if (err == -ETIMEDOUT)
		return 0;
	return err ? (err == -EFAULT ? -EFAULT : -EINTR) : 0;
}

/* Every iocb is done by the time io_submit returns: none to cancel. */
long sys_io_cancel(struct task *t, const struct syscall_args *a)
{
	struct aio_ctx *c = ctx_get(t, a->a[0]);

	if (!c)
		return -EINVAL;
	ctx_put(c);
	return -EINVAL;
}

long sys_io_uring_setup(struct task *t, const struct syscall_args *a)
{
	(void)t;
	(void)a;
	return -EPERM;
}
