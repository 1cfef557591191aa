/* SPDX-License-Identifier: MIT */
#include <errno.h>
#include <stdlib.h>

#include "vfs/file.h"

struct file *file_new(const struct file_ops *ops, int flags, void *priv)
{
	struct file *f = calloc(1, sizeof(*f));

	if (!f)
		return NULL;
	f->ops = ops;
	f->refs = 1;
	f->flags = flags;
	f->priv = priv;
	return f;
}

struct file *file_get(struct file *f)
{
	__atomic_add_fetch(&f->refs, 1, __ATOMIC_RELAXED);
	return f;
}

void file_put(struct file *f)
{
	if (!f || __atomic_sub_fetch(&f->refs, 1, __ATOMIC_ACQ_REL))
		return;
	if (f->ops->release)
		f->ops->release(f);
	free(f);
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

void fdt_put(struct fd_table *t)
{
	if (!t || __atomic_sub_fetch(&t->refs, 1, __ATOMIC_ACQ_REL))
		return;
	for (int i = 0; i < FD_MAX; i++)
		file_put(t->fd[i]);
	free(t);
}

struct file *fdt_get(struct fd_table *t, int fd)
{
	struct file *f = NULL;

	if (fd < 0 || fd >= FD_MAX)
		return NULL;
	pthread_mutex_lock(&t->lock);
	if (t->fd[fd])
		f = file_get(t->fd[fd]);
	pthread_mutex_unlock(&t->lock);
	return f;
}

/* Install f at fd (replacing what is there), or at the lowest free fd if fd < 0. */
int fdt_install(struct fd_table *t, int fd, struct file *f, bool cloexec)
{
	struct file *old = NULL;

	pthread_mutex_lock(&t->lock);
	if (fd < 0) {
		for (fd = 0; fd < FD_MAX && t->fd[fd]; fd++)
			;
		if (fd == FD_MAX) {
			pthread_mutex_unlock(&t->lock);
			return -EMFILE;
		}
	} else if (fd >= FD_MAX) {
		pthread_mutex_unlock(&t->lock);
		return -EBADF;
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
	struct file *f;

	if (fd < 0 || fd >= FD_MAX)
		return -EBADF;
	pthread_mutex_lock(&t->lock);
	f = t->fd[fd];
	t->fd[fd] = NULL;
	pthread_mutex_unlock(&t->lock);
	if (!f)
		return -EBADF;
	file_put(f);
	return 0;
}
