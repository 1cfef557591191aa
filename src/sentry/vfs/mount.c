/* SPDX-License-Identifier: MIT */
/*
 * The mount table.  Mounts are few and never unmounted while the sandbox
 * runs (umount comes with the OCI mounts), so a list is enough.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "vfs/vfs.h"

static struct mount *mounts;
static pthread_mutex_t mounts_lock = PTHREAD_MUTEX_INITIALIZER;
static int next_id = 1;

struct mount *vfs_mounts(void)
{
	return mounts;
}

/* Mount root on the dentry at (NULL for the sandbox root). */
struct mount *vfs_mount(struct dentry *at, struct inode *root, const char *fstype,
			const char *source, bool readonly)
{
	struct mount *m = calloc(1, sizeof(*m));

	if (!m)
		return NULL;
	m->parent = at ? at->mnt : NULL;
	if (at) {
		m->mp_dev = at->inode->dev;
		m->mp_ino = at->inode->ino;
	}
	m->root = root;
	m->fstype = fstype;
	m->source = source;
	m->readonly = readonly;
	if (!at)
		m->path = "/";
	pthread_mutex_lock(&mounts_lock);
	m->id = next_id++;
	/* append: later mounts stack on top of earlier ones */
	struct mount **pp = &mounts;
	while (*pp)
		pp = &(*pp)->next;
	*pp = m;
	pthread_mutex_unlock(&mounts_lock);
	return m;
}

struct dentry *vfs_root_dentry(struct mount *m)
{
	return dentry_new(NULL, m, "/", inode_get(m->root));
}

/* The topmost mount on d, if any. */
static struct mount *mounted_on(struct dentry *d)
{
	struct mount *found = NULL;

	pthread_mutex_lock(&mounts_lock);
	for (struct mount *m = mounts; m; m = m->next)
		if (m->parent == d->mnt && m->mp_dev == d->inode->dev &&
		    m->mp_ino == d->inode->ino)
			found = m;
	pthread_mutex_unlock(&mounts_lock);
	return found;
}

/* Replace *d by the root of what is mounted on it, repeatedly. */
int vfs_cross_mounts(struct dentry **d)
{
	struct mount *m;

	while ((m = mounted_on(*d))) {
		struct dentry *r = dentry_new((*d)->parent, m, (*d)->name, inode_get(m->root));

		if (!r)
			return -ENOMEM;
		dentry_put(*d);
		*d = r;
	}
	return 0;
}

static bool is_root(const struct dentry *root, const struct dentry *d)
{
	return d->mnt == root->mnt && d->inode->ino == root->inode->ino &&
	       d->inode->dev == root->inode->dev;
}

bool vfs_under_root(struct dentry *root, struct dentry *d)
{
	for (; d; d = d->parent)
		if (is_root(root, d))
			return true;
	return false;
}

long vfs_path(struct dentry *root, struct dentry *d, char *buf, size_t len)
{
	char tmp[4096];
	size_t at = sizeof(tmp) - 1;

	tmp[at] = 0;
	for (; d && d->parent; d = d->parent) {
		if (is_root(root, d))
			break;
		size_t n = strlen(d->name);
		if (n + 1 > at)
			return -ENAMETOOLONG;
		at -= n;
		memcpy(tmp + at, d->name, n);
		tmp[--at] = '/';
	}
	if (at == sizeof(tmp) - 1)
		tmp[--at] = '/';
	if (sizeof(tmp) - at > len)
		return -ENAMETOOLONG;
	memcpy(buf, tmp + at, sizeof(tmp) - at);
	return (long)(sizeof(tmp) - at - 1);
}
