/* SPDX-License-Identifier: MIT */
/* Identity, limits and the thread's own registers. */
#include <errno.h>
#include <limits.h>
#include <sched.h>
#include <linux/capability.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/random.h>
#include <sys/resource.h>
#include <sys/sysinfo.h>
#include <time.h>
#include <sys/utsname.h>

#include "mm/mm.h"
#include "syscalls/syscalls.h"
#include "vfs/vfs.h"

/* What the sandbox says it runs: its own kernel, not the host's. */
#define UTS_RELEASE "6.1.0-cvisor"
#define UTS_VERSION "#1 SMP PREEMPT_DYNAMIC cvisor 0.1"

long sys_getpid(struct task *t, const struct syscall_args *a)
{
	(void)a;
	return t->tg->pid;
}

long sys_gettid(struct task *t, const struct syscall_args *a)
{
	(void)a;
	return t->tid;
}

long sys_getppid(struct task *t, const struct syscall_args *a)
{
	(void)a;
	return t->tg->ppid;
}

long sys_getuid(struct task *t, const struct syscall_args *a)
{
	(void)a;
	return t->tg->cred.uid;
}

long sys_geteuid(struct task *t, const struct syscall_args *a)
{
	(void)a;
	return t->tg->cred.euid;
}

long sys_getgid(struct task *t, const struct syscall_args *a)
{
	(void)a;
	return t->tg->cred.gid;
}

long sys_getegid(struct task *t, const struct syscall_args *a)
{
	(void)a;
	return t->tg->cred.egid;
}

static long put_three(struct task *t, const struct syscall_args *a, uint32_t x,
		      uint32_t y, uint32_t z)
{
	struct mm *mm = t->tg->mm;

	if (copy_to_user(mm, a->a[0], &x, 4) || copy_to_user(mm, a->a[1], &y, 4) ||
	    copy_to_user(mm, a->a[2], &z, 4))
		return -EFAULT;
	return 0;
}

long sys_getresuid(struct task *t, const struct syscall_args *a)
{
	const struct creds *c = &t->tg->cred;

	return put_three(t, a, c->uid, c->euid, c->suid);
}

long sys_getresgid(struct task *t, const struct syscall_args *a)
{
	const struct creds *c = &t->tg->cred;

	return put_three(t, a, c->gid, c->egid, c->sgid);
}

long sys_getgroups(struct task *t, const struct syscall_args *a)
{
	const struct creds *c = &t->tg->cred;
	int size = ARG_INT(a, 0);

	if (size < 0)
		return -EINVAL;
	if (size == 0)
		return c->ngroups;
	if ((unsigned)size < c->ngroups)
		return -EINVAL;
	return copy_to_user(t->tg->mm, a->a[1], c->groups, c->ngroups * 4) ?: (long)c->ngroups;
}

long sys_set_tid_address(struct task *t, const struct syscall_args *a)
{
	t->clear_child_tid = a->a[0];
	return t->tid;
}

long sys_set_robust_list(struct task *t, const struct syscall_args *a)
{
	if (a->a[1] != 24)              /* sizeof(struct robust_list_head) */
		return -EINVAL;
	t->robust_list = a->a[0];
	t->robust_len = a->a[1];
	return 0;
}

/* get_robust_list of any thread of the sandbox (0: the caller), with
 * ptrace's read rule on the real ids, as Linux (else EPERM). */
long sys_get_robust_list(struct task *t, const struct syscall_args *a)
{
	pid_t tid = ARG_INT(a, 0);
	uint64_t len = 24, head = t->robust_list;

	if (tid != 0 && tid != t->tid) {
		const struct fs_struct *fs;
		struct thread_group *tg = tg_find_tid(tid, &fs);
		bool found = false;

		if (!tg)
			return -ESRCH;
		if (!ptrace_may_access_real(t, tg)) {
			tg_put(tg);
			return -EPERM;
		}
		pthread_mutex_lock(&tg->lock);
		for (struct task *x = tg->tasks; x && !found; x = x->next)
			if (x->tid == tid) {
				head = x->robust_list;
				found = true;
			}
		pthread_mutex_unlock(&tg->lock);
		tg_put(tg);
		if (!found)
			return -ESRCH;
	}
	if (copy_to_user(t->tg->mm, a->a[1], &head, 8) ||
	    copy_to_user(t->tg->mm, a->a[2], &len, 8))
		return -EFAULT;
	return 0;
}

/*
 * rseq needs the kernel to restart critical sections when the thread is
 * preempted or migrated: the sentry cannot see host preemption.  glibc and
 * others fall back to plain atomics on ENOSYS, as they do on gVisor.
 */
long sys_rseq(struct task *t, const struct syscall_args *a)
{
	(void)t;
	(void)a;
	return -ENOSYS;
}

long sys_uname(struct task *t, const struct syscall_args *a)
{
	struct utsname u;

	memset(&u, 0, sizeof(u));
	strcpy(u.sysname, "Linux");
	pthread_mutex_lock(&sandbox.lock);
	strcpy(u.nodename, sandbox.hostname);
	strcpy(u.domainname, sandbox.domainname);
	pthread_mutex_unlock(&sandbox.lock);
	strcpy(u.release, UTS_RELEASE);
	strcpy(u.version, UTS_VERSION);
	strcpy(u.machine, "x86_64");
	return copy_to_user(t->tg->mm, a->a[0], &u, sizeof(u));
}

/* sethostname, setdomainname: the sandbox's own UTS names; CAP_SYS_ADMIN. */
static long set_uts_name(struct task *t, const struct syscall_args *a, char name[65])
{
	char buf[65] = { 0 };
	int len = ARG_INT(a, 1);

	if (!capable(&t->tg->cred, CAP_SYS_ADMIN))
		return -EPERM;
	if (len < 0 || len > 64)
		return -EINVAL;
	if (copy_from_user(t->tg->mm, buf, a->a[0], (size_t)len))
		return -EFAULT;
	pthread_mutex_lock(&sandbox.lock);
	memcpy(name, buf, sizeof(buf));
	pthread_mutex_unlock(&sandbox.lock);
	return 0;
}

long sys_sethostname(struct task *t, const struct syscall_args *a)
{
	return set_uts_name(t, a, sandbox.hostname);
}

long sys_setdomainname(struct task *t, const struct syscall_args *a)
{
	return set_uts_name(t, a, sandbox.domainname);
}

/* The thread's clear_child_tid: zeroed and woken, as pthread_join waits on it. */
static void clear_tid(struct task *t)
{
	struct syscall_args wake = { .nr = 202, .a = { t->clear_child_tid, 1 /* WAKE */, 1 } };
	uint32_t zero = 0;

	if (t->clear_child_tid && !copy_to_user(t->tg->mm, t->clear_child_tid, &zero, 4))
		sys_futex(t, &wake);
}

long sys_exit(struct task *t, const struct syscall_args *a)
{
	return exit_thread(t, W_EXITCODE(ARG_INT(a, 0) & 0xff, 0));
}

long exit_thread(struct task *t, int wstatus)
{
	struct thread_group *tg = t->tg;
	bool last;

	pthread_mutex_lock(&tg->lock);
	last = tg->nr_tasks == 1;
	if (last && !tg->exiting) {
		tg->exiting = true;
		tg->exit_status = wstatus;
	}
	pthread_mutex_unlock(&tg->lock);
	if (last) {
		tg_release_mm(tg);
		return 0;
	}
	exit_robust_list(t);
	clear_tid(t);
	t->exit_thread = true;
	return 0;
}

long sys_exit_group(struct task *t, const struct syscall_args *a)
{
	do_exit_group(t, W_EXITCODE(ARG_INT(a, 0) & 0xff, 0));
	return 0;
}

long sys_getrandom(struct task *t, const struct syscall_args *a)
{
	char buf[256];
	size_t len = a->a[1], done = 0;
	unsigned flags = ARG_UINT(a, 2);

	if (flags & ~(GRND_NONBLOCK | GRND_RANDOM | GRND_INSECURE) ||
	    (flags & GRND_RANDOM && flags & GRND_INSECURE))
		return -EINVAL;
	if (len > 33554431)
		len = 33554431;
	while (done < len) {
		size_t n = len - done < sizeof(buf) ? len - done : sizeof(buf);
		ssize_t r = getrandom(buf, n, GRND_NONBLOCK);

		if (r <= 0)
			return done ? (long)done : -EAGAIN;
		if (copy_to_user(t->tg->mm, a->a[0] + done, buf, (size_t)r))
			return done ? (long)done : -EFAULT;
		done += (size_t)r;
	}
	return (long)done;
}

/*
 * May the caller read or change target's limits?  Linux's
 * check_prlimit_permission: its own, or one whose real, effective and
 * saved ids all are the caller's real ones, or CAP_SYS_RESOURCE.
 */
static bool prlimit_allowed(struct thread_group *self, struct thread_group *target)
{
	struct creds c, tc;

	if (self == target)
		return true;
	pthread_mutex_lock(&self->lock);
	c = self->cred;
	pthread_mutex_unlock(&self->lock);
	pthread_mutex_lock(&target->lock);
	tc = target->cred;
	pthread_mutex_unlock(&target->lock);
	return capable(&c, CAP_SYS_RESOURCE) ||
	       (c.uid == tc.uid && c.uid == tc.euid && c.uid == tc.suid &&
		c.gid == tc.gid && c.gid == tc.egid && c.gid == tc.sgid);
}

/* Set tg's limit res to nl (its old one in *old); the caller's own creds
 * decide whether a hard limit may rise.  Limits are sentry state only. */
static long rlimit_set(struct thread_group *tg, bool may_raise, unsigned res,
		       const struct rlimit *nl, struct rlimit *old)
{
	long err = 0;

	pthread_mutex_lock(&tg->lock);
	*old = tg->rlim[res];
	if (!nl)
		;
	else if (nl->rlim_cur > nl->rlim_max)
		err = -EINVAL;
	else if (nl->rlim_max > old->rlim_max && !may_raise)
		err = -EPERM;   /* raising a hard limit needs CAP_SYS_RESOURCE */
	else if (res == RLIMIT_NOFILE && nl->rlim_max > FD_NR_OPEN)
		err = -EPERM;
	else
		tg->rlim[res] = *nl;
	pthread_mutex_unlock(&tg->lock);
	return err;
}

/* prlimit64 on any process of the sandbox (0: the caller's); a thread id
 * names its process, as in Linux, whose limits are per process. */
long sys_prlimit64(struct task *t, const struct syscall_args *a)
{
	struct thread_group *self = t->tg, *tg;
	const struct fs_struct *fs;
	pid_t pid = ARG_INT(a, 0);
	unsigned res = ARG_UINT(a, 1);
	struct rlimit nl, old;
	bool may_raise;
	long err;

	if (res >= RLIM_NLIMITS)
		return -EINVAL;
	if (a->a[2] && copy_from_user(self->mm, &nl, a->a[2], sizeof(nl)))
		return -EFAULT;
	if (pid < 0)
		return -ESRCH;
	tg = pid == 0 || pid == self->pid ? tg_get(self) : tg_find_tid(pid, &fs);
	if (!tg)
		return -ESRCH;
	if (!prlimit_allowed(self, tg)) {
		tg_put(tg);
		return -EPERM;
	}
	pthread_mutex_lock(&self->lock);
	may_raise = capable(&self->cred, CAP_SYS_RESOURCE);
	pthread_mutex_unlock(&self->lock);
	err = rlimit_set(tg, may_raise, res, a->a[2] ? &nl : NULL, &old);
	tg_put(tg);
	if (err)
		return err;
	if (a->a[3] && copy_to_user(self->mm, a->a[3], &old, sizeof(old)))
		return -EFAULT;
	return 0;
}

long sys_getrlimit(struct task *t, const struct syscall_args *a)
{
	struct syscall_args b = { .nr = a->nr, .a = { 0, a->a[0], 0, a->a[1] } };

	return sys_prlimit64(t, &b);
}

long sys_setrlimit(struct task *t, const struct syscall_args *a)
{
	struct syscall_args b = { .nr = a->nr, .a = { 0, a->a[0], a->a[1], 0 } };

	return sys_prlimit64(t, &b);
}

#define ARCH_SET_GS 0x1001
#define ARCH_SET_FS 0x1002
#define ARCH_GET_FS 0x1003
#define ARCH_GET_GS 0x1004

long sys_arch_prctl(struct task *t, const struct syscall_args *a)
{
	uint64_t v;

	switch (ARG_INT(a, 0)) {
	case ARCH_SET_FS:
	case ARCH_SET_GS:
		if (a->a[1] >= 0x7ffffffff000UL)  /* TASK_SIZE_MAX */
			return -EPERM;
		if (ARG_INT(a, 0) == ARCH_SET_FS)
			t->regs.fs_base = a->a[1];
		else if (platform_fsgsbase)     /* the stub restores GS too */
			t->regs.gs_base = a->a[1];
		else
			return -EINVAL;
		return 0;
	case ARCH_GET_FS:
	case ARCH_GET_GS:
		v = ARG_INT(a, 0) == ARCH_GET_FS ? t->regs.fs_base : t->regs.gs_base;
		return copy_to_user(t->tg->mm, a->a[1], &v, sizeof(v));
	default:
		return -EINVAL;
	}
}

/* PR_SET_TIMERSLACK and /proc/PID/timerslack_ns: 0 is the default back;
 * a real-time thread keeps its slack (Linux gives those none to change). */
void timer_slack_set(struct task *t, uint64_t ns)
{
	if (t->sched.policy == SCHED_FIFO || t->sched.policy == SCHED_RR)
		return;
	t->sched.slack = ns ? ns : t->sched.default_slack;
}

long sys_prctl(struct task *t, const struct syscall_args *a)
{
	struct thread_group *tg = t->tg;
	char name[16];
	long n;

	switch (ARG_INT(a, 0)) {
	case PR_SET_NAME:
		n = strncpy_from_user(tg->mm, name, a->a[1], sizeof(name));
		if (n == -ENAMETOOLONG) {
			if (copy_from_user(tg->mm, name, a->a[1], sizeof(name) - 1))
				return -EFAULT;
		} else if (n < 0) {
			return n;
		}
		name[sizeof(name) - 1] = 0;
		pthread_mutex_lock(&tg->lock);
		task_set_comm(t, name);
		pthread_mutex_unlock(&tg->lock);
		return 0;
	case PR_GET_NAME:
		pthread_mutex_lock(&tg->lock);
		memcpy(name, t->comm, sizeof(name));
		pthread_mutex_unlock(&tg->lock);
		return copy_to_user(tg->mm, a->a[1], name, sizeof(name));
	case PR_SET_PDEATHSIG:
		if (a->a[1] > NSIG_LINUX)
			return -EINVAL;
		tg->pdeathsig = (int)a->a[1];
		return 0;
	case PR_GET_PDEATHSIG:
		return copy_to_user(tg->mm, a->a[1], &tg->pdeathsig, sizeof(int));
	case PR_SET_CHILD_SUBREAPER:
		tg->subreaper = a->a[1] != 0;
		return 0;
	case PR_GET_CHILD_SUBREAPER: {
		int v = tg->subreaper;

		return copy_to_user(tg->mm, a->a[1], &v, sizeof(v));
	}
	case PR_SET_NO_NEW_PRIVS:
		if (a->a[1] != 1 || a->a[2] || a->a[3] || a->a[4])
			return -EINVAL;
		tg->no_new_privs = true;
		return 0;
	case PR_GET_NO_NEW_PRIVS:
		if (a->a[1] || a->a[2] || a->a[3] || a->a[4])
			return -EINVAL;
		return tg->no_new_privs;
	case PR_SET_DUMPABLE:
		if (a->a[1] > 1)
			return -EINVAL;
		tg->undumpable = !a->a[1];
		return 0;
	case PR_GET_DUMPABLE:
		return !tg->undumpable;
	case PR_GET_SECCOMP: {
		/* the container's profile, which the sentry runs, is the
		 * thread's first filter (mode 2) as under runc */
		int mode, n;

		pthread_mutex_lock(&tg->lock);
		seccomp_state(t, &mode, &n);
		pthread_mutex_unlock(&tg->lock);
		return mode;
	}
	case PR_SET_SECCOMP:
		return seccomp_prctl(t, a->a[1], a->a[2]);
	case PR_CAPBSET_READ:
	case PR_CAPBSET_DROP:
	case PR_GET_SECUREBITS:
	case PR_SET_SECUREBITS:
	case PR_GET_KEEPCAPS:
	case PR_SET_KEEPCAPS:
	case PR_CAP_AMBIENT:
		return cred_prctl(tg, ARG_INT(a, 0), &a->a[1]);
	case PR_GET_TIMERSLACK:
		return (long)(t->sched.slack > LONG_MAX ? LONG_MAX : t->sched.slack);
	case PR_SET_TIMERSLACK:
		timer_slack_set(t, a->a[1]);
		return 0;
	default:
		return -EINVAL;
	}
}

long sys_sched_yield(struct task *t, const struct syscall_args *a)
{
	(void)t;
	(void)a;
	sched_yield();
	return 0;
}

/* sysinfo: the sandbox's uptime and process count, the host's memory. */
long sys_sysinfo(struct task *t, const struct syscall_args *a)
{
	struct sysinfo si, host;
	struct timespec now;
	int procs = 0;

	memset(&si, 0, sizeof(si));
	if (sysinfo(&host) == 0) {
		si.totalram = host.totalram;
		si.freeram = host.freeram;
		si.sharedram = host.sharedram;
		si.bufferram = host.bufferram;
		si.totalswap = host.totalswap;
		si.freeswap = host.freeswap;
		si.mem_unit = host.mem_unit;
	}
	clock_gettime(CLOCK_MONOTONIC, &now);
	si.uptime = now.tv_sec - sandbox.boot_time.tv_sec;
	pthread_mutex_lock(&sandbox.lock);
	for (struct thread_group *tg = sandbox.tgs; tg; tg = tg->next_tg)
		procs += tg->nr_tasks;
	pthread_mutex_unlock(&sandbox.lock);
	si.procs = (unsigned short)procs;
	return copy_to_user(t->tg->mm, a->a[0], &si, sizeof(si));
}
