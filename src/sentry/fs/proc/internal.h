/* SPDX-License-Identifier: MIT */
/*
 * procfs internals (Linux's fs/proc/internal.h).
 *
 * The tree is tables of entries (struct pent), as Linux's pid_entry
 * tables: a name, a mode and what makes the node's content.  An inode
 * (struct pnode) is an entry plus the process, thread and fd it is about.
 * Inodes are made on lookup and freed with their last reference, so there
 * is no cache to go stale: a process that exits is simply no longer found.
 *
 * A file's content is built whole when it is opened (the dynamic bytes
 * file, Linux's single_open/seq_file, gVisor's DynamicBytesSource), and
 * read and lseek serve that one snapshot.  A per-process file's thread
 * group is looked up once, at open, held while its content is built, and
 * handed to the entry's show(); a directory's is held by the open file
 * until it is closed.
 *
 *   generic.c   the framework: inodes, lookup, attributes, links, open
 *               files, directory listings, the root
 *   base.c      /proc/PID and /proc/PID/task/TID: the tables, ids,
 *               stat, status, statm, limits, ...
 *   task_mmu.c  memory: maps, cmdline, environ, auxv
 *   fd.c        fd/, fdinfo/ and the magic links exe, cwd, root
 *   root.c      system-wide files: the root's table, sys/, self, ...
 *
 * Lock order: never sandbox.lock with a tg->lock held the other way round
 * (task_new takes tg->lock, then sandbox.lock in alloc_pid), so pids are
 * collected under sandbox.lock first and each group is locked afterwards;
 * tg->lock may be held while taking fs->lock, fdt->lock or mm->lock.
 */
#ifndef CVISOR_PROC_INTERNAL_H
#define CVISOR_PROC_INTERNAL_H

#include <stdbool.h>
#include <sys/stat.h>
#include <sys/types.h>

#include "kernel/kernel.h"
#include "lib/sbuf.h"
#include "vfs/vfs.h"

struct pnode;
struct dsnap;

/* A per-process file's content; tg is n's thread group, resolved at open. */
typedef int (*show_fn)(struct sbuf *b, const struct pnode *n, struct thread_group *tg);
/* A write to a per-process file (comm): bytes taken, or -errno. */
typedef ssize_t (*pstore_fn)(const struct pnode *n, struct thread_group *tg, const char *buf,
			     size_t len);
/* A system-wide file's content. */
typedef int (*gen_fn)(struct sbuf *b);
/* A write to a writable system-wide file (a sysctl): the whole value. */
typedef int (*store_fn)(struct task *t, const char *buf, size_t len);
/* A symlink whose target depends on who reads it (self, thread-self). */
typedef long (*rdlink_fn)(char *buf, size_t len);
/* A magic link of n's process tg: its dentry (a reference), or for a file
 * without one (a pipe), a name in name[]. */
typedef int (*link_fn)(const struct pnode *n, struct thread_group *tg, struct dentry **out,
		       char *name, size_t len);

/* A directory whose children come from sentry state (pids, tids, fds);
 * tg is the directory's thread group (NULL for /proc itself). */
struct proc_dyn {
	/* The child called name, or -ENOENT. */
	int (*lookup)(struct pnode *dir, struct thread_group *tg, const char *name,
		      struct inode **out);
	/* Add every child to a listing. */
	void (*list)(struct dsnap *s, const struct pnode *dir, struct thread_group *tg);
};

struct pent {
	const char *name;
	mode_t mode;
	bool priv;                      /* the owner's only (ptrace access) */
	show_fn show;                   /* per-process files: make the content */
	pstore_fn pstore;               /* per-process files: take a write */
	gen_fn gen;                     /* system-wide files: make the content */
	store_fn store;                 /* writable ones (mode 0644): take a value */
	const char *text;               /* files: fixed content */
	const struct pent *sub;         /* dirs: fixed children, ending in {0} */
	const struct proc_dyn *dyn;     /* dirs: children from sentry state */
	const char *target;             /* symlinks: a fixed target */
	rdlink_fn readlink;             /* symlinks: a computed target */
	link_fn link;                   /* magic links */
	const char *sysctl;             /* a linux.sysctl key (sysctl.c) */
};

struct pnode {
	struct inode vfs;
	const struct pent *e;
	pid_t pid;                      /* thread group; 0 above /proc/<pid> */
	pid_t tid;                      /* thread; 0 for the group as a whole */
	int fd;                         /* fd/<n>, fdinfo/<n> */
};

#define PN(i) ((struct pnode *)(i))

#define P_REG(nm, fn)   { .name = nm, .mode = S_IFREG | 0444, .show = fn }
#define P_PRW(nm, fn, st) { .name = nm, .mode = S_IFREG | 0644, .show = fn, .pstore = st }
#define P_PRIV(nm, fn)  { .name = nm, .mode = S_IFREG | 0400, .show = fn, .priv = true }
#define P_GEN(nm, fn)   { .name = nm, .mode = S_IFREG | 0444, .gen = fn }
#define P_TXT(nm, s)    { .name = nm, .mode = S_IFREG | 0444, .text = s }
#define P_RW(nm, fn, st) { .name = nm, .mode = S_IFREG | 0644, .gen = fn, .store = st }
#define P_DIR(nm, ents) { .name = nm, .mode = S_IFDIR | 0555, .sub = ents }
#define P_LNK(nm, t)    { .name = nm, .mode = S_IFLNK | 0777, .target = t }
#define P_RDLNK(nm, fn) { .name = nm, .mode = S_IFLNK | 0777, .readlink = fn }
#define P_SYSCTL(nm, k)  { .name = nm, .mode = S_IFREG | 0444, .sysctl = k }
#define P_MAGIC(nm, fn) { .name = nm, .mode = S_IFLNK | 0777, .link = fn, .priv = true }

/* As uname(2) reports them (syscalls/sys_proc.c): keep in step. */
#define PROC_RELEASE "6.1.0-cvisor"
#define PROC_VERSION "#1 SMP PREEMPT_DYNAMIC cvisor 0.1"

/* generic.c: the framework */
int proc_new_child(struct pnode *dir, const struct pent *e, const char *name, pid_t pid,
		   pid_t tid, int fd, struct inode **out);
int proc_parse_num(const char *s);
void proc_list_num(struct dsnap *s, const struct pnode *dir, int id, mode_t mode);
int proc_cmp_pid(const void *a, const void *b);
long proc_link_text(char *buf, size_t len, const char *s);

/* base.c: processes */
extern const struct proc_dyn proc_pids;
long proc_all_pids(pid_t **out);
struct thread_group *proc_get_tg(pid_t pid);
struct task *proc_node_task(struct thread_group *tg, pid_t tid);
/* The procfs node f is open on, or NULL if f is not a procfs file. */
const struct pnode *proc_file_node(struct file *f);
bool proc_tg_has(struct thread_group *tg, pid_t tid);
bool proc_may_access(struct task *reader, struct thread_group *tg);

/* task_mmu.c: a process's memory */
int proc_show_maps(struct sbuf *b, const struct pnode *n, struct thread_group *tg);
int proc_show_cmdline(struct sbuf *b, const struct pnode *n, struct thread_group *tg);
int proc_show_environ(struct sbuf *b, const struct pnode *n, struct thread_group *tg);
int proc_show_auxv(struct sbuf *b, const struct pnode *n, struct thread_group *tg);

/* fd.c: a process's files */
extern const struct proc_dyn proc_fds, proc_fdinfos;
int proc_link_exe(const struct pnode *n, struct thread_group *tg, struct dentry **out,
		  char *name, size_t len);
int proc_link_cwd(const struct pnode *n, struct thread_group *tg, struct dentry **out,
		  char *name, size_t len);
int proc_link_root(const struct pnode *n, struct thread_group *tg, struct dentry **out,
		   char *name, size_t len);
struct dentry *proc_task_fs_dentry(struct task *t, bool want_root);

/* root.c: system-wide files */
extern const struct pent proc_root_ent;
void proc_root_init(void);
int proc_mounts(struct sbuf *b);
int proc_mountinfo(struct sbuf *b);
int proc_ncpus(void);
/* The host's /proc/name, appended to b (root.c). */
int sb_host_file(struct sbuf *b, const char *name);
void proc_cpu_list(struct sbuf *b);
void proc_cpu_mask(struct sbuf *b);

/* config.c: /proc/config.gz */
int proc_show_config_gz(struct sbuf *b);

/* sysctl.c: the files linux.sysctl may set */
extern const struct pent proc_sysctl_net_ents[], proc_sysctl_mqueue_ents[];
int proc_sysctl_show(struct sbuf *b, const char *key);

#endif
