/* SPDX-License-Identifier: MIT */
/*
 * Interval timers and POSIX timers: the arguments copied and checked here,
 * the timers themselves in kernel/timer.c.
 */
#include <errno.h>
#include <sys/time.h>
#include <time.h>

#include "mm/mm.h"
#include "syscalls/syscalls.h"

static struct itimerval to_itimerval(const struct itimerspec *o)
{
	return (struct itimerval){
		{ o->it_interval.tv_sec, o->it_interval.tv_nsec / 1000 },
		{ o->it_value.tv_sec, o->it_value.tv_nsec / 1000 },
	};
}

long sys_setitimer(struct task *t, const struct syscall_args *a)
{
	struct itimerval nv = { { 0, 0 }, { 0, 0 } }, ov;
	struct itimerspec v, o;

	if (ARG_INT(a, 0) < ITIMER_REAL || ARG_INT(a, 0) > ITIMER_PROF)
		return -EINVAL;
	if (a->a[1] && copy_from_user(t->tg->mm, &nv, a->a[1], sizeof(nv)))
		return -EFAULT;
	if (nv.it_value.tv_usec < 0 || nv.it_value.tv_usec >= 1000000 ||
	    nv.it_interval.tv_usec < 0 || nv.it_interval.tv_usec >= 1000000)
		return -EINVAL;
	v.it_value = (struct timespec){ nv.it_value.tv_sec, nv.it_value.tv_usec * 1000 };
	v.it_interval = (struct timespec){ nv.it_interval.tv_sec, nv.it_interval.tv_usec * 1000 };
	if (itimer_set(t->tg, ARG_INT(a, 0), &v, &o))
		return -ENOMEM;
	ov = to_itimerval(&o);
	if (a->a[2] && copy_to_user(t->tg->mm, a->a[2], &ov, sizeof(ov)))
		return -EFAULT;
	return 0;
}

long sys_getitimer(struct task *t, const struct syscall_args *a)
{
	struct itimerval ov;
	struct itimerspec o = { { 0, 0 }, { 0, 0 } };

	if (ARG_INT(a, 0) < ITIMER_REAL || ARG_INT(a, 0) > ITIMER_PROF)
		return -EINVAL;
	itimer_get(t->tg, ARG_INT(a, 0), &o);
	ov = to_itimerval(&o);
	return copy_to_user(t->tg->mm, a->a[1], &ov, sizeof(ov));
}

long sys_alarm(struct task *t, const struct syscall_args *a)
{
	struct itimerspec v = { { 0, 0 }, { (time_t)ARG_UINT(a, 0), 0 } }, o;

	if (itimer_set(t->tg, ITIMER_REAL, &v, &o))
		return -ENOMEM;
	/* seconds left, rounded up as alarm(2) reports them */
	return o.it_value.tv_sec + (o.it_value.tv_nsec ? 1 : 0);
}

long sys_timer_create(struct task *t, const struct syscall_args *a)
{
	struct timer_event ev;
	struct cpu_clock cpu;
	clockid_t clock = ARG_INT(a, 0);
	bool on_cpu = clock < 0 || clock == CLOCK_PROCESS_CPUTIME_ID ||
		      clock == CLOCK_THREAD_CPUTIME_ID;
	int id, err;

	/* as Linux: the sigevent is read before the clock is looked at */
	if (a->a[1] && copy_from_user(t->tg->mm, &ev, a->a[1], sizeof(ev)))
		return -EFAULT;
	if (on_cpu && (err = cpu_clock_resolve(t, clock, &cpu)))
		return err;
	/* another process's CPU clock: its timers would outlive it here */
	if (on_cpu && cpu.pid != t->tg->pid)
		return -ENOTSUP;
	err = posix_timer_create(t->tg, clock, on_cpu ? &cpu : NULL, a->a[1] ? &ev : NULL, &id);
	if (err)
		return err;
	if (copy_to_user(t->tg->mm, a->a[2], &id, sizeof(id)))
		return -EFAULT;
	return 0;
}

long sys_timer_settime(struct task *t, const struct syscall_args *a)
{
	struct itimerspec v, o;
	int err;

	if (ARG_INT(a, 1) & ~TIMER_ABSTIME || !a->a[2])
		return -EINVAL;         /* no new setting: EINVAL, not EFAULT */
	if (copy_from_user(t->tg->mm, &v, a->a[2], sizeof(v)))
		return -EFAULT;
	err = posix_timer_settime(t->tg, ARG_INT(a, 0), ARG_INT(a, 1), &v, &o);
	if (err)
		return err;
	if (a->a[3] && copy_to_user(t->tg->mm, a->a[3], &o, sizeof(o)))
		return -EFAULT;
	return 0;
}

long sys_timer_gettime(struct task *t, const struct syscall_args *a)
{
	struct itimerspec o;
	int err = posix_timer_gettime(t->tg, ARG_INT(a, 0), &o);

	return err ? err : copy_to_user(t->tg->mm, a->a[1], &o, sizeof(o));
}

long sys_timer_getoverrun(struct task *t, const struct syscall_args *a)
{
	return posix_timer_getoverrun(t->tg, ARG_INT(a, 0));
}

long sys_timer_delete(struct task *t, const struct syscall_args *a)
{
	return posix_timer_delete(t->tg, ARG_INT(a, 0));
}
