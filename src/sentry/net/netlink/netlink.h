/* SPDX-License-Identifier: MIT */
/*
 * AF_NETLINK in the sentry (issue 14, item 3), inside net/netlink/ only.
 * af_netlink.c is the family (socket, bind, the queue of replies, options,
 * waiting), as Linux's net/netlink/af_netlink.c; reply.c builds the
 * messages of a reply (Linux's nlmsg_put, netlink_ack); route.c is the one
 * protocol, NETLINK_ROUTE, read-only, as gVisor's netlink/route; host.c
 * reads the interfaces, addresses and routes of the sentry's own network
 * namespace from the host, with a request the sentry builds itself.
 */
#ifndef CVISOR_NET_NETLINK_H
#define CVISOR_NET_NETLINK_H

#include <linux/netlink.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "kernel/kernel.h"

/*
 * Replies being built for one request: whole netlink messages in
 * datagrams, a dump's packed into datagrams of at most NL_DGRAM_MAX bytes
 * as Linux packs a dump into skbs (a message never straddles two), queued
 * on the socket at the end.
 */
#define NL_DGRAM_MAX 4096       /* NLMSG_GOODSIZE on 4 KiB pages is smaller */

struct nl_dgram {
	struct nl_dgram *next;
	size_t len, cap;
	_Alignas(NLMSG_ALIGNTO) char data[];
};

struct nl_reply {
	struct nl_dgram *first, *last;
	struct nlmsghdr *cur;           /* the last message put */
	size_t bytes;
	uint32_t portid;                /* the requester's, in every header */
	int err;                        /* -ENOMEM once a message was lost */
};

/* Append a message of type, flags, seq (to r->portid) with room for a
 * payload of len bytes, zeroed: the payload, NULL if no memory (r->err). */
void *nl_put(struct nl_reply *r, uint16_t type, uint16_t flags, uint32_t seq, size_t len);
/* The payload of the message nl_put() just added is len bytes, no more. */
void nl_trim(struct nl_reply *r, size_t len);
/* NLMSG_ERROR for request h (0 is an acknowledgement), as netlink_ack(). */
void nl_ack(struct nl_reply *r, const struct nlmsghdr *h, int err, bool cap_ack);
/* NLMSG_DONE of a dump, as netlink_dump_done(). */
void nl_done(struct nl_reply *r, const struct nlmsghdr *h);
void nl_reply_free(struct nl_reply *r);

/*
 * NETLINK_ROUTE (route.c): one request message, whose nlmsg_len is
 * within the datagram and at least NLMSG_HDRLEN; strict: the socket set
 * NETLINK_GET_STRICT_CHK.  Replies (and an error
 * for a failed request) go to r; the result is 0 or a negative errno to
 * answer with an NLMSG_ERROR, or NL_DUMPED when a dump ended with its
 * NLMSG_DONE (Linux's -EINTR from netlink_dump_start: no acknowledgement).
 */
#define NL_DUMPED 1
int rtnl_request(struct task *t, const struct nlmsghdr *h, bool strict, struct nl_reply *r);

/*
 * host.c: the objects of one kind (RTM_GETLINK, RTM_GETADDR, RTM_GETROUTE)
 * of the sentry's network namespace, as the host kernel dumps them for
 * family (AF_UNSPEC: all).  fn is called on each message, whole and
 * checked (nlmsg_len within the data, the fixed header present); nonzero
 * from fn ends the walk with that value.
 */
typedef int (*host_dump_fn)(const struct nlmsghdr *h, void *arg);
int host_dump(int type, int family, host_dump_fn fn, void *arg);
/* The host's answer to a request the sentry built (req, whose nlmsg_seq is
 * set here): fn on each object, to NLMSG_DONE for a dump, else the one. */
int host_ask(struct nlmsghdr *req, host_dump_fn fn, void *arg);

#endif
