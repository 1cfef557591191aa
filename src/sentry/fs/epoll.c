/* SPDX-License-Identifier: MIT */
/*
 * epoll, as Linux's fs/eventpoll.c: each item is queued on its file's wait
 * queues (through ->poll with a poll table) and its callback puts it on
 * the epoll's ready list and wakes the epoll's own queue, where
 * epoll_wait sleeps and where pollers of the epoll fd (poll, a parent
 * epoll) queue.  epoll_wait looks at the ready items only: a level-
 * triggered item that is still ready goes back on the list after it is
 * reported, an edge-triggered one waits for its next wake, a one-shot one
 * is disarmed until EPOLL_CTL_MOD.
 *
 * Files served by the host (host-mode sockets, the tty) have no wait
 * queue.  Each is watched, with the application's own events and flags,
 * by a host epoll that belongs to this epoll (issue 16): the host kernel
 * finds their edges and levels as Linux would, one epoll_wait of it with
 * no timeout collects every ready one, and a sleep polls its fd with the
 * rest (task_block()).  That is one host call per epoll_wait, where
 * polling each item cost a poll and a getsockopt per event reported.
 * A second item of one open file is a second host key through a dup of
 * its host fd.  A host fd the host epoll refuses (a regular file on
 * stdin) is polled as before: its host fd in the same sleep, and those
 * found ready go on the ready list.  An edge-triggered one of those sleeps
 * only on the events not reported ready and still ready (its next edge on
 * those is found when it is looked at again): per event, as a socket
 * watched for EPOLLIN | EPOLLOUT stays writable and its data must still
 * wake it (nginx's keep-alive connections).  Data that arrives on a socket
 * still readable since its last report is an edge Linux reports: a TCP
 * socket counts the bytes it received (TCP_INFO), so that is seen even if
 * the application drained it without a read that found it empty (nginx
 * does); for other host fds we wait until it is found unready.
 * Interest is keyed by (fd, file) as in Linux.  An item refers to its file
 * without a reference and lives until EPOLL_CTL_DEL or until the file's
 * last reference goes (Linux's eventpoll_release()): closing one of two
 * dup'd fds keeps it, and a closed fd whose number is reused for another
 * file is a new key.  The file tells its items through a file_watch.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <stddef.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <netinet/in.h>
#include <linux/tcp.h>
#include <time.h>
#include <unistd.h>

#include "kernel/kernel.h"
#include "vfs/vfs.h"

#define EP_MAX_NESTS 4                  /* Linux's EPOLL_MAX_NESTS */
#define EP_QUEUES 2                     /* wait queues one item may be on */
/* Flags, not events: an item with none of its events left is a fired one-shot. */
#define EP_PRIVATE (EPOLLET | EPOLLONESHOT | EPOLLEXCLUSIVE | EPOLLWAKEUP)

struct epoll;

struct epitem {
	int fd;
	struct file *file;              /* no reference: the watch removes us first */
	struct file_watch watch;        /* on file->watches */
	struct file *sub;               /* file, when it is an epoll (ep_loops() reads it) */
	uint32_t events;
	uint64_t data;
	struct epoll *ep;
	struct wait_entry wait[EP_QUEUES];
	int nwait;
	bool host;                      /* served by a host fd (->wait_fd) */
	bool hreg;                      /* host: watched by ep->hep, through hfd */
	int hfd;                        /* hreg: the file's host fd, or a dup of it (hdup) */
	bool hdup;
	uint32_t hrev;                  /* hreg: the events ep->hep reported */
	unsigned hseq;                  /* hreg: the collect() that reported them */
	uint32_t last_ready;            /* host, EPOLLET: events reported ready, not seen unready since */
	uint64_t rx;                    /* host, EPOLLET: host_rx() when EPOLLIN was reported */
	bool on_ready;                  /* on ep's ready list (rdlock) */
	struct epitem *rd_next;
	struct epitem *tx_next;         /* in a list send_events() took (ep->mtx) */
};

struct epoll {
	pthread_mutex_t mtx;            /* the items; held while they are polled */
	struct epitem **items;
	size_t n;
	pthread_mutex_t rdlock;         /* the ready list: callbacks take only this */
	struct epitem *rd_first, *rd_last;
	struct waitq wq;                /* epoll_wait sleepers and pollers of the epoll fd */
	int hep;                        /* host epoll of the hreg items, or -1 (mtx) */
	unsigned hseq;                  /* collect()s so far (mtx) */
};

static short ep_poll(struct file *f, short events, struct poll_table *pt);
static void ep_release(struct file *f);

static const struct file_ops epoll_ops = {
	.poll = ep_poll,
	.release = ep_release,
	.anon_name = "[eventpoll]",
};

/* rdlock held */
static void ready_add_locked(struct epoll *ep, struct epitem *it)
{
	if (it->on_ready)
		return;
	it->on_ready = true;
	it->rd_next = NULL;
	if (ep->rd_last)
		ep->rd_last->rd_next = it;
	else
		ep->rd_first = it;
	ep->rd_last = it;
}

static void ready_add(struct epoll *ep, struct epitem *it)
{
	pthread_mutex_lock(&ep->rdlock);
	ready_add_locked(ep, it);
	pthread_mutex_unlock(&ep->rdlock);
}

/* Linux's ep_poll_callback(): the item's file was woken (its queue's lock held). */
static void ep_callback(struct wait_entry *e, uint32_t events)
{
	struct epitem *it = e->priv;
	uint32_t mine = __atomic_load_n(&it->events, __ATOMIC_RELAXED);

	if (events == WQ_FREE)
		return;                 /* the object is gone; its fd is closed by now */
	if (!(mine & ~EP_PRIVATE) || (events && !(events & (mine | EPOLLHUP | EPOLLERR))))
		return;                 /* a fired one-shot, or not its events */
	ready_add(it->ep, it);
	waitq_wake(&it->ep->wq, POLLIN | POLLRDNORM);
}

static void item_queue(struct poll_table *pt, struct waitq *q, uint32_t events);

struct item_pt {
	struct poll_table pt;
	struct epitem *it;
};

static void item_queue(struct poll_table *pt, struct waitq *q, uint32_t events)
{
	struct epitem *it = ((struct item_pt *)pt)->it;
	struct wait_entry *e;

	(void)events;                   /* the callback filters on it->events */
	if (it->nwait >= EP_QUEUES)
		return;
	for (int i = 0; i < it->nwait; i++)
		if (it->wait[i].q == q)
			return;
	e = &it->wait[it->nwait++];
	*e = (struct wait_entry){ .func = ep_callback, .priv = it };
	waitq_add(q, e);
}

/* Readiness of the item's file for its events; with pt, queue it too. */
static uint32_t item_poll(struct epitem *it, struct file *f, struct poll_table *pt)
{
	uint32_t want = it->events | EPOLLHUP | EPOLLERR;

	if (!f->ops->poll)
		return (EPOLLIN | EPOLLOUT) & it->events;
	return (uint16_t)f->ops->poll(f, (short)want, pt) & want;
}

static void item_free(struct epoll *ep, struct epitem *it)
{
	/* before the file's release closes the host fd: a number reused
	 * since would name another item's file */
	if (it->hreg)
		epoll_ctl(ep->hep, EPOLL_CTL_DEL, it->hfd, NULL);
	if (it->hreg && it->hdup)
		close(it->hfd);
	for (int i = 0; i < it->nwait; i++)
		wait_entry_detach(&it->wait[i]);        /* no callback runs after this */
	pthread_mutex_lock(&ep->rdlock);
	if (it->on_ready) {
		struct epitem **pp = &ep->rd_first, *prev = NULL;

		while (*pp != it) {
			prev = *pp;
			pp = &(*pp)->rd_next;
		}
		*pp = it->rd_next;
		if (ep->rd_last == it)
			ep->rd_last = prev;
	}
	pthread_mutex_unlock(&ep->rdlock);
	file_watch_del(it->file, &it->watch);
	free(it);
}

/* Drop item i of ep (ep->mtx held). */
static void item_remove(struct epoll *ep, size_t i)
{
	struct epitem *it = ep->items[i];

	ep->items[i] = ep->items[--ep->n];
	item_free(ep, it);
}

/*
 * The item's file is being released (file_watch_lock() held): the item
 * goes, as Linux's eventpoll_release_file() removes it.
 */
static void item_gone(struct file_watch *w)
{
	struct epitem *it = (struct epitem *)((char *)w - offsetof(struct epitem, watch));
	struct epoll *ep = it->ep;

	pthread_mutex_lock(&ep->mtx);
	for (size_t i = 0; i < ep->n; i++)
		if (ep->items[i] == it) {
			item_remove(ep, i);
			break;
		}
	pthread_mutex_unlock(&ep->mtx);
}

static void ep_release(struct file *f)
{
	struct epoll *ep = f->priv;

	/* with the lock a watched file's release holds: an item is freed once */
	file_watch_lock();
	while (ep->n)
		item_remove(ep, 0);
	file_watch_unlock();
	waitq_release(&ep->wq);
	if (ep->hep >= 0)
		close(ep->hep);
	free(ep->items);
	free(ep);
}

/* A new epoll file (epoll_create1). */
struct file *epoll_file_new(void)
{
	struct epoll *ep = calloc(1, sizeof(*ep));
	struct file *f;

	if (!ep)
		return NULL;
	pthread_mutex_init(&ep->mtx, NULL);
	pthread_mutex_init(&ep->rdlock, NULL);
	waitq_init(&ep->wq);
	ep->hep = -1;
	f = file_new(&epoll_ops, O_RDWR, ep);
	if (!f)
		free(ep);
	return f;
}

bool is_epoll(struct file *f)
{
	return f->ops == &epoll_ops;
}

/* kcmp(KCMP_EPOLL_TFD): the file of the toff-th item added with fd tfd
 * (Linux's get_epoll_tfile_raw_ptr), or NULL; no reference, for comparing. */
const struct file *epoll_target(struct file *epf, int tfd, unsigned long toff)
{
	struct epoll *ep = epf->priv;
	const struct file *r = NULL;

	pthread_mutex_lock(&ep->mtx);
	for (size_t i = 0; i < ep->n && !r; i++)
		if (ep->items[i]->fd == tfd && toff-- == 0)
			r = ep->items[i]->file;
	pthread_mutex_unlock(&ep->mtx);
	return r;
}

static struct epitem *find(struct epoll *ep, int fd, struct file *f, size_t *idx)
{
	for (size_t i = 0; i < ep->n; i++)
		if (ep->items[i]->fd == fd && ep->items[i]->file == f) {
			if (idx)
				*idx = i;
			return ep->items[i];
		}
	return NULL;
}

/*
 * Would watching f from ep close a loop of epolls, or nest them deeper
 * than Linux allows (ELOOP)?  Without the check a wake would go round.
 * Asked with nest_lock held and no epoll's mtx (Linux's epnested_mutex):
 * two ADDs that would close a loop together cannot pass it at once.
 */
static pthread_mutex_t nest_lock = PTHREAD_MUTEX_INITIALIZER;

static bool ep_loops(struct epoll *ep, struct file *f, int depth)
{
	struct epoll *sub;
	bool loop = false;

	if (f->ops != &epoll_ops)
		return false;
	sub = f->priv;
	if (sub == ep || depth >= EP_MAX_NESTS)
		return true;
	pthread_mutex_lock(&sub->mtx);
	for (size_t i = 0; i < sub->n && !loop; i++)
		if (sub->items[i]->sub)
			loop = ep_loops(ep, sub->items[i]->sub, depth + 1);
	pthread_mutex_unlock(&sub->mtx);
	return loop;
}

/* The flags and events the host epoll is given: the application's, less
 * EPOLLWAKEUP (which needs a capability; Linux drops it silently too). */
#define EP_HOST_EVENTS (EPOLLIN | EPOLLPRI | EPOLLOUT | EPOLLRDNORM | EPOLLRDBAND | \
			EPOLLWRNORM | EPOLLWRBAND | EPOLLMSG | EPOLLRDHUP | EPOLLERR | \
			EPOLLHUP | EPOLLET | EPOLLONESHOT | EPOLLEXCLUSIVE)

/*
 * Watch a host item from ep->hep (ep->mtx held): true if the host epoll
 * took it.  The host reports it ready at once if it is, as an ADD or MOD
 * in Linux does.  ep->hep is made with the first host item.  A second
 * item of the same open file (the application watches two dups of one
 * socket) is a second host key only through a host fd of its own: a dup.
 */
static bool hep_arm(struct epoll *ep, struct epitem *it, struct file *f)
{
	struct epoll_event hev = { .events = it->events & EP_HOST_EVENTS, .data.ptr = it };
	int fd = f->ops->wait_fd(f);

	if (fd < 0)
		return false;
	if (ep->hep < 0 && (ep->hep = epoll_create1(EPOLL_CLOEXEC)) < 0)
		return false;
	if (it->hreg) {
		if (!epoll_ctl(ep->hep, EPOLL_CTL_MOD, it->hfd, &hev))
			goto armed;
		epoll_ctl(ep->hep, EPOLL_CTL_DEL, it->hfd, NULL);       /* polled from now on */
		if (it->hdup)
			close(it->hfd);
		it->hreg = false;
		return false;
	}
	it->hfd = fd;
	it->hdup = false;
	if (epoll_ctl(ep->hep, EPOLL_CTL_ADD, fd, &hev)) {
		if (errno != EEXIST || (it->hfd = fcntl(fd, F_DUPFD_CLOEXEC, 0)) < 0)
			return false;
		it->hdup = true;
		if (epoll_ctl(ep->hep, EPOLL_CTL_ADD, it->hfd, &hev)) {
			close(it->hfd);
			return false;
		}
	}
armed:
	it->hreg = true;
	it->hseq = ep->hseq - 1;        /* what it reported before is stale */
	return true;
}

/*
 * The host items ep->hep reports ready go on the ready list, with the
 * events it reported (ep->mtx held).  One host call, however many items.
 */
static void collect(struct epoll *ep)
{
	struct epoll_event hev[64];
	int n;

	if (ep->hep < 0)
		return;
	ep->hseq++;
	do {
		n = epoll_wait(ep->hep, hev, 64, 0);
		for (int i = 0; i < n; i++) {
			struct epitem *it = hev[i].data.ptr;

			it->hrev = hev[i].events;
			it->hseq = ep->hseq;
			ready_add(ep, it);
		}
	} while (n == 64);
}

/* (Re)arm an item for ADD or MOD: queued on its file, on the ready list if ready. */
static void item_arm(struct epoll *ep, struct epitem *it, struct file *f)
{
	struct item_pt ipt = { { item_queue, NULL }, it };

	if (it->host && hep_arm(ep, it, f))
		;       /* the host epoll reports it */
	else if (item_poll(it, f, it->host ? NULL : &ipt.pt))
		ready_add(ep, it);
	else if (it->host)
		it->last_ready = 0;
	waitq_wake(&ep->wq, POLLIN | POLLRDNORM);      /* a sleeper gathers host fds anew */
}

static long ep_add(struct epoll *ep, int fd, struct file *f, const struct epoll_event *ev)
{
	struct epitem *it, **n;

	if (!(n = realloc(ep->items, (ep->n + 1) * sizeof(*n))))
		return -ENOMEM;
	ep->items = n;
	if (!(it = calloc(1, sizeof(*it))))
		return -ENOMEM;
	*it = (struct epitem){ .fd = fd, .file = f, .events = ev->events, .data = ev->data.u64,
			       .ep = ep, .host = f->ops->wait_fd != NULL,
			       .watch = { .gone = item_gone },
			       .sub = is_epoll(f) ? f : NULL };
	file_watch_add(f, &it->watch);
	ep->items[ep->n++] = it;
	item_arm(ep, it, f);
	return 0;
}

/* Events an EPOLLEXCLUSIVE item may ask for (Linux's EPOLLEXCLUSIVE_OK_BITS). */
#define EP_EXCL_OK (EPOLLIN | EPOLLOUT | EPOLLERR | EPOLLHUP | EPOLLWAKEUP | EPOLLET | \
		    EPOLLEXCLUSIVE)

/*
 * EPOLLEXCLUSIVE asked where Linux refuses it, before it looks the item
 * up: on MOD, on an epoll target, or with other events (ONESHOT, RDHUP,
 * PRI): EINVAL.
 */
static bool excl_refused(int op, struct file *f, uint32_t events)
{
	if (op == EPOLL_CTL_DEL || !(events & EPOLLEXCLUSIVE))
		return false;
	return op == EPOLL_CTL_MOD || is_epoll(f) || (events & ~EP_EXCL_OK);
}

/*
 * EPOLL_CTL_ADD, MOD, DEL of (fd, f) in the epoll file epf (the caller
 * checked that it is one, and not f); ev is unused for DEL.
 */
long epoll_ctl_file(struct file *epf, int op, int fd, struct file *f,
		    const struct epoll_event *ev)
{
	struct epoll *ep = epf->priv;
	struct epitem *it;
	size_t idx = 0;
	long err = 0;

	if (f->inode && (S_ISREG(f->inode->mode) || S_ISDIR(f->inode->mode)))
		return -EPERM;          /* regular files are always ready: Linux refuses */
	/* EPOLLEXCLUSIVE is accepted on ADD (each waiter is woken: allowed) */
	if (excl_refused(op, f, ev->events))
		return -EINVAL;
	if (op == EPOLL_CTL_ADD && is_epoll(f)) {
		pthread_mutex_lock(&nest_lock);
		if (ep_loops(ep, f, 0)) {
			pthread_mutex_unlock(&nest_lock);
			return -ELOOP;
		}
	}
	pthread_mutex_lock(&ep->mtx);
	it = find(ep, fd, f, &idx);
	if (op == EPOLL_CTL_ADD) {
		err = it ? -EEXIST : ep_add(ep, fd, f, ev);
	} else if (op == EPOLL_CTL_MOD) {
		if (!it) {
			err = -ENOENT;
		} else if (it->events & EPOLLEXCLUSIVE) {
			err = -EINVAL;
		} else {
			__atomic_store_n(&it->events, ev->events, __ATOMIC_RELAXED);
			it->data = ev->data.u64;
			item_arm(ep, it, f);
		}
	} else if (op == EPOLL_CTL_DEL) {
		if (!it)
			err = -ENOENT;
		else
			item_remove(ep, idx);
	} else {
		err = -EINVAL;
	}
	pthread_mutex_unlock(&ep->mtx);
	if (op == EPOLL_CTL_ADD && is_epoll(f))
		pthread_mutex_unlock(&nest_lock);
	return err;
}

/* The bytes a host TCP socket has received so far; 0 for other host fds. */
static uint64_t host_rx(struct file *f)
{
	struct tcp_info ti;
	socklen_t len = sizeof(ti);

	if (getsockopt(f->ops->wait_fd(f), IPPROTO_TCP, TCP_INFO, &ti, &len) < 0 ||
	    len < offsetof(struct tcp_info, tcpi_bytes_received) + sizeof(ti.tcpi_bytes_received))
		return 0;
	return ti.tcpi_bytes_received;
}

/*
 * Report ready items into evs (up to max), Linux's ep_send_events(): the
 * ready list is taken whole, each item polled again (a wake-up found not
 * ready is dropped); a level-triggered item still ready goes back on it.
 * A peek (evs NULL, poll on the epoll fd) only counts, and puts every
 * item back.  ep->mtx held.
 */
static int send_events(struct epoll *ep, struct epoll_event *evs, int max)
{
	struct epitem *list, *it;
	int n = 0;

	/*
	 * The taken items are chained through tx_next, which callbacks never
	 * touch: once rdlock is dropped a wake may put one of them back on
	 * the ready list, rewriting its rd_next, and walking rd_next would
	 * then lose the rest of the taken list (Linux's ovflist, for the
	 * same reason).
	 */
	pthread_mutex_lock(&ep->rdlock);
	list = ep->rd_first;
	ep->rd_first = ep->rd_last = NULL;
	for (it = list; it; it = it->rd_next) {
		it->on_ready = false;
		it->tx_next = it->rd_next;
	}
	pthread_mutex_unlock(&ep->rdlock);
	while ((it = list)) {
		struct file *f;
		uint32_t r;

		list = it->tx_next;
		if (n >= max) {
			ready_add(ep, it);
			continue;
		}
		f = it->file;           /* alive: its release would need ep->mtx */
		if (!(it->events & ~EP_PRIVATE))
			r = 0;
		else if (it->hreg && it->hseq == ep->hseq)
			r = it->hrev;   /* the host's answer, in this call */
		else
			r = item_poll(it, f, NULL);
		if (!r)
			continue;
		n++;
		if (!evs) {
			ready_add(ep, it);
			continue;
		}
		evs[n - 1].events = r;
		evs[n - 1].data.u64 = it->data;
		if (it->events & EPOLLONESHOT)
			__atomic_store_n(&it->events, it->events & EP_PRIVATE, __ATOMIC_RELAXED);
		else if (it->hreg)
			;       /* the host epoll reports it again if it is */
		else if (!(it->events & EPOLLET))
			ready_add(ep, it);
		else if (it->host && (it->last_ready = r) & EPOLLIN)
			it->rx = host_rx(f);
	}
	return n;
}

/*
 * Host fds to sleep on: those of host items not known ready, and those of
 * epolls watched from this one (nested).  who[i] is the item whose file
 * the fd stands for.
 */
struct hostset {
	struct pollfd *fds;
	struct epitem **who;
	size_t n, cap;
	struct epitem *for_item;        /* nested: the parent's item */
	bool hep_collected;             /* ep->hep needs no polling */
};

static void host_add(struct hostset *hs, int fd, uint32_t events, struct epitem *it)
{
	if (hs->n == hs->cap) {
		size_t cap = hs->cap ? 2 * hs->cap : 16;
		struct pollfd *fds = realloc(hs->fds, cap * sizeof(*fds));
		struct epitem **who = fds ? realloc(hs->who, cap * sizeof(*who)) : NULL;

		if (fds)
			hs->fds = fds;
		if (!who)
			return;         /* out of memory: that one wakes no one */
		hs->who = who;
		hs->cap = cap;
	}
	hs->fds[hs->n] = (struct pollfd){ fd, (short)(events & 0xffff), 0 };
	hs->who[hs->n++] = it;
}

static void gather_host(struct epoll *ep, struct hostset *hs, int depth);

struct host_pt {
	struct poll_table pt;
	struct hostset *hs;
	struct epitem *it;
};

static void host_pt_add(struct poll_table *pt, int fd, uint32_t events)
{
	struct host_pt *h = (struct host_pt *)pt;

	host_add(h->hs, fd, events, h->it);
}

static void no_queue(struct poll_table *pt, struct waitq *q, uint32_t events)
{
	(void)pt;
	(void)q;
	(void)events;
}

/* ep->mtx held */
static void gather_host(struct epoll *ep, struct hostset *hs, int depth)
{
	bool hreg = false;

	for (size_t i = 0; i < ep->n; i++) {
		struct epitem *it = ep->items[i];
		struct epitem *who = hs->for_item ? hs->for_item : it;
		struct file *f;

		/* a socket a host fd serves since it was added (sock_now_host) */
		if (!it->host && __atomic_load_n(&it->file->ops, __ATOMIC_ACQUIRE)->wait_fd)
			it->host = true;
		if (!it->host && !it->sub)
			continue;
		if (!(it->events & ~EP_PRIVATE))
			continue;       /* a fired one-shot */
		if (it->hreg) {
			hreg = true;    /* ep->hep's fd stands for it */
			continue;
		}
		f = it->file;
		if (it->host) {
			uint32_t wait = it->events;

			if (it->last_ready && (it->events & EPOLLET)) {
				it->last_ready &= item_poll(it, f, NULL);
				if ((it->last_ready & EPOLLIN) && host_rx(f) != it->rx)
					it->last_ready &= ~(EPOLLIN | EPOLLRDNORM);     /* new data */
				wait &= ~it->last_ready;
			}
			if (wait & ~EP_PRIVATE)
				host_add(hs, f->ops->wait_fd(f), wait, who);
		} else if (depth < EP_MAX_NESTS) {
			struct host_pt h = { { no_queue, host_pt_add }, hs, who };

			ep_poll(f, POLLIN, &h.pt);
		}
	}
	if (hreg && !hs->hep_collected)
		host_add(hs, ep->hep, POLLIN, hs->for_item);
}

/*
 * poll of an epoll fd (poll, select, a parent epoll): queue the poller on
 * the epoll's queue and its host items' fds; readable if an item is ready.
 * Host items have no callback to put them on the list: they are polled.
 */
static short ep_poll(struct file *f, short events, struct poll_table *pt)
{
	struct epoll *ep = f->priv;
	int n = 0;

	poll_wait(pt, &ep->wq, POLLIN);
	pthread_mutex_lock(&ep->mtx);
	if (pt && pt->host) {
		struct hostset hs = { 0 };
		struct host_pt *h = (struct host_pt *)pt;

		if (pt->host == host_pt_add) {          /* a parent epoll: nested */
			h->hs->for_item = h->it;
			gather_host(ep, h->hs, 1);
			h->hs->for_item = NULL;
		} else {
			gather_host(ep, &hs, 1);
			for (size_t i = 0; i < hs.n; i++)
				poll_wait_host(pt, hs.fds[i].fd, (uint16_t)hs.fds[i].events);
		}
		free(hs.fds);
		free(hs.who);
	}
	collect(ep);
	for (size_t i = 0; i < ep->n; i++)
		if (ep->items[i]->host && !ep->items[i]->hreg)
			ready_add(ep, ep->items[i]);
	n = send_events(ep, NULL, 1);
	pthread_mutex_unlock(&ep->mtx);
	return n ? (POLLIN | POLLRDNORM) & events : 0;
}

/*
 * epoll_wait on the epoll file f: report the ready list into evs (up to
 * max); if empty, sleep once on the epoll's queue and the host fds of its
 * host items, until a callback, a host fd, the timeout (ms < 0: none) or
 * a signal.  Interrupted, EINTR: never restarted, as in Linux.
 */
long epoll_wait_file(struct task *t, struct file *f, struct epoll_event *evs, int max, int ms)
{
	struct epoll *ep = f->priv;
	struct timespec deadline;
	struct hostset hs = { 0 };
	struct wait_entry e;
	bool last = false;
	long n = 0;

	deadline = ts_deadline(&(struct timespec){ ms > 0 ? ms / 1000 : 0,
						   ms > 0 ? (ms % 1000) * 1000000L : 0 });
	wait_entry_task(&e, t, 0);
	waitq_add(&ep->wq, &e);
	for (;;) {
		int r;

		task_prepare_wait(t);
		pthread_mutex_lock(&ep->mtx);
		collect(ep);
		n = send_events(ep, evs, max);
		hs.n = 0;
		hs.hep_collected = ms == 0;     /* no sleep: collect() just looked */
		if (!n && !last)
			gather_host(ep, &hs, 0);
		pthread_mutex_unlock(&ep->mtx);
		if (n || last || (ms == 0 && !hs.n))
			break;
		r = task_block(t, ms < 0 ? NULL : &deadline, hs.fds, (unsigned)hs.n);
		if (r == -ERESTARTSYS) {
			n = -EINTR;
			break;
		}
		for (size_t i = 0; r > 0 && i < hs.n; i++)
			if (hs.fds[i].revents && hs.who[i])
				ready_add(ep, hs.who[i]);       /* ep->hep's: collected next */
		last = r == -ETIMEDOUT || ms == 0;      /* one last look at the list */
	}
	waitq_remove(&ep->wq, &e);
	free(hs.fds);
	free(hs.who);
	return n;
}
