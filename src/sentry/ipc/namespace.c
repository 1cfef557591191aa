/* SPDX-License-Identifier: MIT */
/*
 * The sandbox's IPC namespace: ids, keys, permissions and limits, as
 * Linux's ipc/util.c has them.  An object's id is seq * IPC_MNI + index,
 * seq counting the allocations of the table, so that a stale id of a
 * removed object does not name the one that took its index.
 */
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "ipc/ipc.h"
#include "mm/mm.h"

struct ipc_limits ipc_limits = {
	.shmmax = ~0UL - (1UL << 24), .shmall = ~0UL - (1UL << 24), .shmmni = 4096,
	.semmsl = 32000, .semmns = 1024000000, .semopm = 500, .semmni = 32000,
	.msgmax = 8192, .msgmnb = 16384, .msgmni = 32000,
};

static int id_index(int id)
{
	return id & (IPC_MNI - 1);
}

struct ipc_obj *ipc_find_key(struct ipc_ids *ids, key_t key)
{
	for (int i = 0; i < ids->size; i++)
		if (ids->entries[i] && ids->entries[i]->key == key)
			return ids->entries[i];
	return NULL;
}

struct ipc_obj *ipc_find_index(struct ipc_ids *ids, int index)
{
	if (index < 0 || index >= ids->size)
		return NULL;
	return ids->entries[index];
}

struct ipc_obj *ipc_find_id(struct ipc_ids *ids, int id)
{
	struct ipc_obj *o;

	if (id < 0)
		return NULL;
	o = ipc_find_index(ids, id_index(id));
	return o && o->id == id ? o : NULL;
}

/* The highest index in use, or -1 (what IPC_INFO answers). */
int ipc_max_index(const struct ipc_ids *ids)
{
	for (int i = ids->size; i-- > 0;)
		if (ids->entries[i])
			return i;
	return -1;
}

/* Enter o at the lowest free index: ENOSPC past limit objects. */
int ipc_add(struct ipc_ids *ids, struct ipc_obj *o, int limit)
{
	int i;

	if (ids->in_use >= limit || ids->in_use >= IPC_MNI)
		return -ENOSPC;
	for (i = 0; i < ids->size && ids->entries[i]; i++)
		;
	if (i == ids->size) {
		int size = ids->size ? ids->size * 2 : 16;
		struct ipc_obj **e = realloc(ids->entries, size * sizeof(*e));

		if (!e)
			return -ENOMEM;
		memset(e + ids->size, 0, (size - ids->size) * sizeof(*e));
		ids->entries = e;
		ids->size = size;
	}
	o->seq = ids->seq++;
	if (ids->seq >= (1 << (31 - IPC_MNI_SHIFT)) - 1)
		ids->seq = 0;
	o->id = (int)o->seq << IPC_MNI_SHIFT | i;
	o->refs = 1;
	ids->entries[i] = o;
	ids->in_use++;
	return 0;
}

/* Out of the table: the key and id name nothing from now on. */
void ipc_remove(struct ipc_ids *ids, struct ipc_obj *o)
{
	int i = id_index(o->id);

	if (i < ids->size && ids->entries[i] == o) {
		ids->entries[i] = NULL;
		ids->in_use--;
	}
	o->deleted = true;
}

void ipc_init_obj(struct ipc_obj *o, const struct creds *c, key_t key, int mode)
{
	o->key = key;
	o->uid = o->cuid = c->euid;
	o->gid = o->cgid = c->egid;
	o->mode = mode & 0777;
}

/*
 * Linux's ipcperms(): mode's rwx bits (in any of the three places) must
 * all be granted by the owner's, the group's or the others' bits of the
 * object, whichever class the caller is in; CAP_IPC_OWNER overrides.
 */
int ipc_perms(const struct creds *c, const struct ipc_obj *o, int mode)
{
	int want = (mode >> 6 | mode >> 3 | mode) & 7;
	unsigned granted = o->mode;

	if (c->euid == o->cuid || c->euid == o->uid)
		granted >>= 6;
	else if (in_group(c, o->cgid) || in_group(c, o->gid))
		granted >>= 3;
	if ((want & ~granted & 7) && !capable(c, CAP_IPC_OWNER))
		return -EACCES;
	return 0;
}

/* IPC_SET, IPC_RMID, SHM_LOCK: the owner, the creator, or cap (EPERM). */
int ipc_owner_or(const struct creds *c, const struct ipc_obj *o, int cap)
{
	if (c->euid == o->uid || c->euid == o->cuid || capable(c, cap))
		return 0;
	return -EPERM;
}

void ipc_fill_perm(struct ipc_perm *out, const struct ipc_obj *o)
{
	memset(out, 0, sizeof(*out));
	out->__key = o->key;
	out->uid = o->uid;
	out->gid = o->gid;
	out->cuid = o->cuid;
	out->cgid = o->cgid;
	out->mode = o->mode;
	out->__seq = o->seq;
}

/* IPC_SET: the owner and the permission bits; ids must be mapped. */
int ipc_set_perm(struct ipc_obj *o, const struct ipc_perm *in)
{
	if (!uid_valid(in->uid) || !gid_valid(in->gid))
		return -EINVAL;
	o->uid = in->uid;
	o->gid = in->gid;
	o->mode = (o->mode & ~0777u) | (in->mode & 0777);
	return 0;
}

/*
 * The object of IPC_STAT (by id), or of SHM_STAT, SEM_STAT, MSG_STAT (by
 * index, as ipcs walks the table); the *_STAT_ANY ones skip the read check.
 */
int ipc_stat_obj(struct task *t, struct ipc_ids *ids, int id, bool by_index, bool any,
		 struct ipc_obj **out)
{
	struct ipc_obj *o = by_index ? ipc_find_index(ids, id) : ipc_find_id(ids, id);

	if (!o)
		return -EINVAL;
	if (!any && ipc_perms(ipc_cred(t), o, S_IRUGO))
		return -EACCES;
	*out = o;
	return 0;
}

/* The answer of a STAT or INFO command: ret once len bytes are out. */
long ipc_reply(struct task *t, uint64_t buf, const void *src, size_t len, long ret)
{
	return copy_to_user(t->tg->mm, buf, src, len) ? -EFAULT : ret;
}

/* What IPC_INFO and the *_INFO commands answer: the highest index in use. */
long ipc_info_reply(struct task *t, const struct ipc_ids *ids, uint64_t buf, const void *src,
		    size_t len)
{
	int max = ipc_max_index(ids);

	return ipc_reply(t, buf, src, len, max < 0 ? 0 : max);
}

int ipc_get(struct task *t, struct ipc_ids *ids, key_t key, int flg,
	    const struct ipc_get_ops *ops, void *arg)
{
	struct ipc_obj *o;
	int ret;

	pthread_mutex_lock(&ids->lock);
	o = key == IPC_PRIVATE ? NULL : ipc_find_key(ids, key);
	if (!o) {
		if (key != IPC_PRIVATE && !(flg & IPC_CREAT))
			ret = -ENOENT;
		else
			ret = ops->create(t, key, flg, arg);
	} else if ((flg & IPC_CREAT) && (flg & IPC_EXCL)) {
		ret = -EEXIST;
	} else {
		ret = ops->check ? ops->check(o, arg) : 0;
		if (!ret)
			ret = ipc_perms(ipc_cred(t), o, flg);
		if (!ret)
			ret = o->id;
	}
	pthread_mutex_unlock(&ids->lock);
	return ret;
}

/* ---------- /proc/sys/kernel ---------- */

/*
 * Writes (root of the sandbox: the files are 0644, as Linux's): the whole
 * value, numbers separated by white space, each within its range, or
 * EINVAL and nothing changes.  They take effect at the next call.
 */
static int parse(const char *buf, size_t len, unsigned long *v, int n, unsigned long max)
{
	char s[128], *p = s, *end;
	int i;

	if (len >= sizeof(s))
		return -EINVAL;
	memcpy(s, buf, len);
	s[len] = 0;
	for (i = 0; i < n; i++) {
		while (*p == ' ' || *p == '\t')
			p++;
		if (*p < '0' || *p > '9')
			return -EINVAL;
		errno = 0;
		v[i] = strtoul(p, &end, 10);
		if (errno || v[i] > max)
			return -EINVAL;
		p = end;
	}
	while (*p == ' ' || *p == '\t' || *p == '\n')
		p++;
	return *p ? -EINVAL : 0;
}

/* A one-number sysctl: ipc_proc_NAME shows it, ipc_store_NAME sets it. */
#define SYSCTL(name, max)                                                       \
	int ipc_proc_##name(struct sbuf *b)                                     \
	{                                                                       \
		sb_printf(b, "%lu\n", (unsigned long)ipc_limits.name);          \
		return 0;                                                       \
	}                                                                       \
	int ipc_store_##name(struct task *t, const char *buf, size_t len)       \
	{                                                                       \
		unsigned long v;                                                \
		int err = parse(buf, len, &v, 1, max);                          \
									\
		(void)t;                                                        \
		if (!err)                                                       \
			ipc_limits.name = v;                                    \
		return err;                                                     \
	}

SYSCTL(shmmax, ~0UL)
SYSCTL(shmall, ~0UL)
SYSCTL(shmmni, IPC_MNI)
SYSCTL(msgmax, INT_MAX)
SYSCTL(msgmnb, INT_MAX)
SYSCTL(msgmni, IPC_MNI)

/* sem: semmsl semmns semopm semmni */
int ipc_proc_sem(struct sbuf *b)
{
	sb_printf(b, "%d\t%d\t%d\t%d\n", ipc_limits.semmsl, ipc_limits.semmns,
		  ipc_limits.semopm, ipc_limits.semmni);
	return 0;
}

int ipc_store_sem(struct task *t, const char *buf, size_t len)
{
	unsigned long v[4];
	int err = parse(buf, len, v, 4, INT_MAX);

	(void)t;
	if (err || v[3] > IPC_MNI)
		return -EINVAL;
	ipc_limits.semmsl = (int)v[0];
	ipc_limits.semmns = (int)v[1];
	ipc_limits.semopm = (int)v[2];
	ipc_limits.semmni = (int)v[3];
	return 0;
}

void ipc_exit(struct thread_group *tg)
{
	sem_exit(tg);
	shm_exit(tg);
}
