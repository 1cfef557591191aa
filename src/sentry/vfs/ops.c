/* SPDX-License-Identifier: MIT */
/*
 * The vfs_* entry points between the syscall handlers and the file
 * systems' inode ops (Linux's fs/namei.c and fs/attr.c).  A handler copies
 * its arguments, walks the path and calls one of these; every rule Linux
 * applies before a file system sees a change lives here, once:
 *
 *  - may_create(): the directory is searchable and writable, the mount is
 *    writable (EROFS), the name is free (EEXIST);
 *  - may_delete(): the same for removing, and the sticky bit: in an
 *    S_ISVTX directory only the file's owner, the directory's owner or
 *    CAP_FOWNER may unlink, rmdir, rename or replace a name;
 *  - init_owner(): a new inode belongs to fsuid and fsgid, or to the
 *    group of a set-group-ID directory, whose subdirectories inherit
 *    S_ISGID and whose set-group-ID files lose it for non-members
 *    (inode_init_owner, mode_strip_sgid);
 *  - setattr_prepare() and the set-ID bits chown and truncate clear;
 *  - an op a file system lacks gives the errno Linux gives.
 *
 * t NULL is the sentry itself (building the sandbox): everything is
 * allowed and new files are root's.
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/capability.h>
#include <stdio.h>
#include <signal.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/statfs.h>
#include <time.h>
#include <unistd.h>

#include "kernel/kernel.h"
#include "vfs/vfs.h"

/* The credentials permission checks use (access(2) overrides them). */
static const struct creds *cred_of(struct task *t)
{
	return t->cred_override ? t->cred_override : &t->tg->cred;
}

/* inode_owner_or_capable(): the owner, or CAP_FOWNER over the file. */
static bool owner_or_capable(const struct creds *c, const struct stat *st)
{
	return st->st_uid == c->fsuid || capable_wrt_ids(c, CAP_FOWNER, st->st_uid, st->st_gid);
}

int vfs_owner_or_capable(struct task *t, struct inode *ino)
{
	struct stat st;
	int err;

	if (!t)
		return 0;
	err = vfs_getattr(ino, &st);
	if (err)
		return err == -EINVAL ? 0 : err;
	return owner_or_capable(cred_of(t), &st) ? 0 : -EPERM;
}

/* ".", ".." or "/" (the root itself): names that cannot be made or removed */
static bool dots(const char *name)
{
	return !strcmp(name, ".") || !strcmp(name, "..") || !strcmp(name, "/");
}

/* may_create(): name is free in dir (unless the caller has just found it
 * absent: open's O_CREAT), dir may be written. */
static int may_create(struct task *t, struct dentry *dir, const char *name, bool absent)
{
	struct dentry *d;
	int err;

	if (!S_ISDIR(dir->inode->mode))
		return -ENOTDIR;
	if (dots(name))
		return -EEXIST;
	err = absent ? -ENOENT : vfs_lookup_one(dir, name, &d);
	if (!err) {
		dentry_put(d);
		return -EEXIST;
	}
	if (err != -ENOENT)
		return err;
	if (dir->mnt && dir->mnt->readonly)
		return -EROFS;
	return vfs_may(t, dir->inode, W_OK | X_OK);
}

/* check_sticky(): may c remove victim from a sticky directory? */
static int check_sticky(struct task *t, struct dentry *dir, struct dentry *victim)
{
	const struct creds *c;
	struct stat ds, vs;
	int err;

	if (!t || (err = vfs_getattr(dir->inode, &ds)) || !(ds.st_mode & S_ISVTX))
		return 0;
	c = cred_of(t);
	if (ds.st_uid == c->fsuid)
		return 0;
	if ((err = vfs_getattr(victim->inode, &vs)))
		return err;
	return owner_or_capable(c, &vs) ? 0 : -EPERM;
}

/*
 * may_delete(): the checks before name leaves dir (unlink, rmdir, the
 * source of a rename).  kind: 0 a non-directory, 1 a directory, -1 either.
 * *victim is what name is, for the caller to put.
 */
static int may_delete(struct task *t, struct dentry *dir, const char *name, int kind,
		      struct dentry **victim)
{
	int err;

	if (!S_ISDIR(dir->inode->mode))
		return -ENOTDIR;
	if (dir->mnt && dir->mnt->readonly)
		return -EROFS;
	if ((err = vfs_lookup_one(dir, name, victim)))
		return err;
	err = vfs_may(t, dir->inode, W_OK | X_OK);
	if (!err)
		err = check_sticky(t, dir, *victim);
	if (!err && kind == 1 && !S_ISDIR((*victim)->inode->mode))
		err = -ENOTDIR;
	if (!err && kind == 0 && S_ISDIR((*victim)->inode->mode))
		err = -EISDIR;
	if (!err && (*victim)->mnt != dir->mnt)
		err = -EBUSY;           /* a mountpoint */
	if (err) {
		dentry_put(*victim);
		*victim = NULL;
	}
	return err;
}

/* What a new inode gets: its type and mode, owner and group. */
struct new_owner {
	mode_t mode;
	uid_t uid;
	gid_t gid;
};

/*
 * inode_init_owner() with vfs_prepare_mode(): the umask, then the owner
 * and group a new inode in dir gets, and its set-group-ID bit.
 */
static void init_owner(struct task *t, struct dentry *dir, struct new_owner *o)
{
	const struct creds *c;
	struct stat ds;

	o->uid = o->gid = 0;
	if (!t)
		return;
	c = &t->tg->cred;
	if (!S_ISLNK(o->mode))
		o->mode &= ~(t->fs->umask & 0777) | S_IFMT;
	o->uid = c->fsuid;
	o->gid = c->fsgid;
	if (vfs_getattr(dir->inode, &ds) || !(ds.st_mode & S_ISGID))
		return;
	o->gid = ds.st_gid;
	if (S_ISDIR(o->mode))
		o->mode |= S_ISGID;
	else if ((o->mode & (S_ISGID | S_IXGRP)) == (S_ISGID | S_IXGRP) &&
		 !in_group(c, ds.st_gid) && !capable_wrt_ids(c, CAP_FSETID, ds.st_uid, ds.st_gid))
		o->mode &= ~(mode_t)S_ISGID;
}

/* Before making name in dir: may_create(), the file system's op (if it
 * has none: EPERM), then the new inode's owner and mode. */
static int prepare_new(struct task *t, struct dentry *dir, const char *name, bool has_op,
		       bool absent, struct new_owner *o)
{
	int err = may_create(t, dir, name, absent);

	if (err)
		return err;
	if (!has_op)
		return -EPERM;
	init_owner(t, dir, o);
	return 0;
}

int vfs_create(struct task *t, struct dentry *dir, const char *name, mode_t mode,
	       struct dentry **out)
{
	struct new_owner o = { .mode = S_IFREG | (mode & 07777) };
	struct inode *ino;
	int err = prepare_new(t, dir, name, dir->inode->ops->create, true, &o);

	if (err)
		return err == -EPERM ? -EACCES : err;   /* open(O_CREAT)'s answer */
	err = dir->inode->ops->create(dir->inode, name, o.mode & 07777, o.uid, o.gid, &ino);
	if (err)
		return err;
	fsnotify_create(dir, name, false);
	*out = dentry_new(dir, dir->mnt, name, ino);
	if (!*out) {
		inode_put(ino);
		return -ENOMEM;
	}
	return 0;
}

int vfs_mkdir(struct task *t, struct dentry *dir, const char *name, mode_t mode)
{
	struct new_owner o = { .mode = S_IFDIR | (mode & 07777) };
	int err = prepare_new(t, dir, name, dir->inode->ops->mkdir, false, &o);

	if (!err)
		err = dir->inode->ops->mkdir(dir->inode, name, o.mode & 07777, o.uid, o.gid);
	if (!err)
		fsnotify_create(dir, name, true);
	return err;
}

int vfs_mknod(struct task *t, struct dentry *dir, const char *name, mode_t mode, dev_t dev)
{
	struct new_owner o = { .mode = (mode & S_IFMT) ? mode : mode | S_IFREG };
	int err;

	if (!S_ISREG(o.mode) && !S_ISCHR(o.mode) && !S_ISBLK(o.mode) && !S_ISFIFO(o.mode) &&
	    !S_ISSOCK(o.mode))
		return -EINVAL;
	if ((err = prepare_new(t, dir, name, dir->inode->ops->mknod, false, &o)))
		return err;
	/* a device node takes CAP_MKNOD, checked after EEXIST and EACCES */
	if ((S_ISCHR(o.mode) || S_ISBLK(o.mode)) && t && !capable(&t->tg->cred, CAP_MKNOD))
		return -EPERM;
	err = dir->inode->ops->mknod(dir->inode, name, o.mode, dev, o.uid, o.gid);
	if (!err)
		fsnotify_create(dir, name, false);
	return err;
}

int vfs_symlink(struct task *t, struct dentry *dir, const char *name, const char *target)
{
	struct new_owner o = { .mode = S_IFLNK | 0777 };
	int err = prepare_new(t, dir, name, dir->inode->ops->symlink, false, &o);

	if (!err)
		err = dir->inode->ops->symlink(dir->inode, name, target, o.uid, o.gid);
	if (!err)
		fsnotify_create(dir, name, false);
	return err;
}

int vfs_link(struct task *t, struct dentry *old, struct dentry *dir, const char *name)
{
	int err = may_create(t, dir, name, false);

	if (err)
		return err;
	if (old->mnt != dir->mnt)
		return -EXDEV;
	if (S_ISDIR(old->inode->mode))
		return -EPERM;
	if (!dir->inode->ops->link)
		return -EPERM;
	err = dir->inode->ops->link(dir->inode, name, old->inode);
	if (!err)
		fsnotify_create(dir, name, false);
	return err;
}

/* unlink (isdir false) or rmdir (isdir true) */
static int remove_name(struct task *t, struct dentry *dir, const char *name, bool isdir)
{
	int (*op)(struct inode *, const char *) =
		isdir ? dir->inode->ops->rmdir : dir->inode->ops->unlink;
	struct dentry *victim;
	int err = may_delete(t, dir, name, isdir, &victim);

	if (err)
		return err;
	err = op ? op(dir->inode, name) : -EPERM;
	if (!err)
		fsnotify_delete(dir, name, victim->inode);
	dentry_put(victim);
	return err;
}

int vfs_unlink(struct task *t, struct dentry *dir, const char *name)
{
	return remove_name(t, dir, name, false);
}

int vfs_rmdir(struct task *t, struct dentry *dir, const char *name)
{
	return remove_name(t, dir, name, true);
}

/* Whether a is d or one of its ancestors. */
static bool is_ancestor(struct dentry *a, struct dentry *d)
{
	for (; d; d = d->parent)
		if (d->mnt == a->mnt && d->inode->ino == a->inode->ino &&
		    d->inode->dev == a->inode->dev)
			return true;
	return false;
}

/* The target side of a rename: deleting what is there, or creating. */
static int may_replace(struct task *t, struct dentry *ndir, const char *nname,
		       struct dentry *src, unsigned flags)
{
	struct dentry *dst;
	int err = vfs_lookup_one(ndir, nname, &dst);

	if (err == -ENOENT)
		return (flags & RENAME_EXCHANGE) ? -ENOENT : may_create(t, ndir, nname, true);
	if (err)
		return err;
	if (flags & RENAME_NOREPLACE)
		err = -EEXIST;
	else    /* replaced or exchanged: deleted from ndir, sticky bit and all */
		err = vfs_may(t, ndir->inode, W_OK | X_OK) ?: check_sticky(t, ndir, dst);
	if (!err && !(flags & RENAME_EXCHANGE) && S_ISDIR(src->inode->mode) &&
	    !S_ISDIR(dst->inode->mode))
		err = -ENOTDIR;
	if (!err && !(flags & RENAME_EXCHANGE) && !S_ISDIR(src->inode->mode) &&
	    S_ISDIR(dst->inode->mode))
		err = -EISDIR;
	if (!err && S_ISDIR(dst->inode->mode) && is_ancestor(dst, src->parent))
		err = -ENOTEMPTY;       /* an ancestor of the source */
	dentry_put(dst);
	return err;
}

int vfs_rename(struct task *t, struct dentry *odir, const char *oname, struct dentry *ndir,
	       const char *nname, unsigned flags)
{
	struct dentry *src;
	int err;

	if (dots(oname) || dots(nname))
		return -EBUSY;
	if (odir->mnt != ndir->mnt)
		return -EXDEV;
	if (ndir->mnt && ndir->mnt->readonly)
		return -EROFS;
	err = may_delete(t, odir, oname, (flags & VFS_RENAME_DIR) ? 1 : -1, &src);
	if (err)
		return err;
	flags &= ~VFS_RENAME_DIR;
	if (S_ISDIR(src->inode->mode) && is_ancestor(src, ndir))
		err = -EINVAL;          /* into its own subtree */
	else
		err = may_replace(t, ndir, nname, src, flags);
	if (!err)
		err = odir->inode->ops->rename ? odir->inode->ops->rename(odir->inode, oname,
									  ndir->inode, nname,
									  flags)
					       : -EPERM;
	if (!err)
		fsnotify_move(odir, oname, ndir, nname, src->inode);
	dentry_put(src);
	return err;
}

long vfs_readlink(struct dentry *d, char *buf, size_t len)
{
	if (!S_ISLNK(d->inode->mode) || !d->inode->ops->readlink)
		return -EINVAL;
	return d->inode->ops->readlink(d->inode, buf, len);
}

/* statfs(2): the file system's answer, or a tmpfs-like one if it has none. */
int vfs_statfs(struct inode *ino, struct statfs *sf)
{
	memset(sf, 0, sizeof(*sf));
	if (ino->ops->statfs)
		return ino->ops->statfs(ino, sf);
	sf->f_type = 0x01021994;        /* TMPFS_MAGIC */
	sf->f_bsize = 4096;
	sf->f_namelen = 255;
	return 0;
}

/* in_group_or_capable(): may c keep a set-group-ID bit for group gid? */
static bool keeps_sgid(const struct creds *c, const struct stat *st, uint32_t gid)
{
	return in_group(c, gid) || capable_wrt_ids(c, CAP_FSETID, st->st_uid, st->st_gid);
}

/*
 * setattr_prepare(): a new owner needs CAP_CHOWN; a new group, being the
 * owner and in that group, or CAP_CHOWN; a mode, being the owner or
 * CAP_FOWNER, and set-group-ID is dropped unless in the group or
 * CAP_FSETID; times given, being the owner or CAP_FOWNER; times now, that
 * or write permission.
 */
static int setattr_prepare(struct task *t, struct inode *ino, const struct stat *st,
			   struct iattr *ia)
{
	const struct creds *c = &t->tg->cred;
	bool owner = st->st_uid == c->fsuid;

	if ((ia->valid & ATTR_UID) && !(owner && ia->uid == st->st_uid) &&
	    !capable_wrt_ids(c, CAP_CHOWN, st->st_uid, st->st_gid))
		return -EPERM;
	if ((ia->valid & ATTR_GID) &&
	    !(owner && (ia->gid == st->st_gid || in_group(c, ia->gid))) &&
	    !capable_wrt_ids(c, CAP_CHOWN, st->st_uid, st->st_gid))
		return -EPERM;
	if (ia->valid & ATTR_MODE) {
		if (!owner_or_capable(c, st))
			return -EPERM;
		if (!keeps_sgid(c, st, ia->valid & ATTR_GID ? ia->gid : st->st_gid))
			ia->mode &= ~(mode_t)S_ISGID;
	}
	if ((ia->valid & ATTR_TIMES_SET) && !owner_or_capable(c, st))
		return -EPERM;
	if ((ia->valid & ATTR_TOUCH) && !owner_or_capable(c, st))
		return vfs_may(t, ino, W_OK);
	return 0;
}

/*
 * The set-ID bits a write takes away (should_remove_suid): set-user-ID,
 * and set-group-ID with group execute (without, it marks mandatory
 * locking), unless the writer holds CAP_FSETID.  0: none.
 */
static mode_t write_kills(const struct creds *c, const struct stat *st)
{
	mode_t kill = (st->st_mode & S_ISUID) |
		      ((st->st_mode & (S_ISGID | S_IXGRP)) == (S_ISGID | S_IXGRP) ? S_ISGID : 0);

	return S_ISREG(st->st_mode) && !capable(c, CAP_FSETID) ? kill : 0;
}

/*
 * The set-ID bits a change of owner or size takes away: a chown drops
 * set-user-ID, and set-group-ID with group execute or where the caller
 * could not keep it (setattr_should_drop_sgid); a truncate drops what a
 * write would.
 */
static void kill_suid(struct task *t, const struct stat *st, struct iattr *ia)
{
	const struct creds *c = &t->tg->cred;
	mode_t kill = 0;

	if ((ia->valid & ATTR_MODE) || S_ISDIR(st->st_mode))
		return;
	if (ia->valid & (ATTR_UID | ATTR_GID)) {
		kill = st->st_mode & S_ISUID;
		if ((st->st_mode & S_IXGRP) || !keeps_sgid(c, st, st->st_gid))
			kill |= st->st_mode & S_ISGID;
	} else if (ia->valid & ATTR_SIZE) {
		kill = write_kills(c, st);
	}
	if (!kill)
		return;
	ia->mode = st->st_mode & ~kill;
	ia->valid |= ATTR_MODE;
}

/* Whether a write through a file t opens for writing must drop set-ID bits. */
bool vfs_write_kills_privs(struct task *t, struct inode *ino)
{
	struct stat st;

	/* CAP_FSETID (root's, usually) keeps them: no attribute read then */
	if (!t || capable(&t->tg->cred, CAP_FSETID))
		return false;
	return !vfs_getattr(ino, &st) && write_kills(&t->tg->cred, &st);
}

/*
 * file_remove_privs(): the first write to a set-ID file drops the bits,
 * as the writer could not keep them (vfs_open marked the file).  Forced:
 * the writer need not own the file.
 */
int vfs_file_remove_privs(struct task *t, struct file *f)
{
	struct iattr ia = { .valid = ATTR_MODE };
	struct stat st;
	int err;

	f->remove_privs = false;
	if (!f->inode || !f->inode->ops->setattr || (err = vfs_getattr(f->inode, &st)))
		return 0;
	if (!(ia.mode = write_kills(&t->tg->cred, &st)))
		return 0;
	ia.mode = st.st_mode & ~ia.mode;
	return f->inode->ops->setattr(f->inode, &ia);
}

static int setattr_checked(struct task *t, struct dentry *d, const struct iattr *iap)
{
	struct iattr ia = *iap;
	struct stat st;
	int err;

	if (d->mnt && d->mnt->readonly)
		return -EROFS;
	if (!d->inode->ops->setattr)
		return -EPERM;
	if (!t || !(ia.valid & (ATTR_MODE | ATTR_UID | ATTR_GID | ATTR_TIMES_SET |
				ATTR_TOUCH | ATTR_SIZE)))
		return d->inode->ops->setattr(d->inode, &ia);
	if ((err = vfs_getattr(d->inode, &st)))
		return err;
	kill_suid(t, &st, &ia);
	if ((err = setattr_prepare(t, d->inode, &st, &ia)))
		return err;
	return d->inode->ops->setattr(d->inode, &ia);
}

int vfs_setattr(struct task *t, struct dentry *d, const struct iattr *iap)
{
	int err = setattr_checked(t, d, iap);

	if (!err)
		fsnotify_change(d, iap->valid);
	return err;
}

/* Reaching past RLIMIT_FSIZE: SIGXFSZ to the caller (Linux's send_sig(SIGXFSZ, current, 0)). */
static int fsize_exceeded(struct task *t)
{
	siginfo_t si;

	memset(&si, 0, sizeof(si));
	si.si_signo = SIGXFSZ;
	si.si_code = SI_USER;
	si.si_pid = t->tg->pid;
	si.si_uid = t->tg->cred.uid;
	send_signal_info(t->tg, t, &si);
	return -EFBIG;
}

/*
 * RLIMIT_FSIZE for a write of *count bytes into f at pos, or at its end
 * with O_APPEND (Linux's generic_write_check_limits()): from the limit on,
 * SIGXFSZ and EFBIG; below it, *count shrinks to what fits.  Files other
 * than regular ones have no size to limit.
 */
int vfs_fsize_write(struct task *t, struct file *f, off_t pos, size_t *count)
{
	rlim_t lim = t->tg->rlim[RLIMIT_FSIZE].rlim_cur;
	struct stat st;

	if (lim == RLIM_INFINITY || !f->inode || !S_ISREG(f->inode->mode) || !*count)
		return 0;
	if ((f->flags & O_APPEND) && !vfs_getattr(f->inode, &st))
		pos = st.st_size;
	if ((rlim_t)pos >= lim)
		return fsize_exceeded(t);
	if (*count > lim - (rlim_t)pos)
		*count = (size_t)(lim - (rlim_t)pos);
	return 0;
}

/*
 * RLIMIT_FSIZE for a regular file growing to size (truncate, fallocate
 * without KEEP_SIZE; Linux's inode_newsize_ok()): a file may shrink, or
 * stay past the limit it already passed, but not grow past it.
 */
int vfs_fsize_grow(struct task *t, struct inode *ino, off_t size)
{
	rlim_t lim = t->tg->rlim[RLIMIT_FSIZE].rlim_cur;
	struct stat st;

	if (lim == RLIM_INFINITY || (rlim_t)size <= lim || !S_ISREG(ino->mode))
		return 0;
	if (!vfs_getattr(ino, &st) && st.st_size >= size)
		return 0;
	return fsize_exceeded(t);
}

/*
 * truncate(2) (by_path: write permission is asked) and ftruncate(2) (the
 * fd is open for writing), after the length was checked: a regular file,
 * a writable mount, a program no process runs (ETXTBSY); mtime and ctime
 * become now, and set-ID bits go as on a write.
 */
int vfs_truncate(struct task *t, struct dentry *d, off_t len, bool by_path)
{
	struct iattr ia = { .valid = ATTR_SIZE | ATTR_MTIME | ATTR_CTIME, .size = len };
	int err;

	if (len < 0)
		return -EINVAL;
	if (S_ISDIR(d->inode->mode))
		return -EISDIR;
	if (!S_ISREG(d->inode->mode))
		return -EINVAL;
	if (d->mnt && d->mnt->readonly)
		return -EROFS;
	if (by_path && (err = vfs_may(t, d->inode, W_OK)))
		return err;
	if ((err = vfs_deny_write(d->inode)) || (err = vfs_fsize_grow(t, d->inode, len)))
		return err;
	/* truncate(2) breaks leases, ftruncate on a file open for writing
	 * has none to break (Linux's vfs_truncate and do_sys_ftruncate) */
	if (by_path && (err = lease_break(t, d->inode, O_WRONLY)))
		return err;
	clock_gettime(CLOCK_REALTIME, &ia.mtime);
	return vfs_setattr(t, d, &ia);
}

/*
 * Writing to a program a process of the sandbox is running is ETXTBSY, as
 * Linux's deny_write_access makes it.  The running programs are the thread
 * groups' exe dentries: a file is busy while one that has not exited runs
 * it (by identity: the overlay and hostfs may hold it in several inodes).
 */
int vfs_deny_write(struct inode *ino)
{
	int err = 0;

	if (!S_ISREG(ino->mode))
		return 0;
	pthread_mutex_lock(&sandbox.lock);
	for (struct thread_group *tg = sandbox.tgs; tg && !err; tg = tg->next_tg)
		if (tg->exe && !tg->mm_released && !tg->zombie &&
		    tg->exe->inode->ino == ino->ino && tg->exe->inode->dev == ino->dev)
			err = -ETXTBSY;
	pthread_mutex_unlock(&sandbox.lock);
	return err;
}
