/* sendmsg, recvmsg, sendmmsg, recvmmsg on inet sockets: iovecs gathered
 * into one datagram and scattered back; the sender's address and its
 * length; MSG_TRUNC and MSG_CTRUNC; control messages both ways (IP_TTL
 * sent, IP_PKTINFO and IP_TTL received, an ICMP error from MSG_ERRQUEUE
 * with IP_RECVERR); a name longer than a sockaddr_storage; EMSGSIZE,
 * EINVAL, EFAULT, ENOBUFS for bad messages; MSG_WAITALL on a stream;
 * several datagrams per mmsg call; writev and readv of one datagram.  The sandbox copies every part of the
 * message through the sentry: the results must be Linux's. */
#define _GNU_SOURCE
#include <limits.h>
#include <time.h>
#include <linux/errqueue.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include "check.h"

static struct sockaddr_in lo = { .sin_family = AF_INET,
				 .sin_addr.s_addr = 0x0100007f /* 127.0.0.1 */ };

static int udp_bound(struct sockaddr_in *sa)
{
	socklen_t len = sizeof(*sa);
	int s = socket(AF_INET, SOCK_DGRAM, 0);

	*sa = lo;
	CHECK_OK(bind(s, (struct sockaddr *)sa, sizeof(*sa)));
	CHECK_OK(getsockname(s, (struct sockaddr *)sa, &len));
	return s;
}

static void datagrams(void)
{
	struct sockaddr_in ra, sa, from;
	int r = udp_bound(&ra), s = udp_bound(&sa);
	char a[3], b[16], ctl[256];
	struct iovec out[3] = { { "ab", 2 }, { "", 0 }, { "cdefg", 5 } };
	struct iovec in[2] = { { a, sizeof(a) }, { b, sizeof(b) } };
	struct msghdr m = { .msg_name = &ra, .msg_namelen = sizeof(ra), .msg_iov = out,
			    .msg_iovlen = 3 };
	union { struct cmsghdr h; char b[CMSG_SPACE(sizeof(int))]; } ttl;
	struct cmsghdr *c;
	int got_pktinfo = 0, got_ttl = 0;

	/* three iovecs, one datagram, with a TTL of its own */
	ttl.h = (struct cmsghdr){ .cmsg_len = CMSG_LEN(sizeof(int)), .cmsg_level = IPPROTO_IP,
				  .cmsg_type = IP_TTL };
	*(int *)CMSG_DATA(&ttl.h) = 7;
	m.msg_control = &ttl;
	m.msg_controllen = sizeof(ttl);
	CHECK(sendmsg(s, &m, 0) == 7, "sendmsg: %s", strerror(errno));
	CHECK_OK(setsockopt(r, IPPROTO_IP, IP_PKTINFO, &(int){ 1 }, 4));
	CHECK_OK(setsockopt(r, IPPROTO_IP, IP_RECVTTL, &(int){ 1 }, 4));
	m = (struct msghdr){ .msg_name = &from, .msg_namelen = sizeof(from), .msg_iov = in,
			     .msg_iovlen = 2, .msg_control = ctl, .msg_controllen = sizeof(ctl) };
	CHECK(recvmsg(r, &m, 0) == 7, "recvmsg: %s", strerror(errno));
	CHECK(!memcmp(a, "abc", 3) && !memcmp(b, "defg", 4), "scattered wrong");
	CHECK(m.msg_namelen == sizeof(from) && from.sin_port == sa.sin_port, "sender");
	CHECK(m.msg_flags == 0, "flags %#x", m.msg_flags);
	for (c = CMSG_FIRSTHDR(&m); c; c = CMSG_NXTHDR(&m, c)) {
		if (c->cmsg_level == IPPROTO_IP && c->cmsg_type == IP_PKTINFO)
			got_pktinfo = ((struct in_pktinfo *)CMSG_DATA(c))->ipi_addr.s_addr ==
				      lo.sin_addr.s_addr;
		if (c->cmsg_level == IPPROTO_IP && c->cmsg_type == IP_TTL)
			got_ttl = *(int *)CMSG_DATA(c) == 7;
	}
	CHECK(got_pktinfo && got_ttl, "control messages: pktinfo %d ttl %d (%zu bytes)",
	      got_pktinfo, got_ttl, (size_t)m.msg_controllen);

	/* a short buffer: MSG_TRUNC and the datagram's length; a short
	 * control buffer: MSG_CTRUNC; no name: msg_namelen left alone */
	CHECK(sendto(s, "0123456789", 10, 0, (struct sockaddr *)&ra, sizeof(ra)) == 10, "sendto");
	in[0] = (struct iovec){ b, 4 };
	m = (struct msghdr){ .msg_namelen = 99, .msg_iov = in, .msg_iovlen = 1,
			     .msg_control = ctl, .msg_controllen = CMSG_SPACE(1) };
	CHECK(recvmsg(r, &m, MSG_TRUNC) == 10, "recvmsg MSG_TRUNC");
	CHECK(m.msg_flags == (MSG_TRUNC | MSG_CTRUNC), "flags %#x", m.msg_flags);
	CHECK(m.msg_namelen == 99, "msg_namelen %u", m.msg_namelen);

	/* a name longer than a sockaddr_storage is cut to one */
	struct { struct sockaddr_in sin; char pad[200]; } big = { .sin = ra };
	m = (struct msghdr){ .msg_name = &big, .msg_namelen = sizeof(big), .msg_iov = out,
			     .msg_iovlen = 1 };
	CHECK(sendmsg(s, &m, 0) == 2, "sendmsg, long name: %s", strerror(errno));
	CHECK(recv(r, b, sizeof(b), 0) == 2, "recv");

	/* writev and readv on a datagram socket: one datagram, scattered */
	CHECK_OK(connect(s, (struct sockaddr *)&ra, sizeof(ra)));
	CHECK(writev(s, out, 3) == 7, "writev: %s", strerror(errno));
	in[0] = (struct iovec){ a, sizeof(a) };
	in[1] = (struct iovec){ b, sizeof(b) };
	CHECK(readv(r, in, 2) == 7, "readv");
	CHECK(!memcmp(a, "abc", 3) && !memcmp(b, "defg", 4), "readv scattered wrong");

	/* nothing in the error queue: EAGAIN at once, blocking or not */
	m = (struct msghdr){ .msg_iov = in, .msg_iovlen = 1 };
	CHECK_ERRNO(recvmsg(r, &m, MSG_ERRQUEUE), EAGAIN);
	close(r);
	close(s);
}

/* IP_RECVERR: a datagram to a closed port comes back in the error queue */
static void error_queue(void)
{
	struct sockaddr_in ra, from;
	int r = udp_bound(&ra), s = socket(AF_INET, SOCK_DGRAM, 0);
	char buf[16], ctl[512];
	struct iovec v = { buf, sizeof(buf) };
	struct msghdr m = { .msg_name = &from, .msg_namelen = sizeof(from), .msg_iov = &v,
			    .msg_iovlen = 1, .msg_control = ctl, .msg_controllen = sizeof(ctl) };
	struct pollfd p = { .fd = s, .events = 0 };
	struct cmsghdr *c;

	close(r);
	CHECK_OK(setsockopt(s, IPPROTO_IP, IP_RECVERR, &(int){ 1 }, 4));
	CHECK(sendto(s, "probe", 5, 0, (struct sockaddr *)&ra, sizeof(ra)) == 5, "sendto");
	CHECK(poll(&p, 1, -1) == 1 && (p.revents & POLLERR), "poll");
	CHECK(recvmsg(s, &m, MSG_ERRQUEUE) == 5 && !memcmp(buf, "probe", 5), "errqueue data");
	CHECK(m.msg_flags & MSG_ERRQUEUE, "flags %#x", m.msg_flags);
	c = CMSG_FIRSTHDR(&m);
	CHECK(c && c->cmsg_level == IPPROTO_IP && c->cmsg_type == IP_RECVERR, "no IP_RECVERR");
	CHECK(((struct sock_extended_err *)CMSG_DATA(c))->ee_errno == ECONNREFUSED, "ee_errno");
	close(s);
}

static void bad_messages(void)
{
	struct sockaddr_in ra;
	int r = udp_bound(&ra), s = socket(AF_INET, SOCK_DGRAM, 0);
	struct iovec v = { "x", 1 }, many[IOV_MAX + 1];
	struct msghdr m = { .msg_name = &ra, .msg_namelen = sizeof(ra), .msg_iov = &v,
			    .msg_iovlen = 1 };
	union { struct cmsghdr h; char b[64]; } ctl = { .h = { .cmsg_len = 200,
							      .cmsg_level = IPPROTO_IP,
							      .cmsg_type = IP_TTL } };

	for (int i = 0; i <= IOV_MAX; i++)
		many[i] = v;
	m.msg_iov = many;
	m.msg_iovlen = IOV_MAX + 1;
	CHECK_ERRNO(sendmsg(s, &m, 0), EMSGSIZE);
	m.msg_iovlen = 1;
	many[0].iov_len = (size_t)-1;
	CHECK_ERRNO(sendmsg(s, &m, 0), EINVAL);
	m.msg_iov = KERNEL_PTR;
	CHECK_ERRNO(sendmsg(s, &m, 0), EFAULT);
	m.msg_iov = &v;
	v.iov_base = KERNEL_PTR;
	CHECK_ERRNO(sendmsg(s, &m, 0), EFAULT);
	v.iov_base = "x";
	CHECK_ERRNO(sendmsg(s, KERNEL_PTR, 0), EFAULT);
	m.msg_name = KERNEL_PTR;
	CHECK_ERRNO(sendmsg(s, &m, 0), EFAULT);
	m.msg_name = &ra;
	m.msg_control = &ctl;           /* cmsg_len past the buffer */
	m.msg_controllen = sizeof(ctl);
	CHECK_ERRNO(sendmsg(s, &m, 0), EINVAL);
	m.msg_control = KERNEL_PTR;
	CHECK_ERRNO(sendmsg(s, &m, 0), EFAULT);
	m.msg_controllen = (size_t)INT_MAX + 1;
	CHECK_ERRNO(sendmsg(s, &m, 0), ENOBUFS);
	m.msg_control = NULL;
	m.msg_controllen = 0;
	CHECK(sendmsg(s, &m, 0) == 1, "sendmsg after the bad ones");
	CHECK_ERRNO(recvmsg(r, KERNEL_PTR, 0), EFAULT);
	CHECK_ERRNO(sendmsg(0, &m, 0), ENOTSOCK);
	close(r);
	close(s);
}

static void stream(void)
{
	struct sockaddr_in sa = lo;
	socklen_t len = sizeof(sa);
	int l = socket(AF_INET, SOCK_STREAM, 0), c = socket(AF_INET, SOCK_STREAM, 0), s;
	char a[4], b[4];
	struct iovec out[2] = { { "hel", 3 }, { "lo", 2 } }, in[2] = { { a, 4 }, { b, 4 } };
	struct msghdr m = { .msg_iov = out, .msg_iovlen = 2 };

	CHECK_OK(bind(l, (struct sockaddr *)&sa, sizeof(sa)));
	CHECK_OK(getsockname(l, (struct sockaddr *)&sa, &len));
	CHECK_OK(listen(l, 1));
	CHECK_OK(connect(c, (struct sockaddr *)&sa, sizeof(sa)));
	s = accept(l, NULL, NULL);
	CHECK(sendmsg(c, &m, 0) == 5, "sendmsg on a stream");
	CHECK(sendmsg(c, &m, 0) == 5, "sendmsg on a stream");
	m = (struct msghdr){ .msg_iov = in, .msg_iovlen = 2 };
	CHECK(recvmsg(s, &m, MSG_WAITALL) == 8, "recvmsg MSG_WAITALL");
	CHECK(!memcmp(a, "hell", 4) && !memcmp(b, "ohel", 4), "stream data");
	close(c);
	close(s);
	close(l);
}

static void mmsg(void)
{
	struct sockaddr_in ra;
	int r = udp_bound(&ra), s = socket(AF_INET, SOCK_DGRAM, 0);
	char bufs[3][8];
	struct iovec out[3] = { { "one", 3 }, { "two!", 4 }, { "three", 5 } }, in[3];
	struct mmsghdr mv[3];
	struct timespec ts = { 5, 0 };

	for (int i = 0; i < 3; i++)
		mv[i] = (struct mmsghdr){ .msg_hdr = { .msg_name = &ra, .msg_namelen = sizeof(ra),
						       .msg_iov = &out[i], .msg_iovlen = 1 } };
	CHECK(sendmmsg(s, mv, 3, 0) == 3, "sendmmsg: %s", strerror(errno));
	CHECK(mv[0].msg_len == 3 && mv[1].msg_len == 4 && mv[2].msg_len == 5, "msg_len");
	for (int i = 0; i < 3; i++) {
		in[i] = (struct iovec){ bufs[i], sizeof(bufs[i]) };
		mv[i] = (struct mmsghdr){ .msg_hdr = { .msg_iov = &in[i], .msg_iovlen = 1 } };
	}
	CHECK(recvmmsg(r, mv, 3, MSG_WAITFORONE, &ts) == 3, "recvmmsg: %s", strerror(errno));
	CHECK(mv[2].msg_len == 5 && !memcmp(bufs[2], "three", 5), "third datagram");
	CHECK(ts.tv_sec <= 5, "the timeout left");
	CHECK_ERRNO(recvmmsg(r, mv, 3, MSG_DONTWAIT, NULL), EAGAIN);
	ts.tv_nsec = -1;
	CHECK_ERRNO(recvmmsg(r, mv, 3, 0, &ts), EINVAL);
	close(r);
	close(s);
}

int main(void)
{
	datagrams();
	error_queue();
	bad_messages();
	stream();
	mmsg();
	return 0;
}
