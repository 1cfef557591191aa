/* SPDX-License-Identifier: MIT */
/*
 * hostfs: a host directory tree (DESIGN.md §4).
 *
 * Directories are held as O_PATH fds; every other node is (parent
 * directory, name).  Each step is an *at() call relative to the parent
 * with O_NOFOLLOW or AT_SYMLINK_NOFOLLOW: the host never resolves a path
 * the application wrote, and symlinks come back to the sentry's walk.
 * Only regular files and directories are ever opened on the host: a device
 * node in a root file system is not a way out.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "vfs/vfs.h"

struct hnode {
	struct inode vfs;
	int fd;                         /* O_PATH, directories only */
	struct hnode *parent;
	char *name;
	bool ro;
};

#define HN(i) ((struct hnode *)(i))

static const struct inode_ops host_iops;
static const struct file_ops host_fops;

static void hnode_release(struct inode *ino)
{
	struct hnode *h = HN(ino);

	if (h->fd >= 0)
		close(h->fd);
	if (h->parent)
		inode_put(&h->parent->vfs);
	free(h->name);
	free(h);
}

static struct hnode *hnode_new(struct hnode *parent, const char *name,
			       const struct stat *st, int fd, bool ro)
{
	struct hnode *h = calloc(1, sizeof(*h));

	if (!h || !(h->name = strdup(name))) {
		free(h);
		return NULL;
	}
	inode_init(&h->vfs, &host_iops, st->st_mode, st->st_dev, st->st_ino, hnode_release);
	h->fd = fd;
	h->parent = parent;
	if (parent)
		inode_get(&parent->vfs);
	h->ro = ro;
	return h;
}

/* The directory fd and name that *at calls use for this node. */
static int at_of(struct hnode *h, const char **name)
{
	if (!h->parent) {
		*name = "";
		return h->fd;
	}
	*name = h->name;
	return h->parent->fd;
}

/*
 * Directory nodes looked up lately (issue 16).  A step through a host
 * directory costs fstatat + openat(O_PATH) + the fstat that checks the fd
 * is the directory stat'ed, and a close when the dentry goes: ten host
 * calls for the two directories of nginx's docroot, three walks a request.
 * The cache keeps the last DCACHE_SIZE directory nodes, each with its
 * O_PATH fd, and gives one out again only when the fstatat that every
 * lookup does anyway finds the same (dev, ino) under the same name in the
 * same parent node.  The open fd pins that inode, so its number is not
 * reused while the entry lives: a directory renamed, removed or replaced,
 * in the sandbox or on the host, misses and is looked up anew, and a hit
 * is the directory a fresh lookup would have opened.
 */
#define DCACHE_SIZE 64

static struct hnode *dcache[DCACHE_SIZE];       /* each holds a reference */
static unsigned dcache_hand;
static pthread_mutex_t dcache_lock = PTHREAD_MUTEX_INITIALIZER;

static struct hnode *dcache_find(struct hnode *dir, const char *name, const struct stat *st)
{
	struct hnode *h = NULL;

	pthread_mutex_lock(&dcache_lock);
	for (unsigned i = 0; i < DCACHE_SIZE && !h; i++)
		if (dcache[i] && dcache[i]->parent == dir && dcache[i]->vfs.ino == st->st_ino &&
		    dcache[i]->vfs.dev == st->st_dev && !strcmp(dcache[i]->name, name))
			h = HN(inode_get(&dcache[i]->vfs));
	pthread_mutex_unlock(&dcache_lock);
	return h;
}

/* Keep h (a new directory node), pushing out the oldest entry. */
static void dcache_add(struct hnode *h)
{
	struct hnode *old;

	inode_get(&h->vfs);
	pthread_mutex_lock(&dcache_lock);
	old = dcache[dcache_hand];
	dcache[dcache_hand] = h;
	dcache_hand = (dcache_hand + 1) % DCACHE_SIZE;
	pthread_mutex_unlock(&dcache_lock);
	if (old)
		inode_put(&old->vfs);   /* may close its fd: not under the lock */
}

/* The attributes the lookup's fstatat read go to the walk's permission check. */
static int host_lookup_attr(struct inode *dino, const char *name, struct inode **out,
			    struct stat *attr)
{
	struct hnode *dir = HN(dino), *h;
	struct stat st, st2;
	int fd = -1;

	if (fstatat(dir->fd, name, attr, AT_SYMLINK_NOFOLLOW))
		return -errno;
	st = *attr;
	if (S_ISDIR(st.st_mode) && (h = dcache_find(dir, name, &st))) {
		*out = &h->vfs;
		return 0;
	}
	if (S_ISDIR(st.st_mode)) {
		fd = openat(dir->fd, name, O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		if (fd < 0)
			return -errno;
		/* the same directory we stat'ed, not a replacement */
		if (fstat(fd, &st2) || st2.st_ino != st.st_ino || st2.st_dev != st.st_dev) {
			close(fd);
			return -ENOENT;
		}
	}
	h = hnode_new(dir, name, &st, fd, dir->ro);
	if (!h) {
		if (fd >= 0)
			close(fd);
		return -ENOMEM;
	}
	if (fd >= 0)
		dcache_add(h);
	*out = &h->vfs;
	return 0;
}

static int host_lookup(struct inode *dino, const char *name, struct inode **out)
{
	struct stat attr;

	return host_lookup_attr(dino, name, out, &attr);
}

static int host_getattr(struct inode *ino, struct stat *st)
{
	struct hnode *h = HN(ino);
	const char *name;
	int dfd = at_of(h, &name);

	if (h->fd >= 0)
		return fstat(h->fd, st) ? -errno : 0;
	return fstatat(dfd, name, st, AT_SYMLINK_NOFOLLOW | AT_EMPTY_PATH) ? -errno : 0;
}

static long host_readlink(struct inode *ino, char *buf, size_t len)
{
	const char *name;
	int dfd = at_of(HN(ino), &name);
	ssize_t n = readlinkat(dfd, name, buf, len);

	return n < 0 ? -errno : n;
}

/* Open the node itself on the host, checking it is still what we looked up. */
static int host_reopen(struct hnode *h, int flags)
{
	const char *name;
	int dfd = at_of(h, &name), fd;
	struct stat st;

	if (S_ISDIR(h->vfs.mode))
		fd = openat(h->fd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	else if (S_ISREG(h->vfs.mode))
		fd = openat(dfd, name, (flags & (O_ACCMODE | O_APPEND)) | O_NOFOLLOW |
			    O_CLOEXEC | O_NOCTTY);
	else
		return -ENXIO;
	if ((fd = host_fd_admit(fd)) < 0)
		return fd;
	if (fstat(fd, &st) || st.st_ino != h->vfs.ino || st.st_dev != h->vfs.dev) {
		close(fd);
		return -ESTALE;
	}
	return fd;
}

/*
 * A host socket file, for connecting to it (--host-uds, net/unix/host.c):
 * an O_PATH fd of the node the walk found, opened relative to its parent
 * without following a symlink, and checked to be that same socket inode,
 * so a file swapped in after the walk is never the one connected to.
 * ENOTSOCK for a node that is not hostfs's.
 */
int hostfs_sock_fd(struct inode *ino)
{
	struct hnode *h = HN(ino);
	const char *name;
	struct stat st;
	int dfd, fd;

	if (ino->ops != &host_iops || !h->parent || !S_ISSOCK(ino->mode))
		return -ENOTSOCK;
	dfd = at_of(h, &name);
	fd = openat(dfd, name, O_PATH | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	if (fstat(fd, &st) || !S_ISSOCK(st.st_mode) || st.st_ino != ino->ino ||
	    st.st_dev != ino->dev) {
		close(fd);
		return -ECONNREFUSED;
	}
	return fd;
}

static int host_open(struct inode *ino, struct file *f)
{
	struct hnode *h = HN(ino);
	int fd;

	/* a FIFO is the sentry's pipe, never the host's (whose open could block) */
	if (S_ISFIFO(h->vfs.mode))
		return fifo_open(ino, f);
	if ((f->flags & O_ACCMODE) != O_RDONLY && h->ro)
		return -EROFS;
	fd = host_reopen(h, f->flags);
	if (fd < 0)
		return fd;
	f->ops = &host_fops;
	f->priv = (void *)(intptr_t)fd;
	return 0;
}

static int host_statfs(struct inode *ino, struct statfs *sf)
{
	struct hnode *h = HN(ino);
	int fd = h->fd >= 0 ? h->fd : h->parent->fd;

	return fstatfs(fd, sf) ? -errno : 0;
}

/* --- changes (writable mounts only) --- */

#define RW_OR_EROFS(h) do { if ((h)->ro) return -EROFS; } while (0)

/*
 * A new file belongs to the owner vfs_* chose (inode_init_owner's rules):
 * the host made it the sentry's (root's).  The set-ID and sticky bits go
 * on only after the chown (which would clear the set-ID ones), so that no
 * file is ever root's and set-user-ID on the host.  On failure the new
 * entry is removed: a create either happens whole or not at all.
 */
static int host_own(struct hnode *dir, const char *name, uid_t uid, gid_t gid,
		    mode_t mode, int rmflag)
{
	if (fchownat(dir->fd, name, uid, gid, AT_SYMLINK_NOFOLLOW) ||
	    ((mode & 07000) && fchmodat(dir->fd, name, mode & 07777, 0))) {
		int err = -errno;

		unlinkat(dir->fd, name, rmflag);
		return err;
	}
	return 0;
}

static int host_create(struct inode *dino, const char *name, mode_t mode, uid_t uid,
		       gid_t gid, struct inode **out)
{
	struct hnode *dir = HN(dino);
	int fd, err;

	RW_OR_EROFS(dir);
	fd = openat(dir->fd, name, O_CREAT | O_EXCL | O_RDWR | O_NOFOLLOW | O_CLOEXEC,
		    mode & 0777);
	if (fd < 0)
		return -errno;
	close(fd);
	err = host_own(dir, name, uid, gid, mode, 0);
	return err ? err : host_lookup(dino, name, out);
}

static int host_mkdir(struct inode *dino, const char *name, mode_t mode, uid_t uid,
		      gid_t gid)
{
	RW_OR_EROFS(HN(dino));
	if (mkdirat(HN(dino)->fd, name, mode & 0777))
		return -errno;
	return host_own(HN(dino), name, uid, gid, mode, AT_REMOVEDIR);
}

/*
 * FIFOs and socket files: made on the host (mknod of either needs no
 * privilege), owned as the rest.  The sentry serves them (fifo_open; a
 * bound AF_UNIX socket), so the host node is only a name.  No device nodes
 * on the host: a sandbox must not leave one where host programs find it.
 */
static int host_mknod(struct inode *dino, const char *name, mode_t mode, dev_t dev,
		      uid_t uid, gid_t gid)
{
	struct inode *ino;
	int err;

	(void)dev;
	RW_OR_EROFS(HN(dino));
	if (S_ISREG(mode)) {
		err = host_create(dino, name, mode, uid, gid, &ino);
		if (!err)
			inode_put(ino);
		return err;
	}
	if (!S_ISFIFO(mode) && !S_ISSOCK(mode))
		return -EPERM;
	if (mknodat(HN(dino)->fd, name, (mode & S_IFMT) | (mode & 0777), 0))
		return -errno;
	return host_own(HN(dino), name, uid, gid, mode, 0);
}

static int host_symlink(struct inode *dino, const char *name, const char *target,
			uid_t uid, gid_t gid)
{
	RW_OR_EROFS(HN(dino));
	if (symlinkat(target, HN(dino)->fd, name))
		return -errno;
	return host_own(HN(dino), name, uid, gid, 0, 0);
}

static int host_link(struct inode *dino, const char *name, struct inode *target)
{
	const char *tname;
	int tfd;

	RW_OR_EROFS(HN(dino));
	if (target->ops != &host_iops || S_ISDIR(target->mode))
		return target->ops != &host_iops ? -EXDEV : -EPERM;
	tfd = at_of(HN(target), &tname);
	return linkat(tfd, tname, HN(dino)->fd, name, 0) ? -errno : 0;
}

static int host_unlink(struct inode *dino, const char *name)
{
	RW_OR_EROFS(HN(dino));
	return unlinkat(HN(dino)->fd, name, 0) ? -errno : 0;
}

static int host_rmdir(struct inode *dino, const char *name)
{
	RW_OR_EROFS(HN(dino));
	return unlinkat(HN(dino)->fd, name, AT_REMOVEDIR) ? -errno : 0;
}

static int host_rename(struct inode *od, const char *on, struct inode *nd,
		       const char *nn, unsigned flags)
{
	RW_OR_EROFS(HN(od));
	if (nd->ops != &host_iops || HN(nd)->ro)
		return nd->ops != &host_iops ? -EXDEV : -EROFS;
	return syscall(SYS_renameat2, HN(od)->fd, on, HN(nd)->fd, nn, flags) ? -errno : 0;
}

static int host_setattr(struct inode *ino, const struct iattr *ia)
{
	struct hnode *h = HN(ino);
	const char *name;
	int dfd = at_of(h, &name), flag = AT_SYMLINK_NOFOLLOW | (h->parent ? 0 : AT_EMPTY_PATH);

	RW_OR_EROFS(h);
	if (ia->valid & ATTR_SIZE) {
		int fd = host_reopen(h, O_WRONLY);

		if (fd < 0)
			return fd;
		int r = ftruncate(fd, ia->size) ? -errno : 0;
		close(fd);
		if (r)
			return r;
	}
	if ((ia->valid & ATTR_MODE) &&
	    syscall(452 /* fchmodat2 */, dfd, name, ia->mode & 07777, flag))
		return -errno;
	if ((ia->valid & (ATTR_UID | ATTR_GID)) &&
	    fchownat(dfd, name, ia->valid & ATTR_UID ? ia->uid : (uid_t)-1,
		     ia->valid & ATTR_GID ? ia->gid : (gid_t)-1, flag))
		return -errno;
	if (ia->valid & (ATTR_ATIME | ATTR_MTIME)) {
		struct timespec ts[2] = { ia->atime, ia->mtime };

		if (!(ia->valid & ATTR_ATIME))
			ts[0].tv_nsec = UTIME_OMIT;
		if (!(ia->valid & ATTR_MTIME))
			ts[1].tv_nsec = UTIME_OMIT;
		if (utimensat(dfd, name, ts, AT_SYMLINK_NOFOLLOW))
			return -errno;
	}
	return 0;
}

static const struct inode_ops host_iops = {
	.lookup = host_lookup,
	.lookup_attr = host_lookup_attr,
	.create = host_create,
	.mkdir = host_mkdir,
	.mknod = host_mknod,
	.symlink = host_symlink,
	.link = host_link,
	.unlink = host_unlink,
	.rmdir = host_rmdir,
	.rename = host_rename,
	.readlink = host_readlink,
	.getattr = host_getattr,
	.setattr = host_setattr,
	.open = host_open,
	.statfs = host_statfs,
};

/* --- open host files --- */

static int hfd(struct file *f)
{
	return (int)(intptr_t)f->priv;
}

static ssize_t hf_read(struct task *t, struct file *f, void *buf, size_t len, off_t *pos)
{
	ssize_t n = pread(hfd(f), buf, len, *pos);

	(void)t;
	if (n < 0)
		return -errno;
	*pos += n;
	return n;
}

static ssize_t hf_write(struct task *t, struct file *f, const void *buf, size_t len,
			off_t *pos)
{
	ssize_t n;

	(void)t;
	if (f->flags & O_APPEND) {
		n = write(hfd(f), buf, len);            /* the host appends */
		if (n >= 0)
			*pos = lseek(hfd(f), 0, SEEK_CUR);
	} else {
		n = pwrite(hfd(f), buf, len, *pos);
		if (n > 0)
			*pos += n;
	}
	return n < 0 ? -errno : n;
}

static off_t hf_llseek(struct file *f, off_t off, int whence)
{
	struct stat st;

	if (S_ISDIR(f->inode->mode)) {
		off_t r = lseek(hfd(f), off, whence);

		if (r < 0)
			return -errno;
		f->pos = r;
		return r;
	}
	if (fstat(hfd(f), &st))
		return -errno;
	return generic_llseek(f, off, whence, st.st_size);
}

static long hf_getdents(struct file *f, void *buf, size_t len, off_t *pos)
{
	long n;

	if (lseek(hfd(f), *pos, SEEK_SET) < 0)
		return -errno;
	n = syscall(SYS_getdents64, hfd(f), buf, len);
	if (n < 0)
		return -errno;
	*pos = lseek(hfd(f), 0, SEEK_CUR);
	return n;
}

static int hf_mmap_fd(struct file *f, bool shared_write)
{
	if (shared_write && (f->flags & O_ACCMODE) == O_RDONLY)
		return -EACCES;
	return hfd(f);
}

static int hf_host_read_fd(struct file *f)
{
	return S_ISREG(f->inode->mode) ? hfd(f) : -1;
}

static int hf_fsync(struct file *f, bool datasync)
{
	/* fdatasync skips metadata such as mtime: a journal that syncs
	 * after every write (sqlite) waits for the disk half as often */
	return (datasync ? fdatasync(hfd(f)) : fsync(hfd(f))) ? -errno : 0;
}

static void hf_release(struct file *f)
{
	close(hfd(f));
}

static const struct file_ops host_fops = {
	.read = hf_read,
	.write = hf_write,
	.llseek = hf_llseek,
	.getdents = hf_getdents,
	.mmap_fd = hf_mmap_fd,
	.host_read_fd = hf_host_read_fd,
	.fsync = hf_fsync,
	.release = hf_release,
};

/* The root of a host tree; takes ownership of dirfd (an O_PATH fd). */
struct inode *hostfs_root(int dirfd, bool readonly)
{
	struct stat st;
	struct hnode *h;

	if (fstat(dirfd, &st) || !S_ISDIR(st.st_mode))
		return NULL;
	h = hnode_new(NULL, ".", &st, dirfd, readonly);
	return h ? &h->vfs : NULL;
}

/*
 * The host file or directory at an absolute host path (a bind mount's
 * source, named by the engine, not by the application): a directory is a
 * root of its own; a file is looked up in its parent directory, since an
 * O_PATH fd of a file cannot be reopened without /proc.
 */
struct inode *hostfs_bind(const char *path, bool readonly)
{
	char dir[4096];
	const char *base = strrchr(path, '/');
	struct inode *parent, *ino = NULL;
	struct stat st;
	int fd;

	if (stat(path, &st))
		return NULL;
	if (S_ISDIR(st.st_mode)) {
		fd = open(path, O_PATH | O_DIRECTORY | O_CLOEXEC);
		return fd < 0 ? NULL : hostfs_root(fd, readonly);
	}
	if (!base || !base[1])
		return NULL;
	snprintf(dir, sizeof(dir), "%.*s", base == path ? 1 : (int)(base - path), path);
	fd = open(dir, O_PATH | O_DIRECTORY | O_CLOEXEC);
	parent = fd < 0 ? NULL : hostfs_root(fd, readonly);
	if (!parent)
		return NULL;
	if (host_lookup(parent, base + 1, &ino))
		ino = NULL;
	inode_put(parent);
	return ino;
}

/* A host directory tree: from an O_PATH fd the sentry opened, or a host
 * path the engine named (a bind mount's source). */
static struct inode *hostfs_mount(const struct fs_mount *m)
{
	if (m->host_fd >= 0)
		return hostfs_root(m->host_fd, m->readonly);
	return m->source ? hostfs_bind(m->source, m->readonly) : NULL;
}

/* nodev: the sandbox sees no block device behind it (gVisor lists its
 * gofer file system as "nodev 9p" likewise) */
static struct fs_type hostfs_type = { .name = "hostfs", .mount = hostfs_mount };
FS_REGISTER(hostfs_type)
