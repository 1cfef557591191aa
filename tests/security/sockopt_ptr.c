/*
 * Finding 3 of the security review (issue 12): the host kernel must never
 * follow a pointer the application chose, inside the sentry.  Run in the
 * sandbox as `sockopt_ptr MODE`; prints one line per check and exits 1 if
 * any fails.
 *
 *   filter  options whose value holds a pointer or a host fd
 *           (SO_ATTACH_FILTER, SO_ATTACH_BPF, ..., TCP_ZEROCOPY_RECEIVE):
 *           ENOPROTOOPT whether the pointer is mapped in the sentry
 *           (the stub region, at the same address there), unmapped, a
 *           kernel address or a valid filter of our own: no oracle.
 *   socket  protocols and families outside the list (MPTCP, UDP-Lite,
 *           SCTP, raw, packet, netlink, AF_ALG, ...) are not created, with
 *           Linux's error for the case.
 *   opt     options outside the list: ENOPROTOOPT for set and get.
 *   ioctl   socket ioctls: SIOCGIFCONF's buffer goes through the sentry
 *           (EFAULT alike for a sentry address and an unmapped one); ioctls
 *           that change the network or carry pointers are ENOTTY, and lo
 *           stays up.
 *   tty     (stdin a terminal) ioctls off the terminal list are ENOTTY:
 *           TIOCSTI injects nothing.
 *   msg     sendmsg/recvmsg: the msghdr, its iovecs, name and control are
 *           copied (EFAULT alike for the sentry's address and an unmapped
 *           one); control messages off the list (SCM_RIGHTS, whose fds the
 *           host would look up among the sentry's, SO_MARK, IP_RETOPTS)
 *           are EINVAL.
 *   stdio   (stdin a host socket, as an engine may hand one over) it is a
 *           stream to read and write, not a socket whose options and
 *           addresses reach the host: ENOTSOCK.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <linux/filter.h>
#include <linux/sockios.h>
#include <linux/tcp.h>
#include <net/if.h>
#include <netinet/in.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <linux/capability.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/utsname.h>
#include <termios.h>
#include <unistd.h>

#define SENTRY_ADDR 0x7e0000000000UL    /* STUB_BASE: mapped in the sentry too */
#define UNMAPPED 0x1000UL               /* below mmap_min_addr: mapped nowhere */
#define KERNEL 0xffffffffff000000UL

static int failed;

/* One check: the call's errno must be want. */
static void expect(const char *what, long ret, int want)
{
	int err = ret < 0 ? errno : 0;

	printf("%-52s %s\n", what, err ? strerror(err) : "succeeded");
	if (ret >= 0 || err != want) {
		printf("  FAIL: want %s\n", strerror(want));
		failed = 1;
	}
}

static int tcp(void)
{
	int s = socket(AF_INET, SOCK_STREAM, 0);

	if (s < 0) {
		perror("socket");
		_exit(2);
	}
	return s;
}

static void filter(void)
{
	static struct sock_filter accept_all[] = { BPF_STMT(BPF_RET | BPF_K, 0xffff) };
	static const struct { const char *name; unsigned long ptr; } ptrs[] = {
		{ "sentry", SENTRY_ADDR }, { "unmapped", UNMAPPED }, { "kernel", KERNEL },
		{ "own filter", 0 },
	};
	static const struct { const char *name; int opt; } fprog_opts[] = {
		{ "SO_ATTACH_FILTER", SO_ATTACH_FILTER },
		{ "SO_ATTACH_REUSEPORT_CBPF", SO_ATTACH_REUSEPORT_CBPF },
	};
	static const struct { const char *name; int opt; } fd_opts[] = {
		{ "SO_ATTACH_BPF", SO_ATTACH_BPF },
		{ "SO_ATTACH_REUSEPORT_EBPF", SO_ATTACH_REUSEPORT_EBPF },
	};
	char what[96], val[64];
	int s = tcp();

	for (size_t o = 0; o < sizeof(fprog_opts) / sizeof(fprog_opts[0]); o++)
		for (size_t p = 0; p < sizeof(ptrs) / sizeof(ptrs[0]); p++) {
			struct sock_fprog prog = {
				.len = 1,
				.filter = ptrs[p].ptr ? (struct sock_filter *)ptrs[p].ptr : accept_all,
			};

			snprintf(what, sizeof(what), "%s, filter at %s", fprog_opts[o].name,
				 ptrs[p].name);
			expect(what, setsockopt(s, SOL_SOCKET, fprog_opts[o].opt, &prog,
						sizeof(prog)), ENOPROTOOPT);
		}
	/* the value is an fd, which the host would look up in the sentry's table */
	for (size_t o = 0; o < sizeof(fd_opts) / sizeof(fd_opts[0]); o++)
		for (int fd = 0; fd < 8; fd += 3) {
			snprintf(what, sizeof(what), "%s, fd %d", fd_opts[o].name, fd);
			expect(what, setsockopt(s, SOL_SOCKET, fd_opts[o].opt, &fd, sizeof(fd)),
			       ENOPROTOOPT);
		}
	expect("SO_DETACH_FILTER", setsockopt(s, SOL_SOCKET, SO_DETACH_FILTER, val, 4),
	       ENOPROTOOPT);
	expect("SO_LOCK_FILTER", setsockopt(s, SOL_SOCKET, SO_LOCK_FILTER, &(int){ 1 }, 4),
	       ENOPROTOOPT);
	/* getsockopt that maps pages at an address it is given */
	for (size_t p = 0; p < 3; p++) {
		struct tcp_zerocopy_receive zc = { .address = ptrs[p].ptr, .length = 4096,
						   .msg_control = ptrs[p].ptr };
		socklen_t len = sizeof(zc);

		snprintf(what, sizeof(what), "TCP_ZEROCOPY_RECEIVE at %s", ptrs[p].name);
		expect(what, getsockopt(s, IPPROTO_TCP, TCP_ZEROCOPY_RECEIVE, &zc, &len),
		       ENOPROTOOPT);
	}
	close(s);
}

static bool have_cap(int cap)
{
	struct __user_cap_header_struct h = { _LINUX_CAPABILITY_VERSION_3, 0 };
	struct __user_cap_data_struct d[2];

	return !syscall(SYS_capget, &h, d) && (d[cap / 32].effective >> (cap % 32)) & 1;
}

static void sockets(void)
{
	int raw = have_cap(CAP_NET_RAW) ? ESOCKTNOSUPPORT : EPERM;
	const struct { const char *what; int domain, type, protocol, want; } cases[] = {
		{ "MPTCP", AF_INET, SOCK_STREAM, 262 /* IPPROTO_MPTCP */, EPROTONOSUPPORT },
		{ "MPTCP v6", AF_INET6, SOCK_STREAM, 262, EPROTONOSUPPORT },
		{ "UDP-Lite", AF_INET, SOCK_DGRAM, IPPROTO_UDPLITE, EPROTONOSUPPORT },
		{ "UDP-Lite v6", AF_INET6, SOCK_DGRAM, IPPROTO_UDPLITE, EPROTONOSUPPORT },
		{ "SCTP stream", AF_INET, SOCK_STREAM, IPPROTO_SCTP, EPROTONOSUPPORT },
		{ "SCTP seqpacket", AF_INET, SOCK_SEQPACKET, IPPROTO_SCTP, ESOCKTNOSUPPORT },
		{ "stream of UDP", AF_INET, SOCK_STREAM, IPPROTO_UDP, EPROTONOSUPPORT },
		{ "datagram of TCP", AF_INET, SOCK_DGRAM, IPPROTO_TCP, EPROTONOSUPPORT },
		{ "ICMPv6 on AF_INET", AF_INET, SOCK_DGRAM, IPPROTO_ICMPV6, EPROTONOSUPPORT },
		{ "DCCP", AF_INET, 6 /* SOCK_DCCP */, 0, ESOCKTNOSUPPORT },
		{ "RDM", AF_INET, SOCK_RDM, 0, ESOCKTNOSUPPORT },
		{ "SOCK_PACKET (a packet socket)", AF_INET, SOCK_PACKET, 0x0300, EAFNOSUPPORT },
		{ "type 11 (past SOCK_MAX)", AF_INET, 11, 0, EINVAL },
		{ "protocol past IPPROTO_MAX", AF_INET, SOCK_STREAM, 263, EINVAL },
		{ "raw ICMP", AF_INET, SOCK_RAW, IPPROTO_ICMP, raw },
		{ "raw IPPROTO_RAW", AF_INET, SOCK_RAW, IPPROTO_RAW, raw },
		{ "raw TCP", AF_INET, SOCK_RAW, IPPROTO_TCP, raw },
		{ "raw ICMPv6", AF_INET6, SOCK_RAW, IPPROTO_ICMPV6, raw },
		{ "packet raw", AF_PACKET, SOCK_RAW, 0x0300 /* htons(ETH_P_ALL) */, EAFNOSUPPORT },
		{ "packet dgram", AF_PACKET, SOCK_DGRAM, 0x0300, EAFNOSUPPORT },
		/* route netlink is the sentry's (net/netlink/); no other protocol */
		{ "netlink generic", AF_NETLINK, SOCK_RAW, 16 /* NETLINK_GENERIC */, EPROTONOSUPPORT },
		{ "netlink netfilter", AF_NETLINK, SOCK_RAW, 12 /* NETLINK_NETFILTER */, EPROTONOSUPPORT },
		{ "netlink audit", AF_NETLINK, SOCK_RAW, 9 /* NETLINK_AUDIT */, EPROTONOSUPPORT },
		{ "AF_ALG", AF_ALG, SOCK_SEQPACKET, 0, EAFNOSUPPORT },
		{ "AF_KEY", AF_KEY, SOCK_RAW, 2, EAFNOSUPPORT },
		{ "AF_VSOCK", AF_VSOCK, SOCK_STREAM, 0, EAFNOSUPPORT },
		{ "AF_XDP", AF_XDP, SOCK_RAW, 0, EAFNOSUPPORT },
		{ "AF_BLUETOOTH", AF_BLUETOOTH, SOCK_STREAM, 0, EAFNOSUPPORT },
		{ "AF_RDS", AF_RDS, SOCK_SEQPACKET, 0, EAFNOSUPPORT },
		{ "AF_TIPC", AF_TIPC, SOCK_RDM, 0, EAFNOSUPPORT },
	};
	char what[96];

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		int s = socket(cases[i].domain, cases[i].type, cases[i].protocol);

		snprintf(what, sizeof(what), "socket: %s", cases[i].what);
		expect(what, s, cases[i].want);
		if (s >= 0)
			close(s);
	}
}

static void options(void)
{
	static const struct { const char *what; int level, name, len; } cases[] = {
		{ "SO_BINDTODEVICE", SOL_SOCKET, SO_BINDTODEVICE, 3 },
		{ "SO_MARK", SOL_SOCKET, SO_MARK, 4 },
		{ "SO_PRIORITY", SOL_SOCKET, SO_PRIORITY, 4 },
		{ "SO_PEERCRED", SOL_SOCKET, SO_PEERCRED, 12 },
		{ "SO_ZEROCOPY", SOL_SOCKET, SO_ZEROCOPY, 4 },
		{ "SO_TXTIME", SOL_SOCKET, SO_TXTIME, 8 },
		{ "SO_BUSY_POLL", SOL_SOCKET, SO_BUSY_POLL, 4 },
		{ "SO_RCVTIMEO_NEW", SOL_SOCKET, 66, 16 },
		{ "IP_TRANSPARENT", IPPROTO_IP, IP_TRANSPARENT, 4 },
		{ "IP_OPTIONS", IPPROTO_IP, IP_OPTIONS, 4 },
		{ "IP_HDRINCL", IPPROTO_IP, IP_HDRINCL, 4 },
		{ "IP_IPSEC_POLICY", IPPROTO_IP, IP_IPSEC_POLICY, 4 },
		{ "IPV6_IPSEC_POLICY", IPPROTO_IPV6, IPV6_IPSEC_POLICY, 4 },
		{ "TCP_ULP (kTLS)", IPPROTO_TCP, TCP_ULP, 3 },
		{ "TCP_REPAIR", IPPROTO_TCP, TCP_REPAIR, 4 },
		{ "TCP_MD5SIG", IPPROTO_TCP, TCP_MD5SIG, 4 },
		{ "UDP_ENCAP", IPPROTO_UDP, 100 /* UDP_ENCAP */, 4 },
		{ "SOL_TLS TLS_TX", 282 /* SOL_TLS */, 1, 4 },
		{ "level 0xffff", 0xffff, 1, 4 },
	};
	char val[64] = "lo", what[96];
	int s = tcp();

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		socklen_t len = (socklen_t)cases[i].len;

		snprintf(what, sizeof(what), "setsockopt %s", cases[i].what);
		expect(what, setsockopt(s, cases[i].level, cases[i].name, val, len), ENOPROTOOPT);
		snprintf(what, sizeof(what), "getsockopt %s", cases[i].what);
		/* a level no layer of this IPv4 socket knows is EOPNOTSUPP
		 * (Linux's ip_getsockopt), with nothing read either */
		expect(what, getsockopt(s, cases[i].level, cases[i].name, val, &len),
		       cases[i].level == SOL_SOCKET || cases[i].level == IPPROTO_IP ||
		       cases[i].level == IPPROTO_TCP ? ENOPROTOOPT : EOPNOTSUPP);
	}
	/* SO_RCVBUFFORCE is served now: as SO_RCVBUF, within the host's
	 * limits (net/sockopt.c), never the host's own forced size */
	/* nothing of an unlisted option is read: no EFAULT */
	expect("setsockopt SO_MARK, value at the sentry",
	       setsockopt(s, SOL_SOCKET, SO_MARK, (void *)SENTRY_ADDR, 4), ENOPROTOOPT);
	expect("getsockopt SO_MARK, length at the sentry",
	       getsockopt(s, SOL_SOCKET, SO_MARK, val, (socklen_t *)SENTRY_ADDR), ENOPROTOOPT);
	close(s);
}

static void ioctls(void)
{
	struct ifreq ifr = { .ifr_name = "lo" };
	struct ifconf ic;
	struct rtentry { char b[120]; } rt = { { 0 } };
	int s = tcp();

	ic = (struct ifconf){ .ifc_len = 4096, .ifc_buf = (char *)SENTRY_ADDR };
	expect("SIOCGIFCONF, buffer at the sentry", ioctl(s, SIOCGIFCONF, &ic), EFAULT);
	ic = (struct ifconf){ .ifc_len = 4096, .ifc_buf = (char *)UNMAPPED };
	expect("SIOCGIFCONF, buffer unmapped", ioctl(s, SIOCGIFCONF, &ic), EFAULT);
	ic = (struct ifconf){ .ifc_len = 4096, .ifc_buf = (char *)KERNEL };
	expect("SIOCGIFCONF, buffer in the kernel", ioctl(s, SIOCGIFCONF, &ic), EFAULT);
	expect("SIOCGIFCONF, ifconf unmapped", ioctl(s, SIOCGIFCONF, (void *)UNMAPPED), EFAULT);

	ifr.ifr_data = (char *)SENTRY_ADDR;
	expect("SIOCETHTOOL, data at the sentry", ioctl(s, SIOCETHTOOL, &ifr), ENOTTY);
	expect("SIOCGIFMAP", ioctl(s, SIOCGIFMAP, &ifr), ENOTTY);
	ifr.ifr_mtu = 1280;
	expect("SIOCSIFMTU lo", ioctl(s, SIOCSIFMTU, &ifr), ENOTTY);
	ifr.ifr_flags = 0;
	expect("SIOCSIFFLAGS lo down", ioctl(s, SIOCSIFFLAGS, &ifr), ENOTTY);
	expect("SIOCSIFADDR", ioctl(s, SIOCSIFADDR, &ifr), ENOTTY);
	expect("SIOCADDRT", ioctl(s, SIOCADDRT, &rt), ENOTTY);
	expect("SIOCSARP", ioctl(s, SIOCSARP, &rt), ENOTTY);
	expect("SIOCBRADDBR", ioctl(s, SIOCBRADDBR, "br0"), ENOTTY);
	expect("SIOCGSTAMP", ioctl(s, SIOCGSTAMP, &rt), ENOTTY);
	expect("FIOSETOWN", ioctl(s, FIOSETOWN, &(int){ 1 }), ENOTTY);
	/* lo is still up, and still has its MTU */
	memset(&ifr, 0, sizeof(ifr));
	strcpy(ifr.ifr_name, "lo");
	if (ioctl(s, SIOCGIFFLAGS, &ifr) || !(ifr.ifr_flags & IFF_UP)) {
		printf("lo is down after the attempts (%s)\n  FAIL\n", strerror(errno));
		failed = 1;
	}
	if (ioctl(s, SIOCGIFMTU, &ifr) || ifr.ifr_mtu == 1280) {
		printf("lo's MTU changed (%s)\n  FAIL\n", strerror(errno));
		failed = 1;
	}
	close(s);
}

/* sendmsg with the message's pointer fields at addr */
static void msg_ptrs(int s, const struct sockaddr_in *to, const char *where, unsigned long addr)
{
	struct iovec v = { "x", 1 };
	struct msghdr m;
	char what[96];

	m = (struct msghdr){ .msg_name = (void *)to, .msg_namelen = sizeof(*to),
			     .msg_iov = (struct iovec *)addr, .msg_iovlen = 1 };
	snprintf(what, sizeof(what), "sendmsg, msg_iov at %s", where);
	expect(what, sendmsg(s, &m, 0), EFAULT);
	m.msg_iov = &v;
	v.iov_base = (void *)addr;
	snprintf(what, sizeof(what), "sendmsg, iov_base at %s", where);
	expect(what, sendmsg(s, &m, 0), EFAULT);
	v.iov_base = "x";
	m.msg_name = (void *)addr;
	snprintf(what, sizeof(what), "sendmsg, msg_name at %s", where);
	expect(what, sendmsg(s, &m, 0), EFAULT);
	m.msg_name = (void *)to;
	m.msg_control = (void *)addr;
	m.msg_controllen = 64;
	snprintf(what, sizeof(what), "sendmsg, msg_control at %s", where);
	expect(what, sendmsg(s, &m, 0), EFAULT);
	snprintf(what, sizeof(what), "sendmsg, the msghdr at %s", where);
	expect(what, sendmsg(s, (struct msghdr *)addr, 0), EFAULT);
}

/* recvmsg of a datagram with IP_PKTINFO, its buffers at addr: the host
 * writes the sentry's buffers, the sentry the application's: EFAULT */
static void recv_ptrs(const char *where, unsigned long addr)
{
	struct sockaddr_in sa = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	socklen_t len = sizeof(sa);
	char buf[8], ctl[64], what[96];
	struct iovec v = { buf, sizeof(buf) };
	struct msghdr m;
	int s = socket(AF_INET, SOCK_DGRAM, 0);

	bind(s, (struct sockaddr *)&sa, sizeof(sa));
	getsockname(s, (struct sockaddr *)&sa, &len);
	setsockopt(s, IPPROTO_IP, IP_PKTINFO, &(int){ 1 }, 4);
	for (int i = 0; i < 3; i++)
		sendto(s, "x", 1, 0, (struct sockaddr *)&sa, sizeof(sa));
	m = (struct msghdr){ .msg_iov = &v, .msg_iovlen = 1, .msg_control = (void *)addr,
			     .msg_controllen = sizeof(ctl) };
	snprintf(what, sizeof(what), "recvmsg, msg_control at %s", where);
	expect(what, recvmsg(s, &m, 0), EFAULT);
	m = (struct msghdr){ .msg_name = (void *)addr, .msg_namelen = sizeof(sa), .msg_iov = &v,
			     .msg_iovlen = 1 };
	snprintf(what, sizeof(what), "recvmsg, msg_name at %s", where);
	expect(what, recvmsg(s, &m, 0), EFAULT);
	v.iov_base = (void *)addr;
	m = (struct msghdr){ .msg_iov = &v, .msg_iovlen = 1 };
	snprintf(what, sizeof(what), "recvmsg, iov_base at %s", where);
	expect(what, recvmsg(s, &m, 0), EFAULT);
	close(s);
}

static void msgs(void)
{
	struct sockaddr_in to = { .sin_family = AF_INET, .sin_port = htons(9),
				  .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	union { struct cmsghdr h; char b[CMSG_SPACE(64)]; } ctl;
	static const struct { const char *what; int level, type; } cmsgs[] = {
		{ "SCM_RIGHTS", SOL_SOCKET, SCM_RIGHTS },
		{ "SCM_CREDENTIALS", SOL_SOCKET, SCM_CREDENTIALS },
		{ "SO_MARK", SOL_SOCKET, SO_MARK },
		{ "IP_RETOPTS", IPPROTO_IP, IP_RETOPTS },
		{ "IPV6_RTHDR", IPPROTO_IPV6, IPV6_RTHDR },
		{ "UDP_ENCAP", IPPROTO_UDP, 100 },
	};
	struct iovec v = { "x", 1 };
	struct msghdr m = { .msg_name = &to, .msg_namelen = sizeof(to), .msg_iov = &v,
			    .msg_iovlen = 1, .msg_control = &ctl };
	char what[96];
	int s = socket(AF_INET, SOCK_DGRAM, 0);

	msg_ptrs(s, &to, "the sentry", SENTRY_ADDR);
	msg_ptrs(s, &to, "unmapped", UNMAPPED);
	for (size_t i = 0; i < sizeof(cmsgs) / sizeof(cmsgs[0]); i++) {
		memset(&ctl, 0, sizeof(ctl));
		ctl.h = (struct cmsghdr){ .cmsg_len = CMSG_LEN(sizeof(int)),
					  .cmsg_level = cmsgs[i].level, .cmsg_type = cmsgs[i].type };
		m.msg_controllen = CMSG_SPACE(sizeof(int));
		snprintf(what, sizeof(what), "sendmsg with %s", cmsgs[i].what);
		expect(what, sendmsg(s, &m, 0), EINVAL);
	}
	close(s);
	recv_ptrs("the sentry", SENTRY_ADDR);
	recv_ptrs("unmapped", UNMAPPED);
}

static void stdio(void)
{
	struct sockaddr_storage ss;
	socklen_t len = sizeof(int);
	int v = 1 << 20;

	expect("getsockopt(stdin, SO_TYPE)", getsockopt(0, SOL_SOCKET, SO_TYPE, &v, &len),
	       ENOTSOCK);
	expect("setsockopt(stdin, SO_RCVBUF)", setsockopt(0, SOL_SOCKET, SO_RCVBUF, &v, 4),
	       ENOTSOCK);
	len = sizeof(ss);
	expect("getpeername(stdin)", getpeername(0, (struct sockaddr *)&ss, &len), ENOTSOCK);
	expect("shutdown(stdin)", shutdown(0, SHUT_RDWR), ENOTSOCK);
	expect("send(stdin)", send(0, "x", 1, 0), ENOTSOCK);
}

static void tty(void)
{
	char c = 'x';

	if (!isatty(0)) {
		printf("stdin is not a terminal\n");
		_exit(2);
	}
	expect("TIOCSTI", ioctl(0, TIOCSTI, &c), ENOTTY);
	expect("TIOCCONS", ioctl(0, TIOCCONS), ENOTTY);
	expect("TIOCSETD", ioctl(0, TIOCSETD, &(int){ 0 }), ENOTTY);
	expect("TIOCLINUX", ioctl(0, TIOCLINUX, &c), ENOTTY);
	expect("TIOCSTI, char at the sentry", ioctl(0, TIOCSTI, (void *)SENTRY_ADDR), ENOTTY);
	expect("TCGETS, at the sentry", ioctl(0, TCGETS, (void *)SENTRY_ADDR), EFAULT);
	expect("TCSETS, from unmapped", ioctl(0, TCSETS, (void *)UNMAPPED), EFAULT);
}

/* The sentry's uname (its own answer, DESIGN.md §4). */
static bool in_sandbox(void)
{
	struct utsname u;

	return !uname(&u) && strstr(u.version, "cvisor");
}

int main(int argc, char **argv)
{
	const char *mode = argc > 1 ? argv[1] : "";

	setvbuf(stdout, NULL, _IOLBF, 0);
	/* where they are not refused, these attacks take lo down and write to
	 * the terminal: never on the host */
	if (!in_sandbox()) {
		fprintf(stderr, "%s: run this in the sandbox only\n", argv[0]);
		return 2;
	}
	if (!strcmp(mode, "filter"))
		filter();
	else if (!strcmp(mode, "socket"))
		sockets();
	else if (!strcmp(mode, "opt"))
		options();
	else if (!strcmp(mode, "ioctl"))
		ioctls();
	else if (!strcmp(mode, "tty"))
		tty();
	else if (!strcmp(mode, "stdio"))
		stdio();
	else if (!strcmp(mode, "msg"))
		msgs();
	else {
		fprintf(stderr, "usage: %s filter|socket|opt|ioctl|tty|stdio|msg\n", argv[0]);
		return 2;
	}
	return failed;
}
