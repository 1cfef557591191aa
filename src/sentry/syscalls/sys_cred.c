/* SPDX-License-Identifier: MIT */
/*
 * Credentials, process groups and sessions, scheduling parameters: state
 * of the sandbox, never of the host.  The sandbox's uid 0 can change its
 * ids freely; anyone else only among its real, effective and saved ids.
 */
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/times.h>
#include <time.h>
#include <unistd.h>

#include "mm/mm.h"
#include "syscalls/syscalls.h"

/* The capability each privileged operation of this file needs. */
#define CAP_CHOWN_ 0
#define CAP_KILL_ 5
#define CAP_SETGID_ 6
#define CAP_SETUID_ 7
#define CAP_SETPCAP_ 8
#define CAP_SYS_NICE_ 23

/*
 * Linux's rule when uids change: leaving uid 0 (all of real, effective and
 * saved) drops the permitted and effective sets; an effective uid going
 * from 0 to non-0 drops the effective set, and back to 0 restores it.
 */
static void fix_caps(struct creds *c, uint32_t old_r, uint32_t old_e, uint32_t old_s)
{
	bool was_root = !old_r || !old_e || !old_s;

	if (was_root && c->uid && c->euid && c->suid) {
		c->cap_perm = 0;
		c->cap_eff = 0;
	} else if (!old_e && c->euid) {
		c->cap_eff = 0;
	} else if (old_e && !c->euid) {
		c->cap_eff = c->cap_perm;
	}
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

	uint32_t ou = c->uid, oe = c->euid, os = c->suid;

	pthread_mutex_lock(&tg->lock);
	if (!capable(c, gid ? CAP_SETGID_ : CAP_SETUID_) &&
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
		if (!gid)
			fix_caps(c, ou, oe, os);
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

	if (capable(&t->tg->cred, CAP_SETUID_))
		return set_res(t, id, id, id, false);
	return set_res(t, (uint32_t)-1, id, (uint32_t)-1, false);
}

long sys_setgid(struct task *t, const struct syscall_args *a)
{
	uint32_t id = ARG_UINT(a, 0);

	if (capable(&t->tg->cred, CAP_SETGID_))
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
	if (!capable(c, CAP_SETGID_))
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

	if (capable(&t->tg->cred, CAP_SETUID_) || ARG_UINT(a, 0) == t->tg->cred.euid)
		t->tg->cred.fsuid = ARG_UINT(a, 0);
	return old;
}

long sys_setfsgid(struct task *t, const struct syscall_args *a)
{
	uint32_t old = t->tg->cred.fsgid;

	if (capable(&t->tg->cred, CAP_SETGID_) || ARG_UINT(a, 0) == t->tg->cred.egid)
		t->tg->cred.fsgid = ARG_UINT(a, 0);
	return old;
}

struct cap_hdr {
	uint32_t version;
	int pid;
};

struct cap_data {
	uint32_t eff, perm, inh;
};

/* The header's version: how many data words follow; 0 after fixing it up. */
static int cap_words(struct task *t, uint64_t uhdr, struct cap_hdr *hdr)
{
	if (copy_from_user(t->tg->mm, hdr, uhdr, sizeof(*hdr)))
		return -EFAULT;
	switch (hdr->version) {
	case 0x19980330:
		return 1;
	case 0x20071026: case 0x20080522:
		return 2;
	}
	hdr->version = 0x20080522;      /* tell the caller the preferred one */
	return copy_to_user(t->tg->mm, uhdr, hdr, sizeof(*hdr)) ? -EFAULT : 0;
}

/* capget: the group's sets, sandbox state (the config's, then capset's). */
long sys_capget(struct task *t, const struct syscall_args *a)
{
	struct thread_group *tg = t->tg;
	struct cap_hdr hdr;
	struct cap_data d[2];
	int n = cap_words(t, a->a[0], &hdr);
	struct creds c;

	if (n <= 0)
		return n ? n : (a->a[1] ? -EINVAL : 0);
	if (hdr.pid && hdr.pid != tg->pid) {
		struct thread_group *o = tg_find(hdr.pid);

		if (!o)
			return -ESRCH;
		c = o->cred;
		tg_put(o);
	} else {
		c = tg->cred;
	}
	if (!a->a[1])
		return 0;
	for (int i = 0; i < 2; i++)
		d[i] = (struct cap_data){ (uint32_t)(c.cap_eff >> (32 * i)),
					  (uint32_t)(c.cap_perm >> (32 * i)),
					  (uint32_t)(c.cap_inh >> (32 * i)) };
	return copy_to_user(tg->mm, a->a[1], d, (size_t)n * sizeof(d[0]));
}

/*
 * capset, with the kernel's rules: only the caller's own sets; permitted
 * may only shrink; effective within permitted; inheritable within
 * permitted and the bounding set unless CAP_SETPCAP.
 */
long sys_capset(struct task *t, const struct syscall_args *a)
{
	struct creds *c = &t->tg->cred;
	struct cap_hdr hdr;
	struct cap_data d[2] = { { 0, 0, 0 }, { 0, 0, 0 } };
	int n = cap_words(t, a->a[0], &hdr);
	uint64_t eff, perm, inh;

	if (n <= 0)
		return n ? n : -EINVAL;
	if (hdr.pid && hdr.pid != t->tg->pid && hdr.pid != t->tid)
		return -EPERM;
	if (copy_from_user(t->tg->mm, d, a->a[1], (size_t)n * sizeof(d[0])))
		return -EFAULT;
	eff = d[0].eff | (uint64_t)d[1].eff << 32;
	perm = d[0].perm | (uint64_t)d[1].perm << 32;
	inh = d[0].inh | (uint64_t)d[1].inh << 32;
	if ((perm & ~c->cap_perm) || (eff & ~perm))
		return -EPERM;
	if ((inh & ~(c->cap_inh | c->cap_perm)) && !capable(c, CAP_SETPCAP_))
		return -EPERM;
	if (inh & ~(c->cap_inh | c->cap_bnd))
		return -EPERM;
	pthread_mutex_lock(&t->tg->lock);
	c->cap_eff = eff;
	c->cap_perm = perm;
	c->cap_inh = inh;
	c->cap_amb &= perm & inh;       /* ambient stays within both */
	pthread_mutex_unlock(&t->tg->lock);
	return 0;
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
	uint64_t mask = sandbox.cpu_mask;

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

/* --- nice values: kept per process, the host's priority never changes --- */

/* The processes (which, who) names, who resolved: who == 0 means the caller's. */
static bool prio_match(const struct thread_group *tg, int which, uint32_t who)
{
	if (tg->reaped)
		return false;
	switch (which) {
	case PRIO_PROCESS:
		return tg->pid == (pid_t)who;
	case PRIO_PGRP:
		return tg->pgid == (pid_t)who;
	default:
		return tg->cred.uid == who;
	}
}

static uint32_t prio_who(struct task *t, int which, uint32_t who)
{
	if (who)
		return who;
	if (which == PRIO_PROCESS)
		return (uint32_t)t->tg->pid;
	return which == PRIO_PGRP ? (uint32_t)t->tg->pgid : t->tg->cred.uid;
}

/* The raw syscall returns the highest priority found as 20 - nice (1..40). */
long sys_getpriority(struct task *t, const struct syscall_args *a)
{
	int which = ARG_INT(a, 0);
	uint32_t who;
	long ret = -ESRCH;

	if (which < PRIO_PROCESS || which > PRIO_USER)
		return -EINVAL;
	who = prio_who(t, which, ARG_UINT(a, 1));
	pthread_mutex_lock(&sandbox.lock);
	for (struct thread_group *tg = sandbox.tgs; tg; tg = tg->next_tg)
		if (prio_match(tg, which, who) && 20 - tg->nice > ret)
			ret = 20 - tg->nice;
	pthread_mutex_unlock(&sandbox.lock);
	return ret;
}

/* Linux's set_one_prio(): err is -ESRCH until a process is changed. */
static long set_one_nice(const struct thread_group *me, struct thread_group *tg,
			 int nice, long err)
{
	const struct creds *c = &me->cred;

	if (!capable(c, CAP_SYS_NICE_) && tg->cred.uid != c->euid && tg->cred.euid != c->euid)
		return -EPERM;
	/* raising priority takes CAP_SYS_NICE or an RLIMIT_NICE allowing it */
	if (nice < tg->nice && !capable(c, CAP_SYS_NICE_) &&
	    (rlim_t)(20 - nice) > me->rlim[RLIMIT_NICE].rlim_cur)
		return -EACCES;
	tg->nice = nice;
	return err == -ESRCH ? 0 : err;
}

long sys_setpriority(struct task *t, const struct syscall_args *a)
{
	int which = ARG_INT(a, 0), nice = ARG_INT(a, 2);
	uint32_t who;
	long err = -ESRCH;

	if (which < PRIO_PROCESS || which > PRIO_USER)
		return -EINVAL;
	nice = nice < -20 ? -20 : nice > 19 ? 19 : nice;
	who = prio_who(t, which, ARG_UINT(a, 1));
	pthread_mutex_lock(&sandbox.lock);
	for (struct thread_group *tg = sandbox.tgs; tg; tg = tg->next_tg)
		if (prio_match(tg, which, who))
			err = set_one_nice(t->tg, tg, nice, err);
	pthread_mutex_unlock(&sandbox.lock);
	return err;
}

/* --- resource usage: the host's accounting of the stub processes --- */

/* A host /proc file of pid (of its thread tid, if not 0), NUL-terminated. */
static int read_proc(pid_t pid, pid_t tid, const char *name, char *buf, size_t size)
{
	char path[64];
	ssize_t n;
	int fd;

	if (tid)
		snprintf(path, sizeof(path), "%d/task/%d/%s", pid, tid, name);
	else
		snprintf(path, sizeof(path), "%d/%s", pid, name);
	fd = openat(host_proc_fd, path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	n = read(fd, buf, size - 1);
	close(fd);
	if (n < 0)
		return -EIO;
	buf[n] = '\0';
	return 0;
}

static void ns_to_tv(uint64_t ns, struct timeval *tv)
{
	tv->tv_sec = (time_t)(ns / 1000000000u);
	tv->tv_usec = (suseconds_t)(ns % 1000000000u / 1000);
}

/*
 * CPU time and faults of a host process (or of its thread tid).  A process's
 * CPU clock is exact; the tick-sampled utime:stime of /proc/.../stat only
 * says how to split it, as Linux splits it for its own getrusage.  Another
 * process's thread clocks cannot be read: threads get the ticks alone.
 */
static int host_times(pid_t pid, pid_t tid, struct rusage *ru)
{
	clockid_t cid = (clockid_t)((~(unsigned)pid << 3) | 2);   /* CPUCLOCK_SCHED */
	unsigned long minflt, majflt, ut, st;
	uint64_t tick = 1000000000u / (uint64_t)sysconf(_SC_CLK_TCK), total, u;
	struct timespec ts;
	char buf[1024], *p;
	int err = read_proc(pid, tid, "stat", buf, sizeof(buf));

	if (err)
		return err;
	p = strrchr(buf, ')');  /* the name may hold anything but this */
	if (!p || sscanf(p + 1, " %*c %*d %*d %*d %*d %*d %*u %lu %*u %lu %*u %lu %lu",
			 &minflt, &majflt, &ut, &st) != 4)
		return -EIO;
	total = (ut + st) * tick;
	if (!tid && !clock_gettime(cid, &ts))
		total = (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
	u = ut + st ? (uint64_t)((unsigned __int128)total * ut / (ut + st)) : total;
	ns_to_tv(u, &ru->ru_utime);
	ns_to_tv(total - u, &ru->ru_stime);
	ru->ru_minflt = (long)minflt;
	ru->ru_majflt = (long)majflt;
	return 0;
}

/* The peak resident set of a host process in KiB; 0 once its memory is gone. */
static long host_maxrss(pid_t pid)
{
	char buf[4096], *p;

	if (read_proc(pid, 0, "status", buf, sizeof(buf)))
		return 0;
	p = strstr(buf, "\nVmHWM:");
	return p ? strtol(p + 7, NULL, 10) : 0;
}

/* The usage of tg's stub process (its thread tid, if not 0) as of now. */
static int stub_usage(struct thread_group *tg, pid_t tid, struct rusage *ru)
{
	struct stub_proc *p = tg->mm->proc;
	int err;

	memset(ru, 0, sizeof(*ru));
	/* a dead stub's pid is the host's again: it may name another process */
	if (__atomic_load_n(&p->dead, __ATOMIC_SEQ_CST))
		return -ESRCH;
	err = host_times(p->host_pid, tid, ru);
	if (!err)
		ru->ru_maxrss = host_maxrss(p->host_pid);
	return err;
}

/*
 * The host forgets a stub's usage when the reaper waits for it, which can
 * be before the parent's wait4: keep the last sample for RUSAGE_CHILDREN.
 * Called before each kill of a living stub; a later sample has more time.
 */
void tg_account_exit(struct thread_group *tg)
{
	struct rusage ru;

	if (stub_usage(tg, 0, &ru))
		return;
	pthread_mutex_lock(&tg->lock);
	if (ru.ru_maxrss < tg->ru_self.ru_maxrss)
		ru.ru_maxrss = tg->ru_self.ru_maxrss;   /* a zombie has no memory left */
	tg->ru_self = ru;
	pthread_mutex_unlock(&tg->lock);
}

static void self_usage(struct task *t, bool thread, struct rusage *ru)
{
	if (stub_usage(t->tg, thread ? t->st->host_tid : 0, ru)) {
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

long sys_getrusage(struct task *t, const struct syscall_args *a)
{
	struct rusage ru;
	int who = ARG_INT(a, 0);

	if (who == RUSAGE_CHILDREN)
		children_usage(t, &ru);
	else if (who == RUSAGE_SELF || who == RUSAGE_THREAD)
		self_usage(t, who == RUSAGE_THREAD, &ru);
	else
		return -EINVAL;
	return copy_to_user(t->tg->mm, a->a[1], &ru, sizeof(ru));
}

/* times(2) counts in USER_HZ ticks, 100 a second on x86_64. */
static clock_t tv_ticks(struct timeval tv)
{
	return (clock_t)(tv.tv_sec * 100 + tv.tv_usec / 10000);
}

long sys_times(struct task *t, const struct syscall_args *a)
{
	struct rusage self, children;
	struct tms tms;
	struct timespec now;

	self_usage(t, false, &self);
	children_usage(t, &children);
	tms.tms_utime = tv_ticks(self.ru_utime);
	tms.tms_stime = tv_ticks(self.ru_stime);
	tms.tms_cutime = tv_ticks(children.ru_utime);
	tms.tms_cstime = tv_ticks(children.ru_stime);
	if (a->a[0] && copy_to_user(t->tg->mm, a->a[0], &tms, sizeof(tms)))
		return -EFAULT;
	clock_gettime(CLOCK_MONOTONIC, &now);
	return now.tv_sec * 100 + now.tv_nsec / 10000000;
}
