/* SPDX-License-Identifier: MIT */
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "kernel/kernel.h"
#include "mm/mm.h"
#include "vfs/vfs.h"

/*
 * The group is done with its address space.  Its stub process dies with
 * it, unless another group shares it (CLONE_VM, vfork): then only this
 * group's host threads leave it, each as its task ends (task.c).
 */
void tg_release_mm(struct thread_group *tg)
{
	struct mm *mm = tg->mm;

	if (!mm || __atomic_exchange_n(&tg->mm_released, true, __ATOMIC_ACQ_REL))
		return;
	if (mm_shared(mm)) {
		__atomic_sub_fetch(&mm->users, 1, __ATOMIC_ACQ_REL);
		tg->mm_user_dropped = true;
		return;
	}
	tg_account_exit(tg);            /* before the host forgets its usage */
	stub_proc_kill(mm->proc);
}

/*
 * exit_group(2) or a fatal signal: the whole stub process goes at once
 * (SIGKILL from the sentry); each task's sentry thread then sees its stub
 * thread die and cleans up after itself.  (With a shared address space,
 * the tasks see tg->exiting and make their own threads exit.)  self, the
 * task asking (NULL for a signal from elsewhere), needs no kick.
 */
void tg_exit_group(struct thread_group *tg, int status, struct task *self)
{
	pthread_mutex_lock(&tg->lock);
	if (!tg->exiting) {
		tg->exiting = true;
		tg->exit_status = status;
	}
	/* threads asleep in the sentry (futex, read) must notice too */
	for (struct task *o = tg->tasks; o; o = o->next)
		if (o != self)
			task_kick(o);
	pthread_mutex_unlock(&tg->lock);
	tg_release_mm(tg);
}

void do_exit_group(struct task *t, int status)
{
	tg_exit_group(t->tg, status, t);
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

int child_wait(struct task *t)
{
	int ret;

	pthread_mutex_unlock(&sandbox.lock);
	ret = task_block(t, NULL, NULL, 0);
	pthread_mutex_lock(&sandbox.lock);
	return ret;
}

#define SA_NOCLDWAIT_F 2

/* The parent ignores SIGCHLD or set SA_NOCLDWAIT: children reap themselves. */
static bool parent_autoreaps(struct thread_group *parent)
{
	struct k_sigaction act = sig_action(parent, SIGCHLD);

	return act.handler == 1 || (act.flags & SA_NOCLDWAIT_F);
}

/* The siginfo of the exit signal: CLD_EXITED or CLD_KILLED, pid, status. */
static void exit_siginfo(struct thread_group *tg, siginfo_t *si)
{
	int st = tg->exit_status;

	memset(si, 0, sizeof(*si));
	si->si_signo = tg->exit_signal;
	si->si_pid = tg->pid;
	si->si_uid = tg->cred.uid;
	if (WIFEXITED(st)) {
		si->si_code = CLD_EXITED;
		si->si_status = WEXITSTATUS(st);
	} else {
		si->si_code = WCOREDUMP(st) ? CLD_DUMPED : CLD_KILLED;
		si->si_status = WTERMSIG(st);
	}
}

static void exit_signal_parent(struct thread_group *tg, struct thread_group *parent)
{
	siginfo_t si;

	exit_siginfo(tg, &si);
	signal_parent(tg, parent, &si, false);
}

/* A live thread group by pid (sandbox.lock held). */
static struct thread_group *tg_by_pid(pid_t pid)
{
	for (struct thread_group *g = sandbox.tgs; g; g = g->next_tg)
		if (g->pid == pid && !g->reaped)
			return g;
	return NULL;
}

/*
 * Linux's find_new_reaper(): the nearest ancestor that made itself a
 * child subreaper (PR_SET_CHILD_SUBREAPER) and is not exiting, else init.
 * sandbox.lock held.
 */
static pid_t find_reaper(const struct thread_group *tg)
{
	const struct thread_group *a = tg_by_pid(tg->ppid);

	for (int depth = 0; a && a->pid != 1 && depth < 4096; depth++) {
		if (a->subreaper && !a->exiting && !a->zombie)
			return a->pid;
		a = tg_by_pid(a->ppid);
	}
	return 1;
}

/*
 * A thread group's last task is gone: it becomes a zombie for its parent
 * to wait for, its files are closed, its children go to the nearest
 * subreaper or init, and the
 * parent hears of it.  Init's exit ends the sandbox.
 */
static void (*exit_hook)(struct thread_group *tg);

void tg_set_exit_hook(void (*fn)(struct thread_group *tg))
{
	exit_hook = fn;
}

/* a child of the exiting process that asked for PR_SET_PDEATHSIG */
static bool wants_deathsig(struct thread_group *c, const void *parent)
{
	const struct thread_group *p = parent;

	return c->ppid == p->pid && c != p && c->pdeathsig && !c->zombie;
}

void tg_exited(struct thread_group *tg)
{
	struct thread_group *parent = NULL, **orphans;
	struct fd_table *fdt;
	int norphans;

	tg_release_mm(tg);
	if (exit_hook)
		exit_hook(tg);
	tty_exit(tg);
	timers_exit(tg, false);
	pthread_mutex_lock(&tg->lock);
	fdt = tg->fdt;
	tg->fdt = NULL;
	pthread_mutex_unlock(&tg->lock);
	fdt_put(fdt);
	locks_release(tg);              /* its POSIX locks */
	/* its threads are gone: it has no new children from here on */
	orphans = tgs_collect(wants_deathsig, tg, &norphans);
	pthread_mutex_lock(&sandbox.lock);
	pid_t reaper = find_reaper(tg);

	for (struct thread_group *c = sandbox.tgs; c; c = c->next_tg) {
		if (c->ppid == tg->pid && c != tg) {
			/* an orphan tells init of its exit with SIGCHLD,
			 * whatever its clone asked (Linux's reparent_leader) */
			c->ppid = reaper;
			c->parent_tid = 0;
			c->exit_signal = SIGCHLD;
		}
		if (c->pid == tg->ppid)
			parent = c;
	}
	if (parent && tg->exit_signal == SIGCHLD && parent_autoreaps(parent))
		tg_reap_locked(tg);     /* no zombie: wait(2) will say ECHILD */
	if (tg->exit_notify_fd >= 0) {
		/* cvisor exec's process: its CLI waits for the status */
		dprintf(tg->exit_notify_fd, "exit %d", tg->exit_status);
		close(tg->exit_notify_fd);
		tg->exit_notify_fd = -1;
		if (!tg->reaped)
			tg_reap_locked(tg);
	}
	/* A zombie and the parent's signal in one step that wait(2) cannot
	 * see between, as Linux's exit_notify under tasklist_lock: the signal
	 * is pending before wait can reap, and a SIGCHLD handler's
	 * waitpid(WNOHANG) always finds the zombie it was sent for.  (An exit
	 * signal of SIGCONT goes after: sending it takes sandbox.lock.) */
	tg->zombie = true;
	tg->vfork_done = true;
	if (parent && tg->exit_signal && tg->exit_signal != SIGCONT)
		exit_signal_parent(tg, parent);
	pthread_mutex_unlock(&sandbox.lock);
	if (parent && tg->exit_signal == SIGCONT)
		exit_signal_parent(tg, parent);
	waitq_wake(&sandbox.child_wq, 0);
	for (int i = 0; i < norphans; i++)      /* PR_SET_PDEATHSIG */
		send_signal_tg(orphans[i], orphans[i]->pdeathsig);
	tgs_put(orphans, norphans);
	if (tg == sandbox.init)
		sandbox_finish(tg->exit_status);
}
