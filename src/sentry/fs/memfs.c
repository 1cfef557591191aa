/* SPDX-License-Identifier: MIT */
/*
 * memfs: the in-memory file system behind tmpfs, devfs, sysfs and the
 * upper layer of the overlay (DESIGN.md §4).
 *
 * File data lives in memfds, so the stub can map it (a shared mapping is
 * coherent with read/write).  A directory may have a lower directory (any
 * file system, read-only here): names not in the upper layer are looked up
 * below and wrapped in an upper node that refers to the lower inode until
 * the first change copies it up.  Unlinking a lower name leaves a whiteout
 * (an entry with no node); a directory made over a whiteout is opaque.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/sendfile.h>
#include <sys/statfs.h>
#include <sys/xattr.h>
#include <time.h>
#include <unistd.h>

#include "fs/memfs.h"

struct mdirent {
	struct mdirent *next;
	struct mnode *node;             /* NULL: a whiteout */
	char name[];
};

static const struct inode_ops mem_iops;
static const struct file_ops mem_reg_fops, mem_dir_fops;

#define MN(i) ((struct mnode *)(i))

static void now(struct timespec *ts)
{
	clock_gettime(CLOCK_REALTIME, ts);
}

/* --- extended attributes: a list per node (vfs/xattr.c checks first) --- */

static int copy_attrs(struct mnode *n);

struct mxattr {
	struct mxattr *next;
	size_t len;
	char *val;
	char name[];
};

static void xattrs_free(struct mnode *n)
{
	for (struct mxattr *x = n->xattrs, *nx; x; x = nx) {
		nx = x->next;
		free(x->val);
		free(x);
	}
}

static struct mxattr **xattr_find(struct mnode *n, const char *name)
{
	struct mxattr **pp = &n->xattrs;

	while (*pp && strcmp((*pp)->name, name))
		pp = &(*pp)->next;
	return pp;
}

static long mem_getxattr(struct inode *ino, const char *name, void *buf, size_t size)
{
	struct mnode *n = MN(ino);
	struct mxattr *x;
	long r;

	pthread_mutex_lock(&n->sb->lock);
	x = *xattr_find(n, name);
	if (!x)
		r = -ENODATA;
	else if (size && size < x->len)
		r = -ERANGE;
	else
		r = (long)x->len;
	if (r > 0 && size)
		memcpy(buf, x->val, x->len);
	pthread_mutex_unlock(&n->sb->lock);
	return r;
}

/* An overlay node takes its lower's attributes first (copy_attrs); the
 * lower layer's own extended attributes are not carried up. */
static int mem_setxattr(struct inode *ino, const char *name, const void *val, size_t size,
			int flags)
{
	struct mnode *n = MN(ino);
	struct mxattr **pp, *x = NULL;
	int err;

	if (val) {
		x = calloc(1, sizeof(*x) + strlen(name) + 1);
		if (!x || !(x->val = malloc(size ? size : 1))) {
			free(x);
			return -ENOSPC;
		}
		strcpy(x->name, name);
		memcpy(x->val, val, size);
		x->len = size;
	}
	pthread_mutex_lock(&n->sb->lock);
	err = copy_attrs(n);
	pp = xattr_find(n, name);
	if (!err && *pp && (flags & XATTR_CREATE))
		err = -EEXIST;
	else if (!err && !*pp && ((flags & XATTR_REPLACE) || !val))
		err = -ENODATA;
	if (!err) {
		struct mxattr *old = *pp;

		if (x) {
			x->next = old ? old->next : NULL;
			*pp = x;
		} else {
			*pp = old->next;
		}
		if (old) {
			free(old->val);
			free(old);
		}
		x = NULL;
		now(&n->ctime);
	}
	pthread_mutex_unlock(&n->sb->lock);
	if (x) {
		free(x->val);
		free(x);
	}
	return err;
}

static long mem_listxattr(struct inode *ino, char *buf, size_t size)
{
	struct mnode *n = MN(ino);
	long len = 0;

	pthread_mutex_lock(&n->sb->lock);
	for (struct mxattr *x = n->xattrs; x; x = x->next) {
		size_t k = strlen(x->name) + 1;

		if ((size_t)len + k > size) {
			len = -E2BIG;
			break;
		}
		memcpy(buf + len, x->name, k);
		len += (long)k;
	}
	pthread_mutex_unlock(&n->sb->lock);
	return len;
}

static void mnode_release(struct inode *ino)
{
	struct mnode *n = MN(ino);

	if (n->memfd >= 0)
		close(n->memfd);
	inode_put(n->lower);
	for (struct mdirent *e = n->ents, *nx; e; e = nx) {
		nx = e->next;
		if (e->node)
			inode_put(&e->node->vfs);
		free(e);
	}
	xattrs_free(n);
	free(n->target);
	free(n);
}

struct mnode *mnode_new(struct memfs *sb, mode_t mode, uid_t uid, gid_t gid)
{
	struct mnode *n = calloc(1, sizeof(*n));

	if (!n)
		return NULL;
	inode_init(&n->vfs, &mem_iops, mode, sb->dev,
		   __atomic_add_fetch(&sb->next_ino, 1, __ATOMIC_RELAXED), mnode_release);
	n->sb = sb;
	n->mode = mode;
	n->uid = uid;
	n->gid = gid;
	n->nlink = S_ISDIR(mode) ? 2 : 1;
	n->memfd = -1;
	now(&n->mtime);
	n->atime = n->ctime = n->mtime;
	return n;
}

static struct mdirent *find(struct mnode *dir, const char *name)
{
	for (struct mdirent *e = dir->ents; e; e = e->next)
		if (!strcmp(e->name, name))
			return e;
	return NULL;
}

/* Add or replace name in dir (dir locked); node's reference is taken. */
static int set_entry(struct mnode *dir, const char *name, struct mnode *node)
{
	struct mdirent *e = find(dir, name);

	if (e) {
		if (e->node)
			inode_put(&e->node->vfs);
		e->node = node;
		return 0;
	}
	e = malloc(sizeof(*e) + strlen(name) + 1);
	if (!e)
		return -ENOMEM;
	strcpy(e->name, name);
	e->node = node;
	e->next = dir->ents;
	dir->ents = e;
	return 0;
}

static void drop_entry(struct mnode *dir, const char *name)
{
	for (struct mdirent **pp = &dir->ents; *pp; pp = &(*pp)->next)
		if (!strcmp((*pp)->name, name)) {
			struct mdirent *e = *pp;

			*pp = e->next;
			if (e->node)
				inode_put(&e->node->vfs);
			free(e);
			return;
		}
}

static bool lower_has(struct mnode *dir, const char *name)
{
	struct inode *li;

	if (!dir->lower || dir->opaque || dir->lower->ops->lookup(dir->lower, name, &li))
		return false;
	inode_put(li);
	return true;
}

/* Remove name from the merged view: drop it, whiteout what is below. */
static int remove_name(struct mnode *dir, const char *name)
{
	if (lower_has(dir, name))
		return set_entry(dir, name, NULL);
	drop_entry(dir, name);
	return 0;
}

/* Wrap a lower inode in an upper node: attributes still come from below. */
static struct mnode *wrap_lower(struct memfs *sb, struct inode *li)
{
	struct mnode *n = calloc(1, sizeof(*n));

	if (!n)
		return NULL;
	/* the lower identity: unique across the host file systems below */
	inode_init(&n->vfs, &mem_iops, li->mode, li->dev, li->ino, mnode_release);
	n->sb = sb;
	n->mode = li->mode;
	n->memfd = -1;
	n->lower = li;
	return n;
}

/* Lookup with dir locked: returns a borrowed node, or NULL. */
static struct mnode *lookup_locked(struct mnode *dir, const char *name, int *err)
{
	struct mdirent *e = find(dir, name);
	struct inode *li;

	*err = e && e->node ? 0 : -ENOENT;
	if (e)
		return e->node;
	if (!dir->lower || dir->opaque)
		return NULL;
	*err = dir->lower->ops->lookup(dir->lower, name, &li);
	if (*err)
		return NULL;
	struct mnode *n = wrap_lower(dir->sb, li);
	if (!n || set_entry(dir, name, n)) {
		*err = -ENOMEM;
		inode_put(li);
		free(n);
		return NULL;
	}
	*err = 0;
	return n;
}

static int mem_lookup(struct inode *dino, const char *name, struct inode **out)
{
	struct mnode *dir = MN(dino), *n;
	int err;

	pthread_mutex_lock(&dir->sb->lock);
	n = lookup_locked(dir, name, &err);
	if (n)
		*out = inode_get(&n->vfs);
	pthread_mutex_unlock(&dir->sb->lock);
	return n ? 0 : err;
}

/* Take the attributes of a lower node into the upper one (sb locked). */
static int copy_attrs(struct mnode *n)
{
	struct stat st;
	int err;

	if (!n->lower || n->attrs_set)
		return 0;
	err = vfs_getattr(n->lower, &st);
	if (err)
		return err;
	n->mode = st.st_mode;
	n->uid = st.st_uid;
	n->gid = st.st_gid;
	n->nlink = st.st_nlink;
	n->rdev = st.st_rdev;
	n->atime = st.st_atim;
	n->mtime = st.st_mtim;
	n->ctime = st.st_ctim;
	n->attrs_set = true;
	if (S_ISLNK(st.st_mode)) {
		char buf[4096];
		long len = n->lower->ops->readlink(n->lower, buf, sizeof(buf) - 1);

		if (len < 0)
			return (int)len;
		buf[len] = 0;
		n->target = strdup(buf);
	}
	return 0;
}

/*
 * Copy a lower regular file up into a memfd (sb locked).  From here on the
 * node is independent of the lower layer.
 */
static int copy_up(struct mnode *n)
{
	struct file *lf;
	int err, fd;

	if (!n->lower || !S_ISREG(n->mode) || n->memfd >= 0)
		return copy_attrs(n);
	err = copy_attrs(n);
	if (err)
		return err;
	fd = host_fd_admit(memfd_create("cvisor-file", MFD_CLOEXEC));
	if (fd < 0)
		return fd;
	lf = file_alloc(NULL, n->lower, O_RDONLY);
	err = lf ? n->lower->ops->open(n->lower, lf) : -ENOMEM;
	if (!err) {
		int hfd = lf->ops->mmap_fd ? lf->ops->mmap_fd(lf, false) : -ENODEV;
		struct stat st;

		if (hfd < 0 || fstat(hfd, &st))
			err = hfd < 0 ? hfd : -errno;
		for (off_t off = 0; !err && off < st.st_size;) {
			ssize_t r = sendfile(fd, hfd, &off, (size_t)(st.st_size - off));

			if (r <= 0)
				err = r < 0 ? -errno : -EIO;
		}
	} else if (lf) {
		lf->ops = NULL;
	}
	file_put(lf);
	if (err) {
		close(fd);
		return err;
	}
	n->memfd = fd;
	n->nlink = 1;
	inode_put(n->lower);
	n->lower = NULL;
	return 0;
}

int memfs_copy_up(struct inode *ino)
{
	struct mnode *n = MN(ino);
	int err;

	pthread_mutex_lock(&n->sb->lock);
	err = copy_up(n);
	pthread_mutex_unlock(&n->sb->lock);
	return err;
}

static int dir_nlink(struct mnode *d)
{
	int n = 2;

	for (struct mdirent *e = d->ents; e; e = e->next)
		if (e->node && S_ISDIR(e->node->mode))
			n++;
	return n;
}

static int mem_getattr(struct inode *ino, struct stat *st)
{
	struct mnode *n = MN(ino);
	struct stat mst;
	int err = 0;

	pthread_mutex_lock(&n->sb->lock);
	if (n->lower && !n->attrs_set) {
		/*
		 * The lower layer is read-only to the sandbox: its attributes are
		 * read once (a host call saved on every stat of a host file).
		 */
		if (!n->lower_st_valid) {
			err = vfs_getattr(n->lower, &n->lower_st);
			n->lower_st_valid = !err;
		}
		*st = n->lower_st;
		if (n->removed)
			st->st_nlink = 0;
		pthread_mutex_unlock(&n->sb->lock);
		return err;
	}
	st->st_dev = n->vfs.dev;
	st->st_ino = n->vfs.ino;
	st->st_mode = n->mode;
	st->st_nlink = S_ISDIR(n->mode) && !n->lower ? (nlink_t)dir_nlink(n) : n->nlink;
	if (n->removed)
		st->st_nlink = 0;
	st->st_uid = n->uid;
	st->st_gid = n->gid;
	st->st_rdev = n->rdev;
	st->st_blksize = 4096;
	if (S_ISREG(n->mode) && n->memfd >= 0 && !fstat(n->memfd, &mst)) {
		st->st_size = mst.st_size;
		st->st_blocks = mst.st_blocks;
	} else if (S_ISLNK(n->mode) && n->target) {
		st->st_size = (off_t)strlen(n->target);
	} else if (S_ISDIR(n->mode)) {
		st->st_size = 4096;
		st->st_blocks = 8;
	}
	st->st_atim = n->atime;
	st->st_mtim = n->mtime;
	st->st_ctim = n->ctime;
	pthread_mutex_unlock(&n->sb->lock);
	return err;
}

static int mem_setattr(struct inode *ino, const struct iattr *ia)
{
	struct mnode *n = MN(ino);
	int err;

	pthread_mutex_lock(&n->sb->lock);
	err = (ia->valid & ATTR_SIZE) ? copy_up(n) : copy_attrs(n);
	if (!err && (ia->valid & ATTR_SIZE)) {
		if (!S_ISREG(n->mode))
			err = S_ISDIR(n->mode) ? -EISDIR : -EINVAL;
		else if (n->memfd < 0)
			err = -EINVAL;
		else if (ftruncate(n->memfd, ia->size))
			err = -errno;
	}
	if (!err) {
		if (ia->valid & ATTR_MODE)
			n->mode = (n->mode & S_IFMT) | (ia->mode & 07777);
		if (ia->valid & ATTR_UID)
			n->uid = ia->uid;
		if (ia->valid & ATTR_GID)
			n->gid = ia->gid;
		if (ia->valid & ATTR_ATIME)
			n->atime = ia->atime;
		if (ia->valid & ATTR_MTIME)
			n->mtime = ia->mtime;
		now(&n->ctime);
	}
	pthread_mutex_unlock(&n->sb->lock);
	return err;
}

/* A new node under dir (sb locked): fails if the name exists. */
static int add_node(struct mnode *dir, const char *name, struct mnode *n)
{
	struct mdirent *e;
	int err;

	if (dir->removed)
		return -ENOENT;         /* nothing is made in a removed directory */
	if (lookup_locked(dir, name, &err))
		return -EEXIST;
	if (err != -ENOENT)
		return err;
	e = find(dir, name);
	if (S_ISDIR(n->mode) && (e || lower_has(dir, name)))
		n->opaque = true;       /* made over a whiteout: hide what is below */
	err = set_entry(dir, name, n);
	if (!err) {
		copy_attrs(dir);
		now(&dir->mtime);
		dir->ctime = dir->mtime;
	}
	return err;
}

static int make(struct inode *dino, const char *name, mode_t mode, uid_t uid, gid_t gid,
		struct mnode **out)
{
	struct mnode *dir = MN(dino), *n = mnode_new(dir->sb, mode, uid, gid);
	int err;

	if (!n)
		return -ENOMEM;
	if (S_ISREG(mode)) {
		n->memfd = host_fd_admit(memfd_create("cvisor-file", MFD_CLOEXEC));
		if (n->memfd < 0) {
			err = n->memfd;
			inode_put(&n->vfs);
			return err;
		}
	}
	pthread_mutex_lock(&dir->sb->lock);
	err = add_node(dir, name, n);
	pthread_mutex_unlock(&dir->sb->lock);
	if (err) {
		inode_put(&n->vfs);
		return err;
	}
	*out = n;
	return 0;
}

static int mem_create(struct inode *dir, const char *name, mode_t mode, uid_t uid,
		      gid_t gid, struct inode **out)
{
	struct mnode *n;
	int err = make(dir, name, S_IFREG | (mode & 07777), uid, gid, &n);

	if (!err)
		*out = inode_get(&n->vfs);
	return err;
}

static int mem_mkdir(struct inode *dir, const char *name, mode_t mode, uid_t uid, gid_t gid)
{
	struct mnode *n;

	return make(dir, name, S_IFDIR | (mode & 07777), uid, gid, &n);
}

static int mem_mknod(struct inode *dir, const char *name, mode_t mode, dev_t dev,
		     uid_t uid, gid_t gid)
{
	struct mnode *n;
	int err;

	if (!S_ISFIFO(mode) && !S_ISSOCK(mode) && !S_ISREG(mode))
		return -EPERM;          /* device nodes: no CAP_MKNOD in the sandbox */
	err = make(dir, name, mode, uid, gid, &n);
	if (!err)
		n->rdev = dev;
	return err;
}

static int mem_symlink(struct inode *dir, const char *name, const char *target,
		       uid_t uid, gid_t gid)
{
	struct mnode *n = mnode_new(MN(dir)->sb, S_IFLNK | 0777, uid, gid);
	int err;

	if (!n || !(n->target = strdup(target))) {
		if (n)
			inode_put(&n->vfs);
		return -ENOMEM;
	}
	pthread_mutex_lock(&n->sb->lock);
	err = add_node(MN(dir), name, n);
	pthread_mutex_unlock(&n->sb->lock);
	if (err)
		inode_put(&n->vfs);
	return err;
}

static int mem_link(struct inode *dino, const char *name, struct inode *target)
{
	struct mnode *dir = MN(dino), *t = MN(target);
	int err;

	if (target->ops != &mem_iops || t->sb != dir->sb)
		return -EXDEV;
	if (S_ISDIR(t->mode))
		return -EPERM;
	pthread_mutex_lock(&dir->sb->lock);
	err = copy_up(t);
	if (!err) {
		inode_get(&t->vfs);
		err = add_node(dir, name, t);
		if (err)
			inode_put(&t->vfs);
		else
			t->nlink++;
	}
	pthread_mutex_unlock(&dir->sb->lock);
	return err;
}

/* Whether a directory is empty in the merged view (sb locked). */
static int dir_empty(struct mnode *d)
{
	for (struct mdirent *e = d->ents; e; e = e->next)
		if (e->node)
			return -ENOTEMPTY;
	if (d->lower && !d->opaque) {
		struct file *lf = file_alloc(NULL, d->lower, O_RDONLY | O_DIRECTORY);
		char buf[4096];
		off_t pos = 0;
		long n;
		int err = lf ? d->lower->ops->open(d->lower, lf) : -ENOMEM;

		if (err) {
			if (lf)
				lf->ops = NULL;
			file_put(lf);
			return err;
		}
		while (!err && (n = lf->ops->getdents(lf, buf, sizeof(buf), &pos)) > 0) {
			for (long off = 0; off < n;) {
				const char *nm = buf + off + 19;
				unsigned short rl;

				memcpy(&rl, buf + off + 16, 2);
				off += rl;
				if (strcmp(nm, ".") && strcmp(nm, "..") && !find(d, nm)) {
					err = -ENOTEMPTY;
					break;
				}
			}
		}
		file_put(lf);
		return err;
	}
	return 0;
}

static int unlink_common(struct inode *dino, const char *name, bool dir)
{
	struct mnode *d = MN(dino), *n;
	int err;

	pthread_mutex_lock(&d->sb->lock);
	n = lookup_locked(d, name, &err);
	if (n && dir && !S_ISDIR(n->mode))
		err = -ENOTDIR;
	else if (n && !dir && S_ISDIR(n->mode))
		err = -EISDIR;
	else if (n && dir)
		err = dir_empty(n);
	if (n && !err) {
		if (dir)
			n->removed = true;      /* getcwd in it now fails with ENOENT */
		else if (n->nlink > 0)
			n->nlink--;
		now(&n->ctime);
		err = remove_name(d, name);
		copy_attrs(d);
		now(&d->mtime);
		d->ctime = d->mtime;
	}
	pthread_mutex_unlock(&d->sb->lock);
	return err;
}

static int mem_unlink(struct inode *dir, const char *name)
{
	return unlink_common(dir, name, false);
}

static int mem_rmdir(struct inode *dir, const char *name)
{
	return unlink_common(dir, name, true);
}

static int mem_rename(struct inode *odino, const char *oname, struct inode *ndino,
		      const char *nname, unsigned flags)
{
	struct mnode *od = MN(odino), *nd = MN(ndino), *src, *dst;
	int err;

	if (ndino->ops != &mem_iops || nd->sb != od->sb)
		return -EXDEV;
	if (flags & ~(RENAME_NOREPLACE | RENAME_EXCHANGE))
		return -EINVAL;         /* RENAME_WHITEOUT: not yet */
	pthread_mutex_lock(&od->sb->lock);
	src = lookup_locked(od, oname, &err);
	if (!src)
		goto out;
	dst = lookup_locked(nd, nname, &err);
	if (flags & RENAME_EXCHANGE) {
		if (!dst)
			goto out;       /* both must exist: ENOENT */
		inode_get(&src->vfs);
		inode_get(&dst->vfs);
		err = set_entry(od, oname, dst);
		if (!err)
			err = set_entry(nd, nname, src);
		goto out;
	}
	err = 0;
	if (dst == src)
		goto out;
	if (dst && (flags & RENAME_NOREPLACE))
		err = -EEXIST;
	else if (dst && S_ISDIR(src->mode) && !S_ISDIR(dst->mode))
		err = -ENOTDIR;
	else if (dst && !S_ISDIR(src->mode) && S_ISDIR(dst->mode))
		err = -EISDIR;
	else if (dst && S_ISDIR(dst->mode))
		err = dir_empty(dst);
	if (err)
		goto out;
	inode_get(&src->vfs);
	if (dst && dst->nlink > 0)
		dst->nlink--;
	err = remove_name(od, oname);
	if (!err)
		err = set_entry(nd, nname, src);
	else
		inode_put(&src->vfs);
	copy_attrs(od);
	copy_attrs(nd);
	now(&od->mtime);
	nd->mtime = od->ctime = nd->ctime = od->mtime;
out:
	pthread_mutex_unlock(&od->sb->lock);
	return err;
}

static long mem_readlink(struct inode *ino, char *buf, size_t len)
{
	struct mnode *n = MN(ino);
	long ret;

	pthread_mutex_lock(&n->sb->lock);
	if (n->lower && !n->target) {
		ret = n->lower->ops->readlink(n->lower, buf, len);
	} else if (!n->target) {
		ret = -EINVAL;
	} else {
		size_t l = strlen(n->target);

		ret = (long)(l < len ? l : len);
		memcpy(buf, n->target, (size_t)ret);
	}
	pthread_mutex_unlock(&n->sb->lock);
	return ret;
}

static int mem_open(struct inode *ino, struct file *f)
{
	struct mnode *n = MN(ino);
	bool write = (f->flags & O_ACCMODE) != O_RDONLY;
	int err = 0;

	if (S_ISREG(n->mode) && write)
		err = memfs_copy_up(ino);
	if (err)
		return err;
	if (n->fops) {                  /* devices and generated files */
		f->ops = n->fops;
		f->priv = n->fpriv;
		return f->ops->open ? f->ops->open(f) : 0;
	}
	if (S_ISDIR(n->mode)) {
		f->ops = &mem_dir_fops;
		return 0;
	}
	if (S_ISFIFO(n->mode))
		return fifo_open(ino, f);
	if (!S_ISREG(n->mode))
		return -ENXIO;
	if (n->lower && n->memfd < 0)   /* read-only: straight from below */
		return n->lower->ops->open(n->lower, f);
	f->ops = &mem_reg_fops;
	return 0;
}

static int mem_statfs(struct inode *ino, struct statfs *sf)
{
	memset(sf, 0, sizeof(*sf));
	sf->f_type = MN(ino)->sb->magic ? MN(ino)->sb->magic : 0x01021994; /* TMPFS */
	sf->f_bsize = 4096;
	sf->f_blocks = sf->f_bfree = sf->f_bavail = 1 << 20;
	sf->f_files = sf->f_ffree = 1 << 20;
	sf->f_namelen = 255;
	sf->f_frsize = 4096;
	return 0;
}

static const struct inode_ops mem_iops = {
	.lookup = mem_lookup,
	.create = mem_create,
	.mkdir = mem_mkdir,
	.mknod = mem_mknod,
	.symlink = mem_symlink,
	.link = mem_link,
	.unlink = mem_unlink,
	.rmdir = mem_rmdir,
	.rename = mem_rename,
	.readlink = mem_readlink,
	.getattr = mem_getattr,
	.setattr = mem_setattr,
	.open = mem_open,
	.statfs = mem_statfs,
	.getxattr = mem_getxattr,
	.setxattr = mem_setxattr,
	.listxattr = mem_listxattr,
};

bool is_memfs(struct inode *ino)
{
	return ino->ops == &mem_iops;
}

/* --- regular files --- */

static int reg_fd(struct file *f)
{
	return MN(f->inode)->memfd;
}

static ssize_t reg_read(struct task *t, struct file *f, void *buf, size_t len, off_t *pos)
{
	ssize_t n = pread(reg_fd(f), buf, len, *pos);

	(void)t;
	if (n < 0)
		return -errno;
	*pos += n;
	return n;
}

static ssize_t reg_write(struct task *t, struct file *f, const void *buf, size_t len,
			 off_t *pos)
{
	struct mnode *n = MN(f->inode);
	struct stat st;
	ssize_t w;

	(void)t;
	if ((f->flags & O_APPEND) && !fstat(n->memfd, &st))
		*pos = st.st_size;
	w = pwrite(n->memfd, buf, len, *pos);
	if (w < 0)
		return -errno;
	*pos += w;
	now(&n->mtime);
	n->ctime = n->mtime;
	return w;
}

static off_t reg_llseek(struct file *f, off_t off, int whence)
{
	struct stat st;

	if (fstat(reg_fd(f), &st))
		return -errno;
	return generic_llseek(f, off, whence, st.st_size);
}

static int reg_mmap_fd(struct file *f, bool shared_write)
{
	(void)shared_write;
	return reg_fd(f);
}

static int reg_fsync(struct file *f, bool datasync)
{
	(void)f, (void)datasync;
	return 0;
}

static const struct file_ops mem_reg_fops = {
	.read = reg_read,
	.write = reg_write,
	.llseek = reg_llseek,
	.mmap_fd = reg_mmap_fd,
	.fsync = reg_fsync,
};

/* --- directories: a snapshot of the merged view, taken at open --- */

struct dsnap {
	size_t n;
	struct { uint64_t ino; unsigned char type; char *name; } *e;
};

static int snap_add(struct dsnap *s, uint64_t ino, unsigned char type, const char *name)
{
	void *p = realloc(s->e, (s->n + 1) * sizeof(*s->e));

	if (!p)
		return -ENOMEM;
	s->e = p;
	s->e[s->n].ino = ino;
	s->e[s->n].type = type;
	s->e[s->n].name = strdup(name);
	s->n++;
	return 0;
}

static void snap_lower(struct mnode *d, struct dsnap *s)
{
	struct file *lf = file_alloc(NULL, d->lower, O_RDONLY | O_DIRECTORY);
	char buf[8192];
	off_t pos = 0;
	long n;

	if (!lf || d->lower->ops->open(d->lower, lf)) {
		if (lf)
			lf->ops = NULL;
		file_put(lf);
		return;
	}
	while ((n = lf->ops->getdents(lf, buf, sizeof(buf), &pos)) > 0) {
		for (long off = 0; off < n;) {
			const char *nm = buf + off + 19;
			uint64_t ino;
			unsigned short rl;

			memcpy(&ino, buf + off, 8);
			memcpy(&rl, buf + off + 16, 2);
			if (strcmp(nm, ".") && strcmp(nm, "..") && !find(d, nm))
				snap_add(s, ino, (unsigned char)buf[off + 18], nm);
			off += rl;
		}
	}
	file_put(lf);
}

static struct dsnap *take_snapshot(struct file *f)
{
	struct mnode *d = MN(f->inode);
	struct dsnap *s = calloc(1, sizeof(*s));

	if (!s)
		return NULL;
	snap_add(s, d->vfs.ino, DT_DIR, ".");
	snap_add(s, f->dentry && f->dentry->parent ? f->dentry->parent->inode->ino
						   : d->vfs.ino, DT_DIR, "..");
	pthread_mutex_lock(&d->sb->lock);
	for (struct mdirent *e = d->ents; e; e = e->next)
		if (e->node)
			snap_add(s, e->node->vfs.ino, dt_type(e->node->mode), e->name);
	if (d->lower && !d->opaque)
		snap_lower(d, s);
	pthread_mutex_unlock(&d->sb->lock);
	return s;
}

static long dir_getdents(struct file *f, void *buf, size_t len, off_t *pos)
{
	struct dsnap *s = f->priv;
	size_t used = 0;

	if (!s || *pos == 0) {
		if (s) {
			for (size_t i = 0; i < s->n; i++)
				free(s->e[i].name);
			free(s->e);
			free(s);
		}
		s = f->priv = take_snapshot(f);
		if (!s)
			return -ENOMEM;
	}
	while ((size_t)*pos < s->n) {
		size_t i = (size_t)*pos;

		if (dirent_emit(buf, len, &used, s->e[i].ino, *pos + 1, s->e[i].type,
				s->e[i].name))
			break;
		(*pos)++;
	}
	if (!used && (size_t)*pos < s->n)
		return -EINVAL;         /* buffer too small for one record */
	return (long)used;
}

static off_t dir_llseek(struct file *f, off_t off, int whence)
{
	if (whence != SEEK_SET && whence != SEEK_CUR)
		return -EINVAL;
	return generic_llseek(f, off, whence, 0);
}

static void dir_release(struct file *f)
{
	struct dsnap *s = f->priv;

	if (!s)
		return;
	for (size_t i = 0; i < s->n; i++)
		free(s->e[i].name);
	free(s->e);
	free(s);
}

static const struct file_ops mem_dir_fops = {
	.getdents = dir_getdents,
	.llseek = dir_llseek,
	.release = dir_release,
};

/* --- construction --- */

struct inode *memfs_root(struct inode *lower, mode_t mode)
{
	struct memfs *sb = calloc(1, sizeof(*sb));
	struct mnode *root;

	if (!sb)
		return NULL;
	pthread_mutex_init(&sb->lock, NULL);
	sb->dev = vfs_new_dev();
	sb->next_ino = 1ULL << 40;      /* clear of lower inode numbers */
	root = mnode_new(sb, S_IFDIR | (mode & 07777), 0, 0);
	if (!root)
		return NULL;
	root->lower = lower;
	return &root->vfs;
}

/* What statfs reports as f_type (sysfs is a memfs too). */
void memfs_set_magic(struct inode *root, long magic)
{
	MN(root)->sb->magic = magic;
}

int memfs_add_dir(struct inode *dir, const char *name, mode_t mode, struct inode **out)
{
	struct mnode *n;
	int err = make(dir, name, S_IFDIR | (mode & 07777), 0, 0, &n);

	if (!err && out)
		*out = inode_get(&n->vfs);
	return err;
}

/* A node with file operations of its own (devices, generated files). */
int memfs_add_special(struct inode *dir, const char *name, mode_t mode, dev_t rdev,
		      const struct file_ops *fops, void *fpriv)
{
	struct mnode *n = mnode_new(MN(dir)->sb, mode, 0, 0);
	int err;

	if (!n)
		return -ENOMEM;
	n->rdev = rdev;
	n->fops = fops;
	n->fpriv = fpriv;
	pthread_mutex_lock(&n->sb->lock);
	err = add_node(MN(dir), name, n);
	pthread_mutex_unlock(&n->sb->lock);
	if (err)
		inode_put(&n->vfs);
	return err;
}

int memfs_add_symlink(struct inode *dir, const char *name, const char *target)
{
	return mem_symlink(dir, name, target, 0, 0);
}

/* A read-only file with fixed content (sysfs). */
int memfs_add_file(struct inode *dir, const char *name, const char *content, mode_t mode)
{
	struct mnode *n;
	int err = make(dir, name, S_IFREG | (mode & 07777), 0, 0, &n);
	size_t len = strlen(content);

	if (err)
		return err;
	if (pwrite(n->memfd, content, len, 0) != (ssize_t)len)
		return -EIO;
	return 0;
}

/*
 * memfd_create: an unnamed memfs file, named "/memfd:NAME" in /proc.  Its
 * host memfd allows sealing when the application's does (MFD_ALLOW_SEALING);
 * otherwise it starts with F_SEAL_SEAL, as Linux's memfds and tmpfs files.
 */
int memfs_anon_file(const char *name, bool sealing, struct file **out)
{
	static struct inode *root;
	static struct mount *mnt;
	static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
	char dname[300];
	struct mnode *n;
	struct dentry *d;
	struct file *f;
	int err;

	pthread_mutex_lock(&lock);
	if (!root) {
		root = memfs_root(NULL, 01777);
		mnt = root ? calloc(1, sizeof(*mnt)) : NULL;
		if (mnt) {
			mnt->root = root;
			mnt->fstype = "tmpfs";
			mnt->source = "memfd";
		}
	}
	pthread_mutex_unlock(&lock);
	if (!mnt)
		return -ENOMEM;
	n = mnode_new(MN(root)->sb, S_IFREG | 0777, 0, 0);
	if (!n)
		return -ENOMEM;
	n->memfd = host_fd_admit(memfd_create("cvisor-memfd",
					       MFD_CLOEXEC | (sealing ? MFD_ALLOW_SEALING : 0)));
	if (n->memfd < 0) {
		err = n->memfd;
		inode_put(&n->vfs);
		return err;
	}
	snprintf(dname, sizeof(dname), "memfd:%s", name);
	d = dentry_new(NULL, mnt, dname, &n->vfs);
	if (!d) {
		inode_put(&n->vfs);
		return -ENOMEM;
	}
	f = file_alloc(d, &n->vfs, O_RDWR | O_LARGEFILE);
	dentry_put(d);
	if (!f)
		return -ENOMEM;
	f->ops = &mem_reg_fops;
	*out = f;
	return 0;
}

/*
 * F_GET_SEALS / F_ADD_SEALS.  A memfs file's seals are those of its host
 * memfd, so the host kernel enforces them on every write, truncate,
 * fallocate and shared mapping made for the application, and F_SEAL_WRITE
 * sees the application's writable shared mappings (EBUSY), all as Linux's
 * memfd_fcntl.  What only the sentry knows is checked here: the file must
 * be open for writing to add seals (EPERM), and an overlay file still in
 * its lower layer has no memfd (EINVAL, as a file of another type).
 */
long memfs_seals(struct file *f, int cmd, unsigned int seals)
{
	struct mnode *n;
	int fd;
	long r;

	if (!f->inode || !is_memfs(f->inode) || !S_ISREG(f->inode->mode))
		return -EINVAL;
	n = MN(f->inode);
	pthread_mutex_lock(&n->sb->lock);
	fd = n->memfd;
	pthread_mutex_unlock(&n->sb->lock);
	if (fd < 0)
		return -EINVAL;
	if (cmd == F_GET_SEALS)
		r = fcntl(fd, F_GET_SEALS);
	else if ((f->flags & O_ACCMODE) == O_RDONLY)
		return -EPERM;
	else
		r = fcntl(fd, F_ADD_SEALS, seals);
	return r < 0 ? -errno : r;
}

/* --- the types made of memfs --- */

static struct inode *tmpfs_mount(const struct fs_mount *m)
{
	return memfs_root(NULL, m->mode ? m->mode : 01777);
}

/* cvisor do's root: an in-memory upper layer over a read-only lower one */
static struct inode *overlay_mount(const struct fs_mount *m)
{
	return memfs_root(m->lower, m->mode ? m->mode : 0755);
}

/* A container's cgroup mount: an empty, read-only directory (no
 * controllers are exposed to the sandbox) */
static struct inode *cgroup_mount(const struct fs_mount *m)
{
	(void)m;
	return memfs_root(NULL, 0555);
}

static struct fs_type tmpfs_type = { .name = "tmpfs", .mount = tmpfs_mount };
static struct fs_type overlay_type = { .name = "overlay", .mount = overlay_mount };
static struct fs_type cgroup_type = { .name = "cgroup", .mount = cgroup_mount };
static struct fs_type cgroup2_type = { .name = "cgroup2", .mount = cgroup_mount };
FS_REGISTER(tmpfs_type)
FS_REGISTER(overlay_type)
FS_REGISTER(cgroup_type)
FS_REGISTER(cgroup2_type)
