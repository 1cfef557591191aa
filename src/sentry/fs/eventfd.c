/* SPDX-License-Identifier: MIT */
/*
 * Anonymous event files served by the sentry: eventfd, timerfd and
 * signalfd.  Their readiness is computed on demand (->poll); a blocked
 * reader sleeps on a wait queue: the eventfd's (woken by each read and
 * write), the timerfd's (woken by its wake timer at each expiry), the
 * thread group's signalfd queue (woken by each signal sent to it).
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/signalfd.h>
#include <sys/timerfd.h>
#include <time.h>

#include "kernel/kernel.h"
#include "mm/mm.h"
#include "vfs/vfs.h"

struct evobj {
	pthread_mutex_t lock;
	/* eventfd */
	uint64_t count;
	bool semaphore;
	/* woken with POLLIN by each write (an expiry), POLLOUT by each read */
	struct waitq wq;
	/* timerfd */
	clockid_t clock;
	int64_t next, interval;         /* ns on clock; next 0: disarmed */
	struct ktimer *timer;           /* wakes wq at each expiry */
	/* signalfd */
	uint64_t mask;
	struct task *owner;
};

static int64_t now_on(clockid_t c)
{
	struct timespec ts;

	clock_gettime(c, &ts);
	return ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

/*
 * A blocking read or write: try it; if it would block, sleep on q until
 * a wake for events, then try again.  -ERESTARTSYS on a signal.
 */
typedef ssize_t (*ev_try)(struct task *t, struct file *f, void *buf, size_t len);

static ssize_t ev_blocking(struct task *t, struct file *f, struct waitq *q, uint32_t events,
			   ev_try try, void *buf, size_t len)
{
	struct wait_entry e;
	ssize_t r = try(t, f, buf, len);

	if (r != -EAGAIN || (f->flags & O_NONBLOCK))
		return r;
	wait_entry_task(&e, t, events);
	waitq_add(q, &e);
	for (;;) {
		task_prepare_wait(t);
		r = try(t, f, buf, len);
		if (r != -EAGAIN)
			break;
		if (task_block(t, NULL, NULL, 0) == -ERESTARTSYS) {
			r = -ERESTARTSYS;
			break;
		}
	}
	waitq_remove(q, &e);
	return r;
}

static void ev_release(struct file *f)
{
	struct evobj *e = f->priv;

	if (e->timer)
		wake_timer_free(e->timer);      /* its callback is done when this returns */
	waitq_release(&e->wq);
	free(e);
}

static struct file *ev_file(const struct file_ops *ops, int flags)
{
	struct evobj *e = calloc(1, sizeof(*e));
	struct file *f;

	if (!e)
		return NULL;
	pthread_mutex_init(&e->lock, NULL);
	waitq_init(&e->wq);
	f = file_new(ops, O_RDWR | (flags & O_NONBLOCK), e);
	if (!f)
		free(e);
	return f;
}

/* --- eventfd --- */

static ssize_t efd_try_read(struct task *t, struct file *f, void *buf, size_t len)
{
	struct evobj *e = f->priv;
	uint64_t v;

	(void)t;
	(void)len;
	pthread_mutex_lock(&e->lock);
	if (!e->count) {
		pthread_mutex_unlock(&e->lock);
		return -EAGAIN;
	}
	v = e->semaphore ? 1 : e->count;
	e->count -= v;
	waitq_wake(&e->wq, POLLOUT | POLLWRNORM);
	pthread_mutex_unlock(&e->lock);
	memcpy(buf, &v, 8);
	return 8;
}

static ssize_t efd_read(struct task *t, struct file *f, void *buf, size_t len, off_t *pos)
{
	(void)pos;
	if (len < 8)
		return -EINVAL;
	return ev_blocking(t, f, &((struct evobj *)f->priv)->wq, POLLIN, efd_try_read, buf, len);
}

static ssize_t efd_try_write(struct task *t, struct file *f, void *buf, size_t len)
{
	struct evobj *e = f->priv;
	uint64_t v;

	(void)t;
	(void)len;
	memcpy(&v, buf, 8);
	pthread_mutex_lock(&e->lock);
	if (UINT64_MAX - 1 - e->count < v) {
		pthread_mutex_unlock(&e->lock);
		return -EAGAIN;
	}
	e->count += v;
	waitq_wake(&e->wq, POLLIN | POLLRDNORM);
	pthread_mutex_unlock(&e->lock);
	return 8;
}

static ssize_t efd_write(struct task *t, struct file *f, const void *buf, size_t len,
			 off_t *pos)
{
	uint64_t v;

	(void)pos;
	if (len < 8)
		return -EINVAL;
	memcpy(&v, buf, 8);
	if (v == UINT64_MAX)
		return -EINVAL;
	return ev_blocking(t, f, &((struct evobj *)f->priv)->wq, POLLOUT, efd_try_write, &v, len);
}

static short efd_poll(struct file *f, short events, struct poll_table *pt)
{
	struct evobj *e = f->priv;
	short r = 0;

	poll_wait(pt, &e->wq, (uint32_t)events);
	pthread_mutex_lock(&e->lock);
	if (e->count)
		r |= POLLIN | POLLRDNORM;
	if (e->count < UINT64_MAX - 1)
		r |= POLLOUT | POLLWRNORM;
	pthread_mutex_unlock(&e->lock);
	return r & events;
}

static const struct file_ops efd_ops = {
	.read = efd_read, .write = efd_write, .poll = efd_poll, .release = ev_release,
	.anon_name = "[eventfd]",
};

/* A new eventfd with count; in semaphore mode a read takes one. */
struct file *eventfd_file_new(uint64_t count, bool semaphore, int flags)
{
	struct file *f = ev_file(&efd_ops, flags);

	if (f) {
		((struct evobj *)f->priv)->count = count;
		((struct evobj *)f->priv)->semaphore = semaphore;
	}
	return f;
}

bool file_is_eventfd(const struct file *f)
{
	return f->ops == &efd_ops;
}

/* Add n to an eventfd's count from the sentry (an AIO completion's
 * IOCB_FLAG_RESFD): as a write, but never blocking; at the limit the
 * count stays full, as Linux's eventfd_signal() leaves it. */
void eventfd_signal(struct file *f, uint64_t n)
{
	struct evobj *e = f->priv;

	pthread_mutex_lock(&e->lock);
	e->count = UINT64_MAX - 1 - e->count < n ? UINT64_MAX - 1 : e->count + n;
	waitq_wake(&e->wq, POLLIN | POLLRDNORM);
	pthread_mutex_unlock(&e->lock);
}

/* --- timerfd: expirations counted from the clock when asked --- */

static uint64_t tfd_expired(struct evobj *e)
{
	int64_t now = now_on(e->clock);
	uint64_t n;

	if (!e->next || now < e->next)
		return 0;
	if (!e->interval) {
		e->next = 0;
		return 1;
	}
	n = (uint64_t)((now - e->next) / e->interval) + 1;
	e->next += (int64_t)n * e->interval;
	return n;
}

static ssize_t tfd_try_read(struct task *t, struct file *f, void *buf, size_t len)
{
	struct evobj *e = f->priv;
	uint64_t n;

	(void)t;
	(void)len;
	pthread_mutex_lock(&e->lock);
	n = tfd_expired(e) + e->count;
	e->count = 0;
	pthread_mutex_unlock(&e->lock);
	if (!n)
		return -EAGAIN;
	memcpy(buf, &n, 8);
	return 8;
}

static ssize_t tfd_read(struct task *t, struct file *f, void *buf, size_t len, off_t *pos)
{
	(void)pos;
	if (len < 8)
		return -EINVAL;
	return ev_blocking(t, f, &((struct evobj *)f->priv)->wq, POLLIN, tfd_try_read, buf, len);
}

static short tfd_poll(struct file *f, short events, struct poll_table *pt)
{
	struct evobj *e = f->priv;
	short r;

	poll_wait(pt, &e->wq, (uint32_t)events);
	pthread_mutex_lock(&e->lock);
	e->count += tfd_expired(e);
	r = e->count ? POLLIN | POLLRDNORM : 0;
	pthread_mutex_unlock(&e->lock);
	return r & events;
}

/* The timer thread: an expiry makes the timerfd readable. */
static void tfd_expire(void *arg)
{
	struct evobj *e = arg;

	waitq_wake(&e->wq, POLLIN | POLLRDNORM);
}

static const struct file_ops tfd_ops = {
	.read = tfd_read, .poll = tfd_poll, .release = ev_release, .anon_name = "[timerfd]",
};

bool is_timerfd(struct file *f)
{
	return f->ops == &tfd_ops;
}

/* A new timerfd on clock (the _ALARM clocks count as their plain ones). */
struct file *timerfd_file_new(clockid_t c, int flags)
{
	struct file *f = ev_file(&tfd_ops, flags);
	struct evobj *e;

	if (!f)
		return NULL;
	e = f->priv;
	e->clock = c == CLOCK_REALTIME_ALARM ? CLOCK_REALTIME :
		   c == CLOCK_BOOTTIME_ALARM ? CLOCK_BOOTTIME : c;
	e->timer = wake_timer_new(tfd_expire, e);
	if (!e->timer) {
		file_put(f);
		return NULL;
	}
	return f;
}

static void tfd_current(struct evobj *e, struct itimerspec *cur)
{
	int64_t left = e->next ? e->next - now_on(e->clock) : 0;

	if (e->next && left <= 0)
		left = 1;
	cur->it_value = (struct timespec){ left / 1000000000LL, left % 1000000000LL };
	cur->it_interval = (struct timespec){ e->interval / 1000000000LL,
					      e->interval % 1000000000LL };
}

/* timerfd_settime(2) on a timerfd, v checked: the old setting in *old. */
void timerfd_set(struct file *f, int flags, const struct itimerspec *v, struct itimerspec *old)
{
	struct evobj *e = f->priv;
	int64_t val = v->it_value.tv_sec * 1000000000LL + v->it_value.tv_nsec;
	int64_t rel, interval;

	pthread_mutex_lock(&e->lock);
	tfd_current(e, old);
	e->interval = v->it_interval.tv_sec * 1000000000LL + v->it_interval.tv_nsec;
	e->count = 0;
	e->next = !val ? 0 : (flags & TFD_TIMER_ABSTIME) ? val : now_on(e->clock) + val;
	rel = e->next ? e->next - now_on(e->clock) : 0;
	interval = e->interval;
	pthread_mutex_unlock(&e->lock);
	/* on CLOCK_MONOTONIC from now, as the other timers (timer.c) */
	wake_timer_arm(e->timer, e->next ? (rel > 0 ? rel : 1) : 0, interval);
}

void timerfd_get(struct file *f, struct itimerspec *cur)
{
	struct evobj *e = f->priv;

	pthread_mutex_lock(&e->lock);
	e->count += tfd_expired(e);
	tfd_current(e, cur);
	pthread_mutex_unlock(&e->lock);
}

/* --- signalfd: pending signals of the reader, as records --- */

/* A siginfo as a signalfd record: the fields its layout has (Linux's signalfd_copyinfo()). */
static void to_ssi(int sig, const siginfo_t *si, struct signalfd_siginfo *out)
{
	memset(out, 0, sizeof(*out));
	out->ssi_signo = (uint32_t)sig;
	out->ssi_errno = si->si_errno;
	out->ssi_code = si->si_code;
	if (si->si_code == SI_TIMER) {
		out->ssi_tid = (uint32_t)si->si_timerid;
		out->ssi_overrun = (uint32_t)si->si_overrun;
		out->ssi_ptr = (uint64_t)si->si_ptr;
		out->ssi_int = si->si_int;
		return;
	}
	if (si->si_code > 0 && si->si_code < SI_KERNEL && sig != SIGCHLD) {
		out->ssi_addr = (uint64_t)si->si_addr;     /* a fault */
		return;
	}
	out->ssi_pid = (uint32_t)si->si_pid;
	out->ssi_uid = si->si_uid;
	if (sig == SIGCHLD && si->si_code > 0 && si->si_code < SI_KERNEL) {
		out->ssi_status = si->si_status;
		out->ssi_utime = (uint64_t)si->si_utime;
		out->ssi_stime = (uint64_t)si->si_stime;
	} else if (si->si_code < 0) {
		out->ssi_ptr = (uint64_t)si->si_ptr;       /* sigqueue's value */
		out->ssi_int = si->si_int;
	}
}

static int take_signal(struct task *t, uint64_t mask, struct signalfd_siginfo *out)
{
	siginfo_t si;
	int sig = dequeue_signal(t, mask, &si);

	if (sig)
		to_ssi(sig, &si, out);
	return sig;
}

static ssize_t sfd_try_read(struct task *t, struct file *f, void *buf, size_t len)
{
	struct evobj *e = f->priv;
	size_t done = 0;

	while (done + sizeof(struct signalfd_siginfo) <= len &&
	       take_signal(t, e->mask, (struct signalfd_siginfo *)((char *)buf + done)))
		done += sizeof(struct signalfd_siginfo);
	return done ? (ssize_t)done : -EAGAIN;
}

/* The signals a signalfd reads are the reader's: it sleeps on its group's queue. */
static ssize_t sfd_read(struct task *t, struct file *f, void *buf, size_t len, off_t *pos)
{
	(void)pos;
	if (len < sizeof(struct signalfd_siginfo))
		return -EINVAL;
	return ev_blocking(t, f, &t->tg->signalfd_wq, POLLIN, sfd_try_read, buf, len);
}

static short sfd_poll(struct file *f, short events, struct poll_table *pt)
{
	struct evobj *e = f->priv;
	struct task *t = current_task;
	short r = 0;

	if (t) {
		poll_wait(pt, &t->tg->signalfd_wq, (uint32_t)events);
		pthread_mutex_lock(&t->tg->lock);
		if ((t->pending | t->tg->shared_pending) & e->mask)
			r = POLLIN | POLLRDNORM;
		pthread_mutex_unlock(&t->tg->lock);
	}
	return r & events;
}

static const struct file_ops sfd_ops = {
	.read = sfd_read, .poll = sfd_poll, .release = ev_release, .anon_name = "[signalfd]",
};

bool is_signalfd(struct file *f)
{
	return f->ops == &sfd_ops;
}

void signalfd_set_mask(struct file *f, uint64_t mask)
{
	((struct evobj *)f->priv)->mask = mask & ~(SIGBIT(SIGKILL) | SIGBIT(SIGSTOP));
}

struct file *signalfd_file_new(uint64_t mask, int flags)
{
	struct file *f = ev_file(&sfd_ops, flags);

	if (f)
		signalfd_set_mask(f, mask);
	return f;
}
