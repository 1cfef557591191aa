/* SPDX-License-Identifier: MIT */
/*
 * Names for what the filters compare: only labels for numbers measured in
 * the filters; a value without a name here is printed in hex.
 */
#include <linux/sockios.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <netinet/udp.h>
#include <sched.h>
#include <seccomp.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>

#include "filters/names.h"

struct name { long v; const char *s; };
#define N(x) { x, #x }

/* Newer than Debian 12's libseccomp (the kernel's syscall_64.tbl). */
static const char *const newer[] = {
	[457] = "statmount", [458] = "listmount", [459] = "lsm_get_self_attr",
	[460] = "lsm_set_self_attr", [461] = "lsm_list_modules", [462] = "mseal",
	[463] = "setxattrat", [464] = "getxattrat", [465] = "listxattrat",
	[466] = "removexattrat", [467] = "open_tree_attr", [468] = "file_getattr",
	[469] = "file_setattr",
};

const char *syscall_name(uint32_t nr)
{
	static char *known[1024];

	if (nr < 1024 && !known[nr])
		known[nr] = seccomp_syscall_resolve_num_arch(SCMP_ARCH_X86_64, (int)nr);
	if (nr < 1024 && known[nr])
		return known[nr];
	if (nr < sizeof(newer) / sizeof(newer[0]))
		return newer[nr];
	return NULL;
}

static const struct name futex_ops[] = {
	{ 0, "FUTEX_WAIT" }, { 1, "FUTEX_WAKE" }, { 2, "FUTEX_FD" }, { 3, "FUTEX_REQUEUE" },
	{ 4, "FUTEX_CMP_REQUEUE" }, { 5, "FUTEX_WAKE_OP" }, { 6, "FUTEX_LOCK_PI" },
	{ 7, "FUTEX_UNLOCK_PI" }, { 8, "FUTEX_TRYLOCK_PI" }, { 9, "FUTEX_WAIT_BITSET" },
	{ 10, "FUTEX_WAKE_BITSET" }, { 11, "FUTEX_WAIT_REQUEUE_PI" },
	{ 12, "FUTEX_CMP_REQUEUE_PI" }, { 13, "FUTEX_LOCK_PI2" }, { 0, NULL }
};
static const struct name arch_prctl_ops[] = {
	{ 0x1001, "ARCH_SET_GS" }, { 0x1002, "ARCH_SET_FS" }, { 0x1003, "ARCH_GET_FS" },
	{ 0x1004, "ARCH_GET_GS" }, { 0x1011, "ARCH_GET_CPUID" }, { 0x1012, "ARCH_SET_CPUID" },
	{ 0, NULL }
};
static const struct name prctl_ops[] = {
	{ 1, "PR_SET_PDEATHSIG" }, { 2, "PR_GET_PDEATHSIG" }, { 3, "PR_GET_DUMPABLE" },
	{ 4, "PR_SET_DUMPABLE" }, { 15, "PR_SET_NAME" }, { 16, "PR_GET_NAME" },
	{ 22, "PR_SET_SECCOMP" }, { 38, "PR_SET_NO_NEW_PRIVS" }, { 39, "PR_GET_NO_NEW_PRIVS" },
	{ 59, "PR_SET_SYSCALL_USER_DISPATCH" }, { 0, NULL }
};
static const struct name seccomp_ops[] = {
	{ 0, "SECCOMP_SET_MODE_STRICT" }, { 1, "SECCOMP_SET_MODE_FILTER" },
	{ 2, "SECCOMP_GET_ACTION_AVAIL" }, { 3, "SECCOMP_GET_NOTIF_SIZES" }, { 0, NULL }
};
static const struct name domains[] = {
	N(AF_UNIX), N(AF_INET), N(AF_INET6), N(AF_NETLINK), N(AF_PACKET), { 0, NULL }
};
static const struct name protocols[] = {
	N(IPPROTO_TCP), N(IPPROTO_UDP), N(IPPROTO_ICMP), N(IPPROTO_ICMPV6), { 0, NULL }
};
static const struct name levels[] = {
	N(SOL_SOCKET), N(IPPROTO_IP), N(IPPROTO_IPV6), N(IPPROTO_TCP), N(IPPROTO_UDP),
	{ 0, NULL }
};
/* bits, and the exit signal in clone's low byte */
static const struct name clone_flags[] = {
	N(CLONE_VM), N(CLONE_FS), N(CLONE_FILES), N(CLONE_SIGHAND), N(CLONE_PIDFD),
	N(CLONE_PTRACE), N(CLONE_VFORK), N(CLONE_PARENT), N(CLONE_THREAD), N(CLONE_NEWNS),
	N(CLONE_SYSVSEM), N(CLONE_SETTLS), N(CLONE_PARENT_SETTID), N(CLONE_CHILD_CLEARTID),
	N(CLONE_DETACHED), N(CLONE_UNTRACED), N(CLONE_CHILD_SETTID), N(CLONE_NEWCGROUP),
	N(CLONE_NEWUTS), N(CLONE_NEWIPC), N(CLONE_NEWUSER), N(CLONE_NEWPID), N(CLONE_NEWNET),
	N(CLONE_IO), { 0, NULL }
};
static const struct name sock_flags[] = { N(SOCK_NONBLOCK), N(SOCK_CLOEXEC), { 0, NULL } };
static const struct name sock_types[] = {
	N(SOCK_STREAM), N(SOCK_DGRAM), N(SOCK_RAW), N(SOCK_SEQPACKET), { 0, NULL }
};

struct level_name { long level, v; const char *s; };

static const struct level_name sockopts[] = {
#define HOST_SOCKOPT(level, name, kind, access) { level, name, #name },
#include "hostnet.def"
	{ 0, 0, NULL }
};
static const struct name ioctls[] = {
#define HOST_IOCTL(cmd, kind, on) { cmd, #cmd },
#include "hostnet.def"
	{ 0, NULL }
};

static const char *lookup(const struct name *t, uint64_t v)
{
	for (; t->s; t++)
		if ((uint64_t)t->v == v)
			return t->s;
	return NULL;
}

/* Flag bits by name, what is left in hex; base (a name) first if set. */
static const char *flags(const struct name *bits, const char *base, uint64_t v,
			 char *buf, size_t size)
{
	size_t n = 0;

	buf[0] = 0;
	if (base)
		n += snprintf(buf + n, size - n, "%s", base);
	for (; bits->s && n < size; bits++) {
		if ((v & bits->v) != (uint64_t)bits->v)
			continue;
		v &= ~(uint64_t)bits->v;
		n += snprintf(buf + n, size - n, "%s%s", n ? "|" : "", bits->s);
	}
	if ((v || !n) && n < size)
		snprintf(buf + n, size - n, "%s%#llx", n ? "|" : "", (unsigned long long)v);
	return buf;
}

static const char *clone_name(uint64_t v, char *buf, size_t size)
{
	static const struct name sigs[] = { { 9, "SIGKILL" }, { 17, "SIGCHLD" }, { 0, NULL } };
	const char *sig = lookup(sigs, v & 0xff);

	return flags(clone_flags, sig, sig ? v & ~0xffull : v, buf, size);
}

const char *value_name(const char *sys, int arg, uint64_t v, long level, char *buf, size_t size)
{
	const char *s = NULL;

	if (!strcmp(sys, "futex") && arg == 1 && lookup(futex_ops, v & 0x7f)) {
		snprintf(buf, size, "%s%s", lookup(futex_ops, v & 0x7f),
			 v & 128 ? "|FUTEX_PRIVATE_FLAG" : "");
		if (!(v & ~0xffull))
			return buf;
	} else if (!strcmp(sys, "arch_prctl") && arg == 0) {
		s = lookup(arch_prctl_ops, v);
	} else if (!strcmp(sys, "prctl") && arg == 0) {
		s = lookup(prctl_ops, v);
	} else if (!strcmp(sys, "seccomp") && arg == 0) {
		s = lookup(seccomp_ops, v);
	} else if (!strcmp(sys, "clone") && arg == 0) {
		return clone_name(v, buf, size);
	} else if (!strcmp(sys, "socket") && arg == 0) {
		s = lookup(domains, v);
	} else if (!strcmp(sys, "socket") && arg == 1) {
		return flags(sock_flags, lookup(sock_types, v & 0xf), v & ~0xfull, buf, size);
	} else if (!strcmp(sys, "socket") && arg == 2) {
		s = lookup(protocols, v);
	} else if ((!strcmp(sys, "setsockopt") || !strcmp(sys, "getsockopt")) && arg == 1) {
		s = lookup(levels, v);
	} else if ((!strcmp(sys, "setsockopt") || !strcmp(sys, "getsockopt")) && arg == 2) {
		for (const struct level_name *o = sockopts; o->s && level >= 0; o++)
			if (o->level == level && (uint64_t)o->v == v)
				s = o->s;
	} else if (!strcmp(sys, "ioctl") && arg == 1) {
		s = lookup(ioctls, v);
	}
	if (s)
		snprintf(buf, size, "%s", s);
	else
		snprintf(buf, size, "%#llx", (unsigned long long)v);
	return buf;
}
