/* SPDX-License-Identifier: MIT */
/*
 * The file system types the sentry has (Linux's fs/filesystems.c): each
 * file system of fs/ registers itself at start-up (a constructor, as
 * Linux's initcalls), boot/ makes mounts by type name, and
 * /proc/filesystems lists them.  Nothing is unregistered: the set is fixed
 * once the sentry runs.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "vfs/vfs.h"

static struct fs_type *types;
static pthread_mutex_t types_lock = PTHREAD_MUTEX_INITIALIZER;

/* Add fs to the list, after the others; -EBUSY if its name is taken. */
int register_filesystem(struct fs_type *fs)
{
	struct fs_type **pp;
	int err = 0;

	pthread_mutex_lock(&types_lock);
	for (pp = &types; *pp && !err; pp = &(*pp)->next)
		if (!strcmp((*pp)->name, fs->name))
			err = -EBUSY;
	if (!err) {
		fs->next = NULL;
		*pp = fs;
	}
	pthread_mutex_unlock(&types_lock);
	return err;
}

const struct fs_type *get_fs_type(const char *name)
{
	const struct fs_type *fs;

	pthread_mutex_lock(&types_lock);
	for (fs = types; fs && strcmp(fs->name, name); fs = fs->next)
		;
	pthread_mutex_unlock(&types_lock);
	return fs;
}

/* A new instance of the type called name: its root inode, or NULL. */
struct inode *vfs_fs_instance(const char *name, const struct fs_mount *m)
{
	const struct fs_type *fs = get_fs_type(name);

	return fs ? fs->mount(m) : NULL;
}

/* /proc/filesystems: "nodev\tNAME" or "\tNAME" a line; returns the length. */
size_t vfs_filesystems(char *buf, size_t len)
{
	size_t used = 0;

	if (len)
		buf[0] = 0;
	pthread_mutex_lock(&types_lock);
	for (const struct fs_type *fs = types; fs && used < len; fs = fs->next) {
		int n = snprintf(buf + used, len - used, "%s\t%s\n",
				 (fs->flags & FS_REQUIRES_DEV) ? "" : "nodev", fs->name);

		if (n < 0 || (size_t)n >= len - used)
			break;
		used += (size_t)n;
	}
	pthread_mutex_unlock(&types_lock);
	return used;
}
