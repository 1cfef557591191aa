/* SPDX-License-Identifier: MIT */
/*
 * Pseudo-terminal pairs, as Linux's drivers/tty/pty.c makes them (and
 * gVisor's fsimpl/devpts): opening /dev/ptmx makes a master, whose slave
 * is /dev/pts/N in the same devpts (fs/devpts.c).  What the master writes
 * goes through the line discipline (fs/n_tty.c) to the slave's readers;
 * what the slave writes goes through it to the master's.  The slave is a
 * terminal with job control (kernel/tty.c): a session's controlling
 * terminal, whose foreground group gets the signals of ISIG and whose
 * background groups get SIGTTIN and SIGTTOU.
 *
 * Closing the master hangs the slave up (tty_vhangup): its reads blocked
 * then end with EIO, later ones with 0, writes fail with EIO, and the
 * session's leader gets SIGHUP.  Closing the last slave makes the master's
 * reads end with EIO once the output is read (TTY_OTHER_CLOSED).
 *
 * One lock per pair guards both sides and the line discipline; every
 * change wakes the waiters of both sides, which look again.  Signals and
 * calls into kernel/tty.c are made with the lock dropped (kernel/tty.c
 * calls the pair's /dev/tty open under its own lock).
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include "fs/tty.h"
#include "kernel/tty.h"
#include "mm/mm.h"
#include "vfs/vfs.h"

struct pty {
	pthread_mutex_t lock;
	int refs;                       /* the master and each slave file */
	int index;                      /* N of /dev/pts/N */
	struct devpts *fs;
	bool locked;                    /* TIOCSPTLCK: the slave cannot be opened */
	bool hung_up;                   /* the master closed */
	int slaves;                     /* open slave files */
	bool other_closed;              /* the last slave closed (master reads EIO) */
	struct n_tty ld;
	struct waitq master_wq, slave_wq;
	struct tty_job job;             /* the slave's session and foreground group */
};

static const struct file_ops ptm_ops, pts_ops;

static void pty_wake(struct pty *p)
{
	waitq_wake(&p->master_wq, 0);
	waitq_wake(&p->slave_wq, 0);
}

static void pty_put(struct pty *p)
{
	bool last;

	pthread_mutex_lock(&p->lock);
	last = --p->refs == 0;
	pthread_mutex_unlock(&p->lock);
	if (!last)
		return;
	waitq_release(&p->master_wq);
	waitq_release(&p->slave_wq);
	pthread_mutex_destroy(&p->lock);
	free(p);
}

/* /dev/tty of a process whose controlling terminal is this slave. */
static int pty_job_open(struct tty_job *j, struct file *f)
{
	struct pty *p = (struct pty *)((char *)j - offsetof(struct pty, job));

	return pty_open_slave(p, f);
}

struct pty *pty_new(struct devpts *fs, int index)
{
	struct pty *p = calloc(1, sizeof(*p));

	if (!p)
		return NULL;
	pthread_mutex_init(&p->lock, NULL);
	p->index = index;
	p->fs = fs;
	p->locked = true;               /* until unlockpt(), as Linux */
	n_tty_init(&p->ld);
	waitq_init(&p->master_wq);
	waitq_init(&p->slave_wq);
	p->job.open = pty_job_open;
	return p;
}

int pty_index(const struct pty *p)
{
	return p->index;
}

struct tty_job *pty_job(struct pty *p)
{
	return &p->job;
}

struct devpts *pty_devpts(const struct pty *p)
{
	return p->fs;
}

int pty_open_master(struct pty *p, struct file *f)
{
	pthread_mutex_lock(&p->lock);
	p->refs++;
	pthread_mutex_unlock(&p->lock);
	f->ops = &ptm_ops;
	f->priv = p;
	tty_job_add(&p->job);
	return 0;
}

int pty_open_slave(struct pty *p, struct file *f)
{
	int err = 0;

	pthread_mutex_lock(&p->lock);
	if (p->hung_up || p->locked) {
		err = -EIO;
	} else {
		p->refs++;
		p->slaves++;
		p->other_closed = false;
		f->ops = &pts_ops;
		f->priv = p;
	}
	pthread_mutex_unlock(&p->lock);
	return err;
}

/* Sleep on q (p->lock held, dropped meanwhile) until a change or deadline. */
static int pty_sleep(struct task *t, struct pty *p, struct waitq *q,
		     const struct timespec *deadline)
{
	return task_sleep_on(t, q, 0, &p->lock, deadline);
}

/* --- the master -------------------------------------------------------- */

static ssize_t ptm_read(struct task *t, struct file *f, void *buf, size_t len, off_t *pos)
{
	struct pty *p = f->priv;
	ssize_t ret;

	(void)pos;
	pthread_mutex_lock(&p->lock);
	for (;;) {
		ret = (ssize_t)n_tty_out_read(&p->ld, buf, len);
		if (ret || !len) {
			pty_wake(p);            /* room for the slave's writes */
			break;
		}
		if (p->other_closed) {
			ret = -EIO;
			break;
		}
		if (f->flags & O_NONBLOCK) {
			ret = -EAGAIN;
			break;
		}
		if ((ret = pty_sleep(t, p, &p->master_wq, NULL)))
			break;
	}
	pthread_mutex_unlock(&p->lock);
	return ret;
}

/* The signals ISIG raised, to the slave's foreground group. */
static void send_sigs(struct pty *p, uint64_t sigs)
{
	for (int sig = 1; sigs; sig++)
		if (sigs & SIGBIT(sig)) {
			sigs &= ~SIGBIT(sig);
			tty_signal_fg(&p->job, sig);
		}
}

/*
 * A write into the pair: step takes what it can of the bytes (the lock
 * held), or fails; the writer sleeps on q while nothing more fits, as
 * tty_write does, until all is taken (or O_NONBLOCK, or a signal).
 */
typedef long (*pty_step)(struct pty *p, const unsigned char *b, size_t n, uint64_t *sigs);

static ssize_t pty_feed(struct task *t, struct file *f, struct waitq *q, const void *buf,
			size_t len, pty_step step, uint64_t *sigs)
{
	struct pty *p = f->priv;
	size_t done = 0;
	long err = 0;

	pthread_mutex_lock(&p->lock);
	while (done < len && !err) {
		long k = step(p, (const unsigned char *)buf + done, len - done, sigs);

		if (k < 0) {
			err = k;
			break;
		}
		done += (size_t)k;
		if (k)
			pty_wake(p);
		if (done == len)
			break;
		if (f->flags & O_NONBLOCK)
			err = -EAGAIN;
		else
			err = pty_sleep(t, p, q, NULL);
	}
	pthread_mutex_unlock(&p->lock);
	return done ? (ssize_t)done : err;
}

/* The master's bytes are the slave's input, through the line discipline. */
static long receive_step(struct pty *p, const unsigned char *b, size_t n, uint64_t *sigs)
{
	return (long)n_tty_receive(&p->ld, b, n, sigs);
}

static ssize_t ptm_write(struct task *t, struct file *f, const void *buf, size_t len,
			 off_t *pos)
{
	struct pty *p = f->priv;
	uint64_t sigs = 0;
	ssize_t ret = pty_feed(t, f, &p->master_wq, buf, len, receive_step, &sigs);

	(void)pos;
	send_sigs(p, sigs);
	return ret;
}

static short ptm_poll(struct file *f, short events, struct poll_table *pt)
{
	struct pty *p = f->priv;
	short r = 0;

	poll_wait(pt, &p->master_wq, (uint32_t)events | POLLHUP | POLLERR);
	pthread_mutex_lock(&p->lock);
	if (p->ld.out_len)
		r |= POLLIN | POLLRDNORM;
	if (p->other_closed)
		r |= POLLHUP;
	if (n_tty_receive_room(&p->ld))
		r |= POLLOUT | POLLWRNORM;
	pthread_mutex_unlock(&p->lock);
	return r & (events | POLLHUP | POLLERR);
}

static void ptm_release(struct file *f)
{
	struct pty *p = f->priv;

	pthread_mutex_lock(&p->lock);
	p->hung_up = true;
	pty_wake(p);
	pthread_mutex_unlock(&p->lock);
	devpts_kill(p);
	tty_hangup(&p->job);
	tty_job_del(&p->job);
	pty_put(p);
}

/* --- the slave --------------------------------------------------------- */

/* Raw mode's VMIN and VTIME (n_tty_read): how many bytes end a read, and
 * the timer between bytes (0: none), in deciseconds. */
static void raw_limits(const struct n_tty *l, size_t len, size_t *min, unsigned *time)
{
	*min = l->tio.c_cc[VMIN] < len ? l->tio.c_cc[VMIN] : len;
	*time = l->tio.c_cc[VTIME];
}

static ssize_t pts_read(struct task *t, struct file *f, void *buf, size_t len, off_t *pos)
{
	struct pty *p = f->priv;
	size_t got = 0, min = 1;
	unsigned time = 0;
	struct timespec deadline, *dl = NULL;
	long err = tty_check_change(t, &p->job, SIGTTIN);

	(void)pos;
	if (err)
		return err;
	pthread_mutex_lock(&p->lock);
	if (p->hung_up) {
		pthread_mutex_unlock(&p->lock);
		return 0;               /* hung_up_tty_read */
	}
	for (;;) {
		bool canon = p->ld.tio.c_lflag & ICANON;

		if (!canon)
			raw_limits(&p->ld, len, &min, &time);
		if (n_tty_readable(&p->ld)) {
			got += n_tty_read(&p->ld, (unsigned char *)buf + got, len - got);
			pty_wake(p);
			if (canon || got >= min || got == len)
				break;
			if (time) {             /* the timer runs between bytes */
				deadline = ts_deadline(&(struct timespec){ time / 10,
									   (time % 10) * 100000000L });
				dl = &deadline;
			}
			continue;
		}
		if (!canon && !min && !time)
			break;                  /* VMIN 0, VTIME 0: what there is */
		if (p->hung_up) {
			err = -EIO;
			break;
		}
		if (f->flags & O_NONBLOCK) {
			err = -EAGAIN;
			break;
		}
		if (!canon && !min && time && !dl) {
			deadline = ts_deadline(&(struct timespec){ time / 10,
								   (time % 10) * 100000000L });
			dl = &deadline;
		}
		err = pty_sleep(t, p, &p->slave_wq, dl);
		if (err == -ETIMEDOUT) {
			err = 0;
			break;
		}
		/* a hang-up, or input, that came with a signal wins (n_tty_read
		 * looks at them before signal_pending) */
		if (err && !p->hung_up && !n_tty_readable(&p->ld))
			break;
		err = 0;
	}
	pthread_mutex_unlock(&p->lock);
	return got ? (ssize_t)got : err;
}

/* The slave's bytes are its output (OPOST), until the hang-up. */
static long output_step(struct pty *p, const unsigned char *b, size_t n, uint64_t *sigs)
{
	(void)sigs;
	return p->hung_up ? -EIO : (long)n_tty_write(&p->ld, b, n);
}

static ssize_t pts_write(struct task *t, struct file *f, const void *buf, size_t len,
			 off_t *pos)
{
	struct pty *p = f->priv;
	long err = 0;

	(void)pos;
	if (p->ld.tio.c_lflag & TOSTOP)
		err = tty_check_change(t, &p->job, SIGTTOU);
	return err ? err : pty_feed(t, f, &p->slave_wq, buf, len, output_step, NULL);
}

static short pts_poll(struct file *f, short events, struct poll_table *pt)
{
	struct pty *p = f->priv;
	short r = 0;

	poll_wait(pt, &p->slave_wq, (uint32_t)events | POLLHUP | POLLERR);
	pthread_mutex_lock(&p->lock);
	if (p->hung_up)                 /* hung_up_tty_poll */
		r = POLLIN | POLLOUT | POLLERR | POLLHUP | POLLRDNORM | POLLWRNORM;
	else {
		if (n_tty_readable(&p->ld))
			r |= POLLIN | POLLRDNORM;
		if (n_tty_write_room(&p->ld))
			r |= POLLOUT | POLLWRNORM;
	}
	pthread_mutex_unlock(&p->lock);
	return r & (events | POLLHUP | POLLERR);
}

static void pts_release(struct file *f)
{
	struct pty *p = f->priv;

	pthread_mutex_lock(&p->lock);
	if (--p->slaves == 0) {
		p->other_closed = true;
		pty_wake(p);
	}
	pthread_mutex_unlock(&p->lock);
	pty_put(p);
}

/* --- ioctls, of both sides ----------------------------------------------- */

static long get_termios(struct task *t, struct pty *p, uint64_t arg, bool two)
{
	struct k_termios2 v = { .c_ispeed = 38400, .c_ospeed = 38400 };

	pthread_mutex_lock(&p->lock);
	v.t = p->ld.tio;
	pthread_mutex_unlock(&p->lock);
	return copy_to_user(t->tg->mm, arg, &v, two ? sizeof(v) : sizeof(v.t));
}

static long set_termios(struct task *t, struct pty *p, unsigned cmd, uint64_t arg,
			bool two)
{
	struct k_termios2 v;
	long err = tty_check_change(t, &p->job, SIGTTOU);

	if (err)
		return err;
	if (copy_from_user(t->tg->mm, &v, arg, two ? sizeof(v) : sizeof(v.t)))
		return -EFAULT;
	pthread_mutex_lock(&p->lock);
	if (cmd == TCSETSF || cmd == K_TCSETSF2)
		n_tty_flush(&p->ld, TCIFLUSH);
	n_tty_set_termios(&p->ld, &v.t);
	pty_wake(p);
	pthread_mutex_unlock(&p->lock);
	return 0;
}

/* TIOCSWINSZ: a change is SIGWINCH to the foreground group (tiocswinsz). */
static long set_winsize(struct task *t, struct pty *p, uint64_t arg)
{
	struct winsize ws;
	bool changed;

	if (copy_from_user(t->tg->mm, &ws, arg, sizeof(ws)))
		return -EFAULT;
	pthread_mutex_lock(&p->lock);
	changed = memcmp(&ws, &p->ld.ws, sizeof(ws)) != 0;
	p->ld.ws = ws;
	pthread_mutex_unlock(&p->lock);
	if (changed)
		tty_signal_fg(&p->job, SIGWINCH);
	return 0;
}

/* TCFLSH and TCXONC; on the master, its input is the slave's output. */
static long flow(struct task *t, struct pty *p, bool master, unsigned cmd, int arg)
{
	long err = tty_check_change(t, &p->job, SIGTTOU);

	if (err)
		return err;
	if (cmd == TCFLSH && (arg < TCIFLUSH || arg > TCIOFLUSH))
		return -EINVAL;
	if (cmd == TCXONC && (arg < TCOOFF || arg > TCION))
		return -EINVAL;
	pthread_mutex_lock(&p->lock);
	if (cmd == TCFLSH)
		n_tty_flush(&p->ld, master && arg != TCIOFLUSH ? TCIFLUSH + TCOFLUSH - arg : arg);
	else if (arg == TCOOFF || arg == TCOON)
		p->ld.stopped = arg == TCOOFF;
	pty_wake(p);
	pthread_mutex_unlock(&p->lock);
	return 0;
}

static long int_out(struct task *t, uint64_t arg, int v)
{
	return copy_to_user(t->tg->mm, arg, &v, sizeof(v));
}

static long pty_ioctl(struct task *t, struct pty *p, bool master, unsigned cmd, uint64_t arg)
{
	long err = tty_job_ioctl(t, &p->job, master, cmd, arg);
	int n;

	if (err != -ENOIOCTLCMD)
		return err;
	switch (cmd) {
	case TCGETS: case K_TCGETS2:
		return get_termios(t, p, arg, cmd == K_TCGETS2);
	case TCSETS: case TCSETSW: case TCSETSF:
		return set_termios(t, p, cmd, arg, false);
	case K_TCSETS2: case K_TCSETSW2: case K_TCSETSF2:
		return set_termios(t, p, cmd, arg, true);
	case TIOCGWINSZ:
		pthread_mutex_lock(&p->lock);
		struct winsize ws = p->ld.ws;
		pthread_mutex_unlock(&p->lock);
		return copy_to_user(t->tg->mm, arg, &ws, sizeof(ws));
	case TIOCSWINSZ:
		return set_winsize(t, p, arg);
	case FIONREAD: case TIOCOUTQ:
		pthread_mutex_lock(&p->lock);
		n = (int)(master == (cmd == FIONREAD) ? p->ld.out_len
			  : cmd == FIONREAD ? n_tty_inq(&p->ld) : 0);
		pthread_mutex_unlock(&p->lock);
		return int_out(t, arg, n);
	case TCFLSH: case TCXONC:
		return flow(t, p, master, cmd, (int)arg);
	case TCSBRK: case TCSBRKP: case TIOCSBRK: case TIOCCBRK:
		return 0;               /* nothing waits to be sent; no line to break */
	case TIOCEXCL: case TIOCNXCL:
		return 0;               /* kept by Linux for non-root opens only */
	case TIOCGETD:
		return int_out(t, arg, 0);      /* N_TTY */
	case TIOCSETD:
		if (copy_from_user(t->tg->mm, &n, arg, sizeof(n)))
			return -EFAULT;
		return n == 0 ? 0 : -EINVAL;
	}
	return -ENOTTY;
}

/* TIOCGPTPEER: the slave, opened through the master's devpts. */
static long open_peer(struct task *t, struct file *f, struct pty *p, int flags)
{
	struct dentry *d;
	struct file *nf;
	int err;

	if (flags & ~(O_ACCMODE | O_NOCTTY | O_NONBLOCK | O_CLOEXEC))
		return -EINVAL;
	if ((err = devpts_peer_dentry(f, p->index, &d)))
		return err;
	nf = file_alloc(d, d->inode, flags & ~O_CLOEXEC);
	dentry_put(d);
	if (!nf)
		return -ENOMEM;
	err = nf->inode->ops->open(nf->inode, nf);
	if (err) {
		nf->ops = NULL;
		file_put(nf);
		return err;
	}
	nf->flags &= ~O_NOCTTY;
	return fd_install_new(t, nf, flags & O_CLOEXEC);
}

static long ptm_ioctl(struct task *t, struct file *f, unsigned cmd, uint64_t arg)
{
	struct pty *p = f->priv;
	int v;

	switch (cmd) {
	case TIOCGPTN:
		return int_out(t, arg, p->index);
	case TIOCSPTLCK:
		if (copy_from_user(t->tg->mm, &v, arg, sizeof(v)))
			return -EFAULT;
		pthread_mutex_lock(&p->lock);
		p->locked = v != 0;
		pthread_mutex_unlock(&p->lock);
		return 0;
	case TIOCGPTLCK:
		pthread_mutex_lock(&p->lock);
		v = p->locked;
		pthread_mutex_unlock(&p->lock);
		return int_out(t, arg, v);
	case TIOCGPTPEER:
		return open_peer(t, f, p, (int)arg);
	}
	return pty_ioctl(t, p, true, cmd, arg);
}

static long pts_ioctl(struct task *t, struct file *f, unsigned cmd, uint64_t arg)
{
	struct pty *p = f->priv;
	bool hung;

	pthread_mutex_lock(&p->lock);
	hung = p->hung_up;
	pthread_mutex_unlock(&p->lock);
	if (hung)                       /* hung_up_tty_ioctl */
		return cmd == TIOCSPGRP ? -ENOTTY : -EIO;
	return pty_ioctl(t, p, false, cmd, arg);
}

static const struct file_ops ptm_ops = {
	.read = ptm_read,
	.write = ptm_write,
	.ioctl = ptm_ioctl,
	.poll = ptm_poll,
	.release = ptm_release,
};

static const struct file_ops pts_ops = {
	.read = pts_read,
	.write = pts_write,
	.ioctl = pts_ioctl,
	.poll = pts_poll,
	.release = pts_release,
};
