/* SPDX-License-Identifier: MIT */
#ifndef CVISOR_MEMFS_H
#define CVISOR_MEMFS_H

#include "vfs/vfs.h"

struct memfs {
	pthread_mutex_t lock;           /* one lock per instance: trees are small */
	uint64_t dev;
	uint64_t next_ino;
	long magic;                     /* statfs f_type; 0: TMPFS_MAGIC */
};

struct mdirent;
struct mxattr;

struct mnode {
	struct inode vfs;
	struct memfs *sb;
	mode_t mode;
	uid_t uid;
	gid_t gid;
	nlink_t nlink;
	dev_t rdev;
	struct timespec atime, mtime, ctime;
	struct mdirent *ents;           /* directory entries (upper layer) */
	bool opaque;                    /* hides the lower directory */
	bool removed;                   /* an rmdir'ed directory, still open */
	struct inode *lower;            /* overlay: what this node shadows */
	bool attrs_set;                 /* attributes live here, not below */
	bool lower_st_valid;            /* lower_st caches the lower's stat */
	struct stat lower_st;
	int memfd;                      /* regular file data, or -1 */
	char *target;                   /* symlink */
	const struct file_ops *fops;    /* special files */
	void *fpriv;
	struct mxattr *xattrs;          /* extended attributes (sb locked) */
};

struct mnode *mnode_new(struct memfs *sb, mode_t mode, uid_t uid, gid_t gid);
int memfs_copy_up(struct inode *ino);
bool is_memfs(struct inode *ino);
int memfs_add_special(struct inode *dir, const char *name, mode_t mode, dev_t rdev,
		      const struct file_ops *fops, void *fpriv);
int memfs_add_symlink(struct inode *dir, const char *name, const char *target);



void memfs_set_magic(struct inode *root, long magic);
#endif
