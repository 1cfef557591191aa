/* SPDX-License-Identifier: MIT */
/*
 * devpts: a directory of pty slaves and the ptmx that makes them (Linux's
 * fs/devpts, mounted with newinstance: each mount is an instance of its
 * own).  An instance is a memfs holding "ptmx" (0666, ptmxmode=0666 as
 * the OCI config mounts it) and, while a pair's master is open, its slave
 * "N" (136+N/256:N%256, mode 0620, group tty (5), owned by the master's
 * opener: the options docker and runc mount it with).  /dev/ptmx is a
 * link to pts/ptmx (devfs.c), as runc makes it, so a process opens the
 * ptmx of the devpts its /dev/pts shows.
 *
 * The pairs themselves are fs/pty.c's; a slave's node finds its pair by
 * number in the instance's table, so that a node looked up before its
 * master closed never reaches a freed pair.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/sysmacros.h>

#include "fs/memfs.h"
#include "fs/tty.h"
#include "kernel/tty.h"

#define PTY_MAX 4096                    /* /proc/sys/kernel/pty/max's default */
#define PTS_MAJOR 136                   /* UNIX98_PTY_SLAVE_MAJOR */
#define TTY_GID 5                       /* gid=5, as the OCI config's devpts */

struct devpts {
	pthread_mutex_t lock;
	struct inode *root;             /* the memfs of ptmx and the slaves */
	struct pty *ptys[PTY_MAX];
};

static const struct file_ops ptmx_ops, pts_node_ops;

static void pts_name(char *buf, size_t len, int index)
{
	snprintf(buf, len, "%d", index);
}

/* The slave's node, owned by the opener (devpts_pty_new). */
static int add_node(struct devpts *fs, int index)
{
	const struct creds *c = current_task ? &current_task->tg->cred : NULL;
	struct iattr ia = { .valid = ATTR_UID | ATTR_GID, .uid = c ? c->fsuid : 0,
			    .gid = TTY_GID };
	struct inode *n;
	char name[16];
	int err;

	pts_name(name, sizeof(name), index);
	err = memfs_add_special(fs->root, name, S_IFCHR | 0620,
				makedev(PTS_MAJOR + index / 256, index % 256), &pts_node_ops, fs);
	if (err || (err = fs->root->ops->lookup(fs->root, name, &n)))
		return err;
	err = n->ops->setattr(n, &ia);
	inode_put(n);
	return err;
}

static void del_node(struct devpts *fs, int index)
{
	char name[16];

	pts_name(name, sizeof(name), index);
	fs->root->ops->unlink(fs->root, name);
}

/* /dev/ptmx: a new pair, at the lowest free number (ptmx_open). */
static int ptmx_open(struct file *f)
{
	struct devpts *fs = f->priv;
	struct pty *p = NULL;
	int i, err;

	pthread_mutex_lock(&fs->lock);
	for (i = 0; i < PTY_MAX && fs->ptys[i]; i++)
		;
	if (i == PTY_MAX)
		err = -ENOSPC;
	else if (!(p = pty_new(fs, i)))
		err = -ENOMEM;
	else if ((err = add_node(fs, i)))
		free(p);
	else
		fs->ptys[i] = p;
	pthread_mutex_unlock(&fs->lock);
	return err ? err : pty_open_master(p, f);
}

void devpts_kill(struct pty *p)
{
	struct devpts *fs = pty_devpts(p);
	int i = pty_index(p);

	pthread_mutex_lock(&fs->lock);
	fs->ptys[i] = NULL;
	del_node(fs, i);
	pthread_mutex_unlock(&fs->lock);
}

/* /dev/pts/N: the slave of pair N, if its master is still open. */
static int pts_node_open(struct file *f)
{
	struct devpts *fs = f->priv;
	dev_t rdev = ((struct mnode *)f->inode)->rdev;
	int i = (int)((major(rdev) - PTS_MAJOR) * 256 + minor(rdev)), err = -EIO;
	struct pty *p;

	pthread_mutex_lock(&fs->lock);
	p = i >= 0 && i < PTY_MAX ? fs->ptys[i] : NULL;
	if (p)
		err = pty_open_slave(p, f);
	pthread_mutex_unlock(&fs->lock);
	/* without O_NOCTTY, a session leader without a terminal takes it */
	if (!err && !(f->flags & O_NOCTTY) && current_task)
		tty_open_set_ctty(current_task, pty_job(p));
	return err;
}

int devpts_peer_dentry(struct file *master, int index, struct dentry **out)
{
	char name[16];

	if (!master->dentry || !master->dentry->parent)
		return -EIO;
	pts_name(name, sizeof(name), index);
	return vfs_lookup_one(master->dentry->parent, name, out);
}

static const struct file_ops ptmx_ops = { .open = ptmx_open };
static const struct file_ops pts_node_ops = { .open = pts_node_open };

/* A devpts instance: ptmx only, until it is opened. */
struct inode *devpts_root(void)
{
	struct devpts *fs = calloc(1, sizeof(*fs));
	struct inode *root = fs ? memfs_root(NULL, 0755) : NULL;

	if (!root || memfs_add_special(root, "ptmx", S_IFCHR | 0666, makedev(5, 2), &ptmx_ops,
				       fs)) {
		if (root)
			inode_put(root);
		free(fs);
		return NULL;
	}
	pthread_mutex_init(&fs->lock, NULL);
	fs->root = root;                /* the instance lives as long as the sandbox */
	memfs_set_magic(root, 0x1cd1);  /* DEVPTS_SUPER_MAGIC */
	return inode_get(root);
}

static struct inode *devpts_mount(const struct fs_mount *m)
{
	(void)m;
	return devpts_root();
}

static struct fs_type devpts_type = { .name = "devpts", .mount = devpts_mount };
FS_REGISTER(devpts_type)
