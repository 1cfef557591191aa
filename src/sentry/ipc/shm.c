/* SPDX-License-Identifier: MIT */
/*
 * System V shared memory (Linux's ipc/shm.c, gVisor's kernel/shm).
 *
 * A segment's memory is a memfd the sentry owns; shmat maps it MAP_SHARED
 * into the stub process (which shares the sentry's fd table), so every
 * attaching process, and the host's copy-on-write fork, sees the same
 * pages.  Each attachment's VMAs carry the segment's object id as their
 * shm_id: shared futexes in the segment key on it, and shmdt finds the
 * attachment by it.
 *
 * shm_nattch is counted, not kept: the attachments are the VMAs with the
 * segment's id in the address spaces of live processes, so fork (which
 * copies the VMAs), exec and exit (which drop them) and munmap need no
 * hook.  A segment removed while attached (SHM_DEST) is freed when a look
 * finds it unattached: at shmdt, at a process's exit, and before any
 * shm call or /proc/sysvipc/shm answers, so no caller can tell it lived on.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/shm.h>
#include <time.h>
#include <unistd.h>

#include "ipc/ipc.h"
#include "mm/mm.h"

struct shm_seg {
	struct ipc_obj perm;            /* first */
	size_t size;
	int memfd;
	uint64_t obj;                   /* the VMAs' shm_id */
	time_t atime, dtime, ctime;
	pid_t cpid, lpid;
};

static struct ipc_ids shm_ids = { .lock = PTHREAD_MUTEX_INITIALIZER };
static unsigned long shm_tot;           /* pages in all segments */

/* Object ids of segments: apart from mm.c's anonymous ones (bit 63 clear). */
#define SHM_OBJ_BIT (1ULL << 63)

static struct shm_seg *seg_of(struct ipc_obj *o)
{
	return (struct shm_seg *)o;
}

static unsigned long seg_pages(const struct shm_seg *s)
{
	return PAGE_ALIGN(s->size) / PAGE_SIZE;
}

/* ---------- attachments: counted from the address spaces ---------- */

struct count_arg {
	uint64_t obj;
	uint64_t prev_end, prev_off;    /* where the last VMA of obj seen ends */
	unsigned long n;
};

/* An attachment may be split in VMAs (mprotect): count each run once.
 * Two attachments side by side do not continue each other's offsets. */
static int count_vma(const struct vma *v, void *arg)
{
	struct count_arg *c = arg;

	if (v->shm_id != c->obj)
		return 0;
	if (v->start != c->prev_end || v->off != c->prev_off)
		c->n++;
	c->prev_end = v->end;
	c->prev_off = v->off + (v->end - v->start);
	return 0;
}

/* The address space of process pid, if it still has one in use. */
static unsigned long count_in(pid_t pid, uint64_t obj, struct mm **seen, int nseen)
{
	struct thread_group *tg = tg_find(pid);
	struct count_arg c = { .obj = obj };

	if (!tg)
		return 0;
	pthread_mutex_lock(&tg->lock);
	if (tg->mm && !__atomic_load_n(&tg->mm_released, __ATOMIC_ACQUIRE)) {
		for (int i = 0; i < nseen; i++)
			if (seen[i] == tg->mm)
				goto out;       /* CLONE_VM: one address space */
		seen[nseen] = tg->mm;
		mm_for_each_vma(tg->mm, count_vma, &c);
	}
out:
	pthread_mutex_unlock(&tg->lock);
	tg_put(tg);
	return c.n;
}

/* shm_nattch: the attachments in every live address space. */
static unsigned long seg_nattch(const struct shm_seg *s)
{
	pid_t *pids = NULL;
	struct mm **seen;
	size_t n = 0, cap = 0;
	unsigned long total = 0;

	pthread_mutex_lock(&sandbox.lock);
	for (struct thread_group *tg = sandbox.tgs; tg; tg = tg->next_tg) {
		if (n == cap) {
			pid_t *p = realloc(pids, (cap = cap ? cap * 2 : 64) * sizeof(*p));

			if (!p)
				break;
			pids = p;
		}
		pids[n++] = tg->pid;
	}
	pthread_mutex_unlock(&sandbox.lock);
	seen = calloc(n ? n : 1, sizeof(*seen));
	for (size_t i = 0; seen && i < n; i++)
		total += count_in(pids[i], s->obj, seen, (int)i);
	free(seen);
	free(pids);
	return total;
}

static void seg_destroy(struct shm_seg *s)
{
	ipc_remove(&shm_ids, &s->perm);
	shm_tot -= seg_pages(s);
	close(s->memfd);
	free(s);
}

/* Free removed segments nobody attaches any more (shm_ids.lock held). */
static void sweep(void)
{
	for (int i = 0; i < shm_ids.size; i++) {
		struct ipc_obj *o = shm_ids.entries[i];

		if (o && (o->mode & SHM_DEST) && !seg_nattch(seg_of(o)))
			seg_destroy(seg_of(o));
	}
}

/* ---------- shmget ---------- */

static int seg_create(struct task *t, key_t key, int flg, void *arg)
{
	size_t size = *(size_t *)arg;
	unsigned long pages = PAGE_ALIGN(size) / PAGE_SIZE;
	struct shm_seg *s;
	char name[32];
	int err;

	if (size < 1 || size > ipc_limits.shmmax)
		return -EINVAL;
	if (!pages || shm_tot + pages < shm_tot || shm_tot + pages > ipc_limits.shmall)
		return -ENOSPC;
	s = calloc(1, sizeof(*s));
	if (!s)
		return -ENOMEM;
	snprintf(name, sizeof(name), "SYSV%08x", (unsigned)key);
	s->memfd = memfd_create(name, MFD_CLOEXEC);
	if (s->memfd < 0 || ftruncate(s->memfd, (off_t)size) < 0) {
		err = s->memfd < 0 ? -ENOMEM : (errno == EFBIG ? -EINVAL : -ENOMEM);
		goto fail;
	}
	ipc_init_obj(&s->perm, ipc_cred(t), key, flg);
	s->size = size;
	s->cpid = t->tg->pid;
	s->ctime = time(NULL);
	err = ipc_add(&shm_ids, &s->perm, ipc_limits.shmmni);
	if (err)
		goto fail;
	s->obj = SHM_OBJ_BIT | ((uint64_t)s->perm.seq << 32) | (uint64_t)s->perm.id;
	shm_tot += pages;
	return s->perm.id;
fail:
	if (s->memfd >= 0)
		close(s->memfd);
	free(s);
	return err;
}

static int seg_check(struct ipc_obj *o, void *arg)
{
	return *(size_t *)arg > seg_of(o)->size ? -EINVAL : 0;
}

long shm_get(struct task *t, key_t key, size_t size, int flg)
{
	static const struct ipc_get_ops ops = { seg_create, seg_check };

	pthread_mutex_lock(&shm_ids.lock);
	sweep();
	pthread_mutex_unlock(&shm_ids.lock);
	return ipc_get(t, &shm_ids, key, flg, &ops, &size);
}

/* ---------- shmat, shmdt ---------- */

static long attach(struct task *t, struct shm_seg *s, uint64_t addr, int flg)
{
	int prot = PROT_READ, mode = S_IRUGO, flags = MAP_SHARED;
	long ret;

	if (!(flg & SHM_RDONLY)) {
		prot |= PROT_WRITE;
		mode |= S_IWUGO;
	} else {
		flags |= MM_NOWRITE;
	}
	if (flg & SHM_EXEC) {
		prot |= PROT_EXEC;
		mode |= S_IXUGO;
	}
	if (ipc_perms(ipc_cred(t), &s->perm, mode))
		return -EACCES;
	if (addr)       /* over nothing without SHM_REMAP: EINVAL, as Linux */
		flags |= (flg & SHM_REMAP) ? MAP_FIXED : MAP_FIXED_NOREPLACE;
	ret = mm_mmap_obj(t->tg->mm, addr, s->size, prot, flags, s->memfd, s->obj);
	if (ret == -EEXIST)
		ret = -EINVAL;
	if (ret >= 0) {
		s->atime = time(NULL);
		s->lpid = t->tg->pid;
	}
	return ret;
}

long shm_at(struct task *t, int id, uint64_t addr, int flg)
{
	struct ipc_obj *o;
	long ret;

	if (id < 0)
		return -EINVAL;
	if (addr & (SHMLBA - 1)) {
		if (!(flg & SHM_RND))
			return -EINVAL;
		addr &= ~(uint64_t)(SHMLBA - 1);
		if (!addr && (flg & SHM_REMAP))
			return -EINVAL;
	} else if (!addr && (flg & SHM_REMAP)) {
		return -EINVAL;
	}
	pthread_mutex_lock(&shm_ids.lock);
	sweep();
	o = ipc_find_id(&shm_ids, id);
	ret = o ? attach(t, seg_of(o), addr, flg) : -EINVAL;
	pthread_mutex_unlock(&shm_ids.lock);
	return ret;
}

struct find_arg {
	uint64_t addr, obj, end;        /* in: addr; out: the attachment */
};

/* The attachment that starts at addr (its offset 0 there). */
static int find_attach(const struct vma *v, void *arg)
{
	struct find_arg *f = arg;

	if (!f->obj) {
		if (v->start == f->addr && (v->shm_id & SHM_OBJ_BIT) && v->off == 0) {
			f->obj = v->shm_id;
			f->end = v->end;
		}
		return 0;
	}
	if (v->start != f->end || v->shm_id != f->obj || v->off != f->end - f->addr)
		return 1;
	f->end = v->end;                /* the rest of a split attachment */
	return 0;
}

static struct shm_seg *seg_by_obj(uint64_t obj)
{
	for (int i = 0; i < shm_ids.size; i++)
		if (shm_ids.entries[i] && seg_of(shm_ids.entries[i])->obj == obj)
			return seg_of(shm_ids.entries[i]);
	return NULL;
}

long shm_dt(struct task *t, uint64_t addr)
{
	struct find_arg f = { .addr = addr };
	struct shm_seg *s;
	long ret;

	if (addr & (PAGE_SIZE - 1))
		return -EINVAL;
	pthread_mutex_lock(&shm_ids.lock);
	mm_for_each_vma(t->tg->mm, find_attach, &f);
	if (!f.obj) {
		ret = -EINVAL;
	} else {
		ret = mm_munmap(t->tg->mm, addr, f.end - addr);
		s = seg_by_obj(f.obj);
		if (!ret && s) {
			s->dtime = time(NULL);
			s->lpid = t->tg->pid;
		}
		sweep();
	}
	pthread_mutex_unlock(&shm_ids.lock);
	return ret;
}

/* ---------- shmctl ---------- */

static void fill_stat(struct shmid_ds *ds, const struct shm_seg *s)
{
	memset(ds, 0, sizeof(*ds));
	ipc_fill_perm(&ds->shm_perm, &s->perm);
	ds->shm_segsz = s->size;
	ds->shm_atime = s->atime;
	ds->shm_dtime = s->dtime;
	ds->shm_ctime = s->ctime;
	ds->shm_cpid = s->cpid;
	ds->shm_lpid = s->lpid;
	ds->shm_nattch = seg_nattch(s);
}

static long shm_info(struct task *t, int cmd, uint64_t buf)
{
	struct shminfo si = {
		.shmmax = ipc_limits.shmmax, .shmmin = 1,
		.shmmni = (unsigned long)ipc_limits.shmmni,
		.shmseg = (unsigned long)ipc_limits.shmmni, .shmall = ipc_limits.shmall,
	};
	struct shm_info info = { .used_ids = shm_ids.in_use };

	if (cmd == IPC_INFO)
		return ipc_info_reply(t, &shm_ids, buf, &si, sizeof(si));
	for (int i = 0; i < shm_ids.size; i++)
		if (shm_ids.entries[i])
			info.shm_tot += seg_pages(seg_of(shm_ids.entries[i]));
	info.shm_rss = info.shm_tot;    /* all of it: docs/ipc.md */
	return ipc_info_reply(t, &shm_ids, buf, &info, sizeof(info));
}

static long shm_stat(struct task *t, int id, int cmd, uint64_t buf)
{
	struct ipc_obj *o;
	struct shmid_ds ds;
	int err = ipc_stat_obj(t, &shm_ids, id, cmd != IPC_STAT, cmd == SHM_STAT_ANY, &o);

	if (err)
		return err;
	fill_stat(&ds, seg_of(o));
	return ipc_reply(t, buf, &ds, sizeof(ds), cmd == IPC_STAT ? 0 : o->id);
}

static long shm_set(struct task *t, struct shm_seg *s, int cmd, uint64_t buf)
{
	const struct creds *c = ipc_cred(t);
	struct shmid_ds ds;
	int err;

	switch (cmd) {
	case IPC_SET:
		if (copy_from_user(t->tg->mm, &ds, buf, sizeof(ds)))
			return -EFAULT;
		if ((err = ipc_owner_or(c, &s->perm, CAP_SYS_ADMIN)))
			return err;
		if ((err = ipc_set_perm(&s->perm, &ds.shm_perm)))
			return err;
		s->ctime = time(NULL);
		return 0;
	case IPC_RMID:
		if ((err = ipc_owner_or(c, &s->perm, CAP_SYS_ADMIN)))
			return err;
		/* the key is free at once; the memory lives until the last detach */
		s->perm.mode |= SHM_DEST;
		s->perm.key = IPC_PRIVATE;
		if (!seg_nattch(s))
			seg_destroy(s);
		return 0;
	case SHM_LOCK:
	case SHM_UNLOCK:
		/* accepted: the memfd's pages are not swapped out by the sentry anyway */
		if (!capable(c, CAP_IPC_LOCK) &&
		    ((c->euid != s->perm.uid && c->euid != s->perm.cuid) ||
		     (cmd == SHM_LOCK && !t->tg->rlim[RLIMIT_MEMLOCK].rlim_cur)))
			return -EPERM;
		if (cmd == SHM_LOCK)
			s->perm.mode |= SHM_LOCKED;
		else
			s->perm.mode &= ~SHM_LOCKED;
		return 0;
	}
	return -EINVAL;
}

long shm_ctl(struct task *t, int id, int cmd, uint64_t buf)
{
	struct ipc_obj *o;
	long ret;

	if (id < 0 || cmd < 0)
		return -EINVAL;
	pthread_mutex_lock(&shm_ids.lock);
	sweep();
	switch (cmd) {
	case IPC_INFO:
	case SHM_INFO:
		ret = shm_info(t, cmd, buf);
		break;
	case IPC_STAT:
	case SHM_STAT:
	case SHM_STAT_ANY:
		ret = shm_stat(t, id, cmd, buf);
		break;
	case IPC_SET:
	case IPC_RMID:
	case SHM_LOCK:
	case SHM_UNLOCK:
		o = ipc_find_id(&shm_ids, id);
		ret = o ? shm_set(t, seg_of(o), cmd, buf) : -EINVAL;
		break;
	default:
		ret = -EINVAL;
	}
	pthread_mutex_unlock(&shm_ids.lock);
	return ret;
}

/* A process is gone: the segments it had attached were detached by it. */
struct exit_arg {
	pid_t pid;
	time_t now;
};

static int exit_vma(const struct vma *v, void *arg)
{
	struct exit_arg *e = arg;
	struct shm_seg *s;

	if ((v->shm_id & SHM_OBJ_BIT) && v->off == 0 && (s = seg_by_obj(v->shm_id))) {
		s->dtime = e->now;
		s->lpid = e->pid;
	}
	return 0;
}

void shm_exit(struct thread_group *tg)
{
	struct exit_arg e = { tg->pid, time(NULL) };

	pthread_mutex_lock(&shm_ids.lock);
	if (tg->mm && shm_ids.in_use)
		mm_for_each_vma(tg->mm, exit_vma, &e);
	sweep();
	pthread_mutex_unlock(&shm_ids.lock);
}

/* /proc/sysvipc/shm, in Linux's format (ipcs reads it). */
int shm_proc_show(struct sbuf *b)
{
	sb_puts(b, "       key      shmid perms                  size  cpid  lpid nattch"
		"   uid   gid  cuid  cgid      atime      dtime      ctime"
		"                   rss                  swap\n");
	pthread_mutex_lock(&shm_ids.lock);
	sweep();
	for (int i = 0; i < shm_ids.size; i++) {
		struct shm_seg *s = shm_ids.entries[i] ? seg_of(shm_ids.entries[i]) : NULL;

		if (!s)
			continue;
		sb_printf(b, "%10d %10d  %4o %21zu %5d %5d  %5lu %5u %5u %5u %5u %10lld %10lld"
			  " %10lld %21lu %21lu\n", s->perm.key, s->perm.id, s->perm.mode,
			  s->size, s->cpid, s->lpid, seg_nattch(s), s->perm.uid, s->perm.gid,
			  s->perm.cuid, s->perm.cgid, (long long)s->atime, (long long)s->dtime,
			  (long long)s->ctime, seg_pages(s) * PAGE_SIZE, 0UL);
	}
	pthread_mutex_unlock(&shm_ids.lock);
	return 0;
}
