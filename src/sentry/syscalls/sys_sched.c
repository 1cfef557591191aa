/* SPDX-License-Identifier: MIT */
/*
 * Scheduling calls for any thread of the caller's view (docs/syscalls.md):
 * policy, real-time priority, nice value and CPU affinity are kept per
 * thread (struct task_sched) with Linux's permission rules and read back;
 * the host never changes a stub thread's scheduling for them.
 */
#include <errno.h>
#include <linux/capability.h>
#include <sched.h>
#include <stdbool.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

#include "mm/mm.h"
#include "syscalls/syscalls.h"

#ifndef SCHED_RESET_ON_FORK
#define SCHED_RESET_ON_FORK 0x40000000
#endif
#define SCHED_DEADLINE_POLICY 6
#define MAX_RT_PRIO 99
#define RR_TIMESLICE_NS 100000000L      /* Linux's RR_TIMESLICE: 100 ms */
#define CPUMASK_BYTES 8                 /* the sandbox's CPUs are 0-63 */

static bool rt_policy(int policy)
{
	return policy == SCHED_FIFO || policy == SCHED_RR;
}

/*
 * Run fn on the thread tid (0: the caller) with sandbox.lock and its
 * group's lock held, so the thread cannot go away meanwhile; fn copies
 * out what it needs and must not touch application memory.  -ESRCH if no
 * live thread has that id.
 */
typedef long (*task_fn)(struct task *self, struct task *p, void *arg);

static long with_task(struct task *self, pid_t tid, task_fn fn, void *arg)
{
	long ret = -ESRCH;

	if (tid < 0)
		return -ESRCH;
	if (!tid)
		tid = self->tid;
	pthread_mutex_lock(&sandbox.lock);
	for (struct thread_group *tg = sandbox.tgs; tg && ret == -ESRCH; tg = tg->next_tg) {
		if (tg->reaped)
			continue;
		pthread_mutex_lock(&tg->lock);
		for (struct task *x = tg->tasks; x; x = x->next)
			if (x->tid == tid) {
				ret = fn(self, x, arg);
				break;
			}
		pthread_mutex_unlock(&tg->lock);
	}
	pthread_mutex_unlock(&sandbox.lock);
	return ret;
}

/* Linux's check_same_owner(): the caller's euid is p's real or effective uid. */
static bool same_owner(const struct task *self, const struct task *p)
{
	const struct creds *c = &self->tg->cred, *pc = &p->tg->cred;

	return c->euid == pc->euid || c->euid == pc->uid;
}

/* can_nice(): p may get nice value nice by p's RLIMIT_NICE, or CAP_SYS_NICE. */
static bool can_nice(const struct task *self, const struct task *p, int nice)
{
	return (rlim_t)(20 - nice) <= p->tg->rlim[RLIMIT_NICE].rlim_cur ||
	       capable(&self->tg->cred, CAP_SYS_NICE);
}

/* --- sched_getscheduler, sched_getparam --- */

static long get_sched(struct task *self, struct task *p, void *arg)
{
	(void)self;
	*(struct task_sched *)arg = p->sched;
	return 0;
}

/* The parameters of thread pid (0: the caller); a negative pid is EINVAL. */
static long sched_of(struct task *t, pid_t pid, struct task_sched *s)
{
	return pid < 0 ? -EINVAL : with_task(t, pid, get_sched, s);
}

long sys_sched_getscheduler(struct task *t, const struct syscall_args *a)
{
	struct task_sched s;
	long err = sched_of(t, ARG_INT(a, 0), &s);

	if (err)
		return err;
	return s.policy | (s.reset_on_fork ? SCHED_RESET_ON_FORK : 0);
}

long sys_sched_getparam(struct task *t, const struct syscall_args *a)
{
	struct task_sched s;
	struct sched_param sp;
	long err;

	if (!a->a[1])
		return -EINVAL;
	err = sched_of(t, ARG_INT(a, 0), &s);
	if (err)
		return err;
	sp.sched_priority = rt_policy(s.policy) ? s.rt_priority : 0;
	return copy_to_user(t->tg->mm, a->a[1], &sp, sizeof(sp));
}

/* --- sched_setscheduler, sched_setparam --- */

struct set_sched {
	int policy;                     /* -1: keep (sched_setparam) */
	int prio;
	bool reset_on_fork;
	bool set_nice;                  /* sched_setattr of a fair policy */
	int nice;
	bool keep_params;               /* SCHED_FLAG_KEEP_PARAMS */
};

/* __sched_setscheduler()'s user_check, for a caller without CAP_SYS_NICE. */
static long may_set_sched(struct task *self, struct task *p, const struct set_sched *s)
{
	rlim_t rtprio = p->tg->rlim[RLIMIT_RTPRIO].rlim_cur;

	if (capable(&self->tg->cred, CAP_SYS_NICE))
		return 0;
	if (rt_policy(s->policy)) {
		if (s->policy != p->sched.policy && !rtprio)
			return -EPERM;
		if (s->prio > p->sched.rt_priority && (rlim_t)s->prio > rtprio)
			return -EPERM;
	}
	if (s->set_nice && s->nice < p->sched.nice && !can_nice(self, p, s->nice))
		return -EPERM;
	/* leaving SCHED_IDLE is raising one's priority */
	if (p->sched.policy == SCHED_IDLE && s->policy != SCHED_IDLE &&
	    !can_nice(self, p, p->sched.nice))
		return -EPERM;
	if (!same_owner(self, p))
		return -EPERM;
	/* the flag, once set, is dropped only with the capability */
	if (p->sched.reset_on_fork && !s->reset_on_fork)
		return -EPERM;
	return 0;
}

static long set_sched(struct task *self, struct task *p, void *arg)
{
	struct set_sched s = *(struct set_sched *)arg;
	long err;

	if (s.policy < 0) {
		s.policy = p->sched.policy;
		s.reset_on_fork = p->sched.reset_on_fork;
	}
	if (rt_policy(s.policy) != (s.prio != 0))
		return -EINVAL;
	s.set_nice &= !rt_policy(s.policy);
	/* SCHED_FLAG_KEEP_PARAMS (for utilisation hints alone): policy and
	 * parameters stay, only the reset-on-fork flag is taken */
	if (s.keep_params) {
		s.policy = p->sched.policy;
		s.prio = p->sched.rt_priority;
		s.set_nice = false;
	}
	err = may_set_sched(self, p, &s);
	if (err)
		return err;
	p->sched.policy = s.policy;
	p->sched.rt_priority = s.prio;
	p->sched.reset_on_fork = s.reset_on_fork;
	if (s.set_nice)
		p->sched.nice = s.nice;
	return 0;
}

/* A policy the sandbox keeps (SCHED_DEADLINE is not one: EINVAL). */
static bool known_policy(int policy)
{
	switch (policy) {
	case SCHED_OTHER: case SCHED_FIFO: case SCHED_RR: case SCHED_BATCH: case SCHED_IDLE:
		return true;
	default:
		return false;
	}
}

static long do_set_sched(struct task *t, pid_t pid, int policy, uint64_t uparam)
{
	struct sched_param sp;
	struct set_sched s = { .policy = policy };

	if (!uparam || pid < 0)
		return -EINVAL;
	if (copy_from_user(t->tg->mm, &sp, uparam, sizeof(sp)))
		return -EFAULT;
	if (policy >= 0) {
		s.reset_on_fork = policy & SCHED_RESET_ON_FORK;
		s.policy = policy & ~SCHED_RESET_ON_FORK;
		if (!known_policy(s.policy))
			return -EINVAL;
	}
	if (sp.sched_priority < 0 || sp.sched_priority > MAX_RT_PRIO)
		return -EINVAL;
	s.prio = sp.sched_priority;
	return with_task(t, pid, set_sched, &s);
}

/* --- sched_setattr, sched_getattr: the same state in struct sched_attr --- */

struct k_sched_attr {
	uint32_t size, policy;
	uint64_t flags;
	int32_t nice;
	uint32_t priority;
	uint64_t runtime, deadline, period;
	uint32_t util_min, util_max;
};
#define SCHED_ATTR_SIZE_VER0 48
#define SCHED_FLAG_RESET_ON_FORK_ 0x01
#define SCHED_FLAG_KEEP_POLICY_ 0x08
#define SCHED_FLAG_KEEP_PARAMS_ 0x10
#define SCHED_FLAG_UTIL_CLAMP_ 0x60

/* copy_struct_from_user(): a larger struct's extra bytes must be zero. */
static long get_attr(struct task *t, uint64_t uattr, struct k_sched_attr *ka)
{
	uint32_t size;
	unsigned char extra[64];

	if (copy_from_user(t->tg->mm, &size, uattr, sizeof(size)))
		return -EFAULT;
	if (!size)
		size = SCHED_ATTR_SIZE_VER0;
	if (size < SCHED_ATTR_SIZE_VER0 || size > PAGE_SIZE)
		goto too_big;
	memset(ka, 0, sizeof(*ka));
	if (copy_from_user(t->tg->mm, ka, uattr, size < sizeof(*ka) ? size : sizeof(*ka)))
		return -EFAULT;
	for (uint64_t at = sizeof(*ka); at < size; at += sizeof(extra)) {
		size_t n = size - at < sizeof(extra) ? size - at : sizeof(extra);

		if (copy_from_user(t->tg->mm, extra, uattr + at, n))
			return -EFAULT;
		for (size_t i = 0; i < n; i++)
			if (extra[i])
				goto too_big;
	}
	return 0;
too_big:
	size = sizeof(*ka);
	return copy_to_user(t->tg->mm, uattr, &size, sizeof(size)) ?: -E2BIG;
}

long sys_sched_setattr(struct task *t, const struct syscall_args *a)
{
	struct k_sched_attr ka;
	struct set_sched s = { 0 };
	long err;

	if (!a->a[1] || ARG_INT(a, 0) < 0 || a->a[2])
		return -EINVAL;
	err = get_attr(t, a->a[1], &ka);
	if (err)
		return err;
	if ((int)ka.policy < 0 || (ka.flags & ~(uint64_t)(SCHED_FLAG_RESET_ON_FORK_ |
		SCHED_FLAG_KEEP_POLICY_ | SCHED_FLAG_KEEP_PARAMS_ | SCHED_FLAG_UTIL_CLAMP_)))
		return -EINVAL;
	s.policy = ka.flags & SCHED_FLAG_KEEP_POLICY_ ? -1 : (int)ka.policy;
	if (s.policy >= 0 && !known_policy(s.policy))
		return -EINVAL;
	if (ka.priority > MAX_RT_PRIO)
		return -EINVAL;
	s.prio = (int)ka.priority;
	s.reset_on_fork = ka.flags & SCHED_FLAG_RESET_ON_FORK_;
	s.keep_params = ka.flags & SCHED_FLAG_KEEP_PARAMS_;
	s.set_nice = true;
	s.nice = ka.nice < -20 ? -20 : ka.nice > 19 ? 19 : ka.nice;
	return with_task(t, ARG_INT(a, 0), set_sched, &s);
}

long sys_sched_getattr(struct task *t, const struct syscall_args *a)
{
	struct task_sched s;
	struct k_sched_attr ka = { .util_max = 1024 };  /* uclamp's defaults */
	uint64_t usize = a->a[2];
	long err;

	if (!a->a[1] || usize > PAGE_SIZE || usize < SCHED_ATTR_SIZE_VER0 || a->a[3])
		return -EINVAL;
	err = sched_of(t, ARG_INT(a, 0), &s);
	if (err)
		return err;
	ka.policy = (uint32_t)s.policy;
	ka.flags = s.reset_on_fork ? SCHED_FLAG_RESET_ON_FORK_ : 0;
	if (rt_policy(s.policy))
		ka.priority = (uint32_t)s.rt_priority;
	else
		ka.nice = s.nice;
	ka.size = (uint32_t)(usize < sizeof(ka) ? usize : sizeof(ka));
	return copy_to_user(t->tg->mm, a->a[1], &ka, ka.size);
}

long sys_sched_setscheduler(struct task *t, const struct syscall_args *a)
{
	if (ARG_INT(a, 1) < 0)
		return -EINVAL;
	return do_set_sched(t, ARG_INT(a, 0), ARG_INT(a, 1), a->a[2]);
}

long sys_sched_setparam(struct task *t, const struct syscall_args *a)
{
	return do_set_sched(t, ARG_INT(a, 0), -1, a->a[1]);
}

long sys_sched_get_priority_max(struct task *t, const struct syscall_args *a)
{
	(void)t;
	switch (ARG_INT(a, 0)) {
	case SCHED_FIFO: case SCHED_RR:
		return MAX_RT_PRIO;
	case SCHED_OTHER: case SCHED_BATCH: case SCHED_IDLE: case SCHED_DEADLINE_POLICY:
		return 0;
	default:
		return -EINVAL;
	}
}

long sys_sched_get_priority_min(struct task *t, const struct syscall_args *a)
{
	long max = sys_sched_get_priority_max(t, a);

	return max > 0 ? 1 : max;
}

/* Linux: 0 for FIFO (no slice), RR_TIMESLICE for RR, CFS's slice else. */
long sys_sched_rr_get_interval(struct task *t, const struct syscall_args *a)
{
	struct task_sched s;
	struct timespec ts = { 0, 0 };
	long err = sched_of(t, ARG_INT(a, 0), &s);

	if (err)
		return err;
	if (s.policy == SCHED_RR)
		ts.tv_nsec = RR_TIMESLICE_NS;
	else if (s.policy != SCHED_FIFO)
		ts.tv_nsec = 4000000;   /* one tick at HZ=250, as Debian's kernel shows */
	return copy_to_user(t->tg->mm, a->a[1], &ts, sizeof(ts));
}

/* --- affinity: a mask of the sandbox's CPUs, per thread --- */

struct set_cpus {
	uint64_t mask;
};

static long set_cpus(struct task *self, struct task *p, void *arg)
{
	uint64_t mask = ((struct set_cpus *)arg)->mask & sandbox.cpu_mask;

	if (!same_owner(self, p) && !capable(&self->tg->cred, CAP_SYS_NICE))
		return -EPERM;
	if (!mask)
		return -EINVAL;
	p->sched.cpus = mask;
	return 0;
}

long sys_sched_setaffinity(struct task *t, const struct syscall_args *a)
{
	struct set_cpus s = { 0 };
	size_t len = a->a[1] < CPUMASK_BYTES ? a->a[1] : CPUMASK_BYTES;

	/* a shorter mask is zero-extended, a longer one cut (get_user_cpu_mask) */
	if (copy_from_user(t->tg->mm, &s.mask, a->a[2], len))
		return -EFAULT;
	return with_task(t, ARG_INT(a, 0), set_cpus, &s);
}

/* The number of CPU ids Linux would know: one past the highest. */
static unsigned nr_cpu_ids(void)
{
	return sandbox.cpu_mask ? 64 - (unsigned)__builtin_clzll(sandbox.cpu_mask) : 1;
}

long sys_sched_getaffinity(struct task *t, const struct syscall_args *a)
{
	struct task_sched s;
	uint64_t mask;
	long err;

	if (a->a[1] * 8 < nr_cpu_ids() || (a->a[1] & 7))
		return -EINVAL;
	err = with_task(t, ARG_INT(a, 0), get_sched, &s);
	if (err)
		return err;
	mask = s.cpus & sandbox.cpu_mask;
	return copy_to_user(t->tg->mm, a->a[2], &mask, sizeof(mask)) ?: CPUMASK_BYTES;
}

/*
 * getcpu: where the caller's thread trapped, if in its affinity; node 0.
 * Not where its sentry thread runs: that one may spin on another CPU.
 */
long sys_getcpu(struct task *t, const struct syscall_args *a)
{
	uint64_t cpus = t->sched.cpus & sandbox.cpu_mask;
	int cpu = stub_thread_cpu(t->st);
	unsigned c, node = 0;

	if (cpu < 0 || cpu >= 64 || !((cpus >> cpu) & 1))
		cpu = cpus ? __builtin_ctzll(cpus) : 0;
	c = (unsigned)cpu;
	if (a->a[0] && copy_to_user(t->tg->mm, a->a[0], &c, sizeof(c)))
		return -EFAULT;
	if (a->a[1] && copy_to_user(t->tg->mm, a->a[1], &node, sizeof(node)))
		return -EFAULT;
	return 0;
}

/*
 * --- nice values: getpriority/setpriority ---
 * PRIO_PROCESS names one thread (any tid), PRIO_PGRP every thread of a
 * process group, PRIO_USER every thread whose real uid is who; who 0 is
 * the caller's own.
 */
struct prio_walk {
	int which;
	uint32_t who;
	int nice;                       /* setpriority's */
	long ret;                       /* -ESRCH until one thread matched */
	bool io;                        /* ioprio_get/set: nice is the I/O priority */
};

static bool prio_match(const struct thread_group *tg, const struct task *x,
		       const struct prio_walk *w)
{
	switch (w->which) {
	case PRIO_PROCESS:
		return x->tid == (pid_t)w->who;
	case PRIO_PGRP:
		return tg->pgid == (pid_t)w->who;
	default:
		return tg->cred.uid == w->who;
	}
}

/* Linux's set_one_prio(). */
static long set_one_nice(struct task *self, struct task *p, int nice, long err)
{
	if (!same_owner(self, p) && !capable(&self->tg->cred, CAP_SYS_NICE))
		return -EPERM;
	if (nice < p->sched.nice && !can_nice(self, p, nice))
		return -EACCES;
	p->sched.nice = nice;
	return err == -ESRCH ? 0 : err;
}

/*
 * I/O priorities (ioprio_get/ioprio_set): kept per thread and read back as
 * Linux 6.x keeps them; the host does the sandbox's I/O for the sentry, at
 * the sentry's priority.  The value is class << 13 | hint << 3 | level.
 */
#define IOPRIO_CLASS(p) (((p) >> 13) & 7)
#define IOPRIO_LEVEL(p) ((p) & 7)
enum { IOPRIO_CLASS_NONE, IOPRIO_CLASS_RT, IOPRIO_CLASS_BE, IOPRIO_CLASS_IDLE };
#define IOPRIO_BE_NORM ((IOPRIO_CLASS_BE << 13) | 4)

/* Linux's ioprio_best(): the higher of two, no class counting as best-effort 4. */
static int ioprio_best(int a, int b)
{
	a = IOPRIO_CLASS(a) == IOPRIO_CLASS_NONE ? IOPRIO_BE_NORM : a;
	b = IOPRIO_CLASS(b) == IOPRIO_CLASS_NONE ? IOPRIO_BE_NORM : b;
	return a < b ? a : b;
}

/* Linux's set_task_ioprio(): the caller owns p by uid, or has CAP_SYS_NICE. */
static long set_one_ioprio(struct task *self, struct task *p, int prio, long err)
{
	const struct creds *c = &self->tg->cred;

	if (p->tg->cred.uid != c->euid && p->tg->cred.uid != c->uid &&
	    !capable(c, CAP_SYS_NICE))
		return -EPERM;
	p->sched.ioprio = prio;
	return err == -ESRCH ? 0 : err;
}

static void prio_walk(struct task *self, struct prio_walk *w, bool set)
{
	pthread_mutex_lock(&sandbox.lock);
	for (struct thread_group *tg = sandbox.tgs; tg; tg = tg->next_tg) {
		if (tg->reaped)
			continue;
		pthread_mutex_lock(&tg->lock);
		for (struct task *x = tg->tasks; x; x = x->next) {
			if (!prio_match(tg, x, w))
				continue;
			if (w->io && set)
				w->ret = set_one_ioprio(self, x, w->nice, w->ret);
			else if (w->io && w->which == PRIO_PROCESS)
				w->ret = x->sched.ioprio;
			else if (w->io)     /* a group's: never "none", even alone */
				w->ret = ioprio_best(w->ret == -ESRCH ? x->sched.ioprio : (int)w->ret,
						     x->sched.ioprio);
			else if (set)
				w->ret = set_one_nice(self, x, w->nice, w->ret);
			else if (20 - x->sched.nice > w->ret)
				w->ret = 20 - x->sched.nice;
		}
		pthread_mutex_unlock(&tg->lock);
	}
	pthread_mutex_unlock(&sandbox.lock);
}

static int prio_args(struct task *t, const struct syscall_args *a, struct prio_walk *w)
{
	w->which = ARG_INT(a, 0);
	w->who = ARG_UINT(a, 1);
	w->ret = -ESRCH;
	if (w->which < PRIO_PROCESS || w->which > PRIO_USER)
		return -EINVAL;
	if (!w->who)
		w->who = w->which == PRIO_PROCESS ? (uint32_t)t->tid :
			 w->which == PRIO_PGRP ? (uint32_t)t->tg->pgid : t->tg->cred.uid;
	return 0;
}

/* The raw syscall returns the highest priority found as 20 - nice (1..40). */
long sys_getpriority(struct task *t, const struct syscall_args *a)
{
	struct prio_walk w = { 0 };
	int err = prio_args(t, a, &w);

	if (err)
		return err;
	prio_walk(t, &w, false);
	return w.ret;
}

long sys_setpriority(struct task *t, const struct syscall_args *a)
{
	struct prio_walk w = { 0 };
	int err = prio_args(t, a, &w);

	if (err)
		return err;
	w.nice = ARG_INT(a, 2) < -20 ? -20 : ARG_INT(a, 2) > 19 ? 19 : ARG_INT(a, 2);
	prio_walk(t, &w, true);
	return w.ret;
}

/* Linux's ioprio_check_cap(): the class and level a value may ask for. */
static int ioprio_check(const struct task *t, int prio)
{
	switch (IOPRIO_CLASS(prio)) {
	case IOPRIO_CLASS_RT:
		if (!capable(&t->tg->cred, CAP_SYS_NICE) && !capable(&t->tg->cred, CAP_SYS_ADMIN))
			return -EPERM;
		return 0;
	case IOPRIO_CLASS_BE:
	case IOPRIO_CLASS_IDLE:
		return 0;
	case IOPRIO_CLASS_NONE:
		return IOPRIO_LEVEL(prio) ? -EINVAL : 0;
	default:
		return -EINVAL;
	}
}

/* ioprio's "which" is getpriority's plus one (IOPRIO_WHO_PROCESS is 1). */
static int ioprio_args(struct task *t, const struct syscall_args *a, struct prio_walk *w)
{
	struct syscall_args b = *a;

	b.a[0] = (uint64_t)(ARG_INT(a, 0) - 1);
	w->io = true;
	return prio_args(t, &b, w);
}

long sys_ioprio_get(struct task *t, const struct syscall_args *a)
{
	struct prio_walk w = { 0 };
	int err = ioprio_args(t, a, &w);

	if (err)
		return err;
	prio_walk(t, &w, false);
	return w.ret;
}

long sys_ioprio_set(struct task *t, const struct syscall_args *a)
{
	struct prio_walk w = { 0 };
	int err = ioprio_args(t, a, &w);

	if (!err)
		err = ioprio_check(t, ARG_INT(a, 2));
	if (err)
		return err;
	w.nice = ARG_INT(a, 2);
	prio_walk(t, &w, true);
	return w.ret;
}
