/* SPDX-License-Identifier: MIT */
/*
 * File leases: fcntl F_SETLEASE/F_GETLEASE (Linux's fs/locks.c leases).
 * The holder of a lease is told (SIGIO, or its F_SETSIG signal with si_fd)
 * when an open or a truncate would conflict with it: a write lease with
 * any open, a read lease with an open for writing.  It then has
 * /proc/sys/fs/lease-break-time seconds to give the lease up or downgrade
 * it; the opener waits that long at most (with O_NONBLOCK: EWOULDBLOCK,
 * the break started), then the lease is broken for it.  Leases are kept in
 * the sentry, among the sandbox's files; nothing is leased on the host.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/capability.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "kernel/kernel.h"
#include "lib/sbuf.h"
#include "vfs/vfs.h"

struct lease {
	uint64_t dev, ino;
	struct file *file;              /* the holder's open file: its close ends it */
	int fd;                         /* the fd it was set through: si_fd */
	short type;                     /* F_RDLCK or F_WRLCK */
	short target;                   /* being broken to F_RDLCK or F_UNLCK; else type */
	struct timespec deadline;       /* of the break, CLOCK_MONOTONIC */
	struct lease *next;
};

static struct lease *leases;
static int nleases;                     /* atomic: opens look no further when 0 */
static pthread_mutex_t lease_mu = PTHREAD_MUTEX_INITIALIZER;
static struct waitq lease_wq = WAITQ_INIT;

/* fs.lease-break-time, seconds (Linux's default) */
static int lease_break_time = 45;

/* Strength: a lease of rank r conflicts with an open that allows less. */
static int rank(short type)
{
	return type == F_WRLCK ? 2 : type == F_RDLCK ? 1 : 0;
}

static bool same_inode(const struct lease *l, const struct inode *ino)
{
	return l->dev == ino->dev && l->ino == ino->ino;
}

static struct lease *lease_of(const struct file *f)
{
	for (struct lease *l = leases; l; l = l->next)
		if (l->file == f)
			return l;
	return NULL;
}

static void lease_free(struct lease *victim)
{
	for (struct lease **pp = &leases; *pp; pp = &(*pp)->next)
		if (*pp == victim) {
			*pp = victim->next;
			free(victim);
			__atomic_sub_fetch(&nleases, 1, __ATOMIC_RELEASE);
			return;
		}
}

/* A break ended, by the holder or by the clock: the lease is what it was
 * broken to.  lease_mu held. */
static void settle(struct lease *l, short type)
{
	if (type == F_UNLCK) {
		lease_free(l);
	} else {
		l->type = l->target = type;
	}
	waitq_wake(&lease_wq, 0);
}

/* Breaks past their deadline end as if the holder had given in. */
static void expire(const struct timespec *now)
{
	struct lease *next;

	for (struct lease *l = leases; l; l = next) {
		next = l->next;
		if (l->target != l->type && (now->tv_sec > l->deadline.tv_sec ||
					     (now->tv_sec == l->deadline.tv_sec &&
					      now->tv_nsec >= l->deadline.tv_nsec)))
			settle(l, l->target);
	}
}

static bool is_open_on(const struct file *f, const struct inode *ino)
{
	return f->inode && !(f->flags & O_PATH) && f->inode->dev == ino->dev &&
	       f->inode->ino == ino->ino;
}

static bool tg_is_live(struct thread_group *tg, const void *arg)
{
	(void)arg;
	return !tg->zombie;
}

/* tg's fd table, held (fdt_put it), or NULL once it exited */
static struct fd_table *tg_fdt_get(struct thread_group *tg)
{
	struct fd_table *fdt;

	pthread_mutex_lock(&tg->lock);
	fdt = tg->fdt;
	if (fdt)
		__atomic_add_fetch(&fdt->refs, 1, __ATOMIC_RELAXED);
	pthread_mutex_unlock(&tg->lock);
	return fdt;
}

/* Whether ino is open in the sandbox by an open file other than self
 * (writers: only those open for writing; self counts if it is one). */
static bool open_elsewhere(const struct inode *ino, const struct file *self, bool writers)
{
	struct thread_group **v;
	bool found = false;
	int n;

	v = tgs_collect(tg_is_live, NULL, &n);
	for (int i = 0; i < n && !found; i++) {
		struct fd_table *fdt = tg_fdt_get(v[i]);

		if (!fdt)
			continue;
		pthread_mutex_lock(&fdt->lock);
		for (int fd = 0; fd < fdt->max_fds && !found; fd++) {
			struct file *f = fdt->fd[fd];

			if (!f || !is_open_on(f, ino))
				continue;
			found = writers ? (f->flags & O_ACCMODE) != O_RDONLY : f != self;
		}
		pthread_mutex_unlock(&fdt->lock);
		fdt_put(fdt);
	}
	tgs_put(v, n);
	return found;
}

/*
 * Running a program that is open for writing is ETXTBSY, as Linux's
 * deny_write_access at exec makes it (i_writecount > 0): whichever
 * process of the sandbox holds the writer.  Every fd table is walked;
 * exec is rare next to open, which therefore keeps no count of writers.
 */
int vfs_deny_exec(const struct inode *ino)
{
	return open_elsewhere(ino, NULL, true) ? -ETXTBSY : 0;
}

/*
 * May f take a lease of type? Linux's check_conflicting_open: a read
 * lease only while nobody has the file open for writing, a write lease
 * only while nobody else has it open at all.
 */
static int conflicting_open(struct file *f, long type)
{
	if (type == F_RDLCK)
		return open_elsewhere(f->inode, f, true) ? -EAGAIN : 0;
	return open_elsewhere(f->inode, f, false) ? -EAGAIN : 0;
}

/* Set (or change) f's lease; lease_mu held. */
static int add_lease(struct file *f, int fd, long type)
{
	struct lease *mine = NULL;

	for (struct lease *l = leases; l; l = l->next) {
		if (!same_inode(l, f->inode))
			continue;
		if (l->file == f) {
			mine = l;
			continue;
		}
		/* no write lease beside another's lease; no new read lease
		 * while someone waits to open the file for writing */
		if (type == F_WRLCK || l->target == F_UNLCK)
			return -EAGAIN;
	}
	if (mine) {
		/* while being broken, only as far as the break asks, or less */
		if (mine->target != mine->type && rank((short)type) > rank(mine->target))
			return -EAGAIN;
		if (mine->target != mine->type)
			waitq_wake(&lease_wq, 0);
		mine->type = mine->target = (short)type;
		mine->fd = fd;
		return 0;
	}
	if (!(mine = calloc(1, sizeof(*mine))))
		return -ENOMEM;
	*mine = (struct lease){ f->inode->dev, f->inode->ino, f, fd, (short)type, (short)type,
				{ 0, 0 }, leases };
	leases = mine;
	__atomic_add_fetch(&nleases, 1, __ATOMIC_RELEASE);
	return 0;
}

/* The file's owner, or CAP_LEASE (Linux's generic_setlease). */
static bool lease_owner(struct task *t, struct inode *ino)
{
	const struct creds *c = &t->tg->cred;
	struct stat st;

	if (vfs_getattr(ino, &st))
		return false;
	return st.st_uid == c->fsuid || capable(c, CAP_LEASE);
}

/* F_SETLEASE through fd. */
long lease_set(struct task *t, struct file *f, int fd, long type)
{
	struct lease *l;
	long err;

	if (type != F_RDLCK && type != F_WRLCK && type != F_UNLCK)
		return -EINVAL;
	if (!f->inode || !S_ISREG(f->inode->mode) || (f->flags & O_PATH))
		return -EINVAL;
	if (!lease_owner(t, f->inode))
		return -EACCES;
	if (type != F_UNLCK && (err = conflicting_open(f, type)))
		return err;
	pthread_mutex_lock(&lease_mu);
	if (type == F_UNLCK) {
		l = lease_of(f);
		err = l ? 0 : -EAGAIN;
		if (l)
			settle(l, F_UNLCK);
	} else {
		err = add_lease(f, fd, type);
	}
	pthread_mutex_unlock(&lease_mu);
	/* the break's signal goes to whoever set the lease (Linux's
	 * fcntl_setlease sets the file's owner) */
	if (!err && type != F_UNLCK)
		err = fasync_setown(t, f, t->tg->pid);
	return err;
}

/* F_GETLEASE: the lease f holds; while broken, what it is being broken to. */
long lease_get(struct file *f)
{
	struct lease *l;
	long type;

	if (!__atomic_load_n(&nleases, __ATOMIC_ACQUIRE))
		return F_UNLCK;
	pthread_mutex_lock(&lease_mu);
	l = lease_of(f);
	type = l ? l->target : F_UNLCK;
	pthread_mutex_unlock(&lease_mu);
	return type;
}

/*
 * Start breaking every lease on ino stronger than allow: each holder is
 * told once, with the deadline of /proc/sys/fs/lease-break-time.  Returns
 * whether one is still to be given up; *first is the earliest deadline.
 * lease_mu held; the files to tell are taken (held) into tell[].
 */
static bool start_breaks(const struct inode *ino, int allow, const struct timespec *now,
			 struct timespec *first, struct lease **tell, int *ntell, int max)
{
	bool conflict = false;

	for (struct lease *l = leases; l; l = l->next) {
		if (!same_inode(l, ino) || rank(l->type) <= allow)
			continue;
		if (rank(l->target) > allow) {
			if (l->target == l->type) {     /* not yet told */
				l->deadline = *now;
				l->deadline.tv_sec += lease_break_time;
				if (*ntell < max) {
					file_get(l->file);
					tell[(*ntell)++] = l;
				}
			}
			l->target = allow ? F_RDLCK : F_UNLCK;
		}
		if (!conflict || l->deadline.tv_sec < first->tv_sec ||
		    (l->deadline.tv_sec == first->tv_sec && l->deadline.tv_nsec < first->tv_nsec))
			*first = l->deadline;
		conflict = true;
	}
	return conflict;
}

/* Tell the holders, with no lock held: SIGIO or F_SETSIG's signal, POLL_MSG. */
static void tell_holders(struct file **files, const int *fds, int n)
{
	for (int i = 0; i < n; i++) {
		fasync_notify(files[i], fds[i], POLLIN | POLLRDNORM | POLLMSG);
		file_put(files[i]);
	}
}

#define TELL_MAX 16

/*
 * An open of ino with flags, or a truncate (O_WRONLY): break the leases it
 * conflicts with and wait until they are given up or their time is out
 * (Linux's __break_lease).  -EWOULDBLOCK with O_NONBLOCK, -ERESTARTSYS on
 * a signal.
 */
int lease_break(struct task *t, struct inode *ino, int flags)
{
	int allow = (flags & O_ACCMODE) == O_RDONLY && !(flags & O_TRUNC) ? 1 : 0;
	struct file *files[TELL_MAX];
	int fds[TELL_MAX], err = 0;

	if (!__atomic_load_n(&nleases, __ATOMIC_ACQUIRE) || !S_ISREG(ino->mode))
		return 0;
	pthread_mutex_lock(&lease_mu);
	for (;;) {
		struct lease *tell[TELL_MAX];
		struct timespec now, first;
		int ntell = 0;
		bool conflict;

		clock_gettime(CLOCK_MONOTONIC, &now);
		expire(&now);
		conflict = start_breaks(ino, allow, &now, &first, tell, &ntell, TELL_MAX);
		for (int i = 0; i < ntell; i++) {
			files[i] = tell[i]->file;
			fds[i] = tell[i]->fd;
		}
		if (ntell) {
			pthread_mutex_unlock(&lease_mu);
			tell_holders(files, fds, ntell);
			pthread_mutex_lock(&lease_mu);
			continue;
		}
		if (!conflict)
			break;
		if (flags & O_NONBLOCK) {
			err = -EWOULDBLOCK;
			break;
		}
		err = task_sleep_on(t, &lease_wq, 0, &lease_mu, &first);
		if (err == -ETIMEDOUT)
			err = 0;
		if (err)
			break;
	}
	pthread_mutex_unlock(&lease_mu);
	return err;
}

/* The last close of f: its lease goes, and a breaker waiting for it runs. */
void lease_release(struct file *f)
{
	struct lease *l;

	if (!__atomic_load_n(&nleases, __ATOMIC_ACQUIRE))
		return;
	pthread_mutex_lock(&lease_mu);
	if ((l = lease_of(f)))
		settle(l, F_UNLCK);
	pthread_mutex_unlock(&lease_mu);
}

/* /proc/sys/fs/lease-break-time */
int lease_proc_break_time(struct sbuf *b)
{
	sb_printf(b, "%d\n", __atomic_load_n(&lease_break_time, __ATOMIC_RELAXED));
	return 0;
}

int lease_store_break_time(struct task *t, const char *buf, size_t len)
{
	char s[32], *end;
	long v;

	(void)t;
	if (len >= sizeof(s))
		return -EINVAL;
	memcpy(s, buf, len);
	s[len] = 0;
	errno = 0;
	v = strtol(s, &end, 10);
	while (*end == ' ' || *end == '\n')
		end++;
	if (end == s || *end || errno || v < INT_MIN || v > INT_MAX)
		return -EINVAL;
	/* Linux takes any int; a negative time breaks at once */
	__atomic_store_n(&lease_break_time, v < 0 ? 0 : (int)v, __ATOMIC_RELAXED);
	return 0;
}
