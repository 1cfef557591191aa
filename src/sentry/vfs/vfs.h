/* SPDX-License-Identifier: MIT */
/*
 * The VFS (DESIGN.md §4): inodes, dentries, mounts, open files and fd
 * tables, as in Linux.  Every path the application names is walked here,
 * one component at a time; file systems only ever see single names.
 *
 *  - An inode is a file system object; file systems embed it and fill ops.
 *  - A dentry is a name in a walk: parent, name, inode and the mount it is
 *    in.  The root dentry of a mount stands in for the mountpoint's, with
 *    the mountpoint's parent and name, so ".." and getcwd need no special
 *    case at mount boundaries.
 *  - A mount is a file system root attached at (parent mount, inode key).
 */
#ifndef CVISOR_VFS_H
#define CVISOR_VFS_H

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/uio.h>
#include <time.h>

struct task;
struct file;
struct inode;
struct dentry;
struct mount;
struct statfs;

/* setattr: which fields of struct iattr to apply */
#define ATTR_MODE  1
#define ATTR_UID   2
#define ATTR_GID   4
#define ATTR_SIZE  8
#define ATTR_ATIME 16
#define ATTR_MTIME 32
#define ATTR_CTIME 64
#define ATTR_TIMES_SET 128              /* times given: the owner or CAP_FOWNER */
#define ATTR_TOUCH 256                  /* times now: the owner, CAP_FOWNER or W_OK */

struct iattr {
	unsigned valid;
	mode_t mode;
	uid_t uid;
	gid_t gid;
	off_t size;
	struct timespec atime, mtime;
};

struct inode_ops {
	/* Find name in dir: 0 and a new reference in *out, or -ENOENT. */
	int (*lookup)(struct inode *dir, const char *name, struct inode **out);
	/* The same, giving the attributes it read of the file (optional) */
	int (*lookup_attr)(struct inode *dir, const char *name, struct inode **out,
			   struct stat *attr);
	int (*create)(struct inode *dir, const char *name, mode_t mode, uid_t uid,
		      gid_t gid, struct inode **out);
	int (*mkdir)(struct inode *dir, const char *name, mode_t mode, uid_t uid, gid_t gid);
	int (*mknod)(struct inode *dir, const char *name, mode_t mode, dev_t dev,
		     uid_t uid, gid_t gid);
	int (*symlink)(struct inode *dir, const char *name, const char *target,
		       uid_t uid, gid_t gid);
	int (*link)(struct inode *dir, const char *name, struct inode *target);
	int (*unlink)(struct inode *dir, const char *name);
	int (*rmdir)(struct inode *dir, const char *name);
	int (*rename)(struct inode *odir, const char *oname, struct inode *ndir,
		      const char *nname, unsigned flags);
	/* Symlink target into buf (not NUL-terminated); returns its length. */
	long (*readlink)(struct inode *ino, char *buf, size_t len);
	int (*getattr)(struct inode *ino, struct stat *st);
	int (*setattr)(struct inode *ino, const struct iattr *ia);
	/* Open: fill f->ops and f->priv (f->inode, f->dentry are set). */
	int (*open)(struct inode *ino, struct file *f);
	int (*statfs)(struct inode *ino, struct statfs *sf);
	/* A dynamic link (procfs: /proc/self/exe, fd/N) resolves to a dentry. */
	int (*get_link)(struct task *t, struct inode *ino, struct dentry **out);
	/* Extended attributes, checked by vfs/xattr.c: a value's size (size 0:
	 * only that), set (val NULL: remove; flags XATTR_CREATE, XATTR_REPLACE),
	 * every name NUL-terminated into buf (the length). */
	long (*getxattr)(struct inode *ino, const char *name, void *buf, size_t size);
	int (*setxattr)(struct inode *ino, const char *name, const void *val, size_t size,
			int flags);
	long (*listxattr)(struct inode *ino, char *buf, size_t size);
};

struct inode {
	int refs;
	const struct inode_ops *ops;
	mode_t mode;                    /* type bits, always valid */
	uint64_t dev, ino;              /* identity, as stat reports it */
	void (*release)(struct inode *ino);
};

struct dentry {
	int refs;
	struct dentry *parent;          /* NULL only for the sandbox root */
	struct mount *mnt;
	struct inode *inode;
	char name[];
};

struct mount {
	struct mount *parent;           /* NULL for the root mount */
	uint64_t mp_dev, mp_ino;        /* mountpoint's inode in the parent */
	struct inode *root;
	const char *fstype, *source;
	const char *path;               /* where it is attached, for /proc/mounts */
	bool readonly;
	bool nosuid;                    /* exec ignores set-id bits and file caps */
	int id;
	struct mount *next;
};

struct poll_table;

struct file_ops {
	/* A device's, at open: may fail, or make f another file (/dev/tty). */
	int (*open)(struct file *f);
	/* buf is a sentry buffer: the caller copies to and from the application */
	ssize_t (*read)(struct task *t, struct file *f, void *buf, size_t len, off_t *pos);
	ssize_t (*write)(struct task *t, struct file *f, const void *buf, size_t len,
			 off_t *pos);
	int (*fstat)(struct file *f, struct stat *st);
	long (*ioctl)(struct task *t, struct file *f, unsigned cmd, uint64_t arg);
	off_t (*llseek)(struct file *f, off_t off, int whence);
	/* Fill buf with linux_dirent64 records from *pos; returns bytes. */
	long (*getdents)(struct file *f, void *buf, size_t len, off_t *pos);
	/* The host fd and offset that mmap of this file maps, or -ENODEV. */
	int (*mmap_fd)(struct file *f, bool shared_write);
	/* A host fd whose bytes at every offset are this file's, for the host
	 * to read from directly (sendfile's host path), or -1 */
	int (*host_read_fd)(struct file *f);
	/* datasync: fdatasync(2), only what reading the data back needs */
	int (*fsync)(struct file *f, bool datasync);
	/* Readiness now (POLLIN...); files without it are always ready.
	 * With pt, also queue the caller (poll_wait()) on every wait queue
	 * whose wake may change the answer, as Linux's ->poll. */
	short (*poll)(struct file *f, short events, struct poll_table *pt);
	/* A host fd whose readiness is this file's, to sleep on in ppoll. */
	int (*wait_fd)(struct file *f);
	/* readv/writev as one operation (a socket's datagram is one message);
	 * iov: the application's, checked.  Without it, one read per iovec. */
	long (*rw_iov)(struct task *t, struct file *f, const struct iovec *iov, size_t cnt,
		       bool write);
	void (*release)(struct file *f);
	/* An anonymous inode's name, as Linux's anon_inode_getfile() gives
	 * it ("[eventfd]"): /proc/PID/fd shows "anon_inode:" and it. */
	const char *anon_name;
};

/*
 * Something that refers to a file without holding a reference (an epoll
 * item, as Linux's f_ep_links): told when the file's last reference goes,
 * before the file's own release, and must then unhook itself with
 * file_watch_del().  Called with file_watch_lock() held, which whoever frees
 * watches of its own (an epoll closing) takes too, so that a watch is never
 * freed twice; file_watch_add/del take only an inner lock.
 */
struct file_watch {
	struct file_watch *next;
	void (*gone)(struct file_watch *w);
};

struct file {
	const struct file_ops *ops;
	/* unique for the sentry's life: a freed file's address comes back,
	 * its id does not (epoll tells a reused fd's new file by it) */
	uint64_t id;
	int refs;
	int flags;                      /* O_ACCMODE | O_APPEND | O_NONBLOCK ... */
	off_t pos;
	pthread_mutex_t pos_lock;
	bool remove_privs;              /* a set-ID file: the first write drops the bits */
	struct dentry *dentry;          /* NULL for anonymous files */
	struct inode *inode;
	void *priv;
	struct file_watch *watches;     /* see struct file_watch */
	struct fasync *fasync;          /* owner and O_ASYNC subscription (vfs/fasync.c) */
	/* references held by SCM_RIGHTS messages in flight (net/unix/scm.c,
	 * under its gc lock), Linux's unix_sock.inflight */
	unsigned inflight;
};

/* The most fds a table holds: Linux's default fs.nr_open, the ceiling of
 * RLIMIT_NOFILE.  A process's own limit is its RLIMIT_NOFILE. */
#define FD_NR_OPEN 1048576

struct fd_table {
	pthread_mutex_t lock;
	struct file **fd;               /* max_fds slots, grown as fds are used */
	bool *cloexec;
	int max_fds;
	int refs;
};

/* Per-task file system context: root, cwd, umask (CLONE_FS shares it). */
struct fs_struct {
	pthread_mutex_t lock;
	struct dentry *root, *cwd;
	mode_t umask;
	int refs;
};

/* inodes and dentries */
void inode_init(struct inode *ino, const struct inode_ops *ops, mode_t mode,
		uint64_t dev, uint64_t ino_nr, void (*release)(struct inode *));
struct inode *inode_get(struct inode *ino);
void inode_put(struct inode *ino);
struct dentry *dentry_new(struct dentry *parent, struct mount *mnt, const char *name,
			  struct inode *ino);
struct dentry *dentry_get(struct dentry *d);
void dentry_put(struct dentry *d);
int vfs_getattr(struct inode *ino, struct stat *st);
uint64_t vfs_new_dev(void);

/* mounts */
struct mount *vfs_mount(struct dentry *at, struct inode *root, const char *fstype,
			const char *source, bool readonly);
struct dentry *vfs_root_dentry(struct mount *m);
int vfs_mount_path(struct fs_struct *fs, const char *path, struct inode *root,
		   const char *fstype, const char *source, bool readonly);
struct mount *vfs_mounts(void);
/* "/a/b" of a dentry, as seen from root; returns length or -ENAMETOOLONG. */
long vfs_path(struct dentry *root, struct dentry *d, char *buf, size_t len);
/* Is d root or below it (else a path from it is "unreachable")? */
bool vfs_under_root(struct dentry *root, struct dentry *d);

/*
 * fstype.c: the file system types (register_filesystem).  A type makes
 * new instances from a mount's arguments; each uses what it needs of them.
 */
struct fs_mount {
	const char *source;             /* hostfs: the host path (-1 host_fd) */
	int host_fd;                    /* hostfs: an O_PATH directory it takes, or -1 */
	bool readonly;
	mode_t mode;                    /* tmpfs and the like: the root's, 0 the default */
	struct inode *lower;            /* overlay: the read-only lower layer it takes */
};

#define FS_REQUIRES_DEV 1               /* on a block device: not "nodev" */

struct fs_type {
	const char *name;
	unsigned flags;
	/* A new instance: its root inode (a reference), or NULL. */
	struct inode *(*mount)(const struct fs_mount *m);
	struct fs_type *next;
};

int register_filesystem(struct fs_type *fs);
const struct fs_type *get_fs_type(const char *name);
struct inode *vfs_fs_instance(const char *name, const struct fs_mount *m);
size_t vfs_filesystems(char *buf, size_t len);
/* A file system's registration, run before main (Linux's initcalls). */
#define FS_REGISTER(type) \
	static void __attribute__((constructor)) register_##type(void) \
	{ \
		register_filesystem(&type); \
	}

/* path walk */
#define WALK_FOLLOW     1               /* follow a final symlink */
#define WALK_PARENT     2               /* stop at the parent of the last name */
#define WALK_DIRECTORY  4               /* the result must be a directory */
#define WALK_NO_SYMLINKS 8              /* RESOLVE_NO_SYMLINKS */
#define WALK_BENEATH    16              /* RESOLVE_BENEATH */
#define WALK_IN_ROOT    32              /* RESOLVE_IN_ROOT */
#define WALK_NO_XDEV    64              /* RESOLVE_NO_XDEV */
#define WALK_NO_MAGIC   128             /* RESOLVE_NO_MAGICLINKS */
#define WALK_EMPTY      256             /* AT_EMPTY_PATH: "" names dirfd */

struct walk_result {
	struct dentry *d;               /* the result (or the parent) */
	char last[256];                 /* WALK_PARENT: the final name */
	bool trailing_slash;
};

/* Walk path from dirfd (AT_FDCWD or an fd) for task t. */
int vfs_walk(struct task *t, int dirfd, const char *path, unsigned flags,
	     struct walk_result *res);
int vfs_walk_at(struct task *t, struct dentry *base, const char *path, unsigned flags,
		struct walk_result *res);
/*
 * A walk at setup time, before any task exists (the container's mounts):
 * from base, with fs's root as "/" and as the stop of "..", symlinks
 * resolved inside it, every permission granted, magic links refused.
 */
int vfs_setup_walk(struct fs_struct *fs, struct dentry *base, const char *path,
		   unsigned flags, struct walk_result *res);
/* Copy a path from the application and walk it. */
int user_walk(struct task *t, int dirfd, uint64_t upath, unsigned flags,
	      struct walk_result *res);
/* Look one name up in a directory dentry (mounts crossed). */
int vfs_lookup_one(struct dentry *dir, const char *name, struct dentry **out);
int vfs_may(struct task *t, struct inode *ino, int mask);

/* open */
int vfs_open(struct task *t, struct dentry *d, int flags, struct file **out);
struct file *file_alloc(struct dentry *d, struct inode *ino, int flags);

/*
 * ops.c: what handlers call to change the tree and attributes, with every
 * permission rule (docs/vfs.md); dir is a walked parent, name its last
 * component.  t NULL: the sentry itself, no checks, root's files.
 */
#define VFS_RENAME_DIR (1U << 31)       /* a trailing slash: the source is a directory */
/* create: name was looked up and is absent (open's O_CREAT) */
int vfs_create(struct task *t, struct dentry *dir, const char *name, mode_t mode,
	       struct dentry **out);
int vfs_mkdir(struct task *t, struct dentry *dir, const char *name, mode_t mode);
int vfs_mknod(struct task *t, struct dentry *dir, const char *name, mode_t mode, dev_t dev);
int vfs_symlink(struct task *t, struct dentry *dir, const char *name, const char *target);
int vfs_link(struct task *t, struct dentry *old, struct dentry *dir, const char *name);
int vfs_unlink(struct task *t, struct dentry *dir, const char *name);
int vfs_rmdir(struct task *t, struct dentry *dir, const char *name);
int vfs_rename(struct task *t, struct dentry *odir, const char *oname, struct dentry *ndir,
	       const char *nname, unsigned flags);
long vfs_readlink(struct dentry *d, char *buf, size_t len);
int vfs_statfs(struct inode *ino, struct statfs *sf);
/* RLIMIT_FSIZE: a write's *count cut to the limit, or a file growing to size */
int vfs_fsize_write(struct task *t, struct file *f, off_t pos, size_t *count);
int vfs_fsize_grow(struct task *t, struct inode *ino, off_t size);
int vfs_setattr(struct task *t, struct dentry *d, const struct iattr *ia);
int vfs_truncate(struct task *t, struct dentry *d, off_t len, bool by_path);
/* 0 if t owns ino or holds CAP_FOWNER over it, else -EPERM (O_NOATIME) */
int vfs_owner_or_capable(struct task *t, struct inode *ino);
bool vfs_write_kills_privs(struct task *t, struct inode *ino);
int vfs_file_remove_privs(struct task *t, struct file *f);
/* host_fds.c: the sentry's host RLIMIT_NOFILE (soft raised to hard), with a
 * reserve kept for it; the most fds the application may hold (its RLIMIT_NOFILE's ceiling) */
rlim_t host_fds_init(void);
/* fd, a host fd just made for the application, or -ENFILE (fd closed) once
 * the sentry's reserve is reached; for fd < 0, -errno (EMFILE is ENFILE) */
int host_fd_admit(int fd);
/* -ETXTBSY if a process runs the program ino is, else 0 */
int vfs_deny_write(struct inode *ino);
/* -ETXTBSY if a process of the sandbox has ino open for writing, else 0 */
int vfs_deny_exec(const struct inode *ino);
/* extended attributes (vfs/xattr.c); set with val NULL removes */
long vfs_getxattr(struct task *t, struct dentry *d, const char *name, void *buf, size_t size);
int vfs_setxattr(struct task *t, struct dentry *d, const char *name, const void *val,
		 size_t size, int flags);
long vfs_listxattr(struct task *t, struct dentry *d, char *buf, size_t size);

/* files and fd tables */
struct file *file_new(const struct file_ops *ops, int flags, void *priv);
struct file *file_get(struct file *f);
void file_put(struct file *f);
void file_watch_add(struct file *f, struct file_watch *w);
void file_watch_del(struct file *f, struct file_watch *w);
void file_watch_lock(void);
void file_watch_unlock(void);
/* struct files alive in the sentry (--stats prints it: a leak shows) */
long vfs_files_live(void);

struct fd_table *fdt_new(void);
struct fd_table *fdt_dup(struct fd_table *t);
void fdt_put(struct fd_table *t);
struct file *fdt_get(struct fd_table *t, int fd);
/*
 * The file task t's fd names, with a reference, or NULL (EBADF).  fget()
 * is for calls that use the file: it refuses O_PATH files.  fget_raw()
 * is for calls that only name it (fstat, fchdir, *at dirfds, close, dup,
 * fcntl's fd flags, fstatfs), as Linux's fdget and fdget_raw.
 */
struct file *fget(struct task *t, int fd);
struct file *fget_raw(struct task *t, int fd);
/* f at fd, replacing what is there (the caller checked fd against its
 * RLIMIT_NOFILE); the table takes the reference on success. */
int fdt_install(struct fd_table *t, int fd, struct file *f, bool cloexec);
int fdt_close(struct fd_table *t, int fd);
/* The first open fd >= from, or -1: to walk a table. */
int fdt_next_fd(struct fd_table *t, int from);
/* fd's close-on-exec flag (0 or 1), or -EBADF; set it. */
int fdt_get_cloexec(struct fd_table *t, int fd);
int fdt_set_cloexec(struct fd_table *t, int fd, bool on);
/* f into the lowest free fd >= min of task t below its RLIMIT_NOFILE
 * (Linux's alloc_fd): the fd, or -EMFILE; the caller keeps f on failure. */
int fd_alloc_install(struct task *t, int min, struct file *f, bool cloexec);
/* A new file into the lowest free fd (the table takes the reference; on
 * failure it is dropped); f NULL (its allocation failed): -ENOMEM. */
long fd_install_new(struct task *t, struct file *f, bool cloexec);

/* lock.c */
void locks_close_posix(const void *tg, struct file *f);
void locks_release(const void *owner);
long do_lock(struct task *t, struct file *f, int cmd, uint64_t arg);
long do_flock(struct task *t, struct file *f, int op);

/* lease.c: F_SETLEASE/F_GETLEASE, broken by conflicting opens and truncates */
struct sbuf;
long lease_set(struct task *t, struct file *f, int fd, long type);
long lease_get(struct file *f);
int lease_break(struct task *t, struct inode *ino, int flags);
void lease_release(struct file *f);
int lease_proc_break_time(struct sbuf *b);
int lease_store_break_time(struct task *t, const char *buf, size_t len);

struct fs_struct *fs_new(struct dentry *root);
void fs_put(struct fs_struct *fs);

/* generic helpers for file systems */
long dirent_emit(void *buf, size_t len, size_t *used, uint64_t ino, off_t next,
		 unsigned char type, const char *name);
unsigned char dt_type(mode_t mode);
off_t generic_llseek(struct file *f, off_t off, int whence, off_t size);

/* fs/: the file systems */
struct file *hostfd_file(int host_fd, int flags);
/* Make f a file of host_fd (taking it): /dev/tty opening the terminal. */
int hostfd_attach(struct file *f, int host_fd);
/* ioctls on host fds: the list of common/hostnet.def, arguments copied */
#define HOST_FD_TTY 1
#define HOST_FD_SOCK 2
long host_ioctl(struct task *t, int host_fd, unsigned on, unsigned cmd, uint64_t arg);
struct inode *hostfs_root(int dirfd, bool readonly);
struct inode *hostfs_bind(const char *path, bool readonly);
int hostfs_sock_fd(struct inode *ino);    /* O_PATH fd of a host socket file */
struct inode *memfs_root(struct inode *lower, mode_t mode);
struct inode *devfs_root(void);
struct inode *devpts_root(void);
int devfs_mknod(struct inode *dir, const char *name, mode_t mode, dev_t rdev,
		uid_t uid, gid_t gid);
struct inode *devfs_null(void);
struct inode *procfs_root(void);
/* The process whose /proc/<pid> directory f is (held), else NULL. */
struct thread_group *procfs_pid_dir_tg(struct file *f);
struct inode *sysfs_root(void);
int memfs_add_file(struct inode *dir, const char *name, const char *content, mode_t mode);
int memfs_add_dir(struct inode *dir, const char *name, mode_t mode, struct inode **out);
int memfs_add_inode(struct inode *dir, const char *name, struct inode *ino);
/* memfd_create(2): an unnamed tmpfs file; sealing: MFD_ALLOW_SEALING */
int memfs_anon_file(const char *name, bool sealing, struct file **out);
/* fcntl F_GET_SEALS, F_ADD_SEALS on a tmpfs file; EINVAL on any other */
long memfs_seals(struct file *f, int cmd, unsigned int seals);
/* /dev/zero, whose mappings are anonymous memory */
bool devfs_is_zero(struct file *f);
/* F_GETPIPE_SZ, F_SETPIPE_SZ (set < 0: get) */
#define PIPE_MAX_SIZE 1048576           /* /proc/sys/fs/pipe-max-size */
bool is_pipe(struct file *f);
/* /proc/sys/fs/inotify/max_queued_events and max_user_watches (per sandbox) */
#define INOTIFY_MAX_QUEUED 16384
#define INOTIFY_MAX_WATCHES 8192
/* File change notification (vfs/notify.c): the hooks, called after the
 * change was made, and inotify's instance (the syscalls in sys_inotify.c). */
void fsnotify_create(struct dentry *dir, const char *name, bool is_dir);
void fsnotify_delete(struct dentry *dir, const char *name, struct inode *victim);
void fsnotify_move(struct dentry *odir, const char *oname, struct dentry *ndir,
		   const char *nname, struct inode *moved);
void fsnotify_change(struct dentry *d, unsigned valid);
void fsnotify_open(struct file *f);
void fsnotify_close(struct file *f);
void fsnotify_modify(struct file *f);
void fsnotify_access(struct file *f);
struct file *inotify_file_new(int flags);
bool is_inotify(struct file *f);
long inotify_add(struct file *f, struct dentry *d, uint32_t mask);
long inotify_rm(struct file *f, int wd);

/* Signal-driven I/O (vfs/fasync.c): O_ASYNC, F_SETOWN, F_SETSIG; the
 * signals a wake-up owes go out from fasync_flush(), lock-free. */
int fasync_set(struct file *f, int fd, bool on);
int fasync_setown(struct task *t, struct file *f, pid_t pid);
pid_t fasync_getown(struct file *f);
int fasync_setsig(struct file *f, int sig);
int fasync_getsig(struct file *f);
void fasync_release(struct file *f);
void fasync_notify(struct file *f, int fd, uint32_t band);
bool fasync_pending(void);
void fasync_flush(void);

/* open of a FIFO inode, from a file system's ->open (fs/pipe.c) */
int fifo_open(struct inode *ino, struct file *f);
long pipe_size(struct file *f, long set);     /* set: fcntl's unsigned int */
/* pipe(2): the read and write ends (flags: O_NONBLOCK, O_DIRECT) */
int pipe_files_new(int flags, struct file **r, struct file **w);
/* splice, tee, vmsplice (syscalls/sys_splice.c): how = PIPE_NOWAIT, PIPE_PEEK */
#define PIPE_NOWAIT 1
#define PIPE_PEEK 2
ssize_t pipe_read_ext(struct task *t, struct file *f, void *buf, size_t len, int how);
ssize_t pipe_write_ext(struct task *t, struct file *f, const void *buf, size_t len, int how);
bool pipe_same(struct file *a, struct file *b);
/* eventfd, timerfd, signalfd (fs/eventfd.c); NULL: out of memory */
struct file *eventfd_file_new(uint64_t count, bool semaphore, int flags);
bool file_is_eventfd(const struct file *f);
void eventfd_signal(struct file *f, uint64_t n);
struct file *timerfd_file_new(clockid_t clock, int flags);
bool is_timerfd(struct file *f);
/* flags: TFD_TIMER_ABSTIME; v checked by the caller */
void timerfd_set(struct file *f, int flags, const struct itimerspec *v, struct itimerspec *old);
void timerfd_get(struct file *f, struct itimerspec *cur);
struct file *signalfd_file_new(uint64_t mask, int flags);
bool is_signalfd(struct file *f);
void signalfd_set_mask(struct file *f, uint64_t mask);
/* pidfd (fs/pidfd.c): a file that holds tg; pidfd_tg: the group (held,
 * tg_put it) if f is a pidfd, else NULL */
struct thread_group;
struct file *pidfd_file_new(struct thread_group *tg, int flags);
struct thread_group *pidfd_tg(struct file *f);
/* epoll (fs/epoll.c) */
struct epoll_event;
struct file *epoll_file_new(void);
bool is_epoll(struct file *f);
const struct file *epoll_target(struct file *epf, int tfd, unsigned long toff);
long epoll_ctl_file(struct file *epf, int op, int fd, struct file *f,
		    const struct epoll_event *ev);
long epoll_wait_file(struct task *t, struct file *f, struct epoll_event *evs, int max, int ms);

#endif
