/* SPDX-License-Identifier: MIT */
/*
 * Signal-driven I/O: O_ASYNC (FIOASYNC, F_SETFL), F_SETOWN/F_GETOWN,
 * F_SETSIG/F_GETSIG (Linux's fs/fcntl.c fown and kill_fasync).
 *
 * A file with O_ASYNC whose readiness has wait queues (pipes, FIFOs,
 * sentry sockets, eventfds...) is queued on them through its ->poll, as an
 * epoll item is; a wake-up then owes its owner SIGIO (or the F_SETSIG
 * signal, with si_fd and si_band).  The signal is not sent from the wake-up,
 * which runs under the woken object's locks, but from the waker's thread
 * once its system call is done (fasync_flush, called by the dispatcher and
 * by the timer thread), when it holds no lock.  Host-backed files (host
 * sockets, the tty) have no wait queue: O_ASYNC is kept on them but no
 * signal comes (documented in docs/vfs.md).
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>

#include "kernel/kernel.h"
#include "vfs/vfs.h"

#define FA_QUEUES 2

/* The owner and the subscription of one file; freed when neither the file
 * nor a pending signal refers to it. */
struct fasync {
	int refs;
	pthread_mutex_t lock;
	pid_t pid;                      /* > 0 a process, < 0 a process group, 0 none */
	int sig;                        /* F_SETSIG: 0 is SIGIO without si_fd */
	uint32_t uid, euid;             /* who set the owner (Linux's sigio_perm) */
	int fd;                         /* the fd O_ASYNC was set through: si_fd */
	struct wait_entry wait[FA_QUEUES];
	int nwait;
	uint32_t band;                  /* events owed a signal (atomic) */
	bool queued;                    /* on a thread's pending list (atomic) */
	struct fasync *next_pending;
};

static __thread struct fasync *pending;

static void fa_put(struct fasync *fa)
{
	if (fa && !__atomic_sub_fetch(&fa->refs, 1, __ATOMIC_ACQ_REL))
		free(fa);
}

/* The file's fasync, made on first use (f->fasync is set once, then kept). */
static struct fasync *fa_of(struct file *f)
{
	struct fasync *fa = __atomic_load_n(&f->fasync, __ATOMIC_ACQUIRE), *nfa;

	if (fa)
		return fa;
	if (!(nfa = calloc(1, sizeof(*nfa))))
		return NULL;
	nfa->refs = 1;
	pthread_mutex_init(&nfa->lock, NULL);
	if (!__atomic_compare_exchange_n(&f->fasync, &fa, nfa, false, __ATOMIC_ACQ_REL,
					 __ATOMIC_ACQUIRE)) {
		free(nfa);
		return fa;
	}
	return nfa;
}

/* A wake-up of a queue the file is on (the queue's lock held). */
static void fa_wake(struct wait_entry *e, uint32_t events)
{
	struct fasync *fa = e->priv;

	if (events == WQ_FREE)
		return;
	__atomic_or_fetch(&fa->band, events ? events : POLLIN, __ATOMIC_RELAXED);
	if (__atomic_exchange_n(&fa->queued, true, __ATOMIC_ACQ_REL))
		return;
	__atomic_add_fetch(&fa->refs, 1, __ATOMIC_RELAXED);
	fa->next_pending = pending;
	pending = fa;
}

struct fa_pt {
	struct poll_table pt;
	struct fasync *fa;
};

static void fa_queue(struct poll_table *pt, struct waitq *q, uint32_t events)
{
	struct fasync *fa = ((struct fa_pt *)pt)->fa;

	(void)events;
	if (fa->nwait >= FA_QUEUES)
		return;
	for (int i = 0; i < fa->nwait; i++)
		if (fa->wait[i].q == q)
			return;
	fa->wait[fa->nwait] = (struct wait_entry){ .func = fa_wake, .priv = fa };
	waitq_add(q, &fa->wait[fa->nwait++]);
}

static void fa_unsubscribe(struct fasync *fa)
{
	for (int i = 0; i < fa->nwait; i++)
		wait_entry_detach(&fa->wait[i]);        /* no fa_wake runs after this */
	fa->nwait = 0;
}

/* O_ASYNC turned on or off for f, through fd. */
int fasync_set(struct file *f, int fd, bool on)
{
	struct fasync *fa = on || f->fasync ? fa_of(f) : NULL;
	struct fa_pt fpt = { { fa_queue, NULL }, fa };

	if (!fa)
		return on ? -ENOMEM : 0;
	pthread_mutex_lock(&fa->lock);
	fa_unsubscribe(fa);
	fa->fd = fd;
	if (on && f->ops && f->ops->poll)
		f->ops->poll(f, POLLIN | POLLOUT | POLLPRI, &fpt.pt);
	pthread_mutex_unlock(&fa->lock);
	return 0;
}

/* F_SETOWN: a pid (> 0) or a process group (< 0), 0 to stop; creds of t. */
int fasync_setown(struct task *t, struct file *f, pid_t pid)
{
	struct fasync *fa = fa_of(f);

	if (!fa)
		return -ENOMEM;
	pthread_mutex_lock(&fa->lock);
	fa->pid = pid;
	fa->uid = t->tg->cred.uid;
	fa->euid = t->tg->cred.euid;
	pthread_mutex_unlock(&fa->lock);
	return 0;
}

pid_t fasync_getown(struct file *f)
{
	struct fasync *fa = __atomic_load_n(&f->fasync, __ATOMIC_ACQUIRE);

	return fa ? fa->pid : 0;
}

int fasync_setsig(struct file *f, int sig)
{
	struct fasync *fa;

	if (sig < 0 || sig > NSIG_LINUX)
		return -EINVAL;
	if (!(fa = fa_of(f)))
		return -ENOMEM;
	fa->sig = sig;
	return 0;
}

int fasync_getsig(struct file *f)
{
	struct fasync *fa = __atomic_load_n(&f->fasync, __ATOMIC_ACQUIRE);

	return fa ? fa->sig : 0;
}

/* The file's last reference is gone: no more wake-ups, and the file no
 * longer keeps its fasync (a pending signal may still). */
void fasync_release(struct file *f)
{
	struct fasync *fa = f->fasync;

	if (!fa)
		return;
	pthread_mutex_lock(&fa->lock);
	fa_unsubscribe(fa);
	pthread_mutex_unlock(&fa->lock);
	fa_put(fa);
}

/* Linux's sigio_perm: the owner's setter may signal tg. */
static bool sigio_perm(const struct fasync *fa, const struct thread_group *tg)
{
	const struct creds *c = &tg->cred;

	return fa->euid == 0 || fa->euid == c->suid || fa->euid == c->uid ||
	       fa->uid == c->suid || fa->uid == c->uid;
}

static int band_code(uint32_t band)
{
	return band & POLLMSG ? POLL_MSG : band & (POLLIN | POLLRDNORM) ? POLL_IN : band & (POLLOUT | POLLWRNORM) ? POLL_OUT :
	       band & POLLPRI ? POLL_PRI : band & POLLHUP ? POLL_HUP : POLL_ERR;
}

/* F_SETOWN's owner: a process (pid > 0) or a process group (-pgid) */
static bool owner_match(struct thread_group *tg, const void *arg)
{
	pid_t pid = *(const pid_t *)arg;

	return !tg->zombie && ((pid > 0 && tg->pid == pid) || (pid < 0 && tg->pgid == -pid));
}

/* Signal fa's owner of band, si_fd fd (no lock held by the caller). */
static void fa_signal(struct fasync *fa, int fd, uint32_t band)
{
	struct thread_group **found;
	siginfo_t si = { .si_signo = fa->sig ? fa->sig : SIGIO };
	int n;

	if (!fa->pid || !band)
		return;
	if (fa->sig) {                  /* queued with its details, as send_sigio_to_task */
		si.si_code = band_code(band);
		si.si_fd = fd;
		si.si_band = band;
	} else {
		si.si_code = SI_KERNEL;
	}
	found = tgs_collect(owner_match, &fa->pid, &n);
	for (int i = 0; i < n; i++)
		if (sigio_perm(fa, found[i]))
			send_signal_info(found[i], NULL, &si);
	tgs_put(found, n);
}

/* Send what fa owes. */
static void fa_send(struct fasync *fa)
{
	fa_signal(fa, fa->fd, __atomic_exchange_n(&fa->band, 0, __ATOMIC_ACQ_REL));
}

/*
 * A signal owed now rather than by a wake-up (a lease's break: Linux's
 * kill_fasync(POLL_MSG) on the lease's own fasync): to f's owner, with
 * fd as si_fd.  No lock held by the caller.
 */
void fasync_notify(struct file *f, int fd, uint32_t band)
{
	struct fasync *fa = __atomic_load_n(&f->fasync, __ATOMIC_ACQUIRE);

	if (fa)
		fa_signal(fa, fd, band);
}

bool fasync_pending(void)
{
	return pending != NULL;
}

void fasync_flush(void)
{
	while (pending) {
		struct fasync *fa = pending;

		pending = fa->next_pending;
		__atomic_store_n(&fa->queued, false, __ATOMIC_RELEASE);
		fa_send(fa);
		fa_put(fa);
	}
}
