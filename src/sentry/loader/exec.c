/* SPDX-License-Identifier: MIT */
/*
 * Loading a program by path, inside the sandbox: the path is walked by the
 * VFS, "#!" scripts follow the Linux rules (interpreter and one optional
 * argument, up to 4 levels), ELF programs get their PT_INTERP loaded too.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/xattr.h>
#include <unistd.h>

#include "kernel/kernel.h"
#include "loader/loader.h"
#include "vfs/vfs.h"

#define BINPRM_BUF 256
#define MAX_SCRIPT_DEPTH 4

/* Open path for execution: a regular file with an execute bit that no
 * process has open for writing. */
static int open_exec(struct task *t, int dirfd, const char *path, unsigned wflags,
		     struct file **out, int *hfd)
{
	struct walk_result w;
	int err = vfs_walk(t, dirfd, path, wflags, &w);

	if (err)
		return err;
	if (S_ISLNK(w.d->inode->mode))
		err = -ELOOP;           /* execveat's AT_SYMLINK_NOFOLLOW, as O_NOFOLLOW */
	else if (!S_ISREG(w.d->inode->mode))
		err = -EACCES;
	if (!err)
		err = vfs_may(t, w.d->inode, X_OK);
	if (!err)
		err = vfs_deny_exec(w.d->inode);
	if (!err)
		err = vfs_open(t, w.d, O_RDONLY, out);
	dentry_put(w.d);
	if (err)
		return err;
	*hfd = (*out)->ops->mmap_fd ? (*out)->ops->mmap_fd(*out, false) : -ENOEXEC;
	if (*hfd < 0) {
		file_put(*out);
		return -ENOEXEC;
	}
	return 0;
}

/* Parse "#!interp [arg]"; returns 1 if buf is a script. */
static int parse_shebang(char *buf, size_t n, char **interp, char **arg)
{
	char *p, *end;

	if (n < 2 || buf[0] != '#' || buf[1] != '!')
		return 0;
	buf[n < BINPRM_BUF ? n : BINPRM_BUF - 1] = 0;
	end = strchr(buf, '\n');
	if (end)
		*end = 0;
	for (p = buf + 2; *p == ' ' || *p == '\t'; p++)
		;
	if (!*p)
		return -ENOEXEC;
	*interp = p;
	while (*p && *p != ' ' && *p != '\t')
		p++;
	*arg = NULL;
	if (*p) {
		*p++ = 0;
		while (*p == ' ' || *p == '\t')
			p++;
		/* Linux passes the rest of the line as one argument, trailing blanks cut */
		if (*p) {
			char *e = p + strlen(p);

			while (e > p && (e[-1] == ' ' || e[-1] == '\t'))
				*--e = 0;
			*arg = p;
		}
	}
	return 1;
}

/* argv for a script: interp [arg] path argv[1..] */
static char **script_argv(const char *interp, const char *arg, const char *path,
			  char *const argv[])
{
	size_t n = 0, k = 0;
	char **v;

	while (argv[n])
		n++;
	v = calloc(n + 4, sizeof(*v));
	if (!v)
		return NULL;
	v[k++] = strdup(interp);
	if (arg)
		v[k++] = strdup(arg);
	v[k++] = strdup(path);
	for (size_t i = 1; i < n; i++)
		v[k++] = strdup(argv[i]);
	return v;
}

static void free_argv(char **v)
{
	for (size_t i = 0; v && v[i]; i++)
		free(v[i]);
	free(v);
}

static int load_interp(struct task *t, struct mm *mm, struct elf_image *img, const char **why)
{
	struct elf_image ii;
	struct elf_file ef;
	struct file *f;
	int hfd, err = open_exec(t, AT_FDCWD, img->interp, WALK_FOLLOW, &f, &hfd);

	if (err) {
		*why = "cannot open the ELF interpreter";
		return err == -ENOENT ? -ENOENT : -ELIBBAD;
	}
	err = elf_read(hfd, &ef, why);
	if (!err)
		err = load_elf(mm, hfd, &ef, true, &ii, why);
	file_put(f);
	if (err)
		return err;
	if (ii.interp[0]) {
		*why = "the ELF interpreter has an interpreter";
		return -ELIBBAD;
	}
	img->interp_base = ii.bias;
	img->interp_entry = ii.entry;
	return elf_take_tails(mm, img, &ii);
}

/*
 * The program's credentials: what the host shows of the file (mode,
 * owner, security.capability through the fd the loader reads) and its
 * mount, by Linux's rules (cred_exec).
 */
static int exec_creds(struct task *t, struct file *f, int hfd, struct exec_result *res)
{
	struct exec_file ef = { .nosuid = f->dentry->mnt && f->dentry->mnt->nosuid };
	struct creds old;
	struct stat st;
	bool nnp;
	int err = vfs_getattr(f->inode, &st);

	if (err)
		return err;
	ef.mode = st.st_mode;
	ef.uid = st.st_uid;
	ef.gid = st.st_gid;
	ef.caps_len = (int)fgetxattr(hfd, "security.capability", ef.caps, sizeof(ef.caps));
	if (ef.caps_len < 0)    /* too long is malformed; no xattr at all is none */
		ef.caps_len = errno == ERANGE ? (int)sizeof(ef.caps) + 1 : -ENODATA;
	pthread_mutex_lock(&t->tg->lock);
	old = t->tg->cred;
	nnp = t->tg->no_new_privs;
	pthread_mutex_unlock(&t->tg->lock);
	return cred_exec(&old, nnp, &ef, &res->cred, &res->secure);
}

/*
 * The address space to load into: *mm, or a new one made now, once the
 * program is known to be an ELF file (exec_load_at()).  From here the exec
 * is long work that needs the new process's syscall thread on a CPU: the
 * caller's stub stops spinning for its answer.  Not before: an exec that
 * fails on its path (a shell's PATH search) is as quick as a stat.
 */
static int exec_mm(struct task *t, struct mm **mm)
{
	if (*mm)
		return 0;
	task_long_wait(t);
	*mm = mm_new();
	return *mm ? 0 : -ENOMEM;
}

/* Load the program at (dirfd, path, wflags), known to it as name. */
static int exec_depth(struct task *t, struct mm **mm, const struct exec_at *at,
		      char *const argv[], char *const envp[], struct exec_result *res,
		      const char **why, int depth)
{
	char buf[BINPRM_BUF + 1], *interp, *arg;
	struct elf_image img;
	struct elf_file ef;
	struct file *f;
	ssize_t n;
	const char *path = at->name;
	int hfd, err = open_exec(t, at->dirfd, at->path, at->wflags, &f, &hfd);

	if (err)
		return err;
	n = pread(hfd, buf, BINPRM_BUF, 0);
	err = n < 0 ? -EIO : parse_shebang(buf, (size_t)n, &interp, &arg);
	if (err == 1) {
		char **v = depth < MAX_SCRIPT_DEPTH ? script_argv(interp, arg, path, argv) : NULL;

		file_put(f);
		if (!v)
			return depth < MAX_SCRIPT_DEPTH ? -ENOMEM : -ELOOP;
		struct exec_at iat = { AT_FDCWD, v[0], WALK_FOLLOW, v[0] };

		err = exec_depth(t, mm, &iat, v, envp, res, why, depth + 1);
		free_argv(v);
		return err;
	}
	if (!err)
		err = elf_read(hfd, &ef, why);
	if (!err)
		err = exec_mm(t, mm);
	if (!err)
		err = load_elf(*mm, hfd, &ef, false, &img, why);
	if (!err)
		err = exec_creds(t, f, hfd, res);
	if (!err) {
		dentry_put(res->exe);
		res->exe = dentry_get(f->dentry);
	}
	file_put(f);
	if (!err && img.interp[0])
		err = load_interp(t, *mm, &img, why);
	if (err)
		return err;
	(*mm)->brk_start = (*mm)->brk = img.end;
	res->entry = img.interp[0] ? img.interp_entry : img.entry;
	err = (int)setup_stack(*mm, &img, path, argv, envp, res);
	return err ? err : elf_finish(*mm, &img);
}

int exec_load(struct task *t, struct mm *mm, const char *path, char *const argv[],
	      char *const envp[], struct exec_result *res, const char **why)
{
	struct exec_at at = { AT_FDCWD, path, WALK_FOLLOW, path };

	return exec_load_at(t, &mm, &at, argv, envp, res, why);
}

int exec_load_at(struct task *t, struct mm **mm, const struct exec_at *at, char *const argv[],
		 char *const envp[], struct exec_result *res, const char **why)
{
	int err;

	*why = NULL;
	res->exe = NULL;
	err = exec_depth(t, mm, at, argv, envp, res, why, 0);
	if (err) {
		dentry_put(res->exe);
		res->exe = NULL;
	}
	return err;
}
