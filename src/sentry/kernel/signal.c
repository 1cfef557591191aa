/* SPDX-License-Identifier: MIT */
/*
 * Signals.  This is the core the rest builds on: dispositions are kept as
 * state (rt_sigaction), signals are queued per task or per thread group and
 * acted on before the task returns to application code.  Handlers and
 * signal frames come with the process model; until then a caught signal
 * gets its default action, and says so once.
 */
#include <errno.h>
#include <stdio.h>

#include "kernel/kernel.h"
#include "mm/mm.h"

#define SIG_DFL_H 0
#define SIG_IGN_H 1

bool sig_default_ignored(int sig)
{
	return sig == SIGCHLD || sig == SIGURG || sig == SIGWINCH || sig == SIGCONT;
}

static bool sig_ignored(struct thread_group *tg, int sig)
{
	uint64_t h = tg->sigaction[sig - 1].handler;

	return h == SIG_IGN_H || (h == SIG_DFL_H && sig_default_ignored(sig));
}

/* A process-directed signal: queue it and make some task notice. */
void send_signal_tg(struct thread_group *tg, int sig)
{
	struct task *target = NULL;

	if (sig < 1 || sig > NSIG_LINUX)
		return;
	pthread_mutex_lock(&tg->lock);
	if (sig_ignored(tg, sig) || tg->exiting) {
		pthread_mutex_unlock(&tg->lock);
		return;
	}
	tg->shared_pending |= SIGBIT(sig);
	for (struct task *t = tg->tasks; t; t = t->next)
		if (!(t->sigmask & SIGBIT(sig)) || sig == SIGKILL) {
			target = t;
			break;
		}
	if (target)
		task_kick(target);
	pthread_mutex_unlock(&tg->lock);
}

static int core_signal(int sig)
{
	switch (sig) {
	case SIGQUIT: case SIGILL: case SIGTRAP: case SIGABRT: case SIGBUS:
	case SIGFPE: case SIGSEGV: case SIGXCPU: case SIGXFSZ: case SIGSYS:
		return 1;
	}
	return 0;
}

static void warn_no_handlers(int sig)
{
	static uint64_t warned;

	if (!(__atomic_fetch_or(&warned, SIGBIT(sig), __ATOMIC_RELAXED) & SIGBIT(sig)))
		dprintf(sandbox.opts.log_fd,
			"cvisor: signal %d has a handler; handlers are not delivered "
			"yet, applying the default action\n", sig);
}

/* The default action of a fatal signal: the thread group dies of it. */
static void die_of(struct task *t, int sig)
{
	do_exit_group(t, W_EXITCODE(0, sig) | (core_signal(sig) ? 0x80 : 0));
}

/*
 * Act on pending, unblocked signals before returning to the application.
 * Returns false when the task must not run again.
 */
bool handle_signals(struct task *t)
{
	struct thread_group *tg = t->tg;
	uint64_t pending;

	pthread_mutex_lock(&tg->lock);
	pending = (t->pending | tg->shared_pending) & (~t->sigmask | SIGBIT(SIGKILL));
	pthread_mutex_unlock(&tg->lock);
	for (int sig = 1; sig <= NSIG_LINUX && pending; sig++) {
		if (!(pending & SIGBIT(sig)))
			continue;
		pthread_mutex_lock(&tg->lock);
		t->pending &= ~SIGBIT(sig);
		tg->shared_pending &= ~SIGBIT(sig);
		uint64_t h = tg->sigaction[sig - 1].handler;
		pthread_mutex_unlock(&tg->lock);
		if (sig_ignored(tg, sig) && sig != SIGKILL)
			continue;
		/* a caught signal gets its default action until handlers run */
		if (sig_default_ignored(sig))
			continue;
		if (h != SIG_DFL_H && sig != SIGKILL)
			warn_no_handlers(sig);
		/* stop signals wait for job control (the process model issue) */
		if (sig == SIGSTOP || sig == SIGTSTP || sig == SIGTTIN || sig == SIGTTOU)
			continue;
		die_of(t, sig);
		return false;
	}
	return !tg->exiting;
}

/*
 * A synchronous fault in application code.  A fault in the stub's own code
 * means the application broke the stub's memory: it dies of it too.
 */
void signal_fault(struct task *t, int sig)
{
	switch (sig) {
	case SIGSEGV: case SIGBUS: case SIGFPE: case SIGILL: case SIGTRAP:
		break;
	default:
		sig = SIGSEGV;
	}
	if (t->tg->sigaction[sig - 1].handler > SIG_IGN_H)
		warn_no_handlers(sig);
	/* A blocked or ignored synchronous fault kills, as in Linux. */
	die_of(t, sig);
}
