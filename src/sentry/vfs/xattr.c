/* SPDX-License-Identifier: MIT */
/*
 * Extended attributes: the rules every file system shares, as Linux's
 * fs/xattr.c (xattr_permission) and commoncap's cap_inode_setxattr, before
 * the file system's own getxattr/setxattr/listxattr.  A file system
 * without them (hostfs, procfs, devices) stores none: reads find nothing,
 * writes are EOPNOTSUPP (docs/compatibility.md).
 */
#include <errno.h>
#include <linux/capability.h>
#include <linux/limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/xattr.h>
#include <unistd.h>

#include "kernel/kernel.h"
#include "vfs/vfs.h"

enum xattr_ns { XA_USER, XA_TRUSTED, XA_SECURITY, XA_SYSTEM, XA_OTHER };

static enum xattr_ns xattr_ns(const char *name)
{
	static const struct { const char *prefix; enum xattr_ns ns; } tab[] = {
		{ "user.", XA_USER }, { "trusted.", XA_TRUSTED },
		{ "security.", XA_SECURITY }, { "system.", XA_SYSTEM },
	};

	for (size_t i = 0; i < sizeof(tab) / sizeof(tab[0]); i++)
		if (!strncmp(name, tab[i].prefix, strlen(tab[i].prefix)))
			return tab[i].ns;
	return XA_OTHER;
}

static const struct creds *cred_of(struct task *t)
{
	return t->cred_override ? t->cred_override : &t->tg->cred;
}

/* Linux's xattr_permission(): trusted.* is CAP_SYS_ADMIN's (a read
 * without it finds nothing), user.* lives only on regular files and
 * directories (on a sticky one, only its owner writes), and the file's
 * own read or write permission decides the rest. */
static int xattr_permission(struct task *t, struct inode *ino, const char *name, bool write)
{
	struct stat st;

	switch (xattr_ns(name)) {
	case XA_SECURITY: case XA_SYSTEM:
		return 0;
	case XA_TRUSTED:
		if (!capable(cred_of(t), CAP_SYS_ADMIN))
			return write ? -EPERM : -ENODATA;
		return 0;
	case XA_USER:
		if (!S_ISREG(ino->mode) && !S_ISDIR(ino->mode))
			return write ? -EPERM : -ENODATA;
		if (write && S_ISDIR(ino->mode) && !vfs_getattr(ino, &st) &&
		    (st.st_mode & S_ISVTX) && vfs_owner_or_capable(t, ino))
			return -EPERM;
		break;
	case XA_OTHER:
		break;
	}
	return vfs_may(t, ino, write ? W_OK : R_OK);
}

/* Namespaces the sandbox's file systems store: no ACLs (system.*) */
static bool stored(const char *name)
{
	enum xattr_ns ns = xattr_ns(name);

	return ns == XA_USER || ns == XA_TRUSTED || ns == XA_SECURITY;
}

long vfs_getxattr(struct task *t, struct dentry *d, const char *name, void *buf, size_t size)
{
	struct inode *ino = d->inode;
	int err = xattr_permission(t, ino, name, false);

	if (err)
		return err;
	if (!stored(name))
		return -EOPNOTSUPP;
	if (!ino->ops->getxattr)
		return -ENODATA;
	return ino->ops->getxattr(ino, name, buf, size);
}

/* val NULL: remove.  The mount is checked first (mnt_want_write), then
 * the permission, then commoncap: security.* needs CAP_SYS_ADMIN. */
int vfs_setxattr(struct task *t, struct dentry *d, const char *name, const void *val,
		 size_t size, int flags)
{
	struct inode *ino = d->inode;
	int err;

	if (d->mnt && d->mnt->readonly)
		return -EROFS;
	err = xattr_permission(t, ino, name, true);
	if (err)
		return err;
	if (xattr_ns(name) == XA_SECURITY && !capable(cred_of(t), CAP_SYS_ADMIN))
		return -EPERM;
	if (!stored(name) || !ino->ops->setxattr)
		return -EOPNOTSUPP;
	return ino->ops->setxattr(ino, name, val, size, flags);
}

/* The names, without the trusted.* ones for a caller without
 * CAP_SYS_ADMIN (Linux's simple_xattr_list). */
long vfs_listxattr(struct task *t, struct dentry *d, char *buf, size_t size)
{
	struct inode *ino = d->inode;
	bool trusted = capable(cred_of(t), CAP_SYS_ADMIN);
	char *all;
	long n, out = 0;

	if (!ino->ops->listxattr)
		return 0;
	all = malloc(XATTR_LIST_MAX);
	if (!all)
		return -ENOMEM;
	n = ino->ops->listxattr(ino, all, XATTR_LIST_MAX);
	for (long i = 0; i < n; i += (long)strlen(all + i) + 1) {
		size_t len = strlen(all + i) + 1;

		if (xattr_ns(all + i) == XA_TRUSTED && !trusted)
			continue;
		if (size && (size_t)out + len > size) {
			out = -ERANGE;
			break;
		}
		if (size)
			memcpy(buf + out, all + i, len);
		out += (long)len;
	}
	free(all);
	return n < 0 ? n : out;
}
