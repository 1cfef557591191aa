/* SPDX-License-Identifier: MIT */
/*
 * Building a reply: netlink messages in datagrams as Linux puts them in
 * skbs (nlmsg_put, netlink_ack, netlink_dump_done): the messages of a dump
 * packed into datagrams of at most a page, so that a reader with a
 * page-sized buffer gets whole messages in each recvmsg, and every other
 * message (an answer, an acknowledgement) a datagram of its own.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "net/netlink/netlink.h"

static struct nl_dgram *dgram_new(struct nl_reply *r, size_t need)
{
	size_t cap = need > NL_DGRAM_MAX ? need : NL_DGRAM_MAX;
	struct nl_dgram *d = malloc(sizeof(*d) + cap);

	if (!d)
		return NULL;
	d->next = NULL;
	d->len = 0;
	d->cap = cap;
	if (r->last)
		r->last->next = d;
	else
		r->first = d;
	r->last = d;
	return d;
}

void *nl_put(struct nl_reply *r, uint16_t type, uint16_t flags, uint32_t seq, size_t len)
{
	size_t need = NLMSG_ALIGN(NLMSG_LENGTH(len));
	struct nl_dgram *d = r->last;
	struct nlmsghdr *h;

	if (r->err)
		return NULL;
	/* the parts of a dump share datagrams; any other message is one */
	if (!d || d->cap - d->len < need || !(flags & NLM_F_MULTI) ||
	    !(r->cur->nlmsg_flags & NLM_F_MULTI) || r->cur->nlmsg_seq != seq)
		d = dgram_new(r, need);
	if (!d) {
		r->err = -ENOMEM;
		return NULL;
	}
	h = (struct nlmsghdr *)(d->data + d->len);
	memset(h, 0, need);
	*h = (struct nlmsghdr){ .nlmsg_len = (uint32_t)NLMSG_LENGTH(len), .nlmsg_type = type,
				.nlmsg_flags = flags, .nlmsg_seq = seq, .nlmsg_pid = r->portid };
	d->len += need;
	r->bytes += need;
	r->cur = h;
	return NLMSG_DATA(h);
}

void nl_trim(struct nl_reply *r, size_t len)
{
	struct nl_dgram *d = r->last;
	size_t old = NLMSG_ALIGN(r->cur->nlmsg_len), now = NLMSG_ALIGN(NLMSG_LENGTH(len));

	if (now > old)
		return;         /* only ever smaller than the room asked for */
	r->cur->nlmsg_len = (uint32_t)NLMSG_LENGTH(len);
	d->len -= old - now;
	r->bytes -= old - now;
}

void nl_ack(struct nl_reply *r, const struct nlmsghdr *h, int err, bool cap_ack)
{
	/* an error carries the whole request back unless NETLINK_CAP_ACK */
	size_t echo = err && !cap_ack ? h->nlmsg_len - NLMSG_HDRLEN : 0;
	struct nlmsgerr ack = { .error = err, .msg = *h };
	char *p = nl_put(r, NLMSG_ERROR, cap_ack ? NLM_F_CAPPED : 0, h->nlmsg_seq,
			 sizeof(ack) + echo);

	if (!p)
		return;
	memcpy(p, &ack, sizeof(ack));
	memcpy(p + sizeof(ack), NLMSG_DATA(h), echo);
}

void nl_done(struct nl_reply *r, const struct nlmsghdr *h)
{
	int *err = nl_put(r, NLMSG_DONE, NLM_F_MULTI, h->nlmsg_seq, sizeof(int));

	if (err)
		*err = 0;
}

void nl_reply_free(struct nl_reply *r)
{
	while (r->first) {
		struct nl_dgram *d = r->first;

		r->first = d->next;
		free(d);
	}
	r->last = NULL;
	r->cur = NULL;
	r->bytes = 0;
}
