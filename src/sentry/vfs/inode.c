/* SPDX-License-Identifier: MIT */
/* Reference counting of inodes and dentries; attributes. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "vfs/vfs.h"

void inode_init(struct inode *ino, const struct inode_ops *ops, mode_t mode,
		uint64_t dev, uint64_t ino_nr, void (*release)(struct inode *))
{
	ino->refs = 1;
	ino->ops = ops;
	ino->mode = mode;
	ino->dev = dev;
	ino->ino = ino_nr;
	ino->release = release;
}

struct inode *inode_get(struct inode *ino)
{
	if (ino)
		__atomic_add_fetch(&ino->refs, 1, __ATOMIC_RELAXED);
	return ino;
}

void inode_put(struct inode *ino)
{
	if (ino && !__atomic_sub_fetch(&ino->refs, 1, __ATOMIC_ACQ_REL) && ino->release)
		ino->release(ino);
}

struct dentry *dentry_new(struct dentry *parent, struct mount *mnt, const char *name,
			  struct inode *ino)
{
	size_t n = strlen(name);
	struct dentry *d = malloc(sizeof(*d) + n + 1);

	if (!d)
		return NULL;
	d->refs = 1;
	d->parent = dentry_get(parent);
	d->mnt = mnt;
	d->inode = ino;         /* takes the caller's reference */
	memcpy(d->name, name, n + 1);
	return d;
}

struct dentry *dentry_get(struct dentry *d)
{
	if (d)
		__atomic_add_fetch(&d->refs, 1, __ATOMIC_RELAXED);
	return d;
}

void dentry_put(struct dentry *d)
{
	while (d && !__atomic_sub_fetch(&d->refs, 1, __ATOMIC_ACQ_REL)) {
		struct dentry *p = d->parent;

		inode_put(d->inode);
		free(d);
		d = p;
	}
}

int vfs_getattr(struct inode *ino, struct stat *st)
{
	memset(st, 0, sizeof(*st));
	if (!ino->ops->getattr)
		return -EINVAL;
	return ino->ops->getattr(ino, st);
}

/* Each file system instance gets a device number of its own (major 0). */
uint64_t vfs_new_dev(void)
{
	static uint64_t next = 0x30;

	return __atomic_fetch_add(&next, 1, __ATOMIC_RELAXED);
}
