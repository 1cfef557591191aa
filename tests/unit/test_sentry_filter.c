/* SPDX-License-Identifier: MIT */
/*
 * The sentry's own seccomp filter (src/sandbox/seccomp.c) allows the host
 * sockets, socket options and ioctls of common/hostnet.def and nothing
 * else (issue 12, finding 3): each case installs the real filter in a
 * child process and makes one host call there, which must either work or
 * kill the child with SIGSYS.
 */
#include <errno.h>
#include <linux/filter.h>
#include <linux/sockios.h>
#include <linux/tcp.h>
#include <net/if.h>
#include <netinet/in.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "sandbox/seccomp.h"

#define NBCX (SOCK_NONBLOCK | SOCK_CLOEXEC)

enum call {
	SOCK_TCP, SOCK_UDP6, SOCK_PING, SOCK_TCP_PLAIN, SOCK_MPTCP, SOCK_UDPLITE, SOCK_RAW_ICMP,
	SOCK_PACKET_RAW, SOCK_NETLINK, SOCK_UNIX,
	OPT_REUSEADDR, OPT_ATTACH_FILTER, OPT_ATTACH_BPF, OPT_MARK, GET_TYPE, GET_ZEROCOPY,
	IOCTL_FIONREAD, IOCTL_GIFINDEX, IOCTL_SIFFLAGS, IOCTL_ETHTOOL, IOCTL_TIOCSTI,
};

/* The call, made in the child under the filter: 0 if the host answered. */
static int make(enum call c, int s)
{
	/* harmless where the filter would let them through: an interface
	 * that does not exist, the child's own socket, never the host's lo
	 * or terminal */
	struct ifreq ifr = { .ifr_name = "cvisor-none0" };
	int v = 1;
	socklen_t len = sizeof(v);

	if (c == IOCTL_GIFINDEX)
		strcpy(ifr.ifr_name, "lo");

	switch (c) {
	case SOCK_TCP: return socket(AF_INET, SOCK_STREAM | NBCX, IPPROTO_TCP) < 0;
	case SOCK_UDP6: return socket(AF_INET6, SOCK_DGRAM | NBCX, IPPROTO_UDP) < 0 &&
			       errno != EAFNOSUPPORT;
	case SOCK_PING: socket(AF_INET, SOCK_DGRAM | NBCX, IPPROTO_ICMP); return 0;
	case SOCK_TCP_PLAIN: return socket(AF_INET, SOCK_STREAM, 0) < 0;
	case SOCK_MPTCP: return socket(AF_INET, SOCK_STREAM | NBCX, 262) < 0;
	case SOCK_UDPLITE: return socket(AF_INET, SOCK_DGRAM | NBCX, IPPROTO_UDPLITE) < 0;
	case SOCK_RAW_ICMP: return socket(AF_INET, SOCK_RAW | NBCX, IPPROTO_ICMP) < 0;
	case SOCK_PACKET_RAW: return socket(AF_PACKET, SOCK_RAW | NBCX, 0x0300) < 0;
	case SOCK_NETLINK: return socket(AF_NETLINK, SOCK_RAW | NBCX, 0) < 0;
	case SOCK_UNIX: return socket(AF_UNIX, SOCK_STREAM | NBCX, 0) < 0;
	case OPT_REUSEADDR: return setsockopt(s, SOL_SOCKET, SO_REUSEADDR, &v, sizeof(v));
	case OPT_ATTACH_FILTER: {
		struct sock_filter f = BPF_STMT(BPF_RET | BPF_K, 0);
		struct sock_fprog p = { 1, &f };

		return setsockopt(s, SOL_SOCKET, SO_ATTACH_FILTER, &p, sizeof(p));
	}
	case OPT_ATTACH_BPF: return setsockopt(s, SOL_SOCKET, SO_ATTACH_BPF, &v, sizeof(v));
	case OPT_MARK: setsockopt(s, SOL_SOCKET, SO_MARK, &v, sizeof(v)); return 0;
	case GET_TYPE: return getsockopt(s, SOL_SOCKET, SO_TYPE, &v, &len);
	case GET_ZEROCOPY: {
		struct tcp_zerocopy_receive zc = { 0 };

		len = sizeof(zc);
		getsockopt(s, IPPROTO_TCP, TCP_ZEROCOPY_RECEIVE, &zc, &len);
		return 0;
	}
	case IOCTL_FIONREAD: return ioctl(s, FIONREAD, &v);
	case IOCTL_GIFINDEX: return ioctl(s, SIOCGIFINDEX, &ifr);
	case IOCTL_SIFFLAGS: ioctl(s, SIOCSIFFLAGS, &ifr); return 0;
	case IOCTL_ETHTOOL: ioctl(s, SIOCETHTOOL, &ifr); return 0;
	case IOCTL_TIOCSTI: ioctl(s, TIOCSTI, "x"); return 0;
	}
	return 1;
}

/* Run call c under the sentry's filter: the child's wait status. */
static int under_filter(enum call c)
{
	pid_t pid = fork();
	int status;

	assert_true(pid >= 0);
	if (pid == 0) {
		/* a socket of the allowed kind for the option and ioctl calls */
		int s = socket(AF_INET, SOCK_STREAM | NBCX, IPPROTO_TCP);

		setrlimit(RLIMIT_CORE, &(struct rlimit){ 0, 0 });       /* SIGSYS dumps */
		if (s < 0 || prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) || sentry_seccomp_install(false))
			_exit(99);
		_exit(make(c, s) ? 1 : 0);
	}
	assert_int_equal(waitpid(pid, &status, 0), pid);
	return status;
}

static void allowed(enum call c)
{
	int st = under_filter(c);

	assert_true(WIFEXITED(st));
	assert_int_equal(WEXITSTATUS(st), 0);
}

static void killed(enum call c)
{
	int st = under_filter(c);

	assert_true(WIFSIGNALED(st));
	assert_int_equal(WTERMSIG(st), SIGSYS);
}

static void test_sockets(void **state)
{
	(void)state;
	allowed(SOCK_TCP);
	allowed(SOCK_UDP6);
	allowed(SOCK_PING);
	killed(SOCK_TCP_PLAIN);         /* the sentry always names all of it */
	killed(SOCK_MPTCP);
	killed(SOCK_UDPLITE);
	killed(SOCK_RAW_ICMP);
	killed(SOCK_PACKET_RAW);
	killed(SOCK_NETLINK);
	killed(SOCK_UNIX);
}

static void test_options(void **state)
{
	(void)state;
	allowed(OPT_REUSEADDR);
	allowed(GET_TYPE);
	killed(OPT_ATTACH_FILTER);
	killed(OPT_ATTACH_BPF);
	killed(OPT_MARK);
	killed(GET_ZEROCOPY);
}

static void test_ioctls(void **state)
{
	(void)state;
	allowed(IOCTL_FIONREAD);
	allowed(IOCTL_GIFINDEX);
	killed(IOCTL_SIFFLAGS);
	killed(IOCTL_ETHTOOL);
	killed(IOCTL_TIOCSTI);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_sockets),
		cmocka_unit_test(test_options),
		cmocka_unit_test(test_ioctls),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
