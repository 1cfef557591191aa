/* SPDX-License-Identifier: MIT */
/*
 * Credentials, process groups and sessions, scheduling parameters: state
 * of the sandbox, never of the host.  The sandbox's uid 0 can change its
 * ids freely; anyone else only among its real, effective and saved ids.
 */
#include <errno.h>
#include <sched.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/times.h>
#include <time.h>
#include <unistd.h>

#include "mm/mm.h"
#include "syscalls/syscalls.h"

static bool privileged(const struct creds *c)
{
	return c->euid == 0;
}

static bool one_of(uint32_t id, uint32_t a, uint32_t b, uint32_t c)
{
	return id == a || id == b || id == c;
}

/* setresuid semantics; -1 leaves a field alone.  setuid/setreuid map here. */
static long set_res(struct task *t, uint32_t r, uint32_t e, uint32_t s, bool gid)
{
	struct thread_group *tg = t->tg;
	struct creds *c = &tg->cred;
	uint32_t *cr = gid ? &c->gid : &c->uid, *ce = gid ? &c->egid : &c->euid;
	uint32_t *cs = gid ? &c->sgid : &c->suid, *cf = gid ? &c->fsgid : &c->fsuid;
	long err = 0;

	pthread_mutex_lock(&tg->lock);
	if (!privileged(c) &&
	    ((r != (uint32_t)-1 && !one_of(r, *cr, *ce, *cs)) ||
	     (e != (uint32_t)-1 && !one_of(e, *cr, *ce, *cs)) ||
	     (s != (uint32_t)-1 && !one_of(s, *cr, *ce, *cs)))) {
		err = -EPERM;
	} else {
		if (r != (uint32_t)-1)
			*cr = r;
		if (e != (uint32_t)-1)
			*ce = e;
		if (s != (uint32_t)-1)
			*cs = s;
		*cf = *ce;
	}
	pthread_mutex_unlock(&tg->lock);
	return err;
}

long sys_setresuid(struct task *t, const struct syscall_args *a)
{
	return set_res(t, ARG_UINT(a, 0), ARG_UINT(a, 1), ARG_UINT(a, 2), false);
}

long sys_setresgid(struct task *t, const struct syscall_args *a)
{
	return set_res(t, ARG_UINT(a, 0), ARG_UINT(a, 1), ARG_UINT(a, 2), true);
}

long sys_setuid(struct task *t, const struct syscall_args *a)
{
	uint32_t id = ARG_UINT(a, 0);

	if (privileged(&t->tg->cred))
		return set_res(t, id, id, id, false);
	return set_res(t, (uint32_t)-1, id, (uint32_t)-1, false);
}

long sys_setgid(struct task *t, const struct syscall_args *a)
{
	uint32_t id = ARG_UINT(a, 0);

	if (privileged(&t->tg->cred))
		return set_res(t, id, id, id, true);
	return set_res(t, (uint32_t)-1, id, (uint32_t)-1, true);
}

long sys_setreuid(struct task *t, const struct syscall_args *a)
{
	return set_res(t, ARG_UINT(a, 0), ARG_UINT(a, 1), (uint32_t)-1, false);
}

long sys_setregid(struct task *t, const struct syscall_args *a)
{
	return set_res(t, ARG_UINT(a, 0), ARG_UINT(a, 1), (uint32_t)-1, true);
}

long sys_setgroups(struct task *t, const struct syscall_args *a)
{
	struct creds *c = &t->tg->cred;
	uint32_t groups[32];
	int n = ARG_INT(a, 0);

	if (n < 0 || n > 32)
		return -EINVAL;
	if (!privileged(c))
		return -EPERM;
	if (copy_from_user(t->tg->mm, groups, a->a[1], (size_t)n * 4))
		return -EFAULT;
	pthread_mutex_lock(&t->tg->lock);
	memcpy(c->groups, groups, (size_t)n * 4);
	c->ngroups = (uint32_t)n;
	pthread_mutex_unlock(&t->tg->lock);
	return 0;
}

long sys_setfsuid(struct task *t, const struct syscall_args *a)
{
	uint32_t old = t->tg->cred.fsuid;

	if (privileged(&t->tg->cred) || ARG_UINT(a, 0) == t->tg->cred.euid)
		t->tg->cred.fsuid = ARG_UINT(a, 0);
	return old;
}

long sys_setfsgid(struct task *t, const struct syscall_args *a)
{
	uint32_t old = t->tg->cred.fsgid;

	if (privileged(&t->tg->cred) || ARG_UINT(a, 0) == t->tg->cred.egid)
		t->tg->cred.fsgid = ARG_UINT(a, 0);
	return old;
}

/* capget: root in the sandbox holds every capability, others none. */
long sys_capget(struct task *t, const struct syscall_args *a)
{
	struct { uint32_t version; int pid; } hdr;
	struct { uint32_t eff, perm, inh; } data[2];
	uint32_t all = privileged(&t->tg->cred) ? 0xffffffffu : 0;

	if (copy_from_user(t->tg->mm, &hdr, a->a[0], sizeof(hdr)))
		return -EFAULT;
	if (hdr.version != 0x20080522 && hdr.version != 0x20071026 && hdr.version != 0x19980330) {
		hdr.version = 0x20080522;
		copy_to_user(t->tg->mm, a->a[0], &hdr, sizeof(hdr));
		return a->a[1] ? -EINVAL : 0;
	}
	if (!a->a[1])
		return 0;
	data[0] = (typeof(data[0])){ all, all, 0 };
	data[1] = (typeof(data[1])){ all & 0x1ff, all & 0x1ff, 0 };     /* caps 32..40 */
	return copy_to_user(t->tg->mm, a->a[1], data,
			    hdr.version == 0x19980330 ? sizeof(data[0]) : sizeof(data));
}

long sys_capset(struct task *t, const struct syscall_args *a)
{
	(void)a;
	return privileged(&t->tg->cred) ? 0 : -EPERM;
}

/* --- process groups and sessions --- */

long sys_getpgrp(struct task *t, const struct syscall_args *a)
{
	(void)a;
	return t->tg->pgid;
}

static long field_of(struct task *t, pid_t pid, bool sid)
{
	struct thread_group *tg = pid ? tg_find(pid) : t->tg;
	long ret;

	if (!tg)
		return -ESRCH;
	ret = sid ? tg->sid : tg->pgid;
	if (pid)
		tg_put(tg);
	return ret;
}

long sys_getpgid(struct task *t, const struct syscall_args *a)
{
	return field_of(t, ARG_INT(a, 0), false);
}

long sys_getsid(struct task *t, const struct syscall_args *a)
{
	return field_of(t, ARG_INT(a, 0), true);
}

long sys_setpgid(struct task *t, const struct syscall_args *a)
{
	pid_t pid = ARG_INT(a, 0) ? ARG_INT(a, 0) : t->tg->pid;
	pid_t pgid = ARG_INT(a, 1) ? ARG_INT(a, 1) : pid;
	struct thread_group *tg;
	long err = 0;

	if (pgid < 0)
		return -EINVAL;
	tg = tg_find(pid);
	if (!tg || (tg != t->tg && tg->ppid != t->tg->pid))
		err = -ESRCH;
	else if (tg->sid != t->tg->sid || tg->pid == tg->sid)
		err = -EPERM;
	else
		tg->pgid = pgid;
	if (tg)
		tg_put(tg);
	return err;
}

long sys_setsid(struct task *t, const struct syscall_args *a)
{
	struct thread_group *tg = t->tg;
	long ret;

	(void)a;
	pthread_mutex_lock(&sandbox.lock);
	ret = tg->pid;
	for (struct thread_group *o = sandbox.tgs; o; o = o->next_tg)
		if (o->pgid == tg->pid && !o->reaped)
			ret = -EPERM;   /* already a group leader */
	if (ret > 0)
		tg->sid = tg->pgid = tg->pid;
	pthread_mutex_unlock(&sandbox.lock);
	return ret;
}

/* --- scheduling: one policy, no real priorities in the sandbox --- */

long sys_sched_getaffinity(struct task *t, const struct syscall_args *a)
{
	long ncpu = sysconf(_SC_NPROCESSORS_ONLN);
	uint64_t mask = ncpu >= 64 ? ~0ULL : (1ULL << ncpu) - 1;

	if (ARG_INT(a, 0) && !tg_find(ARG_INT(a, 0)))
		return -ESRCH;
	if (a->a[1] < sizeof(mask) || (a->a[1] & 7))
		return -EINVAL;
	return copy_to_user(t->tg->mm, a->a[2], &mask, sizeof(mask)) ?: (long)sizeof(mask);
}

long sys_sched_setaffinity(struct task *t, const struct syscall_args *a)
{
	uint64_t mask = 0;

	(void)t;
	if (ARG_INT(a, 0) && !tg_find(ARG_INT(a, 0)))
		return -ESRCH;
	if (copy_from_user(t->tg->mm, &mask, a->a[2], a->a[1] < 8 ? a->a[1] : 8))
		return -EFAULT;
	return mask ? 0 : -EINVAL;
}

long sys_sched_getscheduler(struct task *t, const struct syscall_args *a)
{
	(void)t;
	if (ARG_INT(a, 0) < 0)
		return -EINVAL;
	return ARG_INT(a, 0) && !tg_find(ARG_INT(a, 0)) ? -ESRCH : SCHED_OTHER;
}

long sys_sched_getparam(struct task *t, const struct syscall_args *a)
{
	int prio = 0;

	if (ARG_INT(a, 0) < 0 || !a->a[1])
		return -EINVAL;
	if (ARG_INT(a, 0) && !tg_find(ARG_INT(a, 0)))
		return -ESRCH;
	return copy_to_user(t->tg->mm, a->a[1], &prio, sizeof(prio));
}

long sys_sched_get_priority_max(struct task *t, const struct syscall_args *a)
{
	(void)t;
	return ARG_INT(a, 0) == SCHED_FIFO || ARG_INT(a, 0) == SCHED_RR ? 99 : 0;
}

long sys_sched_get_priority_min(struct task *t, const struct syscall_args *a)
{
	(void)t;
	return ARG_INT(a, 0) == SCHED_FIFO || ARG_INT(a, 0) == SCHED_RR ? 1 : 0;
}

long sys_getpriority(struct task *t, const struct syscall_args *a)
{
	(void)t;
	if (ARG_INT(a, 0) < PRIO_PROCESS || ARG_INT(a, 0) > PRIO_USER)
		return -EINVAL;
	return 20;              /* nice 0, as the kernel encodes it (20 - nice) */
}

long sys_setpriority(struct task *t, const struct syscall_args *a)
{
	(void)t;
	if (ARG_INT(a, 0) < PRIO_PROCESS || ARG_INT(a, 0) > PRIO_USER)
		return -EINVAL;
	return ARG_INT(a, 2) < 0 && !privileged(&t->tg->cred) ? -EACCES : 0;
}

/* CPU time of the caller's stub process, from the host's per-process clock. */
static void cpu_time(struct task *t, struct timeval *tv)
{
	pid_t pid = t->tg->mm->proc->host_pid;
	clockid_t cid = (clockid_t)((~(unsigned)pid << 3) | 2);
	struct timespec ts = { 0, 0 };

	clock_gettime(cid, &ts);
	tv->tv_sec = ts.tv_sec;
	tv->tv_usec = ts.tv_nsec / 1000;
}

long sys_getrusage(struct task *t, const struct syscall_args *a)
{
	struct rusage ru;
	int who = ARG_INT(a, 0);

	if (who != RUSAGE_SELF && who != RUSAGE_CHILDREN && who != RUSAGE_THREAD)
		return -EINVAL;
	memset(&ru, 0, sizeof(ru));
	if (who != RUSAGE_CHILDREN)
		cpu_time(t, &ru.ru_utime);
	return copy_to_user(t->tg->mm, a->a[1], &ru, sizeof(ru));
}

long sys_times(struct task *t, const struct syscall_args *a)
{
	struct tms tms;
	struct timeval tv;
	struct timespec now;

	memset(&tms, 0, sizeof(tms));
	cpu_time(t, &tv);
	tms.tms_utime = tv.tv_sec * 100 + tv.tv_usec / 10000;
	if (a->a[0] && copy_to_user(t->tg->mm, a->a[0], &tms, sizeof(tms)))
		return -EFAULT;
	clock_gettime(CLOCK_MONOTONIC, &now);
	return now.tv_sec * 100 + now.tv_nsec / 10000000;
}
