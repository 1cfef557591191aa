/* SPDX-License-Identifier: MIT */
/*
 * Resource usage: the host's accounting of the stub processes (through the
 * platform), and what the sandbox keeps of it once a stub is gone.
 * getrusage(2) and times(2) are syscalls/sys_cred.c.
 */
#include <errno.h>
#include <sys/resource.h>
#include <time.h>

#include "kernel/kernel.h"
#include "mm/mm.h"

/*
 * The host forgets a stub's usage when the reaper waits for it, which can
 * be before the parent's wait4: keep the last sample for RUSAGE_CHILDREN.
 * Called before each kill of a living stub; a later sample has more time.
 */
void tg_account_exit(struct thread_group *tg)
{
	struct rusage ru;

	if (stub_proc_usage(tg->mm->proc, NULL, &ru))
		return;
	pthread_mutex_lock(&tg->lock);
	if (ru.ru_maxrss < tg->ru_self.ru_maxrss)
		ru.ru_maxrss = tg->ru_self.ru_maxrss;   /* a zombie has no memory left */
	tg->ru_self = ru;
	pthread_mutex_unlock(&tg->lock);
}

static void self_usage(struct task *t, bool thread, struct rusage *ru)
{
	if (stub_proc_usage(t->tg->mm->proc, thread ? t->st : NULL, ru)) {
		pthread_mutex_lock(&t->tg->lock);
		*ru = t->tg->ru_self;   /* the stub is already gone: exiting */
		pthread_mutex_unlock(&t->tg->lock);
	}
}

static void children_usage(struct task *t, struct rusage *ru)
{
	pthread_mutex_lock(&sandbox.lock);     /* wait4 adds to it under this lock */
	*ru = t->tg->ru_children;
	pthread_mutex_unlock(&sandbox.lock);
}

void tg_usage(struct thread_group *tg, pid_t tid, struct rusage *self, struct rusage *children)
{
	struct stub_thread *st = NULL;

	pthread_mutex_lock(&tg->lock);
	for (struct task *o = tg->tasks; o && tid && !st; o = o->next)
		if (o->tid == tid)
			st = o->st;
	if (!tg->mm || tg->mm_released || (tid && !st) ||
	    stub_proc_usage(tg->mm->proc, st, self))
		*self = tg->ru_self;
	pthread_mutex_unlock(&tg->lock);
	pthread_mutex_lock(&sandbox.lock);
	*children = tg->ru_children;
	pthread_mutex_unlock(&sandbox.lock);
}

void task_usage(struct task *t, int who, struct rusage *ru)
{
	if (who == RUSAGE_CHILDREN)
		children_usage(t, ru);
	else
		self_usage(t, who == RUSAGE_THREAD, ru);
}

/* ---------- CPU-time clocks (Linux's posix-cpu-timers) ---------- */

#define CPUCLOCK_PERTHREAD 4
#define CPUCLOCK_WHICH(id) ((int)(id) & 3)
#define CPUCLOCK_PID(id) ((pid_t) ~((id) >> 3))

static int64_t tv_ns(struct timeval tv)
{
	return tv.tv_sec * 1000000000LL + tv.tv_usec * 1000LL;
}

static int64_t ts_ns(struct timespec ts)
{
	return ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

/*
 * Decode a CPU clock id: CLOCK_PROCESS_CPUTIME_ID, CLOCK_THREAD_CPUTIME_ID
 * or one clock_getcpuclockid/pthread_getcpuclockid made (the pid, or tid,
 * inverted above three bits: which clock, and whether of a thread).  A
 * thread's clock must be of the caller's group, a process's of a process
 * (Linux's pid_for_clock()).  -EINVAL for anything else.
 */
int cpu_clock_resolve(struct task *t, clockid_t id, struct cpu_clock *c)
{
	pid_t pid;
	bool thread;

	if (id == CLOCK_PROCESS_CPUTIME_ID || id == CLOCK_THREAD_CPUTIME_ID) {
		c->which = CPUCLOCK_SCHED;
		c->pid = t->tg->pid;
		c->tid = id == CLOCK_THREAD_CPUTIME_ID ? t->tid : 0;
		return 0;
	}
	if (id >= 0 || CPUCLOCK_WHICH(id) > CPUCLOCK_SCHED)
		return -EINVAL;
	pid = CPUCLOCK_PID(id);
	thread = id & CPUCLOCK_PERTHREAD;
	c->which = CPUCLOCK_WHICH(id);
	c->pid = t->tg->pid;
	c->tid = thread ? (pid ? pid : t->tid) : 0;
	if (thread) {
		bool mine;

		pthread_mutex_lock(&t->tg->lock);
		mine = false;
		for (struct task *o = t->tg->tasks; o && !mine; o = o->next)
			mine = o->tid == c->tid;
		pthread_mutex_unlock(&t->tg->lock);
		return mine ? 0 : -EINVAL;
	}
	if (pid && pid != t->tg->pid && pid != t->tid) {
		struct thread_group *tg = tg_find(pid);

		if (!tg || tg->pid != pid) {
			if (tg)
				tg_put(tg);
			return -EINVAL;
		}
		tg_put(tg);
		c->pid = pid;
	}
	return 0;
}

/* tg's CPU time by clock kind, or its thread tid's (tg->lock held). */
static int sample_locked(struct thread_group *tg, pid_t tid, int which, int64_t *ns)
{
	struct stub_thread *st = NULL;
	struct timespec ts;
	struct rusage ru;
	int err;

	if (tid) {
		for (struct task *o = tg->tasks; o && !st; o = o->next)
			if (o->tid == tid)
				st = o->st;
		if (!st)
			return -ESRCH;  /* the thread is gone: its clock stops */
	}
	if (!tg->mm || tg->mm_released)
		return -ESRCH;
	if (which == CPUCLOCK_SCHED) {
		err = tid ? stub_thread_cputime(st, &ts) : stub_proc_cputime(tg->mm->proc, &ts);
		*ns = ts_ns(ts);
		return err;
	}
	err = stub_proc_usage(tg->mm->proc, st, &ru);
	if (err && !tid)
		ru = tg->ru_self;       /* the stub is gone: exiting */
	else if (err)
		return err;
	*ns = tv_ns(ru.ru_utime) + (which == CPUCLOCK_PROF ? tv_ns(ru.ru_stime) : 0);
	return 0;
}

int cpu_clock_sample(const struct cpu_clock *c, int64_t *ns)
{
	struct thread_group *tg = tg_find(c->pid);
	int err;

	if (!tg)
		return -ESRCH;
	pthread_mutex_lock(&tg->lock);
	err = sample_locked(tg, c->tid, c->which, ns);
	pthread_mutex_unlock(&tg->lock);
	tg_put(tg);
	return err;
}
