/* SPDX-License-Identifier: MIT */
/*
 * procfs, the framework (Linux's fs/proc/generic.c and inode.c): inodes
 * made from table entries, lookup, attributes, links, the dynamic bytes
 * file and directory listings.  What the files say is in base.c,
 * task_mmu.c, fd.c and root.c (internal.h has the map).
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/statfs.h>
#include <time.h>

#include "fs/proc/internal.h"

#define PROC_SUPER_MAGIC 0x9fa0
#define PROC_ROOT_INO 1

static struct timespec proc_time;       /* every node's times: when made */

/* ---------- inodes ---------- */

/* FNV-1a of the parent's number and the name: stable per path. */
static uint64_t child_ino(uint64_t parent, const char *name)
{
	uint64_t h = 0xcbf29ce484222325ULL;

	for (int i = 0; i < 8; i++)
		h = (h ^ ((parent >> (8 * i)) & 0xff)) * 0x100000001b3ULL;
	for (; *name; name++)
		h = (h ^ (unsigned char)*name) * 0x100000001b3ULL;
	h &= (1ULL << 63) - 1;
	return h <= PROC_ROOT_INO ? h + 2 : h;
}

/* Parse a pid or fd name the way Linux does: decimal, no leading zeros. */
int proc_parse_num(const char *s)
{
	long v = 0;

	if (!*s || (s[0] == '0' && s[1]))
		return -1;
	for (; *s; s++) {
		if (*s < '0' || *s > '9' || v > INT_MAX / 10)
			return -1;
		v = v * 10 + (*s - '0');
	}
	return v > INT_MAX ? -1 : (int)v;
}

int proc_cmp_pid(const void *a, const void *b)
{
	pid_t x = *(const pid_t *)a, y = *(const pid_t *)b;

	return (x > y) - (x < y);
}

static const struct inode_ops proc_iops;
static const struct inode_ops proc_magic_iops;

static void pnode_release(struct inode *ino)
{
	free(PN(ino));
}

static struct pnode *pnode_new(uint64_t dev, uint64_t ino, const struct pent *e,
			       pid_t pid, pid_t tid, int fd)
{
	struct pnode *n = calloc(1, sizeof(*n));

	if (!n)
		return NULL;
	/* magic links need their own ops: the walk treats get_link as magic */
	inode_init(&n->vfs, e->link ? &proc_magic_iops : &proc_iops, e->mode, dev, ino,
		   pnode_release);
	n->e = e;
	n->pid = pid;
	n->tid = tid;
	n->fd = fd;
	return n;
}

int proc_new_child(struct pnode *dir, const struct pent *e, const char *name, pid_t pid,
		   pid_t tid, int fd, struct inode **out)
{
	struct pnode *n = pnode_new(dir->vfs.dev, child_ino(dir->vfs.ino, name), e, pid,
				    tid, fd);

	if (!n)
		return -ENOMEM;
	*out = &n->vfs;
	return 0;
}

static int proc_lookup(struct inode *dino, const char *name, struct inode **out)
{
	struct pnode *dir = PN(dino);
	struct thread_group *tg = NULL;
	int err = -ENOENT;

	/* a process that has gone takes its directory's contents with it */
	if (dir->pid && (!(tg = proc_get_tg(dir->pid)) || !proc_tg_has(tg, dir->tid)))
		goto out;
	for (const struct pent *e = dir->e->sub; e && e->name; e++)
		if (!strcmp(e->name, name)) {
			err = proc_new_child(dir, e, name, dir->pid, dir->tid, dir->fd, out);
			goto out;
		}
	if (dir->e->dyn)
		err = dir->e->dyn->lookup(dir, tg, name, out);
out:
	if (tg)
		tg_put(tg);
	return err;
}

static int proc_getattr(struct inode *ino, struct stat *st)
{
	struct pnode *n = PN(ino);
	struct thread_group *tg = n->pid ? proc_get_tg(n->pid) : NULL;

	memset(st, 0, sizeof(*st));
	st->st_dev = ino->dev;
	st->st_ino = ino->ino;
	st->st_mode = ino->mode;
	st->st_nlink = S_ISDIR(ino->mode) ? 2 : 1;
	st->st_blksize = 1024;
	st->st_atim = st->st_mtim = st->st_ctim = proc_time;
	/* a process's entries belong to its effective ids */
	if (tg) {
		pthread_mutex_lock(&tg->lock);
		st->st_uid = tg->cred.euid;
		st->st_gid = tg->cred.egid;
		pthread_mutex_unlock(&tg->lock);
		tg_put(tg);
	}
	return 0;
}

static int proc_setattr(struct inode *ino, const struct iattr *ia)
{
	/* a writable file opened with O_TRUNC (the shell's >): nothing to cut */
	if ((PN(ino)->e->store || PN(ino)->e->pstore) && !(ia->valid & ~(ATTR_SIZE | ATTR_MTIME | ATTR_CTIME)))
		return 0;
	return -EPERM;
}

static int proc_statfs(struct inode *ino, struct statfs *sf)
{
	(void)ino;
	memset(sf, 0, sizeof(*sf));
	sf->f_type = PROC_SUPER_MAGIC;
	sf->f_bsize = sf->f_frsize = 4096;
	sf->f_namelen = 255;
	return 0;
}

/* ---------- links ---------- */

long proc_link_text(char *buf, size_t len, const char *s)
{
	size_t n = strlen(s);

	if (n > len)
		n = len;
	memcpy(buf, s, n);
	return (long)n;
}

/* A path for readlink, as the reader sees it (from its root). */
static long dentry_path(struct dentry *d, char *buf, size_t len)
{
	struct dentry *root, *top = d;
	long n;

	/* memfd: a file on no mount, which Linux shows as "/memfd:x (deleted)" */
	if (!d->parent && strcmp(d->name, "/")) {
		n = snprintf(buf, len, "/%s (deleted)", d->name);
		return n >= 0 && (size_t)n < len ? n : -ENAMETOOLONG;
	}
	root = proc_task_fs_dentry(current_task, true);
	while (top->parent)
		top = top->parent;
	n = vfs_path(root ? root : top, d, buf, len);
	dentry_put(root);
	return n;
}

/*
 * A magic link's target: n's process is looked up once, and the reader
 * (t, else the task this thread serves) must be allowed to see it.
 */
static int magic_link(struct task *t, const struct pnode *n, struct dentry **out,
		      char *name, size_t len)
{
	struct thread_group *tg = proc_get_tg(n->pid);
	int err;

	*out = NULL;
	if (!proc_may_access(t ? t : current_task, tg)) {
		err = -EACCES;
	} else if (!tg) {
		err = -ENOENT;
	} else {
		err = n->e->link(n, tg, out, name, len);
	}
	if (tg)
		tg_put(tg);
	return err;
}

static long magic_readlink(const struct pnode *n, char *buf, size_t len)
{
	struct dentry *d = NULL;
	int err = magic_link(NULL, n, &d, buf, len);
	long r;

	if (err)
		return err;
	if (!d)
		return (long)strlen(buf);
	r = dentry_path(d, buf, len);
	dentry_put(d);
	return r;
}

static long proc_readlink(struct inode *ino, char *buf, size_t len)
{
	struct pnode *n = PN(ino);
	char tmp[PATH_MAX];
	long r;

	if (n->e->target)
		return proc_link_text(buf, len, n->e->target);
	if (n->e->readlink)
		return n->e->readlink(buf, len);
	if (!n->e->link)
		return -EINVAL;
	r = magic_readlink(n, tmp, sizeof(tmp));
	return r < 0 ? r : proc_link_text(buf, len, tmp);
}

static int proc_get_link(struct task *t, struct inode *ino, struct dentry **out)
{
	char name[64];
	int err = magic_link(t, PN(ino), out, name, sizeof(name));

	if (!err && !*out)
		err = -ENOENT;  /* a pipe or anonymous file: no dentry to reopen */
	return err;
}

/* ---------- the dynamic bytes file ---------- */

static const struct file_ops proc_file_fops;
static const struct file_ops proc_dir_fops;

/* The content, built once: a per-process file's group is looked up here. */
static int build_content(const struct pnode *n, struct thread_group *tg, struct sbuf *b)
{
	if (n->e->text) {
		sb_puts(b, n->e->text);
		return 0;
	}
	if (n->e->gen)
		return n->e->gen(b);
	if (n->e->sysctl)
		return proc_sysctl_show(b, n->e->sysctl);
	if (!tg)
		return -ESRCH;
	return n->e->show(b, n, tg);
}

static int open_file(struct pnode *n, struct thread_group *tg, struct file *f)
{
	struct sbuf *b = calloc(1, sizeof(*b));
	int err;

	if (!b)
		return -ENOMEM;
	err = build_content(n, tg, b);
	if (!err && b->oom)
		err = -ENOMEM;
	if (err) {
		sb_free(b);
		free(b);
		return err;
	}
	f->ops = &proc_file_fops;
	f->priv = b;
	return 0;
}

/* An open directory: its group (held until close) and its listing. */
struct pdir {
	struct thread_group *tg;
	struct dsnap *snap;             /* taken at the first getdents */
};

static int open_dir(struct thread_group *tg, struct file *f)
{
	struct pdir *d = calloc(1, sizeof(*d));

	if (!d)
		return -ENOMEM;
	d->tg = tg;
	f->ops = &proc_dir_fops;
	f->priv = d;
	return 0;
}

static int proc_open(struct inode *ino, struct file *f)
{
	struct pnode *n = PN(ino);
	struct thread_group *tg = NULL;
	int err = -ENXIO;

	if ((f->flags & O_ACCMODE) != O_RDONLY && !n->e->store && !n->e->pstore)
		return -EACCES;
	/* the process this node is about, once for the whole open */
	if (n->pid)
		tg = proc_get_tg(n->pid);
	if (n->e->priv && !proc_may_access(current_task, tg)) {
		err = -EACCES;
	} else if (S_ISDIR(ino->mode)) {
		err = open_dir(tg, f);
		if (!err)
			return 0;       /* the file holds tg now */
	} else if (S_ISREG(ino->mode) && (n->e->show || n->e->gen || n->e->text || n->e->sysctl)) {
		err = open_file(n, tg, f);
	}
	if (tg)
		tg_put(tg);
	return err;
}

const struct pnode *proc_file_node(struct file *f)
{
	return f && f->inode && f->inode->ops == &proc_iops ? PN(f->inode) : NULL;
}

static const struct inode_ops proc_iops = {
	.lookup = proc_lookup,
	.readlink = proc_readlink,
	.getattr = proc_getattr,
	.setattr = proc_setattr,
	.open = proc_open,
	.statfs = proc_statfs,
};

static const struct inode_ops proc_magic_iops = {
	.readlink = proc_readlink,
	.getattr = proc_getattr,
	.setattr = proc_setattr,
	.statfs = proc_statfs,
	.get_link = proc_get_link,
};

static ssize_t pf_read(struct task *t, struct file *f, void *buf, size_t len, off_t *pos)
{
	struct sbuf *b = f->priv;
	size_t n;

	(void)t;
	if (*pos < 0)
		return -EINVAL;
	if ((size_t)*pos >= b->len)
		return 0;
	n = b->len - (size_t)*pos;
	if (n > len)
		n = len;
	memcpy(buf, b->p + *pos, n);
	*pos += (off_t)n;
	return (ssize_t)n;
}

/*
 * A write is taken whole: a sysctl's as its new value (Linux's
 * proc_dointvec), a per-process file's (comm) by its process.  A sysctl
 * written past its start (after a read, say) is ignored but counted, as
 * Linux does with kernel.sysctl_writes_strict at its default, 1.
 */
static ssize_t pf_write(struct task *t, struct file *f, const void *buf, size_t len,
			off_t *pos)
{
	struct pnode *n = PN(f->inode);
	struct thread_group *tg;
	ssize_t r;

	if (n->e->store) {
		int err = *pos ? 0 : n->e->store(t, buf, len);

		if (err)
			return err;
		*pos += (off_t)len;
		return (ssize_t)len;
	}
	if (!n->e->pstore)
		return -EINVAL;
	tg = proc_get_tg(n->pid);
	if (!tg)
		return -ESRCH;
	r = n->e->pstore(n, tg, buf, len);
	tg_put(tg);
	return r < 0 ? r : (ssize_t)len;
}

static off_t pf_llseek(struct file *f, off_t off, int whence)
{
	return generic_llseek(f, off, whence, (off_t)((struct sbuf *)f->priv)->len);
}

static int proc_fstat(struct file *f, struct stat *st)
{
	return vfs_getattr(f->inode, st);
}

static void pf_release(struct file *f)
{
	sb_free(f->priv);
	free(f->priv);
}

static const struct file_ops proc_file_fops = {
	.read = pf_read,
	.write = pf_write,
	.fstat = proc_fstat,
	.llseek = pf_llseek,
	.release = pf_release,
};

/* ---------- directory listings ---------- */

struct pdirent {
	uint64_t ino;
	unsigned char type;
	char name[32];
};

struct dsnap {
	size_t n, cap;
	struct pdirent *e;
};

static void snap_add(struct dsnap *s, uint64_t ino, mode_t mode, const char *name)
{
	if (s->n == s->cap) {
		size_t cap = s->cap ? 2 * s->cap : 32;
		struct pdirent *e = realloc(s->e, cap * sizeof(*e));

		if (!e)
			return;         /* a shorter listing, not a failure */
		s->e = e;
		s->cap = cap;
	}
	s->e[s->n].ino = ino;
	s->e[s->n].type = dt_type(mode);
	snprintf(s->e[s->n].name, sizeof(s->e[s->n].name), "%s", name);
	s->n++;
}

void proc_list_num(struct dsnap *s, const struct pnode *dir, int id, mode_t mode)
{
	char name[16];

	snprintf(name, sizeof(name), "%d", id);
	snap_add(s, child_ino(dir->vfs.ino, name), mode, name);
}

static struct dsnap *take_snapshot(struct file *f, struct thread_group *tg)
{
	struct pnode *dir = PN(f->inode);
	struct dsnap *s = calloc(1, sizeof(*s));
	struct dentry *d = f->dentry;

	if (!s)
		return NULL;
	snap_add(s, dir->vfs.ino, S_IFDIR, ".");
	snap_add(s, d && d->parent ? d->parent->inode->ino : dir->vfs.ino, S_IFDIR, "..");
	for (const struct pent *e = dir->e->sub; e && e->name; e++)
		snap_add(s, child_ino(dir->vfs.ino, e->name), e->mode, e->name);
	if (dir->e->dyn)
		dir->e->dyn->list(s, dir, tg);
	return s;
}

static void snap_free(struct dsnap *s)
{
	if (s)
		free(s->e);
	free(s);
}

/* Offsets are indexes into a listing taken when reading starts (pos 0). */
static long pd_getdents(struct file *f, void *buf, size_t len, off_t *pos)
{
	struct pdir *d = f->priv;
	struct dsnap *s = d->snap;
	size_t used = 0;

	if (!s || *pos == 0) {
		snap_free(s);
		s = d->snap = take_snapshot(f, d->tg);
		if (!s)
			return -ENOMEM;
	}
	while (*pos >= 0 && (size_t)*pos < s->n) {
		struct pdirent *e = &s->e[*pos];

		if (dirent_emit(buf, len, &used, e->ino, *pos + 1, e->type, e->name))
			break;
		(*pos)++;
	}
	if (!used && *pos >= 0 && (size_t)*pos < s->n)
		return -EINVAL;         /* buffer too small for one record */
	return (long)used;
}

static off_t pd_llseek(struct file *f, off_t off, int whence)
{
	if (whence != SEEK_SET && whence != SEEK_CUR)
		return -EINVAL;
	return generic_llseek(f, off, whence, 0);
}

static void pd_release(struct file *f)
{
	struct pdir *d = f->priv;

	snap_free(d->snap);
	if (d->tg)
		tg_put(d->tg);
	free(d);
}

static const struct file_ops proc_dir_fops = {
	.fstat = proc_fstat,
	.llseek = pd_llseek,
	.getdents = pd_getdents,
	.release = pd_release,
};

/* ---------- the root ---------- */

struct inode *procfs_root(void)
{
	struct pnode *root;

	clock_gettime(CLOCK_REALTIME, &proc_time);
	proc_root_init();
	root = pnode_new(vfs_new_dev(), PROC_ROOT_INO, &proc_root_ent, 0, 0, -1);
	return root ? &root->vfs : NULL;
}

static struct inode *proc_mount(const struct fs_mount *m)
{
	(void)m;
	return procfs_root();
}

static struct fs_type proc_type = { .name = "proc", .mount = proc_mount };
FS_REGISTER(proc_type)
