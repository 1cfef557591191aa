/* SPDX-License-Identifier: MIT */
/*
 * POSIX message queues (Linux's ipc/mqueue.c).
 *
 * A queue has a name in the sandbox's IPC namespace and is opened as a
 * file: mq_open gives a descriptor whose read(2) shows the queue's state
 * line, which poll, select and epoll report ready for reading when a
 * message waits and for writing when there is room (the queue's wait
 * queue), and which close, dup, fork and exec treat as any file.  The
 * queue lives while it has a name or an open file.  Messages are kept in
 * order of priority, then of sending.
 *
 * The mqueue file system (mqueue_fs.c) shows the same queues as files.
 *
 * Not (yet) served: SIGEV_THREAD notification (glibc makes it with a
 * netlink socket) and the RLIMIT_MSGQUEUE accounting.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <mqueue.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "ipc/ipc.h"
#include "fs/proc/sysctl.h"
#include "ipc/mqueue.h"
#include "mm/mm.h"
#include "vfs/vfs.h"

pthread_mutex_t mq_lock = PTHREAD_MUTEX_INITIALIZER;
struct mqueue *mq_names;
static int mq_count;                    /* named queues: queues_max */

void mq_put(struct mqueue *q)
{
	if (--q->refs)
		return;
	for (struct mq_msg *m = q->queue, *n; m; m = n) {
		n = m->next;
		free(m);
	}
	waitq_release(&q->wq);          /* a poll or epoll still queued on it */
	free(q);
}

/* mq_unlink: the name goes; the queue lives while a file has it open. */
void mq_drop_name(struct mqueue *q)
{
	for (struct mqueue **p = &mq_names; *p; p = &(*p)->next)
		if (*p == q) {
			*p = q->next;
			break;
		}
	q->named = false;
	mq_count--;
	mq_put(q);
}

struct mqueue *mq_lookup(const char *name)
{
	for (struct mqueue *q = mq_names; q; q = q->next)
		if (!strcmp(q->name, name))
			return q;
	return NULL;
}

/* ---------- the file ---------- */


/* The queue behind fd: EBADF if it is none. */
static struct file *mq_fget(struct task *t, int fd, struct mqueue **q)
{
	struct file *f = fget(t, fd);

	if (f && f->ops != &mq_ops) {
		file_put(f);
		f = NULL;
	}
	*q = f ? f->priv : NULL;
	return f;
}

/* The queue's state line (Linux's mqueue_read_file). */
static ssize_t mq_read(struct task *t, struct file *f, void *buf, size_t len, off_t *pos)
{
	struct mqueue *q = f->priv;
	unsigned long bytes = 0;
	char line[128];
	size_t n;

	(void)t;
	pthread_mutex_lock(&mq_lock);
	for (struct mq_msg *m = q->queue; m; m = m->next)
		bytes += m->len;
	n = (size_t)snprintf(line, sizeof(line), "QSIZE:%-10lu NOTIFY:%-5d SIGNO:%-5d"
			     " NOTIFY_PID:%-6d\n", bytes, q->notify_pid ? q->notify_kind : 0,
			     q->notify_pid ? q->notify_sig : 0, q->notify_pid);
	pthread_mutex_unlock(&mq_lock);
	if (*pos >= (off_t)n)
		return 0;
	n -= (size_t)*pos;
	n = n < len ? n : len;
	memcpy(buf, line + *pos, n);
	*pos += (off_t)n;
	return (ssize_t)n;
}

static short mq_poll(struct file *f, short events, struct poll_table *pt)
{
	struct mqueue *q = f->priv;
	short r = 0;

	poll_wait(pt, &q->wq, (uint32_t)events);
	pthread_mutex_lock(&mq_lock);
	if (q->curmsgs)
		r |= POLLIN | POLLRDNORM;
	if (q->curmsgs < q->maxmsg)
		r |= POLLOUT | POLLWRNORM;
	pthread_mutex_unlock(&mq_lock);
	return r & events;
}

static int mq_fstat(struct file *f, struct stat *st)
{
	struct mqueue *q = f->priv;

	memset(st, 0, sizeof(*st));
	pthread_mutex_lock(&mq_lock);
	st->st_mode = S_IFREG | q->mode;
	st->st_uid = q->uid;
	st->st_gid = q->gid;
	st->st_nlink = q->named;
	st->st_blksize = 4096;
	pthread_mutex_unlock(&mq_lock);
	return 0;
}

static void mq_release(struct file *f)
{
	struct mqueue *q = f->priv;

	pthread_mutex_lock(&mq_lock);
	if (q->notify_file == f)        /* Linux drops it at the close of that fd */
		q->notify_pid = 0, q->notify_file = NULL;
	mq_put(q);
	pthread_mutex_unlock(&mq_lock);
}

const struct file_ops mq_ops = {
	.read = mq_read,
	.poll = mq_poll,
	.fstat = mq_fstat,
	.release = mq_release,
};

/* ---------- mq_open, mq_unlink ---------- */

/* Linux's inode_permission on the queue: the owner's, group's or others' bits. */
static int mq_may(const struct creds *c, const struct mqueue *q, int acc)
{
	int want = (acc == O_RDONLY ? 4 : acc == O_WRONLY ? 2 : 6);
	unsigned bits = q->mode;

	if (c->fsuid == q->uid)
		bits >>= 6;
	else if (in_group(c, q->gid))
		bits >>= 3;
	if ((want & ~bits & 7) && !capable(c, CAP_DAC_OVERRIDE))
		return -EACCES;
	return 0;
}

/* A named queue in the table (mq_lock held): ENOSPC past queues_max. */
int mq_new(const char *name, mode_t mode, uint32_t uid, uint32_t gid, long maxmsg,
	   long msgsize, bool resource, struct mqueue **out)
{
	static uint64_t last_ino = 1;   /* 1: the file system's root */
	struct mqueue *q;

	if (mq_count >= proc_sysctl_long("fs.mqueue.queues_max") && !resource)
		return -ENOSPC;
	q = calloc(1, sizeof(*q));
	if (!q)
		return -ENOMEM;
	snprintf(q->name, sizeof(q->name), "%s", name);
	q->named = true;
	q->refs = 1;
	q->ino = ++last_ino;
	clock_gettime(CLOCK_REALTIME, &q->made);
	q->uid = uid;
	q->gid = gid;
	q->mode = mode & 0777;
	q->maxmsg = maxmsg;
	q->maxsize = msgsize;
	waitq_init(&q->wq);
	q->next = mq_names;
	mq_names = q;
	mq_count++;
	*out = q;
	return 0;
}

/* mq_open's O_CREAT: its attributes within Linux's limits. */
static int mq_create(struct task *t, const char *name, mode_t mode,
		     const struct mq_attr *attr, struct mqueue **out)
{
	const struct creds *c = ipc_cred(t);
	bool res = capable(c, CAP_SYS_RESOURCE);
	/* fs.mqueue.*: linux.sysctl may set them (fs/proc/sysctl.c) */
	long maxmsg = proc_sysctl_long("fs.mqueue.msg_default"),
	     msgsize = proc_sysctl_long("fs.mqueue.msgsize_default");
	mode_t umask;

	if (attr) {
		maxmsg = attr->mq_maxmsg;
		msgsize = attr->mq_msgsize;
		if (maxmsg <= 0 || msgsize <= 0)
			return -EINVAL;
		if (maxmsg > MQ_HARD_MSGMAX || msgsize > MQ_HARD_MSGSIZEMAX ||
		    (!res && (maxmsg > proc_sysctl_long("fs.mqueue.msg_max") ||
			      msgsize > proc_sysctl_long("fs.mqueue.msgsize_max"))))
			return -EINVAL;
	}
	pthread_mutex_lock(&t->fs->lock);
	umask = t->fs->umask;
	pthread_mutex_unlock(&t->fs->lock);
	return mq_new(name, mode & ~umask, c->fsuid, c->fsgid, maxmsg, msgsize, res, out);
}

/* A queue's name: not empty, no '/', as Linux's lookup in the mqueue root. */
static long mq_name(struct task *t, uint64_t uname, char *name)
{
	long n = strncpy_from_user(t->tg->mm, name, uname, NAME_MAX + 1);

	if (n < 0)
		return n;
	if (!n || strchr(name, '/') || !strcmp(name, ".") || !strcmp(name, ".."))
		return -EACCES;
	return 0;
}

long mq_open_name(struct task *t, uint64_t uname, int oflag, mode_t mode,
		  const struct mq_attr *attr)
{
	char name[NAME_MAX + 1];
	int acc = oflag & O_ACCMODE;
	struct mqueue *q;
	struct file *f;
	long err = mq_name(t, uname, name);

	if (err)
		return err;
	if (acc == O_ACCMODE)
		return -EINVAL;
	pthread_mutex_lock(&mq_lock);
	q = mq_lookup(name);
	if (q && (oflag & O_CREAT) && (oflag & O_EXCL))
		err = -EEXIST;
	else if (q)
		err = mq_may(ipc_cred(t), q, acc);
	else if (!(oflag & O_CREAT))
		err = -ENOENT;
	else
		err = mq_create(t, name, mode, attr, &q);
	if (!err)
		q->refs++;
	pthread_mutex_unlock(&mq_lock);
	if (err)
		return err;
	f = file_new(&mq_ops, acc | (oflag & O_NONBLOCK), q);
	if (!f) {
		pthread_mutex_lock(&mq_lock);
		mq_put(q);
		pthread_mutex_unlock(&mq_lock);
		return -ENOMEM;
	}
	return fd_install_new(t, f, oflag & O_CLOEXEC);
}

long mq_unlink_name(struct task *t, uint64_t uname)
{
	const struct creds *c = ipc_cred(t);
	char name[NAME_MAX + 1];
	struct mqueue *q;
	long err = mq_name(t, uname, name);

	if (err)
		return err;
	pthread_mutex_lock(&mq_lock);
	q = mq_lookup(name);
	if (!q) {
		err = -ENOENT;
	} else if (c->fsuid != q->uid && c->fsuid != 0 && !capable(c, CAP_FOWNER)) {
		err = -EACCES;          /* the sticky mqueue root (1777), as Linux */
	} else {
		mq_drop_name(q);
	}
	pthread_mutex_unlock(&mq_lock);
	return err;
}

/* ---------- send, receive ---------- */

/*
 * Sleep on q's wait queue (mq_lock held, dropped meanwhile) until woken,
 * the deadline or a signal (ERESTARTSYS: restarted with SA_RESTART, as
 * Linux's wq_sleep).
 */
static int mq_sleep(struct task *t, struct mqueue *q, const struct timespec *deadline)
{
	struct wait_entry e;
	int err;

	wait_entry_task(&e, t, 0);
	waitq_add(&q->wq, &e);
	task_prepare_wait(t);
	pthread_mutex_unlock(&mq_lock);
	err = task_block(t, deadline, NULL, 0);
	pthread_mutex_lock(&mq_lock);
	waitq_remove(&q->wq, &e);
	return err < 0 ? err : 0;
}

/* The notification a message reaching an empty queue sends (mq_lock held). */
static void mq_notify_send(struct task *t, struct mqueue *q)
{
	struct thread_group *tg;
	siginfo_t si;

	if (!q->notify_pid || q->curmsgs != 1)
		return;
	if (q->notify_sig && (tg = tg_find(q->notify_pid))) {
		memset(&si, 0, sizeof(si));
		si.si_signo = q->notify_sig;
		si.si_code = SI_MESGQ;
		si.si_pid = t->tg->pid;
		si.si_uid = ipc_cred(t)->uid;
		si.si_value = q->notify_value;
		send_signal_info(tg, NULL, &si);
		tg_put(tg);
	}
	q->notify_pid = 0;              /* one shot */
	q->notify_file = NULL;
}

long mq_do_send(struct task *t, int fd, uint64_t uptr, size_t len, unsigned prio,
	     const struct timespec *deadline)
{
	struct mqueue *q;
	struct file *f = mq_fget(t, fd, &q);
	struct mq_msg *m = NULL, **p;
	long err = 0;

	if (!f)
		return -EBADF;
	if ((f->flags & O_ACCMODE) == O_RDONLY) {
		err = -EBADF;
		goto out;
	}
	if (prio >= MQ_PRIO_MAX) {
		err = -EINVAL;
		goto out;
	}
	if ((long)len > q->maxsize || (long)len < 0) {
		err = -EMSGSIZE;
		goto out;
	}
	if (!(m = malloc(sizeof(*m) + len))) {
		err = -ENOMEM;
		goto out;
	}
	if (copy_from_user(t->tg->mm, m->text, uptr, len)) {
		err = -EFAULT;
		goto out;
	}
	m->len = len;
	m->prio = prio;
	pthread_mutex_lock(&mq_lock);
	while (q->curmsgs >= q->maxmsg && !err) {
		if (f->flags & O_NONBLOCK)
			err = -EAGAIN;
		else
			err = mq_sleep(t, q, deadline);
	}
	if (!err) {
		for (p = &q->queue; *p && (*p)->prio >= prio; p = &(*p)->next)
			;
		m->next = *p;
		*p = m;
		m = NULL;
		q->curmsgs++;
		mq_notify_send(t, q);
	}
	pthread_mutex_unlock(&mq_lock);
	if (!err)
		waitq_wake(&q->wq, POLLIN | POLLRDNORM);
out:
	free(m);
	file_put(f);
	return err;
}

long mq_do_receive(struct task *t, int fd, uint64_t uptr, size_t len, uint64_t uprio,
		const struct timespec *deadline)
{
	struct mqueue *q;
	struct file *f = mq_fget(t, fd, &q);
	struct mq_msg *m = NULL;
	long err = 0;

	if (!f)
		return -EBADF;
	if ((f->flags & O_ACCMODE) == O_WRONLY) {
		err = -EBADF;
		goto out;
	}
	if ((long)len < q->maxsize) {
		err = -EMSGSIZE;
		goto out;
	}
	pthread_mutex_lock(&mq_lock);
	while (!q->curmsgs && !err) {
		if (f->flags & O_NONBLOCK)
			err = -EAGAIN;
		else
			err = mq_sleep(t, q, deadline);
	}
	if (!err) {
		m = q->queue;
		q->queue = m->next;
		q->curmsgs--;
	}
	pthread_mutex_unlock(&mq_lock);
	if (err)
		goto out;
	waitq_wake(&q->wq, POLLOUT | POLLWRNORM);
	/* taken: a bad buffer loses it, as in Linux */
	if (copy_to_user(t->tg->mm, uptr, m->text, m->len) ||
	    (uprio && copy_to_user(t->tg->mm, uprio, &m->prio, sizeof(m->prio))))
		err = -EFAULT;
	else
		err = (long)m->len;
out:
	free(m);
	file_put(f);
	return err;
}

/* ---------- mq_notify, mq_getsetattr ---------- */

long mq_notify_set(struct task *t, int fd, const struct sigevent *ev)
{
	struct mqueue *q;
	struct file *f;
	long err = 0;

	if (ev && ev->sigev_notify != SIGEV_NONE && ev->sigev_notify != SIGEV_SIGNAL) {
		if (ev->sigev_notify == SIGEV_THREAD)
			return -ENOSYS;         /* docs/ipc.md */
		return -EINVAL;
	}
	if (ev && ev->sigev_notify == SIGEV_SIGNAL &&
	    (ev->sigev_signo < 1 || ev->sigev_signo > NSIG_LINUX))
		return -EINVAL;
	if (!(f = mq_fget(t, fd, &q)))
		return -EBADF;
	pthread_mutex_lock(&mq_lock);
	if (!ev) {
		if (q->notify_pid == t->tg->pid)
			q->notify_pid = 0, q->notify_file = NULL;
	} else if (q->notify_pid) {
		err = -EBUSY;
	} else {
		q->notify_pid = t->tg->pid;
		q->notify_kind = ev->sigev_notify;
		q->notify_sig = ev->sigev_notify == SIGEV_SIGNAL ? ev->sigev_signo : 0;
		q->notify_value = ev->sigev_value;
		q->notify_file = f;
	}
	pthread_mutex_unlock(&mq_lock);
	file_put(f);
	return err;
}

long mq_getsetattr_fd(struct task *t, int fd, const struct mq_attr *set, struct mq_attr *old)
{
	struct mqueue *q;
	struct file *f;

	if (set && (set->mq_flags & ~O_NONBLOCK))
		return -EINVAL;
	if (!(f = mq_fget(t, fd, &q)))
		return -EBADF;
	pthread_mutex_lock(&mq_lock);
	memset(old, 0, sizeof(*old));
	old->mq_flags = f->flags & O_NONBLOCK;
	old->mq_maxmsg = q->maxmsg;
	old->mq_msgsize = q->maxsize;
	old->mq_curmsgs = q->curmsgs;
	if (set)
		f->flags = (f->flags & ~O_NONBLOCK) | (int)(set->mq_flags & O_NONBLOCK);
	pthread_mutex_unlock(&mq_lock);
	file_put(f);
	return 0;
}

