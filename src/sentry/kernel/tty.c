/* SPDX-License-Identifier: MIT */
/*
 * Job control of terminals, as Linux's tty layer keeps it
 * (drivers/tty/tty_jobctrl.c): for each terminal, the session it is the
 * controlling terminal of and that session's foreground process group.
 * The terminals are the sandbox's own (the console: a host fd, whose line
 * discipline is the host's) and the pty slaves of fs/pty.c, whose line
 * discipline is the sentry's (fs/n_tty.c).
 *
 * The host terminal's own foreground group is the CLI's (cvisor do) or the
 * sentry's (a container's pty), never an application's, so the sentry
 * keeps the console's here too: tcsetpgrp in the sandbox sets it, and the
 * signals the host's line discipline raises (Ctrl-C, Ctrl-\, Ctrl-Z,
 * SIGWINCH) for the CLI or the sentry are sent from here to that group, as
 * n_tty sends them (docs/processes.md, Terminals).
 *
 * A process has a terminal as its controlling terminal when it is in the
 * terminal's session (Linux keeps it per process and drops it at
 * setsid(), which is what a different session id says here).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>

#include "kernel/tty.h"
#include "mm/mm.h"

#define SIG_IGN_H 1
#define CAP_SYS_ADMIN 21

static pthread_mutex_t tty_lock = PTHREAD_MUTEX_INITIALIZER;
static struct tty_job console_job = { .sid = 1, .pgrp = 1 };   /* init's session and group */
static struct tty_job *ttys = &console_job;
static int console_fd = -1;    /* the sandbox's terminal, or -1 */

struct tty_job *tty_console(void)
{
	return &console_job;
}

void tty_set_console(int host_fd)
{
	pthread_mutex_lock(&tty_lock);
	if (console_fd < 0)
		console_fd = host_fd;
	pthread_mutex_unlock(&tty_lock);
}

int tty_console_fd(struct thread_group *tg)
{
	int fd;

	pthread_mutex_lock(&tty_lock);
	fd = console_job.sid && console_job.sid == tg->sid ? console_fd : -1;
	pthread_mutex_unlock(&tty_lock);
	return fd;
}

void tty_job_add(struct tty_job *j)
{
	pthread_mutex_lock(&tty_lock);
	j->next = ttys;
	ttys = j;
	pthread_mutex_unlock(&tty_lock);
}

void tty_job_del(struct tty_job *j)
{
	pthread_mutex_lock(&tty_lock);
	for (struct tty_job **pp = &ttys; *pp; pp = &(*pp)->next)
		if (*pp == j) {
			*pp = j->next;
			break;
		}
	j->sid = j->pgrp = 0;
	pthread_mutex_unlock(&tty_lock);
}

/* tg's controlling terminal (tty_lock held), or NULL. */
static struct tty_job *ctty_of(struct thread_group *tg)
{
	for (struct tty_job *j = ttys; j; j = j->next)
		if (j->sid && j->sid == tg->sid)
			return j;
	return NULL;
}

int tty_open_current(struct task *t, struct file *f)
{
	struct tty_job *j;
	int err = -ENXIO;

	pthread_mutex_lock(&tty_lock);
	j = ctty_of(t->tg);
	if (j && j->open)
		err = j->open(j, f);
	pthread_mutex_unlock(&tty_lock);
	return err;
}

/* Is there a process in group pgrp: 0, -ESRCH if none, -EPERM if it is
 * of another session than sid. */
static int pgrp_in_session(pid_t pgrp, pid_t sid)
{
	int err = -ESRCH;

	pthread_mutex_lock(&sandbox.lock);
	for (struct thread_group *tg = sandbox.tgs; tg && err; tg = tg->next_tg)
		if (!tg->zombie && tg->pgid == pgrp)
			err = tg->sid == sid ? 0 : -EPERM;
	pthread_mutex_unlock(&sandbox.lock);
	return err;
}

/*
 * Linux's will_become_orphaned_pgrp(): as it will be once gone (not
 * NULL) has exited, whose children then have no parent here.  cvisor
 * do's init stands for a host process (docs/processes.md), whose parent
 * (the shell that ran cvisor) links its group; a container's init is a
 * session of its own (runc's setsid), whose parent is in another.
 */
static bool orphaned_locked(pid_t pgrp, struct thread_group *gone)
{
	for (struct thread_group *tg = sandbox.tgs; tg; tg = tg->next_tg) {
		if (tg->zombie || tg == gone || tg->pgid != pgrp ||
		    (gone && tg->ppid == gone->pid))
			continue;
		if (tg == sandbox.init && !sandbox.container)
			return false;
		for (struct thread_group *p = sandbox.tgs; p; p = p->next_tg)
			if (p->pid == tg->ppid && !p->zombie) {
				if (p->pgid != pgrp && p->sid == tg->sid)
					return false;
				break;
			}
	}
	return true;
}

bool pgrp_orphaned(pid_t pgrp)
{
	bool orphaned;

	pthread_mutex_lock(&sandbox.lock);
	orphaned = orphaned_locked(pgrp, NULL);
	pthread_mutex_unlock(&sandbox.lock);
	return orphaned;
}

static bool has_stopped_jobs(pid_t pgrp)
{
	for (struct thread_group *tg = sandbox.tgs; tg; tg = tg->next_tg)
		if (!tg->zombie && tg->pgid == pgrp && tg->stopped)
			return true;
	return false;
}

/*
 * The groups tg's exit orphans (its own, if its parent was its link to
 * the session; its children's, if it was theirs) that have a stopped
 * member: in *out, as Linux's kill_orphaned_pgrp() finds them.
 */
static int orphaned_by_exit(struct thread_group *tg, pid_t *out, int max)
{
	int n = 0;

	pthread_mutex_lock(&sandbox.lock);
	for (struct thread_group *c = sandbox.tgs; c && n < max; c = c->next_tg) {
		bool link = (c->pid == tg->ppid && c->pgid != tg->pgid && c->sid == tg->sid) ||
			    (c->ppid == tg->pid && !c->zombie && c->pgid != tg->pgid &&
			     c->sid == tg->sid);
		pid_t pgrp = c->pid == tg->ppid ? tg->pgid : c->pgid;
		bool seen = false;

		for (int i = 0; i < n; i++)
			seen |= out[i] == pgrp;
		if (link && !seen && has_stopped_jobs(pgrp) && orphaned_locked(pgrp, tg))
			out[n++] = pgrp;
	}
	pthread_mutex_unlock(&sandbox.lock);
	return n;
}

static bool in_pgrp(struct thread_group *tg, const void *pgrp)
{
	return !tg->zombie && tg->pgid == *(const pid_t *)pgrp;
}

/* kill_pgrp() from the kernel (SI_KERNEL), as the tty layer sends. */
static void kill_pgrp(pid_t pgrp, int sig)
{
	struct thread_group **v;
	int n;

	if (pgrp <= 0)
		return;
	v = tgs_collect(in_pgrp, &pgrp, &n);
	for (int i = 0; i < n; i++)
		send_signal_tg(v[i], sig);
	tgs_put(v, n);
}

static pid_t fg_of(struct tty_job *j)
{
	pid_t pgrp;

	pthread_mutex_lock(&tty_lock);
	pgrp = j->sid ? j->pgrp : 0;
	pthread_mutex_unlock(&tty_lock);
	return pgrp;
}

void tty_signal_fg(struct tty_job *j, int sig)
{
	kill_pgrp(fg_of(j), sig);
}

bool tty_background(struct task *t, struct tty_job *j)
{
	bool bg;

	pthread_mutex_lock(&tty_lock);
	bg = j->sid && j->sid == t->tg->sid && j->pgrp && j->pgrp != t->tg->pgid;
	pthread_mutex_unlock(&tty_lock);
	return bg;
}

long tty_check_change(struct task *t, struct tty_job *j, int sig)
{
	struct thread_group *tg = t->tg;

	if (!tty_background(t, j))
		return 0;
	if ((t->sigmask & SIGBIT(sig)) || sig_handler(tg, sig) == SIG_IGN_H)
		return sig == SIGTTIN ? -EIO : 0;
	if (pgrp_orphaned(tg->pgid))
		return -EIO;
	kill_pgrp(tg->pgid, sig);
	return -ERESTARTSYS;
}

/* TIOCSPGRP (tcsetpgrp): a group of the caller's session, of its terminal. */
static long set_pgrp(struct task *t, struct tty_job *j, uint64_t arg)
{
	long err = tty_check_change(t, j, SIGTTOU);
	pid_t pgrp;

	if (err)
		return err == -EIO ? -ENOTTY : err;
	if (copy_from_user(t->tg->mm, &pgrp, arg, sizeof(pgrp)))
		return -EFAULT;
	if (pgrp < 0)
		return -EINVAL;
	if ((err = pgrp_in_session(pgrp, t->tg->sid)))
		return err;
	pthread_mutex_lock(&tty_lock);
	if (!j->sid || j->sid != t->tg->sid)
		err = -ENOTTY;
	else
		j->pgrp = pgrp;
	pthread_mutex_unlock(&tty_lock);
	return err;
}

/*
 * TIOCSCTTY: a session leader without a terminal takes it if no session
 * has it, or (steal, with CAP_SYS_ADMIN) from the one that has.
 */
static long set_ctty(struct thread_group *tg, struct tty_job *j, bool steal)
{
	long err = 0;

	pthread_mutex_lock(&tty_lock);
	if (tg->pid == tg->sid && j->sid == tg->sid)
		goto out;               /* already ours */
	if (tg->pid != tg->sid || ctty_of(tg))
		err = -EPERM;
	else if (j->sid && !(steal && capable(&tg->cred, CAP_SYS_ADMIN)))
		err = -EPERM;
	else
		j->sid = tg->sid, j->pgrp = tg->pgid;
out:
	pthread_mutex_unlock(&tty_lock);
	return err;
}

/* TIOCNOTTY: the session leader gives the terminal up, and its foreground
 * group gets SIGHUP and SIGCONT (disassociate_ctty); for another process
 * it is a no-op here (Linux drops it for that process only). */
static long notty(struct thread_group *tg, struct tty_job *j)
{
	pid_t pgrp = 0;
	long err = 0;

	pthread_mutex_lock(&tty_lock);
	if (!j->sid || j->sid != tg->sid) {
		err = -ENOTTY;
	} else if (tg->pid == tg->sid) {
		pgrp = j->pgrp;
		j->sid = j->pgrp = 0;
	}
	pthread_mutex_unlock(&tty_lock);
	kill_pgrp(pgrp, SIGHUP);
	kill_pgrp(pgrp, SIGCONT);
	return err;
}

/* TIOCGPGRP, TIOCGSID: ENOTTY unless it is the caller's terminal (or asked
 * through the pty's master); no session: 0 and ENOTTY, as Linux. */
static long get_ids(struct task *t, struct tty_job *j, bool master, bool want_sid,
		    uint64_t arg)
{
	long err = 0;
	pid_t v = 0;

	pthread_mutex_lock(&tty_lock);
	if (!master && (!j->sid || j->sid != t->tg->sid))
		err = -ENOTTY;
	else if (want_sid && !j->sid)
		err = -ENOTTY;
	else
		v = want_sid ? j->sid : j->sid ? j->pgrp : 0;
	pthread_mutex_unlock(&tty_lock);
	return err ? err : copy_to_user(t->tg->mm, arg, &v, sizeof(v));
}

long tty_job_ioctl(struct task *t, struct tty_job *j, bool master, unsigned cmd,
		   uint64_t arg)
{
	switch (cmd) {
	case TIOCGPGRP: case TIOCGSID:
		return get_ids(t, j, master, cmd == TIOCGSID, arg);
	case TIOCSPGRP:
		return set_pgrp(t, j, arg);
	case TIOCSCTTY:
		return set_ctty(t->tg, j, arg == 1);
	case TIOCNOTTY:
		return master ? -ENOTTY : notty(t->tg, j);
	}
	return -ENOIOCTLCMD;
}

void tty_open_set_ctty(struct task *t, struct tty_job *j)
{
	struct thread_group *tg = t->tg;

	pthread_mutex_lock(&tty_lock);
	if (tg->pid == tg->sid && !j->sid && !ctty_of(tg))
		j->sid = tg->sid, j->pgrp = tg->pgid;
	pthread_mutex_unlock(&tty_lock);
}

/* j is nobody's terminal any more (tty_lock held); returns whose it was. */
static pid_t hangup_locked(struct tty_job *j)
{
	pid_t sid = j->sid;

	j->sid = j->pgrp = 0;
	return sid;
}

/* The hung-up session's leader gets SIGHUP and SIGCONT (tty_signal_session_leader). */
static void signal_leader(pid_t sid)
{
	struct thread_group *leader = sid ? tg_find(sid) : NULL;

	if (leader) {
		send_signal_tg(leader, SIGHUP);
		send_signal_tg(leader, SIGCONT);
		tg_put(leader);
	}
}

void tty_hangup(struct tty_job *j)
{
	pid_t sid;

	pthread_mutex_lock(&tty_lock);
	sid = hangup_locked(j);
	pthread_mutex_unlock(&tty_lock);
	signal_leader(sid);
}

void tty_vhangup_self(struct thread_group *tg)
{
	struct tty_job *j;
	pid_t sid = 0;

	pthread_mutex_lock(&tty_lock);
	j = ctty_of(tg);
	if (j)
		sid = hangup_locked(j);
	pthread_mutex_unlock(&tty_lock);
	signal_leader(sid);
}

/*
 * A signal the host terminal raised: Ctrl-C, Ctrl-\ and Ctrl-Z (ISIG) and
 * a window size change go to the foreground process group, as n_tty's
 * isig() and tty_do_resize() send them; false for any other signal.
 */
bool tty_signal(int sig)
{
	if (sig != SIGINT && sig != SIGQUIT && sig != SIGTSTP && sig != SIGWINCH)
		return false;
	tty_signal_fg(&console_job, sig);   /* no session has it: no one gets it */
	return true;
}

/*
 * A process exits: a group it orphans that has a stopped job gets SIGHUP
 * and SIGCONT (POSIX: no one is left to continue it); a session leader's
 * terminal becomes no one's, and the console's foreground group gets
 * SIGHUP (Linux's disassociate_ctty(1), which spares a pty's).
 */
void tty_exit(struct thread_group *tg)
{
	pid_t pgrps[16], hup = 0;
	int n = orphaned_by_exit(tg, pgrps, 16);

	for (int i = 0; i < n; i++) {
		kill_pgrp(pgrps[i], SIGHUP);
		kill_pgrp(pgrps[i], SIGCONT);
	}
	if (tg->pid != tg->sid)
		return;
	pthread_mutex_lock(&tty_lock);
	for (struct tty_job *j = ttys; j; j = j->next)
		if (j->sid == tg->sid) {
			if (j == &console_job)
				hup = j->pgrp;
			j->sid = j->pgrp = 0;
		}
	pthread_mutex_unlock(&tty_lock);
	kill_pgrp(hup, SIGHUP);
}
