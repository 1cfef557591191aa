/* SPDX-License-Identifier: MIT */
/*
 * POSIX message queues inside ipc/: the queue table that mqueue.c (the
 * system calls, the queue's file) and mqueue_fs.c (the mqueue file system)
 * share.  Everything in it is under mq_lock.
 */
#ifndef CVISOR_IPC_MQUEUE_H
#define CVISOR_IPC_MQUEUE_H

#include <limits.h>
#include <pthread.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>
#include <time.h>

#include "kernel/waitq.h"

struct file;
struct file_ops;

/* Linux's hard limits (include/linux/ipc_namespace.h); queues_max,
 * msg_max, msgsize_max and the defaults are the fs.mqueue.* sysctls
 * (fs/proc/sysctl.c, proc_sysctl_long) */
#define MQ_HARD_MSGMAX 65536
#define MQ_HARD_MSGSIZEMAX (16 * 1024 * 1024)
#ifndef MQ_PRIO_MAX
#define MQ_PRIO_MAX 32768
#endif

struct mq_msg {
	struct mq_msg *next;
	unsigned prio;
	size_t len;
	char text[];
};

struct mqueue {
	struct mqueue *next;            /* in the name table, while named */
	char name[NAME_MAX + 1];
	bool named;
	int refs;                       /* the name's, each open file's and inode's */
	uint64_t ino;                   /* in the mqueue file system */
	struct timespec made;           /* its files' times */
	uint32_t uid, gid;
	mode_t mode;
	long maxmsg, maxsize, curmsgs;     /* mq_attr: mq_maxmsg, mq_msgsize, mq_curmsgs */
	struct mq_msg *queue;           /* by priority, then arrival */
	struct waitq wq;
	/* mq_notify: the process told once a message reaches an empty queue */
	pid_t notify_pid;
	int notify_kind, notify_sig;    /* SIGEV_SIGNAL or SIGEV_NONE */
	union sigval notify_value;
	struct file *notify_file;       /* the descriptor it was asked through */
};

extern pthread_mutex_t mq_lock;
extern struct mqueue *mq_names;
/* The queue's file (an mq_open descriptor, an open of /dev/mqueue/NAME). */
extern const struct file_ops mq_ops;

void mq_put(struct mqueue *q);
void mq_drop_name(struct mqueue *q);
struct mqueue *mq_lookup(const char *name);
int mq_new(const char *name, mode_t mode, uint32_t uid, uint32_t gid, long maxmsg,
	   long msgsize, bool resource, struct mqueue **out);

#endif
