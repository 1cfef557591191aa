/* NETLINK_ROUTE, read-only (issue 14, item 3): dumps of links, addresses
 * and routes contain lo with 127.0.0.1/8 and ::1/128, each message echoes
 * the request's sequence number and port id, NLMSG_DONE ends a dump, a
 * single RTM_GETLINK by index and by name, a route lookup, acknowledgements, changes
 * refused (EPERM without CAP_NET_ADMIN), the socket calls (bind, port ids,
 * getsockname, options, MSG_PEEK, MSG_TRUNC, the source address, poll,
 * epoll, a blocked reader woken or interrupted), and bad input: a truncated header,
 * nlmsg_len past the data, bad pointers, an unknown type. */
#include <arpa/inet.h>
#include <linux/if.h>
#include <linux/if_addr.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <poll.h>
#include <signal.h>
#include <pthread.h>
#include <stdbool.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include "caps.h"
#include "check.h"

#define BUF 65536
static char buf[BUF];

static int nl_socket(int type)
{
	int fd = socket(AF_NETLINK, type | SOCK_CLOEXEC, NETLINK_ROUTE);

	CHECK(fd >= 0, "socket(AF_NETLINK): %s", strerror(errno));
	return fd;
}

static uint32_t portid_of(int fd)
{
	struct sockaddr_nl a;
	socklen_t len = sizeof(a);

	CHECK_OK(getsockname(fd, (struct sockaddr *)&a, &len));
	CHECK(len == sizeof(a) && a.nl_family == AF_NETLINK, "getsockname: len %u", len);
	return a.nl_pid;
}

/* A request: header, fixed part, attributes (already in payload). */
static void send_req(int fd, uint16_t type, uint16_t flags, uint32_t seq, const void *payload,
		     size_t len)
{
	struct {
		struct nlmsghdr h;
		char p[256];
	} req;
	struct sockaddr_nl kernel = { .nl_family = AF_NETLINK };

	memset(&req, 0, sizeof(req));
	req.h = (struct nlmsghdr){ .nlmsg_len = NLMSG_LENGTH(len), .nlmsg_type = type,
				   .nlmsg_flags = flags, .nlmsg_seq = seq };
	memcpy(req.p, payload, len);
	CHECK(sendto(fd, &req, req.h.nlmsg_len, 0, (struct sockaddr *)&kernel, sizeof(kernel)) ==
	      (ssize_t)req.h.nlmsg_len, "sendto: %s", strerror(errno));
}

/* What a dump brought. */
struct dump {
	int msgs, lo_index;
	bool lo_link, lo_v4, lo_v6, local_route, other_family;
};

static const struct rtattr *find_attr(const struct nlmsghdr *h, size_t fixed, int type)
{
	int len = (int)h->nlmsg_len - (int)NLMSG_LENGTH(fixed);
	const struct rtattr *a = (const struct rtattr *)((const char *)NLMSG_DATA(h) +
							 NLMSG_ALIGN(fixed));

	for (; RTA_OK(a, len); a = RTA_NEXT(a, len))
		if (a->rta_type == type)
			return a;
	return NULL;
}

static void saw(struct dump *d, const struct nlmsghdr *h, int family)
{
	if (h->nlmsg_type == RTM_NEWLINK) {
		const struct ifinfomsg *ifi = NLMSG_DATA(h);
		const struct rtattr *name = find_attr(h, sizeof(*ifi), IFLA_IFNAME);
		const struct rtattr *mtu = find_attr(h, sizeof(*ifi), IFLA_MTU);

		if (name && !strcmp(RTA_DATA(name), "lo")) {
			CHECK(ifi->ifi_flags & IFF_LOOPBACK && ifi->ifi_flags & IFF_UP,
			      "lo flags %#x", ifi->ifi_flags);
			CHECK(mtu && *(int *)RTA_DATA(mtu) == 65536, "lo mtu");
			d->lo_link = true;
			d->lo_index = ifi->ifi_index;
		}
	} else if (h->nlmsg_type == RTM_NEWADDR) {
		const struct ifaddrmsg *ifa = NLMSG_DATA(h);
		const struct rtattr *a = find_attr(h, sizeof(*ifa), IFA_ADDRESS);
		struct in6_addr one = IN6ADDR_LOOPBACK_INIT;

		d->other_family |= family != AF_UNSPEC && ifa->ifa_family != family;
		if (a && ifa->ifa_family == AF_INET && ifa->ifa_prefixlen == 8 &&
		    *(uint32_t *)RTA_DATA(a) == htonl(INADDR_LOOPBACK))
			d->lo_v4 = true;
		if (a && ifa->ifa_family == AF_INET6 && ifa->ifa_prefixlen == 128 &&
		    !memcmp(RTA_DATA(a), &one, sizeof(one)))
			d->lo_v6 = true;
	} else if (h->nlmsg_type == RTM_NEWROUTE) {
		const struct rtmsg *rtm = NLMSG_DATA(h);
		const struct rtattr *dst = find_attr(h, sizeof(*rtm), RTA_DST);

		d->other_family |= rtm->rtm_family != family;
		if (dst && rtm->rtm_type == RTN_LOCAL && rtm->rtm_family == AF_INET &&
		    *(uint32_t *)RTA_DATA(dst) == htonl(INADDR_LOOPBACK))
			d->local_route = true;
	} else {
		CHECK(0, "unexpected message type %d in a dump", h->nlmsg_type);
	}
}

/* Read a dump to its NLMSG_DONE: every message of seq, to our port id,
 * NLM_F_MULTI; recvmsg's source is the kernel. */
static struct dump read_dump(int fd, uint32_t seq, int family)
{
	struct dump d = { 0 };
	uint32_t me = portid_of(fd);

	for (;;) {
		struct sockaddr_nl from;
		struct iovec iov = { buf, 4096 };       /* a page, as glibc reads */
		struct msghdr m = { .msg_name = &from, .msg_namelen = sizeof(from),
				    .msg_iov = &iov, .msg_iovlen = 1 };
		ssize_t n = recvmsg(fd, &m, 0);
		int len = (int)n;

		CHECK(n > 0, "recvmsg: %zd %s", n, strerror(errno));
		CHECK(!(m.msg_flags & MSG_TRUNC), "a dump datagram larger than a page");
		CHECK(m.msg_namelen == sizeof(from) && from.nl_family == AF_NETLINK &&
		      from.nl_pid == 0 && from.nl_groups == 0, "source address");
		for (struct nlmsghdr *h = (void *)buf; NLMSG_OK(h, len); h = NLMSG_NEXT(h, len)) {
			CHECK(h->nlmsg_seq == seq, "seq %u, want %u", h->nlmsg_seq, seq);
			CHECK(h->nlmsg_pid == me, "pid %u, want %u", h->nlmsg_pid, me);
			CHECK(h->nlmsg_flags & NLM_F_MULTI, "a dump message without NLM_F_MULTI");
			CHECK(h->nlmsg_type != NLMSG_ERROR, "error %d in a dump",
			      ((struct nlmsgerr *)NLMSG_DATA(h))->error);
			if (h->nlmsg_type == NLMSG_DONE)
				return d;
			saw(&d, h, family);
			d.msgs++;
		}
	}
}

static struct dump dump(int fd, uint16_t type, int family, uint32_t seq)
{
	struct rtgenmsg g = { .rtgen_family = (unsigned char)family };

	send_req(fd, type, NLM_F_REQUEST | NLM_F_DUMP, seq, &g, sizeof(g));
	return read_dump(fd, seq, family);
}

/* One reply message (the first of the next datagram). */
static struct nlmsghdr *reply(int fd)
{
	ssize_t n = recv(fd, buf, BUF, 0);

	CHECK(n >= (ssize_t)NLMSG_HDRLEN, "recv: %zd %s", n, strerror(errno));
	return (struct nlmsghdr *)buf;
}

/* The next reply must be an NLMSG_ERROR of err for seq. */
static void want_ack(int fd, uint32_t seq, int err)
{
	struct nlmsghdr *h = reply(fd);
	struct nlmsgerr *e = NLMSG_DATA(h);

	CHECK(h->nlmsg_type == NLMSG_ERROR, "type %d, want NLMSG_ERROR", h->nlmsg_type);
	CHECK(h->nlmsg_seq == seq && e->msg.nlmsg_seq == seq, "ack seq %u", h->nlmsg_seq);
	CHECK(e->error == err, "error %d (%s), want %d", e->error, strerror(-e->error), err);
}

static void nothing_queued(int fd)
{
	CHECK_ERRNO(recv(fd, buf, BUF, MSG_DONTWAIT), EAGAIN);
}

static void test_sockets(void)
{
	struct sockaddr_nl a = { .nl_family = AF_NETLINK };
	int fd = nl_socket(SOCK_RAW), fd2 = nl_socket(SOCK_DGRAM), v;
	socklen_t len = sizeof(v);

	CHECK_ERRNO(socket(AF_NETLINK, SOCK_RAW, 32), EPROTONOSUPPORT);
	CHECK_ERRNO(socket(AF_NETLINK, SOCK_STREAM, NETLINK_ROUTE), ESOCKTNOSUPPORT);
	CHECK(portid_of(fd) == 0, "an unbound socket has port id 0");
	CHECK_ERRNO(bind(fd, (struct sockaddr *)&a, sizeof(a) - 1), EINVAL);
	a.nl_family = AF_INET;
	CHECK_ERRNO(bind(fd, (struct sockaddr *)&a, sizeof(a)), EINVAL);
	a.nl_family = AF_NETLINK;
	CHECK_OK(bind(fd, (struct sockaddr *)&a, sizeof(a)));
	CHECK(portid_of(fd) == (uint32_t)getpid(), "the first port id is the pid");
	a.nl_pid = (uint32_t)getpid();
	CHECK_ERRNO(bind(fd2, (struct sockaddr *)&a, sizeof(a)), EADDRINUSE);
	a.nl_pid = 0;
	CHECK_OK(bind(fd2, (struct sockaddr *)&a, sizeof(a)));
	CHECK(portid_of(fd2) != 0 && portid_of(fd2) != portid_of(fd), "a second port id");
	a.nl_pid = portid_of(fd2) + 1;
	CHECK_ERRNO(bind(fd2, (struct sockaddr *)&a, sizeof(a)), EINVAL);

	CHECK_OK(getsockopt(fd, SOL_SOCKET, SO_TYPE, &v, &len));
	CHECK(v == SOCK_RAW, "SO_TYPE %d", v);
	CHECK_OK(getsockopt(fd, SOL_SOCKET, SO_PROTOCOL, &v, &len));
	CHECK(v == NETLINK_ROUTE, "SO_PROTOCOL %d", v);
	v = 65536;
	CHECK_OK(setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &v, sizeof(v)));
	CHECK_OK(getsockopt(fd, SOL_SOCKET, SO_RCVBUF, &v, &len));
	CHECK(v == 2 * 65536, "SO_RCVBUF %d", v);
	v = 1;
	CHECK_OK(setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &v, sizeof(v)));
	CHECK_OK(setsockopt(fd, SOL_SOCKET, SO_PASSCRED, &v, sizeof(v)));
	CHECK_OK(setsockopt(fd, SOL_NETLINK, NETLINK_EXT_ACK, &v, sizeof(v)));
	CHECK_OK(setsockopt(fd, SOL_NETLINK, NETLINK_GET_STRICT_CHK, &v, sizeof(v)));
	v = 0;
	CHECK_OK(getsockopt(fd, SOL_NETLINK, NETLINK_EXT_ACK, &v, &len));
	CHECK(v == 1, "NETLINK_EXT_ACK %d", v);
	/* a value shorter than an int is 0 for SOL_NETLINK, EINVAL for SOL_SOCKET */
	CHECK_OK(setsockopt(fd, SOL_NETLINK, NETLINK_EXT_ACK, &v, 1));
	CHECK_OK(getsockopt(fd, SOL_NETLINK, NETLINK_EXT_ACK, &v, &len));
	CHECK(v == 0, "NETLINK_EXT_ACK %d after a short value", v);
	CHECK_ERRNO(setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &v, 1), EINVAL);
	close(fd);
	close(fd2);
}

static void test_dumps(void)
{
	int fd = nl_socket(SOCK_RAW);
	struct dump links = dump(fd, RTM_GETLINK, AF_UNSPEC, 1001);
	struct dump v4 = dump(fd, RTM_GETADDR, AF_INET, 1002);
	struct dump v6 = dump(fd, RTM_GETADDR, AF_INET6, 1003);
	struct dump all = dump(fd, RTM_GETADDR, AF_UNSPEC, 1004);
	struct dump routes = dump(fd, RTM_GETROUTE, AF_INET, 1005);

	CHECK(links.lo_link && links.lo_index > 0, "no lo in the link dump");
	CHECK(v4.lo_v4 && !v4.lo_v6 && !v4.other_family, "AF_INET dump: lo's 127.0.0.1/8 only");
	CHECK(v6.lo_v6 && !v6.lo_v4 && !v6.other_family, "AF_INET6 dump: lo's ::1/128 only");
	CHECK(all.lo_v4 && all.lo_v6, "AF_UNSPEC address dump: both of lo's");
	CHECK(routes.local_route && !routes.other_family, "no local route to 127.0.0.1");
	/* either bit of NLM_F_DUMP makes a dump (rtnetlink_rcv_msg) */
	{
		struct rtgenmsg g = { AF_UNSPEC };

		send_req(fd, RTM_GETLINK, NLM_F_REQUEST | NLM_F_ROOT, 1006, &g, sizeof(g));
		CHECK(read_dump(fd, 1006, AF_UNSPEC).lo_link, "NLM_F_ROOT alone: no lo");
	}
	nothing_queued(fd);
	close(fd);
}

static void test_getlink_one(void)
{
	int fd = nl_socket(SOCK_RAW);
	struct {
		struct ifinfomsg ifi;
		struct rtattr a;
		char name[4];
	} req = { .ifi = { .ifi_family = AF_UNSPEC, .ifi_index = 1 } };
	struct nlmsghdr *h;

	/* by index, acknowledged after the answer */
	send_req(fd, RTM_GETLINK, NLM_F_REQUEST | NLM_F_ACK, 77, &req.ifi, sizeof(req.ifi));
	h = reply(fd);
	CHECK(h->nlmsg_type == RTM_NEWLINK && h->nlmsg_seq == 77 && !(h->nlmsg_flags & NLM_F_MULTI),
	      "RTM_GETLINK by index: type %d flags %#x", h->nlmsg_type, h->nlmsg_flags);
	CHECK(((struct ifinfomsg *)NLMSG_DATA(h))->ifi_index == 1, "index");
	want_ack(fd, 77, 0);
	/* by name */
	req.ifi.ifi_index = 0;
	req.a = (struct rtattr){ .rta_len = RTA_LENGTH(3), .rta_type = IFLA_IFNAME };
	memcpy(req.name, "lo", 3);
	send_req(fd, RTM_GETLINK, NLM_F_REQUEST, 78, &req, sizeof(req));
	h = reply(fd);
	CHECK(h->nlmsg_type == RTM_NEWLINK && h->nlmsg_seq == 78, "RTM_GETLINK by name");
	CHECK(((struct ifinfomsg *)NLMSG_DATA(h))->ifi_flags & IFF_LOOPBACK, "lo by name");
	/* no such link */
	memcpy(req.name, "zz", 3);
	send_req(fd, RTM_GETLINK, NLM_F_REQUEST, 79, &req, sizeof(req));
	want_ack(fd, 79, -ENODEV);
	req.ifi.ifi_index = 0x7ffffff0;
	send_req(fd, RTM_GETLINK, NLM_F_REQUEST, 80, &req.ifi, sizeof(req.ifi));
	want_ack(fd, 80, -ENODEV);
	nothing_queued(fd);
	close(fd);
}

/* A route lookup (ip route get 127.0.0.1): the local route, answered once. */
static void test_getroute_one(void)
{
	int fd = nl_socket(SOCK_RAW);
	struct {
		struct rtmsg rtm;
		struct rtattr a;
		uint32_t dst;
	} req = { .rtm = { .rtm_family = AF_INET, .rtm_dst_len = 32 },
		  .a = { .rta_len = RTA_LENGTH(4), .rta_type = RTA_DST },
		  .dst = htonl(INADDR_LOOPBACK) };
	struct nlmsghdr *h;
	const struct rtattr *dst;

	send_req(fd, RTM_GETROUTE, NLM_F_REQUEST, 60, &req, sizeof(req));
	h = reply(fd);
	CHECK(h->nlmsg_type == RTM_NEWROUTE && h->nlmsg_seq == 60 &&
	      !(h->nlmsg_flags & NLM_F_MULTI), "route lookup: type %d", h->nlmsg_type);
	dst = find_attr(h, sizeof(struct rtmsg), RTA_DST);
	CHECK(((struct rtmsg *)NLMSG_DATA(h))->rtm_type == RTN_LOCAL && dst &&
	      *(uint32_t *)RTA_DATA(dst) == htonl(INADDR_LOOPBACK), "the local route to 127.0.0.1");
	nothing_queued(fd);
	/* AF_UNSPEC has no lookup; a destination shorter than an address is refused */
	req.rtm.rtm_family = AF_UNSPEC;
	send_req(fd, RTM_GETROUTE, NLM_F_REQUEST, 61, &req, sizeof(req));
	want_ack(fd, 61, -EOPNOTSUPP);
	req.rtm.rtm_family = AF_INET;
	req.a.rta_len = RTA_LENGTH(2);
	send_req(fd, RTM_GETROUTE, NLM_F_REQUEST, 62, &req, sizeof(req));
	want_ack(fd, 62, -ERANGE);
	nothing_queued(fd);
	close(fd);
}

/* Changes are refused: EPERM without CAP_NET_ADMIN (given up before the
 * socket is made, as Linux checks the opener's too).  The requests name
 * no interface, so even a kernel that took them would change nothing. */
static void refuse_changes(void)
{
	struct ifaddrmsg ifa = { .ifa_family = AF_INET, .ifa_prefixlen = 8 };
	struct rtmsg rtm = { .rtm_family = AF_INET, .rtm_table = RT_TABLE_MAIN };
	struct ifinfomsg ifi = { .ifi_family = AF_UNSPEC };
	struct nlmsgerr *e = NLMSG_DATA((struct nlmsghdr *)buf);
	int fd;

	CHECK_OK(caps_set(caps().eff & ~BIT(CAP_NET_ADMIN), caps().perm & ~BIT(CAP_NET_ADMIN), 0));
	fd = nl_socket(SOCK_RAW);
	send_req(fd, RTM_NEWADDR, NLM_F_REQUEST | NLM_F_CREATE, 90, &ifa, sizeof(ifa));
	want_ack(fd, 90, -EPERM);
	/* the refused request comes back whole */
	CHECK(e->msg.nlmsg_type == RTM_NEWADDR && !memcmp(e + 1, &ifa, sizeof(ifa)),
	      "the request in the error");
	send_req(fd, RTM_NEWROUTE, NLM_F_REQUEST | NLM_F_CREATE | NLM_F_ACK, 91, &rtm, sizeof(rtm));
	want_ack(fd, 91, -EPERM);
	send_req(fd, RTM_SETLINK, NLM_F_REQUEST, 92, &ifi, sizeof(ifi));
	want_ack(fd, 92, -EPERM);
	send_req(fd, RTM_DELADDR, NLM_F_REQUEST, 93, &ifa, sizeof(ifa));
	want_ack(fd, 93, -EPERM);
	nothing_queued(fd);
	close(fd);
}

static void test_refused(void)
{
	in_child(refuse_changes, "changes refused");
}

static void test_bad_input(void)
{
	int fd = nl_socket(SOCK_RAW);
	struct nlmsghdr h = { .nlmsg_len = 100, .nlmsg_type = RTM_GETLINK,
			      .nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK, .nlmsg_seq = 5 };
	struct rtgenmsg g = { AF_UNSPEC };
	char two[sizeof(h) + 4];

	/* a truncated header, and nlmsg_len past the data: taken, never answered */
	CHECK(send(fd, &h, 8, 0) == 8, "a truncated header: %s", strerror(errno));
	memcpy(two, &h, sizeof(h));
	CHECK(send(fd, two, sizeof(two), 0) == (ssize_t)sizeof(two), "nlmsg_len past the data");
	h.nlmsg_len = 4;
	memcpy(two, &h, sizeof(h));
	CHECK(send(fd, two, sizeof(two), 0) == (ssize_t)sizeof(two), "nlmsg_len below the header");
	nothing_queued(fd);
	/* bad pointers */
	CHECK_ERRNO(send(fd, KERNEL_PTR, 20, 0), EFAULT);
	CHECK_ERRNO(sendto(fd, buf, 20, 0, KERNEL_PTR, sizeof(struct sockaddr_nl)), EFAULT);
	nothing_queued(fd);
	send_req(fd, NLMSG_NOOP, NLM_F_REQUEST | NLM_F_ACK, 6, NULL, 0);
	CHECK_ERRNO(recv(fd, KERNEL_PTR, 4096, 0), EFAULT);
	while (recv(fd, buf, BUF, MSG_DONTWAIT) > 0)
		;       /* Linux drops a datagram it could not copy; the sandbox keeps it */
	/* an unknown type, a type above RTM_MAX, a request without payload */
	send_req(fd, RTM_MAX + 1, NLM_F_REQUEST, 7, &g, sizeof(g));
	want_ack(fd, 7, -EOPNOTSUPP);
	send_req(fd, RTM_GETLINK, NLM_F_REQUEST | NLM_F_DUMP | NLM_F_ACK, 8, NULL, 0);
	want_ack(fd, 8, 0);
	/* not a request, or a control message: only acknowledged */
	send_req(fd, RTM_GETLINK, NLM_F_ACK, 9, &g, sizeof(g));
	want_ack(fd, 9, 0);
	send_req(fd, NLMSG_NOOP, NLM_F_REQUEST, 10, NULL, 0);
	nothing_queued(fd);
	/* a wrong address */
	{
		struct sockaddr_nl a = { .nl_family = AF_INET };

		CHECK_ERRNO(sendto(fd, &h, sizeof(h), 0, (struct sockaddr *)&a, sizeof(a)), EINVAL);
	}
	close(fd);
}

static void test_recv_flags(void)
{
	int fd = nl_socket(SOCK_RAW), v = 1;
	struct nlmsghdr *h;
	struct iovec iov = { buf, 16 };
	struct msghdr m = { .msg_iov = &iov, .msg_iovlen = 1 };
	ssize_t whole, n;
	struct rtgenmsg g = { AF_UNSPEC };

	/* NETLINK_CAP_ACK: an error without the request, NLM_F_CAPPED */
	CHECK_OK(setsockopt(fd, SOL_NETLINK, NETLINK_CAP_ACK, &v, sizeof(v)));
	send_req(fd, RTM_MAX + 1, NLM_F_REQUEST, 20, &g, sizeof(g));
	n = recv(fd, buf, BUF, MSG_PEEK | MSG_TRUNC);
	CHECK(n == NLMSG_LENGTH(sizeof(struct nlmsgerr)), "a capped error is %zd bytes", n);
	h = reply(fd);
	CHECK(h->nlmsg_flags & NLM_F_CAPPED, "NLM_F_CAPPED");
	v = 0;
	CHECK_OK(setsockopt(fd, SOL_NETLINK, NETLINK_CAP_ACK, &v, sizeof(v)));
	send_req(fd, RTM_MAX + 1, NLM_F_REQUEST, 21, &g, sizeof(g));
	n = recv(fd, buf, BUF, MSG_PEEK | MSG_TRUNC);
	CHECK(n >= (ssize_t)NLMSG_LENGTH(sizeof(struct nlmsgerr) + sizeof(g)),
	      "an error echoes the request: %zd", n);
	reply(fd);

	/* MSG_PEEK leaves it, MSG_TRUNC tells its length, a short read cuts it */
	send_req(fd, RTM_GETLINK, NLM_F_REQUEST | NLM_F_DUMP, 22, &g, sizeof(g));
	whole = recv(fd, buf, 0, MSG_PEEK | MSG_TRUNC);
	CHECK(whole > 16, "MSG_PEEK|MSG_TRUNC: %zd", whole);
	n = recv(fd, buf, BUF, MSG_PEEK);
	CHECK(n == whole, "MSG_PEEK: %zd, want %zd", n, whole);
	n = recvmsg(fd, &m, 0);
	CHECK(n == 16 && (m.msg_flags & MSG_TRUNC), "short read: %zd flags %#x", n, m.msg_flags);
	while (recv(fd, buf, BUF, MSG_DONTWAIT) > 0)
		;
	/* read and write are a message each way */
	{
		struct {
			struct nlmsghdr h;
			struct rtgenmsg g;
			char pad[3];
		} req = { { NLMSG_LENGTH(sizeof(g)), RTM_GETADDR, NLM_F_REQUEST | NLM_F_DUMP,
			    23, 0 }, { AF_INET }, { 0 } };

		CHECK(write(fd, &req, req.h.nlmsg_len) == (ssize_t)req.h.nlmsg_len, "write");
		CHECK(read(fd, buf, BUF) > 0 && ((struct nlmsghdr *)buf)->nlmsg_seq == 23, "read");
		while (recv(fd, buf, BUF, MSG_DONTWAIT) > 0)
			;
	}
	close(fd);
}

static int waiter_fd;

static void *waiter(void *arg)
{
	(void)arg;
	return (void *)(long)recv(waiter_fd, buf, BUF, 0);
}

static void test_poll(void)
{
	int fd = nl_socket(SOCK_RAW), ep = epoll_create1(0);
	struct pollfd p = { .fd = fd, .events = POLLIN };
	struct epoll_event ev = { .events = EPOLLIN, .data.fd = fd };
	struct rtgenmsg g = { AF_UNSPEC };
	pthread_t th;
	void *got;

	CHECK_OK(epoll_ctl(ep, EPOLL_CTL_ADD, fd, &ev));
	CHECK(poll(&p, 1, 0) == 0, "POLLIN before a request");
	CHECK(epoll_wait(ep, &ev, 1, 0) == 0, "EPOLLIN before a request");
	send_req(fd, NLMSG_NOOP, NLM_F_REQUEST | NLM_F_ACK, 30, NULL, 0);
	CHECK(poll(&p, 1, -1) == 1 && (p.revents & POLLIN), "POLLIN after a request");
	CHECK(epoll_wait(ep, &ev, 1, -1) == 1 && ev.data.fd == fd, "EPOLLIN after a request");
	want_ack(fd, 30, 0);
	CHECK(poll(&p, 1, 0) == 0, "POLLIN after the reply was read");
	/* a reader blocked on the queue wakes when a reply comes */
	waiter_fd = fd;
	CHECK(pthread_create(&th, NULL, waiter, NULL) == 0, "pthread_create");
	usleep(100000);
	send_req(fd, RTM_GETLINK, NLM_F_REQUEST | NLM_F_DUMP, 31, &g, sizeof(g));
	CHECK(pthread_join(th, &got) == 0 && (long)got > 0, "blocked reader: %ld", (long)got);
	close(ep);
	close(fd);
}

static void on_alarm(int sig)
{
	(void)sig;
}

/* A blocked reader: a signal without SA_RESTART interrupts it, SO_RCVTIMEO
 * ends it with EAGAIN. */
static void test_blocking(void)
{
	struct sigaction sa = { .sa_handler = on_alarm };
	struct timeval tv = { 0, 50000 };
	int fd = nl_socket(SOCK_RAW);

	CHECK_OK(sigaction(SIGALRM, &sa, NULL));
	alarm(1);
	CHECK_ERRNO(recv(fd, buf, BUF, 0), EINTR);
	CHECK_OK(setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv)));
	CHECK_ERRNO(recv(fd, buf, BUF, 0), EAGAIN);
	CHECK_ERRNO(recv(fd, buf, BUF, MSG_DONTWAIT), EAGAIN);
	close(fd);
}

int main(void)
{
	test_sockets();
	test_dumps();
	test_getlink_one();
	test_getroute_one();
	test_refused();
	test_bad_input();
	test_recv_flags();
	test_poll();
	test_blocking();
	return 0;
}
