/* SPDX-License-Identifier: MIT */
/*
 * Wait queues (Linux's wait_queue_head_t, gVisor's waiter.Queue): an
 * object that can become ready owns one; whoever waits for it queues an
 * entry with the events it cares for and a callback.  The object calls
 * waitq_wake() after each change of state; the callback wakes a sleeping
 * task (task_block(), kernel/task.c) or feeds an epoll ready list.
 */
#ifndef CVISOR_KERNEL_WAITQ_H
#define CVISOR_KERNEL_WAITQ_H

#include <pthread.h>
#include <stdint.h>

/* The object goes away: the entry is already off its queue (Linux's POLLFREE). */
#define WQ_FREE 0x4000u

struct wait_entry;
/* Called with the queue's lock held: it must not take that queue's lock. */
typedef void (*wait_func)(struct wait_entry *e, uint32_t events);

struct wait_entry {
	struct wait_entry *prev, *next;
	struct waitq *q;                /* the queue it is on, NULL if none */
	uint32_t mask;                  /* events it is woken for; 0: all */
	wait_func func;
	void *priv;
};

struct waitq {
	pthread_mutex_t lock;
	struct wait_entry *first;
};

#define WAITQ_INIT { PTHREAD_MUTEX_INITIALIZER, NULL }

void waitq_init(struct waitq *q);
void waitq_add(struct waitq *q, struct wait_entry *e);
void waitq_remove(struct waitq *q, struct wait_entry *e);
/* events 0 wakes every entry. */
void waitq_wake(struct waitq *q, uint32_t events);
/* The object is freed: every entry gets WQ_FREE, off the queue. */
void waitq_release(struct waitq *q);
/* Take e off whatever queue it is on, even one being released meanwhile. */
void wait_entry_detach(struct wait_entry *e);

/*
 * A poll table (Linux's poll_table): file_ops.poll calls poll_wait() on
 * each queue whose events change its answer, so that the caller (poll,
 * select, epoll) is woken by them.  NULL when only asking.
 */
struct poll_table {
	void (*queue)(struct poll_table *pt, struct waitq *q, uint32_t events);
	/* A host fd whose readiness is the file's (an epoll's host items),
	 * to sleep on with the queues; NULL: the caller takes none. */
	void (*host)(struct poll_table *pt, int fd, uint32_t events);
};

static inline void poll_wait(struct poll_table *pt, struct waitq *q, uint32_t events)
{
	if (pt && q)
		pt->queue(pt, q, events);
}

static inline void poll_wait_host(struct poll_table *pt, int fd, uint32_t events)
{
	if (pt && pt->host)
		pt->host(pt, fd, events);
}

#endif
