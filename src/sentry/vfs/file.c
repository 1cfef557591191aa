/* SPDX-License-Identifier: MIT */
/* Open files, fd tables and per-task file system context. */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>

#include "kernel/kernel.h"
#include "vfs/vfs.h"

static long files_live;

long vfs_files_live(void)
{
	return __atomic_load_n(&files_live, __ATOMIC_RELAXED);
}

struct file *file_new(const struct file_ops *ops, int flags, void *priv)
{
	static uint64_t next_id;
	struct file *f = calloc(1, sizeof(*f));

	if (!f)
		return NULL;

	f->ops = ops;
	f->id = __atomic_add_fetch(&next_id, 1, __ATOMIC_RELAXED);
	f->refs = 1;
	f->flags = flags;
	f->priv = priv;
	pthread_mutex_init(&f->pos_lock, NULL);
	__atomic_add_fetch(&files_live, 1, __ATOMIC_RELAXED);
	return f;
}

/* A file for an inode reached through d: the file system's open fills ops. */
struct file *file_alloc(struct dentry *d, struct inode *ino, int flags)
{
	struct file *f = file_new(NULL, flags, NULL);

	if (!f)
		return NULL;
	f->dentry = dentry_get(d);
	f->inode = inode_get(ino);
	return f;
}

struct file *file_get(struct file *f)
{
	__atomic_add_fetch(&f->refs, 1, __ATOMIC_RELAXED);
	return f;
}

/* Outer: held while watches are told and while an owner frees its own;
 * recursive, as releasing an epoll's items may release a watched file. */
static pthread_mutex_t watch_outer = PTHREAD_RECURSIVE_MUTEX_INITIALIZER_NP;
/* Inner: the lists, taken with nothing else needed under it. */
static pthread_mutex_t watch_list = PTHREAD_MUTEX_INITIALIZER;

void file_watch_lock(void)
{
	pthread_mutex_lock(&watch_outer);
}

void file_watch_unlock(void)
{
	pthread_mutex_unlock(&watch_outer);
}

void file_watch_add(struct file *f, struct file_watch *w)
{
	pthread_mutex_lock(&watch_list);
	w->next = f->watches;
	f->watches = w;
	pthread_mutex_unlock(&watch_list);
}

void file_watch_del(struct file *f, struct file_watch *w)
{
	pthread_mutex_lock(&watch_list);
	for (struct file_watch **pp = &f->watches; *pp; pp = &(*pp)->next)
		if (*pp == w) {
			*pp = w->next;
			break;
		}
	pthread_mutex_unlock(&watch_list);
}

/* The last reference is gone: nobody can add a watch now (adding takes a
 * reference), so the list only shrinks while each is told. */
static void file_watches_release(struct file *f)
{
	struct file_watch *w;

	file_watch_lock();
	for (;;) {
		pthread_mutex_lock(&watch_list);
		w = f->watches;
		pthread_mutex_unlock(&watch_list);
		if (!w)
			break;
		w->gone(w);
	}
	file_watch_unlock();
}

void file_put(struct file *f)
{
	if (!f || __atomic_sub_fetch(&f->refs, 1, __ATOMIC_ACQ_REL))
		return;
	if (__atomic_load_n(&f->watches, __ATOMIC_ACQUIRE))
		file_watches_release(f);
	if (f->dentry && f->ops && !(f->flags & O_PATH))
		fsnotify_close(f);
	if (f->fasync)
		fasync_release(f);
	if (f->inode) {
		locks_release(f);
		lease_release(f);
	}
	if (f->ops && f->ops->release)
		f->ops->release(f);
	dentry_put(f->dentry);
	inode_put(f->inode);
	free(f);
	__atomic_sub_fetch(&files_live, 1, __ATOMIC_RELAXED);
}

struct fd_table *fdt_new(void)
{
	struct fd_table *t = calloc(1, sizeof(*t));

	if (!t)
		return NULL;
	pthread_mutex_init(&t->lock, NULL);
	t->refs = 1;
	return t;
}

/* Grow t to hold fd (t->lock held): 64 slots, doubling, as Linux's
 * expand_fdtable, so FDSize in /proc/PID/status reads as there. */
static int fdt_expand(struct fd_table *t, int fd)
{
	int n = t->max_fds ? t->max_fds : 64;
	struct file **nf;
	bool *nc;

	if (fd < t->max_fds)
		return 0;
	while (n <= fd)
		n *= 2;
	if (n > FD_NR_OPEN)
		n = FD_NR_OPEN;
	nf = realloc(t->fd, n * sizeof(*nf));
	if (!nf)
		return -ENOMEM;
	t->fd = nf;
	nc = realloc(t->cloexec, n * sizeof(*nc));
	if (!nc)
		return -ENOMEM;
	t->cloexec = nc;
	memset(nf + t->max_fds, 0, (n - t->max_fds) * sizeof(*nf));
	memset(nc + t->max_fds, 0, (n - t->max_fds) * sizeof(*nc));
	t->max_fds = n;
	return 0;
}

struct fd_table *fdt_dup(struct fd_table *t)
{
	struct fd_table *n = fdt_new();

	if (!n)
		return NULL;
	pthread_mutex_lock(&t->lock);
	if (t->max_fds && fdt_expand(n, t->max_fds - 1)) {
		pthread_mutex_unlock(&t->lock);
		fdt_put(n);
		return NULL;
	}
	for (int i = 0; i < t->max_fds; i++) {
		if (t->fd[i])
			n->fd[i] = file_get(t->fd[i]);
		n->cloexec[i] = t->cloexec[i];
	}
	pthread_mutex_unlock(&t->lock);
	return n;
}

void fdt_put(struct fd_table *t)
{
	if (!t || __atomic_sub_fetch(&t->refs, 1, __ATOMIC_ACQ_REL))
		return;
	for (int i = 0; i < t->max_fds; i++)
		file_put(t->fd[i]);
	free(t->fd);
	free(t->cloexec);
	free(t);
}

struct file *fdt_get(struct fd_table *t, int fd)
{
	struct file *f = NULL;

	if (fd < 0)
		return NULL;
	pthread_mutex_lock(&t->lock);
	if (fd < t->max_fds && t->fd[fd])
		f = file_get(t->fd[fd]);
	pthread_mutex_unlock(&t->lock);
	return f;
}

struct file *fget_raw(struct task *t, int fd)
{
	return fdt_get(t->tg->fdt, fd);
}

struct file *fget(struct task *t, int fd)
{
	struct file *f = fdt_get(t->tg->fdt, fd);

	if (f && (f->flags & O_PATH)) {
		file_put(f);
		return NULL;
	}
	return f;
}

int fdt_next_fd(struct fd_table *t, int from)
{
	int fd = from < 0 ? 0 : from;

	pthread_mutex_lock(&t->lock);
	while (fd < t->max_fds && !t->fd[fd])
		fd++;
	if (fd >= t->max_fds)
		fd = -1;
	pthread_mutex_unlock(&t->lock);
	return fd;
}

int fdt_get_cloexec(struct fd_table *t, int fd)
{
	int ret = -EBADF;

	pthread_mutex_lock(&t->lock);
	if (fd >= 0 && fd < t->max_fds && t->fd[fd])
		ret = t->cloexec[fd];
	pthread_mutex_unlock(&t->lock);
	return ret;
}

int fdt_set_cloexec(struct fd_table *t, int fd, bool on)
{
	int ret = -EBADF;

	pthread_mutex_lock(&t->lock);
	if (fd >= 0 && fd < t->max_fds && t->fd[fd]) {
		t->cloexec[fd] = on;
		ret = 0;
	}
	pthread_mutex_unlock(&t->lock);
	return ret;
}

/* Install f at the lowest free fd in [min, limit) (takes the caller's
 * reference on success). */
static int fdt_install_min(struct fd_table *t, int min, int limit, struct file *f,
			   bool cloexec)
{
	int fd;

	if (limit > FD_NR_OPEN)
		limit = FD_NR_OPEN;
	pthread_mutex_lock(&t->lock);
	for (fd = min; fd < t->max_fds && fd < limit && t->fd[fd]; fd++)
		;
	if (fd >= limit) {
		pthread_mutex_unlock(&t->lock);
		return -EMFILE;
	}
	if (fdt_expand(t, fd)) {
		pthread_mutex_unlock(&t->lock);
		return -ENOMEM;
	}
	t->fd[fd] = f;
	t->cloexec[fd] = cloexec;
	pthread_mutex_unlock(&t->lock);
	return fd;
}

int fd_alloc_install(struct task *t, int min, struct file *f, bool cloexec)
{
	rlim_t limit = t->tg->rlim[RLIMIT_NOFILE].rlim_cur;

	return fdt_install_min(t->tg->fdt, min, limit > FD_NR_OPEN ? FD_NR_OPEN : (int)limit,
			       f, cloexec);
}

long fd_install_new(struct task *t, struct file *f, bool cloexec)
{
	long fd;

	if (!f)
		return -ENOMEM;
	fd = fd_alloc_install(t, 0, f, cloexec);
	if (fd < 0)
		file_put(f);
	return fd;
}

int fdt_install(struct fd_table *t, int fd, struct file *f, bool cloexec)
{
	struct file *old;

	if (fd < 0 || fd >= FD_NR_OPEN)
		return -EBADF;
	pthread_mutex_lock(&t->lock);
	if (fdt_expand(t, fd)) {
		pthread_mutex_unlock(&t->lock);
		return -ENOMEM;
	}
	old = t->fd[fd];
	t->fd[fd] = f;
	t->cloexec[fd] = cloexec;
	pthread_mutex_unlock(&t->lock);
	file_put(old);
	return fd;
}

int fdt_close(struct fd_table *t, int fd)
{
	struct file *f = NULL;

	pthread_mutex_lock(&t->lock);
	if (fd >= 0 && fd < t->max_fds) {
		f = t->fd[fd];
		t->fd[fd] = NULL;
		t->cloexec[fd] = false;
	}
	pthread_mutex_unlock(&t->lock);
	if (!f)
		return -EBADF;
	file_put(f);
	return 0;
}

struct fs_struct *fs_new(struct dentry *root)
{
	struct fs_struct *fs = calloc(1, sizeof(*fs));

	if (!fs)
		return NULL;
	pthread_mutex_init(&fs->lock, NULL);
	fs->root = dentry_get(root);
	fs->cwd = dentry_get(root);
	fs->umask = 022;
	fs->refs = 1;
	return fs;
}

void fs_put(struct fs_struct *fs)
{
	if (!fs || __atomic_sub_fetch(&fs->refs, 1, __ATOMIC_ACQ_REL))
		return;
	dentry_put(fs->root);
	dentry_put(fs->cwd);
	free(fs);
}
