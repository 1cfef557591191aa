/* SPDX-License-Identifier: MIT */
/*
 * execve: a new address space (a fresh clone of the stub template), the
 * program loaded into it, then the old stub process is killed.  The
 * virtual pid, fds (less O_CLOEXEC) and ignored signals survive.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "loader/loader.h"
#include "mm/mm.h"
#include "syscalls/syscalls.h"
#include "vfs/vfs.h"

#define MAX_ARG_STRLEN (32 * 4096)
#define MAX_ARG_TOTAL (2 << 20)         /* what a default 8 MiB stack allows */
#define MAX_ARGS 0x7fffffff

static void free_strv(char **v)
{
	for (size_t i = 0; v && v[i]; i++)
		free(v[i]);
	free(v);
}

/* Copy a NULL-terminated array of strings from the application. */
static long copy_strv(struct user_reader *r, uint64_t uv, char ***out, size_t *total)
{
	char **v = NULL, buf[MAX_ARG_STRLEN];
	size_t n = 0;

	for (;; n++) {
		uint64_t p = 0;
		long len;
		char **nv;

		/* the array ends with NULL at every step: free_strv may run */
		nv = realloc(v, (n + 1) * sizeof(*v));
		if (!nv) {
			free_strv(v);
			return -ENOMEM;
		}
		v = nv;
		v[n] = NULL;
		if (uv && reader_copy(r, &p, uv + n * 8, 8)) {
			free_strv(v);
			return -EFAULT;
		}
		if (!p)
			break;
		len = reader_strncpy(r, buf, p, sizeof(buf));
		if (len < 0) {
			free_strv(v);
			return len == -ENAMETOOLONG ? -E2BIG : len;
		}
		*total += (size_t)len + 1 + 8;
		if (*total > MAX_ARG_TOTAL || !(v[n] = strdup(buf))) {
			free_strv(v);
			return *total > MAX_ARG_TOTAL ? -E2BIG : -ENOMEM;
		}
	}
	*out = v;
	return 0;
}

static void close_on_exec(struct fd_table *fdt)
{
	for (int fd = 0; fd < FD_MAX; fd++) {
		bool close;

		pthread_mutex_lock(&fdt->lock);
		close = fdt->fd[fd] && fdt->cloexec[fd];
		pthread_mutex_unlock(&fdt->lock);
		if (close)
			fdt_close(fdt, fd);
	}
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
	pthread_mutex_unlock(&tg->lock);
	for (;;) {
		struct timespec slice = { 0, 1000000 };
		int n;

		pthread_mutex_lock(&tg->lock);
		n = tg->nr_tasks;
		pthread_mutex_unlock(&tg->lock);
		if (n <= 1)
			break;
		nanosleep(&slice, NULL);
	}
}

/* Past the point of no return: the thread group becomes the new program. */
static void commit_exec(struct task *t, struct mm *old, struct stub_thread *st,
			const char *path, const struct exec_result *res)
{
	struct thread_group *tg = t->tg;
	struct stub_thread *old_st = t->st;
	const char *base = strrchr(path, '/');

	t->st = st;
	if (mm_shared(old)) {
		/* a vfork child: the parent's address space lives on, and
		 * only our thread leaves it */
		struct stub_regs r = t->regs;

		stub_thread_set_exit(&r);
		stub_thread_resume(old_st, &r);
	}
	mm_put(old);                    /* kills the old stub process if unshared */
	stub_thread_free(old_st);
	close_on_exec(tg->fdt);
	timers_exit(tg, true);
	cred_exec_commit(tg, &res->cred, res->secure);
	pthread_mutex_lock(&tg->lock);
	for (int i = 0; i < NSIG_LINUX; i++)
		if (tg->sigaction[i].handler > 1)       /* caught: back to default */
			memset(&tg->sigaction[i], 0, sizeof(tg->sigaction[i]));
	snprintf(tg->comm, sizeof(tg->comm), "%s", base ? base + 1 : path);
	pthread_mutex_unlock(&tg->lock);
	pthread_mutex_lock(&sandbox.lock);
	tg->vfork_done = true;
	pthread_cond_broadcast(&sandbox.child_cv);
	pthread_mutex_unlock(&sandbox.lock);
	memset(&t->regs, 0, sizeof(t->regs));
	t->regs.rip = res->entry;
	t->regs.rsp = res->sp;
	t->regs.eflags = 0x202;
}

static long do_execve(struct task *t, const char *path, uint64_t uargv, uint64_t uenvp)
{
	struct thread_group *tg = t->tg;
	struct stub_thread *st;
	char **argv = NULL, **envp = NULL;
	const char *why;
	struct exec_result res;
	size_t total = 0;
	struct mm *old = tg->mm, *mm;
	struct user_reader *r;
	long err;

	task_long_wait(t);
	r = malloc(sizeof(*r));
	if (!r)
		return -ENOMEM;
	*r = (struct user_reader){ .mm = tg->mm };
	err = copy_strv(r, uargv, &argv, &total);
	if (!err)
		err = copy_strv(r, uenvp, &envp, &total);
	free(r);
	if (err)
		goto out;
	mm = mm_new();
	if (!mm) {
		err = -ENOMEM;
		goto out;
	}
	pthread_mutex_lock(&tg->lock);
	tg->mm = mm;
	pthread_mutex_unlock(&tg->lock);
	err = exec_load(t, path, argv, envp, &res, &why);
	if (!err)
		err = stub_thread_create(mm->proc, &st);
	if (!err)
		zap_other_threads(t);
	if (err) {
		pthread_mutex_lock(&tg->lock);
		tg->mm = old;
		pthread_mutex_unlock(&tg->lock);
		mm_put(mm);
		goto out;
	}
	commit_exec(t, old, st, path, &res);
out:
	free_strv(argv);
	free_strv(envp);
	return err;
}

long sys_execve(struct task *t, const struct syscall_args *a)
{
	char path[PATH_MAX];
	long n = strncpy_from_user(t->tg->mm, path, a->a[0], sizeof(path));

	if (n < 0)
		return n;
	return do_execve(t, path, a->a[1], a->a[2]);
}

long sys_execveat(struct task *t, const struct syscall_args *a)
{
	char path[PATH_MAX];
	long n = strncpy_from_user(t->tg->mm, path, a->a[1], sizeof(path));

	if (n < 0)
		return n;
	if (ARG_INT(a, 0) != AT_FDCWD && path[0] != '/')
		return -ENOSYS;         /* dirfd-relative exec: later */
	if (ARG_INT(a, 4) & ~(AT_EMPTY_PATH | AT_SYMLINK_NOFOLLOW))
		return -EINVAL;
	return do_execve(t, path, a->a[2], a->a[3]);
}
