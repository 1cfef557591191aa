/* SPDX-License-Identifier: MIT */
/*
 * devfs: /dev, a memfs holding the devices the sandbox may use, each
 * served by the sentry (none is a host device node).
 */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>
#include <sys/random.h>
#include <sys/sysmacros.h>

#include "fs/memfs.h"
#include "kernel/tty.h"

static ssize_t null_read(struct task *t, struct file *f, void *buf, size_t len, off_t *pos)
{
	(void)t; (void)f; (void)buf; (void)len; (void)pos;
	return 0;
}

static ssize_t sink_write(struct task *t, struct file *f, const void *buf, size_t len,
			  off_t *pos)
{
	(void)t; (void)f; (void)buf; (void)pos;
	return (ssize_t)len;
}

static ssize_t zero_read(struct task *t, struct file *f, void *buf, size_t len, off_t *pos)
{
	(void)t; (void)f; (void)pos;
	memset(buf, 0, len);
	return (ssize_t)len;
}

static ssize_t full_write(struct task *t, struct file *f, const void *buf, size_t len,
			  off_t *pos)
{
	(void)t; (void)f; (void)buf; (void)len; (void)pos;
	return -ENOSPC;
}

static ssize_t random_read(struct task *t, struct file *f, void *buf, size_t len,
			   off_t *pos)
{
	ssize_t n = getrandom(buf, len, 0);

	(void)t; (void)f; (void)pos;
	return n < 0 ? -errno : n;
}

static off_t dev_llseek(struct file *f, off_t off, int whence)
{
	(void)whence;
	f->pos = 0;
	(void)off;
	return 0;
}

/* mmap of /dev/zero is an anonymous mapping: the caller handles -ENODEV. */
static const struct file_ops null_ops = { .read = null_read, .write = sink_write,
					  .llseek = dev_llseek };
static const struct file_ops zero_ops = { .read = zero_read, .write = sink_write,
					  .llseek = dev_llseek };
static const struct file_ops full_ops = { .read = zero_read, .write = full_write,
					  .llseek = dev_llseek };
static const struct file_ops random_ops = { .read = random_read, .write = sink_write,
					    .llseek = dev_llseek };

/*
 * /dev/console exists, as the runtime spec wants, but is not a terminal
 * of the sentry's: using it fails with ENXIO (Linux's answer for a tty
 * one has no access to).  So does a ptmx device node (5:2) made by
 * linux.devices: /dev/ptmx is a link to pts/ptmx (fs/devpts.c).
 */
static ssize_t nxio_read(struct task *t, struct file *f, void *buf, size_t len, off_t *pos)
{
	(void)t, (void)f, (void)buf, (void)len, (void)pos;
	return -ENXIO;
}

static ssize_t nxio_write(struct task *t, struct file *f, const void *buf, size_t len,
			  off_t *pos)
{
	(void)t, (void)f, (void)buf, (void)len, (void)pos;
	return -ENXIO;
}

static const struct file_ops tty_ops = { .read = nxio_read, .write = nxio_write };

/*
 * /dev/tty: the caller's controlling terminal (kernel/tty.c), a file of
 * its own on the sandbox's terminal or on a pty slave (fs/pty.c); ENXIO
 * without one, as Linux's tty_open_current_tty() says.
 */
static int ctty_open(struct file *f)
{
	int fd = current_task ? tty_console_fd(current_task->tg) : -1;

	if (fd < 0)
		return current_task ? tty_open_current(current_task, f) : -ENXIO;
	fd = fcntl(fd, F_DUPFD_CLOEXEC, 3);
	return fd < 0 ? -errno : hostfd_attach(f, fd);
}

static const struct file_ops ctty_ops = { .open = ctty_open };

/* The sentry's driver for a character device, by number: the memory
 * devices and the ttys it serves, else none (open fails with ENXIO, what
 * Linux says for a node whose driver is absent). */
static const struct file_ops *char_ops(dev_t rdev)
{
	static const struct { int major, minor; const struct file_ops *ops; } known[] = {
		{ 1, 3, &null_ops }, { 1, 5, &zero_ops }, { 1, 7, &full_ops },
		{ 1, 8, &random_ops }, { 1, 9, &random_ops },
		{ 5, 0, &ctty_ops }, { 5, 1, &tty_ops }, { 5, 2, &tty_ops },
	};

	for (size_t i = 0; i < sizeof(known) / sizeof(known[0]); i++)
		if (major(rdev) == (unsigned)known[i].major &&
		    minor(rdev) == (unsigned)known[i].minor)
			return known[i].ops;
	return NULL;
}

/*
 * A node of linux.devices in dir (a memfs): FIFOs are real FIFOs; char and
 * block nodes carry the engine's numbers and owner, but what they do is the
 * sentry's (no host device is reachable from the sandbox).
 */
int devfs_mknod(struct inode *dir, const char *name, mode_t mode, dev_t rdev,
		uid_t uid, gid_t gid)
{
	struct iattr ia = { .valid = ATTR_UID | ATTR_GID, .uid = uid, .gid = gid };
	struct inode *n;
	int err;

	if (!is_memfs(dir))
		return -EROFS;
	if (S_ISFIFO(mode))
		return dir->ops->mknod(dir, name, mode, 0, uid, gid);
	if (!S_ISCHR(mode) && !S_ISBLK(mode))
		return -EINVAL;
	err = memfs_add_special(dir, name, mode, rdev, S_ISCHR(mode) ? char_ops(rdev) : NULL,
				NULL);
	if (err || (err = dir->ops->lookup(dir, name, &n)))
		return err;
	err = n->ops->setattr(n, &ia);
	inode_put(n);
	return err;
}

/* A /dev/null of its own, mounted over a masked file (as runc does). */
struct inode *devfs_null(void)
{
	struct inode *dir = memfs_root(NULL, 0555), *n = NULL;

	if (dir && !memfs_add_special(dir, "null", S_IFCHR | 0666, makedev(1, 3), &null_ops,
				      NULL))
		dir->ops->lookup(dir, "null", &n);
	if (dir)
		inode_put(dir);
	return n;
}

bool devfs_is_zero(struct file *f)
{
	return f->ops == &zero_ops;
}

struct inode *devfs_root(void)
{
	struct inode *root = memfs_root(NULL, 0755), *d;
	static const struct { const char *name; int minor; const struct file_ops *ops; } devs[] = {
		{ "null", 3, &null_ops }, { "zero", 5, &zero_ops }, { "full", 7, &full_ops },
		{ "random", 8, &random_ops }, { "urandom", 9, &random_ops },
	};

	if (!root)
		return NULL;
	for (size_t i = 0; i < sizeof(devs) / sizeof(devs[0]); i++)
		if (memfs_add_special(root, devs[i].name, S_IFCHR | 0666,
				      makedev(1, devs[i].minor), devs[i].ops, NULL))
			return NULL;
	if (memfs_add_special(root, "tty", S_IFCHR | 0666, makedev(5, 0), &ctty_ops, NULL) ||
	    memfs_add_special(root, "console", S_IFCHR | 0620, makedev(5, 1), &tty_ops, NULL))
		return NULL;
	memfs_add_symlink(root, "ptmx", "pts/ptmx");
	memfs_add_symlink(root, "fd", "/proc/self/fd");
	memfs_add_symlink(root, "stdin", "/proc/self/fd/0");
	memfs_add_symlink(root, "stdout", "/proc/self/fd/1");
	memfs_add_symlink(root, "stderr", "/proc/self/fd/2");
	memfs_add_dir(root, "shm", 01777, NULL);
	memfs_add_dir(root, "pts", 0755, NULL);
	if (!memfs_add_dir(root, "mqueue", 01777, &d))
		inode_put(d);
	return root;
}

static struct inode *devtmpfs_mount(const struct fs_mount *m)
{
	(void)m;
	return devfs_root();
}

static struct fs_type devtmpfs_type = { .name = "devtmpfs", .mount = devtmpfs_mount };
FS_REGISTER(devtmpfs_type)
