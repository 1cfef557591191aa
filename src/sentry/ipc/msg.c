/* SPDX-License-Identifier: MIT */
/*
 * System V message queues (Linux's ipc/msg.c).
 *
 * A queue is a list of messages in order of sending, bounded by
 * msg_qbytes (bytes, and as Linux also messages).  A sender that does not
 * fit and a receiver that finds nothing to take sleep on the queue's wait
 * queue; every send, receive, IPC_SET and removal wakes it and the
 * sleepers look again (no hand-off to a waiting receiver, unlike Linux's
 * pipelined send: the order seen is the same).  A signal ends the wait
 * with ERESTARTNOHAND, as Linux; removal with EIDRM.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/msg.h>
#include <sys/stat.h>
#include <time.h>

#include "ipc/ipc.h"
#include "mm/mm.h"

#define MSGSSZ 16
#define MSGSEG 0xffff

struct msg {
	struct msg *next;
	long type;
	size_t len;
	char text[];
};

struct msg_queue {
	struct ipc_obj perm;            /* first */
	struct msg *head, **tail;
	time_t stime, rtime, ctime;
	unsigned long cbytes, qnum, qbytes;
	pid_t lspid, lrpid;
	struct waitq wq;
};

static struct ipc_ids msg_ids = { .lock = PTHREAD_MUTEX_INITIALIZER };
static unsigned long msg_total, msg_bytes;      /* in every queue: MSG_INFO */

static struct msg_queue *queue_of(struct ipc_obj *o)
{
	return (struct msg_queue *)o;
}

static void queue_put(struct msg_queue *q)
{
	if (--q->perm.refs)
		return;
	for (struct msg *m = q->head, *n; m; m = n) {
		n = m->next;
		free(m);
	}
	waitq_release(&q->wq);
	free(q);
}

/* ---------- msgget ---------- */

static int queue_create(struct task *t, key_t key, int flg, void *arg)
{
	struct msg_queue *q = calloc(1, sizeof(*q));
	int err;

	(void)arg;
	if (!q)
		return -ENOMEM;
	ipc_init_obj(&q->perm, ipc_cred(t), key, flg);
	q->tail = &q->head;
	q->qbytes = (unsigned long)ipc_limits.msgmnb;
	q->ctime = time(NULL);
	waitq_init(&q->wq);
	if ((err = ipc_add(&msg_ids, &q->perm, ipc_limits.msgmni))) {
		free(q);
		return err;
	}
	return q->perm.id;
}

long msg_get(struct task *t, key_t key, int flg)
{
	static const struct ipc_get_ops ops = { queue_create, NULL };

	return ipc_get(t, &msg_ids, key, flg, &ops, NULL);
}

/*
 * Sleep on q until it changes (msg_ids.lock held, dropped meanwhile),
 * holding a reference so that a removal does not free it under us.
 */
static int queue_wait(struct task *t, struct msg_queue *q)
{
	struct wait_entry e;
	int err;

	wait_entry_task(&e, t, 0);
	waitq_add(&q->wq, &e);
	task_prepare_wait(t);
	q->perm.refs++;
	pthread_mutex_unlock(&msg_ids.lock);
	err = task_block(t, NULL, NULL, 0);
	pthread_mutex_lock(&msg_ids.lock);
	waitq_remove(&q->wq, &e);
	if (q->perm.deleted)
		err = -EIDRM;
	else if (err == -ERESTARTSYS)
		err = -ERESTARTNOHAND;
	queue_put(q);
	return err < 0 ? err : 0;
}

/* ---------- msgsnd ---------- */

static bool fits(const struct msg_queue *q, size_t len)
{
	return q->cbytes + len <= q->qbytes && q->qnum + 1 <= q->qbytes;
}

static long send_locked(struct task *t, int id, struct msg *m, int flg)
{
	struct ipc_obj *o = ipc_find_id(&msg_ids, id);
	struct msg_queue *q;
	int err;

	if (!o)
		return -EINVAL;
	q = queue_of(o);
	if (ipc_perms(ipc_cred(t), o, S_IWUGO))
		return -EACCES;
	while (!fits(q, m->len)) {
		if (flg & IPC_NOWAIT)
			return -EAGAIN;
		if ((err = queue_wait(t, q)))
			return err;
	}
	m->next = NULL;
	*q->tail = m;
	q->tail = &m->next;
	q->cbytes += m->len;
	q->qnum++;
	msg_total++;
	msg_bytes += m->len;
	q->lspid = t->tg->pid;
	q->stime = time(NULL);
	waitq_wake(&q->wq, 0);
	return 0;
}

long msg_snd(struct task *t, int id, uint64_t msgp, size_t sz, int flg)
{
	struct msg *m;
	long type, ret;

	if (sz > (size_t)ipc_limits.msgmax || id < 0)
		return -EINVAL;
	if (copy_from_user(t->tg->mm, &type, msgp, sizeof(type)))
		return -EFAULT;
	if (type < 1)
		return -EINVAL;
	m = malloc(sizeof(*m) + sz);
	if (!m)
		return -ENOMEM;
	m->type = type;
	m->len = sz;
	if (copy_from_user(t->tg->mm, m->text, msgp + sizeof(long), sz)) {
		free(m);
		return -EFAULT;
	}
	pthread_mutex_lock(&msg_ids.lock);
	ret = send_locked(t, id, m, flg);
	pthread_mutex_unlock(&msg_ids.lock);
	if (ret)
		free(m);
	return ret;
}

/* ---------- msgrcv ---------- */

/* Linux's find_msg(): the message msgtyp asks for, and its link. */
static struct msg **find_msg(struct msg_queue *q, long type, int flg)
{
	struct msg **best = NULL;
	long i = 0;

	for (struct msg **p = &q->head; *p; p = &(*p)->next, i++) {
		long mt = (*p)->type;

		if (flg & MSG_COPY) {
			if (i == type)
				return p;
		} else if (type == 0) {
			return p;
		} else if (type > 0) {
			if ((flg & MSG_EXCEPT) ? mt != type : mt == type)
				return p;
		} else if (mt <= -type && (!best || mt < (*best)->type)) {
			best = p;               /* the lowest type; the first of it */
		}
	}
	return best;
}

static long recv_locked(struct task *t, int id, size_t sz, long type, int flg,
			struct msg **out)
{
	struct ipc_obj *o = ipc_find_id(&msg_ids, id);
	struct msg_queue *q;
	struct msg **p, *m;
	int err;

	if (!o)
		return -EINVAL;
	q = queue_of(o);
	if (ipc_perms(ipc_cred(t), o, S_IRUGO))
		return -EACCES;
	while (!(p = find_msg(q, type, flg))) {
		if (flg & IPC_NOWAIT)
			return -ENOMSG;
		if ((err = queue_wait(t, q)))
			return err;
	}
	m = *p;
	if (m->len > sz && !(flg & MSG_NOERROR))
		return -E2BIG;
	if (flg & MSG_COPY) {
		*out = malloc(sizeof(*m) + m->len);
		if (!*out)
			return -ENOMEM;
		memcpy(*out, m, sizeof(*m) + m->len);
		return 0;
	}
	*p = m->next;
	if (q->tail == &m->next)
		q->tail = p;
	q->cbytes -= m->len;
	q->qnum--;
	msg_total--;
	msg_bytes -= m->len;
	q->lrpid = t->tg->pid;
	q->rtime = time(NULL);
	waitq_wake(&q->wq, 0);
	*out = m;
	return 0;
}

long msg_rcv(struct task *t, int id, uint64_t msgp, size_t sz, long type, int flg)
{
	struct msg *m = NULL;
	long ret;

	if (id < 0 || (long)sz < 0)
		return -EINVAL;
	if ((flg & MSG_COPY) && (!(flg & IPC_NOWAIT) || (flg & MSG_EXCEPT)))
		return -EINVAL;
	pthread_mutex_lock(&msg_ids.lock);
	ret = recv_locked(t, id, sz, type, flg, &m);
	pthread_mutex_unlock(&msg_ids.lock);
	if (ret)
		return ret;
	/* the message is taken: a bad buffer loses it, as in Linux */
	ret = (long)(m->len < sz ? m->len : sz);
	if (copy_to_user(t->tg->mm, msgp, &m->type, sizeof(long)) ||
	    copy_to_user(t->tg->mm, msgp + sizeof(long), m->text, (size_t)ret))
		ret = -EFAULT;
	free(m);
	return ret;
}

/* ---------- msgctl ---------- */

static long msg_info(struct task *t, int cmd, uint64_t buf)
{
	struct msginfo mi = {
		.msgmni = ipc_limits.msgmni, .msgmax = ipc_limits.msgmax,
		.msgmnb = ipc_limits.msgmnb, .msgssz = MSGSSZ, .msgseg = MSGSEG,
		.msgmap = ipc_limits.msgmnb, .msgtql = ipc_limits.msgmnb,
		.msgpool = (int)((long)ipc_limits.msgmni * ipc_limits.msgmnb / 1024),
	};

	if (cmd == MSG_INFO) {
		mi.msgpool = msg_ids.in_use;
		mi.msgmap = (int)msg_total;
		mi.msgtql = (int)msg_bytes;
	}
	return ipc_info_reply(t, &msg_ids, buf, &mi, sizeof(mi));
}

static long msg_stat(struct task *t, int id, int cmd, uint64_t buf)
{
	struct ipc_obj *o;
	struct msqid_ds ds;
	struct msg_queue *q;
	int err = ipc_stat_obj(t, &msg_ids, id, cmd != IPC_STAT, cmd == MSG_STAT_ANY, &o);

	if (err)
		return err;
	q = queue_of(o);
	memset(&ds, 0, sizeof(ds));
	ipc_fill_perm(&ds.msg_perm, o);
	ds.msg_stime = q->stime;
	ds.msg_rtime = q->rtime;
	ds.msg_ctime = q->ctime;
	ds.__msg_cbytes = q->cbytes;
	ds.msg_qnum = q->qnum;
	ds.msg_qbytes = q->qbytes;
	ds.msg_lspid = q->lspid;
	ds.msg_lrpid = q->lrpid;
	return ipc_reply(t, buf, &ds, sizeof(ds), cmd == IPC_STAT ? 0 : o->id);
}

static void queue_remove(struct msg_queue *q)
{
	ipc_remove(&msg_ids, &q->perm);
	for (struct msg *m = q->head; m; m = m->next) {
		msg_total--;
		msg_bytes -= m->len;
	}
	waitq_wake(&q->wq, 0);
	queue_put(q);
}

static long msg_set(struct task *t, struct msg_queue *q, int cmd, uint64_t buf)
{
	const struct creds *c = ipc_cred(t);
	struct msqid_ds ds;
	int err;

	if (cmd == IPC_SET && copy_from_user(t->tg->mm, &ds, buf, sizeof(ds)))
		return -EFAULT;
	if ((err = ipc_owner_or(c, &q->perm, CAP_SYS_ADMIN)))
		return err;
	if (cmd == IPC_RMID) {
		queue_remove(q);
		return 0;
	}
	if (ds.msg_qbytes > (unsigned long)ipc_limits.msgmnb && !capable(c, CAP_SYS_RESOURCE))
		return -EPERM;
	if ((err = ipc_set_perm(&q->perm, &ds.msg_perm)))
		return err;
	q->qbytes = ds.msg_qbytes;
	q->ctime = time(NULL);
	waitq_wake(&q->wq, 0);          /* senders may fit now */
	return 0;
}

long msg_ctl(struct task *t, int id, int cmd, uint64_t buf)
{
	struct ipc_obj *o;
	long ret;

	if (id < 0 || cmd < 0)
		return -EINVAL;
	pthread_mutex_lock(&msg_ids.lock);
	switch (cmd) {
	case IPC_INFO:
	case MSG_INFO:
		ret = msg_info(t, cmd, buf);
		break;
	case IPC_STAT:
	case MSG_STAT:
	case MSG_STAT_ANY:
		ret = msg_stat(t, id, cmd, buf);
		break;
	case IPC_SET:
	case IPC_RMID:
		o = ipc_find_id(&msg_ids, id);
		ret = o ? msg_set(t, queue_of(o), cmd, buf) : -EINVAL;
		break;
	default:
		ret = -EINVAL;
	}
	pthread_mutex_unlock(&msg_ids.lock);
	return ret;
}

/* /proc/sysvipc/msg */
int msg_proc_show(struct sbuf *b)
{
	sb_puts(b, "       key      msqid perms      cbytes       qnum lspid lrpid   uid   gid"
		"  cuid  cgid      stime      rtime      ctime\n");
	pthread_mutex_lock(&msg_ids.lock);
	for (int i = 0; i < msg_ids.size; i++) {
		struct msg_queue *q = msg_ids.entries[i] ? queue_of(msg_ids.entries[i]) : NULL;

		if (q)
			sb_printf(b, "%10d %10d  %4o  %10lu %10lu %5d %5d %5u %5u %5u %5u"
				  " %10lld %10lld %10lld\n", q->perm.key, q->perm.id,
				  q->perm.mode, q->cbytes, q->qnum, q->lspid, q->lrpid,
				  q->perm.uid, q->perm.gid, q->perm.cuid, q->perm.cgid,
				  (long long)q->stime, (long long)q->rtime, (long long)q->ctime);
	}
	pthread_mutex_unlock(&msg_ids.lock);
	return 0;
}
