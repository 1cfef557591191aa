/* SPDX-License-Identifier: MIT */
/*
 * epoll, over the same readiness the sentry's poll uses.  Interest is
 * keyed by (fd, file) as in Linux; a closed fd drops out when its file is
 * found gone.  Readiness is level-triggered.  EPOLLET reports a ready file
 * once per wake-up, as Linux does: pipes and eventfds count their
 * wake-ups (each write...) and a new one re-arms the edge even if the file
 * never stopped being ready; files that keep no count fall back to an edge
 * per change of ready state.  EPOLLONESHOT disarms after one report.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <time.h>

#include "kernel/kernel.h"
#include "mm/mm.h"
#include "syscalls/syscalls.h"
#include "vfs/vfs.h"


struct epitem {
	int fd;
	struct file *file;              /* not a reference: compared only */
	uint32_t events;
	uint64_t data;
	/* EPOLLET: the file's wake-ups seen so far (< 0: it keeps no count) */
	int64_t seen;
	bool pending;                   /* EPOLLET: armed by ADD or MOD */
	uint32_t last;                  /* EPOLLET, no count: state last seen */
	bool disarmed;                  /* EPOLLONESHOT fired */
};

struct epoll {
	pthread_mutex_t lock;
	struct epitem *items;
	size_t n;
};

static void ep_release(struct file *f)
{
	struct epoll *ep = f->priv;

	free(ep->items);
	free(ep);
}

static short ep_poll(struct file *f, short events);

static const struct file_ops epoll_ops = {
	.poll = ep_poll,
	.release = ep_release,
};

long sys_epoll_create1(struct task *t, const struct syscall_args *a)
{
	int flags = ARG_INT(a, 0);
	struct epoll *ep;
	struct file *f;
	long fd;

	if (flags & ~EPOLL_CLOEXEC)
		return -EINVAL;
	ep = calloc(1, sizeof(*ep));
	if (!ep)
		return -ENOMEM;
	pthread_mutex_init(&ep->lock, NULL);
	f = file_new(&epoll_ops, O_RDWR, ep);
	if (!f) {
		free(ep);
		return -ENOMEM;
	}
	fd = fdt_install(t->tg->fdt, -1, f, flags & EPOLL_CLOEXEC);
	if (fd < 0)
		file_put(f);
	return fd;
}

long sys_epoll_create(struct task *t, const struct syscall_args *a)
{
	struct syscall_args b = { .nr = a->nr };

	if (ARG_INT(a, 0) <= 0)
		return -EINVAL;
	return sys_epoll_create1(t, &b);
}

/* Wake-up counters of the sentry's own files (pipe.c, eventfd.c). */
int64_t pipe_wakeups(struct file *f, uint32_t events);
int64_t eventfd_wakeups(struct file *f, uint32_t events);

/* Wake-ups so far on f for events, or -ENOTTY for a file that keeps none. */
static int64_t wakeups(struct file *f, uint32_t events)
{
	int64_t n = pipe_wakeups(f, events);

	return n == -ENOTTY ? eventfd_wakeups(f, events) : n;
}

/* (Re)arm an item for ADD or MOD: its first ready state is reported. */
static void item_set(struct epitem *it, int fd, struct file *f, const struct epoll_event *ev)
{
	uint32_t want = ev->events | EPOLLHUP | EPOLLERR;

	*it = (struct epitem){ .fd = fd, .file = f, .events = ev->events,
			       .data = ev->data.u64, .seen = wakeups(f, want),
			       .pending = true };
}

static struct epitem *find(struct epoll *ep, int fd, struct file *f)
{
	for (size_t i = 0; i < ep->n; i++)
		if (ep->items[i].fd == fd && ep->items[i].file == f)
			return &ep->items[i];
	return NULL;
}

long sys_epoll_ctl(struct task *t, const struct syscall_args *a)
{
	struct file *epf = fget(t, ARG_INT(a, 0));
	struct file *f = fget(t, ARG_INT(a, 2));
	int op = ARG_INT(a, 1), fd = ARG_INT(a, 2);
	struct epoll_event ev = { 0, { 0 } };
	struct epoll *ep;
	struct epitem *it;
	long err = 0;

	if (!epf || !f) {
		err = -EBADF;
		goto out;
	}
	if (epf->ops != &epoll_ops || epf == f) {
		err = -EINVAL;
		goto out;
	}
	if (f->inode && (S_ISREG(f->inode->mode) || S_ISDIR(f->inode->mode))) {
		err = -EPERM;           /* regular files are always ready: Linux refuses */
		goto out;
	}
	if (op != EPOLL_CTL_DEL && copy_from_user(t->tg->mm, &ev, a->a[3], sizeof(ev))) {
		err = -EFAULT;
		goto out;
	}
	ep = epf->priv;
	pthread_mutex_lock(&ep->lock);
	it = find(ep, fd, f);
	if (op == EPOLL_CTL_ADD) {
		struct epitem *n;

		if (it) {
			err = -EEXIST;
		} else if (!(n = realloc(ep->items, (ep->n + 1) * sizeof(*n)))) {
			err = -ENOMEM;
		} else {
			ep->items = n;
			item_set(&ep->items[ep->n++], fd, f, &ev);
		}
	} else if (op == EPOLL_CTL_MOD) {
		if (!it)
			err = -ENOENT;
		else
			item_set(it, fd, f, &ev);
	} else if (op == EPOLL_CTL_DEL) {
		if (!it)
			err = -ENOENT;
		else
			*it = ep->items[--ep->n];
	} else {
		err = -EINVAL;
	}
	pthread_mutex_unlock(&ep->lock);
out:
	file_put(epf);
	file_put(f);
	return err;
}

/* Readiness of f for the events of an item. */
static uint32_t item_poll(struct file *f, uint32_t events)
{
	uint32_t want = events | EPOLLHUP | EPOLLERR;

	if (!f->ops->poll)
		return (EPOLLIN | EPOLLOUT) & events;
	return (uint16_t)f->ops->poll(f, (short)want) & want;
}

/*
 * What to report for an item whose file is f, 0 for nothing.  consume
 * (epoll_wait) spends the edge and the one shot; a peek (poll on the epoll
 * fd) leaves them for the epoll_wait that follows.
 */
static uint32_t item_events(struct epitem *it, struct file *f, bool consume,
			    uint32_t *readyp)
{
	uint32_t ready, r;
	int64_t gen;
	bool edge;

	if (it->disarmed)
		return 0;
	/* count before polling: a wake-up in between is then not lost */
	gen = wakeups(f, it->events | EPOLLHUP | EPOLLERR);
	ready = item_poll(f, it->events);
	*readyp = ready;
	if (!(it->events & EPOLLET))
		edge = true;
	else if (gen < 0)
		edge = ready != it->last;
	else
		edge = it->pending || gen != it->seen;
	r = edge ? ready : 0;
	if (!consume)
		return r;
	/* as from Linux's ready list, a wake-up found not ready is dropped */
	it->seen = gen;
	it->pending = false;
	it->last = ready;
	if (r && (it->events & EPOLLONESHOT))
		it->disarmed = true;
	return r;
}

/*
 * Where epoll_wait sleeps when nothing is ready: the host fds of items not
 * ready (sockets, host streams), which wake it at once, and whether some
 * item can only be looked at again (a sentry-side file, or an edge-
 * triggered item still level-ready, whose next edge no host fd shows).
 */
struct ep_sleep {
	struct pollfd *host;
	size_t nhost, cap;
	bool rescan;
};

static void sleep_on(struct ep_sleep *sl, struct epitem *it, struct file *f, uint32_t ready)
{
	if (!sl)
		return;
	if (!ready && f->ops->wait_fd && sl->nhost < sl->cap)
		sl->host[sl->nhost++] = (struct pollfd){ f->ops->wait_fd(f),
							 (short)(it->events & 0xffff), 0 };
	else
		sl->rescan = true;
}

/*
 * Gather ready items into evs (up to max), or only count them when evs is
 * NULL; drops items whose fd is gone.  With sl, notes where to sleep.
 */
static int collect(struct task *t, struct epoll *ep, struct epoll_event *evs, int max,
		   struct ep_sleep *sl)
{
	int n = 0;

	pthread_mutex_lock(&ep->lock);
	for (size_t i = 0; i < ep->n && n < max; i++) {
		struct epitem *it = &ep->items[i];
		struct file *f = fdt_get(t->tg->fdt, it->fd);
		uint32_t r;

		if (f != it->file) {            /* closed (or reused): forget it */
			file_put(f);
			ep->items[i--] = ep->items[--ep->n];
			continue;
		}
		uint32_t ready;

		r = item_events(it, f, evs != NULL, &ready);
		if (!r && !it->disarmed)
			sleep_on(sl, it, f, ready);
		file_put(f);
		if (!r)
			continue;
		if (evs) {
			evs[n].events = r;
			evs[n].data.u64 = it->data;
		}
		n++;
	}
	pthread_mutex_unlock(&ep->lock);
	return n;
}

static short ep_poll(struct file *f, short events)
{
	struct task *t = current_task;

	if (!t)
		return 0;
	return collect(t, f->priv, NULL, 1, NULL) ? (POLLIN & events) : 0;
}

/* How long to sleep: the slice, or less if the timeout comes first. */
static struct timespec sleep_for(long slice_ns, int ms, const struct timespec *deadline)
{
	struct timespec s = { 0, slice_ns }, left;

	if (ms < 0)
		return s;
	left = ts_left(deadline);
	if (left.tv_sec < 0)
		return (struct timespec){ 0, 0 };
	return left.tv_sec == 0 && left.tv_nsec < slice_ns ? left : s;
}

/*
 * Sleep on the host fds of the items not ready, so that a socket wakes us
 * at once (redis's loop: 1.4 ms per request when it waited for the next
 * 1 ms look).  Sentry-side files have no host fd yet (wait queues will
 * come): with one among the items, look again every millisecond.  Else
 * every 20 ms, for an item another thread adds meanwhile.
 */
static long ep_wait(struct task *t, int epfd, uint64_t uevs, int max, int ms)
{
	struct file *f = fget(t, epfd);
	struct pollfd host[256];        /* beyond these, the look-again finds them */
	struct ep_sleep sl = { .host = host, .cap = 256 };
	struct epoll_event *evs;
	struct timespec deadline = { 0, 0 };
	long n = 0;

	if (!f)
		return -EBADF;
	if (f->ops != &epoll_ops || max <= 0 || max > (1 << 20)) {
		file_put(f);
		return -EINVAL;
	}
	evs = calloc((size_t)max, sizeof(*evs));
	if (!evs) {
		file_put(f);
		return -ENOMEM;
	}
	if (ms > 0)
		deadline = ts_deadline(&(struct timespec){ ms / 1000, (ms % 1000) * 1000000L });
	for (;;) {
		struct timespec wait;

		sl.nhost = 0;
		sl.rescan = false;
		n = collect(t, f->priv, evs, max, &sl);
		if (n || ms == 0)
			break;
		wait = sleep_for(sl.rescan ? 1000000 : 20000000, ms, &deadline);
		if (!wait.tv_sec && !wait.tv_nsec)
			break;          /* timed out */
		if (task_block_fds(t, sl.host, (unsigned)sl.nhost, &wait) == -ERESTARTSYS) {
			n = -EINTR;     /* never restarted, as in Linux */
			break;
		}
	}
	file_put(f);
	if (n > 0 && copy_to_user(t->tg->mm, uevs, evs, (size_t)n * sizeof(*evs)))
		n = -EFAULT;
	free(evs);
	return n;
}

long sys_epoll_wait(struct task *t, const struct syscall_args *a)
{
	return ep_wait(t, ARG_INT(a, 0), a->a[1], ARG_INT(a, 2), ARG_INT(a, 3));
}

long sys_epoll_pwait(struct task *t, const struct syscall_args *a)
{
	uint64_t saved;
	long ret = sigmask_enter(t, a->a[4], a->a[5], &saved);

	if (ret)
		return ret;
	ret = ep_wait(t, ARG_INT(a, 0), a->a[1], ARG_INT(a, 2), ARG_INT(a, 3));
	sigmask_leave(t, a->a[4], ret, saved);
	return ret;
}

long sys_epoll_pwait2(struct task *t, const struct syscall_args *a)
{
	struct timespec ts;
	struct syscall_args b = *a;

	if (a->a[3]) {
		if (copy_from_user(t->tg->mm, &ts, a->a[3], sizeof(ts)))
			return -EFAULT;
		if (ts.tv_sec < 0 || ts.tv_nsec < 0 || ts.tv_nsec >= 1000000000L)
			return -EINVAL;
		b.a[3] = (uint64_t)(ts.tv_sec * 1000 + (ts.tv_nsec + 999999) / 1000000);
	} else {
		b.a[3] = (uint64_t)-1;
	}
	return sys_epoll_pwait(t, &b);
}
