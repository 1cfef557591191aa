/* SPDX-License-Identifier: MIT */
/*
 * execve's core (Linux's do_execveat_common() after the arguments are
 * copied): a new address space (a fresh clone of the stub template), the
 * program loaded into it, the other threads gone, then the old stub
 * process is killed.  The virtual pid, fds (less O_CLOEXEC) and ignored
 * signals survive.  sys_execve (syscalls/sys_exec.c) copies the arguments.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kernel/kernel.h"
#include "loader/loader.h"
#include "mm/mm.h"
#include "vfs/vfs.h"

static void close_on_exec(struct fd_table *fdt)
{
	for (int fd = fdt_next_fd(fdt, 0); fd >= 0; fd = fdt_next_fd(fdt, fd + 1))
		if (fdt_get_cloexec(fdt, fd) > 0)
			fdt_close(fdt, fd);
}

/*
 * The other threads of the group leave before the address space changes
 * under them (a late read must not land in the new program's memory); the
 * exec'ing thread takes the group leader's id, as in Linux.
 */
static void zap_other_threads(struct task *t)
{
	struct thread_group *tg = t->tg;

	pthread_mutex_lock(&tg->lock);
	for (struct task *o = tg->tasks; o; o = o->next)
		if (o != t) {
			o->zap = true;
			task_kick(o);
		}
	t->tid = tg->pid;
	tg->group_exec_task = t;        /* task_exit() wakes it (Linux's de_thread()) */
	pthread_mutex_unlock(&tg->lock);
	for (;;) {
		int n;

		task_prepare_wait(t);
		pthread_mutex_lock(&tg->lock);
		n = tg->nr_tasks;
		pthread_mutex_unlock(&tg->lock);
		if (n <= 1)
			break;
		task_block_nosig(t, NULL);
	}
	pthread_mutex_lock(&tg->lock);
	tg->group_exec_task = NULL;
	pthread_mutex_unlock(&tg->lock);
}

/* Past the point of no return: the thread group becomes the new program. */
static void commit_exec(struct task *t, struct mm *mm, struct stub_thread *st,
			const char *path, const struct exec_result *res)
{
	struct thread_group *tg = t->tg;
	struct stub_thread *old_st = t->st;
	const char *base = strrchr(path, '/');
	struct mm *old;

	pthread_mutex_lock(&tg->lock);
	old = tg->mm;
	tg->mm = mm;
	pthread_mutex_unlock(&tg->lock);
	dentry_put(tg->exe);
	tg->exe = res->exe;
	t->st = st;
	if (mm_shared(old)) {
		/* a vfork child: the parent's address space lives on, and
		 * only our thread leaves it */
		struct stub_regs r = t->regs;

		stub_thread_set_exit(&r);
		stub_thread_resume(old_st, &r);
	}
	stub_thread_free(old_st);       /* before its process can go */
	mm_put(old);                    /* kills the old stub process if unshared */
	close_on_exec(tg->fdt);
	timers_exit(tg, true);
	cred_exec_commit(tg, &res->cred, res->secure);
	pthread_mutex_lock(&tg->lock);
	pthread_mutex_lock(&tg->sighand->lock);
	for (int i = 0; i < NSIG_LINUX; i++)
		if (tg->sighand->action[i].handler > 1)       /* caught: back to default */
			memset(&tg->sighand->action[i], 0, sizeof(tg->sighand->action[i]));
	pthread_mutex_unlock(&tg->sighand->lock);
	snprintf(tg->comm, sizeof(tg->comm), "%s", base ? base + 1 : path);
	memcpy(t->comm, tg->comm, sizeof(t->comm));
	pthread_mutex_unlock(&tg->lock);
	pthread_mutex_lock(&sandbox.lock);
	tg->vfork_done = true;
	pthread_mutex_unlock(&sandbox.lock);
	waitq_wake(&sandbox.child_wq, 0);
	memset(&t->regs, 0, sizeof(t->regs));
	t->regs.rip = res->entry;
	t->regs.rsp = res->sp;
	t->regs.eflags = 0x202;
}

/*
 * Run path with argv and envp (the sentry's copies) in t's thread group;
 * on success the group runs the new program when t goes back to it.
 */
long kernel_execve(struct task *t, const struct exec_at *at, char *const *argv,
		   char *const *envp)
{
	struct stub_thread *st;
	const char *why;
	struct exec_result res;
	struct mm *mm = NULL;   /* made by the loader once the program is found */
	const char *path = at->name;
	long err;

	err = exec_load_at(t, &mm, at, argv, envp, &res, &why);
	/* Before the point of no return, where it can still fail; only a
	 * failed stub creation after it leaves the group its own copy. */
	if (!err)
		err = sighand_unshare(t->tg);
	if (!err)
		err = stub_thread_create(mm->proc, &st);
	if (err) {
		dentry_put(res.exe);    /* NULL when the load failed */
		if (mm)
			mm_put(mm);
		return err;
	}
	zap_other_threads(t);
	commit_exec(t, mm, st, path, &res);
	return 0;
}
