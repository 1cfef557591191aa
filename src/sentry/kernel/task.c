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
#include <sys/eventfd.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <linux/futex.h>
#include <unistd.h>

#include "kernel/kernel.h"
#include "mm/mm.h"
#include "vfs/vfs.h"

struct sandbox sandbox = {
	.lock = PTHREAD_MUTEX_INITIALIZER,
	.next_pid = 1,
	.child_wq = WAITQ_INIT,
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

/*
 * Make t notice a new signal wherever it is: in application code (the
 * interrupt), or asleep in the sentry (its waker).  Both are cheap and
 * harmless when not needed.  Like Linux's signal_wake_up(), it lets t take
 * the group's signals.
 */
void task_kick(struct task *t)
{
	__atomic_store_n(&t->sigpending, true, __ATOMIC_SEQ_CST);
	__atomic_store_n(&t->kicked, true, __ATOMIC_SEQ_CST);
	if (t->st)
		stub_thread_interrupt(t->st);
	task_wake(t);
}

/*
 * The waker.  A sentry thread sleeps in one of two host calls: a futex
 * wait on its wake_seq when it waits for wait queues and signals only
 * (the cheapest sleep and wake-up on this machine), or a ppoll on its
 * wake_fd (an eventfd) and the host fds it waits for.  A wake bumps
 * wake_seq, then makes the host call that ends the sleep the sleeper
 * said it is in, or none if it is awake.  The sleeper reads wake_seq in
 * task_prepare_wait(), before it looks at the state it waits for; a wake
 * after that look changes wake_seq, and task_block() sees it and does not
 * sleep (the two sides' stores and loads are sequentially consistent: one
 * of them always sees the other).  See docs/processes.md, "Waiting".
 */
enum { WAIT_AWAKE, WAIT_FUTEX, WAIT_PPOLL };

void task_prepare_wait(struct task *t)
{
	t->wait_seen = __atomic_load_n(&t->wake_seq, __ATOMIC_SEQ_CST);
}

void task_wake(struct task *t)
{
	__atomic_add_fetch(&t->wake_seq, 1, __ATOMIC_SEQ_CST);
	switch (__atomic_load_n(&t->wait_mode, __ATOMIC_SEQ_CST)) {
	case WAIT_FUTEX:
		syscall(SYS_futex, &t->wake_seq, FUTEX_WAKE_PRIVATE, 1, NULL, NULL, 0);
		break;
	case WAIT_PPOLL: {
		uint64_t one = 1;

		if (write(t->wake_fd, &one, sizeof(one)) < 0) {
			/* the counter is full: it is readable anyway */
		}
		break;
	}
	}
}

static void wake_task_entry(struct wait_entry *e, uint32_t events)
{
	(void)events;
	task_wake(e->priv);
}

/* An entry that wakes t for the events of mask (0: any). */
void wait_entry_task(struct wait_entry *e, struct task *t, uint32_t mask)
{
	*e = (struct wait_entry){ .mask = mask, .func = wake_task_entry, .priv = t };
}

static int sleep_futex(struct task *t, const struct timespec *deadline)
{
	long r = syscall(SYS_futex, &t->wake_seq, FUTEX_WAIT_BITSET | FUTEX_PRIVATE_FLAG,
			 t->wait_seen, deadline, NULL, FUTEX_BITSET_MATCH_ANY);

	return r < 0 && errno == ETIMEDOUT ? -ETIMEDOUT : 0;
}

/*
 * The eventfd is made on the first sleep with host fds: most tasks never
 * sleep so, and 2,000 threads would otherwise hold 2,000 host fds.  Set
 * before wait_mode says WAIT_PPOLL, so a waker that sees the mode sees it.
 */
static int wake_fd_make(struct task *t)
{
	int fd;

	if (t->wake_fd >= 0)
		return 0;
	fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	if (fd < 0)
		return -errno;
	__atomic_store_n(&t->wake_fd, fd, __ATOMIC_SEQ_CST);
	return 0;
}

static int sleep_ppoll(struct task *t, const struct timespec *deadline,
		       struct pollfd *fds, unsigned n)
{
	struct pollfd local[16], *p;
	struct timespec left;
	int ret;

	p = n < 16 ? local : calloc(n + 1, sizeof(*p));
	if (!p)
		return -ENOMEM;
	p[0] = (struct pollfd){ .fd = t->wake_fd, .events = POLLIN };
	memcpy(p + 1, fds, n * sizeof(*fds));
	if (deadline && (left = ts_left(deadline)).tv_sec < 0)
		left = (struct timespec){ 0, 0 };
	ret = ppoll(p, n + 1, deadline ? &left : NULL, NULL);
	if (ret < 0) {
		ret = errno == EINTR ? 0 : -errno;
	} else if (ret == 0) {
		ret = -ETIMEDOUT;
	} else {
		uint64_t v;

		if (p[0].revents && read(t->wake_fd, &v, sizeof(v)) == sizeof(v))
			ret--;
		for (unsigned i = 0; i < n; i++)
			fds[i].revents = p[i + 1].revents;
	}
	if (p != local)
		free(p);
	return ret;
}

/*
 * Sleep until a wake (of a queue t's entries are on, or a kick) since
 * task_prepare_wait(), the deadline (CLOCK_MONOTONIC, NULL: none), or
 * readiness of one of the n host fds (their revents filled), whatever a
 * signal says.  Returns the number of ready host fds, 0 if woken (or for
 * nothing: callers look again), -ETIMEDOUT.
 */
static int sleep_raw(struct task *t, const struct timespec *deadline, struct pollfd *fds,
		     unsigned n)
{
	int ret = 0;

	if (n && (ret = wake_fd_make(t)) < 0)
		return ret;
	__atomic_store_n(&t->wait_mode, n ? WAIT_PPOLL : WAIT_FUTEX, __ATOMIC_SEQ_CST);
	if (__atomic_load_n(&t->wake_seq, __ATOMIC_SEQ_CST) == t->wait_seen)
		ret = n ? sleep_ppoll(t, deadline, fds, n) : sleep_futex(t, deadline);
	__atomic_store_n(&t->wait_mode, WAIT_AWAKE, __ATOMIC_SEQ_CST);
	if (!ret && deadline && ts_left(deadline).tv_sec < 0)
		ret = -ETIMEDOUT;
	return ret;
}

/*
 * The one sleep of a task (gVisor's Task.BlockWithDeadline): the caller
 * queues its entries, calls task_prepare_wait(), looks at what it waits
 * for, and if it must wait calls this.  It ends on the first of a wake, a
 * signal for the task (-ERESTARTSYS, as Linux's interruptible waits; the
 * caller may say otherwise), the deadline (-ETIMEDOUT), or ready host fds
 * (their number).  0: woken, look again.
 */
int task_block(struct task *t, const struct timespec *deadline, struct pollfd *fds,
	       unsigned n)
{
	int ret;

	if (task_interrupted(t))
		return -ERESTARTSYS;
	ret = sleep_raw(t, deadline, fds, n);
	if (ret >= 0 && task_interrupted(t))
		return -ERESTARTSYS;
	return ret;
}

/*
 * The sleep of an object that keeps its state under a mutex (a pipe, a
 * socket, an inotify queue): queued on q before lock is dropped, so no
 * wake-up between the caller's look and the sleep is missed; lock is held
 * again on return.  0 (woken: look again), -ERESTARTSYS or -ETIMEDOUT.
 */
int task_sleep_on(struct task *t, struct waitq *q, uint32_t events, pthread_mutex_t *lock,
		  const struct timespec *deadline)
{
	struct wait_entry e;
	int err;

	wait_entry_task(&e, t, events);
	task_prepare_wait(t);
	waitq_add(q, &e);
	pthread_mutex_unlock(lock);
	err = task_block(t, deadline, NULL, 0);
	waitq_remove(q, &e);
	pthread_mutex_lock(lock);
	return err < 0 ? err : 0;
}

char task_state_char(struct task *t)
{
	return __atomic_load_n(&t->wait_mode, __ATOMIC_RELAXED) == WAIT_AWAKE ? 'R' : 'S';
}

/* A sleep that signals do not end (a stopped task's): wakes and the deadline only. */
int task_block_nosig(struct task *t, const struct timespec *deadline)
{
	return sleep_raw(t, deadline, NULL, 0);
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

struct timespec ts_sub(struct timespec a, struct timespec b)
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
 * Sleep until one of the host fds is ready (returns how many), the
 * timeout (0) or a signal (-ERESTARTSYS).
 */
int task_block_fds(struct task *t, struct pollfd *pfd, unsigned n,
		   const struct timespec *ts)
{
	struct timespec end = ts ? ts_deadline(ts) : (struct timespec){ 0, 0 };

	for (;;) {
		int ret;

		task_prepare_wait(t);
		ret = task_block(t, ts ? &end : NULL, pfd, n);
		if (ret != 0)
			return ret == -ETIMEDOUT ? 0 : ret;
	}
}

int task_block_fd(struct task *t, int hostfd, short events, int timeout_ms)
{
	struct pollfd pfd = { .fd = hostfd, .events = events };
	struct timespec ts = { timeout_ms / 1000, (timeout_ms % 1000) * 1000000L };
	int ret = task_block_fds(t, &pfd, 1, timeout_ms < 0 ? NULL : &ts);

	return ret < 0 ? ret : 0;
}

/* Sleep for *ts (relative), interruptibly; *rem gets what is left. */
int task_sleep(struct task *t, const struct timespec *ts, struct timespec *rem)
{
	struct timespec end = ts_deadline(ts);
	int ret = task_block_fds(t, NULL, 0, ts);

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
	platform_set_syscall_spin(2 * n + 1 <= sandbox.ncpus);  /* platform/sync.c */
}

struct task *task_new(struct thread_group *tg, struct stub_thread *st)
{
	struct task *t = calloc(1, sizeof(*t));

	if (!t)
		return NULL;
	t->wake_fd = -1;                /* made by its first sleep with host fds */
	clock_gettime(CLOCK_MONOTONIC, &t->start_time);
	t->tg = tg_get(tg);
	t->st = st;
	sched_fork(t, NULL);            /* do_clone copies its creator's */
	/* A thread's own id comes from the sandbox's counter, taken outside
	 * the group's lock: the order is sandbox.lock, then a group's
	 * (tg_exited holds the first and takes the parent's), and the other
	 * order deadlocked a fork against an exit. */
	pthread_mutex_lock(&tg->lock);
	bool first = tg->nr_tasks == 0;
	pthread_mutex_unlock(&tg->lock);
	t->tid = first ? tg->pid : alloc_pid();
	pthread_mutex_lock(&tg->lock);
	memcpy(t->comm, tg->comm, sizeof(t->comm));     /* clone: the creator's, below */
	t->next = tg->tasks;
	tg->tasks = t;
	tg->nr_tasks++;
	pthread_mutex_unlock(&tg->lock);
	update_spin(1);
	return t;
}

void task_set_comm(struct task *t, const char *name)
{
	snprintf(t->comm, sizeof(t->comm), "%s", name);
	/* Linux names a process by its leader's comm (/proc/PID/comm) */
	if (t->tid == t->tg->pid)
		memcpy(t->tg->comm, t->comm, sizeof(t->tg->comm));
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
	if (tg->group_exec_task)
		task_wake(tg->group_exec_task);
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
	if (t->wake_fd >= 0)
		close(t->wake_fd);
	seccomp_exit(t);
	free(t);
	tg_put(tg);                     /* the task's reference */
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
		/* after a trap: the next call from here need not trap */
		mm_patch_syscall(t->tg->mm, t->st, t->regs.rip, t->regs.orig_rax);
		syscall_entry(t);
		break;
	case EV_FAULT:
		/* the syscall instruction of a site being patched, or restarted */
		if (stub_thread_fault_signo(t->st) == SIGILL &&
		    mm_patch_fault(t->tg->mm, &t->regs)) {
			t->last_event = EV_SYSCALL;
			syscall_entry(t);
			break;
		}
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
	platform_thread_init();
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
 * A thread group lives while it is unreaped, has tasks, or someone holds
 * it (Linux's task_struct usage count): the last reference unlinks it
 * from sandbox.tgs and frees it, so that a sandbox that forks for ever
 * does not grow for ever.  An unreaped group always holds its own
 * reference, so one found unreaped under sandbox.lock can be taken.
 */
struct thread_group *tg_find(pid_t pid)
{
	struct thread_group *tg;

	pthread_mutex_lock(&sandbox.lock);
	/* a reaped process is gone for good; a zombie is still there */
	for (tg = sandbox.tgs; tg && (tg->pid != pid || tg->reaped); tg = tg->next_tg)
		;
	if (tg)
		tg_get(tg);
	pthread_mutex_unlock(&sandbox.lock);
	return tg;
}

/*
 * Every process match() selects, each held, collected under sandbox.lock
 * for the caller to signal after it (sending takes other locks).  Sized
 * for the whole sandbox, so a process group or kill(-1) reaches every
 * member however many there are.  NULL with *n 0 if none (or no memory);
 * the caller drops them with tgs_put().
 */
struct thread_group **tgs_collect(bool (*match)(struct thread_group *tg, const void *arg),
				  const void *arg, int *n)
{
	struct thread_group **v = NULL;
	int cap = 0;

	*n = 0;
	pthread_mutex_lock(&sandbox.lock);
	for (struct thread_group *tg = sandbox.tgs; tg; tg = tg->next_tg)
		cap++;
	if (cap)
		v = malloc(cap * sizeof(*v));
	for (struct thread_group *tg = sandbox.tgs; v && tg; tg = tg->next_tg)
		if (!tg->reaped && match(tg, arg))
			v[(*n)++] = tg_get(tg);
	pthread_mutex_unlock(&sandbox.lock);
	return v;
}

void tgs_put(struct thread_group **v, int n)
{
	for (int i = 0; i < n; i++)
		tg_put(v[i]);
	free(v);
}

/* The live process whose thread tid is (held), and that thread's
 * fs_struct (no reference: for comparing), or NULL. */
struct thread_group *tg_find_tid(pid_t tid, const struct fs_struct **fs)
{
	struct thread_group *found = NULL;

	pthread_mutex_lock(&sandbox.lock);
	for (struct thread_group *tg = sandbox.tgs; tg && !found; tg = tg->next_tg) {
		if (tg->zombie || tg->reaped)
			continue;
		pthread_mutex_lock(&tg->lock);
		for (struct task *x = tg->tasks; x && !found; x = x->next)
			if (x->tid == tid) {
				found = tg_get(tg);
				*fs = x->fs;
			}
		pthread_mutex_unlock(&tg->lock);
	}
	pthread_mutex_unlock(&sandbox.lock);
	return found;
}

bool tid_alive(pid_t tid)
{
	const struct fs_struct *fs;
	struct thread_group *tg = tg_find_tid(tid, &fs);

	tg_put(tg);
	return tg != NULL;
}

struct thread_group *tg_get(struct thread_group *tg)
{
	__atomic_add_fetch(&tg->refs, 1, __ATOMIC_RELAXED);
	return tg;
}

void tg_reap_locked(struct thread_group *tg)
{
	tg->reaped = true;
	__atomic_sub_fetch(&tg->refs, 1, __ATOMIC_ACQ_REL);    /* never the last */
}

static void tg_free(struct thread_group *tg)
{
	if (tg->mm && !tg->mm_user_dropped)
		mm_put(tg->mm);         /* its stub process is long dead: the VMAs go */
	dentry_put(tg->exe);
	while (tg->shared_rtq) {
		struct sigq *e = tg->shared_rtq;

		tg->shared_rtq = e->next;
		free(e);
	}
	waitq_release(&tg->signalfd_wq);
	sighand_put(tg->sighand);
	pthread_mutex_destroy(&tg->lock);
	free(tg);
}

void tg_put(struct thread_group *tg)
{
	if (!tg || __atomic_sub_fetch(&tg->refs, 1, __ATOMIC_ACQ_REL) > 0)
		return;
	pthread_mutex_lock(&sandbox.lock);
	for (struct thread_group **pp = &sandbox.tgs; *pp; pp = &(*pp)->next_tg)
		if (*pp == tg) {
			*pp = tg->next_tg;
			break;
		}
	pthread_mutex_unlock(&sandbox.lock);
	tg_free(tg);
}
