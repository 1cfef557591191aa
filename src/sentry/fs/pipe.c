/* SPDX-License-Identifier: MIT */
/*
 * Pipes, inside the sentry: a ring buffer, blocking readers and writers
 * (interruptible by signals), EOF when the last writer goes, EPIPE and
 * SIGPIPE when the last reader does, PIPE_BUF-sized writes atomic.
 *
 * Named pipes (FIFOs, Linux's fs/pipe.c fifo_open) are the same pipe, found
 * by the FIFO's inode identity (dev, ino) in a table while it is open, so
 * that every open of one FIFO meets the same buffer whatever file system
 * holds it (memfs, or hostfs, where the sentry never opens the host FIFO).
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <time.h>

#include "kernel/kernel.h"
#include "mm/mm.h"
#include "vfs/vfs.h"

#define PIPE_DEF_SIZE (64 << 10)

struct pipe {
	pthread_mutex_t lock;
	char *buf;
	size_t cap, head, len;
	int readers, writers;
	/*
	 * Each end's wait queue, as Linux's rd_wait and wr_wait: every write
	 * wakes readers, a read that unfills the pipe wakes writers, a close
	 * wakes both (HUP, ERR).  Woken under lock.
	 */
	struct waitq rd_wq, wr_wq;
	uint64_t ino;
	int refs;
	/* a FIFO: its inode, and how many opens each side has seen, so that a
	 * blocked open knows its partner came (Linux's r_counter, w_counter) */
	bool fifo;
	uint64_t fifo_dev, fifo_ino;
	unsigned r_counter, w_counter;
	struct pipe *fifo_next;
};

static uint64_t next_ino = 1000;

/* The ends a file is: a FIFO opened O_RDWR is both. */
static bool reader(struct file *f)
{
	return (f->flags & O_ACCMODE) != O_WRONLY;
}

static bool writer(struct file *f)
{
	return (f->flags & O_ACCMODE) != O_RDONLY;
}

/*
 * Sleep (p->lock held, dropped meanwhile) on q until a wake; the caller
 * found it must wait and looks again.  -ERESTARTSYS if a signal came.
 * Queued before the lock is dropped, it misses no wake.
 */
static int pipe_sleep(struct task *t, struct pipe *p, struct waitq *q, uint32_t events)
{
	return task_sleep_on(t, q, events, &p->lock, NULL);
}

/*
 * Read from the pipe; how: PIPE_NOWAIT fails with EAGAIN instead of
 * sleeping (splice's SPLICE_F_NONBLOCK), PIPE_PEEK leaves the data in the
 * pipe (tee).
 */
ssize_t pipe_read_ext(struct task *t, struct file *f, void *buf, size_t len, int how)
{
	struct pipe *p = f->priv;
	bool was_full = false;
	size_t n = 0, head, left;
	int err = 0;

	pthread_mutex_lock(&p->lock);
	while (!p->len && p->writers && !err) {
		if ((f->flags & O_NONBLOCK) || (how & PIPE_NOWAIT))
			err = -EAGAIN;
		else
			err = pipe_sleep(t, p, &p->rd_wq, POLLIN | POLLHUP);
	}
	head = p->head;
	left = p->len;
	while (!err && n < len && left) {
		size_t chunk = p->cap - head < left ? p->cap - head : left;

		if (chunk > len - n)
			chunk = len - n;
		was_full |= p->cap - left < PIPE_BUF;
		memcpy((char *)buf + n, p->buf + head, chunk);
		head = (head + chunk) % p->cap;
		left -= chunk;
		n += chunk;
	}
	if (!(how & PIPE_PEEK)) {
		p->head = head;
		p->len = left;
		if (n && was_full)
			waitq_wake(&p->wr_wq, POLLOUT | POLLWRNORM);    /* room for writers again */
	}
	pthread_mutex_unlock(&p->lock);
	return n ? (ssize_t)n : err;
}

static ssize_t pipe_read(struct task *t, struct file *f, void *buf, size_t len, off_t *pos)
{
	(void)pos;
	return pipe_read_ext(t, f, buf, len, 0);
}

ssize_t pipe_write_ext(struct task *t, struct file *f, const void *buf, size_t len, int how)
{
	struct pipe *p = f->priv;
	size_t n = 0;
	int err = 0;

	pthread_mutex_lock(&p->lock);
	while (n < len && !err) {
		size_t space = p->cap - p->len, chunk;

		if (!p->readers) {
			err = -EPIPE;
			break;
		}
		/* up to PIPE_BUF bytes go in whole or not at all */
		if (!space || (len - n <= PIPE_BUF && space < len - n)) {
			if ((f->flags & O_NONBLOCK) || (how & PIPE_NOWAIT))
				err = -EAGAIN;
			else
				err = pipe_sleep(t, p, &p->wr_wq, POLLOUT | POLLERR);
			continue;
		}
		chunk = len - n < space ? len - n : space;
		for (size_t done = 0; done < chunk;) {
			size_t tail = (p->head + p->len) % p->cap;
			size_t k = p->cap - tail < chunk - done ? p->cap - tail : chunk - done;

			memcpy(p->buf + tail, (const char *)buf + n + done, k);
			p->len += k;
			done += k;
		}
		n += chunk;
		waitq_wake(&p->rd_wq, POLLIN | POLLRDNORM);
	}
	pthread_mutex_unlock(&p->lock);
	if (err == -EPIPE && !n)
		send_signal_tg(t->tg, SIGPIPE);
	return n ? (ssize_t)n : err;
}

static ssize_t pipe_write(struct task *t, struct file *f, const void *buf, size_t len,
			  off_t *pos)
{
	(void)pos;
	return pipe_write_ext(t, f, buf, len, 0);
}

bool pipe_same(struct file *a, struct file *b)
{
	return is_pipe(a) && is_pipe(b) && a->priv == b->priv;
}

static short pipe_poll(struct file *f, short events, struct poll_table *pt)
{
	struct pipe *p = f->priv;
	short r = 0;

	if (reader(f))
		poll_wait(pt, &p->rd_wq, (uint32_t)events | POLLHUP | POLLERR);
	if (writer(f))
		poll_wait(pt, &p->wr_wq, (uint32_t)events | POLLHUP | POLLERR);
	pthread_mutex_lock(&p->lock);
	if (reader(f)) {
		if (p->len)
			r |= POLLIN | POLLRDNORM;
		/* a FIFO no writer ever opened is not hung up (Linux's w_counter) */
		if (!p->writers && (!p->fifo || p->w_counter))
			r |= POLLHUP;
	}
	if (writer(f)) {
		if (p->cap - p->len >= PIPE_BUF)
			r |= POLLOUT | POLLWRNORM;
		if (!p->readers)
			r |= POLLERR;
	}
	pthread_mutex_unlock(&p->lock);
	return r & (events | POLLHUP | POLLERR);
}

static int pipe_fstat(struct file *f, struct stat *st)
{
	struct pipe *p = f->priv;

	memset(st, 0, sizeof(*st));
	st->st_mode = S_IFIFO | 0600;
	st->st_ino = p->ino;
	st->st_nlink = 1;
	st->st_blksize = 4096;
	st->st_dev = 0xc;               /* pipefs */
	return 0;
}

static long pipe_ioctl(struct task *t, struct file *f, unsigned cmd, uint64_t arg)
{
	struct pipe *p = f->priv;
	int n;

	if (cmd != FIONREAD)
		return -ENOTTY;
	pthread_mutex_lock(&p->lock);
	n = (int)p->len;
	pthread_mutex_unlock(&p->lock);
	return copy_to_user(t->tg->mm, arg, &n, sizeof(n));
}

static void fifo_unhash(struct pipe *p);

static void pipe_release(struct file *f)
{
	struct pipe *p = f->priv;
	bool last;

	if (p->fifo)
		fifo_unhash(p);         /* takes the table lock, then p->lock */
	pthread_mutex_lock(&p->lock);
	if (reader(f))
		p->readers--;
	if (writer(f))
		p->writers--;
	/* HUP or ERR for the other end */
	waitq_wake(&p->wr_wq, POLLHUP | POLLERR);
	waitq_wake(&p->rd_wq, POLLHUP | POLLERR);
	last = --p->refs == 0;
	pthread_mutex_unlock(&p->lock);
	if (last) {
		waitq_release(&p->rd_wq);
		waitq_release(&p->wr_wq);
		free(p->buf);
		free(p);
	}
}

static const struct file_ops pipe_ops = {
	.read = pipe_read,
	.write = pipe_write,
	.fstat = pipe_fstat,
	.ioctl = pipe_ioctl,
	.poll = pipe_poll,
	.release = pipe_release,
};

bool is_pipe(struct file *f)
{
	return f->ops == &pipe_ops;
}

/* ---------- FIFOs ---------- */

static pthread_mutex_t fifo_lock = PTHREAD_MUTEX_INITIALIZER;
static struct pipe *fifos;              /* the open FIFOs' pipes */

static struct pipe *pipe_alloc(void)
{
	struct pipe *p = calloc(1, sizeof(*p));

	if (!p || !(p->buf = malloc(PIPE_DEF_SIZE))) {
		free(p);
		return NULL;
	}
	pthread_mutex_init(&p->lock, NULL);
	waitq_init(&p->rd_wq);
	waitq_init(&p->wr_wq);
	p->cap = PIPE_DEF_SIZE;
	p->ino = __atomic_add_fetch(&next_ino, 1, __ATOMIC_RELAXED);
	return p;
}

/* The file being released holds the last reference: the FIFO's buffer goes
 * with it (Linux frees i_pipe when the last opener closes). */
static void fifo_unhash(struct pipe *p)
{
	pthread_mutex_lock(&fifo_lock);
	pthread_mutex_lock(&p->lock);
	if (p->refs == 1)
		for (struct pipe **pp = &fifos; *pp; pp = &(*pp)->fifo_next)
			if (*pp == p) {
				*pp = p->fifo_next;
				break;
			}
	pthread_mutex_unlock(&p->lock);
	pthread_mutex_unlock(&fifo_lock);
}

/* The pipe of FIFO ino, found or made, with a reference for one more open. */
static struct pipe *fifo_get(const struct inode *ino)
{
	struct pipe *p;

	pthread_mutex_lock(&fifo_lock);
	for (p = fifos; p; p = p->fifo_next)
		if (p->fifo_dev == ino->dev && p->fifo_ino == ino->ino)
			break;
	if (!p && (p = pipe_alloc())) {
		p->fifo = true;
		p->fifo_dev = ino->dev;
		p->fifo_ino = ino->ino;
		p->fifo_next = fifos;
		fifos = p;
	}
	if (p) {
		pthread_mutex_lock(&p->lock);
		p->refs++;
		pthread_mutex_unlock(&p->lock);
	}
	pthread_mutex_unlock(&fifo_lock);
	return p;
}

/* Wait (p->lock held) until *counter moves from seen: a partner opened. */
static int fifo_wait(struct task *t, struct pipe *p, const unsigned *counter, unsigned seen)
{
	int err = 0;

	while (*counter == seen && !err)
		err = pipe_sleep(t, p, &p->rd_wq, POLLIN | POLLOUT);
	return err;
}

/*
 * open(2) of a FIFO (Linux's fifo_open): readers wait for a writer unless
 * O_NONBLOCK; writers wait for a reader, or fail with ENXIO under
 * O_NONBLOCK; O_RDWR never waits.  Sets f's ops and priv.
 */
int fifo_open(struct inode *ino, struct file *f)
{
	struct task *t = current_task;
	struct pipe *p = fifo_get(ino);
	bool nonblock = f->flags & O_NONBLOCK;
	int err = 0;

	if (!p)
		return -ENOMEM;
	pthread_mutex_lock(&p->lock);
	if (reader(f)) {
		p->readers++;
		p->r_counter++;
	}
	if (writer(f)) {
		p->writers++;
		p->w_counter++;
	}
	/* both queues: a partner's open must reach a waiter of either side */
	waitq_wake(&p->rd_wq, POLLIN | POLLOUT);
	waitq_wake(&p->wr_wq, POLLIN | POLLOUT);
	if (reader(f) && !writer(f) && !p->writers && !nonblock)
		err = fifo_wait(t, p, &p->w_counter, p->w_counter);
	else if (writer(f) && !reader(f) && !p->readers)
		err = nonblock ? -ENXIO : fifo_wait(t, p, &p->r_counter, p->r_counter);
	pthread_mutex_unlock(&p->lock);
	f->ops = &pipe_ops;
	f->priv = p;
	if (err) {
		pipe_release(f);        /* undoes the counts above and the reference */
		f->ops = NULL;
		f->priv = NULL;
	}
	return err;
}

/* F_GETPIPE_SZ / F_SETPIPE_SZ */
long pipe_size(struct file *f, long set)
{
	struct pipe *p = f->priv;
	size_t cap;
	char *nb;
	long ret;

	pthread_mutex_lock(&p->lock);
	if (set < 0) {
		ret = (long)p->cap;
	} else if (set > (1L << 31)) {
		ret = -EINVAL;          /* Linux's round_pipe_size: no such size */
	} else if ((size_t)set > PIPE_MAX_SIZE) {
		ret = -EPERM;
	} else {
		for (cap = 4096; cap < (size_t)set; cap <<= 1)
			;
		if (cap < p->len) {
			ret = -EBUSY;
		} else if (!(nb = malloc(cap))) {
			ret = -ENOMEM;
		} else {
			for (size_t i = 0; i < p->len; i++)
				nb[i] = p->buf[(p->head + i) % p->cap];
			free(p->buf);
			p->buf = nb;
			p->head = 0;
			p->cap = cap;
			ret = (long)cap;
			waitq_wake(&p->wr_wq, POLLOUT | POLLWRNORM);
		}
	}
	pthread_mutex_unlock(&p->lock);
	return ret;
}

/* pipe(2)'s two ends of a new pipe; flags checked by the caller. */
int pipe_files_new(int flags, struct file **r, struct file **w)
{
	struct pipe *p = pipe_alloc();

	if (!p)
		return -ENOMEM;
	p->readers = p->writers = 1;
	p->refs = 2;
	*r = file_new(&pipe_ops, O_RDONLY | (flags & O_NONBLOCK), p);
	*w = file_new(&pipe_ops, O_WRONLY | (flags & (O_NONBLOCK | O_DIRECT)), p);
	if (!*r || !*w)
		return -ENOMEM;         /* leaks one small pipe on OOM: rare */
	return 0;
}
