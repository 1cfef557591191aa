/* SPDX-License-Identifier: MIT */
/*
 * Advisory locks, kept in the sentry: POSIX record locks (owned by the
 * process, released on any close of the file and at its exit), open file description
 * locks (owned by the open file) and flock(2) locks (also per open file,
 * a separate name space, as in Linux).  They conflict only inside the
 * sandbox; nothing is locked on the host.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <sys/file.h>
#include <time.h>

#include "kernel/kernel.h"
#include "mm/mm.h"
#include "vfs/vfs.h"

enum lock_kind { LK_POSIX, LK_OFD, LK_FLOCK };

struct lock {
	uint64_t dev, ino;
	off_t start, end;               /* inclusive; OFF_MAX: to end of file */
	short type;                     /* F_RDLCK or F_WRLCK */
	enum lock_kind kind;
	const void *owner;              /* thread group, or open file */
	pid_t pid;
	struct lock *next;
};

#define OFF_MAX LLONG_MAX

static struct lock *locks;
static pthread_mutex_t lock_mu = PTHREAD_MUTEX_INITIALIZER;
/* Woken by every unlock; a waiter looks at its conflict again (Linux
 * wakes the blocked locks of the lock released: one queue is simpler,
 * and lock waits are rare). */
static struct waitq lock_wq = WAITQ_INIT;

/* POSIX and OFD locks conflict with each other; flock only with flock. */
static bool conflicts(const struct lock *a, const struct lock *b)
{
	if (a->dev != b->dev || a->ino != b->ino || a->owner == b->owner)
		return false;
	if ((a->kind == LK_FLOCK) != (b->kind == LK_FLOCK))
		return false;
	if (a->end < b->start || b->end < a->start)
		return false;
	return a->type == F_WRLCK || b->type == F_WRLCK;
}

/* The conflicting lock that starts first, as F_GETLK reports it (Linux
 * keeps an owner's locks sorted, and finds the lowest of them). */
static struct lock *find_conflict(const struct lock *want)
{
	struct lock *first = NULL;

	for (struct lock *l = locks; l; l = l->next)
		if (conflicts(want, l) && (!first || l->start < first->start))
			first = l;
	return first;
}

/* A POSIX lock owner asleep in F_SETLKW and the owner it waits for
 * (Linux's blocked_hash), for deadlock detection.  lock_mu held. */
struct lock_waiter {
	const void *owner, *blocker;
	struct lock_waiter *next;
};
static struct lock_waiter *waiters;

/* Would owner, waiting for blocker, close a cycle of POSIX lock waits?
 * Followed as deep as Linux's posix_locks_deadlock (10 owners). */
static bool deadlocks(const void *owner, const void *blocker)
{
	for (int i = 0; i < 10 && blocker; i++) {
		const void *next = NULL;

		if (blocker == owner)
			return true;
		for (struct lock_waiter *w = waiters; w; w = w->next)
			if (w->owner == blocker)
				next = w->blocker;
		blocker = next;
	}
	return false;
}

static void waiter_remove(struct lock_waiter *me)
{
	for (struct lock_waiter **pp = &waiters; *pp; pp = &(*pp)->next)
		if (*pp == me) {
			*pp = me->next;
			return;
		}
}

/* The new lock l of an owner absorbs that owner's adjacent locks of the
 * same type (their overlap is gone already), as Linux coalesces them. */
static void merge_adjacent(struct lock *l)
{
	for (struct lock **pp = &locks; *pp;) {
		struct lock *o = *pp;

		if (o == l || o->owner != l->owner || o->kind != l->kind || o->type != l->type ||
		    o->dev != l->dev || o->ino != l->ino ||
		    !((o->end != OFF_MAX && o->end + 1 == l->start) ||
		      (l->end != OFF_MAX && l->end + 1 == o->start))) {
			pp = &o->next;
			continue;
		}
		if (o->start < l->start)
			l->start = o->start;
		if (o->end > l->end)
			l->end = o->end;
		*pp = o->next;
		free(o);
	}
}

/* Drop owner's locks of this kind over [start, end], splitting at edges. */
static int unlock_range(const struct lock *w)
{
	for (struct lock **pp = &locks; *pp;) {
		struct lock *l = *pp;

		if (l->owner != w->owner || l->kind != w->kind || l->dev != w->dev ||
		    l->ino != w->ino || l->end < w->start || w->end < l->start) {
			pp = &l->next;
			continue;
		}
		if (l->start < w->start && l->end > w->end) {
			struct lock *tail = malloc(sizeof(*tail));

			if (!tail)
				return -ENOLCK;
			*tail = *l;
			tail->start = w->end + 1;
			l->end = w->start - 1;
			tail->next = l->next;
			l->next = tail;
			return 0;
		}
		if (l->start < w->start) {
			l->end = w->start - 1;
		} else if (l->end > w->end) {
			l->start = w->end + 1;
		} else {
			*pp = l->next;
			free(l);
			continue;
		}
		pp = &l->next;
	}
	return 0;
}

/* Sleep until a lock is released (lock_mu held, dropped meanwhile). */
static int lock_wait(struct task *t)
{
	struct wait_entry e;
	int err;

	wait_entry_task(&e, t, 0);
	waitq_add(&lock_wq, &e);
	pthread_mutex_unlock(&lock_mu);
	err = task_block(t, NULL, NULL, 0);
	waitq_remove(&lock_wq, &e);
	pthread_mutex_lock(&lock_mu);
	return err == -ERESTARTSYS ? err : 0;
}

/* Wait (if wait) until want conflicts with no lock; lock_mu held. */
static int wait_no_conflict(struct task *t, const struct lock *want, bool wait)
{
	struct lock_waiter me = { .owner = want->owner };
	bool queued = false;
	struct lock *c;
	int err = 0;

	for (;;) {
		task_prepare_wait(t);
		if (!(c = find_conflict(want)))
			break;
		if (!wait) {
			err = -EAGAIN;
			break;
		}
		if (want->kind == LK_POSIX && c->kind == LK_POSIX &&
		    deadlocks(want->owner, c->owner)) {
			err = -EDEADLK;
			break;
		}
		me.blocker = c->kind == LK_POSIX ? c->owner : NULL;
		if (!queued && want->kind == LK_POSIX) {
			me.next = waiters;
			waiters = &me;
			queued = true;
		}
		if ((err = lock_wait(t)))
			break;
	}
	if (queued)
		waiter_remove(&me);
	return err;
}

static int set_lock(struct task *t, const struct lock *want, bool wait)
{
	struct lock *l;
	int err = 0;

	pthread_mutex_lock(&lock_mu);
	if (want->type != F_UNLCK && (err = wait_no_conflict(t, want, wait)))
		goto out;
	err = unlock_range(want);
	if (!err && want->type != F_UNLCK) {
		l = malloc(sizeof(*l));
		if (!l) {
			err = -ENOLCK;
			goto out;
		}
		*l = *want;
		l->next = locks;
		locks = l;
		merge_adjacent(l);
	}
	waitq_wake(&lock_wq, 0);
out:
	pthread_mutex_unlock(&lock_mu);
	return err;
}

/* Turn a struct flock into a range, as Linux's flock_to_posix_lock. */
static int to_range(struct file *f, const struct flock *fl, struct lock *l)
{
	struct stat st;
	off_t base;

	switch (fl->l_whence) {
	case SEEK_SET: base = 0; break;
	case SEEK_CUR: base = f->pos; break;
	case SEEK_END:
		if (vfs_getattr(f->inode, &st))
			return -EBADF;
		base = st.st_size;
		break;
	default: return -EINVAL;
	}
	l->start = base + fl->l_start;
	if (fl->l_len > 0) {
		l->end = l->start + fl->l_len - 1;
	} else if (fl->l_len < 0) {
		l->end = l->start - 1;
		l->start += fl->l_len;
	} else {
		l->end = OFF_MAX;
	}
	return l->start < 0 ? -EINVAL : 0;
}

long do_lock(struct task *t, struct file *f, int cmd, uint64_t arg)
{
	bool ofd = cmd == F_OFD_GETLK || cmd == F_OFD_SETLK || cmd == F_OFD_SETLKW;
	struct flock fl;
	struct lock want = { 0 };
	int err;

	if (copy_from_user(t->tg->mm, &fl, arg, sizeof(fl)))
		return -EFAULT;
	if (!f->inode || (!S_ISREG(f->inode->mode) && !S_ISDIR(f->inode->mode)))
		return -EINVAL;
	if (fl.l_type != F_RDLCK && fl.l_type != F_WRLCK && fl.l_type != F_UNLCK)
		return -EINVAL;
	if (ofd && fl.l_pid != 0)
		return -EINVAL;
	err = to_range(f, &fl, &want);
	if (err)
		return err;
	want.dev = f->inode->dev;
	want.ino = f->inode->ino;
	want.type = fl.l_type;
	want.kind = ofd ? LK_OFD : LK_POSIX;
	want.owner = ofd ? (const void *)f : (const void *)t->tg;
	want.pid = t->tg->pid;
	if (cmd == F_GETLK || cmd == F_OFD_GETLK) {
		if (fl.l_type == F_UNLCK)
			return -EINVAL;
		pthread_mutex_lock(&lock_mu);
		struct lock *c = find_conflict(&want);
		if (c) {
			fl.l_type = c->type;
			fl.l_whence = SEEK_SET;
			fl.l_start = c->start;
			fl.l_len = c->end == OFF_MAX ? 0 : c->end - c->start + 1;
			fl.l_pid = c->kind == LK_OFD ? -1 : c->pid;
		} else {
			fl.l_type = F_UNLCK;
		}
		pthread_mutex_unlock(&lock_mu);
		return copy_to_user(t->tg->mm, arg, &fl, sizeof(fl));
	}
	if ((fl.l_type == F_RDLCK && (f->flags & O_ACCMODE) == O_WRONLY) ||
	    (fl.l_type == F_WRLCK && (f->flags & O_ACCMODE) == O_RDONLY))
		return -EBADF;
	return set_lock(t, &want, cmd == F_SETLKW || cmd == F_OFD_SETLKW);
}

/* flock(2) on f: a whole-file lock owned by the open file. */
long do_flock(struct task *t, struct file *f, int op)
{
	struct lock want = { .start = 0, .end = OFF_MAX, .kind = LK_FLOCK };
	long err;

	switch (op & ~LOCK_NB) {
	case LOCK_SH: want.type = F_RDLCK; break;
	case LOCK_EX: want.type = F_WRLCK; break;
	case LOCK_UN: want.type = F_UNLCK; break;
	default:
		return -EINVAL;
	}
	if (!f->inode)
		return -EINVAL;
	want.dev = f->inode->dev;
	want.ino = f->inode->ino;
	want.owner = f;
	want.pid = t->tg->pid;
	err = set_lock(t, &want, !(op & LOCK_NB));
	return err == -EAGAIN ? -EWOULDBLOCK : err;
}

/* close(2) of any fd for a file drops the process's POSIX locks on it. */
void locks_close_posix(const void *tg, struct file *f)
{
	struct lock w = { .start = 0, .end = OFF_MAX, .kind = LK_POSIX, .owner = tg };

	if (!f->inode)
		return;
	w.dev = f->inode->dev;
	w.ino = f->inode->ino;
	pthread_mutex_lock(&lock_mu);
	unlock_range(&w);
	waitq_wake(&lock_wq, 0);
	pthread_mutex_unlock(&lock_mu);
}

/*
 * Drop every lock of owner: an open file's OFD and flock locks with its
 * last reference, a process's POSIX locks at its exit (Linux drops them
 * as the exit closes its files).
 */
void locks_release(const void *owner)
{
	pthread_mutex_lock(&lock_mu);
	for (struct lock **pp = &locks; *pp;) {
		if ((*pp)->owner == owner) {
			struct lock *l = *pp;

			*pp = l->next;
			free(l);
		} else {
			pp = &(*pp)->next;
		}
	}
	waitq_wake(&lock_wq, 0);
	pthread_mutex_unlock(&lock_mu);
}
