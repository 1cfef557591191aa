/* SPDX-License-Identifier: MIT */
/*
 * poll, ppoll, select, pselect6, as Linux's fs/select.c: the first pass
 * over the files asks each ->poll with a poll table, which queues the
 * task on the file's wait queues (and notes the host fds of files served
 * by the host); then the task sleeps once, until a wake, a host fd, the
 * timeout or a signal, and looks again.  Files without ->poll are always
 * ready, as regular files are.
 */
#include <errno.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>
#include <time.h>

#include "mm/mm.h"
#include "syscalls/syscalls.h"
#include "vfs/vfs.h"

#define POLL_MAX 4096

/* A queue the poller is on, with a reference on the file that owns it. */
struct poll_entry {
	struct wait_entry e;
	struct file *f;
};

#define ENTRIES_PER_CHUNK 32

struct poll_chunk {
	struct poll_chunk *next;
	int n;
	struct poll_entry e[ENTRIES_PER_CHUNK];
};

/* Linux's poll_wqueues: the table, the queues it put the task on, the host fds. */
struct poll_wqueues {
	struct poll_table pt;
	struct task *t;
	struct file *cur;               /* the file being asked */
	struct poll_chunk *chunks;
	struct pollfd *host;
	unsigned nhost, cap;
	int err;                        /* -ENOMEM: a queue could not be joined */
};

static void pw_queue(struct poll_table *pt, struct waitq *q, uint32_t events)
{
	struct poll_wqueues *pw = (struct poll_wqueues *)pt;
	struct poll_chunk *c = pw->chunks;
	struct poll_entry *pe;

	if (!c || c->n == ENTRIES_PER_CHUNK) {
		if (!(c = calloc(1, sizeof(*c)))) {
			pw->err = -ENOMEM;
			return;
		}
		c->next = pw->chunks;
		pw->chunks = c;
	}
	pe = &c->e[c->n++];
	pe->f = file_get(pw->cur);      /* the queue lives as long as its file */
	wait_entry_task(&pe->e, pw->t, events | POLLHUP | POLLERR);
	waitq_add(q, &pe->e);
}

static void pw_host(struct poll_table *pt, int fd, uint32_t events)
{
	struct poll_wqueues *pw = (struct poll_wqueues *)pt;

	if (pw->nhost == pw->cap) {
		unsigned cap = pw->cap ? 2 * pw->cap : 16;
		struct pollfd *h = realloc(pw->host, cap * sizeof(*h));

		if (!h) {
			pw->err = -ENOMEM;
			return;
		}
		pw->host = h;
		pw->cap = cap;
	}
	pw->host[pw->nhost++] = (struct pollfd){ fd, (short)(events & 0xffff), 0 };
}

static void pw_free(struct poll_wqueues *pw)
{
	while (pw->chunks) {
		struct poll_chunk *c = pw->chunks;

		for (int i = 0; i < c->n; i++) {
			if (c->e[i].e.q)
				waitq_remove(c->e[i].e.q, &c->e[i].e);
			file_put(c->e[i].f);
		}
		pw->chunks = c->next;
		free(c);
	}
	free(pw->host);
}

static short readiness(struct poll_wqueues *pw, struct file *f, short events, bool queue)
{
	short always = POLLIN | POLLOUT | POLLRDNORM | POLLWRNORM;
	short r;

	pw->cur = f;
	r = f->ops->poll ? f->ops->poll(f, events, queue ? &pw->pt : NULL) : always;
	r &= events | POLLERR | POLLHUP | POLLNVAL;
	if (queue && !r && f->ops->wait_fd)
		pw_host(&pw->pt, f->ops->wait_fd(f), (uint16_t)events);
	return r;
}

/* One pass: fill revents; returns the number of ready entries.  The
 * first (queue) also joins the files' queues and notes their host fds. */
static int scan(struct task *t, struct pollfd *p, unsigned n, struct poll_wqueues *pw,
		bool queue)
{
	int ready = 0;

	for (unsigned i = 0; i < n; i++) {
		struct file *f;

		p[i].revents = 0;
		if (p[i].fd < 0)
			continue;
		f = fget(t, p[i].fd);
		if (!f) {
			p[i].revents = POLLNVAL;
		} else {
			p[i].revents = readiness(pw, f, p[i].events, queue);
			file_put(f);
		}
		if (p[i].revents)
			ready++;
	}
	return ready;
}

/*
 * Set *to to what is left of it (never below 0), which Linux writes back
 * for select, pselect6 and ppoll.  A zero timeout stays zero.
 */
static void timeout_left(struct timespec *to, const struct timespec *deadline)
{
	if (!to->tv_sec && !to->tv_nsec)
		return;
	*to = ts_left(deadline);
	if (to->tv_sec < 0)
		*to = (struct timespec){ 0, 0 };
}

/*
 * Write the timeout left back to the application, as Linux does for
 * select, pselect6 and ppoll.  One it cannot write is no error, but an
 * interrupted call cannot go on without it: EINTR instead of a restart.
 * Not with STICKY_TIMEOUTS (personality(2)): then nothing is written.
 */
static long timeout_back(struct task *t, uint64_t uaddr, const void *v, size_t len, long ret)
{
	/* personality STICKY_TIMEOUTS: the timeout is left as it was
	 * (poll_select_finish), and so, too, no restart */
	bool sticky = t->tg->personality & 0x4000000;

	if ((sticky || copy_to_user(t->tg->mm, uaddr, v, len)) && ret == -ERESTARTNOHAND)
		return -EINTR;
	return ret;
}

/*
 * poll on a set held by the sentry: fills revents, returns the ready
 * count; interrupted, -ERESTARTNOHAND (run again only if no handler runs).
 * A zero timeout neither queues nor sleeps.
 */
long poll_kernel(struct task *t, struct pollfd *p, unsigned n, const struct timespec *to)
{
	struct poll_wqueues pw = { .pt = { pw_queue, pw_host }, .t = t };
	struct timespec deadline = { 0, 0 };
	bool zero = to && !to->tv_sec && !to->tv_nsec, queue = !zero, last = false;
	long ret;

	if (to)
		deadline = ts_deadline(to);
	for (;;) {
		int r;

		task_prepare_wait(t);
		ret = scan(t, p, n, &pw, queue);
		queue = false;
		if (ret || last || zero || pw.err)
			break;
		r = task_block(t, to ? &deadline : NULL, pw.host, pw.nhost);
		if (r == -ERESTARTSYS) {
			ret = -ERESTARTNOHAND;
			break;
		}
		last = r == -ETIMEDOUT;         /* one last look, as Linux's do_poll() */
	}
	pw_free(&pw);
	return ret ? ret : pw.err;
}

static long do_poll(struct task *t, uint64_t ufds, unsigned n, const struct timespec *to)
{
	struct pollfd *p;
	long ret;

	if (n > POLL_MAX)
		return -EINVAL;
	p = calloc(n ? n : 1, sizeof(*p));
	if (!p)
		return -ENOMEM;
	ret = copy_from_user(t->tg->mm, p, ufds, n * sizeof(*p));
	if (!ret)
		ret = poll_kernel(t, p, n, to);
	if (ret >= 0 && copy_to_user(t->tg->mm, ufds, p, n * sizeof(*p)))
		ret = -EFAULT;
	free(p);
	return ret;
}


static long poll_restart(struct task *t);

/*
 * poll until deadline (NULL: none); interrupted with no handler to run,
 * it goes on in restart_syscall to the same deadline (Linux's
 * do_restart_poll()).
 */
static long poll_until(struct task *t, uint64_t ufds, unsigned n,
		       const struct timespec *deadline)
{
	struct timespec left = { 0, 0 };
	long ret;

	if (deadline && (left = ts_left(deadline)).tv_sec < 0)
		left = (struct timespec){ 0, 0 };
	ret = do_poll(t, ufds, n, deadline ? &left : NULL);
	if (ret != -ERESTARTNOHAND)
		return ret;
	t->restart = (struct restart_block){
		.fn = poll_restart,
		.args = { .a = { ufds, n, deadline != NULL } },
		.deadline = deadline ? *deadline : (struct timespec){ 0, 0 },
	};
	return -ERESTART_RESTARTBLOCK;
}

static long poll_restart(struct task *t)
{
	struct restart_block r = t->restart;

	return poll_until(t, r.args.a[0], (unsigned)r.args.a[1], r.args.a[2] ? &r.deadline : NULL);
}

long sys_poll(struct task *t, const struct syscall_args *a)
{
	int ms = ARG_INT(a, 2);
	struct timespec deadline = ts_deadline(&(struct timespec){ ms / 1000,
								   (ms % 1000) * 1000000L });

	return poll_until(t, a->a[0], ARG_UINT(a, 1), ms < 0 ? NULL : &deadline);
}

long sys_ppoll(struct task *t, const struct syscall_args *a)
{
	struct timespec ts, end = { 0, 0 };

	if (a->a[2]) {
		if (copy_from_user(t->tg->mm, &ts, a->a[2], sizeof(ts)))
			return -EFAULT;
		if (ts.tv_sec < 0 || ts.tv_nsec < 0 || ts.tv_nsec >= 1000000000L)
			return -EINVAL;
		end = ts_deadline(&ts);
	}
	uint64_t saved;
	long ret = sigmask_enter(t, a->a[3], a->a[4], &saved);

	if (ret)
		return ret;
	ret = do_poll(t, a->a[0], ARG_UINT(a, 1), a->a[2] ? &ts : NULL);
	sigmask_leave(t, a->a[3], ret, saved);
	if (a->a[2]) {
		timeout_left(&ts, &end);
		ret = timeout_back(t, a->a[2], &ts, sizeof(ts), ret);
	}
	return ret;
}

/* select: fd_sets in, converted to a poll set and back. */
struct sel_args {
	uint64_t in, out, ex;
	int nfds;
};

static long do_select(struct task *t, const struct sel_args *s, const struct timespec *to)
{
	uint64_t in[16] = { 0 }, out[16] = { 0 }, ex[16] = { 0 };
	size_t bytes = (size_t)((s->nfds + 63) / 64) * 8;
	struct pollfd *p;
	unsigned np = 0;
	long ret, count = 0;

	if ((s->in && copy_from_user(t->tg->mm, in, s->in, bytes)) ||
	    (s->out && copy_from_user(t->tg->mm, out, s->out, bytes)) ||
	    (s->ex && copy_from_user(t->tg->mm, ex, s->ex, bytes)))
		return -EFAULT;
	p = calloc((size_t)s->nfds + 1, sizeof(*p));
	if (!p)
		return -ENOMEM;
	for (int fd = 0; fd < s->nfds; fd++) {
		uint64_t bit = 1ULL << (fd % 64);
		short ev = (in[fd / 64] & bit ? POLLIN : 0) | (out[fd / 64] & bit ? POLLOUT : 0) |
			   (ex[fd / 64] & bit ? POLLPRI : 0);

		if (ev)
			p[np++] = (struct pollfd){ fd, ev, 0 };
	}
	/* poll on a sentry copy: reuse do_poll through a user-free path */
	ret = poll_kernel(t, p, np, to);
	memset(in, 0, sizeof(in));
	memset(out, 0, sizeof(out));
	memset(ex, 0, sizeof(ex));
	for (unsigned i = 0; ret > 0 && i < np; i++) {
		int fd = p[i].fd;
		uint64_t bit = 1ULL << (fd % 64);

		if (p[i].revents & POLLNVAL) {
			ret = -EBADF;
			break;
		}
		if ((p[i].events & POLLIN) && (p[i].revents & (POLLIN | POLLHUP | POLLERR)))
			in[fd / 64] |= bit, count++;
		if ((p[i].events & POLLOUT) && (p[i].revents & (POLLOUT | POLLERR)))
			out[fd / 64] |= bit, count++;
		if ((p[i].events & POLLPRI) && (p[i].revents & POLLPRI))
			ex[fd / 64] |= bit, count++;
	}
	free(p);
	if (ret < 0)
		return ret;
	if ((s->in && copy_to_user(t->tg->mm, s->in, in, bytes)) ||
	    (s->out && copy_to_user(t->tg->mm, s->out, out, bytes)) ||
	    (s->ex && copy_to_user(t->tg->mm, s->ex, ex, bytes)))
		return -EFAULT;
	return count;
}

/*
 * select and pselect6; *to (NULL: no timeout) is left with what remains
 * of it, for the caller to write back.
 */
static long select_common(struct task *t, const struct syscall_args *a,
			  struct timespec *to, uint64_t umask, size_t msize)
{
	struct sel_args s = { a->a[1], a->a[2], a->a[3], ARG_INT(a, 0) };
	struct timespec end = { 0, 0 };
	uint64_t saved;
	long ret;

	if (s.nfds < 0 || s.nfds > 1024)
		return -EINVAL;
	ret = sigmask_enter(t, umask, msize, &saved);
	if (ret)
		return ret;
	if (to)
		end = ts_deadline(to);
	ret = do_select(t, &s, to);
	sigmask_leave(t, umask, ret, saved);
	if (to)
		timeout_left(to, &end);
	return ret;
}

long sys_select(struct task *t, const struct syscall_args *a)
{
	struct timeval tv;
	struct timespec ts;
	long ret;

	if (a->a[4]) {
		if (copy_from_user(t->tg->mm, &tv, a->a[4], sizeof(tv)))
			return -EFAULT;
		if (tv.tv_sec < 0 || tv.tv_usec < 0 || tv.tv_usec >= 1000000)
			return -EINVAL;
		ts = (struct timespec){ tv.tv_sec, tv.tv_usec * 1000 };
	}
	ret = select_common(t, a, a->a[4] ? &ts : NULL, 0, 0);
	if (a->a[4]) {
		tv = (struct timeval){ ts.tv_sec, ts.tv_nsec / 1000 };
		ret = timeout_back(t, a->a[4], &tv, sizeof(tv), ret);
	}
	return ret;
}

long sys_pselect6(struct task *t, const struct syscall_args *a)
{
	struct timespec ts;
	struct { uint64_t ss; uint64_t len; } sm = { 0, 0 };
	long ret;

	if (a->a[4]) {
		if (copy_from_user(t->tg->mm, &ts, a->a[4], sizeof(ts)))
			return -EFAULT;
		if (ts.tv_sec < 0 || ts.tv_nsec < 0 || ts.tv_nsec >= 1000000000L)
			return -EINVAL;
	}
	if (a->a[5] && copy_from_user(t->tg->mm, &sm, a->a[5], sizeof(sm)))
		return -EFAULT;
	ret = select_common(t, a, a->a[4] ? &ts : NULL, sm.ss, sm.len);
	/* the raw syscall updates the timespec too; glibc hides it */
	if (a->a[4])
		ret = timeout_back(t, a->a[4], &ts, sizeof(ts), ret);
	return ret;
}
