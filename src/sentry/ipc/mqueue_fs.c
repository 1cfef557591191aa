/* SPDX-License-Identifier: MIT */
/*
 * The mqueue file system (Linux's mqueue_fs_type), mounted at /dev/mqueue
 * as docker and podman ask: the sandbox's POSIX message queues as files.
 * Each mount is a view of the one table (mqueue.h), as Linux's mount of an
 * IPC namespace's queues: open(O_CREAT) makes a queue with the default
 * attributes, unlink removes its name, ls lists them, reading one shows
 * its state line.
 */
#include <dirent.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statfs.h>

#include "ipc/ipc.h"
#include "fs/proc/sysctl.h"
#include "ipc/mqueue.h"
#include "vfs/vfs.h"

/* An inode: the root (q NULL) or a queue, which it holds. */
struct mq_inode {
	struct inode vfs;
	struct mqueue *q;
};

#define MQ_SUPER_MAGIC 0x19800202
#define MQI(i) ((struct mq_inode *)(i))

static uint64_t mq_fs_dev;
static const struct inode_ops mq_root_iops, mq_queue_iops;

static void mq_inode_release(struct inode *ino)
{
	if (MQI(ino)->q) {
		pthread_mutex_lock(&mq_lock);
		mq_put(MQI(ino)->q);
		pthread_mutex_unlock(&mq_lock);
	}
	free(ino);
}

/* An inode for q, which the caller gave a reference to (NULL: the root). */
static struct inode *mq_inode_new(struct mqueue *q)
{
	struct mq_inode *i = calloc(1, sizeof(*i));

	if (!i)
		return NULL;
	inode_init(&i->vfs, q ? &mq_queue_iops : &mq_root_iops,
		   q ? S_IFREG | q->mode : S_IFDIR | 01777, mq_fs_dev, q ? q->ino : 1,
		   mq_inode_release);
	i->q = q;
	return &i->vfs;
}

static int mq_inode_for(struct mqueue *q, struct inode **out)
{
	q->refs++;
	*out = mq_inode_new(q);
	if (*out)
		return 0;
	mq_put(q);
	return -ENOMEM;
}

static int mq_fs_lookup(struct inode *dir, const char *name, struct inode **out)
{
	struct mqueue *q;
	int err = -ENOENT;

	(void)dir;
	pthread_mutex_lock(&mq_lock);
	if ((q = mq_lookup(name)))
		err = mq_inode_for(q, out);
	pthread_mutex_unlock(&mq_lock);
	return err;
}

/* open(O_CREAT) in the file system: a queue with the default attributes. */
static int mq_fs_create(struct inode *dir, const char *name, mode_t mode, uid_t uid,
			gid_t gid, struct inode **out)
{
	bool res = current_task && capable(ipc_cred(current_task), CAP_SYS_RESOURCE);
	struct mqueue *q;
	int err;

	(void)dir;
	pthread_mutex_lock(&mq_lock);
	err = mq_lookup(name) ? -EEXIST :
	      mq_new(name, mode, uid, gid, proc_sysctl_long("fs.mqueue.msg_default"),
		     proc_sysctl_long("fs.mqueue.msgsize_default"), res, &q);
	if (!err)
		err = mq_inode_for(q, out);
	pthread_mutex_unlock(&mq_lock);
	return err;
}

static int mq_fs_unlink(struct inode *dir, const char *name)
{
	struct mqueue *q;

	(void)dir;
	pthread_mutex_lock(&mq_lock);
	q = mq_lookup(name);
	if (q)
		mq_drop_name(q);
	pthread_mutex_unlock(&mq_lock);
	return q ? 0 : -ENOENT;
}

static int mq_fs_getattr(struct inode *ino, struct stat *st)
{
	struct mqueue *q = MQI(ino)->q;

	memset(st, 0, sizeof(*st));
	st->st_dev = ino->dev;
	st->st_ino = ino->ino;
	st->st_mode = ino->mode;
	st->st_nlink = q ? 1 : 2;
	st->st_blksize = 4096;
	if (q) {
		pthread_mutex_lock(&mq_lock);
		st->st_mode = S_IFREG | q->mode;
		st->st_uid = q->uid;
		st->st_gid = q->gid;
		st->st_nlink = q->named;
		st->st_atim = st->st_mtim = st->st_ctim = q->made;
		pthread_mutex_unlock(&mq_lock);
	}
	return 0;
}

/* chmod and chown of a queue (the VFS checked who may). */
static int mq_fs_setattr(struct inode *ino, const struct iattr *ia)
{
	struct mqueue *q = MQI(ino)->q;

	if (!q)
		return -EPERM;          /* the root's 1777 stays */
	/* ATTR_SIZE (open's O_TRUNC) has nothing to cut, as in Linux */
	pthread_mutex_lock(&mq_lock);
	if (ia->valid & ATTR_MODE)
		q->mode = ia->mode & 0777;
	if (ia->valid & ATTR_UID)
		q->uid = ia->uid;
	if (ia->valid & ATTR_GID)
		q->gid = ia->gid;
	pthread_mutex_unlock(&mq_lock);
	ino->mode = S_IFREG | q->mode;
	return 0;
}

/* The root's listing: ".", "..", then the queues, in the table's order. */
static long mq_fs_getdents(struct file *f, void *buf, size_t len, off_t *pos)
{
	size_t used = 0;
	long full = 0;
	off_t i = 0;

	(void)f;
	pthread_mutex_lock(&mq_lock);
	if (*pos == 0 && !(full = dirent_emit(buf, len, &used, 1, 1, DT_DIR, ".")))
		*pos = 1;
	if (*pos == 1 && !full && !(full = dirent_emit(buf, len, &used, 1, 2, DT_DIR, "..")))
		*pos = 2;
	for (struct mqueue *q = mq_names; q && !full && *pos >= 2; q = q->next, i++) {
		if (i < *pos - 2)
			continue;
		if (!(full = dirent_emit(buf, len, &used, q->ino, *pos + 1, DT_REG, q->name)))
			(*pos)++;
	}
	pthread_mutex_unlock(&mq_lock);
	return full && !used ? -EINVAL : (long)used;
}

static const struct file_ops mq_dir_ops = { .getdents = mq_fs_getdents };

static int mq_fs_open(struct inode *ino, struct file *f)
{
	struct mqueue *q = MQI(ino)->q;

	if (!q) {
		f->ops = &mq_dir_ops;
		return 0;
	}
	pthread_mutex_lock(&mq_lock);
	q->refs++;
	pthread_mutex_unlock(&mq_lock);
	f->ops = &mq_ops;
	f->priv = q;
	return 0;
}

static int mq_fs_statfs(struct inode *ino, struct statfs *sf)
{
	(void)ino;
	memset(sf, 0, sizeof(*sf));
	sf->f_type = MQ_SUPER_MAGIC;
	sf->f_bsize = 4096;
	sf->f_namelen = NAME_MAX;
	return 0;
}

static const struct inode_ops mq_root_iops = {
	.lookup = mq_fs_lookup,
	.create = mq_fs_create,
	.unlink = mq_fs_unlink,
	.getattr = mq_fs_getattr,
	.open = mq_fs_open,
	.statfs = mq_fs_statfs,
};

static const struct inode_ops mq_queue_iops = {
	.getattr = mq_fs_getattr,
	.setattr = mq_fs_setattr,
	.open = mq_fs_open,
	.statfs = mq_fs_statfs,
};

/* Every mount shows the one table: one device number for all of them. */
static void mq_fs_init(void)
{
	mq_fs_dev = vfs_new_dev();
}

static struct inode *mq_fs_mount(const struct fs_mount *m)
{
	static pthread_once_t once = PTHREAD_ONCE_INIT;

	(void)m;
	pthread_once(&once, mq_fs_init);
	return mq_inode_new(NULL);
}

static struct fs_type mqueue_type = { .name = "mqueue", .mount = mq_fs_mount };
FS_REGISTER(mqueue_type)
