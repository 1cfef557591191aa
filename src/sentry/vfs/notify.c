/* SPDX-License-Identifier: MIT */
/*
 * File change notification: the fsnotify_*() hooks that vfs_* and the
 * read/write paths call, and inotify, their one listener (Linux's
 * fs/notify/fsnotify.c and inotify/).
 *
 * A watch names an inode by its identity (dev, ino), as stat shows it:
 * hostfs has no inode cache (every lookup makes a new inode), so identity,
 * not the struct inode, is what two walks to one file share.  Events come
 * from what the sandbox does through the sentry's VFS; a change made on a
 * host-backed directory by a host program is not seen (gVisor's gofer
 * mounts have the same limit).
 *
 * Locks: watch_lock (the table of watches, held while an event is handed
 * out, so an instance cannot go meanwhile), then an instance's lock (its
 * queue).  With no watch anywhere a hook costs one atomic load.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/inotify.h>
#include <sys/ioctl.h>

#include "kernel/kernel.h"
#include "mm/mm.h"
#include "vfs/vfs.h"

#define EV_SIZE sizeof(struct inotify_event)

struct nevent {
	struct nevent *next;
	struct inotify_event ev;        /* ev.len: the padded name's size */
	char name[];
};

struct inotify {
	pthread_mutex_t lock;
	struct nevent *head, *tail;
	size_t count, bytes;
	struct waitq wq;
	int next_wd;
};

struct watch {
	struct watch *next;
	uint64_t dev, ino;
	uint32_t mask;
	int wd;
	struct inotify *in;
};

static pthread_mutex_t watch_lock = PTHREAD_MUTEX_INITIALIZER;
static struct watch *watches;
static int nr_watches;                  /* read without the lock by the hooks */
static uint32_t next_cookie;

/* ---------- queueing ---------- */

/* Queue one event on in (its lock taken here); an event equal to the last
 * one queued is merged into it, as Linux does. */
static void queue_event(struct inotify *in, int wd, uint32_t mask, uint32_t cookie,
			const char *name)
{
	size_t nlen = name ? strlen(name) + 1 : 0, pad = nlen ? (nlen + EV_SIZE - 1) / EV_SIZE * EV_SIZE : 0;
	struct nevent *e, *last;

	pthread_mutex_lock(&in->lock);
	last = in->tail;
	if (last && last->ev.wd == wd && last->ev.mask == mask && last->ev.cookie == cookie &&
	    ((!nlen && !last->ev.len) || (nlen && last->ev.len && !strcmp(last->name, name)))) {
		pthread_mutex_unlock(&in->lock);
		return;
	}
	if (in->count >= INOTIFY_MAX_QUEUED) {
		if (last && last->ev.mask == IN_Q_OVERFLOW) {
			pthread_mutex_unlock(&in->lock);
			return;
		}
		wd = -1, mask = IN_Q_OVERFLOW, cookie = 0, nlen = pad = 0;
	}
	e = calloc(1, sizeof(*e) + pad);
	if (e) {
		e->ev = (struct inotify_event){ .wd = wd, .mask = mask, .cookie = cookie,
						.len = (uint32_t)pad };
		if (nlen)
			memcpy(e->name, name, nlen);
		if (in->tail)
			in->tail->next = e;
		else
			in->head = e;
		in->tail = e;
		in->count++;
		in->bytes += EV_SIZE + pad;
		waitq_wake(&in->wq, POLLIN | POLLRDNORM);
	}
	pthread_mutex_unlock(&in->lock);
}

/* watch_lock held: take w out of the table (the caller frees it). */
static void unlink_watch(struct watch *w)
{
	for (struct watch **pp = &watches; *pp; pp = &(*pp)->next)
		if (*pp == w) {
			*pp = w->next;
			__atomic_store_n(&nr_watches, nr_watches - 1, __ATOMIC_RELAXED);
			return;
		}
}

/*
 * Hand an event about (dev, ino) to every watch on it: name is the child's
 * for a directory's watch (NULL for the watched object itself).  A
 * one-shot watch, or one whose object was deleted (gone), ends with
 * IN_IGNORED.
 */
static void notify_id(uint64_t dev, uint64_t ino, uint32_t mask, uint32_t cookie,
		      const char *name, bool gone)
{
	struct watch *w, *next;

	pthread_mutex_lock(&watch_lock);
	for (w = watches; w; w = next) {
		next = w->next;
		if (w->dev != dev || w->ino != ino)
			continue;
		if (mask & w->mask & IN_ALL_EVENTS)
			queue_event(w->in, w->wd, mask & (w->mask | IN_ISDIR) & ~IN_ONESHOT,
				    cookie, name);
		if (gone || ((w->mask & IN_ONESHOT) && (mask & w->mask & IN_ALL_EVENTS))) {
			queue_event(w->in, w->wd, IN_IGNORED, 0, NULL);
			unlink_watch(w);
			free(w);
		}
	}
	pthread_mutex_unlock(&watch_lock);
}

static bool watched(void)
{
	return __atomic_load_n(&nr_watches, __ATOMIC_RELAXED) != 0;
}

static uint32_t isdir(const struct inode *ino)
{
	return ino && S_ISDIR(ino->mode) ? IN_ISDIR : 0;
}

/* An event on the object of d, and on its directory's watches with its name. */
static void notify_dentry(struct dentry *d, uint32_t mask)
{
	if (!watched() || !d || !d->inode)
		return;
	mask |= isdir(d->inode);
	notify_id(d->inode->dev, d->inode->ino, mask, 0, NULL, false);
	if (d->parent && d->parent->inode && d->name[0])
		notify_id(d->parent->inode->dev, d->parent->inode->ino, mask, 0, d->name, false);
}

/* ---------- the hooks ---------- */

void fsnotify_create(struct dentry *dir, const char *name, bool is_dir)
{
	if (watched())
		notify_id(dir->inode->dev, dir->inode->ino, IN_CREATE | (is_dir ? IN_ISDIR : 0), 0,
			  name, false);
}

/* name was removed from dir; victim was its inode: gone with its last link */
void fsnotify_delete(struct dentry *dir, const char *name, struct inode *victim)
{
	uint32_t d = isdir(victim);
	struct stat st;
	bool gone;

	if (!watched())
		return;
	gone = d || vfs_getattr(victim, &st) || st.st_nlink == 0;
	/* Linux's order: the link count (files), the object's end, the name's */
	if (!d)
		notify_id(victim->dev, victim->ino, IN_ATTRIB, 0, NULL, false);
	if (gone)
		notify_id(victim->dev, victim->ino, IN_DELETE_SELF, 0, NULL, true);
	notify_id(dir->inode->dev, dir->inode->ino, IN_DELETE | d, 0, name, false);
}

void fsnotify_move(struct dentry *odir, const char *oname, struct dentry *ndir,
		   const char *nname, struct inode *moved)
{
	uint32_t cookie, d = isdir(moved);

	if (!watched())
		return;
	cookie = __atomic_add_fetch(&next_cookie, 1, __ATOMIC_RELAXED);
	notify_id(odir->inode->dev, odir->inode->ino, IN_MOVED_FROM | d, cookie, oname, false);
	notify_id(ndir->inode->dev, ndir->inode->ino, IN_MOVED_TO | d, cookie, nname, false);
	notify_id(moved->dev, moved->ino, IN_MOVE_SELF, 0, NULL, false);
}

/* A setattr of d with the ATTR_* bits valid (Linux's fsnotify_change). */
void fsnotify_change(struct dentry *d, unsigned valid)
{
	uint32_t mask = 0;

	if (valid & (ATTR_UID | ATTR_GID | ATTR_MODE))
		mask |= IN_ATTRIB;
	if (valid & ATTR_SIZE)
		mask |= IN_MODIFY;
	if ((valid & (ATTR_ATIME | ATTR_MTIME)) == (ATTR_ATIME | ATTR_MTIME))
		mask |= IN_ATTRIB;
	else if (valid & ATTR_ATIME)
		mask |= IN_ACCESS;
	else if (valid & ATTR_MTIME)
		mask |= IN_MODIFY;
	if (mask)
		notify_dentry(d, mask);
}

void fsnotify_open(struct file *f)
{
	notify_dentry(f->dentry, IN_OPEN);
}

void fsnotify_close(struct file *f)
{
	notify_dentry(f->dentry, (f->flags & O_ACCMODE) == O_RDONLY ? IN_CLOSE_NOWRITE
								  : IN_CLOSE_WRITE);
}

void fsnotify_modify(struct file *f)
{
	notify_dentry(f->dentry, IN_MODIFY);
}

void fsnotify_access(struct file *f)
{
	notify_dentry(f->dentry, IN_ACCESS);
}

/* ---------- an inotify instance as a file ---------- */

/* Whole events, as many as fit; EINVAL if not even the first does. */
static ssize_t in_read(struct task *t, struct file *f, void *buf, size_t len, off_t *pos)
{
	struct inotify *in = f->priv;
	size_t done = 0;
	int err = 0;

	(void)pos;
	pthread_mutex_lock(&in->lock);
	while (!in->head && !err)
		err = f->flags & O_NONBLOCK ? -EAGAIN
					    : task_sleep_on(t, &in->wq, POLLIN, &in->lock, NULL);
	while (!err && in->head) {
		struct nevent *e = in->head;
		size_t n = EV_SIZE + e->ev.len;

		if (n > len - done) {
			if (!done)
				err = -EINVAL;
			break;
		}
		memcpy((char *)buf + done, &e->ev, EV_SIZE);
		memcpy((char *)buf + done + EV_SIZE, e->name, e->ev.len);
		done += n;
		in->head = e->next;
		if (!in->head)
			in->tail = NULL;
		in->count--;
		in->bytes -= n;
		free(e);
	}
	pthread_mutex_unlock(&in->lock);
	return done ? (ssize_t)done : err;
}

static short in_poll(struct file *f, short events, struct poll_table *pt)
{
	struct inotify *in = f->priv;
	short r;

	poll_wait(pt, &in->wq, POLLIN);
	pthread_mutex_lock(&in->lock);
	r = in->head ? POLLIN | POLLRDNORM : 0;
	pthread_mutex_unlock(&in->lock);
	return r & events;
}

static long in_ioctl(struct task *t, struct file *f, unsigned cmd, uint64_t arg)
{
	struct inotify *in = f->priv;
	int n;

	if (cmd != FIONREAD)
		return -ENOTTY;
	pthread_mutex_lock(&in->lock);
	n = (int)in->bytes;
	pthread_mutex_unlock(&in->lock);
	return copy_to_user(t->tg->mm, arg, &n, sizeof(n)) ? -EFAULT : 0;
}

static void in_release(struct file *f)
{
	struct inotify *in = f->priv;
	struct watch *w, *next;

	pthread_mutex_lock(&watch_lock);
	for (w = watches; w; w = next) {
		next = w->next;
		if (w->in == in) {
			unlink_watch(w);
			free(w);
		}
	}
	pthread_mutex_unlock(&watch_lock);
	while (in->head) {
		struct nevent *e = in->head;

		in->head = e->next;
		free(e);
	}
	waitq_release(&in->wq);
	free(in);
}

static const struct file_ops inotify_ops = {
	.anon_name = "inotify",
	.read = in_read,
	.poll = in_poll,
	.ioctl = in_ioctl,
	.release = in_release,
};

struct file *inotify_file_new(int flags)
{
	struct inotify *in = calloc(1, sizeof(*in));
	struct file *f;

	if (!in)
		return NULL;
	pthread_mutex_init(&in->lock, NULL);
	waitq_init(&in->wq);
	in->next_wd = 1;
	f = file_new(&inotify_ops, O_RDONLY | (flags & O_NONBLOCK), in);
	if (!f)
		free(in);
	return f;
}

bool is_inotify(struct file *f)
{
	return f->ops == &inotify_ops;
}

/*
 * inotify_add_watch on the object of d: a new wd, or the existing watch's
 * mask replaced (IN_MASK_ADD: or'd; IN_MASK_CREATE: EEXIST).  The caller
 * checked read permission and IN_ONLYDIR.
 */
long inotify_add(struct file *f, struct dentry *d, uint32_t mask)
{
	struct inotify *in = f->priv;
	uint32_t keep = mask & (IN_ALL_EVENTS | IN_ONESHOT | IN_EXCL_UNLINK);
	struct watch *w;
	long ret;

	pthread_mutex_lock(&watch_lock);
	for (w = watches; w; w = w->next)
		if (w->in == in && w->dev == d->inode->dev && w->ino == d->inode->ino)
			break;
	if (w) {
		if (mask & IN_MASK_CREATE) {
			ret = -EEXIST;
		} else {
			w->mask = (mask & IN_MASK_ADD) ? w->mask | keep : keep;
			ret = w->wd;
		}
	} else if (nr_watches >= INOTIFY_MAX_WATCHES) {
		ret = -ENOSPC;
	} else if (!(w = calloc(1, sizeof(*w)))) {
		ret = -ENOMEM;
	} else {
		*w = (struct watch){ .next = watches, .dev = d->inode->dev, .ino = d->inode->ino,
				     .mask = keep, .wd = in->next_wd++, .in = in };
		watches = w;
		__atomic_store_n(&nr_watches, nr_watches + 1, __ATOMIC_RELAXED);
		ret = w->wd;
	}
	pthread_mutex_unlock(&watch_lock);
	return ret;
}

long inotify_rm(struct file *f, int wd)
{
	struct inotify *in = f->priv;
	struct watch *w;

	pthread_mutex_lock(&watch_lock);
	for (w = watches; w; w = w->next)
		if (w->in == in && w->wd == wd)
			break;
	if (w) {
		queue_event(in, wd, IN_IGNORED, 0, NULL);
		unlink_watch(w);
		free(w);
	}
	pthread_mutex_unlock(&watch_lock);
	return w ? 0 : -EINVAL;
}
