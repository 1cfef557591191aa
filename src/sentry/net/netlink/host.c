/* SPDX-License-Identifier: MIT */
/*
 * The sandbox's interfaces, addresses and routes, read from the host.
 *
 * The sentry lives in the sandbox's network namespace (a new one with only
 * lo for cvisor do, the engine's for docker and podman, the host's with
 * --network=host), and the application's inet sockets are host sockets
 * there (net/hostinet.c), so the interfaces those sockets use are the
 * ones the host shows the sentry.  Each question opens a NETLINK_ROUTE
 * socket on the host, sends a request the sentry builds (a dump: type and
 * family only; a route lookup: the values route.c took from the
 * application's, checked, never its bytes), and reads the answer to its
 * end; gVisor's hostinet stack reads the host the same way.
 * The sentry has no capability in any namespace, so even a bug here could
 * not change the network: the host would answer EPERM.
 */
#include <errno.h>
#include <linux/rtnetlink.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "net/netlink/netlink.h"

/* The largest datagram the host sends in a dump (netlink_dump: 32 KiB). */
#define HOST_DGRAM 32768
/* A namespace with more than this to dump is not served (ENOBUFS). */
#define HOST_DUMP_MAX (16 << 20)

/* One question to the host and how its answer is taken. */
struct ask {
	uint32_t seq;
	int type;                       /* of the answers: RTM_NEW* */
	bool dump;                      /* to NLMSG_DONE, else one answer */
	host_dump_fn fn;
	void *arg;
};

/* The fixed header of each request and answer, as rtnetlink parses it. */
static size_t fixed_len(int type)
{
	switch (type & ~3) {
	case RTM_BASE:          /* RTM_*LINK */
		return sizeof(struct ifinfomsg);
	case RTM_NEWADDR:
		return sizeof(struct ifaddrmsg);
	case RTM_NEWROUTE:
		return sizeof(struct rtmsg);
	}
	return 0;
}

/* One message of the answer: 1 at its end (NLMSG_DONE, or the one answer
 * to a request that is not a dump), the host's error at NLMSG_ERROR, fn's
 * result for an object of the kind asked for. */
static int host_msg(const struct nlmsghdr *h, const struct ask *a)
{
	int err;

	if (h->nlmsg_type == NLMSG_DONE)
		return 1;
	if (h->nlmsg_type == NLMSG_ERROR)
		return h->nlmsg_len >= NLMSG_LENGTH(sizeof(int)) ? *(const int *)NLMSG_DATA(h)
								 : -EPROTO;
	if (h->nlmsg_type != a->type || h->nlmsg_len < NLMSG_LENGTH(fixed_len(a->type)))
		return 0;       /* another kind: skipped */
	err = a->fn(h, a->arg);
	return err ? err : !a->dump;
}

/* One datagram of the answer: its messages of our sequence, in order;
 * -EPROTO for a malformed one. */
static int host_dgram(const char *buf, size_t len, const struct ask *a)
{
	size_t off = 0;

	while (len - off >= NLMSG_HDRLEN) {
		const struct nlmsghdr *h = (const struct nlmsghdr *)(buf + off);
		int err;

		if (h->nlmsg_len < NLMSG_HDRLEN || h->nlmsg_len > len - off)
			return -EPROTO;
		err = h->nlmsg_seq == a->seq ? host_msg(h, a) : 0;
		if (err)
			return err;
		off += NLMSG_ALIGN(h->nlmsg_len) < len - off ? NLMSG_ALIGN(h->nlmsg_len) : len - off;
	}
	return 0;
}

int host_ask(struct nlmsghdr *req, host_dump_fn fn, void *arg)
{
	static uint32_t next_seq;
	struct ask a = { .seq = __atomic_add_fetch(&next_seq, 1, __ATOMIC_RELAXED),
			 .type = req->nlmsg_type & ~3,  /* RTM_GET* is answered RTM_NEW* */
			 .dump = req->nlmsg_flags & NLM_F_DUMP, .fn = fn, .arg = arg };
	struct sockaddr_nl kernel = { .nl_family = AF_NETLINK };
	int fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE);
	char *buf = malloc(HOST_DGRAM);
	size_t total = 0;
	int err = fd < 0 ? -errno : !buf ? -ENOMEM : 0;

	req->nlmsg_seq = a.seq;
	if (!err && sendto(fd, req, req->nlmsg_len, 0, (struct sockaddr *)&kernel,
			   sizeof(kernel)) != (ssize_t)req->nlmsg_len)
		err = -errno;
	while (!err) {
		ssize_t n = recv(fd, buf, HOST_DGRAM, MSG_TRUNC);

		if (n < 0)
			err = errno == EINTR ? 0 : -errno;
		else if (n > HOST_DGRAM || (total += (size_t)n) > HOST_DUMP_MAX)
			err = -ENOBUFS;
		else
			err = host_dgram(buf, (size_t)n, &a);
	}
	free(buf);
	if (fd >= 0)
		close(fd);
	return err == 1 ? 0 : err;
}

int host_dump(int type, int family, host_dump_fn fn, void *arg)
{
	struct {
		struct nlmsghdr h;
		char fixed[NLMSG_ALIGN(sizeof(struct ifinfomsg))];
	} req;

	memset(&req, 0, sizeof(req));
	req.h = (struct nlmsghdr){ .nlmsg_len = (uint32_t)NLMSG_LENGTH(fixed_len(type)),
				   .nlmsg_type = (uint16_t)type,
				   .nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP };
	req.fixed[0] = (char)family;    /* the family is the first byte of each */
	return host_ask(&req.h, fn, arg);
}
