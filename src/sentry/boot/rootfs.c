/* SPDX-License-Identifier: MIT */
/*
 * The sandbox's file system tree at start: for `cvisor do`, the host's /
 * under an in-memory overlay; for a container, the bundle's rootfs and the
 * mounts of its config.json, each made by the sentry's own file systems.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "boot/boot.h"
#include "kernel/kernel.h"
#include "pathname.h"
#include "sentry.h"
#include "vfs/vfs.h"

#define MAX_LINKS 40                    /* Linux's MAXSYMLINKS */

static int make_path_at(struct fs_struct *fs, struct dentry *base, const char *path,
			bool file, int links, struct dentry **out);

/*
 * Make name in dir, missing: a directory, or with file an empty file.  A
 * symlink there whose target is missing gets its target made (inside the
 * root, as everything here), as runc does.  *out is what name leads to.
 */
static int make_one(struct fs_struct *fs, struct dentry *dir, const char *name, bool file,
		    int links, struct dentry **out)
{
	struct inode *di = dir->inode, *ino;
	struct walk_result w;
	struct dentry *link;
	char target[PATH_MAX];
	long n;
	int err = vfs_lookup_one(dir, name, &link);

	if (!err) {
		n = S_ISLNK(link->inode->mode) && link->inode->ops->readlink
			    ? link->inode->ops->readlink(link->inode, target, sizeof(target) - 1)
			    : -EEXIST;
		dentry_put(link);
		if (n <= 0)
			return n ? (int)n : -ENOENT;
		if (links >= MAX_LINKS)
			return -ELOOP;
		target[n] = 0;
		return make_path_at(fs, target[0] == '/' ? fs->root : dir, target, file,
				    links + 1, out);
	}
	if (err != -ENOENT)
		return err;
	if (file && di->ops->create && !(err = di->ops->create(di, name, 0644, 0, 0, &ino)))
		inode_put(ino);
	else if (!file && di->ops->mkdir)
		err = di->ops->mkdir(di, name, 0755, 0, 0);
	if (!err && !(err = vfs_setup_walk(fs, dir, name, 0, &w)))
		*out = w.d;
	return err;
}

/*
 * mkdir -p inside the sandbox: mountpoints the root file system lacks.
 * Each name is resolved as any walk resolves it, from base: symlinks are
 * followed inside the sandbox's root and ".." stops there, so a path of
 * the config can neither leave the root nor make anything outside it
 * (whatever the config parser let through).  With file set, the last
 * name is made an empty file (a file bind mount's mountpoint).  With
 * out, the last dentry is returned there.
 */
static int make_path_at(struct fs_struct *fs, struct dentry *base, const char *path,
			bool file, int links, struct dentry **out)
{
	struct dentry *d = dentry_get(base);
	const char *p = path;
	int err = 0;

	for (;;) {
		char name[NAME_MAX + 1];
		struct walk_result w;
		int n = path_next_name(&p, name);

		if (n <= 0) {
			err = n;
			break;
		}
		err = vfs_setup_walk(fs, d, name, WALK_FOLLOW, &w);
		if (err == -ENOENT)
			err = make_one(fs, d, name, file && !p[strspn(p, "/")], links, &w.d);
		if (err)
			break;
		dentry_put(d);
		d = w.d;
	}
	if (!err && out)
		*out = d;
	else
		dentry_put(d);
	return err;
}

static int make_path(struct fs_struct *fs, const char *path, bool file)
{
	return make_path_at(fs, fs->root, path, file, 0, NULL);
}

static int mount_root(struct fs_struct *fs, const char *path, struct inode *root,
		      const char *fstype, const char *source, bool ro)
{
	int err;

	if (!root) {
		fprintf(stderr, "cvisor: cannot mount %s on %s: %s\n", fstype, path,
			source && source[0] == '/' ? "no such file or directory" : "out of memory");
		return -ENOENT;
	}
	err = vfs_mount_path(fs, path, root, fstype, source, ro);
	if (err == -ENOENT && !make_path(fs, path, !S_ISDIR(root->mode)))
		err = vfs_mount_path(fs, path, root, fstype, source, ro);
	if (err)
		fprintf(stderr, "cvisor: cannot mount %s on %s: %s\n", fstype, path,
			strerror(-err));
	return err;
}

/* A new instance of the registered type fstype, mounted on path. */
static int mount_at(struct fs_struct *fs, const char *path, const char *fstype,
		    const char *source, bool ro, mode_t mode)
{
	struct fs_mount m = { .source = source, .host_fd = -1, .readonly = ro, .mode = mode };

	return mount_root(fs, path, vfs_fs_instance(fstype, &m), fstype, source, ro);
}

/* The root file system: the first mount, and the fs_struct tasks start with. */
static struct fs_struct *fs_of_root(const char *fstype, const struct fs_mount *args,
				    const char *src)
{
	struct inode *root = vfs_fs_instance(fstype, args);
	struct mount *m = root ? vfs_mount(NULL, root, fstype, src, false) : NULL;
	struct dentry *rd = m ? vfs_root_dentry(m) : NULL;
	struct fs_struct *fs = rd ? fs_new(rd) : NULL;

	dentry_put(rd);
	if (!fs)
		fprintf(stderr, "cvisor: cannot open the root %s\n", src);
	return fs;
}

/*
 * cvisor do's file system: the host's / (or --root) as the read-only lower layer of an
 * in-memory overlay, the sentry's own /proc, /dev, /sys, tmpfs on /tmp and
 * /dev/shm, and each --rw directory bind-mounted writable at its own path.
 */
static struct fs_struct *build_do_root(const struct sentry_run *r)
{
	const char *src = r->root ? r->root : "/";
	struct fs_mount host = { .host_fd = open(src, O_PATH | O_DIRECTORY | O_CLOEXEC),
				 .readonly = true };
	struct fs_mount upper = { .host_fd = -1, .mode = 0755 };
	struct fs_struct *fs;

	upper.lower = host.host_fd >= 0 ? vfs_fs_instance("hostfs", &host) : NULL;
	fs = upper.lower ? fs_of_root("overlay", &upper, src) : NULL;
	if (!fs)
		return NULL;
	if (mount_at(fs, "/proc", "proc", "proc", false, 0) ||
	    mount_at(fs, "/dev", "devtmpfs", "dev", false, 0) ||
	    mount_at(fs, "/dev/pts", "devpts", "devpts", false, 0) ||
	    mount_at(fs, "/dev/shm", "tmpfs", "shm", false, 01777) ||
	    mount_at(fs, "/dev/mqueue", "mqueue", "mqueue", false, 0) ||
	    mount_at(fs, "/sys", "sysfs", "sysfs", true, 0) ||
	    mount_at(fs, "/tmp", "tmpfs", "tmpfs", false, 01777))
		return NULL;
	for (int i = 0; i < r->nr_rw; i++)
		if (mount_at(fs, r->rw[i], "hostfs", r->rw[i], false, 0))
			return NULL;
	return fs;
}

/* One mount of a container's config, made of the sentry's file systems. */
static int container_mount(struct fs_struct *fs, const struct sentry_mount *m)
{
	const char *t = m->type;
	unsigned mode = m->mode ? m->mode : 01777;

	if (!strcmp(t, "bind") || !strcmp(t, "rbind"))
		return mount_at(fs, m->dest, "hostfs", m->source, m->ro, 0);
	if (!strcmp(t, "tmpfs") && !strcmp(m->dest, "/dev")) {
		/* the engine's empty /dev: the sentry's devfs has the devices
		 * runc would create in it (null, zero, tty, ptmx, pts/, ...);
		 * /proc/mounts names it as the config does, a tmpfs (the OCI
		 * validation suite looks for the type it asked for) */
		struct fs_mount dm = { .source = "tmpfs", .host_fd = -1 };

		return mount_root(fs, m->dest, vfs_fs_instance("devtmpfs", &dm), "tmpfs", "tmpfs",
				  false);
	}
	if (!strcmp(t, "sysfs") || !strcmp(t, "cgroup") || !strcmp(t, "cgroup2"))
		return mount_at(fs, m->dest, t, t, true, 0);    /* read-only, always */
	if (!strcmp(t, "devpts"))
		return mount_at(fs, m->dest, t, t, false, 0);
	if (get_fs_type(t) && strcmp(t, "hostfs") && strcmp(t, "overlay"))
		return mount_at(fs, m->dest, t, m->source, m->ro, mode);
	fprintf(stderr, "cvisor: mount on %s: type '%s' is not supported\n", m->dest, t);
	return -EINVAL;
}

/*
 * linux.maskedPaths: a directory that exists shows nothing (an empty
 * read-only tmpfs over it), a file reads as empty (a null device over it,
 * as runc has it).
 */
static void mask_paths(struct task *t, const struct sentry_run *r)
{
	for (int i = 0; r->masked && r->masked[i]; i++) {
		struct walk_result w;

		if (vfs_walk_at(t, t->fs->root, r->masked[i], WALK_FOLLOW, &w))
			continue;       /* not there: nothing to hide */
		if (S_ISDIR(w.d->inode->mode))
			vfs_mount_path(t->fs, r->masked[i],
				       vfs_fs_instance("tmpfs", &(struct fs_mount){ .mode = 0555 }),
				       "tmpfs", "masked", true);
		else
			vfs_mount_path(t->fs, r->masked[i], devfs_null(), "devtmpfs", "masked",
				       true);
		dentry_put(w.d);
	}
}

/* linux.readonlyPaths: each one mounted again on itself, read-only. */
static void readonly_paths(struct task *t, const struct sentry_run *r)
{
	for (int i = 0; r->readonly && r->readonly[i]; i++) {
		struct walk_result w;

		if (vfs_walk_at(t, t->fs->root, r->readonly[i], WALK_FOLLOW, &w))
			continue;       /* not there: nothing to protect */
		vfs_mount_path(t->fs, r->readonly[i], inode_get(w.d->inode), w.d->mnt->fstype,
			       r->readonly[i], true);
		dentry_put(w.d);
	}
}

/* Mount option nosuid: exec under these mounts ignores set-id bits. */
static void nosuid_mounts(struct task *t, const struct sentry_run *r)
{
	for (int i = 0; i < r->nmounts; i++) {
		struct walk_result w;

		if (!r->mounts[i].nosuid ||
		    vfs_walk_at(t, t->fs->root, r->mounts[i].dest, WALK_FOLLOW, &w))
			continue;
		if (w.d->mnt && w.d->inode == w.d->mnt->root)
			w.d->mnt->nosuid = true;
		dentry_put(w.d);
	}
}

/* The path rules of a container's config, once its root exists. */
void apply_path_rules(struct task *t, const struct sentry_run *r)
{
	nosuid_mounts(t, r);
	readonly_paths(t, r);
	mask_paths(t, r);
}

/* linux.devices: nodes in the sandbox's /dev (see devfs_mknod). */
static int make_devices(struct fs_struct *fs, const struct sentry_run *r)
{
	for (int i = 0; i < r->ndevices; i++) {
		const struct sentry_device *dv = &r->devices[i];
		char dir[4096];
		const char *name = strrchr(dv->path, '/') + 1;
		struct dentry *d;
		int err;

		snprintf(dir, sizeof(dir), "%.*s", (int)(name - dv->path), dv->path);
		err = !strcmp(name, ".") || !strcmp(name, "..") ? -EINVAL
			: make_path_at(fs, fs->root, dir, false, 0, &d);
		if (!err) {
			err = devfs_mknod(d->inode, name, dv->mode, dv->rdev, dv->uid, dv->gid);
			dentry_put(d);
		}
		if (err && err != -EEXIST) {
			fprintf(stderr, "cvisor: linux.devices: cannot make %s: %s%s\n", dv->path,
				strerror(-err), err == -EROFS ? " (only under a tmpfs such as /dev)"
							      : "");
			return err;
		}
	}
	return 0;
}

static bool has_mount(const struct sentry_run *r, const char *dest)
{
	for (int i = 0; i < r->nmounts; i++)
		if (!strcmp(r->mounts[i].dest, dest))
			return true;
	return false;
}

static struct fs_struct *build_container_root(const struct sentry_run *r)
{
	struct fs_mount root = {
		.host_fd = r->root_fd >= 0 ? r->root_fd
					   : open(r->root, O_PATH | O_DIRECTORY | O_CLOEXEC),
		.readonly = r->root_ro,
	};
	struct fs_struct *fs = root.host_fd >= 0 ? fs_of_root("hostfs", &root, r->root) : NULL;

	if (!fs)
		return NULL;
	/* runc always makes the default devices: so does the sentry */
	if (!has_mount(r, "/dev") &&
	    (mount_at(fs, "/dev", "devtmpfs", "dev", false, 0) ||
	     mount_at(fs, "/dev/pts", "devpts", "devpts", false, 0)))
		return NULL;
	for (int i = 0; i < r->nmounts; i++)
		if (container_mount(fs, &r->mounts[i]))
			return NULL;
	return make_devices(fs, r) ? NULL : fs;
}

struct fs_struct *build_root(const struct sentry_run *r)
{
	return r->container ? build_container_root(r) : build_do_root(r);
}
