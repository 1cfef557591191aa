/* SPDX-License-Identifier: MIT */
/*
 * get/setsockopt on host-mode inet sockets (issue 12, finding 3): only the
 * (level, name) pairs of common/hostnet.def, each with the type of its
 * value.  The sentry copies at most that much and the host reads the copy;
 * an option off the list is ENOPROTOOPT before anything of it is read.
 * SO_RCVTIMEO / SO_SNDTIMEO are also kept here for the sentry's own waits.
 */
#include <errno.h>
#include <linux/capability.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <netinet/udp.h>
#include <string.h>
#include <sys/socket.h>

#include "mm/mm.h"
#include "net/hostinet.h"
#include "net/net.h"

/* The types of the options' values (common/hostnet.def), and how much of
 * each the sentry copies: the most that Linux reads or writes for it. */
enum opt_kind {
	OPT_INT, OPT_LINGER, OPT_TIMEVAL, OPT_STRING, OPT_MREQN, OPT_MREQ_SOURCE,
	OPT_MREQ6, OPT_GROUP_REQ, OPT_GROUP_SOURCE_REQ, OPT_TCP_INFO,
};

static const size_t opt_size[] = {
	[OPT_INT] = sizeof(int),
	[OPT_LINGER] = sizeof(struct linger),
	[OPT_TIMEVAL] = sizeof(struct timeval),
	[OPT_STRING] = 16,                      /* TCP_CA_NAME_MAX */
	[OPT_MREQN] = sizeof(struct ip_mreqn),  /* or the shorter ip_mreq, in_addr */
	[OPT_MREQ_SOURCE] = sizeof(struct ip_mreq_source),
	[OPT_MREQ6] = sizeof(struct ipv6_mreq),
	[OPT_GROUP_REQ] = sizeof(struct group_req),
	[OPT_GROUP_SOURCE_REQ] = sizeof(struct group_source_req),
	[OPT_TCP_INFO] = 512,   /* the host kernel's struct tcp_info, which grows */
};
#define OPT_MAX 512

enum { GET = 1, SET = 2, GETSET = 3 };

static const struct sockopt {
	int level, name;
	enum opt_kind kind;
	int access;
} sockopts[] = {
#define HOST_SOCKOPT(level, name, kind, access) { level, name, OPT_##kind, access },
#include "hostnet.def"
};

static const struct sockopt *sockopt_find(int level, int name, int access)
{
	for (size_t i = 0; i < sizeof(sockopts) / sizeof(sockopts[0]); i++)
		if (sockopts[i].level == level && sockopts[i].name == name)
			return sockopts[i].access & access ? &sockopts[i] : NULL;
	return NULL;
}

/* A value from the application: as much as Linux would read of it. */
static int opt_in(struct task *t, const struct sockopt *o, uint64_t uval, char *val, int *len)
{
	long n;

	if ((size_t)*len > opt_size[o->kind])
		*len = (int)opt_size[o->kind];
	if (o->kind != OPT_STRING)
		return copy_from_user(t->tg->mm, val, uval, (size_t)*len) ? -EFAULT : 0;
	/* a name, read up to its NUL as strncpy_from_user does */
	n = strncpy_from_user(t->tg->mm, val, uval, (size_t)*len);
	return n == -EFAULT ? -EFAULT : 0;
}

/*
 * SO_SNDBUFFORCE and SO_RCVBUFFORCE: the sizes past net.core.*mem_max
 * that CAP_NET_ADMIN may set.  The sandbox's capability is not the
 * host's: the size is set as SO_SNDBUF/SO_RCVBUF, within the host's
 * limits (Linux clamps the forced value too, to INT_MAX / 2).
 */
static int force_to_plain(struct task *t, int level, int *name)
{
	bool admin;

	if (level != SOL_SOCKET || (*name != SO_SNDBUFFORCE && *name != SO_RCVBUFFORCE))
		return 0;
	pthread_mutex_lock(&t->tg->lock);
	admin = capable(&t->tg->cred, CAP_NET_ADMIN);
	pthread_mutex_unlock(&t->tg->lock);
	if (!admin)
		return -EPERM;
	*name = *name == SO_SNDBUFFORCE ? SO_SNDBUF : SO_RCVBUF;
	return 0;
}

int hostinet_setsockopt(struct task *t, struct socket *s, int level, int name, uint64_t uval,
			int len)
{
	const struct sockopt *o = NULL;
	char val[OPT_MAX] = { 0 };
	struct hsock *h = s->priv;
	int err = force_to_plain(t, level, &name);

	if (err)
		;
	else if (!(o = sockopt_find(level, name, SET)))
		err = -ENOPROTOOPT;     /* nothing of the value is read */
	else
		err = opt_in(t, o, uval, val, &len);
	if (!err && setsockopt(h->fd, level, name, val, (socklen_t)len))
		err = -errno;
	/* SO_RCVTIMEO / SO_SNDTIMEO, once the host has checked the value */
	if (!err && o->kind == OPT_TIMEVAL)
		sock_set_timeo(s, name, (const struct timeval *)val);
	return err;
}

/* The host answers into a sentry buffer no larger than the value's type
 * (nor than room): what it writes, and its length, go to the application. */
static int opt_out(struct task *t, const struct sockopt *o, int fd, int room,
		    uint64_t uval, uint64_t ulen)
{
	char val[OPT_MAX];
	socklen_t len = (size_t)room < opt_size[o->kind] ? (socklen_t)room
							 : (socklen_t)opt_size[o->kind];

	if (getsockopt(fd, o->level, o->name, val, &len))
		return -errno;
	if (copy_to_user(t->tg->mm, uval, val, len) ||
	    copy_to_user(t->tg->mm, ulen, &len, sizeof(len)))
		return -EFAULT;
	return 0;
}

/* A level no layer of an IPv4 socket knows: Linux's ip_getsockopt, where
 * every protocol's getsockopt ends, answers it EOPNOTSUPP (an unknown
 * name of a known level, and IPv6 sockets, ENOPROTOOPT). */
static bool unknown_level(const struct socket *s, int level)
{
	return s->family == AF_INET && level != SOL_SOCKET && level != SOL_IP &&
	       level != s->protocol;
}

int hostinet_getsockopt(struct task *t, struct socket *s, int level, int name, uint64_t uval,
			uint64_t ulen)
{
	const struct sockopt *o = sockopt_find(level, name, GET);
	int room;

	if (!o)
		return unknown_level(s, level) ? -EOPNOTSUPP : -ENOPROTOOPT;
	if (copy_from_user(t->tg->mm, &room, ulen, sizeof(room)))
		return -EFAULT;
	return room < 0 ? -EINVAL : opt_out(t, o, ((struct hsock *)s->priv)->fd, room, uval, ulen);
}
