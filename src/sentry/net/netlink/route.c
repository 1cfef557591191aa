/* SPDX-License-Identifier: MIT */
/*
 * NETLINK_ROUTE, read-only (issue 14, item 3), as Linux's rtnetlink.c and
 * gVisor's netlink/route: dumps of the links, addresses and routes of the
 * sandbox's network namespace (RTM_GETLINK, RTM_GETADDR, RTM_GETROUTE with
 * NLM_F_DUMP), one link by index or name, and a route lookup (ip route
 * get), answered by the host's own lookup.  What would change the
 * network is refused as Linux refuses it: EPERM without CAP_NET_ADMIN,
 * and with it EOPNOTSUPP, since the sandbox never changes it.
 *
 * The objects come from the host (host.c).  Each reply message is made
 * here: the requester's sequence number and port id, the fixed header as
 * the host gave it, and of its attributes only those of the lists below,
 * copied after a check of their lengths.  Left out: what names host
 * namespaces (IFLA_LINK_NETNSID, IFA_TARGET_NETNSID), per-family device
 * settings (IFLA_AF_SPEC), VFs, XDP and events.
 */
#include <errno.h>
#include <linux/if.h>
#include <linux/if_addr.h>
#include <linux/if_link.h>
#include <linux/rtnetlink.h>
#include <string.h>
#include <sys/socket.h>

#include "net/netlink/netlink.h"

#define CAP_NET_ADMIN 12
#define BIT(n) (1ULL << (n))

/* The attributes an application sees, by type (all below 64). */
static const uint64_t link_attrs =
	BIT(IFLA_ADDRESS) | BIT(IFLA_BROADCAST) | BIT(IFLA_IFNAME) | BIT(IFLA_MTU) |
	BIT(IFLA_LINK) | BIT(IFLA_QDISC) | BIT(IFLA_STATS) | BIT(IFLA_MASTER) |
	BIT(IFLA_TXQLEN) | BIT(IFLA_OPERSTATE) | BIT(IFLA_LINKMODE) | BIT(IFLA_LINKINFO) |
	BIT(IFLA_IFALIAS) | BIT(IFLA_STATS64) | BIT(IFLA_GROUP) | BIT(IFLA_PROMISCUITY) |
	BIT(IFLA_NUM_TX_QUEUES) | BIT(IFLA_NUM_RX_QUEUES) | BIT(IFLA_CARRIER) |
	BIT(IFLA_CARRIER_CHANGES) | BIT(IFLA_GSO_MAX_SEGS) | BIT(IFLA_GSO_MAX_SIZE) |
	BIT(IFLA_CARRIER_UP_COUNT) | BIT(IFLA_CARRIER_DOWN_COUNT) | BIT(IFLA_MIN_MTU) |
	BIT(IFLA_MAX_MTU) | BIT(IFLA_PROP_LIST) | BIT(IFLA_PERM_ADDRESS) |
	BIT(IFLA_GRO_MAX_SIZE) | BIT(IFLA_TSO_MAX_SIZE) | BIT(IFLA_TSO_MAX_SEGS) |
	BIT(IFLA_ALLMULTI);
static const uint64_t addr_attrs =
	BIT(IFA_ADDRESS) | BIT(IFA_LOCAL) | BIT(IFA_LABEL) | BIT(IFA_BROADCAST) |
	BIT(IFA_ANYCAST) | BIT(IFA_CACHEINFO) | BIT(IFA_MULTICAST) | BIT(IFA_FLAGS) |
	BIT(IFA_RT_PRIORITY) | BIT(IFA_PROTO);
static const uint64_t route_attrs =
	BIT(RTA_DST) | BIT(RTA_SRC) | BIT(RTA_IIF) | BIT(RTA_OIF) | BIT(RTA_GATEWAY) |
	BIT(RTA_PRIORITY) | BIT(RTA_PREFSRC) | BIT(RTA_METRICS) | BIT(RTA_MULTIPATH) |
	BIT(RTA_FLOW) | BIT(RTA_CACHEINFO) | BIT(RTA_TABLE) | BIT(RTA_PREF) | BIT(RTA_VIA) |
	BIT(RTA_UID);

/* One dump (or a search for one link) in progress. */
struct dump {
	const struct nlmsghdr *req;
	struct nl_reply *r;
	uint16_t flags;                 /* of each message: NLM_F_MULTI in a dump */
	int family;                     /* AF_INET, AF_INET6; AF_UNSPEC: both */
	int index;                      /* only this interface; 0: all */
	const char *name;               /* only this interface name; NULL: all */
	size_t fixed;                   /* the fixed header's size */
	uint64_t attrs;                 /* the attributes passed on */
	int found;
};

/* Attribute at off of len bytes: whole, or NULL. */
static const struct rtattr *attr_at(const char *p, size_t off, size_t len)
{
	const struct rtattr *a = (const struct rtattr *)(p + off);

	if (len - off < sizeof(*a) || a->rta_len < sizeof(*a) || a->rta_len > len - off)
		return NULL;
	return a;
}

/* The host's message h again, for the application: the fixed header and
 * the attributes of d->attrs. */
static int put_filtered(struct dump *d, const struct nlmsghdr *h)
{
	size_t len = h->nlmsg_len - NLMSG_HDRLEN, out = NLMSG_ALIGN(d->fixed);
	const char *in = NLMSG_DATA(h);
	char *p = nl_put(d->r, h->nlmsg_type, d->flags, d->req->nlmsg_seq, len);

	if (!p)
		return d->r->err;
	memcpy(p, in, d->fixed);
	for (size_t off = NLMSG_ALIGN(d->fixed); off < len;) {
		const struct rtattr *a = attr_at(in, off, len);
		unsigned type = a ? a->rta_type & NLA_TYPE_MASK : 0;

		if (!a)
			break;          /* the host's, malformed: the rest is dropped */
		if (type < 64 && (d->attrs & BIT(type))) {
			memcpy(p + out, a, a->rta_len);
			out += RTA_ALIGN(a->rta_len);
		}
		off += RTA_ALIGN(a->rta_len);
	}
	nl_trim(d->r, out);
	d->found++;
	return 0;
}

static int put_filtered_cb(const struct nlmsghdr *h, void *arg)
{
	return put_filtered(arg, h);
}

/* The name of a link message (IFLA_IFNAME), or NULL. */
static const char *link_name(const struct nlmsghdr *h)
{
	size_t len = h->nlmsg_len - NLMSG_HDRLEN;
	const char *p = NLMSG_DATA(h);

	for (size_t off = NLMSG_ALIGN(sizeof(struct ifinfomsg)); off < len;) {
		const struct rtattr *a = attr_at(p, off, len);

		if (!a)
			return NULL;
		if ((a->rta_type & NLA_TYPE_MASK) == IFLA_IFNAME &&
		    memchr(RTA_DATA(a), 0, RTA_PAYLOAD(a)))
			return RTA_DATA(a);
		off += RTA_ALIGN(a->rta_len);
	}
	return NULL;
}

static int link_cb(const struct nlmsghdr *h, void *arg)
{
	struct dump *d = arg;
	const struct ifinfomsg *ifi = NLMSG_DATA(h);
	const char *name = d->name ? link_name(h) : NULL;

	if (d->index && ifi->ifi_index != d->index)
		return 0;
	if (d->name && (!name || strcmp(name, d->name)))
		return 0;
	return put_filtered(d, h);
}

static bool family_ok(const struct dump *d, int family)
{
	if (family != AF_INET && family != AF_INET6)
		return false;
	return d->family == AF_UNSPEC || d->family == family;
}

static int addr_cb(const struct nlmsghdr *h, void *arg)
{
	struct dump *d = arg;
	const struct ifaddrmsg *ifa = NLMSG_DATA(h);

	if (!family_ok(d, ifa->ifa_family) || (d->index && (int)ifa->ifa_index != d->index))
		return 0;
	return put_filtered(d, h);
}

static int route_cb(const struct nlmsghdr *h, void *arg)
{
	struct dump *d = arg;
	const struct rtmsg *rtm = NLMSG_DATA(h);

	return family_ok(d, rtm->rtm_family) ? put_filtered(d, h) : 0;
}

/* A dump of the host's objects of one kind, ended by NLMSG_DONE. */
static int dump(struct dump *d, int type, host_dump_fn fn)
{
	int err = host_dump(type, d->family == AF_INET || d->family == AF_INET6 ? d->family
									      : AF_UNSPEC,
			    fn, d);

	if (err)
		return err;
	nl_done(d->r, d->req);
	return d->r->err ? d->r->err : NL_DUMPED;
}

/* The payload of h as the fixed header of its type: strict requests need
 * all of it (EINVAL), others at least the family (rtgenmsg). */
static const void *fixed_of(const struct nlmsghdr *h, size_t fixed, bool strict)
{
	static const char zero[sizeof(struct ifinfomsg)];

	if (h->nlmsg_len >= NLMSG_LENGTH(fixed))
		return NLMSG_DATA(h);
	return strict ? NULL : zero;
}

static int getlink_dump(struct dump *d)
{
	d->fixed = sizeof(struct ifinfomsg);
	d->attrs = link_attrs;
	d->family = AF_UNSPEC;          /* every link, whatever family asked */
	return dump(d, RTM_GETLINK, link_cb);
}

/* The name a single RTM_GETLINK asks for (IFLA_IFNAME): 0, or -EINVAL. */
static int getlink_name(const struct nlmsghdr *h, char name[IFNAMSIZ])
{
	size_t len = h->nlmsg_len - NLMSG_HDRLEN;
	const char *p = NLMSG_DATA(h);

	for (size_t off = NLMSG_ALIGN(sizeof(struct ifinfomsg)); off < len;) {
		const struct rtattr *a = attr_at(p, off, len);
		size_t n;

		if (!a)
			return -EINVAL;
		if ((a->rta_type & NLA_TYPE_MASK) == IFLA_IFNAME) {
			n = strnlen(RTA_DATA(a), RTA_PAYLOAD(a));
			if (n >= IFNAMSIZ)
				return -EINVAL;
			memcpy(name, RTA_DATA(a), n);
			name[n] = 0;
		}
		off += RTA_ALIGN(a->rta_len);
	}
	return 0;
}

/* RTM_GETLINK of one link, by index, else by name (rtnl_getlink). */
static int getlink_one(struct dump *d)
{
	const struct ifinfomsg *ifi = fixed_of(d->req, sizeof(*ifi), true);
	char name[IFNAMSIZ] = "";
	int err;

	if (!ifi)
		return -EINVAL;
	err = getlink_name(d->req, name);
	if (err)
		return err;
	d->index = ifi->ifi_index;
	d->name = !d->index && name[0] ? name : NULL;
	if (!d->index && !d->name)
		return -EINVAL;
	d->fixed = sizeof(struct ifinfomsg);
	d->attrs = link_attrs;
	d->flags = 0;
	err = host_dump(RTM_GETLINK, AF_UNSPEC, link_cb, d);
	if (!err && !d->found)
		err = -ENODEV;
	return err ? err : d->r->err;
}

static int getaddr_dump(struct dump *d, bool strict)
{
	const struct ifaddrmsg *ifa = fixed_of(d->req, sizeof(*ifa), strict);

	if (!ifa)
		return -EINVAL;
	/* strict: the header's filter fields must be zero, the index filters */
	if (strict && (ifa->ifa_prefixlen || ifa->ifa_flags || ifa->ifa_scope))
		return -EINVAL;
	d->index = strict ? (int)ifa->ifa_index : 0;
	d->fixed = sizeof(struct ifaddrmsg);
	d->attrs = addr_attrs;
	return dump(d, RTM_GETADDR, addr_cb);
}

static int getroute_dump(struct dump *d, bool strict)
{
	if (!fixed_of(d->req, sizeof(struct rtmsg), strict))
		return -EINVAL;
	d->fixed = sizeof(struct rtmsg);
	d->attrs = route_attrs;
	return dump(d, RTM_GETROUTE, route_cb);
}

/* A route lookup the sentry asks the host: the application's rtmsg fields
 * and the attributes a lookup by destination, source and output interface
 * needs, checked and copied; the requester's uid, as Linux takes current's. */
struct route_get {
	struct nlmsghdr h;
	struct rtmsg rtm;
	char attrs[3 * RTA_SPACE(16) + RTA_SPACE(4)];
};

static int getroute_attr(struct route_get *q, const struct rtattr *a)
{
	unsigned type = a->rta_type & NLA_TYPE_MASK;
	size_t want = type == RTA_OIF ? 4 : q->rtm.rtm_family == AF_INET ? 4 : 16;
	struct rtattr *out = (struct rtattr *)((char *)q + q->h.nlmsg_len);

	if (type != RTA_DST && type != RTA_SRC && type != RTA_OIF)
		return 0;               /* not needed for a lookup: left out */
	if (RTA_PAYLOAD(a) < want)
		return -ERANGE;         /* shorter than its policy says (validate_nla) */
	if (q->h.nlmsg_len + RTA_SPACE(want) > sizeof(*q))
		return -EINVAL;         /* the same attribute again and again */
	out->rta_type = (unsigned short)type;
	out->rta_len = (unsigned short)RTA_LENGTH(want);
	memcpy(RTA_DATA(out), RTA_DATA(a), want);
	q->h.nlmsg_len += RTA_SPACE(want);
	return 0;
}

/* RTM_GETROUTE without NLM_F_DUMP (ip route get): the host's answer. */
static int getroute_one(struct task *t, struct dump *d)
{
	const struct rtmsg *rtm = fixed_of(d->req, sizeof(*rtm), true);
	const char *p = NLMSG_DATA(d->req);
	size_t len = d->req->nlmsg_len - NLMSG_HDRLEN;
	struct route_get q = { .h = { .nlmsg_len = NLMSG_LENGTH(sizeof(struct rtmsg)),
				      .nlmsg_type = RTM_GETROUTE, .nlmsg_flags = NLM_F_REQUEST } };
	struct rtattr *uid;
	int err;

	if (!rtm)
		return -EINVAL;
	if (rtm->rtm_family != AF_INET && rtm->rtm_family != AF_INET6)
		return -EOPNOTSUPP;     /* no AF_UNSPEC lookup, as Linux */
	q.rtm = (struct rtmsg){ .rtm_family = rtm->rtm_family, .rtm_dst_len = rtm->rtm_dst_len,
				.rtm_src_len = rtm->rtm_src_len, .rtm_tos = rtm->rtm_tos,
				.rtm_flags = rtm->rtm_flags & (RTM_F_FIB_MATCH | RTM_F_LOOKUP_TABLE) };
	for (size_t off = NLMSG_ALIGN(sizeof(*rtm)); off < len;) {
		const struct rtattr *a = attr_at(p, off, len);

		err = a ? getroute_attr(&q, a) : -EINVAL;
		if (err)
			return err;
		off += RTA_ALIGN(a->rta_len);
	}
	uid = (struct rtattr *)((char *)&q + q.h.nlmsg_len);
	*uid = (struct rtattr){ .rta_len = RTA_LENGTH(4), .rta_type = RTA_UID };
	memcpy(RTA_DATA(uid), &t->tg->cred.uid, 4);
	q.h.nlmsg_len += RTA_SPACE(4);
	d->fixed = sizeof(struct rtmsg);
	d->attrs = route_attrs;
	d->flags = 0;
	err = host_ask(&q.h, put_filtered_cb, d);
	return err ? err : d->r->err;
}

int rtnl_request(struct task *t, const struct nlmsghdr *h, bool strict, struct nl_reply *r)
{
	struct dump d = { .req = h, .r = r, .flags = NLM_F_MULTI };
	bool is_dump = h->nlmsg_flags & NLM_F_DUMP;     /* either bit, as Linux */

	if (h->nlmsg_type > RTM_MAX)
		return -EOPNOTSUPP;
	/* every message carries at least a family (rtnetlink_rcv_msg) */
	if (h->nlmsg_len < NLMSG_LENGTH(sizeof(struct rtgenmsg)))
		return 0;
	d.family = ((const struct rtgenmsg *)NLMSG_DATA(h))->rtgen_family;
	if ((h->nlmsg_type & 3) != (RTM_GETLINK & 3))
		return capable(&t->tg->cred, CAP_NET_ADMIN) ? -EOPNOTSUPP : -EPERM;
	switch (h->nlmsg_type) {
	case RTM_GETLINK:
		return is_dump ? getlink_dump(&d) : getlink_one(&d);
	case RTM_GETADDR:
		return is_dump ? getaddr_dump(&d, strict) : -EOPNOTSUPP;
	case RTM_GETROUTE:
		return is_dump ? getroute_dump(&d, strict) : getroute_one(t, &d);
	}
	return -EOPNOTSUPP;
}
