/* SPDX-License-Identifier: MIT */
/*
 * fork, vfork and clone of a process (DESIGN.md §3, §4): the parent's
 * syscall thread runs a host clone, so the host makes the copy-on-write
 * copy of the address space; the sentry copies its own state (VMAs, fds,
 * signal dispositions, credentials) and starts the child's first thread
 * with the parent's registers and rax = 0.  The system calls decode their
 * arguments into do_clone() in syscalls/sys_fork.c.
 */
#include <errno.h>
#include <sched.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "kernel/kernel.h"
#include "mm/mm.h"
#include "vfs/vfs.h"

struct thread_group *tg_alloc(void)
{
	struct thread_group *tg = calloc(1, sizeof(*tg));

	if (!tg)
		return NULL;
	tg->sighand = sighand_new(NULL);
	if (!tg->sighand) {
		free(tg);
		return NULL;
	}
	pthread_mutex_init(&tg->lock, NULL);
	waitq_init(&tg->signalfd_wq);
	tg->pid = alloc_pid();
	tg->exit_signal = SIGCHLD;
	tg->exit_notify_fd = -1;
	tg->refs = 1;                   /* unreaped (tg_reap_locked drops it) */
	return tg;
}

void tg_link(struct thread_group *tg)
{
	pthread_mutex_lock(&sandbox.lock);
	tg->next_tg = sandbox.tgs;
	sandbox.tgs = tg;
	pthread_mutex_unlock(&sandbox.lock);
}

static struct thread_group *tg_copy(struct task *t, uint64_t flags)
{
	struct thread_group *p = t->tg, *tg = tg_alloc();

	if (!tg)
		return NULL;
	pthread_mutex_lock(&p->lock);
	tg->ppid = (flags & CLONE_PARENT) ? p->ppid : p->pid;
	tg->parent_tid = (flags & CLONE_PARENT) ? p->parent_tid : t->tid;
	tg->pgid = p->pgid;
	tg->sid = p->sid;
	if (flags & CLONE_SIGHAND) {
		sighand_put(tg->sighand);
		tg->sighand = p->sighand;
		__atomic_add_fetch(&tg->sighand->refs, 1, __ATOMIC_ACQ_REL);
	} else {
		pthread_mutex_lock(&p->sighand->lock);
		memcpy(tg->sighand->action, p->sighand->action, sizeof(tg->sighand->action));
		pthread_mutex_unlock(&p->sighand->lock);
	}
	memcpy(tg->rlim, p->rlim, sizeof(tg->rlim));
	tg->cred = p->cred;
	memcpy(tg->comm, t->comm, sizeof(tg->comm));  /* the forking thread's name */
	tg->exe = dentry_get(p->exe);
	tg->no_new_privs = p->no_new_privs;
	tg->undumpable = p->undumpable;
	tg->session_keyring = p->session_keyring;
	tg->personality = p->personality;
	/* A CLONE_PARENT child is its caller's sibling: it tells their
	 * parent of its exit as the caller would, as Linux's copy_process()
	 * does; the flags' signal is for a parent of our own. */
	tg->exit_signal = (flags & CLONE_PARENT) ? p->exit_signal : (int)(flags & 0xff);
	pthread_mutex_unlock(&p->lock);
	return tg;
}

static struct fs_struct *fs_copy(struct fs_struct *fs)
{
	struct fs_struct *n;

	pthread_mutex_lock(&fs->lock);
	n = fs_new(fs->root);
	if (n) {
		dentry_put(n->cwd);
		n->cwd = dentry_get(fs->cwd);
		n->umask = fs->umask;
	}
	pthread_mutex_unlock(&fs->lock);
	return n;
}

/* A new task's first registers: the parent's, rax = 0, per the flags. */
static void child_regs(struct task *c, struct task *t, uint64_t flags, uint64_t stack,
		       uint64_t ctid, uint64_t tls)
{
	c->sigmask = t->sigmask;
	seccomp_fork(c, t);
	c->regs = t->regs;
	c->regs.rax = 0;
	if (stack)
		c->regs.rsp = stack;
	if (flags & CLONE_SETTLS)
		c->regs.fs_base = tls;
	if (flags & CLONE_CHILD_CLEARTID)
		c->clear_child_tid = ctid;
}

/*
 * CLONE_CHILD_SETTID and CLONE_PARENT_SETTID: the new id, stored where
 * asked.  A bad pointer fails neither the clone nor the child: Linux
 * ignores the failed store (schedule_tail's and kernel_clone's put_user),
 * and the new task exists by now, so an error here would leak it.
 */
static void store_tids(uint64_t flags, struct mm *cmm, uint64_t ctid, struct mm *pmm,
		       uint64_t ptid, pid_t id)
{
	if (flags & CLONE_CHILD_SETTID)
		(void)copy_to_user(cmm, ctid, &id, sizeof(id));
	if (flags & CLONE_PARENT_SETTID)
		(void)copy_to_user(pmm, ptid, &id, sizeof(id));
}

/* A vfork parent sleeps until the child execs or exits. */
static void wait_vfork(struct task *t, struct thread_group *child)
{
	struct wait_entry e;

	wait_entry_task(&e, t, 0);
	waitq_add(&sandbox.child_wq, &e);
	pthread_mutex_lock(&sandbox.lock);
	for (;;) {
		task_prepare_wait(t);
		if (child->vfork_done || child_wait(t) == -ERESTARTSYS)
			break;
	}
	pthread_mutex_unlock(&sandbox.lock);
	waitq_remove(&sandbox.child_wq, &e);
}

/*
 * The sandbox's process limit, as a pids cgroup would set it: a fork bomb
 * fails with EAGAIN long before it could hurt the host.
 */
#define MAX_PROCS 1024

static bool too_many_procs(void)
{
	int n = 0;

	pthread_mutex_lock(&sandbox.lock);
	for (struct thread_group *tg = sandbox.tgs; tg; tg = tg->next_tg)
		n += !tg->reaped;
	pthread_mutex_unlock(&sandbox.lock);
	return n >= MAX_PROCS;
}

/*
 * A fork that failed once the child had its memory and files: they go back
 * (the rest of the half-made group is small and stays).  A file kept open
 * here would keep a pipe's write end open: its reader would wait for ever.
 */
static void fork_undo(struct thread_group *tg, struct task *c)
{
	tg_release_mm(tg);
	fdt_put(tg->fdt);
	tg->fdt = NULL;
	fs_put(c->fs);
	c->fs = NULL;
}

static long fork_process(struct task *t, uint64_t flags, uint64_t stack, uint64_t ptid,
			 uint64_t ctid, uint64_t tls, struct thread_group **child)
{
	struct thread_group *tg;

	if (too_many_procs() || task_limit_reached())
		return -EAGAIN;
	tg = tg_copy(t, flags);
	struct stub_thread *st;
	struct task *c;
	pid_t pid;
	int err;

	if (!tg)
		return -ENOMEM;
	if (flags & CLONE_VM) {
		/* vfork, posix_spawn: the child runs on a new host thread
		 * of the parent's stub process, in the same memory */
		tg->mm = t->tg->mm;
		__atomic_add_fetch(&tg->mm->users, 1, __ATOMIC_ACQ_REL);
	} else {
		tg->mm = mm_fork(t->tg->mm);
	}
	if (!tg->mm)
		return -ENOMEM;         /* the half-made group leaks: rare, small */
	if (flags & CLONE_FILES) {
		tg->fdt = t->tg->fdt;
		__atomic_add_fetch(&tg->fdt->refs, 1, __ATOMIC_RELAXED);
	} else {
		tg->fdt = fdt_dup(t->tg->fdt);
	}
	c = tg->fdt ? task_new(tg, NULL) : NULL;
	if (!c)
		return -ENOMEM;
	sched_fork(c, t);
	if (flags & CLONE_FS) {
		c->fs = t->fs;
		__atomic_add_fetch(&c->fs->refs, 1, __ATOMIC_RELAXED);
	} else {
		c->fs = fs_copy(t->fs);
	}
	err = stub_thread_create(tg->mm->proc, &st);
	if (err || !c->fs) {
		fork_undo(tg, c);
		return err ? err : -ENOMEM;
	}
	c->st = st;
	child_regs(c, t, flags, stack, ctid, tls);
	pid = tg->pid;
	store_tids(flags, tg->mm, ctid, t->tg->mm, ptid, pid);
	tg_link(tg);
	if (child)
		*child = tg_get(tg);
	stub_thread_resume(st, &c->regs);
	err = task_start(c);
	if (err)
		return err;
	if (flags & CLONE_VFORK) {
		/* a parent that ignores SIGCHLD does not reap it: hold it */
		tg_get(tg);
		wait_vfork(t, tg);
		tg_put(tg);
	}
	return pid;
}

/* The flag sets a process clone accepts. */
#define PROCESS_OK (CLONE_VM | CLONE_FS | CLONE_FILES | CLONE_VFORK | CLONE_PARENT | \
		    CLONE_SETTLS | CLONE_PARENT_SETTID | CLONE_CHILD_SETTID | \
		    CLONE_CHILD_CLEARTID | CLONE_SYSVSEM | CLONE_PIDFD | CLONE_SIGHAND | \
		    CLONE_IO | 0xff)
/* CLONE_IO shares an I/O context; the sandbox has none (the host
 * schedules the stubs' I/O), so it is taken and changes nothing, as for
 * Linux tasks that never did I/O: kcmp(KCMP_IO) says they are alike. */

/* A new thread: a new host thread in the same stub process. */
static long clone_thread(struct task *t, uint64_t flags, uint64_t stack, uint64_t ptid,
			 uint64_t ctid, uint64_t tls)
{
	struct thread_group *tg = t->tg;
	struct stub_thread *st;
	struct task *c;
	pid_t tid;
	int err;

	if (task_limit_reached())
		return -EAGAIN;
	err = stub_thread_create(tg->mm->proc, &st);
	if (err)
		return err;
	c = task_new(tg, st);
	if (!c)
		return -ENOMEM;
	sched_fork(c, t);
	pthread_mutex_lock(&tg->lock);
	memcpy(c->comm, t->comm, sizeof(c->comm));      /* a thread starts with its creator's */
	pthread_mutex_unlock(&tg->lock);
	if (flags & CLONE_FS) {
		c->fs = t->fs;
		__atomic_add_fetch(&c->fs->refs, 1, __ATOMIC_RELAXED);
	} else {
		c->fs = fs_copy(t->fs);
	}
	child_regs(c, t, flags, stack, ctid, tls);
	tid = c->tid;
	store_tids(flags, tg->mm, ctid, tg->mm, ptid, tid);
	stub_thread_resume(st, &c->regs);
	err = task_start(c);
	return err ? err : tid;
}

long do_clone(struct task *t, uint64_t flags, uint64_t stack, uint64_t ptid,
	      uint64_t ctid, uint64_t tls, struct thread_group **child)
{
	task_long_wait(t);
	if ((flags & CLONE_SIGHAND) && !(flags & CLONE_VM))
		return -EINVAL;
	if ((flags & CLONE_THREAD) && !(flags & CLONE_SIGHAND))
		return -EINVAL;
	if ((flags & CLONE_PARENT) && t->tg == sandbox.init)
		return -EINVAL;         /* init has no parent to share */
	if (flags & CLONE_THREAD) {
		if (!(flags & CLONE_VM) || (flags & (CLONE_VFORK | CLONE_PIDFD)))
			return -EINVAL;
		return clone_thread(t, flags, stack, ptid, ctid, tls);
	}
	if (flags & ~(uint64_t)PROCESS_OK)
		return -EINVAL;         /* namespaces and the rest: not in the sandbox */
	if ((flags & CLONE_PIDFD) && !child)
		return -EINVAL;
	return fork_process(t, flags, stack, ptid, ctid, tls,
			    (flags & CLONE_PIDFD) ? child : NULL);
}

/* What unshare(2) knows (Linux's check_unshare_flags). */
#define UNSHARE_OK (CLONE_THREAD | CLONE_FS | CLONE_NEWNS | CLONE_SIGHAND | CLONE_VM | \
		    CLONE_FILES | CLONE_SYSVSEM | CLONE_NEWUTS | CLONE_NEWIPC | CLONE_NEWNET | \
		    CLONE_NEWUSER | CLONE_NEWPID | CLONE_NEWCGROUP | CLONE_NEWTIME)
#define UNSHARE_NS (CLONE_NEWNS | CLONE_NEWUTS | CLONE_NEWIPC | CLONE_NEWNET | CLONE_NEWUSER | \
		    CLONE_NEWPID | CLONE_NEWCGROUP | CLONE_NEWTIME)

/* Own what the flags name, as Linux's unshare_fs() and unshare_fd(). */
static long unshare_fs_files(struct task *t, uint64_t flags)
{
	struct thread_group *tg = t->tg;
	struct fs_struct *fs = NULL, *old_fs = NULL;
	struct fd_table *fdt = NULL, *old_fdt = NULL;

	if ((flags & CLONE_FS) && __atomic_load_n(&t->fs->refs, __ATOMIC_ACQUIRE) > 1 &&
	    !(fs = fs_copy(t->fs)))
		return -ENOMEM;
	if ((flags & CLONE_FILES) && __atomic_load_n(&tg->fdt->refs, __ATOMIC_ACQUIRE) > 1 &&
	    !(fdt = fdt_dup(tg->fdt))) {
		if (fs)
			fs_put(fs);
		return -ENOMEM;
	}
	/* under tg->lock: /proc's readers of another task look there */
	pthread_mutex_lock(&tg->lock);
	if (fs) {
		old_fs = t->fs;
		t->fs = fs;
	}
	if (fdt) {
		old_fdt = tg->fdt;
		tg->fdt = fdt;
	}
	pthread_mutex_unlock(&tg->lock);
	if (old_fs)
		fs_put(old_fs);
	if (old_fdt)
		fdt_put(old_fdt);
	return 0;
}

/*
 * unshare(2).  The sandbox has one set of namespaces and makes no nested
 * ones: asking for a namespace is EPERM, what a container under Docker's
 * default seccomp profile gets.  0: the caller then drops the SEM_UNDO
 * list for CLONE_SYSVSEM (ipc/ is above kernel/).  The fd table belongs to the process
 * here, not to each thread: a thread of a multi-threaded process cannot
 * take its own (EINVAL, docs/compatibility.md), nor its own SEM_UNDO list.
 */
long do_unshare(struct task *t, uint64_t flags)
{
	struct thread_group *tg = t->tg;
	bool alone;

	if (flags & CLONE_NEWUSER)
		flags |= CLONE_THREAD | CLONE_FS;
	if (flags & CLONE_VM)
		flags |= CLONE_SIGHAND;
	if (flags & CLONE_SIGHAND)
		flags |= CLONE_THREAD;
	if (flags & CLONE_NEWNS)
		flags |= CLONE_FS;
	if (flags & ~(uint64_t)UNSHARE_OK)
		return -EINVAL;
	pthread_mutex_lock(&tg->lock);
	alone = tg->nr_tasks == 1;
	pthread_mutex_unlock(&tg->lock);
	if ((flags & (CLONE_THREAD | CLONE_SIGHAND | CLONE_VM)) && !alone)
		return -EINVAL;
	if ((flags & CLONE_VM) && mm_shared(tg->mm))
		return -EINVAL;
	/* handlers shared with another process (CLONE_SIGHAND) cannot be left */
	if ((flags & (CLONE_SIGHAND | CLONE_VM)) &&
	    __atomic_load_n(&tg->sighand->refs, __ATOMIC_ACQUIRE) > 1)
		return -EINVAL;
	if (flags & UNSHARE_NS)
		return -EPERM;
	if ((flags & (CLONE_FILES | CLONE_SYSVSEM)) && !alone)
		return -EINVAL;
	return unshare_fs_files(t, flags);      /* CLONE_SYSVSEM: the caller's (ipc/) */
}
