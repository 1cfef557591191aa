/* SPDX-License-Identifier: MIT */
/*
 * The key retention service, the minimum PAM and its users need
 * (docs/syscalls.md): keyrings and "user"/"logon" keys in the sentry, one
 * store per sandbox, with the process's session and process keyrings, the
 * per-uid user and user-session keyrings, add_key, request_key (a search,
 * never an upcall) and the common keyctl commands.  Nothing reaches the
 * host's keyrings.
 */
#include <errno.h>
#include <linux/capability.h>
#include <linux/keyctl.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mm/mm.h"
#include "syscalls/syscalls.h"

#define KEY_DESC_MAX 4096
#define KEY_PAYLOAD_MAX 32767           /* Linux's for "user" keys */
#define KEYS_MAX 2000                   /* of the sandbox: then EDQUOT */
#define KEY_BYTES_MAX (4 << 20)
#define KEYRING_MAX 512                 /* links in one keyring */

/* Linux's permission bits: possessor, user, group, other; 6 each */
#define KEY_POS_ALL 0x3f000000u
#define KEY_USR_VIEW 0x00010000u
#define KEY_USR_READ 0x00020000u
#define KEY_USR_WRITE 0x00040000u
#define KEY_USR_SEARCH 0x00080000u
#define KEY_USR_LINK 0x00100000u
#define KEY_USR_ALL 0x003f0000u
#define KEY_POS_READ 0x02000000u
#define KEY_POS_WRITE 0x04000000u

enum key_type { KT_KEYRING, KT_USER, KT_LOGON };
static const char *const type_names[] = { "keyring", "user", "logon" };

struct key {
	int32_t serial;
	enum key_type type;
	char *desc;
	uint32_t uid, gid, perm;
	bool revoked;
	void *payload;                  /* user/logon: the data */
	size_t len;
	int32_t *links;                 /* keyring: serials of what it holds */
	size_t nlinks;
	struct key *next;
};

static struct {
	pthread_mutex_t lock;
	struct key *keys;
	int32_t next_serial;
	size_t nkeys, bytes;
	/* the per-uid keyrings, found by their description */
} store = { .lock = PTHREAD_MUTEX_INITIALIZER, .next_serial = 0x1f000001 };

static struct key *key_find(int32_t serial)
{
	for (struct key *k = store.keys; k; k = k->next)
		if (k->serial == serial)
			return k;
	return NULL;
}

static struct key *key_new(enum key_type type, const char *desc, uint32_t uid, uint32_t gid,
			   uint32_t perm)
{
	struct key *k;

	if (store.nkeys >= KEYS_MAX)
		return NULL;
	k = calloc(1, sizeof(*k));
	if (!k || !(k->desc = strdup(desc))) {
		free(k);
		return NULL;
	}
	k->serial = store.next_serial++;
	k->type = type;
	k->uid = uid;
	k->gid = gid;
	k->perm = perm;
	k->next = store.keys;
	store.keys = k;
	store.nkeys++;
	return k;
}

static long unlink_key(struct key *ring, int32_t serial);

/* KEYCTL_INVALIDATE: the key goes at once (Linux's garbage collector
 * takes it soon after): unlinked everywhere, then freed; its serial is
 * ENOKEY from then on. */
static void key_destroy(struct key *k)
{
	struct key **pp = &store.keys;

	for (struct key *x = store.keys; x; x = x->next)
		if (x->type == KT_KEYRING)
			unlink_key(x, k->serial);
	while (*pp != k)
		pp = &(*pp)->next;
	*pp = k->next;
	store.nkeys--;
	store.bytes -= k->len;
	free(k->payload);
	free(k->links);
	free(k->desc);
	free(k);
}

static bool keyring_has(const struct key *ring, int32_t serial)
{
	for (size_t i = 0; i < ring->nlinks; i++)
		if (ring->links[i] == serial)
			return true;
	return false;
}

static long link_key(struct key *ring, struct key *k)
{
	int32_t *n;

	if (ring->type != KT_KEYRING)
		return -ENOTDIR;
	if (ring->revoked)
		return -EKEYREVOKED;
	if (keyring_has(ring, k->serial))
		return 0;
	if (ring->nlinks >= KEYRING_MAX)
		return -ENFILE;
	n = realloc(ring->links, (ring->nlinks + 1) * sizeof(*n));
	if (!n)
		return -ENOMEM;
	ring->links = n;
	ring->links[ring->nlinks++] = k->serial;
	return 0;
}

static long unlink_key(struct key *ring, int32_t serial)
{
	for (size_t i = 0; i < ring->nlinks; i++)
		if (ring->links[i] == serial) {
			ring->links[i] = ring->links[--ring->nlinks];
			return 0;
		}
	return -ENOENT;
}

/* The per-uid keyring named desc ("_uid.N" or "_uid_ses.N"), made on first use. */
static struct key *uid_keyring(uint32_t uid, bool session)
{
	char desc[32];
	struct key *k, *user;

	snprintf(desc, sizeof(desc), session ? "_uid_ses.%u" : "_uid.%u", uid);
	for (k = store.keys; k; k = k->next)
		if (k->type == KT_KEYRING && !k->revoked && k->uid == uid &&
		    !strcmp(k->desc, desc))
			return k;
	k = key_new(KT_KEYRING, desc, uid, (uint32_t)-1, KEY_POS_ALL | KEY_USR_ALL);
	/* the user-session keyring holds the user keyring, as in Linux */
	if (k && session && (user = uid_keyring(uid, false)))
		link_key(k, user);
	return k;
}

/* A session keyring, joined by the process: "_ses" or the name asked for. */
static struct key *new_session(const struct creds *c, const char *name)
{
	return key_new(KT_KEYRING, name ? name : "_ses", c->fsuid, c->fsgid,
		       KEY_POS_ALL | KEY_USR_VIEW | KEY_USR_READ | KEY_USR_LINK);
}

/*
 * lookup_user_key(): a serial, or one of the special ids of the caller's
 * keyrings, made if create is set (the thread keyring is the process's
 * here: the sandbox keeps no keyring per thread).  store.lock held.
 */
static long lookup(struct task *t, int32_t id, bool create, struct key **out)
{
	struct thread_group *tg = t->tg;
	const struct creds *c = &tg->cred;
	struct key *k = NULL;

	switch (id) {
	case KEY_SPEC_THREAD_KEYRING:
	case KEY_SPEC_PROCESS_KEYRING:
		k = key_find(tg->process_keyring);
		if (!k && create && (k = key_new(KT_KEYRING, "_pid", c->fsuid, c->fsgid,
						 KEY_POS_ALL | KEY_USR_VIEW)))
			tg->process_keyring = k->serial;
		break;
	case KEY_SPEC_SESSION_KEYRING:
		k = key_find(tg->session_keyring);
		if (!k)         /* no session of its own: the user's default one */
			k = uid_keyring(c->uid, true);
		break;
	case KEY_SPEC_USER_KEYRING:
		k = uid_keyring(c->uid, false);
		break;
	case KEY_SPEC_USER_SESSION_KEYRING:
		k = uid_keyring(c->uid, true);
		break;
	case KEY_SPEC_GROUP_KEYRING:
	case KEY_SPEC_REQKEY_AUTH_KEY:
	case KEY_SPEC_REQUESTOR_KEYRING:
		return -EINVAL;
	default:
		if (id <= 0)
			return -EINVAL;
		k = key_find(id);
		break;
	}
	if (!k)
		return id < 0 && !create ? -ENOKEY : id < 0 ? -ENOMEM : -ENOKEY;
	*out = k;
	return 0;
}

/* Is k reachable from ring (keyrings nest; depth bounded as in Linux)? */
static bool reachable(const struct key *ring, int32_t serial, int depth)
{
	if (ring && ring->serial == serial)
		return true;
	if (!ring || ring->type != KT_KEYRING || ring->revoked || depth > 6)
		return false;
	for (size_t i = 0; i < ring->nlinks; i++)
		if (reachable(key_find(ring->links[i]), serial, depth + 1))
			return true;
	return false;
}

/* Possession: the key is in one of the caller's own keyrings. */
static bool possessed(struct task *t, const struct key *k)
{
	struct thread_group *tg = t->tg;
	struct key *sess = key_find(tg->session_keyring);

	if (!sess)
		sess = uid_keyring(tg->cred.uid, true);
	return reachable(key_find(tg->process_keyring), k->serial, 0) ||
	       reachable(sess, k->serial, 0);
}

/*
 * key_task_permission(), simplified: the possessor bits if the caller
 * possesses the key, else the user bits if it owns it (fsuid), else
 * nothing; CAP_SYS_ADMIN passes as well (docs/syscalls.md).
 */
static long may(struct task *t, const struct key *k, uint32_t usr_bit)
{
	const struct creds *c = &t->tg->cred;

	if (possessed(t, k) && (k->perm & (usr_bit << 8)))
		return 0;
	if (k->uid == c->fsuid && (k->perm & usr_bit))
		return 0;
	return capable(c, CAP_SYS_ADMIN) ? 0 : -EACCES;
}

/* A key to act on: looked up, permitted, not revoked. */
static long get_key(struct task *t, int32_t id, bool create, uint32_t bit, struct key **k)
{
	long err = lookup(t, id, create, k);

	if (!err)
		err = may(t, *k, bit);
	if (!err && (*k)->revoked)
		err = -EKEYREVOKED;
	return err;
}

static long set_payload(struct key *k, const void *data, size_t len)
{
	void *p = NULL;

	if (store.bytes - k->len + len > KEY_BYTES_MAX)
		return -EDQUOT;
	if (len && !(p = malloc(len)))
		return -ENOMEM;
	if (len)
		memcpy(p, data, len);
	free(k->payload);
	store.bytes = store.bytes - k->len + len;
	k->payload = p;
	k->len = len;
	return 0;
}

/* A key of type and description in ring (not deeper), or NULL. */
static struct key *ring_find(const struct key *ring, enum key_type type, const char *desc)
{
	for (size_t i = 0; i < ring->nlinks; i++) {
		struct key *k = key_find(ring->links[i]);

		if (k && k->type == type && !strcmp(k->desc, desc))
			return k;
	}
	return NULL;
}

/* keyring_search(): depth first through nested keyrings. */
static struct key *search(struct task *t, const struct key *ring, enum key_type type,
			  const char *desc, int depth)
{
	struct key *k;

	if (!ring || ring->type != KT_KEYRING || ring->revoked || depth > 6)
		return NULL;
	if ((k = ring_find(ring, type, desc)) && !may(t, k, KEY_USR_SEARCH))
		return k;
	for (size_t i = 0; i < ring->nlinks; i++) {
		struct key *sub = key_find(ring->links[i]);

		if (sub && sub->type == KT_KEYRING && !may(t, sub, KEY_USR_SEARCH) &&
		    (k = search(t, sub, type, desc, depth + 1)))
			return k;
	}
	return NULL;
}

/* --- arguments from the application --- */

static long get_type(struct task *t, uint64_t uaddr, enum key_type *type)
{
	char name[32];
	long n = strncpy_from_user(t->tg->mm, name, uaddr, sizeof(name));

	if (n == -ENAMETOOLONG)
		return -EINVAL;
	if (n < 0)
		return n;
	if (name[0] == '.')
		return -EPERM;          /* internal types */
	for (size_t i = 0; i < sizeof(type_names) / sizeof(type_names[0]); i++)
		if (!strcmp(name, type_names[i])) {
			*type = (enum key_type)i;
			return 0;
		}
	return -ENODEV;
}

static long get_desc(struct task *t, uint64_t uaddr, char *desc)
{
	long n = strncpy_from_user(t->tg->mm, desc, uaddr, KEY_DESC_MAX);

	if (n == -ENAMETOOLONG)
		return -EINVAL;
	return n < 0 ? n : n == 0 ? -EINVAL : 0;
}

/* add_key's and request_key's first two arguments. */
static long get_type_desc(struct task *t, const struct syscall_args *a, enum key_type *type,
			  char *desc)
{
	return get_type(t, a->a[0], type) ?: get_desc(t, a->a[1], desc);
}

/* The data of add_key/KEYCTL_UPDATE, in a buffer the caller frees. */
static long get_payload(struct task *t, uint64_t uaddr, uint64_t len, void **out)
{
	void *p;

	*out = NULL;
	if (len > KEY_PAYLOAD_MAX)
		return -EINVAL;
	if (!len)
		return 0;
	if (!(p = malloc(len)))
		return -ENOMEM;
	if (copy_from_user(t->tg->mm, p, uaddr, len)) {
		free(p);
		return -EFAULT;
	}
	*out = p;
	return 0;
}

/* --- the calls --- */

long sys_add_key(struct task *t, const struct syscall_args *a)
{
	enum key_type type;
	char *desc = malloc(KEY_DESC_MAX);
	void *data = NULL;
	struct key *ring, *k;
	const struct creds *c = &t->tg->cred;
	long ret;

	if (!desc)
		return -ENOMEM;
	ret = get_type_desc(t, a, &type, desc);
	/* Linux copies plen bytes (EFAULT for a bad pointer, even NULL) before
	 * the type checks the length: a keyring takes none, user and logon
	 * keys at least one (keyring_preparse, user_preparse). */
	if (!ret && type == KT_KEYRING && a->a[3])
		ret = -EINVAL;
	if (!ret && type != KT_KEYRING && !a->a[3])
		ret = -EINVAL;
	if (!ret && type == KT_LOGON && !strchr(desc, ':'))
		ret = -EINVAL;          /* "service:name" */
	if (!ret)
		ret = get_payload(t, a->a[2], a->a[3], &data);
	if (ret)
		goto out;
	pthread_mutex_lock(&store.lock);
	ret = get_key(t, (int32_t)a->a[4], true, KEY_USR_WRITE, &ring);
	if (!ret && ring->type != KT_KEYRING)
		ret = -ENOTDIR;
	if (ret)
		goto unlock;
	/* a key of the same type and description is updated in place */
	k = type == KT_KEYRING ? NULL : ring_find(ring, type, desc);
	if (!k) {
		uint32_t perm = KEY_POS_ALL | KEY_USR_VIEW;

		k = key_new(type, desc, c->fsuid, c->fsgid,
			    type == KT_LOGON ? perm & ~KEY_POS_READ : perm);
		if (!k) {
			ret = -EDQUOT;
			goto unlock;
		}
		ret = link_key(ring, k);
	}
	if (!ret && type != KT_KEYRING)
		ret = set_payload(k, data, a->a[3]);
	if (!ret)
		ret = k->serial;
unlock:
	pthread_mutex_unlock(&store.lock);
out:
	free(data);
	free(desc);
	return ret;
}

/* request_key: found in the caller's keyrings, or ENOKEY (no upcall runs). */
long sys_request_key(struct task *t, const struct syscall_args *a)
{
	enum key_type type;
	char *desc = malloc(KEY_DESC_MAX);
	struct key *k = NULL, *dest, *sess;
	long ret;

	if (!desc)
		return -ENOMEM;
	ret = get_type_desc(t, a, &type, desc);
	if (ret)
		goto out;
	pthread_mutex_lock(&store.lock);
	sess = key_find(t->tg->session_keyring);
	k = search(t, key_find(t->tg->process_keyring), type, desc, 0);
	if (!k)
		k = search(t, sess ? sess : uid_keyring(t->tg->cred.uid, true), type, desc, 0);
	ret = !k ? -ENOKEY : k->revoked ? -EKEYREVOKED : k->serial;
	if (ret > 0 && a->a[3] &&
	    !get_key(t, (int32_t)a->a[3], true, KEY_USR_WRITE, &dest))
		link_key(dest, k);
	pthread_mutex_unlock(&store.lock);
out:
	free(desc);
	return ret;
}

static long keyctl_describe(struct task *t, const struct key *k, uint64_t buf, uint64_t len)
{
	char *s;
	int n = asprintf(&s, "%s;%d;%d;%08x;%s", type_names[k->type], (int)k->uid,
			 (int)k->gid, k->perm, k->desc);
	long ret = n + 1;

	if (n < 0)
		return -ENOMEM;
	if (buf && len >= (uint64_t)ret && copy_to_user(t->tg->mm, buf, s, (size_t)ret))
		ret = -EFAULT;
	free(s);
	return ret;
}

/* KEYCTL_READ: the payload, or a keyring's serials, copied only if the
 * whole of it fits (as Linux since 5.3); the size either way. */
static long keyctl_read(struct task *t, const struct key *k, uint64_t buf, uint64_t len)
{
	const void *data = k->type == KT_KEYRING ? (const void *)k->links : k->payload;
	size_t size = k->type == KT_KEYRING ? k->nlinks * sizeof(int32_t) : k->len;

	if (k->type == KT_LOGON)
		return -EOPNOTSUPP;     /* logon keys are never read back */
	if (buf && len >= size && size && copy_to_user(t->tg->mm, buf, data, size))
		return -EFAULT;
	return (long)size;
}

static long keyctl_join(struct task *t, uint64_t uname)
{
	char *name = NULL;
	struct key *k = NULL;
	long ret = 0;

	if (uname) {
		name = malloc(KEY_DESC_MAX);
		if (!name)
			return -ENOMEM;
		ret = get_desc(t, uname, name);
		if (ret) {
			free(name);
			return ret;
		}
	}
	/* a named one is joined if the caller may search it, else made */
	for (struct key *x = store.keys; name && x && !k; x = x->next)
		if (x->type == KT_KEYRING && !x->revoked && !strcmp(x->desc, name) &&
		    !may(t, x, KEY_USR_SEARCH))
			k = x;
	if (!k)
		k = new_session(&t->tg->cred, name);
	free(name);
	if (!k)
		return -EDQUOT;
	t->tg->session_keyring = k->serial;
	return ret ?: k->serial;
}

static long keyctl_setowner(struct task *t, struct key *k, uint32_t uid, uint32_t gid)
{
	const struct creds *c = &t->tg->cred;

	if (uid != (uint32_t)-1 && uid != k->uid && !capable(c, CAP_SYS_ADMIN))
		return -EACCES;
	if (gid != (uint32_t)-1 && !capable(c, CAP_SYS_ADMIN) && !in_group(c, gid))
		return -EACCES;
	if (uid != (uint32_t)-1)
		k->uid = uid;
	if (gid != (uint32_t)-1)
		k->gid = gid;
	return 0;
}

/* KEYCTL_SESSION_TO_PARENT: the parent process joins the caller's session. */
static long session_to_parent(struct task *t)
{
	struct thread_group *p = tg_find(t->tg->ppid);
	long ret = 0;

	if (!p)
		return -EPERM;
	if (p->cred.uid != t->tg->cred.uid && !capable(&t->tg->cred, CAP_SYS_ADMIN))
		ret = -EPERM;
	else
		p->session_keyring = t->tg->session_keyring;
	tg_put(p);
	return ret;
}

static long do_keyctl(struct task *t, int cmd, const uint64_t *arg)
{
	struct key *k, *ring;
	void *data;
	long ret;

	switch (cmd) {
	case KEYCTL_GET_KEYRING_ID:
		ret = lookup(t, (int32_t)arg[0], arg[1] != 0, &k);
		return ret ?: may(t, k, KEY_USR_SEARCH) ?: k->serial;
	case KEYCTL_JOIN_SESSION_KEYRING:
		return keyctl_join(t, arg[0]);
	case KEYCTL_UPDATE:
		ret = get_key(t, (int32_t)arg[0], false, KEY_USR_WRITE, &k);
		if (!ret && k->type == KT_KEYRING)
			ret = -EOPNOTSUPP;
		if (ret || (ret = get_payload(t, arg[1], arg[2], &data)))
			return ret;
		ret = set_payload(k, data, arg[2]);
		free(data);
		return ret;
	case KEYCTL_REVOKE:
	case KEYCTL_INVALIDATE:
		ret = get_key(t, (int32_t)arg[0], false,
			      cmd == KEYCTL_REVOKE ? KEY_USR_WRITE : KEY_USR_SEARCH, &k);
		if (!ret && cmd == KEYCTL_INVALIDATE)
			key_destroy(k);
		else if (!ret)
			k->revoked = true;
		return ret;
	case KEYCTL_CHOWN:
		ret = lookup(t, (int32_t)arg[0], false, &k);
		return ret ?: k->revoked ? -EKEYREVOKED :
		       keyctl_setowner(t, k, (uint32_t)arg[1], (uint32_t)arg[2]);
	case KEYCTL_SETPERM:
		ret = lookup(t, (int32_t)arg[0], false, &k);
		if (ret)
			return ret;
		if (k->uid != t->tg->cred.fsuid && !capable(&t->tg->cred, CAP_SYS_ADMIN))
			return -EACCES;
		if (arg[1] & ~(uint64_t)0x3f3f3f3f)
			return -EINVAL;
		k->perm = (uint32_t)arg[1];
		return 0;
	case KEYCTL_DESCRIBE:
		ret = get_key(t, (int32_t)arg[0], false, KEY_USR_VIEW, &k);
		return ret ?: keyctl_describe(t, k, arg[1], arg[2]);
	case KEYCTL_CLEAR:
		ret = get_key(t, (int32_t)arg[0], false, KEY_USR_WRITE, &k);
		if (!ret && k->type != KT_KEYRING)
			ret = -ENOTDIR;
		if (!ret)
			k->nlinks = 0;
		return ret;
	case KEYCTL_LINK:
	case KEYCTL_UNLINK:
		ret = get_key(t, (int32_t)arg[0], false, KEY_USR_LINK, &k);
		if (ret == -EKEYREVOKED && cmd == KEYCTL_UNLINK)
			ret = 0;        /* a revoked key may still be unlinked */
		ret = ret ?: get_key(t, (int32_t)arg[1], true, KEY_USR_WRITE, &ring);
		if (ret)
			return ret;
		if (ring->type != KT_KEYRING)
			return -ENOTDIR;
		if (cmd == KEYCTL_UNLINK)
			return unlink_key(ring, k->serial);
		if (k->type == KT_KEYRING && reachable(k, ring->serial, 0))
			return -EDEADLK;        /* a keyring may not hold itself */
		return link_key(ring, k);
	case KEYCTL_SEARCH: {
		enum key_type type;
		char *desc = malloc(KEY_DESC_MAX);

		if (!desc)
			return -ENOMEM;
		ret = get_key(t, (int32_t)arg[0], false, KEY_USR_SEARCH, &ring);
		ret = ret ?: ring->type != KT_KEYRING ? -ENOTDIR : 0;
		ret = ret ?: get_type(t, arg[1], &type) ?: get_desc(t, arg[2], desc);
		if (!ret) {
			k = search(t, ring, type, desc, 0);
			ret = !k ? -ENOKEY : k->revoked ? -EKEYREVOKED : k->serial;
		}
		if (ret > 0 && arg[3] && !get_key(t, (int32_t)arg[3], true, KEY_USR_WRITE, &ring))
			ret = link_key(ring, k) ?: ret;
		free(desc);
		return ret;
	}
	case KEYCTL_READ:
		ret = get_key(t, (int32_t)arg[0], false, KEY_USR_READ, &k);
		return ret ?: keyctl_read(t, k, arg[1], arg[2]);
	case KEYCTL_SET_REQKEY_KEYRING:
		/* only the default (the caller's keyrings) is kept */
		if ((int)arg[0] < KEY_REQKEY_DEFL_NO_CHANGE ||
		    (int)arg[0] > KEY_REQKEY_DEFL_REQUESTOR_KEYRING)
			return -EINVAL;
		return KEY_REQKEY_DEFL_DEFAULT;
	case KEYCTL_SET_TIMEOUT:
		/* accepted; keys do not expire in the sandbox */
		return get_key(t, (int32_t)arg[0], false, KEY_USR_WRITE, &k);
	case KEYCTL_GET_SECURITY:
		ret = get_key(t, (int32_t)arg[0], false, KEY_USR_VIEW, &k);
		if (!ret && arg[1] && arg[2] && copy_to_user(t->tg->mm, arg[1], "", 1))
			ret = -EFAULT;
		return ret ?: 1;        /* no LSM label: the empty string */
	case KEYCTL_SESSION_TO_PARENT:
		return session_to_parent(t);
	default:
		return -EOPNOTSUPP;
	}
}

long sys_keyctl(struct task *t, const struct syscall_args *a)
{
	long ret;

	pthread_mutex_lock(&store.lock);
	ret = do_keyctl(t, ARG_INT(a, 0), &a->a[1]);
	pthread_mutex_unlock(&store.lock);
	return ret;
}
