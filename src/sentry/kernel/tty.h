/* SPDX-License-Identifier: MIT */
/*
 * Job control of a terminal (Linux's drivers/tty/tty_jobctrl.c): the
 * session a terminal is the controlling terminal of and that session's
 * foreground process group, for the sandbox's own terminal (a host fd)
 * and for every pty slave the sentry makes (fs/pty.c).  One lock, in
 * kernel/tty.c, guards every terminal's fields.
 */
#ifndef CVISOR_KERNEL_TTY_H
#define CVISOR_KERNEL_TTY_H

#include "kernel/kernel.h"

struct file;

struct tty_job {
	pid_t sid;                      /* the session it controls; 0: none */
	pid_t pgrp;                     /* that session's foreground group */
	/* /dev/tty: make f a new file of this terminal (tty lock held, so
	 * that the terminal cannot go meanwhile); NULL: the console's. */
	int (*open)(struct tty_job *j, struct file *f);
	struct tty_job *next;           /* every terminal, for /dev/tty */
};

/* The sandbox's own terminal, whether or not it has one. */
struct tty_job *tty_console(void);
void tty_job_add(struct tty_job *j);
/* The terminal goes: it stops being anyone's (no signal is sent). */
void tty_job_del(struct tty_job *j);

/*
 * The job-control ioctls: TIOCGPGRP, TIOCGSID, TIOCSPGRP, TIOCSCTTY,
 * TIOCNOTTY.  master: asked through a pty master, which reads its
 * slave's group and session without being in it, as Linux allows.
 * -ENOIOCTLCMD for any other command.
 */
#define ENOIOCTLCMD 515
long tty_job_ioctl(struct task *t, struct tty_job *j, bool master, unsigned cmd,
		   uint64_t arg);
/* An open without O_NOCTTY: a session leader without a terminal takes
 * this one if no session has it (tty_open_proc_set_tty). */
void tty_open_set_ctty(struct task *t, struct tty_job *j);
/* /dev/tty: open f as t's controlling terminal, if it is not the
 * console (tty_console_fd); -ENXIO without one. */
int tty_open_current(struct task *t, struct file *f);

/*
 * May t read (sig SIGTTIN) or write, set the attributes, flush
 * (SIGTTOU) its terminal j?  0 if it is in the foreground or j is not
 * its controlling terminal; else its group gets sig and the call ends
 * with -ERESTARTSYS, or -EIO if the signal is ignored or blocked (a
 * read) or the group is orphaned (Linux's __tty_check_change).
 */
long tty_check_change(struct task *t, struct tty_job *j, int sig);
/* Is t's process group in j's background (j its controlling terminal)? */
bool tty_background(struct task *t, struct tty_job *j);
/* The line discipline's signals (ISIG, SIGWINCH) to j's foreground group. */
void tty_signal_fg(struct tty_job *j, int sig);
/* Hang-up (the master closed): SIGHUP and SIGCONT to the session's
 * leader, and the terminal is nobody's any more (__tty_hangup). */
void tty_hangup(struct tty_job *j);
/* vhangup(2): the same for tg's controlling terminal, if it has one.  Its
 * open files are not marked hung up (docs/compatibility.md). */
void tty_vhangup_self(struct thread_group *tg);

#endif
