/* Socket options of inet sockets (issue 12, finding 3): the ones real
 * servers use, set and read back with their sizes; what a short, negative
 * or huge optlen does; EFAULT for bad pointers; ENOPROTOOPT for unknown
 * options and for setting read-only ones; socket types and protocols as
 * SO_TYPE/SO_DOMAIN/SO_PROTOCOL report them.  The sandbox passes these to
 * the host only from its list of options, with values it copied: the
 * answers must be Linux's. */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <netinet/udp.h>
#include <poll.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include "check.h"

static int sock(int domain, int type, int protocol)
{
	int s = socket(domain, type, protocol);

	CHECK(s >= 0, "socket(%d, %d, %d): %s", domain, type, protocol, strerror(errno));
	return s;
}

static int get_int(int s, int level, int name)
{
	int v = -12345;
	socklen_t len = sizeof(v);

	CHECK(getsockopt(s, level, name, &v, &len) == 0, "getsockopt(%d, %d): %s", level, name,
	      strerror(errno));
	CHECK(len == sizeof(v), "getsockopt(%d, %d): len %u", level, name, len);
	return v;
}

/* set an int option and read back want */
static void set_int(int s, int level, int name, int val, int want)
{
	CHECK(setsockopt(s, level, name, &val, sizeof(val)) == 0, "setsockopt(%d, %d, %d): %s",
	      level, name, val, strerror(errno));
	CHECK(get_int(s, level, name) == want, "option (%d, %d): got %d, want %d", level, name,
	      get_int(s, level, name), want);
}

static void check_type(int domain, int type, int protocol, int want_protocol)
{
	int s = sock(domain, type, protocol);

	CHECK(get_int(s, SOL_SOCKET, SO_TYPE) == type, "SO_TYPE");
	CHECK(get_int(s, SOL_SOCKET, SO_DOMAIN) == domain, "SO_DOMAIN");
	CHECK(get_int(s, SOL_SOCKET, SO_PROTOCOL) == want_protocol, "SO_PROTOCOL %d",
	      get_int(s, SOL_SOCKET, SO_PROTOCOL));
	close(s);
}

static void tcp_options(void)
{
	int s = sock(AF_INET, SOCK_STREAM, 0);
	struct linger lg = { 1, 5 }, lg2;
	struct tcp_info ti;
	char cc[16] = "";
	socklen_t len;

	set_int(s, SOL_SOCKET, SO_REUSEADDR, 1, 1);
	set_int(s, SOL_SOCKET, SO_REUSEPORT, 1, 1);
	set_int(s, SOL_SOCKET, SO_KEEPALIVE, 1, 1);
	set_int(s, SOL_SOCKET, SO_OOBINLINE, 1, 1);
	set_int(s, SOL_SOCKET, SO_RCVBUF, 4096, 8192);  /* Linux doubles it */
	set_int(s, SOL_SOCKET, SO_SNDBUF, 8192, 16384);
	set_int(s, SOL_SOCKET, SO_RCVLOWAT, 10, 10);
	set_int(s, SOL_SOCKET, SO_TIMESTAMP, 1, 1);
	CHECK(get_int(s, SOL_SOCKET, SO_SNDLOWAT) == 1, "SO_SNDLOWAT");
	CHECK_ERRNO(setsockopt(s, SOL_SOCKET, SO_SNDLOWAT, &(int){ 2 }, 4), ENOPROTOOPT);
	set_int(s, IPPROTO_TCP, TCP_NODELAY, 1, 1);
	set_int(s, IPPROTO_TCP, TCP_MAXSEG, 1000, 1000);
	set_int(s, IPPROTO_TCP, TCP_CORK, 1, 1);
	set_int(s, IPPROTO_TCP, TCP_KEEPIDLE, 77, 77);
	set_int(s, IPPROTO_TCP, TCP_KEEPINTVL, 11, 11);
	set_int(s, IPPROTO_TCP, TCP_KEEPCNT, 4, 4);
	set_int(s, IPPROTO_TCP, TCP_SYNCNT, 3, 3);
	set_int(s, IPPROTO_TCP, TCP_LINGER2, 20, 20);
	set_int(s, IPPROTO_TCP, TCP_USER_TIMEOUT, 5000, 5000);
	set_int(s, IPPROTO_TCP, TCP_NOTSENT_LOWAT, 16384, 16384);
	set_int(s, IPPROTO_TCP, TCP_WINDOW_CLAMP, 20000, 20000);
	set_int(s, IPPROTO_TCP, TCP_INQ, 1, 1);
	set_int(s, IPPROTO_TCP, TCP_FASTOPEN_CONNECT, 1, 1);
	CHECK_OK(setsockopt(s, IPPROTO_TCP, TCP_DEFER_ACCEPT, &(int){ 5 }, 4));
	CHECK(get_int(s, IPPROTO_TCP, TCP_DEFER_ACCEPT) >= 5, "TCP_DEFER_ACCEPT");
	CHECK_OK(setsockopt(s, IPPROTO_TCP, TCP_QUICKACK, &(int){ 1 }, 4));
	set_int(s, IPPROTO_IP, IP_TOS, 0x10, 0x10);
	set_int(s, IPPROTO_IP, IP_TTL, 33, 33);
	set_int(s, IPPROTO_IP, IP_RECVERR, 1, 1);
	set_int(s, IPPROTO_IP, IP_MTU_DISCOVER, IP_PMTUDISC_DONT, IP_PMTUDISC_DONT);
	set_int(s, IPPROTO_IP, IP_FREEBIND, 1, 1);
	set_int(s, IPPROTO_IP, IP_BIND_ADDRESS_NO_PORT, 1, 1);

	/* structs */
	CHECK_OK(setsockopt(s, SOL_SOCKET, SO_LINGER, &lg, sizeof(lg)));
	len = sizeof(lg2);
	CHECK_OK(getsockopt(s, SOL_SOCKET, SO_LINGER, &lg2, &len));
	CHECK(len == sizeof(lg2) && lg2.l_onoff && lg2.l_linger == 5, "SO_LINGER");
	CHECK_OK(setsockopt(s, IPPROTO_TCP, TCP_CONGESTION, "reno", 4));
	len = sizeof(cc);
	CHECK_OK(getsockopt(s, IPPROTO_TCP, TCP_CONGESTION, cc, &len));
	CHECK(len == sizeof(cc) && !strcmp(cc, "reno"), "TCP_CONGESTION %s len %u", cc, len);
	CHECK_ERRNO(setsockopt(s, IPPROTO_TCP, TCP_CONGESTION, "no-such-cc", 10), ENOENT);
	len = sizeof(ti);
	CHECK_OK(getsockopt(s, IPPROTO_TCP, TCP_INFO, &ti, &len));
	CHECK(len == sizeof(ti) && ti.tcpi_state == TCP_CLOSE, "TCP_INFO len %u state %d", len,
	      ti.tcpi_state);
	len = 8;        /* a short buffer gets the start of it */
	CHECK_OK(getsockopt(s, IPPROTO_TCP, TCP_INFO, &ti, &len));
	CHECK(len == 8, "TCP_INFO short: len %u", len);

	/* read-only options cannot be set */
	CHECK_ERRNO(setsockopt(s, SOL_SOCKET, SO_TYPE, &(int){ 1 }, 4), ENOPROTOOPT);
	CHECK_ERRNO(setsockopt(s, SOL_SOCKET, SO_ERROR, &(int){ 1 }, 4), ENOPROTOOPT);
	CHECK_ERRNO(setsockopt(s, IPPROTO_TCP, TCP_INFO, &ti, sizeof(ti)), ENOPROTOOPT);
	CHECK_ERRNO(setsockopt(s, IPPROTO_IP, IP_MTU, &(int){ 1 }, 4), ENOPROTOOPT);
	/* unknown options and levels */
	CHECK_ERRNO(setsockopt(s, SOL_SOCKET, 9999, &(int){ 1 }, 4), ENOPROTOOPT);
	len = 4;
	CHECK_ERRNO(getsockopt(s, SOL_SOCKET, 9999, cc, &len), ENOPROTOOPT);
	CHECK_ERRNO(setsockopt(s, IPPROTO_TCP, 9999, &(int){ 1 }, 4), ENOPROTOOPT);
	CHECK_ERRNO(setsockopt(s, IPPROTO_IP, 9999, &(int){ 1 }, 4), ENOPROTOOPT);
	CHECK_ERRNO(setsockopt(s, IPPROTO_UDP, UDP_CORK, &(int){ 1 }, 4), ENOPROTOOPT);
	len = 4;
	CHECK_ERRNO(getsockopt(s, IPPROTO_IP, IP_ADD_MEMBERSHIP, cc, &len), ENOPROTOOPT);
	/* a level no layer of an IPv4 socket knows ends in ip_getsockopt:
	 * EOPNOTSUPP (setsockopt's is ENOPROTOOPT); an IPv6 socket's
	 * ipv6_getsockopt answers ENOPROTOOPT */
	len = 4;
	CHECK_ERRNO(getsockopt(s, 500, 1, cc, &len), EOPNOTSUPP);
	len = 4;
	CHECK_ERRNO(getsockopt(s, IPPROTO_UDP, UDP_CORK, cc, &len), EOPNOTSUPP);
	CHECK_ERRNO(setsockopt(s, 500, 1, &(int){ 1 }, 4), ENOPROTOOPT);
	close(s);
	s = sock(AF_INET6, SOCK_STREAM, 0);
	len = 4;
	CHECK_ERRNO(getsockopt(s, 500, 1, cc, &len), ENOPROTOOPT);
	close(s);
}

/* SO_SNDBUFFORCE: with CAP_NET_ADMIN a size, never a negative one
 * (LTP's setsockopt04), without it EPERM */
static void forced_sizes(void)
{
	int s = sock(AF_INET, SOCK_DGRAM, 0), st;
	unsigned big = 0xffffff00, got = 0;
	socklen_t len = sizeof(got);
	pid_t pid;

	CHECK_OK(setsockopt(s, SOL_SOCKET, SO_SNDBUFFORCE, &big, sizeof(big)));
	CHECK_OK(getsockopt(s, SOL_SOCKET, SO_SNDBUF, &got, &len));
	CHECK((int)got >= 4608, "SO_SNDBUF after SO_SNDBUFFORCE %#x: %d", big, (int)got);
	CHECK_OK(setsockopt(s, SOL_SOCKET, SO_RCVBUFFORCE, &(int){ 65536 }, sizeof(int)));
	pid = fork();
	CHECK(pid >= 0, "fork: %s", strerror(errno));
	if (pid == 0)
		_exit(setresuid(65534, 65534, 65534) ? 2 :
		      setsockopt(s, SOL_SOCKET, SO_SNDBUFFORCE, &big, sizeof(big)) == -1 &&
		      errno == EPERM ? 0 : 3);
	CHECK(waitpid(pid, &st, 0) == pid && WIFEXITED(st) && !WEXITSTATUS(st),
	      "SO_SNDBUFFORCE without CAP_NET_ADMIN: status %#x", st);
	close(s);
}

static void udp_options(void)
{
	int s = sock(AF_INET, SOCK_DGRAM, 0);
	struct ip_mreqn mr = { .imr_address.s_addr = htonl(INADDR_LOOPBACK) };
	struct in_addr ia = { htonl(INADDR_LOOPBACK) }, got;
	socklen_t len;

	set_int(s, SOL_SOCKET, SO_BROADCAST, 1, 1);
	set_int(s, IPPROTO_IP, IP_PKTINFO, 1, 1);
	set_int(s, IPPROTO_IP, IP_RECVTOS, 1, 1);
	set_int(s, IPPROTO_IP, IP_RECVTTL, 1, 1);
	set_int(s, IPPROTO_IP, IP_RECVORIGDSTADDR, 1, 1);
	set_int(s, IPPROTO_IP, IP_MULTICAST_TTL, 5, 5);
	set_int(s, IPPROTO_IP, IP_MULTICAST_LOOP, 0, 0);
	set_int(s, IPPROTO_IP, IP_MULTICAST_ALL, 0, 0);
	set_int(s, IPPROTO_UDP, UDP_CORK, 1, 1);
	set_int(s, IPPROTO_UDP, UDP_SEGMENT, 1000, 1000);
	set_int(s, IPPROTO_UDP, UDP_GRO, 1, 1);
	/* IP_TOS takes a single byte too */
	CHECK_OK(setsockopt(s, IPPROTO_IP, IP_TOS, &(char){ 0x20 }, 1));
	CHECK(get_int(s, IPPROTO_IP, IP_TOS) == 0x20, "IP_TOS from a byte");

	CHECK_OK(setsockopt(s, IPPROTO_IP, IP_MULTICAST_IF, &ia, sizeof(ia)));
	len = sizeof(got);
	CHECK_OK(getsockopt(s, IPPROTO_IP, IP_MULTICAST_IF, &got, &len));
	CHECK(len == sizeof(got) && got.s_addr == ia.s_addr, "IP_MULTICAST_IF");
	inet_pton(AF_INET, "239.1.2.3", &mr.imr_multiaddr);
	CHECK_OK(setsockopt(s, IPPROTO_IP, IP_ADD_MEMBERSHIP, &mr, sizeof(mr)));
	CHECK_ERRNO(setsockopt(s, IPPROTO_IP, IP_ADD_MEMBERSHIP, &mr, sizeof(mr)), EADDRINUSE);
	CHECK_OK(setsockopt(s, IPPROTO_IP, IP_DROP_MEMBERSHIP, &mr, sizeof(mr)));
	CHECK_ERRNO(setsockopt(s, IPPROTO_IP, IP_DROP_MEMBERSHIP, &mr, sizeof(mr)), EADDRNOTAVAIL);
	CHECK_ERRNO(setsockopt(s, IPPROTO_IP, IP_ADD_MEMBERSHIP, &mr, 4), EINVAL);
	CHECK_ERRNO(setsockopt(s, IPPROTO_TCP, TCP_NODELAY, &(int){ 1 }, 4), ENOPROTOOPT);
	close(s);
}

static void ipv6_options(void)
{
	int s = socket(AF_INET6, SOCK_DGRAM, 0);
	struct ipv6_mreq mr = { .ipv6mr_interface = 1 };

	if (s < 0 && errno == EAFNOSUPPORT)
		return;         /* no IPv6 here */
	CHECK(s >= 0, "socket AF_INET6: %s", strerror(errno));
	set_int(s, IPPROTO_IPV6, IPV6_V6ONLY, 1, 1);
	set_int(s, IPPROTO_IPV6, IPV6_UNICAST_HOPS, 7, 7);
	set_int(s, IPPROTO_IPV6, IPV6_MULTICAST_HOPS, 9, 9);
	set_int(s, IPPROTO_IPV6, IPV6_MULTICAST_LOOP, 0, 0);
	set_int(s, IPPROTO_IPV6, IPV6_MULTICAST_IF, 1, 1);
	set_int(s, IPPROTO_IPV6, IPV6_TCLASS, 0x20, 0x20);
	set_int(s, IPPROTO_IPV6, IPV6_RECVPKTINFO, 1, 1);
	set_int(s, IPPROTO_IPV6, IPV6_RECVTCLASS, 1, 1);
	set_int(s, IPPROTO_IPV6, IPV6_RECVHOPLIMIT, 1, 1);
	set_int(s, IPPROTO_IPV6, IPV6_RECVERR, 1, 1);
	set_int(s, IPPROTO_IPV6, IPV6_RECVORIGDSTADDR, 1, 1);
	set_int(s, IPPROTO_IPV6, IPV6_MTU_DISCOVER, IPV6_PMTUDISC_DONT, IPV6_PMTUDISC_DONT);
	set_int(s, IPPROTO_IPV6, IPV6_DONTFRAG, 1, 1);
	inet_pton(AF_INET6, "ff02::1:3", &mr.ipv6mr_multiaddr);
	CHECK_OK(setsockopt(s, IPPROTO_IPV6, IPV6_ADD_MEMBERSHIP, &mr, sizeof(mr)));
	CHECK_OK(setsockopt(s, IPPROTO_IPV6, IPV6_DROP_MEMBERSHIP, &mr, sizeof(mr)));
	CHECK_ERRNO(setsockopt(s, IPPROTO_IPV6, IPV6_DROP_MEMBERSHIP, &mr, sizeof(mr)),
		    EADDRNOTAVAIL);
	close(s);
	check_type(AF_INET6, SOCK_STREAM, 0, IPPROTO_TCP);
	check_type(AF_INET6, SOCK_DGRAM, IPPROTO_UDP, IPPROTO_UDP);
}

/* lengths and pointers */
static void bad_args(void)
{
	int s = sock(AF_INET, SOCK_STREAM, IPPROTO_TCP), v = 1;
	char *gone = mmap(NULL, PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	char buf[8];
	socklen_t len;

	CHECK(gone != MAP_FAILED, "mmap");
	munmap(gone, PAGE);
	CHECK_ERRNO(setsockopt(s, SOL_SOCKET, SO_REUSEADDR, &v, 2), EINVAL);
	CHECK_ERRNO(setsockopt(s, IPPROTO_TCP, TCP_NODELAY, &v, 3), EINVAL);
	CHECK_ERRNO(setsockopt(s, SOL_SOCKET, SO_REUSEADDR, &v, -1), EINVAL);
	CHECK_ERRNO(setsockopt(s, SOL_SOCKET, SO_LINGER, &v, 4), EINVAL);
	CHECK_ERRNO(setsockopt(s, SOL_SOCKET, SO_REUSEADDR, KERNEL_PTR, 4), EFAULT);
	CHECK_ERRNO(setsockopt(s, SOL_SOCKET, SO_REUSEADDR, gone, 4), EFAULT);
	CHECK_ERRNO(setsockopt(s, IPPROTO_TCP, TCP_CONGESTION, gone, 4), EFAULT);
	CHECK_ERRNO(setsockopt(s, SOL_SOCKET, SO_LINGER, gone, 8), EFAULT);
	/* Linux reads an int of a long value: the rest is never looked at */
	CHECK_OK(setsockopt(s, SOL_SOCKET, SO_KEEPALIVE, &v, 1 << 20));
	CHECK_OK(setsockopt(s, SOL_SOCKET, SO_KEEPALIVE, &v, 4096));

	len = 2;        /* a short buffer: that much of the value */
	memset(buf, 0x55, sizeof(buf));
	CHECK_OK(getsockopt(s, SOL_SOCKET, SO_KEEPALIVE, buf, &len));
	CHECK(len == 2 && buf[0] == 1 && buf[2] == 0x55, "short get: len %u", len);
	len = 0;
	CHECK_OK(getsockopt(s, SOL_SOCKET, SO_KEEPALIVE, buf, &len));
	CHECK(len == 0, "empty get: len %u", len);
	len = 4096;     /* a long one: the value's size */
	CHECK_OK(getsockopt(s, SOL_SOCKET, SO_KEEPALIVE, buf, &len));
	CHECK(len == 4, "long get: len %u", len);
	len = (socklen_t)-1;
	CHECK_ERRNO(getsockopt(s, SOL_SOCKET, SO_KEEPALIVE, buf, &len), EINVAL);
	len = 4;
	CHECK_ERRNO(getsockopt(s, SOL_SOCKET, SO_KEEPALIVE, KERNEL_PTR, &len), EFAULT);
	CHECK_ERRNO(getsockopt(s, SOL_SOCKET, SO_KEEPALIVE, gone, &len), EFAULT);
	CHECK_ERRNO(getsockopt(s, SOL_SOCKET, SO_KEEPALIVE, buf, KERNEL_PTR), EFAULT);
	CHECK_ERRNO(getsockopt(s, SOL_SOCKET, SO_KEEPALIVE, buf, (socklen_t *)gone), EFAULT);
	/* not a socket, no fd */
	CHECK_ERRNO(setsockopt(0, SOL_SOCKET, SO_KEEPALIVE, &v, 4), ENOTSOCK);
	CHECK_ERRNO(setsockopt(999, SOL_SOCKET, SO_KEEPALIVE, &v, 4), EBADF);
	len = 4;
	CHECK_ERRNO(getsockopt(0, SOL_SOCKET, SO_TYPE, buf, &len), ENOTSOCK);
	close(s);
}

/* SO_ACCEPTCONN and SO_ERROR follow the socket's state */
static void state(void)
{
	struct sockaddr_in sa = { .sin_family = AF_INET,
				  .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	socklen_t len = sizeof(sa);
	int l = sock(AF_INET, SOCK_STREAM, 0), u;
	struct pollfd p;

	CHECK_OK(bind(l, (struct sockaddr *)&sa, sizeof(sa)));
	CHECK(get_int(l, SOL_SOCKET, SO_ACCEPTCONN) == 0, "SO_ACCEPTCONN before listen");
	CHECK_OK(listen(l, 1));
	CHECK(get_int(l, SOL_SOCKET, SO_ACCEPTCONN) == 1, "SO_ACCEPTCONN after listen");
	CHECK(get_int(l, SOL_SOCKET, SO_ERROR) == 0, "SO_ERROR of a fresh socket");
	set_int(l, IPPROTO_TCP, TCP_FASTOPEN, 5, 5);
	close(l);

	/* a datagram to a closed port: the ICMP error lands in SO_ERROR */
	u = sock(AF_INET, SOCK_DGRAM, 0);
	CHECK_OK(bind(u, (struct sockaddr *)&sa, sizeof(sa)));
	CHECK_OK(getsockname(u, (struct sockaddr *)&sa, &len));
	close(u);
	u = sock(AF_INET, SOCK_DGRAM, 0);
	CHECK_OK(connect(u, (struct sockaddr *)&sa, sizeof(sa)));
	CHECK(send(u, "x", 1, 0) == 1, "send: %s", strerror(errno));
	p = (struct pollfd){ .fd = u, .events = 0 };
	CHECK(poll(&p, 1, -1) == 1 && (p.revents & POLLERR), "poll: %#x", p.revents);
	CHECK(get_int(u, SOL_SOCKET, SO_ERROR) == ECONNREFUSED, "SO_ERROR");
	CHECK(get_int(u, SOL_SOCKET, SO_ERROR) == 0, "SO_ERROR is cleared by reading it");
	close(u);
}

int main(void)
{
	check_type(AF_INET, SOCK_STREAM, 0, IPPROTO_TCP);
	check_type(AF_INET, SOCK_STREAM, IPPROTO_TCP, IPPROTO_TCP);
	check_type(AF_INET, SOCK_DGRAM, 0, IPPROTO_UDP);
	check_type(AF_INET, SOCK_DGRAM, IPPROTO_UDP, IPPROTO_UDP);
	tcp_options();
	udp_options();
	if (geteuid() == 0)
		forced_sizes();
	ipv6_options();
	bad_args();
	state();
	return 0;
}
