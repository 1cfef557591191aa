/* SPDX-License-Identifier: MIT */
/*
 * execve and execveat: the arguments copied from the application; the
 * exec itself is kernel_execve() (kernel/exec.c).
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

static long do_execve(struct task *t, const struct exec_at *at, uint64_t uargv, uint64_t uenvp)
{
	char **argv = NULL, **envp = NULL;
	size_t total = 0;
	struct user_reader *r;
	long err;

	r = malloc(sizeof(*r));
	if (!r)
		return -ENOMEM;
	*r = (struct user_reader){ .mm = t->tg->mm };
	err = copy_strv(r, uargv, &argv, &total);
	if (!err && !argv[0]) {
		/* an empty argv gets "" as argv[0], as Linux (5.18) does, so
		 * that no program sees argc 0 */
		free(argv);
		argv = calloc(2, sizeof(*argv));
		if (!argv || !(argv[0] = strdup("")))
			err = -ENOMEM;
	}
	if (!err)
		err = copy_strv(r, uenvp, &envp, &total);
	free(r);
	if (!err)
		err = kernel_execve(t, at, argv, envp);
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
	return do_execve(t, &(struct exec_at){ AT_FDCWD, path, WALK_FOLLOW, path },
			 a->a[1], a->a[2]);
}

long sys_execveat(struct task *t, const struct syscall_args *a)
{
	char path[PATH_MAX], name[PATH_MAX + 32];
	int dirfd = ARG_INT(a, 0), flags = ARG_INT(a, 4);
	struct exec_at at = { dirfd, path, WALK_FOLLOW, path };
	long n;

	if (flags & ~(AT_EMPTY_PATH | AT_SYMLINK_NOFOLLOW))
		return -EINVAL;
	n = strncpy_from_user(t->tg->mm, path, a->a[1], sizeof(path));
	if (n < 0)
		return n;
	if (flags & AT_SYMLINK_NOFOLLOW)
		at.wflags &= ~WALK_FOLLOW;      /* a final symlink: ELOOP (open_exec) */
	if (flags & AT_EMPTY_PATH)
		at.wflags |= WALK_EMPTY;
	/* Linux's bprm->filename: the path, or the fd's name under /dev/fd */
	if (path[0] != '/' && dirfd != AT_FDCWD) {
		snprintf(name, sizeof(name), path[0] ? "/dev/fd/%d/%s" : "/dev/fd/%d", dirfd, path);
		at.name = name;
	}
	return do_execve(t, &at, a->a[2], a->a[3]);
}
