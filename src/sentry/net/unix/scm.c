/* SPDX-License-Identifier: MIT */
/*
 * Ancillary data of AF_UNIX messages (net/unix/scm.h), as Linux's
 * net/core/scm.c (__scm_send, scm_fp_copy, put_cmsg, scm_detach_fds) and
 * net/unix/scm.c + garbage.c (in-flight accounting, unix_gc).
 *
 * A file sent with SCM_RIGHTS is *in flight* from scm_send until it is
 * received or its message is freed: its struct file counts those
 * references (f->inflight), the sending user is charged for them
 * (Linux's user->unix_inflight, bounded by RLIMIT_NOFILE), and AF_UNIX
 * sockets in flight are listed for the collector.  All three change only
 * under gc_lock, as Linux's unix_gc_lock.
 *
 * Locking: scm_send, scm_recv and scm_destroy take gc_lock, and dropping a
 * reference may release a socket, whose release runs unix_gc; unix_gc
 * takes gc_lock and then, through unix_for_each_scm, the family's queue
 * locks.  So the family calls them with none of its queue locks held.
 */
#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <linux/capability.h>

#include "kernel/kernel.h"
#include "net/unix/scm.h"

#define OVERFLOW_ID 65534       /* /proc/sys/kernel/overflowuid: an id not mapped */

static pthread_mutex_t gc_lock = PTHREAD_MUTEX_INITIALIZER;
static bool gc_in_progress;

/* AF_UNIX socket files with inflight > 0: the collector's candidates. */
static struct file **inflight_socks;
static size_t n_inflight_socks, cap_inflight_socks;

/* Files in flight per sending user (real uid), Linux's user->unix_inflight. */
struct user_inflight {
	uint32_t uid;
	unsigned long n;
	struct user_inflight *next;
};
static struct user_inflight *users;

/* ---------- in-flight accounting (gc_lock held) ---------- */

static struct user_inflight **user_slot(uint32_t uid)
{
	struct user_inflight **u = &users;

	while (*u && (*u)->uid != uid)
		u = &(*u)->next;
	return u;
}

static unsigned long user_inflight(uint32_t uid)
{
	struct user_inflight *u = *user_slot(uid);

	return u ? u->n : 0;
}

static int user_charge(uint32_t uid, int n)
{
	struct user_inflight **slot = user_slot(uid), *u = *slot;

	if (!u) {
		u = calloc(1, sizeof(*u));
		if (!u)
			return -ENOMEM;
		u->uid = uid;
		*slot = u;
	}
	u->n += (unsigned long)n;
	return 0;
}

static void user_uncharge(uint32_t uid, int n)
{
	struct user_inflight **slot = user_slot(uid), *u = *slot;

	if (!u)
		return;
	u->n -= (unsigned long)n;
	if (!u->n) {
		*slot = u->next;
		free(u);
	}
}

/* One more reference of f in flight; a socket's first joins the list. */
static int inflight_add(struct file *f)
{
	if (f->inflight++ || !unix_sock_of(f))
		return 0;
	if (n_inflight_socks == cap_inflight_socks) {
		size_t cap = cap_inflight_socks ? 2 * cap_inflight_socks : 16;
		struct file **n = realloc(inflight_socks, cap * sizeof(*n));

		if (!n) {
			f->inflight--;
			return -ENOMEM;
		}
		inflight_socks = n;
		cap_inflight_socks = cap;
	}
	inflight_socks[n_inflight_socks++] = f;
	return 0;
}

static void inflight_del(struct file *f)
{
	if (--f->inflight || !unix_sock_of(f))
		return;
	for (size_t i = 0; i < n_inflight_socks; i++) {
		if (inflight_socks[i] == f) {
			inflight_socks[i] = inflight_socks[--n_inflight_socks];
			return;
		}
	}
}

/*
 * Put the files of scm in flight, charged to its sender, unless the
 * sender already has more than RLIMIT_NOFILE in flight (Linux's
 * too_many_unix_fds: checked before this message is added, and not for
 * CAP_SYS_RESOURCE or CAP_SYS_ADMIN).
 */
static int scm_attach(struct task *t, struct scm *scm, const struct creds *c)
{
	rlim_t max = t->tg->rlim[RLIMIT_NOFILE].rlim_cur;
	int i, err = 0;

	pthread_mutex_lock(&gc_lock);
	if (user_inflight(scm->user) > max && !capable(c, CAP_SYS_RESOURCE) &&
	    !capable(c, CAP_SYS_ADMIN))
		err = -ETOOMANYREFS;
	for (i = 0; !err && i < scm->nfp; i++)
		err = inflight_add(scm->fp[i]);
	if (!err)
		err = user_charge(scm->user, scm->nfp);
	if (err)
		while (i-- > 0)
			inflight_del(scm->fp[i]);
	pthread_mutex_unlock(&gc_lock);
	return err;
}

/* ---------- send ---------- */

/* SCM_RIGHTS: take a reference on each fd (O_PATH ones too, as Linux's
 * fget_raw), at most SCM_MAX_FD in the whole message. */
static int fp_copy(struct task *t, const char *data, size_t len, struct scm *scm)
{
	size_t num = len / sizeof(int);
	struct file **fp;

	if (!num)
		return 0;
	if (num > SCM_MAX_FD || (size_t)scm->nfp + num > SCM_MAX_FD)
		return -EINVAL;
	fp = realloc(scm->fp, (scm->nfp + num) * sizeof(*fp));
	if (!fp)
		return -ENOMEM;
	scm->fp = fp;
	for (size_t i = 0; i < num; i++) {
		struct file *f;
		int fd;

		memcpy(&fd, data + i * sizeof(int), sizeof(int));
		f = fd < 0 ? NULL : fget_raw(t, fd);
		if (!f)
			return -EBADF;
		scm->fp[scm->nfp++] = f;
	}
	return 0;
}

/*
 * SCM_CREDENTIALS, Linux's scm_check_creds: ids the sandbox maps
 * (EINVAL); the pid the sender's own unless CAP_SYS_ADMIN, the uid one of
 * its real, effective or saved unless CAP_SETUID, the gid likewise unless
 * CAP_SETGID (EPERM); the pid a live process (ESRCH).
 */
static int creds_copy(const struct creds *c, pid_t tgid, const char *data, size_t len,
		      struct scm *scm)
{
	struct thread_group *tg;
	struct ucred u;

	if (len != sizeof(u))
		return -EINVAL;
	memcpy(&u, data, sizeof(u));
	if (!uid_valid(u.uid) || !gid_valid(u.gid))
		return -EINVAL;
	if ((u.pid != tgid && !capable(c, CAP_SYS_ADMIN)) ||
	    (u.uid != c->uid && u.uid != c->euid && u.uid != c->suid &&
	     !capable(c, CAP_SETUID)) ||
	    (u.gid != c->gid && u.gid != c->egid && u.gid != c->sgid &&
	     !capable(c, CAP_SETGID)))
		return -EPERM;
	if (u.pid != tgid) {
		tg = u.pid > 0 ? tg_find(u.pid) : NULL;
		if (!tg)
			return -ESRCH;
		tg_put(tg);
	}
	scm->creds = u;
	return 0;
}

/*
 * Walk the control messages as Linux's for_each_cmsghdr: a header fits
 * in what is left, and its cmsg_len covers it and stays inside (CMSG_OK,
 * else EINVAL); the next one starts CMSG_ALIGN(cmsg_len) further.
 * Messages of another level are skipped, as __scm_send skips them.
 */
int scm_send(struct task *t, struct socket *s, const struct sock_msg *m, struct scm *out)
{
	size_t off = 0, len = m->ctl ? m->ctllen : 0;
	struct creds c;
	int err = 0;

	pthread_mutex_lock(&t->tg->lock);
	c = t->tg->cred;
	pthread_mutex_unlock(&t->tg->lock);
	/* the sender's credentials unless it gives others (scm_set_cred) */
	*out = (struct scm){ .user = c.uid, .has_creds = true,
			     .creds = { .pid = t->tg->pid, .uid = c.uid, .gid = c.gid } };
	while (!err && len - off >= sizeof(struct cmsghdr)) {
		struct cmsghdr h;
		const char *data = m->ctl + off + CMSG_LEN(0);

		memcpy(&h, m->ctl + off, sizeof(h));
		if (h.cmsg_len < sizeof(h) || h.cmsg_len > len - off) {
			err = -EINVAL;
			break;
		}
		if (h.cmsg_level != SOL_SOCKET)
			;
		else if (h.cmsg_type == SCM_RIGHTS && s && s->family == AF_UNIX)
			err = fp_copy(t, data, h.cmsg_len - CMSG_LEN(0), out);
		else if (h.cmsg_type == SCM_CREDENTIALS)
			err = creds_copy(&c, t->tg->pid, data, h.cmsg_len - CMSG_LEN(0), out);
		else
			err = -EINVAL;
		off += CMSG_ALIGN(h.cmsg_len);
		if (off > len)
			break;
	}
	if (!err && out->nfp)
		err = scm_attach(t, out, &c);
	if (err) {
		/* nothing of it is in flight yet: just the references */
		for (int i = 0; i < out->nfp; i++)
			file_put(out->fp[i]);
		free(out->fp);
		out->fp = NULL;
		out->nfp = 0;
	}
	return err;
}

/* ---------- receive ---------- */

/* Where the next control message goes: m->ctl, room m->ctllen at start. */
struct cmsg_out {
	char *p;
	size_t room;
	int *flags;
};

/*
 * Linux's put_cmsg: without room for a header, nothing but MSG_CTRUNC;
 * with room for less than the whole, what fits (cmsg_len says how much)
 * and MSG_CTRUNC.
 */
static void put_cmsg(struct cmsg_out *o, int level, int type, const void *data, size_t len)
{
	struct cmsghdr h = { .cmsg_len = CMSG_LEN(len), .cmsg_level = level,
			     .cmsg_type = type };
	size_t space;

	if (!o->p || o->room < sizeof(h)) {
		*o->flags |= MSG_CTRUNC;
		return;
	}
	if (o->room < h.cmsg_len) {
		*o->flags |= MSG_CTRUNC;
		h.cmsg_len = o->room;
	}
	memcpy(o->p, &h, sizeof(h));
	memcpy(o->p + CMSG_LEN(0), data, h.cmsg_len - CMSG_LEN(0));
	space = CMSG_SPACE(len) < o->room ? CMSG_SPACE(len) : o->room;
	o->p += space;
	o->room -= space;
}

/*
 * Linux's scm_detach_fds: as many of the files as the room holds get new
 * fds (a new reference each), stopping at the first that cannot (EMFILE);
 * MSG_CTRUNC if any is left out.
 */
static void detach_fds(struct task *t, struct scm *scm, struct cmsg_out *o, bool cloexec)
{
	int max = o->p && o->room > CMSG_LEN(0) ? (int)((o->room - CMSG_LEN(0)) / sizeof(int)) : 0;
	int i;

	if (max > scm->nfp)
		max = scm->nfp;
	/* under the gc lock, as Linux's unix_peek_fds: a file taken out of a
	 * queue this way is never seen by the collector half-way */
	pthread_mutex_lock(&gc_lock);
	for (i = 0; i < max; i++) {
		long fd = fd_install_new(t, file_get(scm->fp[i]), cloexec);
		int v = (int)fd;

		if (fd < 0)
			break;
		memcpy(o->p + CMSG_LEN(0) + (size_t)i * sizeof(int), &v, sizeof(v));
	}
	pthread_mutex_unlock(&gc_lock);
	if (i > 0) {
		struct cmsghdr h = { .cmsg_len = CMSG_LEN((size_t)i * sizeof(int)),
				     .cmsg_level = SOL_SOCKET, .cmsg_type = SCM_RIGHTS };
		size_t space = CMSG_SPACE((size_t)i * sizeof(int));

		memcpy(o->p, &h, sizeof(h));
		space = space < o->room ? space : o->room;
		o->p += space;
		o->room -= space;
	}
	if (i < scm->nfp)
		*o->flags |= MSG_CTRUNC;
}

void scm_recv(struct task *t, struct socket *s, struct scm *scm, struct sock_msg *m,
	      int flags, bool passcred)
{
	struct cmsg_out o = { m->ctl, m->ctl ? m->ctllen : 0, &m->rflags };

	(void)s;
	if (passcred) {
		/* a message that came without credentials: Linux shows pid 0
		 * and the overflow ids */
		struct ucred u = { 0, OVERFLOW_ID, OVERFLOW_ID };

		if (scm && scm->has_creds)
			u = scm->creds;
		put_cmsg(&o, SOL_SOCKET, SCM_CREDENTIALS, &u, sizeof(u));
	}
	if (scm && scm->nfp)
		detach_fds(t, scm, &o, flags & MSG_CMSG_CLOEXEC);
	m->ctllen = m->ctl ? m->ctllen - o.room : 0;
	/* received: what was not installed is dropped with the message */
	if (scm && !(flags & MSG_PEEK))
		scm_destroy(scm);
}

void scm_destroy(struct scm *scm)
{
	if (!scm || !scm->fp)
		return;
	pthread_mutex_lock(&gc_lock);
	for (int i = 0; i < scm->nfp; i++)
		inflight_del(scm->fp[i]);
	user_uncharge(scm->user, scm->nfp);
	pthread_mutex_unlock(&gc_lock);
	/* outside the lock: a last reference releases a socket, which may
	 * run the collector */
	for (int i = 0; i < scm->nfp; i++)
		file_put(scm->fp[i]);
	free(scm->fp);
	scm->fp = NULL;
	scm->nfp = 0;
}

/* ---------- the collector ---------- */

/*
 * A candidate: an AF_UNIX socket in flight with no other reference, so
 * only a message can ever give it back to someone.  left: its in-flight
 * references not held by another candidate's queue (Linux's trial
 * deletion); edges: the candidates its own queue holds.
 */
struct cand {
	struct file *f;
	unsigned long left;
	size_t edge0, nedges;   /* its children: edges[edge0 ..] */
	bool reachable;
};

struct gc_graph {
	struct cand *c;
	size_t n;
	size_t *edges;          /* candidate indexes */
	size_t nedges, cap_edges;
	size_t from;            /* the candidate whose queue is walked */
	bool nomem;
};

static int cand_cmp(const void *a, const void *b)
{
	const struct file *x = ((const struct cand *)a)->f, *y = ((const struct cand *)b)->f;

	return x < y ? -1 : x > y;
}

static struct cand *cand_find(struct gc_graph *g, struct file *f)
{
	struct cand key = { .f = f };

	return bsearch(&key, g->c, g->n, sizeof(*g->c), cand_cmp);
}

/* unix_for_each_scm's callback: each candidate the message holds is one
 * reference less from outside, and a child of g->from. */
static void gc_scan(struct scm *scm, void *arg)
{
	struct gc_graph *g = arg;

	for (int i = 0; i < scm->nfp; i++) {
		struct cand *c = cand_find(g, scm->fp[i]);

		if (!c)
			continue;
		if (c->left)
			c->left--;
		if (g->nedges == g->cap_edges) {
			size_t cap = g->cap_edges ? 2 * g->cap_edges : 64;
			size_t *e = realloc(g->edges, cap * sizeof(*e));

			if (!e) {
				g->nomem = true;
				continue;
			}
			g->edges = e;
			g->cap_edges = cap;
		}
		g->edges[g->nedges++] = (size_t)(c - g->c);
		g->c[g->from].nedges++;
	}
}

/* Mark what an outside reference reaches, depth first along the edges. */
static void gc_mark(struct gc_graph *g, size_t i, size_t *stack)
{
	size_t top = 0;

	g->c[i].reachable = true;
	stack[top++] = i;
	while (top) {
		struct cand *c = &g->c[stack[--top]];

		for (size_t e = c->edge0; e < c->edge0 + c->nedges; e++) {
			struct cand *d = &g->c[g->edges[e]];

			if (!d->reachable) {
				d->reachable = true;
				stack[top++] = (size_t)(d - g->c);
			}
		}
	}
}

/*
 * Select the candidates and snapshot their graph, gc_lock held: every
 * queue is walked once, so a message queued meanwhile cannot unbalance
 * the counts (a file in transit, out of any queue, keeps its socket
 * reachable: the safe side).  Returns the unreachable ones, each with a
 * reference, NULL-terminated; NULL if none.
 */
static struct file **gc_find_garbage(void)
{
	struct gc_graph g = { 0 };
	struct file **dead = NULL;
	size_t *stack = NULL, ndead = 0;

	g.c = calloc(n_inflight_socks ? n_inflight_socks : 1, sizeof(*g.c));
	if (!g.c)
		return NULL;
	for (size_t i = 0; i < n_inflight_socks; i++) {
		struct file *f = inflight_socks[i];

		if ((unsigned)__atomic_load_n(&f->refs, __ATOMIC_ACQUIRE) == f->inflight)
			g.c[g.n++] = (struct cand){ .f = f, .left = f->inflight };
	}
	qsort(g.c, g.n, sizeof(*g.c), cand_cmp);
	for (g.from = 0; g.from < g.n; g.from++) {
		g.c[g.from].edge0 = g.nedges;
		unix_for_each_scm(unix_sock_of(g.c[g.from].f), gc_scan, &g);
	}
	stack = g.nomem ? NULL : calloc(g.n ? g.n : 1, sizeof(*stack));
	dead = stack ? calloc(g.n + 1, sizeof(*dead)) : NULL;
	if (!dead)
		goto out;
	for (size_t i = 0; i < g.n; i++)
		if (g.c[i].left && !g.c[i].reachable)
			gc_mark(&g, i, stack);
	for (size_t i = 0; i < g.n; i++)
		if (!g.c[i].reachable)
			dead[ndead++] = file_get(g.c[i].f);
	if (!ndead) {
		free(dead);
		dead = NULL;
	}
out:
	free(stack);
	free(g.edges);
	free(g.c);
	return dead;
}

/*
 * Linux's unix_gc in spirit: sockets whose every reference is in flight
 * and that no such reference from outside their group reaches are
 * garbage (a socket in its own queue, two in each other's); their queues
 * are purged, which drops the references that kept them.  One collection
 * at a time; a release during the purge does not start another.
 */
void unix_gc(void)
{
	struct file **dead;

	pthread_mutex_lock(&gc_lock);
	if (gc_in_progress || !n_inflight_socks) {
		pthread_mutex_unlock(&gc_lock);
		return;
	}
	gc_in_progress = true;
	dead = gc_find_garbage();
	pthread_mutex_unlock(&gc_lock);
	/* our own reference keeps each alive until every queue is purged */
	for (size_t i = 0; dead && dead[i]; i++)
		unix_purge_queue(unix_sock_of(dead[i]));
	for (size_t i = 0; dead && dead[i]; i++)
		file_put(dead[i]);
	free(dead);
	pthread_mutex_lock(&gc_lock);
	gc_in_progress = false;
	pthread_mutex_unlock(&gc_lock);
}
