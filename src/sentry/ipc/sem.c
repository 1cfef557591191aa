/* SPDX-License-Identifier: MIT */
/*
 * System V semaphores (Linux's ipc/sem.c).
 *
 * semop applies its operations all or none.  One that would block queues
 * a waiter on its set, in order of arrival, and sleeps on the set's wait
 * queue; whoever changes a value afterwards (semop, SETVAL, SETALL, an
 * exit's undo) retries the queued operations in that order and completes
 * those that now can on their owners' behalf, as Linux's update_queue(),
 * then wakes the queue.  Removal completes every waiter with EIDRM.  A
 * signal ends the wait with EINTR: semop is never restarted.
 *
 * SEM_UNDO adjustments are kept per process (a thread group: its threads
 * share them, as glibc's CLONE_SYSVSEM has it; fork starts with none,
 * exec keeps them) and applied when the process exits.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/sem.h>
#include <sys/stat.h>
#include <time.h>

#include "ipc/ipc.h"
#include "mm/mm.h"

#define SEMVMX 32767
#define SEMAEM SEMVMX

struct sem_waiter {
	struct sem_waiter *next;
	struct sembuf *sops;
	unsigned nsops;
	pid_t pid;
	int blocked;                    /* the operation it waits on */
	int status;                     /* 1 pending; 0 done; -errno */
};

struct sem_set {
	struct ipc_obj perm;            /* first */
	int nsems;
	time_t otime, ctime;
	struct waitq wq;
	struct sem_waiter *waiters;     /* in order of arrival */
	struct { uint16_t val; pid_t pid; } *sems;
};

/* One process's adjustments for one set. */
struct sem_undo {
	struct sem_undo *next;
	pid_t pid;
	int id;
	short adj[];
};

static struct ipc_ids sem_ids = { .lock = PTHREAD_MUTEX_INITIALIZER };
static long used_sems;
static struct sem_undo *undos;

static struct sem_set *set_of(struct ipc_obj *o)
{
	return (struct sem_set *)o;
}

static struct sem_undo *undo_find(pid_t pid, int id)
{
	for (struct sem_undo *u = undos; u; u = u->next)
		if (u->pid == pid && u->id == id)
			return u;
	return NULL;
}

static struct sem_undo *undo_get(pid_t pid, const struct sem_set *s)
{
	struct sem_undo *u = undo_find(pid, s->perm.id);

	if (u)
		return u;
	u = calloc(1, sizeof(*u) + s->nsems * sizeof(short));
	if (!u)
		return NULL;
	u->pid = pid;
	u->id = s->perm.id;
	u->next = undos;
	undos = u;
	return u;
}

/* Drop the undos of set id (removed), or of every set of process pid. */
static void undo_drop(pid_t pid, int id)
{
	for (struct sem_undo **p = &undos; *p;) {
		struct sem_undo *u = *p;

		if ((id >= 0 && u->id == id) || (pid && u->pid == pid)) {
			*p = u->next;
			free(u);
		} else {
			p = &u->next;
		}
	}
}

/*
 * Linux's perform_atomic_semop(): all of sops, or none.  -EAGAIN (with
 * *blocked the operation that cannot go yet), -ERANGE past SEMVMX or an
 * adjustment past SEMAEM.
 */
static int perform(struct sem_set *s, const struct sembuf *sops, unsigned n, pid_t pid,
		   struct sem_undo *u, int *blocked)
{
	unsigned i;
	int err = 0;

	for (i = 0; i < n; i++) {
		const struct sembuf *op = &sops[i];
		int v = s->sems[op->sem_num].val + op->sem_op;

		if ((!op->sem_op && s->sems[op->sem_num].val) || v < 0) {
			*blocked = (int)i;
			err = -EAGAIN;
			break;
		}
		if (v > SEMVMX || ((op->sem_flg & SEM_UNDO) && u &&
				   (u->adj[op->sem_num] - op->sem_op < -SEMAEM - 1 ||
				    u->adj[op->sem_num] - op->sem_op > SEMAEM))) {
			err = -ERANGE;
			break;
		}
		s->sems[op->sem_num].val = (uint16_t)v;
	}
	if (err) {
		while (i-- > 0)
			s->sems[sops[i].sem_num].val -= sops[i].sem_op;
		return err;
	}
	for (i = 0; i < n; i++) {
		s->sems[sops[i].sem_num].pid = pid;
		if ((sops[i].sem_flg & SEM_UNDO) && u)
			u->adj[sops[i].sem_num] -= sops[i].sem_op;
	}
	s->otime = time(NULL);
	return 0;
}

/* Linux's update_queue(): complete what can go now, first come first. */
static void update_queue(struct sem_set *s)
{
	bool progress, woke = false;

	do {
		progress = false;
		for (struct sem_waiter **p = &s->waiters; *p;) {
			struct sem_waiter *w = *p;
			struct sem_undo *u = undo_find(w->pid, s->perm.id);
			int err = perform(s, w->sops, w->nsops, w->pid, u, &w->blocked);

			if (err == -EAGAIN) {
				p = &w->next;
				continue;
			}
			*p = w->next;
			w->status = err;
			woke = true;
			progress |= !err;
		}
	} while (progress);
	if (woke)
		waitq_wake(&s->wq, 0);
}

static void set_free(struct sem_set *s)
{
	if (--s->perm.refs)
		return;
	waitq_release(&s->wq);
	free(s->sems);
	free(s);
}

/* ---------- semget ---------- */

static int set_create(struct task *t, key_t key, int flg, void *arg)
{
	int nsems = *(int *)arg, err;
	struct sem_set *s;

	if (!nsems)
		return -EINVAL;
	if (used_sems + nsems > ipc_limits.semmns)
		return -ENOSPC;
	s = calloc(1, sizeof(*s));
	if (!s || !(s->sems = calloc(nsems, sizeof(*s->sems)))) {
		free(s);
		return -ENOMEM;
	}
	ipc_init_obj(&s->perm, ipc_cred(t), key, flg);
	s->nsems = nsems;
	s->ctime = time(NULL);
	waitq_init(&s->wq);
	if ((err = ipc_add(&sem_ids, &s->perm, ipc_limits.semmni))) {
		free(s->sems);
		free(s);
		return err;
	}
	used_sems += nsems;
	return s->perm.id;
}

static int set_check(struct ipc_obj *o, void *arg)
{
	return *(int *)arg > set_of(o)->nsems ? -EINVAL : 0;
}

long sem_get(struct task *t, key_t key, int nsems, int flg)
{
	static const struct ipc_get_ops ops = { set_create, set_check };

	if (nsems < 0 || nsems > ipc_limits.semmsl)
		return -EINVAL;
	return ipc_get(t, &sem_ids, key, flg, &ops, &nsems);
}

/* ---------- semop ---------- */

/* Sleep until w is done (sem_ids.lock held, dropped meanwhile). */
static int sem_wait(struct task *t, struct sem_set *s, struct sem_waiter *w,
		    const struct timespec *deadline)
{
	struct wait_entry e;
	int err = 0;

	wait_entry_task(&e, t, 0);
	waitq_add(&s->wq, &e);
	while (w->status == 1) {
		task_prepare_wait(t);
		pthread_mutex_unlock(&sem_ids.lock);
		if (w->status == 1)
			err = task_block(t, deadline, NULL, 0);
		pthread_mutex_lock(&sem_ids.lock);
		if (w->status != 1 || err < 0)
			break;
	}
	waitq_remove(&s->wq, &e);
	if (w->status == 1) {           /* still queued: take it off */
		for (struct sem_waiter **p = &s->waiters; *p; p = &(*p)->next)
			if (*p == w) {
				*p = w->next;
				break;
			}
		return err == -ETIMEDOUT ? -EAGAIN : -EINTR;
	}
	return w->status;
}

static long do_semop(struct task *t, struct sem_set *s, struct sembuf *sops, unsigned n,
		     const struct timespec *deadline)
{
	bool alter = false, undo = false;
	struct sem_waiter w = { .sops = sops, .nsops = n, .pid = t->tg->pid, .status = 1 };
	struct sem_undo *u = NULL;
	int max = 0, err;

	for (unsigned i = 0; i < n; i++) {
		max = sops[i].sem_num > max ? sops[i].sem_num : max;
		alter |= sops[i].sem_op != 0;
		undo |= (sops[i].sem_flg & SEM_UNDO) != 0;
	}
	if (max >= s->nsems)
		return -EFBIG;
	if (ipc_perms(ipc_cred(t), &s->perm, alter ? S_IWUGO : S_IRUGO))
		return -EACCES;
	if (undo && !(u = undo_get(w.pid, s)))
		return -ENOMEM;
	err = perform(s, sops, n, w.pid, u, &w.blocked);
	if (!err && alter)
		update_queue(s);
	if (err != -EAGAIN)
		return err;
	if (sops[w.blocked].sem_flg & IPC_NOWAIT)
		return -EAGAIN;
	/* queue last, sleep holding a reference: a removal frees it after us */
	struct sem_waiter **p = &s->waiters;
	while (*p)
		p = &(*p)->next;
	*p = &w;
	s->perm.refs++;
	err = sem_wait(t, s, &w, deadline);
	set_free(s);
	return err;
}

long sem_timedop(struct task *t, int id, uint64_t usops, unsigned nsops,
		 const struct timespec *timeout)
{
	struct timespec deadline;
	struct sembuf local[16], *sops = local;
	struct ipc_obj *o;
	long ret;

	if (nsops < 1 || id < 0)
		return -EINVAL;
	if (nsops > (unsigned)ipc_limits.semopm)
		return -E2BIG;
	if (nsops > 16 && !(sops = malloc(nsops * sizeof(*sops))))
		return -ENOMEM;
	if (copy_from_user(t->tg->mm, sops, usops, nsops * sizeof(*sops))) {
		ret = -EFAULT;
		goto out;
	}
	if (timeout)
		deadline = ts_deadline(timeout);
	pthread_mutex_lock(&sem_ids.lock);
	o = ipc_find_id(&sem_ids, id);
	ret = o ? do_semop(t, set_of(o), sops, nsops, timeout ? &deadline : NULL) : -EINVAL;
	pthread_mutex_unlock(&sem_ids.lock);
out:
	if (sops != local)
		free(sops);
	return ret;
}

/* ---------- semctl ---------- */

/* Linux's count_semcnt(): waiters blocked on num, for zero or for more. */
static int count_waiters(const struct sem_set *s, int num, bool zero)
{
	int n = 0;

	for (const struct sem_waiter *w = s->waiters; w; w = w->next) {
		const struct sembuf *op = &w->sops[w->blocked];

		if (op->sem_num == num && (zero ? op->sem_op == 0 : op->sem_op < 0))
			n++;
	}
	return n;
}

static void fill_stat(struct semid_ds *ds, const struct sem_set *s)
{
	memset(ds, 0, sizeof(*ds));
	ipc_fill_perm(&ds->sem_perm, &s->perm);
	ds->sem_otime = s->otime;
	ds->sem_ctime = s->ctime;
	ds->sem_nsems = (unsigned long)s->nsems;
}

static long sem_info(struct task *t, int cmd, uint64_t buf)
{
	struct seminfo si = {
		.semmni = ipc_limits.semmni, .semmns = ipc_limits.semmns,
		.semmsl = ipc_limits.semmsl, .semopm = ipc_limits.semopm,
		.semvmx = SEMVMX, .semmnu = ipc_limits.semmns, .semmap = ipc_limits.semmns,
		.semume = ipc_limits.semopm, .semusz = 20, .semaem = SEMAEM,
	};

	if (cmd == SEM_INFO) {
		si.semusz = sem_ids.in_use;
		si.semaem = (int)used_sems;
	}
	return ipc_info_reply(t, &sem_ids, buf, &si, sizeof(si));
}

static long sem_stat(struct task *t, int id, int cmd, uint64_t buf)
{
	struct ipc_obj *o;
	struct semid_ds ds;
	int err = ipc_stat_obj(t, &sem_ids, id, cmd != IPC_STAT, cmd == SEM_STAT_ANY, &o);

	if (err)
		return err;
	fill_stat(&ds, set_of(o));
	return ipc_reply(t, buf, &ds, sizeof(ds), cmd == IPC_STAT ? 0 : o->id);
}

static void set_remove(struct sem_set *s)
{
	ipc_remove(&sem_ids, &s->perm);
	used_sems -= s->nsems;
	undo_drop(0, s->perm.id);
	for (struct sem_waiter *w = s->waiters; w; w = w->next)
		w->status = -EIDRM;
	s->waiters = NULL;
	waitq_wake(&s->wq, 0);
	set_free(s);
}

/* The undos of every process for num (-1: all) are void after a set. */
static void undo_clear(const struct sem_set *s, int num)
{
	for (struct sem_undo *u = undos; u; u = u->next)
		if (u->id == s->perm.id) {
			if (num < 0)
				memset(u->adj, 0, s->nsems * sizeof(short));
			else
				u->adj[num] = 0;
		}
}

static long sem_setall(struct task *t, struct sem_set *s, uint64_t arg)
{
	uint16_t *v = malloc(s->nsems * sizeof(*v));
	long ret = 0;

	if (!v)
		return -ENOMEM;
	if (copy_from_user(t->tg->mm, v, arg, s->nsems * sizeof(*v)))
		ret = -EFAULT;
	for (int i = 0; !ret && i < s->nsems; i++)
		if (v[i] > SEMVMX)
			ret = -ERANGE;
	for (int i = 0; !ret && i < s->nsems; i++) {
		s->sems[i].val = v[i];
		s->sems[i].pid = t->tg->pid;
	}
	free(v);
	if (!ret) {
		undo_clear(s, -1);
		s->ctime = time(NULL);
		update_queue(s);
	}
	return ret;
}

static long sem_getall(struct task *t, struct sem_set *s, uint64_t arg)
{
	uint16_t *v = malloc(s->nsems * sizeof(*v));
	long ret = 0;

	if (!v)
		return -ENOMEM;
	for (int i = 0; i < s->nsems; i++)
		v[i] = s->sems[i].val;
	if (copy_to_user(t->tg->mm, arg, v, s->nsems * sizeof(*v)))
		ret = -EFAULT;
	free(v);
	return ret;
}

/* The commands on one semaphore: its number must be in the set. */
static long sem_one(struct task *t, struct sem_set *s, int num, int cmd, uint64_t arg)
{
	int val = (int)arg;

	if (cmd == SETVAL && (val < 0 || val > SEMVMX))
		return -ERANGE;
	if (ipc_perms(ipc_cred(t), &s->perm, cmd == SETVAL ? S_IWUGO : S_IRUGO))
		return -EACCES;
	if (num < 0 || num >= s->nsems)
		return -EINVAL;
	switch (cmd) {
	case GETVAL:
		return s->sems[num].val;
	case GETPID:
		return s->sems[num].pid;
	case GETNCNT:
		return count_waiters(s, num, false);
	case GETZCNT:
		return count_waiters(s, num, true);
	}
	s->sems[num].val = (uint16_t)val;
	s->sems[num].pid = t->tg->pid;
	undo_clear(s, num);
	s->ctime = time(NULL);
	update_queue(s);
	return 0;
}

static long sem_set(struct task *t, struct sem_set *s, int num, int cmd, uint64_t arg)
{
	const struct creds *c = ipc_cred(t);
	struct semid_ds ds;
	int err;

	switch (cmd) {
	case GETVAL: case GETPID: case GETNCNT: case GETZCNT: case SETVAL:
		return sem_one(t, s, num, cmd, arg);
	case GETALL:
	case SETALL:
		if (ipc_perms(c, &s->perm, cmd == SETALL ? S_IWUGO : S_IRUGO))
			return -EACCES;
		return cmd == GETALL ? sem_getall(t, s, arg) : sem_setall(t, s, arg);
	case IPC_SET:
		if (copy_from_user(t->tg->mm, &ds, arg, sizeof(ds)))
			return -EFAULT;
		if ((err = ipc_owner_or(c, &s->perm, CAP_SYS_ADMIN)) ||
		    (err = ipc_set_perm(&s->perm, &ds.sem_perm)))
			return err;
		s->ctime = time(NULL);
		return 0;
	case IPC_RMID:
		if ((err = ipc_owner_or(c, &s->perm, CAP_SYS_ADMIN)))
			return err;
		set_remove(s);
		return 0;
	}
	return -EINVAL;
}

long sem_ctl(struct task *t, int id, int num, int cmd, uint64_t arg)
{
	struct ipc_obj *o;
	long ret;

	if (id < 0)
		return -EINVAL;
	pthread_mutex_lock(&sem_ids.lock);
	switch (cmd) {
	case IPC_INFO:
	case SEM_INFO:
		ret = sem_info(t, cmd, arg);
		break;
	case IPC_STAT:
	case SEM_STAT:
	case SEM_STAT_ANY:
		ret = sem_stat(t, id, cmd, arg);
		break;
	default:
		o = ipc_find_id(&sem_ids, id);
		ret = o ? sem_set(t, set_of(o), num, cmd, arg) : -EINVAL;
	}
	pthread_mutex_unlock(&sem_ids.lock);
	return ret;
}

/* Has process pid SEM_UNDO adjustments (Linux: a sysvsem.undo_list)? */
bool sem_has_undo(pid_t pid)
{
	bool r = false;

	pthread_mutex_lock(&sem_ids.lock);
	for (struct sem_undo *u = undos; u && !r; u = u->next)
		r = u->pid == pid;
	pthread_mutex_unlock(&sem_ids.lock);
	return r;
}

/* Linux's exit_sem(): apply the process's adjustments, within 0..SEMVMX. */
void sem_exit(struct thread_group *tg)
{
	pthread_mutex_lock(&sem_ids.lock);
	for (struct sem_undo *u = undos; u; u = u->next) {
		struct ipc_obj *o;
		struct sem_set *s;

		if (u->pid != tg->pid || !(o = ipc_find_id(&sem_ids, u->id)))
			continue;
		s = set_of(o);
		for (int i = 0; i < s->nsems; i++) {
			int v = s->sems[i].val + u->adj[i];

			if (!u->adj[i])
				continue;
			s->sems[i].val = (uint16_t)(v < 0 ? 0 : v > SEMVMX ? SEMVMX : v);
			s->sems[i].pid = tg->pid;
		}
		update_queue(s);
	}
	undo_drop(tg->pid, -1);
	pthread_mutex_unlock(&sem_ids.lock);
}

/* /proc/sysvipc/sem */
int sem_proc_show(struct sbuf *b)
{
	sb_puts(b, "       key      semid perms      nsems   uid   gid  cuid  cgid"
		"      otime      ctime\n");
	pthread_mutex_lock(&sem_ids.lock);
	for (int i = 0; i < sem_ids.size; i++) {
		struct sem_set *s = sem_ids.entries[i] ? set_of(sem_ids.entries[i]) : NULL;

		if (s)
			sb_printf(b, "%10d %10d  %4o %10d %5u %5u %5u %5u %10lld %10lld\n",
				  s->perm.key, s->perm.id, s->perm.mode, s->nsems, s->perm.uid,
				  s->perm.gid, s->perm.cuid, s->perm.cgid,
				  (long long)s->otime, (long long)s->ctime);
	}
	pthread_mutex_unlock(&sem_ids.lock);
	return 0;
}
