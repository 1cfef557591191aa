/* SPDX-License-Identifier: MIT */
/*
 * procfs: a process's files (Linux's fs/proc/fd.c and base.c's links):
 * the fd/ and fdinfo/ directories and the magic links exe, cwd and root.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>

#include "fs/proc/internal.h"

/* The file at fd of tg (file_put it), or NULL. */
static struct file *tg_file(struct thread_group *tg, int fd, bool *cloexec)
{
	struct file *f = NULL;

	if (!tg || fd < 0)
		return NULL;
	pthread_mutex_lock(&tg->lock);
	if (tg->fdt) {
		f = fdt_get(tg->fdt, fd);
		if (f && cloexec)
			*cloexec = fdt_get_cloexec(tg->fdt, fd) > 0;
	}
	pthread_mutex_unlock(&tg->lock);
	return f;
}

/* Linux's fd links: r-x for reading, -wx for writing, for the owner. */
static mode_t fd_link_mode(struct thread_group *tg, int fd)
{
	struct file *f = tg_file(tg, fd, NULL);
	mode_t m = 0;

	if (!f)
		return S_IFLNK;
	if ((f->flags & O_ACCMODE) != O_WRONLY)
		m |= S_IRUSR | S_IXUSR;
	if ((f->flags & O_ACCMODE) != O_RDONLY)
		m |= S_IWUSR | S_IXUSR;
	file_put(f);
	return S_IFLNK | m;
}

static bool fd_open(struct thread_group *tg, int fd)
{
	struct file *f = tg_file(tg, fd, NULL);

	file_put(f);
	return f != NULL;
}

/* Linux's names for files without a path. */
static void anon_name(struct file *f, char *name, size_t len)
{
	struct stat st = { 0 };
	int err = f->inode ? vfs_getattr(f->inode, &st)
			   : f->ops->fstat ? f->ops->fstat(f, &st) : -EINVAL;

	if (!err && S_ISFIFO(st.st_mode))
		snprintf(name, len, "pipe:[%lu]", (unsigned long)st.st_ino);
	else if (!err && S_ISSOCK(st.st_mode))
		snprintf(name, len, "socket:[%lu]", (unsigned long)st.st_ino);
	else
		snprintf(name, len, "anon_inode:%s", f->ops->anon_name ? f->ops->anon_name : "[file]");
}

static int link_fd(const struct pnode *n, struct thread_group *tg, struct dentry **out,
		   char *name, size_t len)
{
	struct file *f = tg_file(tg, n->fd, NULL);

	if (!f)
		return -ENOENT;
	*out = dentry_get(f->dentry);
	if (!*out)
		anon_name(f, name, len);
	file_put(f);
	return 0;
}

static int show_fdinfo(struct sbuf *b, const struct pnode *n, struct thread_group *tg)
{
	bool cloexec = false;
	struct file *f = tg_file(tg, n->fd, &cloexec);

	if (!f)
		return -ENOENT;
	sb_printf(b, "pos:\t%ld\nflags:\t0%o\nmnt_id:\t%d\nino:\t%lu\n", (long)f->pos,
		  (unsigned)(f->flags | (cloexec ? O_CLOEXEC : 0)),
		  f->dentry && f->dentry->mnt ? f->dentry->mnt->id : 0,
		  f->inode ? f->inode->ino : 0);
	file_put(f);
	return 0;
}

/* fd links' permission bits follow the open mode: see fd_link_mode */
static const struct pent fd_link = { .mode = S_IFLNK | 0700, .link = link_fd, .priv = true };
static const struct pent fdinfo_file = { .mode = S_IFREG | 0444, .show = show_fdinfo,
					 .priv = true };

static void list_fds(struct dsnap *s, const struct pnode *dir, struct thread_group *tg,
		     mode_t mode)
{
	if (!tg)
		return;
	pthread_mutex_lock(&tg->lock);
	for (int fd = tg->fdt ? fdt_next_fd(tg->fdt, 0) : -1; fd >= 0;
	     fd = fdt_next_fd(tg->fdt, fd + 1))
		proc_list_num(s, dir, fd, mode);
	pthread_mutex_unlock(&tg->lock);
}

static void list_fd_links(struct dsnap *s, const struct pnode *dir, struct thread_group *tg)
{
	list_fds(s, dir, tg, S_IFLNK);
}

static void list_fdinfos(struct dsnap *s, const struct pnode *dir, struct thread_group *tg)
{
	list_fds(s, dir, tg, S_IFREG);
}

static int lookup_fd(struct pnode *dir, struct thread_group *tg, const char *name,
		     struct inode **out)
{
	int id = proc_parse_num(name), err;

	if (id < 0 || !fd_open(tg, id))
		return -ENOENT;
	err = proc_new_child(dir, &fd_link, name, dir->pid, dir->tid, id, out);
	if (!err)
		(*out)->mode = fd_link_mode(tg, id);
	return err;
}

static int lookup_fdinfo(struct pnode *dir, struct thread_group *tg, const char *name,
			 struct inode **out)
{
	int id = proc_parse_num(name);

	if (id < 0 || !fd_open(tg, id))
		return -ENOENT;
	return proc_new_child(dir, &fdinfo_file, name, dir->pid, dir->tid, id, out);
}

const struct proc_dyn proc_fds = { .lookup = lookup_fd, .list = list_fd_links };
const struct proc_dyn proc_fdinfos = { .lookup = lookup_fdinfo, .list = list_fdinfos };

/* ---------- exe, cwd, root ---------- */

int proc_link_exe(const struct pnode *n, struct thread_group *tg, struct dentry **out,
		  char *name, size_t len)
{
	(void)n;
	(void)name;
	(void)len;
	pthread_mutex_lock(&tg->lock);
	*out = dentry_get(tg->exe);
	pthread_mutex_unlock(&tg->lock);
	return *out ? 0 : -ENOENT;
}

/* The task's root (want_root) or cwd. */
struct dentry *proc_task_fs_dentry(struct task *t, bool want_root)
{
	struct dentry *d = NULL;

	if (t && t->fs) {
		pthread_mutex_lock(&t->fs->lock);
		d = dentry_get(want_root ? t->fs->root : t->fs->cwd);
		pthread_mutex_unlock(&t->fs->lock);
	}
	return d;
}

static int link_fs(const struct pnode *n, struct thread_group *tg, struct dentry **out,
		   bool want_root)
{
	pthread_mutex_lock(&tg->lock);
	*out = proc_task_fs_dentry(proc_node_task(tg, n->tid), want_root);
	pthread_mutex_unlock(&tg->lock);
	return *out ? 0 : -ENOENT;
}

int proc_link_cwd(const struct pnode *n, struct thread_group *tg, struct dentry **out,
		  char *name, size_t len)
{
	(void)name;
	(void)len;
	return link_fs(n, tg, out, false);
}

int proc_link_root(const struct pnode *n, struct thread_group *tg, struct dentry **out,
		   char *name, size_t len)
{
	(void)name;
	(void)len;
	return link_fs(n, tg, out, true);
}
