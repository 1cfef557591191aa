/* SPDX-License-Identifier: MIT */
/*
 * seccomp in the sandbox, run by the sentry on each application call
 * before its handler (syscalls/table.c): the container's profile
 * (linux.seccomp, compiled by libseccomp in oci/seccomp_profile.c) and the
 * filters the application installs itself with seccomp(2) or
 * prctl(PR_SET_SECCOMP) (sshd's privilege separation, systemd's
 * SystemCallFilter, browsers, bubblewrap).  None of them reaches the
 * host: the application's filters are classic BPF programs the sentry
 * checks as Linux does (common/bpf_run.h) and interprets.
 *
 * As Linux's kernel/seccomp.c: a thread's filters are a chain, newest
 * first, shared by reference with the threads and children that inherit
 * it; every filter runs and the most restrictive action wins (the newest
 * on a tie), the profile being the oldest.  ERRNO returns its value (at
 * most 4095), TRAP sends SIGSYS with the call's details and skips it
 * (rax keeps the number, as syscall_rollback), TRACE and USER_NOTIF find
 * no tracer and no listener here (ENOSYS), KILL_THREAD ends the thread,
 * KILL_PROCESS (and any unknown action) the process, LOG and ALLOW run it.
 * Strict mode allows read, write, exit and rt_sigreturn; anything else
 * kills with SIGKILL.
 */
#include <errno.h>
#include <linux/audit.h>
#include <linux/capability.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>

#include "bpf_run.h"
#include "kernel/kernel.h"

#define MAX_ERRNO 4095
#define MAX_INSNS_PER_PATH (1 << 15)    /* Linux: instructions over a chain */

struct seccomp_filter {
	int refs;
	bool log;
	struct seccomp_filter *prev;
	size_t len;
	struct sock_filter prog[];
};

static const struct sock_filter *prog;
static size_t prog_len;

void app_seccomp_set(const struct sock_filter *p, size_t n)
{
	prog = p;
	prog_len = n;
}

/* Does the sandbox run a profile on the application's calls? */
bool app_seccomp_active(void)
{
	return prog_len > 0;
}

static struct seccomp_filter *filter_get(struct seccomp_filter *f)
{
	if (f)
		__atomic_add_fetch(&f->refs, 1, __ATOMIC_RELAXED);
	return f;
}

static void filter_put(struct seccomp_filter *f)
{
	while (f && !__atomic_sub_fetch(&f->refs, 1, __ATOMIC_ACQ_REL)) {
		struct seccomp_filter *prev = f->prev;

		free(f);
		f = prev;
	}
}

/* Linux's ACTION_ONLY(): actions compare as signed numbers, lowest wins. */
static int32_t action_only(uint32_t ret)
{
	return (int32_t)(ret & SECCOMP_RET_ACTION_FULL);
}

/* Every filter of t (held: filter_put it) and the profile on d. */
static uint32_t run_filters(struct task *t, const struct seccomp_data *d)
{
	struct seccomp_filter *chain;
	uint32_t ret = SECCOMP_RET_ALLOW;

	pthread_mutex_lock(&t->tg->lock);       /* TSYNC may replace the chain */
	chain = filter_get(t->seccomp);
	pthread_mutex_unlock(&t->tg->lock);
	for (struct seccomp_filter *f = chain; f; f = f->prev) {
		uint32_t cur = bpf_run(f->prog, f->len, d);

		if (action_only(cur) < action_only(ret))
			ret = cur;
	}
	filter_put(chain);
	if (prog) {
		uint32_t cur = bpf_run(prog, prog_len, d);

		if (action_only(cur) < action_only(ret))
			ret = cur;
	}
	return ret;
}

static void send_sigsys(struct task *t, const struct syscall_args *a, uint32_t data)
{
	siginfo_t si;

	memset(&si, 0, sizeof(si));
	si.si_signo = SIGSYS;
	si.si_code = 1;                 /* SYS_SECCOMP */
	si.si_errno = (int)data;
	si.si_call_addr = (void *)(uintptr_t)t->regs.rip;
	si.si_syscall = (int)a->nr;
	si.si_arch = AUDIT_ARCH_X86_64;
	send_signal_info(t->tg, t, &si);
}

static bool strict_allows(long nr)
{
	return nr == SYS_read || nr == SYS_write || nr == SYS_exit || nr == SYS_rt_sigreturn;
}

int app_seccomp_check(struct task *t, const struct syscall_args *a, long *ret)
{
	int mode = __atomic_load_n(&t->seccomp_mode, __ATOMIC_ACQUIRE);
	struct seccomp_data d;
	uint32_t r, data;

	*ret = -ENOSYS;
	if (mode == SECCOMP_MODE_STRICT) {
		if (strict_allows(a->nr))
			return SECCOMP_GO_ON;
		send_signal_tg(t->tg, SIGKILL);
		return SECCOMP_SKIP;
	}
	if (!prog && mode != SECCOMP_MODE_FILTER)
		return SECCOMP_GO_ON;   /* every call of an unfiltered task: nothing more */
	d = (struct seccomp_data){ .nr = (int)a->nr, .arch = AUDIT_ARCH_X86_64,
				   .instruction_pointer = t->regs.rip };
	memcpy(d.args, a->a, sizeof(d.args));
	r = run_filters(t, &d);
	data = r & SECCOMP_RET_DATA;
	switch (r & SECCOMP_RET_ACTION_FULL) {
	case SECCOMP_RET_ALLOW:
	case SECCOMP_RET_LOG:
		return SECCOMP_GO_ON;
	case SECCOMP_RET_ERRNO:
		/* an errno of 0 makes the skipped call "succeed" with 0 */
		*ret = -(long)(data > MAX_ERRNO ? MAX_ERRNO : data);
		return SECCOMP_SKIP;
	case SECCOMP_RET_TRAP:
		send_sigsys(t, a, data);
		*ret = a->nr;
		return SECCOMP_SKIP;
	case SECCOMP_RET_TRACE:
	case SECCOMP_RET_USER_NOTIF:
		return SECCOMP_SKIP;    /* no tracer, no listener: ENOSYS */
	case SECCOMP_RET_KILL_THREAD:
		return SECCOMP_KILL_THREAD;
	default:                        /* KILL_PROCESS and unknown actions */
		return SECCOMP_KILL_PROCESS;
	}
}

/* Linux's seccomp_may_assign_mode() and the privilege check. */
static long may_set(struct task *t, int mode)
{
	if (t->seccomp_mode && t->seccomp_mode != mode)
		return -EINVAL;
	if (mode == SECCOMP_MODE_FILTER && !t->tg->no_new_privs &&
	    !capable(&t->tg->cred, CAP_SYS_ADMIN))
		return -EACCES;
	return 0;
}

long seccomp_set_strict(struct task *t)
{
	long err = may_set(t, SECCOMP_MODE_STRICT);

	if (!err)
		__atomic_store_n(&t->seccomp_mode, SECCOMP_MODE_STRICT, __ATOMIC_RELEASE);
	return err;
}

static size_t chain_insns(const struct seccomp_filter *f)
{
	size_t n = 0;

	for (; f; f = f->prev)
		n += f->len + 4;        /* Linux counts a 4-instruction penalty per filter */
	return n;
}

/* Is old one of the filters of chain (so TSYNC may move a thread on)? */
static bool is_ancestor(const struct seccomp_filter *old, const struct seccomp_filter *chain)
{
	if (!old)
		return true;
	for (; chain; chain = chain->prev)
		if (chain == old)
			return true;
	return false;
}

/* TSYNC (tg->lock held): every thread's chain must lead to t's. */
static pid_t tsync_blocker(struct task *t)
{
	for (struct task *o = t->tg->tasks; o; o = o->next)
		if (o != t && (o->seccomp_mode == SECCOMP_MODE_STRICT ||
			       !is_ancestor(o->seccomp, t->seccomp)))
			return o->tid;
	return 0;
}

long seccomp_set_filter(struct task *t, unsigned flags, const struct sock_filter *p,
			size_t len)
{
	struct seccomp_filter *f;
	long err = may_set(t, SECCOMP_MODE_FILTER);
	pid_t blocker;

	if (err)
		return err;
	if (bpf_check_seccomp(p, len))
		return -EINVAL;
	f = malloc(sizeof(*f) + len * sizeof(*p));
	if (!f)
		return -ENOMEM;
	f->refs = 1;
	f->log = flags & SECCOMP_FILTER_FLAG_LOG;
	f->len = len;
	memcpy(f->prog, p, len * sizeof(*p));
	pthread_mutex_lock(&t->tg->lock);
	blocker = (flags & SECCOMP_FILTER_FLAG_TSYNC) ? tsync_blocker(t) : 0;
	if (blocker || chain_insns(t->seccomp) + len + 4 > MAX_INSNS_PER_PATH) {
		pthread_mutex_unlock(&t->tg->lock);
		free(f);
		if (!blocker)
			return -ENOMEM;
		return (flags & SECCOMP_FILTER_FLAG_TSYNC_ESRCH) ? -ESRCH : blocker;
	}
	f->prev = t->seccomp;           /* the caller's reference moves to f */
	t->seccomp = f;
	__atomic_store_n(&t->seccomp_mode, SECCOMP_MODE_FILTER, __ATOMIC_RELEASE);
	if (flags & SECCOMP_FILTER_FLAG_TSYNC)
		for (struct task *o = t->tg->tasks; o; o = o->next) {
			if (o == t)
				continue;
			filter_put(o->seccomp);
			o->seccomp = filter_get(f);
			__atomic_store_n(&o->seccomp_mode, SECCOMP_MODE_FILTER, __ATOMIC_RELEASE);
		}
	pthread_mutex_unlock(&t->tg->lock);
	return 0;
}

void seccomp_fork(struct task *child, const struct task *parent)
{
	pthread_mutex_lock(&parent->tg->lock);
	child->seccomp_mode = parent->seccomp_mode;
	child->seccomp = filter_get(parent->seccomp);
	pthread_mutex_unlock(&parent->tg->lock);
}

void seccomp_exit(struct task *t)
{
	filter_put(t->seccomp);
	t->seccomp = NULL;
}

void seccomp_state(struct task *t, int *mode, int *nfilters)
{
	int n = 0;

	for (struct seccomp_filter *f = t->seccomp; f; f = f->prev)
		n++;
	*mode = t->seccomp_mode ? t->seccomp_mode : (prog ? SECCOMP_MODE_FILTER : 0);
	*nfilters = n + (prog != NULL);
}
