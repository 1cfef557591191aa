/* SPDX-License-Identifier: MIT */
/*
 * Wait queues: a locked, doubly linked list of entries (waitq.h).  A
 * wake with nobody queued costs one load: a waiter queues before it
 * checks the object's state, and the waker changes the state before it
 * looks, with a full fence between on both sides (Linux's
 * wq_has_sleeper()), so one of the two always sees the other.
 */
#include "kernel/waitq.h"

/* Serializes releases against detaches of entries whose queue may go. */
static pthread_mutex_t release_lock = PTHREAD_MUTEX_INITIALIZER;

void waitq_init(struct waitq *q)
{
	pthread_mutex_init(&q->lock, NULL);
	q->first = NULL;
}

static void unlink_entry(struct waitq *q, struct wait_entry *e)
{
	if (e->prev)
		e->prev->next = e->next;
	else
		q->first = e->next;
	if (e->next)
		e->next->prev = e->prev;
	e->prev = e->next = NULL;
	e->q = NULL;
}

void waitq_add(struct waitq *q, struct wait_entry *e)
{
	pthread_mutex_lock(&q->lock);
	e->prev = NULL;
	e->next = q->first;
	if (q->first)
		q->first->prev = e;
	q->first = e;
	e->q = q;
	pthread_mutex_unlock(&q->lock);
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
}

void waitq_remove(struct waitq *q, struct wait_entry *e)
{
	pthread_mutex_lock(&q->lock);
	if (e->q == q)
		unlink_entry(q, e);
	pthread_mutex_unlock(&q->lock);
}

void waitq_wake(struct waitq *q, uint32_t events)
{
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	if (!__atomic_load_n(&q->first, __ATOMIC_RELAXED))
		return;
	pthread_mutex_lock(&q->lock);
	for (struct wait_entry *e = q->first, *next; e; e = next) {
		next = e->next;         /* the callback may take e off */
		if (!events || !e->mask || (e->mask & events))
			e->func(e, events);
	}
	pthread_mutex_unlock(&q->lock);
}

void waitq_release(struct waitq *q)
{
	pthread_mutex_lock(&release_lock);
	pthread_mutex_lock(&q->lock);
	while (q->first) {
		struct wait_entry *e = q->first;

		unlink_entry(q, e);
		e->func(e, WQ_FREE);
	}
	pthread_mutex_unlock(&q->lock);
	pthread_mutex_unlock(&release_lock);
	pthread_mutex_destroy(&q->lock);
}

void wait_entry_detach(struct wait_entry *e)
{
	pthread_mutex_lock(&release_lock);
	struct waitq *q = e->q;

	if (q)
		waitq_remove(q, e);
	pthread_mutex_unlock(&release_lock);
}
