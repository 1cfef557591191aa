/* SPDX-License-Identifier: MIT */
/*
 * Credentials, process groups and sessions: state of the sandbox, never
 * of the host.  The rules for credentials are
 * Linux's (kernel/cred.c has the capability side of them).
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/capability.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/times.h>
#include <time.h>
#include <unistd.h>

#include "kernel/tty.h"
#include "mm/mm.h"
#include "syscalls/syscalls.h"

/*
 * The set*id calls, as kernel/sys.c has them: without CAP_SETUID (or
 * CAP_SETGID) an id may only become one the caller already holds; an id
 * the sandbox does not map is EINVAL.  cred_fix_setuid() then moves the
 * capability sets as Linux does.
 */

/* The sandbox's view of one id kind: uids or gids of a set of creds. */
struct ids {
	uint32_t *r, *e, *s, *fs;
	int cap;                        /* CAP_SETUID or CAP_SETGID */
	bool (*valid)(uint32_t);
};

static struct ids ids_of(struct creds *c, bool gid)
{
	if (gid)
		return (struct ids){ &c->gid, &c->egid, &c->sgid, &c->fsgid, CAP_SETGID, gid_valid };
	return (struct ids){ &c->uid, &c->euid, &c->suid, &c->fsuid, CAP_SETUID, uid_valid };
}

static bool held(const struct ids *o, uint32_t id)
{
	return id == *o->r || id == *o->e || id == *o->s;
}

static struct creds creds_of(struct task *t)
{
	struct creds c;

	pthread_mutex_lock(&t->tg->lock);
	c = t->tg->cred;
	pthread_mutex_unlock(&t->tg->lock);
	return c;
}

/* Commit new creds made from old; uid changes move the capabilities. */
static long commit_ids(struct task *t, struct creds *new, const struct creds *old, bool gid)
{
	if (!gid)
		cred_fix_setuid(new, old, false);
	cred_commit(t->tg, new);
	return 0;
}

static long set_id(struct task *t, uint32_t id, bool gid)
{
	struct creds old = creds_of(t), new = old;
	struct ids o = ids_of(&old, gid), n = ids_of(&new, gid);

	if (!o.valid(id))
		return -EINVAL;
	if (capable(&old, o.cap))
		*n.r = *n.s = id;
	else if (id != *o.r && id != *o.s)
		return -EPERM;
	*n.e = *n.fs = id;
	return commit_ids(t, &new, &old, gid);
}

static long set_re(struct task *t, uint32_t r, uint32_t e, bool gid)
{
	struct creds old = creds_of(t), new = old;
	struct ids o = ids_of(&old, gid), n = ids_of(&new, gid);
	bool priv = capable(&old, o.cap);

	if ((r != (uint32_t)-1 && !o.valid(r)) || (e != (uint32_t)-1 && !o.valid(e)))
		return -EINVAL;
	if (r != (uint32_t)-1) {
		if (r != *o.r && r != *o.e && !priv)
			return -EPERM;
		*n.r = r;
	}
	if (e != (uint32_t)-1) {
		if (!held(&o, e) && !priv)
			return -EPERM;
		*n.e = e;
	}
	/* the saved id follows a new real id, or an effective one not the real */
	if (r != (uint32_t)-1 || (e != (uint32_t)-1 && e != *o.r))
		*n.s = *n.e;
	*n.fs = *n.e;
	return commit_ids(t, &new, &old, gid);
}

static long set_res(struct task *t, uint32_t r, uint32_t e, uint32_t s, bool gid)
{
	struct creds old = creds_of(t), new = old;
	struct ids o = ids_of(&old, gid), n = ids_of(&new, gid);
	const uint32_t none = (uint32_t)-1;

	if ((r != none && !o.valid(r)) || (e != none && !o.valid(e)) ||
	    (s != none && !o.valid(s)))
		return -EINVAL;
	if ((r == none || r == *o.r) && (e == none || (e == *o.e && e == *o.fs)) &&
	    (s == none || s == *o.s))
		return 0;       /* nothing changes */
	if (((r != none && !held(&o, r)) || (e != none && !held(&o, e)) ||
	     (s != none && !held(&o, s))) && !capable(&old, o.cap))
		return -EPERM;
	if (r != none)
		*n.r = r;
	if (e != none)
		*n.e = e;
	if (s != none)
		*n.s = s;
	*n.fs = *n.e;
	return commit_ids(t, &new, &old, gid);
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
	return set_id(t, ARG_UINT(a, 0), false);
}

long sys_setgid(struct task *t, const struct syscall_args *a)
{
	return set_id(t, ARG_UINT(a, 0), true);
}

long sys_setreuid(struct task *t, const struct syscall_args *a)
{
	return set_re(t, ARG_UINT(a, 0), ARG_UINT(a, 1), false);
}

long sys_setregid(struct task *t, const struct syscall_args *a)
{
	return set_re(t, ARG_UINT(a, 0), ARG_UINT(a, 1), true);
}

/* setfsuid/setfsgid: the old value, whether or not the change was allowed. */
static long set_fs(struct task *t, uint32_t id, bool gid)
{
	struct creds old = creds_of(t), new = old;
	struct ids o = ids_of(&old, gid), n = ids_of(&new, gid);

	if (!o.valid(id) || id == *o.fs)
		return *o.fs;
	if (held(&o, id) || capable(&old, o.cap)) {
		*n.fs = id;
		if (!gid)
			cred_fix_setuid(&new, &old, true);
		cred_commit(t->tg, &new);
	}
	return *o.fs;
}

long sys_setfsuid(struct task *t, const struct syscall_args *a)
{
	return set_fs(t, ARG_UINT(a, 0), false);
}

long sys_setfsgid(struct task *t, const struct syscall_args *a)
{
	return set_fs(t, ARG_UINT(a, 0), true);
}

/* setgroups: CAP_SETGID, and gids the sandbox maps. */
long sys_setgroups(struct task *t, const struct syscall_args *a)
{
	struct creds c = creds_of(t);
	uint32_t groups[32];
	int n = ARG_INT(a, 0);

	if (!capable(&c, CAP_SETGID))
		return -EPERM;
	if (n < 0 || n > 65536)                 /* NGROUPS_MAX */
		return -EINVAL;
	/* the whole list is read first, as Linux does (EFAULT before any
	 * other answer); more than 32 groups are EINVAL here */
	for (int i = 0; i < n; i += 32) {
		int k = n - i < 32 ? n - i : 32;

		if (copy_from_user(t->tg->mm, groups, a->a[1] + (uint64_t)i * 4, (size_t)k * 4))
			return -EFAULT;
	}
	if (n > 32)
		return -EINVAL;
	if (copy_from_user(t->tg->mm, groups, a->a[1], (size_t)n * 4))
		return -EFAULT;
	for (int i = 0; i < n; i++)
		if (!gid_valid(groups[i]))
			return -EINVAL;
	cred_set_groups(&c, groups, n);
	cred_commit(t->tg, &c);
	return 0;
}

/* The header of capget and capset (linux/capability.h). */
struct cap_hdr {
	uint32_t version;
	int pid;
};

struct cap_data {
	uint32_t eff, perm, inh;
};

/* cap_validate_magic(): the data words the header's version has (1 or 2);
 * an unknown version gets the preferred one written back, and -EINVAL. */
static int cap_words(struct task *t, uint64_t uhdr, struct cap_hdr *hdr)
{
	if (copy_from_user(t->tg->mm, hdr, uhdr, sizeof(*hdr)))
		return -EFAULT;
	switch (hdr->version) {
	case _LINUX_CAPABILITY_VERSION_1:
		return _LINUX_CAPABILITY_U32S_1;
	case _LINUX_CAPABILITY_VERSION_2:
	case _LINUX_CAPABILITY_VERSION_3:
		return _LINUX_CAPABILITY_U32S_3;
	}
	hdr->version = _LINUX_CAPABILITY_VERSION_3;
	return copy_to_user(t->tg->mm, uhdr, &hdr->version, 4) ? -EFAULT : -EINVAL;
}

/* capget: any process's sets; a NULL data pointer only asks the version. */
long sys_capget(struct task *t, const struct syscall_args *a)
{
	struct cap_hdr hdr;
	struct cap_data d[2];
	int n = cap_words(t, a->a[0], &hdr);
	struct creds c;

	if (!a->a[1] || n < 0)
		return !a->a[1] && n == -EINVAL ? 0 : (n < 0 ? n : 0);
	if (hdr.pid < 0)
		return -EINVAL;
	if (hdr.pid && hdr.pid != t->tid && hdr.pid != t->tg->pid) {
		struct thread_group *o = tg_find(hdr.pid);

		if (!o)
			return -ESRCH;
		pthread_mutex_lock(&o->lock);
		c = o->cred;
		pthread_mutex_unlock(&o->lock);
		tg_put(o);
	} else {
		c = creds_of(t);
	}
	for (int i = 0; i < 2; i++)
		d[i] = (struct cap_data){ (uint32_t)(c.cap_eff >> (32 * i)),
					  (uint32_t)(c.cap_perm >> (32 * i)),
					  (uint32_t)(c.cap_inh >> (32 * i)) };
	return copy_to_user(t->tg->mm, a->a[1], d, (size_t)n * sizeof(d[0]));
}

/* capset: the caller's own sets only, by cap_capset()'s rules. */
long sys_capset(struct task *t, const struct syscall_args *a)
{
	struct creds c;
	struct cap_hdr hdr;
	struct cap_data d[2] = { { 0, 0, 0 }, { 0, 0, 0 } };
	int n = cap_words(t, a->a[0], &hdr);
	long err;

	if (n < 0)
		return n;
	if (hdr.pid && hdr.pid != t->tid)
		return -EPERM;
	if (copy_from_user(t->tg->mm, d, a->a[1], (size_t)n * sizeof(d[0])))
		return -EFAULT;
	c = creds_of(t);
	err = cred_capset(&c, (d[0].eff | (uint64_t)d[1].eff << 32) & CAP_ALL_MASK,
			  (d[0].inh | (uint64_t)d[1].inh << 32) & CAP_ALL_MASK,
			  (d[0].perm | (uint64_t)d[1].perm << 32) & CAP_ALL_MASK);
	if (!err)
		cred_commit(t->tg, &c);
	return err;
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

/* Is there a process group pgid in session sid? (sandbox.lock held; a
 * zombie still counts, as in Linux until it is reaped) */
static bool pgrp_in_session(pid_t pgid, pid_t sid)
{
	for (struct thread_group *o = sandbox.tgs; o; o = o->next_tg)
		if (!o->reaped && o->pgid == pgid)
			return o->sid == sid;
	return false;
}

/* Linux's setpgid: the caller or a child of its session that has not
 * exec'd; no session leader; an existing group of the same session. */
long sys_setpgid(struct task *t, const struct syscall_args *a)
{
	pid_t pid = ARG_INT(a, 0) ? ARG_INT(a, 0) : t->tg->pid;
	pid_t pgid = ARG_INT(a, 1) ? ARG_INT(a, 1) : pid;
	struct thread_group *me = t->tg, *tg;
	long err;

	if (pgid < 0)
		return -EINVAL;
	if (!(tg = tg_find(pid)))
		return -ESRCH;
	pthread_mutex_lock(&sandbox.lock);
	if (tg != me && tg->ppid == me->pid)
		/* vfork_done: a live child has exec'd (exit sets it too) */
		err = tg->sid != me->sid ? -EPERM : tg->vfork_done ? -EACCES : 0;
	else
		err = tg != me ? -ESRCH : 0;
	if (!err && tg->pid == tg->sid)
		err = -EPERM;
	if (!err && pgid != pid && !pgrp_in_session(pgid, me->sid))
		err = -EPERM;
	if (!err)
		tg->pgid = pgid;
	pthread_mutex_unlock(&sandbox.lock);
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

/* vhangup(2): needs CAP_SYS_TTY_CONFIG; hangs up the caller's controlling
 * terminal, if any (kernel/tty.c). */
long sys_vhangup(struct task *t, const struct syscall_args *a)
{
	(void)a;
	if (!capable(&t->tg->cred, CAP_SYS_TTY_CONFIG))
		return -EPERM;
	tty_vhangup_self(t->tg);
	return 0;
}

/* --- resource usage (kernel/rusage.c) --- */

long sys_getrusage(struct task *t, const struct syscall_args *a)
{
	struct rusage ru;
	int who = ARG_INT(a, 0);

	if (who != RUSAGE_CHILDREN && who != RUSAGE_SELF && who != RUSAGE_THREAD)
		return -EINVAL;
	task_usage(t, who, &ru);
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

	task_usage(t, RUSAGE_SELF, &self);
	task_usage(t, RUSAGE_CHILDREN, &children);
	tms.tms_utime = tv_ticks(self.ru_utime);
	tms.tms_stime = tv_ticks(self.ru_stime);
	tms.tms_cutime = tv_ticks(children.ru_utime);
	tms.tms_cstime = tv_ticks(children.ru_stime);
	if (a->a[0] && copy_to_user(t->tg->mm, a->a[0], &tms, sizeof(tms)))
		return -EFAULT;
	clock_gettime(CLOCK_MONOTONIC, &now);
	return now.tv_sec * 100 + now.tv_nsec / 10000000;
}
