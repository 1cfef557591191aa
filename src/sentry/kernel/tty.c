/* SPDX-License-Identifier: MIT */
/*
 * Job control of the sandbox's terminal, as Linux's tty layer keeps it
 * (drivers/tty/tty_jobctrl.c): the session it is the controlling terminal
 * of and that session's foreground process group.  The host terminal's
 * own foreground group is the CLI's (cvisor do) or the sentry's (a
 * container's pty), never an application's, so the sentry keeps both
 * here: tcsetpgrp in the sandbox sets them, and the line discipline's
 * signals (Ctrl-C, Ctrl-\, Ctrl-Z) and SIGWINCH, which the host raises
 * for the CLI or the sentry, are sent from here to that group, as n_tty
 * sends them (docs/processes.md, Terminals).
 *
 * A process has the terminal as its controlling terminal when it is in
 * the terminal's session (Linux keeps it per process and drops it at
 * setsid(), which is what a different session id says here).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "kernel/kernel.h"

static struct {
	pthread_mutex_t lock;
	pid_t sid;              /* 0: no session has it */
	pid_t pgrp;             /* the foreground process group */
	int host_fd;            /* the sandbox's terminal, or -1 */
} ctty = { PTHREAD_MUTEX_INITIALIZER, 1, 1, -1 };    /* init's session and group */

void tty_set_console(int host_fd)
{
	pthread_mutex_lock(&ctty.lock);
	if (ctty.host_fd < 0)
		ctty.host_fd = host_fd;
	pthread_mutex_unlock(&ctty.lock);
}

int tty_console_fd(struct thread_group *tg)
{
	int fd;

	pthread_mutex_lock(&ctty.lock);
	fd = ctty.sid && ctty.sid == tg->sid ? ctty.host_fd : -1;
	pthread_mutex_unlock(&ctty.lock);
	return fd;
}

/* Does a process group of session sid have pgrp as its id? */
static bool pgrp_in_session(pid_t pgrp, pid_t sid)
{
	bool found = false;

	pthread_mutex_lock(&sandbox.lock);
	for (struct thread_group *tg = sandbox.tgs; tg && !found; tg = tg->next_tg)
		found = !tg->zombie && tg->pgid == pgrp && tg->sid == sid;
	pthread_mutex_unlock(&sandbox.lock);
	return found;
}

/* TIOCGPGRP, TIOCGSID: ENOTTY unless it is the caller's terminal. */
long tty_get(struct thread_group *tg, bool want_sid, pid_t *out)
{
	long err = 0;

	pthread_mutex_lock(&ctty.lock);
	if (!ctty.sid || ctty.sid != tg->sid)
		err = -ENOTTY;
	else
		*out = want_sid ? ctty.sid : ctty.pgrp;
	pthread_mutex_unlock(&ctty.lock);
	return err;
}

/* TIOCSPGRP (tcsetpgrp): a group of the caller's session, of its terminal. */
long tty_set_pgrp(struct thread_group *tg, pid_t pgrp)
{
	long err = 0;

	if (pgrp < 0)
		return -EINVAL;
	if (!pgrp_in_session(pgrp, tg->sid))
		return -EPERM;
	pthread_mutex_lock(&ctty.lock);
	if (!ctty.sid || ctty.sid != tg->sid)
		err = -ENOTTY;
	else
		ctty.pgrp = pgrp;
	pthread_mutex_unlock(&ctty.lock);
	return err;
}

/*
 * TIOCSCTTY: a session leader without a terminal takes it if no session
 * has it, or (steal, with CAP_SYS_ADMIN) from the one that has.
 */
long tty_set_ctty(struct thread_group *tg, bool steal)
{
	long err = 0;

	pthread_mutex_lock(&ctty.lock);
	if (ctty.sid == tg->sid)
		goto out;               /* already ours */
	if (tg->pid != tg->sid)
		err = -EPERM;
	else if (ctty.sid && !(steal && capable(&tg->cred, 21 /* CAP_SYS_ADMIN */)))
		err = -EPERM;
	else
		ctty.sid = tg->sid, ctty.pgrp = tg->pgid;
out:
	pthread_mutex_unlock(&ctty.lock);
	return err;
}

/* TIOCNOTTY: the session leader gives the terminal up (no SIGHUP is sent
 * to the foreground group, unlike Linux); another process keeps it. */
long tty_notty(struct thread_group *tg)
{
	long err = 0;

	pthread_mutex_lock(&ctty.lock);
	if (!ctty.sid || ctty.sid != tg->sid)
		err = -ENOTTY;
	else if (tg->pid == tg->sid)
		ctty.sid = ctty.pgrp = 0;
	pthread_mutex_unlock(&ctty.lock);
	return err;
}

/*
 * A signal the host terminal raised: Ctrl-C, Ctrl-\ and Ctrl-Z (ISIG) and
 * a window size change go to the foreground process group, as n_tty's
 * isig() and tty_do_resize() send them; false for any other signal.
 */
bool tty_signal(int sig)
{
	pid_t pgrp, pids[256];
	int n = 0;

	if (sig != SIGINT && sig != SIGQUIT && sig != SIGTSTP && sig != SIGWINCH)
		return false;
	pthread_mutex_lock(&ctty.lock);
	pgrp = ctty.sid ? ctty.pgrp : 0;
	pthread_mutex_unlock(&ctty.lock);
	if (!pgrp)
		return true;            /* no session has the terminal: no one gets it */
	pthread_mutex_lock(&sandbox.lock);
	for (struct thread_group *tg = sandbox.tgs; tg && n < 256; tg = tg->next_tg)
		if (!tg->zombie && tg->pgid == pgrp)
			pids[n++] = tg->pid;
	pthread_mutex_unlock(&sandbox.lock);
	for (int i = 0; i < n; i++) {
		struct thread_group *tg = tg_find(pids[i]);

		if (!tg)
			continue;
		send_signal_tg(tg, sig);        /* SI_KERNEL, as the tty's */
		tg_put(tg);
	}
	return true;
}
