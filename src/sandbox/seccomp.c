/* SPDX-License-Identifier: MIT */
/* The sentry's seccomp filter (see seccomp.h and docs/security.md). */
#include <errno.h>
#include <sched.h>
#include <seccomp.h>
#include <stdlib.h>
#include <string.h>
#include <linux/netlink.h>
#include <linux/sockios.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <netinet/udp.h>
#include <sys/ioctl.h>
#include <sys/socket.h>

#include "sandbox/seccomp.h"

/*
 * Allowed without argument checks.  Grouped by why the sentry needs them;
 * docs/security.md has the same table.
 */
static const int allowed[] = {
	/* files: hostfs (O_PATH fds, *at calls), memfs data, host fds */
	SCMP_SYS(openat), SCMP_SYS(close), SCMP_SYS(read), SCMP_SYS(write),
	SCMP_SYS(pread64), SCMP_SYS(pwrite64), SCMP_SYS(readv), SCMP_SYS(writev),
	SCMP_SYS(preadv), SCMP_SYS(pwritev), SCMP_SYS(lseek), SCMP_SYS(fstat),
	SCMP_SYS(newfstatat), SCMP_SYS(statx), SCMP_SYS(fstatfs), SCMP_SYS(getdents64),
	SCMP_SYS(readlinkat), SCMP_SYS(mkdirat), SCMP_SYS(mknodat), SCMP_SYS(unlinkat),
	SCMP_SYS(renameat2), SCMP_SYS(linkat), SCMP_SYS(symlinkat), SCMP_SYS(fchmod),
	SCMP_SYS(fchmodat), SCMP_SYS(fchown), SCMP_SYS(fchownat), SCMP_SYS(utimensat),
	SCMP_SYS(ftruncate), SCMP_SYS(fallocate), SCMP_SYS(fsync), SCMP_SYS(fdatasync),
	SCMP_SYS(fcntl), SCMP_SYS(dup), SCMP_SYS(dup3), SCMP_SYS(fadvise64),
	SCMP_SYS(copy_file_range), SCMP_SYS(sendfile), SCMP_SYS(memfd_create),
	/* exec: a program's file capabilities (security.capability) */
	SCMP_SYS(fgetxattr),
	/* its own memory (and mapping memfds for the stubs' sysmsg pages) */
	SCMP_SYS(mmap), SCMP_SYS(munmap), SCMP_SYS(mprotect), SCMP_SYS(mremap),
	SCMP_SYS(madvise), SCMP_SYS(brk),
	/* membarrier(2) of the application: one global barrier (sys_mlock.c) */
	SCMP_SYS(membarrier),
	/* its threads (one per task), their signals and futexes */
	SCMP_SYS(futex), SCMP_SYS(set_robust_list), SCMP_SYS(rseq), SCMP_SYS(gettid),
	SCMP_SYS(getpid), SCMP_SYS(getppid), SCMP_SYS(sched_yield), SCMP_SYS(sched_getaffinity),
	SCMP_SYS(rt_sigaction), SCMP_SYS(rt_sigprocmask), SCMP_SYS(rt_sigreturn),
	SCMP_SYS(sigaltstack), SCMP_SYS(tgkill), SCMP_SYS(exit), SCMP_SYS(exit_group),
	SCMP_SYS(prctl), SCMP_SYS(set_tid_address),
	/* the host kernel's own call: a sleep with a restart block (poll,
	 * nanosleep, a futex with a timeout) interrupted by a stop (SIGSTOP,
	 * a cgroup freeze, a ptrace attach) resumes through restart_syscall,
	 * which only re-runs that sleep */
	SCMP_SYS(restart_syscall),
	/* the stub processes: application memory, reaping, SIGKILL */
	SCMP_SYS(process_vm_readv), SCMP_SYS(process_vm_writev), SCMP_SYS(wait4),
	SCMP_SYS(waitid), SCMP_SYS(kill),
	/* waiting: ppoll with host fds, the main loop, timers */
	SCMP_SYS(poll), SCMP_SYS(ppoll), SCMP_SYS(eventfd2), SCMP_SYS(signalfd4),
	/* epoll of host sockets: one host epoll per sentry epoll (fs/epoll.c) */
	SCMP_SYS(epoll_create1), SCMP_SYS(epoll_ctl), SCMP_SYS(epoll_wait),
	SCMP_SYS(pipe2), SCMP_SYS(timerfd_create), SCMP_SYS(timerfd_settime),
	SCMP_SYS(timerfd_gettime), SCMP_SYS(clock_gettime), SCMP_SYS(clock_getres),
	SCMP_SYS(clock_nanosleep), SCMP_SYS(nanosleep), SCMP_SYS(gettimeofday),
	/* answers the sentry passes on (uname, sysinfo, getrandom, limits) */
	SCMP_SYS(uname), SCMP_SYS(sysinfo), SCMP_SYS(getrandom), SCMP_SYS(prlimit64),
	SCMP_SYS(getrusage), SCMP_SYS(getuid), SCMP_SYS(geteuid), SCMP_SYS(getgid),
	SCMP_SYS(getegid),
	/* the control socket (cvisor start/kill/exec/ps) */
	SCMP_SYS(accept4), SCMP_SYS(recvmsg), SCMP_SYS(sendmsg), SCMP_SYS(sendto),
	SCMP_SYS(recvfrom),
	/* host-mode inet sockets for the application (net/hostinet.c); the
	 * sandbox's network namespace is the only one the sentry is in */
	SCMP_SYS(bind), SCMP_SYS(listen), SCMP_SYS(connect), SCMP_SYS(getsockname),
	SCMP_SYS(getpeername), SCMP_SYS(shutdown),
};

/*
 * Newer calls glibc tries first (falling back on ENOSYS), by number: the
 * libseccomp of Debian 12 does not know their names.
 */
static const int allowed_nr[] = {
	436,    /* close_range */
	439,    /* faccessat2 */
	452,    /* fchmodat2: glibc's fchmodat(..., AT_SYMLINK_NOFOLLOW) */
};

/*
 * The host sockets, socket options and ioctls of the sentry's own list
 * (common/hostnet.def, issue 12 finding 3): socket() with the exact
 * (domain, type, protocol) the sentry passes, get/setsockopt by (level,
 * name), ioctl by command.  A bug in the sentry cannot reach other
 * protocols or options of the host.
 */
static int add_hostnet_rules(scmp_filter_ctx ctx)
{
	int err = 0;

#define HOST_SOCKET(domain, type, protocol)                                           \
	if (!err)                                                                     \
		err = seccomp_rule_add(ctx, SCMP_ACT_ALLOW, SCMP_SYS(socket), 3,      \
				       SCMP_A0(SCMP_CMP_EQ, domain),                  \
				       SCMP_A1(SCMP_CMP_EQ, (type) | SOCK_NONBLOCK | SOCK_CLOEXEC), \
				       SCMP_A2(SCMP_CMP_EQ, protocol));
#define HOST_SOCKOPT(level, name, kind, access)                                       \
	if (!err && (access) & SET)                                                   \
		err = seccomp_rule_add(ctx, SCMP_ACT_ALLOW, SCMP_SYS(setsockopt), 2,  \
				       SCMP_A1(SCMP_CMP_EQ, level), SCMP_A2(SCMP_CMP_EQ, name)); \
	if (!err && (access) & GET)                                                   \
		err = seccomp_rule_add(ctx, SCMP_ACT_ALLOW, SCMP_SYS(getsockopt), 2,  \
				       SCMP_A1(SCMP_CMP_EQ, level), SCMP_A2(SCMP_CMP_EQ, name));
#define HOST_IOCTL(cmd, kind, on)                                                     \
	if (!err)                                                                     \
		err = seccomp_rule_add(ctx, SCMP_ACT_ALLOW, SCMP_SYS(ioctl), 1,       \
				       SCMP_A1(SCMP_CMP_EQ, cmd));
	enum { GET = 1, SET = 2, GETSET = 3 };
#include "hostnet.def"
	return err;
}

/*
 * --host-uds: host AF_UNIX stream and seqpacket sockets, exactly as
 * net/unix/host.c makes them (connect is already allowed, for inet).
 */
static int add_host_uds_rules(scmp_filter_ctx ctx)
{
	static const int types[] = { SOCK_STREAM, SOCK_SEQPACKET };
	int err = 0;

	for (size_t i = 0; i < sizeof(types) / sizeof(types[0]) && !err; i++)
		err = seccomp_rule_add(ctx, SCMP_ACT_ALLOW, SCMP_SYS(socket), 3,
				       SCMP_A0(SCMP_CMP_EQ, AF_UNIX),
				       SCMP_A1(SCMP_CMP_EQ, types[i] | SOCK_NONBLOCK | SOCK_CLOEXEC),
				       SCMP_A2(SCMP_CMP_EQ, 0));
	return err;
}

int sentry_seccomp_install(bool host_uds)
{
	const char *mode = getenv("CVISOR_SECCOMP");
	uint32_t dflt = mode && !strcmp(mode, "log") ? SCMP_ACT_LOG : SCMP_ACT_KILL_PROCESS;
	scmp_filter_ctx ctx = seccomp_init(dflt);
	int err = 0;

	if (!ctx)
		return -ENOMEM;
	/* i386 and x32 calls too: libseccomp's default for another
	 * architecture kills only the calling thread, which would leave the
	 * sandbox hanging instead of ending it */
	err = seccomp_attr_set(ctx, SCMP_FLTATR_ACT_BADARCH, dflt);
	for (size_t i = 0; i < sizeof(allowed) / sizeof(allowed[0]) && !err; i++)
		err = seccomp_rule_add(ctx, SCMP_ACT_ALLOW, allowed[i], 0);
	for (size_t i = 0; i < sizeof(allowed_nr) / sizeof(allowed_nr[0]) && !err; i++)
		err = seccomp_rule_add(ctx, SCMP_ACT_ALLOW, allowed_nr[i], 0);
	if (!err)
		err = add_hostnet_rules(ctx);
	/* the sandbox's interfaces, addresses and routes for the application's
	 * NETLINK_ROUTE dumps (net/netlink/host.c): a route netlink socket of
	 * the sentry's own, of exactly this type, read with recvfrom; without
	 * any capability the sentry can only read the namespace through it */
	if (!err)
		err = seccomp_rule_add(ctx, SCMP_ACT_ALLOW, SCMP_SYS(socket), 3,
				       SCMP_A0(SCMP_CMP_EQ, AF_NETLINK),
				       SCMP_A1(SCMP_CMP_EQ, SOCK_RAW | SOCK_CLOEXEC),
				       SCMP_A2(SCMP_CMP_EQ, NETLINK_ROUTE));
	if (!err && host_uds)
		err = add_host_uds_rules(ctx);
	/* a sentry thread moves itself to its stub thread's CPU (platform/
	 * handoff.c): its own affinity only, never another thread's */
	if (!err)
		err = seccomp_rule_add(ctx, SCMP_ACT_ALLOW, SCMP_SYS(sched_setaffinity), 1,
				       SCMP_A0(SCMP_CMP_EQ, 0));
	/* threads only: a clone without CLONE_THREAD would be a new host
	 * process, which the sentry never makes after start */
	if (!err)
		err = seccomp_rule_add(ctx, SCMP_ACT_ALLOW, SCMP_SYS(clone), 1,
				       SCMP_A0(SCMP_CMP_MASKED_EQ, CLONE_THREAD, CLONE_THREAD));
	/* clone3's flags are in memory, out of a filter's reach: ENOSYS makes
	 * glibc fall back to clone */
	if (!err)
		err = seccomp_rule_add(ctx, SCMP_ACT_ERRNO(ENOSYS), SCMP_SYS(clone3), 0);
	/* every thread of the sentry, now and later */
	if (!err)
		err = seccomp_attr_set(ctx, SCMP_FLTATR_CTL_TSYNC, 1);
	if (!err)
		err = seccomp_load(ctx);
	seccomp_release(ctx);
	return err;
}
