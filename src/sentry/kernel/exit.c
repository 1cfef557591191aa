/* SPDX-License-Identifier: MIT */
#include <stdint.h>
#include <time.h>
#include <unistd.h>

#include "kernel/kernel.h"
#include "mm/mm.h"
#include "vfs/vfs.h"

/*
 * exit_group(2) or a fatal signal: the whole stub process goes at once
 * (SIGKILL from the sentry); each task's sentry thread then sees its stub
 * thread die and cleans up after itself.
 */
void do_exit_group(struct task *t, int status)
{
	struct thread_group *tg = t->tg;

	pthread_mutex_lock(&tg->lock);
	if (!tg->exiting) {
		tg->exiting = true;
		tg->exit_status = status;
	}
	/* threads asleep in the sentry (futex, read) must notice too */
	for (struct task *o = tg->tasks; o; o = o->next)
		if (o != t)
			task_kick(o);
	pthread_mutex_unlock(&tg->lock);
	stub_proc_kill(tg->mm->proc);
}

/* The sandbox's init is gone: tell the sentry's main thread. */
void sandbox_finish(int status)
{
	uint64_t one = 1;

	pthread_mutex_lock(&sandbox.lock);
	sandbox.exit_status = status;
	sandbox.done = true;
	pthread_mutex_unlock(&sandbox.lock);
	if (write(sandbox.event_fd, &one, sizeof(one)) < 0) {
		/* the main thread also polls sandbox.done */
	}
}

void child_wait_slice(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	ts.tv_nsec += 50000000;
	if (ts.tv_nsec >= 1000000000L) {
		ts.tv_sec++;
		ts.tv_nsec -= 1000000000L;
	}
	pthread_cond_timedwait(&sandbox.child_cv, &sandbox.lock, &ts);
}

/*
 * A thread group's last task is gone: it becomes a zombie for its parent
 * to wait for, its files are closed, its children go to init, and the
 * parent hears of it.  Init's exit ends the sandbox.
 */
void tg_exited(struct thread_group *tg)
{
	struct thread_group *parent = NULL, *orphans[64];
	struct fd_table *fdt;
	int norphans = 0;

	stub_proc_kill(tg->mm->proc);
	timers_exit(tg, false);
	pthread_mutex_lock(&tg->lock);
	fdt = tg->fdt;
	tg->fdt = NULL;
	pthread_mutex_unlock(&tg->lock);
	fdt_put(fdt);
	pthread_mutex_lock(&sandbox.lock);
	tg->zombie = true;
	tg->vfork_done = true;
	for (struct thread_group *c = sandbox.tgs; c; c = c->next_tg) {
		if (c->ppid == tg->pid && c != tg) {
			c->ppid = 1;
			if (c->pdeathsig && !c->zombie && norphans < 64)
				orphans[norphans++] = c;
		}
		if (c->pid == tg->ppid)
			parent = c;
	}
	pthread_cond_broadcast(&sandbox.child_cv);
	pthread_mutex_unlock(&sandbox.lock);
	if (parent && tg->exit_signal)
		send_signal_tg(parent, tg->exit_signal);
	for (int i = 0; i < norphans; i++)      /* PR_SET_PDEATHSIG */
		send_signal_tg(orphans[i], orphans[i]->pdeathsig);
	if (tg == sandbox.init)
		sandbox_finish(tg->exit_status);
}
