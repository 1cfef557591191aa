/* SPDX-License-Identifier: MIT */
/*
 * Path walking (DESIGN.md §4): one component at a time, in the sentry.
 * File systems are asked for single names only (hostfs turns each into an
 * openat(parent, name, O_NOFOLLOW)), symlinks are read and followed here,
 * and ".." stops at the sandbox root, so no path can leave the sandbox.
 */
#include <errno.h>
#include <linux/capability.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kernel/kernel.h"
#include "mm/mm.h"
#include "pathname.h"
#include "vfs/vfs.h"

#define MAX_SYMLINKS 40                 /* Linux's MAXSYMLINKS */

int vfs_cross_mounts(struct dentry **d);

static bool same(const struct dentry *a, const struct dentry *b)
{
	return a->mnt == b->mnt && a->inode->ino == b->inode->ino &&
	       a->inode->dev == b->inode->dev;
}

/*
 * A name a file system may be asked for: not "", "." or ".." (the walk
 * resolves those itself, stopping ".." at the root; hostfs would hand
 * ".." to the host, which goes above the sandbox's root) and no "/".
 * EACCES, as Linux's lookup_one_len answers.
 */
static int check_name(const char *name)
{
	if (!name[0] || strchr(name, '/') ||
	    (name[0] == '.' && (!name[1] || (name[1] == '.' && !name[2]))))
		return -EACCES;
	return 0;
}

/*
 * Look name up in dir; *attr gets the attributes the file system read for
 * it on the way, if it gives them (lookup_attr), else st_nlink stays 0.
 */
static int lookup_one(struct dentry *dir, const char *name, struct dentry **out,
		      struct stat *attr)
{
	const struct inode_ops *ops = dir->inode->ops;
	struct inode *ino;
	int err;

	attr->st_nlink = 0;
	if ((err = check_name(name)))
		return err;
	if (!S_ISDIR(dir->inode->mode))
		return -ENOTDIR;
	if (ops->lookup_attr)
		err = ops->lookup_attr(dir->inode, name, &ino, attr);
	else if (ops->lookup)
		err = ops->lookup(dir->inode, name, &ino);
	else
		err = -ENOENT;
	if (err)
		return err;
	*out = dentry_new(dir, dir->mnt, name, ino);
	if (!*out) {
		inode_put(ino);
		return -ENOMEM;
	}
	return vfs_cross_mounts(out);
}

int vfs_lookup_one(struct dentry *dir, const char *name, struct dentry **out)
{
	struct stat attr;

	return lookup_one(dir, name, out, &attr);
}

struct walk {
	struct task *t;
	struct dentry *root;            /* ".." and "/" stop here */
	struct dentry *start;           /* RESOLVE_BENEATH anchor */
	unsigned flags;
	int links;
	/* The attributes the walk's last lookup read, and of which inode (a
	 * mount crossed after it, or a symlink followed, is another one) */
	struct stat attr;
	const struct inode *attr_of;
};

static int may_attr(const struct creds *c, const struct stat *st, int mask);
static const struct creds *creds_of(struct task *t);

/* Parent of d within the walk's root (".." semantics). */
static int go_up(struct walk *w, struct dentry **cur)
{
	if (same(*cur, w->root))
		return (w->flags & WALK_BENEATH) ? -EXDEV : 0;
	if ((w->flags & WALK_BENEATH) && same(*cur, w->start))
		return -EXDEV;
	if ((*cur)->parent) {
		if ((w->flags & WALK_NO_XDEV) && (*cur)->parent->mnt != (*cur)->mnt)
			return -EXDEV;
		struct dentry *p = dentry_get((*cur)->parent);
		dentry_put(*cur);
		*cur = p;
	}
	return 0;
}

/* The remaining path after a symlink: target + "/" + rest. */
static int splice_rest(char *buf, size_t len, const char *target, size_t tlen, const char *rest)
{
	size_t rlen = strlen(rest);

	if (tlen + 1 + rlen + 1 > len)
		return -ENAMETOOLONG;
	memmove(buf + tlen + 1, rest, rlen + 1);
	memcpy(buf, target, tlen);
	buf[tlen] = rlen ? '/' : 0;
	if (!rlen)
		buf[tlen] = 0;
	return 0;
}

static int follow(struct walk *w, struct dentry **cur, struct dentry *link, char *path,
		  size_t pathlen, const char *rest, const char **p)
{
	char target[PATH_MAX];
	long n;

	if (w->flags & WALK_NO_SYMLINKS)
		return -ELOOP;
	if (++w->links > MAX_SYMLINKS)
		return -ELOOP;
	if (link->inode->ops->get_link) {
		struct dentry *to;
		int err;

		if (w->flags & WALK_NO_MAGIC)
			return -ELOOP;
		err = link->inode->ops->get_link(w->t, link->inode, &to);
		if (err)
			return err;
		dentry_put(*cur);
		*cur = to;
		memmove(path, rest, strlen(rest) + 1);
		*p = path;
		return 0;
	}
	n = link->inode->ops->readlink ? link->inode->ops->readlink(link->inode, target,
								    sizeof(target))
				       : -EINVAL;
	if (n < 0)
		return (int)n;
	if (n == 0)
		return -ENOENT;
	if (target[0] == '/') {
		if (w->flags & WALK_BENEATH)
			return -EXDEV;
		dentry_put(*cur);
		*cur = dentry_get(w->root);
	}
	if (splice_rest(path, pathlen, target, (size_t)n, rest))
		return -ENAMETOOLONG;
	*p = path;
	return 0;
}

static bool only_slashes(const char *s)
{
	while (*s == '/')
		s++;
	return !*s;
}

/*
 * The walk proper.  path is a private, writable copy (symlinks splice into
 * it).  On success res->d holds a reference.
 */
static int walk_path(struct walk *w, struct dentry *cur, char *path, size_t pathlen,
		     struct walk_result *res)
{
	const char *p = path;
	int err = 0;

	res->trailing_slash = path[0] && path[strlen(path) - 1] == '/';
	for (;;) {
		char name[NAME_MAX + 1];
		int n;

		if (*p == '/' && p == path) {   /* absolute: restart at the root */
			if (w->flags & WALK_BENEATH) {
				err = -EXDEV;
				break;
			}
			dentry_put(cur);
			cur = dentry_get(w->root);
		}
		n = path_next_name(&p, name);
		if (n <= 0) {
			err = n;
			break;
		}
		bool last = only_slashes(p);

		if (!S_ISDIR(cur->inode->mode)) {
			err = -ENOTDIR;
			break;
		}
		/* the search permission from the attributes this walk's own
		 * lookup of cur read, if it did: as fresh as a new fstat, a
		 * host call fewer a directory (nginx's docroot, issue 16) */
		if (w->t && w->attr_of == cur->inode)
			err = may_attr(creds_of(w->t), &w->attr, X_OK);
		else
			err = vfs_may(w->t, cur->inode, X_OK);
		if (err)
			break;
		if (last && (w->flags & WALK_PARENT)) {
			memcpy(res->last, name, n + 1);
			break;
		}
		if (!strcmp(name, "."))
			continue;
		if (!strcmp(name, "..")) {
			if ((err = go_up(w, &cur)))
				break;
			continue;
		}
		struct dentry *next;
		if ((err = lookup_one(cur, name, &next, &w->attr)))
			break;
		w->attr_of = w->attr.st_nlink && w->attr.st_ino == next->inode->ino &&
			     w->attr.st_dev == next->inode->dev ? next->inode : NULL;
		if (S_ISLNK(next->inode->mode) &&
		    (!last || (w->flags & WALK_FOLLOW) || res->trailing_slash)) {
			char rest[PATH_MAX];

			snprintf(rest, sizeof(rest), "%s", p);
			err = follow(w, &cur, next, path, pathlen, rest, &p);
			dentry_put(next);
			if (err)
				break;
			if (p[0] == '/' && cur == w->root)
				p++;    /* already at the root: not a restart */
			continue;
		}
		dentry_put(cur);
		cur = next;
	}
	if (!err && (w->flags & WALK_PARENT) && !res->last[0]) {
		/* "/" as the whole path: no final name (EBUSY, EEXIST...) */
		strcpy(res->last, "/");
	}
	if (!err && !(w->flags & WALK_PARENT) && (res->trailing_slash ||
						  (w->flags & WALK_DIRECTORY)) &&
	    !S_ISDIR(cur->inode->mode))
		err = -ENOTDIR;
	if (err) {
		dentry_put(cur);
		return err;
	}
	res->d = cur;
	return 0;
}

/* The dentry an fd names, for *at calls; AT_FDCWD is the cwd. */
static int dirfd_dentry(struct task *t, int dirfd, struct dentry **out)
{
	struct file *f;

	if (dirfd == AT_FDCWD) {
		pthread_mutex_lock(&t->fs->lock);
		*out = dentry_get(t->fs->cwd);
		pthread_mutex_unlock(&t->fs->lock);
		return 0;
	}
	f = fget_raw(t, dirfd);
	if (!f)
		return -EBADF;
	*out = dentry_get(f->dentry);
	file_put(f);
	return *out ? 0 : -ENOTDIR;
}

int vfs_walk(struct task *t, int dirfd, const char *path, unsigned flags,
	     struct walk_result *res)
{
	struct walk w = { .t = t, .flags = flags };
	char buf[PATH_MAX * 2];
	struct dentry *start;
	int err;

	memset(res, 0, sizeof(*res));
	if (strlen(path) >= PATH_MAX)
		return -ENAMETOOLONG;
	if (!path[0] && !(flags & WALK_EMPTY))
		return -ENOENT;
	if (path[0] != '/' || !path[0] || (flags & WALK_IN_ROOT)) {
		err = dirfd_dentry(t, dirfd, &start);
		if (err)
			return err;
		if (!path[0]) {
			res->d = start;
			return 0;
		}
	} else {
		pthread_mutex_lock(&t->fs->lock);
		start = dentry_get(t->fs->cwd);
		pthread_mutex_unlock(&t->fs->lock);
	}
	if (path[0] != '/' && !S_ISDIR(start->inode->mode)) {
		dentry_put(start);
		return -ENOTDIR;
	}
	pthread_mutex_lock(&t->fs->lock);
	w.root = (flags & WALK_IN_ROOT) ? dentry_get(start) : dentry_get(t->fs->root);
	pthread_mutex_unlock(&t->fs->lock);
	w.start = start;
	if ((flags & WALK_IN_ROOT) && path[0] == '/')
		w.flags &= ~WALK_BENEATH;
	strcpy(buf, path);
	err = walk_path(&w, dentry_get(start), buf, sizeof(buf), res);
	dentry_put(start);
	dentry_put(w.root);
	return err;
}

/* Walk path relative to base (a symlink's directory, for instance). */
int vfs_walk_at(struct task *t, struct dentry *base, const char *path, unsigned flags,
		struct walk_result *res)
{
	struct walk w = { .t = t, .flags = flags, .start = base };
	char buf[PATH_MAX * 2];
	int err;

	memset(res, 0, sizeof(*res));
	if (strlen(path) >= PATH_MAX)
		return -ENAMETOOLONG;
	pthread_mutex_lock(&t->fs->lock);
	w.root = dentry_get(t->fs->root);
	pthread_mutex_unlock(&t->fs->lock);
	strcpy(buf, path);
	err = walk_path(&w, dentry_get(base), buf, sizeof(buf), res);
	dentry_put(w.root);
	return err;
}

int user_walk(struct task *t, int dirfd, uint64_t upath, unsigned flags,
	      struct walk_result *res)
{
	char path[PATH_MAX];
	long n = strncpy_from_user(t->tg->mm, path, upath, sizeof(path));

	if (n < 0)
		return (int)n;
	return vfs_walk(t, dirfd, path, flags, res);
}

int vfs_setup_walk(struct fs_struct *fs, struct dentry *base, const char *path,
		   unsigned flags, struct walk_result *res)
{
	/* no task: magic links (procfs's, which need one) are refused */
	struct walk w = { .t = NULL, .root = fs->root, .start = base,
			  .flags = flags | WALK_NO_MAGIC };
	char buf[PATH_MAX * 2];

	memset(res, 0, sizeof(*res));
	if (strlen(path) >= PATH_MAX)
		return -ENAMETOOLONG;
	strcpy(buf, path);
	return walk_path(&w, dentry_get(base), buf, sizeof(buf), res);
}

/* Setup-time mounts: walk from the fs root without a task. */
int vfs_mount_path(struct fs_struct *fs, const char *path, struct inode *root,
		   const char *fstype, const char *source, bool readonly)
{
	struct walk_result res;
	int err;

	err = vfs_setup_walk(fs, fs->root, path,
			     WALK_FOLLOW | (S_ISDIR(root->mode) ? WALK_DIRECTORY : 0), &res);
	if (err)
		return err;
	struct mount *m = vfs_mount(res.d, root, fstype, source, readonly);

	err = m ? 0 : -ENOMEM;
	if (m) {
		char where[PATH_MAX];

		m->path = vfs_path(fs->root, res.d, where, sizeof(where)) >= 0 ? strdup(where)
									      : NULL;
	}
	dentry_put(res.d);
	return err;
}

/* The mode bits that apply to c: the owner's, the group's or the others'. */
static int dac_bits(const struct creds *c, const struct stat *st, int mask)
{
	mode_t mode = st->st_mode;

	if (st->st_uid == c->fsuid)
		mode >>= 6;
	else if ((mask & (mode ^ (mode >> 3))) && in_group(c, st->st_gid))
		mode >>= 3;     /* only when group and other differ for mask */
	return (mask & ~mode & 7) ? -EACCES : 0;
}

/*
 * generic_permission(): the mode bits for fsuid, fsgid and the groups;
 * then CAP_DAC_READ_SEARCH reads files and reads and searches
 * directories, CAP_DAC_OVERRIDE does all but execute a file that has no
 * execute bit at all, each only over files whose owner and group the
 * sandbox maps.  The calling task's credentials (access(2) gives it the
 * real ids for the call).
 */
static const struct creds *creds_of(struct task *t)
{
	return t->cred_override ? t->cred_override : &t->tg->cred;
}

/* The check itself, on attributes st of the file (mask: R_OK|W_OK|X_OK). */
static int may_attr(const struct creds *c, const struct stat *st, int mask)
{
	if (!dac_bits(c, st, mask))
		return 0;
	if (S_ISDIR(st->st_mode)) {
		if (!(mask & W_OK) && capable_wrt_ids(c, CAP_DAC_READ_SEARCH, st->st_uid, st->st_gid))
			return 0;
		return capable_wrt_ids(c, CAP_DAC_OVERRIDE, st->st_uid, st->st_gid) ? 0 : -EACCES;
	}
	if (mask == R_OK && capable_wrt_ids(c, CAP_DAC_READ_SEARCH, st->st_uid, st->st_gid))
		return 0;
	if ((!(mask & X_OK) || (st->st_mode & 0111)) &&
	    capable_wrt_ids(c, CAP_DAC_OVERRIDE, st->st_uid, st->st_gid))
		return 0;
	return -EACCES;
}

int vfs_may(struct task *t, struct inode *ino, int mask)
{
	const struct creds *c;
	struct stat st;
	int err;

	mask &= R_OK | W_OK | X_OK;
	if (!mask || !t)
		return 0;       /* the sentry itself */
	c = creds_of(t);
	/* with no id map every owner is mapped: the override needs the mode
	 * only to execute a file, so skip the attribute read (a host call
	 * for hostfs) on every directory */
	if (!sandbox.uid_map && !sandbox.gid_map && capable(c, CAP_DAC_OVERRIDE) &&
	    (!(mask & X_OK) || S_ISDIR(ino->mode)))
		return 0;
	err = vfs_getattr(ino, &st);
	if (err)
		return err == -EINVAL ? 0 : err;        /* no attributes to check */
	return may_attr(c, &st, mask);
}
