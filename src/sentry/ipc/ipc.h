/* SPDX-License-Identifier: MIT */
/*
 * System V IPC (Linux's ipc/): shared memory, semaphores and message
 * queues in the sentry.  The sentry is one per sandbox, so its one IPC
 * namespace is the sandbox's: processes of a sandbox share it, two
 * sandboxes never see each other's objects, and the host's are never
 * reached (the sentry makes no host IPC call).  docs/ipc.md.
 *
 *   namespace.c  ids and keys, ipc_perm checks, limits (Linux's ipc/util.c)
 *   shm.c        segments: a sentry-owned memfd each, mapped by the stubs
 *   sem.c        semaphore sets, SEM_UNDO
 *   msg.c        message queues
 *   mqueue.c     POSIX message queues, as files (mqueue.h: their table)
 *   mqueue_fs.c  the mqueue file system, /dev/mqueue
 *
 * Layer: with fs/ (above kernel/ and mm/, below syscalls/).
 */
#ifndef CVISOR_IPC_H
#define CVISOR_IPC_H

#include <linux/capability.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/ipc.h>
#include <sys/types.h>

#include "kernel/kernel.h"
#include "lib/sbuf.h"

/* Access classes of ipc_perms() (Linux's include/linux/stat.h) */
#define S_IRUGO 0444
#define S_IWUGO 0222
#define S_IXUGO 0111

/* Linux's IPCMNI: an id is seq * IPCMNI + index. */
#define IPC_MNI 32768
#define IPC_MNI_SHIFT 15

/* Linux's struct kern_ipc_perm: the first member of every object. */
struct ipc_obj {
	int id;
	key_t key;
	uint32_t uid, gid, cuid, cgid;
	uint32_t mode;                  /* 0777, and shm's SHM_DEST | SHM_LOCKED */
	uint16_t seq;
	bool deleted;                   /* out of the table: waiters see EIDRM */
	int refs;                       /* the table's and each sleeper's */
};

/* The objects of one kind, under one lock. */
struct ipc_ids {
	pthread_mutex_t lock;
	int in_use;
	uint16_t seq;
	int size;                       /* of entries */
	struct ipc_obj **entries;       /* by index; NULL: free */
};

/* The sysctls of /proc/sys/kernel (ipc/ipc_sysctl.c), Linux's defaults. */
struct ipc_limits {
	unsigned long shmmax, shmall;   /* bytes per segment; pages in all */
	int shmmni;
	int semmsl, semmns, semopm, semmni;
	int msgmax, msgmnb, msgmni;
};
extern struct ipc_limits ipc_limits;

/* namespace.c */
struct ipc_obj *ipc_find_key(struct ipc_ids *ids, key_t key);
struct ipc_obj *ipc_find_id(struct ipc_ids *ids, int id);
struct ipc_obj *ipc_find_index(struct ipc_ids *ids, int index);
int ipc_add(struct ipc_ids *ids, struct ipc_obj *o, int limit);
void ipc_remove(struct ipc_ids *ids, struct ipc_obj *o);
int ipc_max_index(const struct ipc_ids *ids);
void ipc_init_obj(struct ipc_obj *o, const struct creds *c, key_t key, int mode);
int ipc_perms(const struct creds *c, const struct ipc_obj *o, int mode);
int ipc_owner_or(const struct creds *c, const struct ipc_obj *o, int cap);
void ipc_fill_perm(struct ipc_perm *out, const struct ipc_obj *o);
long ipc_reply(struct task *t, uint64_t buf, const void *src, size_t len, long ret);
long ipc_info_reply(struct task *t, const struct ipc_ids *ids, uint64_t buf, const void *src,
		    size_t len);
int ipc_stat_obj(struct task *t, struct ipc_ids *ids, int id, bool by_index, bool any,
		 struct ipc_obj **out);
int ipc_set_perm(struct ipc_obj *o, const struct ipc_perm *in);
/*
 * shmget, semget, msgget (Linux's ipcget): the object for key, made by
 * create() if flg says so.  check() runs on an existing object (the size
 * or count asked for).  The lock is held for both.  An id, or -errno.
 */
struct ipc_get_ops {
	int (*create)(struct task *t, key_t key, int flg, void *arg);
	int (*check)(struct ipc_obj *o, void *arg);
};
int ipc_get(struct task *t, struct ipc_ids *ids, key_t key, int flg,
	    const struct ipc_get_ops *ops, void *arg);

static inline const struct creds *ipc_cred(struct task *t)
{
	return &t->tg->cred;
}

/* shm.c */
long shm_get(struct task *t, key_t key, size_t size, int flg);
long shm_at(struct task *t, int id, uint64_t addr, int flg);
long shm_dt(struct task *t, uint64_t addr);
long shm_ctl(struct task *t, int id, int cmd, uint64_t buf);
int shm_proc_show(struct sbuf *b);
void shm_exit(struct thread_group *tg);

/* sem.c */
long sem_get(struct task *t, key_t key, int nsems, int flg);
long sem_timedop(struct task *t, int id, uint64_t sops, unsigned nsops,
		 const struct timespec *timeout);
long sem_ctl(struct task *t, int id, int num, int cmd, uint64_t arg);
int sem_proc_show(struct sbuf *b);
void sem_exit(struct thread_group *tg);
bool sem_has_undo(pid_t pid);

/* msg.c */
long msg_get(struct task *t, key_t key, int flg);
long msg_snd(struct task *t, int id, uint64_t msgp, size_t sz, int flg);
long msg_rcv(struct task *t, int id, uint64_t msgp, size_t sz, long type, int flg);
long msg_ctl(struct task *t, int id, int cmd, uint64_t buf);
int msg_proc_show(struct sbuf *b);

/* mqueue.c: POSIX message queues */
struct mq_attr;
struct sigevent;
long mq_open_name(struct task *t, uint64_t uname, int oflag, mode_t mode,
		  const struct mq_attr *attr);
long mq_unlink_name(struct task *t, uint64_t uname);
/* deadline: CLOCK_MONOTONIC, NULL none */
long mq_do_send(struct task *t, int fd, uint64_t uptr, size_t len, unsigned prio,
	     const struct timespec *deadline);
long mq_do_receive(struct task *t, int fd, uint64_t uptr, size_t len, uint64_t uprio,
		const struct timespec *deadline);
long mq_notify_set(struct task *t, int fd, const struct sigevent *ev);
long mq_getsetattr_fd(struct task *t, int fd, const struct mq_attr *set, struct mq_attr *old);

/* A thread group is gone: its semaphore undos, its segments' times. */
void ipc_exit(struct thread_group *tg);

/* /proc/sys/kernel's IPC files */
int ipc_proc_shmmax(struct sbuf *b);
int ipc_proc_shmall(struct sbuf *b);
int ipc_proc_shmmni(struct sbuf *b);
int ipc_proc_sem(struct sbuf *b);
int ipc_proc_msgmax(struct sbuf *b);
int ipc_proc_msgmnb(struct sbuf *b);
int ipc_proc_msgmni(struct sbuf *b);
int ipc_store_shmmax(struct task *t, const char *buf, size_t len);
int ipc_store_shmall(struct task *t, const char *buf, size_t len);
int ipc_store_shmmni(struct task *t, const char *buf, size_t len);
int ipc_store_sem(struct task *t, const char *buf, size_t len);
int ipc_store_msgmax(struct task *t, const char *buf, size_t len);
int ipc_store_msgmnb(struct task *t, const char *buf, size_t len);
int ipc_store_msgmni(struct task *t, const char *buf, size_t len);

#endif
