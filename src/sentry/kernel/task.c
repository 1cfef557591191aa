/* SPDX-License-Identifier: MIT */
/*
 * The task loop: wait for the stub thread's next event, service it,
 * deliver signals, let it go on.  One sentry thread per task.
 */
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <stdio.h>
#include <sys/wait.h>
#include <unistd.h>

#include "kernel/kernel.h"
#include "mm/mm.h"
#include "vfs/vfs.h"

struct sandbox sandbox = {
	.lock = PTHREAD_MUTEX_INITIALIZER,
	.next_pid = 1,
	.child_cv = PTHREAD_COND_INITIALIZER,
	.hostname = "cvisor",
};
int host_proc_fd = -1;         /* opened by boot/ */

pid_t alloc_pid(void)
{
	pid_t pid;

	pthread_mutex_lock(&sandbox.lock);
	pid = sandbox.next_pid++;
	pthread_mutex_unlock(&sandbox.lock);
	return pid;
}

static void kick_handler(int sig)
{
	(void)sig;
}

void install_kick_handler(void)
{
	struct sigaction sa = { .sa_handler = kick_handler };   /* no SA_RESTART */

	sigaction(SIG_KICK, &sa, NULL);
}

/*
 * Make t notice a new signal wherever it is: in application code (the
 * interrupt), or blocked in the sentry (SIG_KICK makes the host call
 * return EINTR).  Both are cheap and harmless when not needed.  Like
 * Linux's signal_wake_up(), it lets t take the group's signals.
 */
void task_kick(struct task *t)
{
	__atomic_store_n(&t->sigpending, true, __ATOMIC_SEQ_CST);
	__atomic_store_n(&t->kicked, true, __ATOMIC_SEQ_CST);
	if (t->st)
		stub_thread_interrupt(t->st);
	if (t->thread)
		pthread_kill(t->thread, SIG_KICK);
}

/*
 * Block in ppoll with SIG_KICK unblocked for its duration only, so that a
 * kick is never lost between the check of t->kicked and the sleep.
 */
static int block_raw(struct task *t, struct pollfd *pfd, nfds_t n,
		     const struct timespec *ts)
{
	sigset_t mask;
	int ret;

	if (__atomic_load_n(&t->kicked, __ATOMIC_SEQ_CST))
		return -EINTR;
	pthread_sigmask(SIG_SETMASK, NULL, &mask);
	sigdelset(&mask, SIG_KICK);
	ret = ppoll(pfd, n, ts, &mask);
	return ret < 0 ? -errno : ret;
}

/*
 * The task is about to sleep, or to do long work (fork, exec): its stub
 * thread, spinning for a quick answer, sleeps instead, and leaves its CPU
 * to that work.  On 2 CPUs a fork's parent stub, parent syscall thread,
 * child and sentry thread would otherwise fight for them: fork+wait took
 * twice as long with the stub spinning through it.
 */
void task_long_wait(struct task *t)
{
	if (t->st)
		stub_thread_nospin(t->st);
}

/*
 * Must a blocking call end (with a restart code: signal.c)?  A kick says
 * so, but the kick may have come (and been cleared) just before the call
 * began, so pending state is checked too: a signal is never lost in that
 * window.  A true answer is latched in t->kicked, so that any later sleep
 * of the same call ends at once too.
 */
bool task_interrupted(struct task *t)
{
	task_long_wait(t);      /* every sleep asks this first */
	if (__atomic_load_n(&t->kicked, __ATOMIC_SEQ_CST))
		return true;
	if (!signal_pending(t))
		return false;
	__atomic_store_n(&t->kicked, true, __ATOMIC_SEQ_CST);
	return true;
}

static struct timespec ts_sub(struct timespec a, struct timespec b)
{
	struct timespec r = { a.tv_sec - b.tv_sec, a.tv_nsec - b.tv_nsec };

	if (r.tv_nsec < 0) {
		r.tv_sec--;
		r.tv_nsec += 1000000000L;
	}
	return r;
}

/* The CLOCK_MONOTONIC time a relative timeout runs out at. */
struct timespec ts_deadline(const struct timespec *rel)
{
	struct timespec d;

	clock_gettime(CLOCK_MONOTONIC, &d);
	d.tv_sec += rel->tv_sec;
	d.tv_nsec += rel->tv_nsec;
	if (d.tv_nsec >= 1000000000L) {
		d.tv_sec++;
		d.tv_nsec -= 1000000000L;
	}
	return d;
}

/* Time left until deadline (CLOCK_MONOTONIC); tv_sec < 0 once passed. */
struct timespec ts_left(const struct timespec *deadline)
{
	struct timespec now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	return ts_sub(*deadline, now);
}

/*
 * A kick whose signal was already handled can still be pending on the
 * host thread (it is blocked outside ppoll): the next sleep would end at
 * once.  Such an EINTR with nothing to deliver is not one: sleep on for
 * what is left of the timeout.  Interrupted, the sleep says -ERESTARTSYS,
 * as Linux's interruptible waits do; the caller may say otherwise.
 */
static int block(struct task *t, struct pollfd *pfd, nfds_t n,
		 const struct timespec *ts)
{
	struct timespec end = ts ? ts_deadline(ts) : (struct timespec){ 0, 0 }, left;
	int ret;

	for (left = ts ? *ts : (struct timespec){ 0, 0 };;) {
		if (task_interrupted(t))
			return -ERESTARTSYS;
		ret = block_raw(t, pfd, n, ts ? &left : NULL);
		if (ret != -EINTR)
			return ret;
		if (!ts)
			continue;
		left = ts_left(&end);
		if (left.tv_sec < 0)
			return 0;       /* timed out */
	}
}

/* A stopped task's sleep: only a kick (SIGCONT, SIGKILL) ends it early. */
int task_block_stopped(struct task *t, const struct timespec *ts)
{
	return block_raw(t, NULL, 0, ts);
}

/* Sleep until one of the host fds is ready, the timeout, or a kick. */
int task_block_fds(struct task *t, struct pollfd *pfd, unsigned n,
		   const struct timespec *ts)
{
	return block(t, pfd, n, ts);
}

int task_block_fd(struct task *t, int hostfd, short events, int timeout_ms)
{
	struct pollfd pfd = { .fd = hostfd, .events = events };
	struct timespec ts = { timeout_ms / 1000, (timeout_ms % 1000) * 1000000L };
	int ret = block(t, &pfd, 1, timeout_ms < 0 ? NULL : &ts);

	return ret < 0 ? ret : 0;
}

/* Sleep for *ts (relative), interruptibly; *rem gets what is left. */
int task_sleep(struct task *t, const struct timespec *ts, struct timespec *rem)
{
	struct timespec end = ts_deadline(ts);
	int ret = block(t, NULL, 0, ts);

	if (rem) {
		*rem = ts_left(&end);
		if (rem->tv_sec < 0)
			*rem = (struct timespec){ 0, 0 };
	}
	return ret < 0 ? ret : 0;
}

/*
 * Spinning pays only while every spinner has a CPU: each running task has
 * two (its stub thread and its sentry thread).  Past that, sleep at once.
 */
static int nr_tasks_total;

/* Would one more task break the config's pids limit (as a pids cgroup)? */
bool task_limit_reached(void)
{
	return sandbox.pids_max &&
	       __atomic_load_n(&nr_tasks_total, __ATOMIC_RELAXED) >= sandbox.pids_max;
}

static void update_spin(int delta)
{
	int n = __atomic_add_fetch(&nr_tasks_total, delta, __ATOMIC_RELAXED);

	platform_set_spin(2 * n <= (sandbox.ncpus ? sandbox.ncpus : 1));
}

struct task *task_new(struct thread_group *tg, struct stub_thread *st)
{
	struct task *t = calloc(1, sizeof(*t));

	if (!t)
		return NULL;
	t->tg = tg;
	t->st = st;
	/* A thread's own id comes from the sandbox's counter, taken outside
	 * the group's lock: the order is sandbox.lock, then a group's
	 * (tg_exited holds the first and takes the parent's), and the other
	 * order deadlocked a fork against an exit. */
	pthread_mutex_lock(&tg->lock);
	bool first = tg->nr_tasks == 0;
	pthread_mutex_unlock(&tg->lock);
	t->tid = first ? tg->pid : alloc_pid();
	pthread_mutex_lock(&tg->lock);
	t->next = tg->tasks;
	tg->tasks = t;
	tg->nr_tasks++;
	pthread_mutex_unlock(&tg->lock);
	update_spin(1);
	return t;
}

/*
 * The stub process died with no exit asked for by the sentry: a host signal
 * killed it (one the application made the host send, by blocking every
 * signal before a trap; the OOM killer), or the sentry killed it because a
 * thread left it or the application broke the protocol in its pages
 * (broken).  The process dies of that signal in the sandbox too, as a
 * whole: its tasks asleep in the sentry (a futex, a pipe) are kicked, not
 * only those that wait on the stub.  self: the task that found it, if any.
 */
static void stub_died(struct thread_group *tg, struct stub_proc *p, struct task *self,
		      bool broken)
{
	int st = stub_proc_wait(p), sig = WIFSIGNALED(st) ? WTERMSIG(st) : SIGKILL;
	bool first;

	pthread_mutex_lock(&tg->lock);
	first = !tg->exiting;           /* one report, by the first to see it */
	if (first) {
		tg->exiting = true;
		tg->exit_status = W_EXITCODE(0, sig);
	}
	pthread_mutex_unlock(&tg->lock);
	if (!first)
		return;
	if (broken)
		dprintf(sandbox.opts.log_fd, "cvisor: process %d (%s) overwrote the sandbox's "
			"state of a thread: killed\n", tg->pid, tg->comm);
	else
		dprintf(sandbox.opts.log_fd, "cvisor: process %d (%s) was killed on the host by %s\n",
			tg->pid, tg->comm, strsignal(sig));
	tg_exit_group(tg, W_EXITCODE(0, sig), self);    /* kicks the others */
}

/* A task is gone; the last one takes its thread group with it. */
static void task_exit(struct task *t)
{
	struct thread_group *tg = t->tg;
	bool last;

	pthread_mutex_lock(&tg->lock);
	for (struct task **pp = &tg->tasks; *pp; pp = &(*pp)->next)
		if (*pp == t) {
			*pp = t->next;
			break;
		}
	last = --tg->nr_tasks == 0;
	signal_retarget_exit(t);
	pthread_mutex_unlock(&tg->lock);
	if (last && !tg->exiting)
		stub_died(tg, stub_thread_proc(t->st), NULL, false);
	stub_thread_free(t->st);
	fs_put(t->fs);
	update_spin(-1);
	if (last)
		tg_exited(tg);
	while (t->rtq) {
		struct sigq *e = t->rtq;

		t->rtq = e->next;
		free(e);
	}
	free(t);
}

static void (*syscall_entry)(struct task *t);

void task_set_syscall_entry(void (*entry)(struct task *t))
{
	syscall_entry = entry;
}

static void handle_event(struct task *t, int ev)
{
	switch (ev) {
	case EV_SYSCALL:
		syscall_entry(t);
		break;
	case EV_FAULT:
		signal_fault(t, stub_thread_fault_signo(t->st));
		break;
	case EV_INTERRUPT:
	case EV_READY:
		break;
	}
}

__thread struct task *current_task;

/*
 * The task ends while its stub thread waits for the sentry: the thread
 * exits in stub code.  When the stub process dies anyway this is moot;
 * when its address space lives on (a CLONE_VM sibling group, or the
 * exit(2) of one thread) it is the only way the host thread goes.
 */
static void leave_stub(struct task *t)
{
	stub_thread_set_exit(&t->regs);
	stub_thread_resume(t->st, &t->regs);
}

static void *task_main(void *arg)
{
	struct task *t = arg;

	current_task = t;
	for (;;) {
		int ev = stub_thread_wait(t->st, &t->regs);

		/* (not a thread exec zapped: its group lives on elsewhere) */
		if (ev < 0) {
			if (!t->zap && t->tg->mm && stub_thread_proc(t->st) == t->tg->mm->proc &&
			    !t->tg->exiting)
				stub_died(t->tg, stub_thread_proc(t->st), t, ev == STUB_BROKEN);
			break;
		}
		__atomic_store_n(&t->kicked, false, __ATOMIC_SEQ_CST);
		t->last_event = ev;
		if (!t->zap)
			handle_event(t, ev);
		if (t->zap || t->exit_thread || t->tg->exiting || !handle_signals(t)) {
			leave_stub(t);
			break;
		}
		__atomic_store_n(&t->kicked, false, __ATOMIC_SEQ_CST);
		stub_thread_resume(t->st, &t->regs);
	}
	task_exit(t);
	return NULL;
}

int task_start(struct task *t)
{
	pthread_attr_t attr;
	int err;

	pthread_attr_init(&attr);
	pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
	pthread_attr_setstacksize(&attr, 256 << 10);
	err = pthread_create(&t->thread, &attr, task_main, t);
	pthread_attr_destroy(&attr);
	return -err;
}

/*
 * Thread groups stay in sandbox.tgs until the sandbox ends (reaping and
 * freeing zombies comes with the process model), so a found group stays
 * valid; tg_put() is where a reference count will go.
 */
struct thread_group *tg_find(pid_t pid)
{
	struct thread_group *tg;

	pthread_mutex_lock(&sandbox.lock);
	/* a reaped process is gone for good; a zombie is still there */
	for (tg = sandbox.tgs; tg && (tg->pid != pid || tg->reaped); tg = tg->next_tg)
		;
	pthread_mutex_unlock(&sandbox.lock);
	return tg;
}

void tg_put(struct thread_group *tg)
{
	(void)tg;
}
