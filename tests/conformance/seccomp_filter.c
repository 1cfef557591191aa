/* seccomp filters of the application's own (seccomp(2), PR_SET_SECCOMP):
 * ERRNO (even 0, capped at 4095), TRAP (SIGSYS with si_syscall, si_arch,
 * si_errno, rax = the number), KILL_PROCESS and KILL_THREAD, TRACE with no
 * tracer (ENOSYS), the most restrictive of several filters, inheritance by
 * fork and threads, TSYNC, strict mode, args and arch in seccomp_data,
 * the checks Linux makes on a program (EINVAL) and on the caller (EACCES
 * without no_new_privs or CAP_SYS_ADMIN), GET_ACTION_AVAIL, PR_GET_SECCOMP
 * and /proc/self/status.  Each case runs in a child: filters stay. */
#define _GNU_SOURCE
#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <pthread.h>
#include <signal.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/ucontext.h>
#include <sys/wait.h>
#include "check.h"

#define LD_NR BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, nr))
#define RET(v) BPF_STMT(BPF_RET | BPF_K, (v))

static long sc(unsigned op, unsigned flags, void *arg)
{
	return syscall(SYS_seccomp, op, flags, arg);
}

/* A filter: calls numbered nr get action, everything else is allowed. */
static long install(int nr, uint32_t action, unsigned flags)
{
	struct sock_filter f[] = {
		LD_NR,
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, (uint32_t)nr, 0, 1),
		RET(action),
		RET(SECCOMP_RET_ALLOW),
	};
	struct sock_fprog p = { 4, f };

	return sc(SECCOMP_SET_MODE_FILTER, flags, &p);
}

/* Run fn in a child; its wait status. */
static int in_child(void (*fn)(void))
{
	int st;
	pid_t pid = fork();

	CHECK(pid >= 0, "fork");
	if (pid == 0) {
		fn();
		_exit(0);
	}
	CHECK(waitpid(pid, &st, 0) == pid, "waitpid");
	return st;
}

static void expect_exit0(void (*fn)(void), const char *what)
{
	int st = in_child(fn);

	CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 0, "%s: status %#x", what, st);
}

static void nnp(void)
{
	CHECK_OK(prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0));
}

static void errno_action(void)
{
	nnp();
	CHECK_OK(install(SYS_getppid, SECCOMP_RET_ERRNO | EIO, 0));
	CHECK_ERRNO(syscall(SYS_getppid), EIO);
	CHECK(syscall(SYS_getpid) == getpid(), "getpid still runs");
	CHECK_OK(install(SYS_getuid, SECCOMP_RET_ERRNO | 0, 0));
	CHECK(syscall(SYS_getuid) == 0, "ERRNO 0: 0 without running it");
	CHECK_OK(install(SYS_getgid, SECCOMP_RET_ERRNO | 0xffff, 0));
	errno = 0;
	CHECK(syscall(SYS_getgid) == -1 && errno == 4095, "capped errno %d", errno);
	CHECK_OK(install(SYS_getegid, SECCOMP_RET_TRACE, 0));
	CHECK_ERRNO(syscall(SYS_getegid), ENOSYS);      /* no tracer */
	CHECK(prctl(PR_GET_SECCOMP) == 2, "PR_GET_SECCOMP");
	/* and a forked child has them too */
	pid_t pid = fork();
	if (pid == 0)
		_exit(syscall(SYS_getppid) == -1 && errno == EIO ? 0 : 1);
	int st;
	CHECK(waitpid(pid, &st, 0) == pid && WIFEXITED(st) && !WEXITSTATUS(st), "inherited");
	/* /proc/self/status */
	char buf[4096];
	FILE *f = fopen("/proc/self/status", "r");
	size_t n = f ? fread(buf, 1, sizeof(buf) - 1, f) : 0;
	buf[n] = 0;
	CHECK(strstr(buf, "\nSeccomp:\t2\n"), "status: %s", strstr(buf, "Seccomp") ?: "none");
	fclose(f);
}

static volatile int trap_nr = -1, trap_arch, trap_errno, trap_code;
static volatile long trap_rax;

static void on_sigsys(int sig, siginfo_t *si, void *uc)
{
	(void)sig;
	trap_nr = si->si_syscall;
	trap_arch = (int)si->si_arch;
	trap_errno = si->si_errno;
	trap_code = si->si_code;
	trap_rax = ((ucontext_t *)uc)->uc_mcontext.gregs[REG_RAX];
}

static void trap_action(void)
{
	struct sigaction sa = { .sa_sigaction = on_sigsys, .sa_flags = SA_SIGINFO };

	CHECK_OK(sigaction(SIGSYS, &sa, NULL));
	nnp();
	/* TRAP is more restrictive than ERRNO: of the two filters, TRAP wins */
	CHECK_OK(install(SYS_getppid, SECCOMP_RET_TRAP | 42, 0));
	CHECK_OK(install(SYS_getppid, SECCOMP_RET_ERRNO | EIO, 0));
	syscall(SYS_getppid);
	CHECK(trap_code == 1 && trap_nr == SYS_getppid && trap_arch == (int)AUDIT_ARCH_X86_64 &&
	      trap_errno == 42, "SIGSYS: code %d nr %d arch %#x errno %d", trap_code, trap_nr,
	      trap_arch, trap_errno);
	CHECK(trap_rax == SYS_getppid, "rax at the trap %ld", trap_rax);
}

static void kill_process(void)
{
	nnp();
	CHECK_OK(install(SYS_getppid, SECCOMP_RET_KILL_PROCESS, 0));
	syscall(SYS_getppid);
	_exit(9);
}

static void *killed_thread(void *arg)
{
	(void)arg;
	syscall(SYS_getppid);
	return (void *)1;               /* never */
}

static void kill_thread(void)
{
	pthread_t th;

	nnp();
	CHECK_OK(install(SYS_getppid, SECCOMP_RET_KILL_THREAD, 0));
	CHECK(pthread_create(&th, NULL, killed_thread, NULL) == 0, "thread");
	usleep(200000);                 /* it is gone; this thread goes on */
}

static volatile int tsync_ok = -1;

static void *tsync_thread(void *arg)
{
	(void)arg;
	while (tsync_ok < 0)
		if (syscall(SYS_getppid) == -1 && errno == EPERM)
			tsync_ok = 1;
	return NULL;
}

static void tsync(void)
{
	pthread_t th;

	nnp();
	CHECK(pthread_create(&th, NULL, tsync_thread, NULL) == 0, "thread");
	CHECK(install(SYS_getppid, SECCOMP_RET_ERRNO | EPERM, SECCOMP_FILTER_FLAG_TSYNC) == 0,
	      "TSYNC: %s", strerror(errno));
	pthread_join(th, NULL);
	CHECK(tsync_ok == 1, "the other thread got the filter");
}

static void strict(void)
{
	CHECK_OK(prctl(PR_SET_SECCOMP, SECCOMP_MODE_STRICT, 0, 0, 0));
	CHECK(write(1, "", 0) == 0, "write is allowed");
	syscall(SYS_getppid);           /* SIGKILL */
	syscall(SYS_exit, 9);
}

static void args_and_arch(void)
{
	struct sock_filter f[] = {
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, arch)),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, AUDIT_ARCH_X86_64, 1, 0),
		RET(SECCOMP_RET_KILL_PROCESS),
		LD_NR,
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, SYS_dup, 0, 3),
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, args[0])),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, 1000, 0, 1),
		RET(SECCOMP_RET_ERRNO | ENOTTY),
		/* scratch memory and ALU: A = (nr * 2) ^ 1, stored and read back */
		BPF_STMT(BPF_ALU | BPF_MUL | BPF_K, 2),
		BPF_STMT(BPF_ALU | BPF_XOR | BPF_K, 1),
		BPF_STMT(BPF_ST, 3),
		BPF_STMT(BPF_LDX | BPF_MEM, 3),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_X, 0, 0, 0),
		RET(SECCOMP_RET_ALLOW),
	};
	struct sock_fprog p = { sizeof(f) / sizeof(f[0]), f };

	nnp();
	CHECK(sc(SECCOMP_SET_MODE_FILTER, 0, &p) == 0, "args filter: %s", strerror(errno));
	CHECK_ERRNO(dup(1000), ENOTTY);
	CHECK_ERRNO(dup(1001), EBADF);  /* runs: no such fd */
}

static void bad_programs(void)
{
	struct sock_filter jump_out[] = { BPF_JUMP(BPF_JMP | BPF_JA, 5, 0, 0), RET(0) };
	struct sock_filter far_load[] = { BPF_STMT(BPF_LD | BPF_W | BPF_ABS, 64), RET(0) };
	struct sock_filter odd_load[] = { BPF_STMT(BPF_LD | BPF_W | BPF_ABS, 2), RET(0) };
	struct sock_filter no_ret[] = { LD_NR };
	struct sock_filter unset_mem[] = { BPF_STMT(BPF_LD | BPF_MEM, 0), RET(0) };
	struct sock_filter div0[] = { BPF_STMT(BPF_ALU | BPF_DIV | BPF_K, 0), RET(0) };
	struct sock_filter byte_load[] = { BPF_STMT(BPF_LD | BPF_B | BPF_ABS, 0), RET(0) };
	struct sock_filter ok[] = { RET(SECCOMP_RET_ALLOW) };
	struct sock_fprog p;
	uint32_t action;

	nnp();
#define BAD(prog) (p = (struct sock_fprog){ sizeof(prog) / sizeof(prog[0]), prog }, \
		   sc(SECCOMP_SET_MODE_FILTER, 0, &p))
	CHECK_ERRNO(BAD(jump_out), EINVAL);
	CHECK_ERRNO(BAD(far_load), EINVAL);
	CHECK_ERRNO(BAD(odd_load), EINVAL);
	CHECK_ERRNO(BAD(no_ret), EINVAL);
	CHECK_ERRNO(BAD(unset_mem), EINVAL);
	CHECK_ERRNO(BAD(div0), EINVAL);
	CHECK_ERRNO(BAD(byte_load), EINVAL);
	p = (struct sock_fprog){ 0, ok };
	CHECK_ERRNO(sc(SECCOMP_SET_MODE_FILTER, 0, &p), EINVAL);
	p = (struct sock_fprog){ 1, ok };
	CHECK_ERRNO(sc(SECCOMP_SET_MODE_FILTER, 1u << 20, &p), EINVAL);
	CHECK_ERRNO(sc(SECCOMP_SET_MODE_FILTER, 0, KERNEL_PTR), EFAULT);
	CHECK_ERRNO(sc(99, 0, NULL), EINVAL);
	action = SECCOMP_RET_ALLOW;
	CHECK_OK(sc(SECCOMP_GET_ACTION_AVAIL, 0, &action));
	action = 0x7ffe0000;
	CHECK_ERRNO(sc(SECCOMP_GET_ACTION_AVAIL, 0, &action), EOPNOTSUPP);
	CHECK(prctl(PR_GET_SECCOMP) == 0, "no filter yet");
	/* strict after filter mode is refused */
	CHECK_OK(sc(SECCOMP_SET_MODE_FILTER, 0, &p));
	CHECK_ERRNO(sc(SECCOMP_SET_MODE_STRICT, 0, NULL), EINVAL);
}

static void unprivileged(void)
{
	struct sock_filter ok[] = { RET(SECCOMP_RET_ALLOW) };
	struct sock_fprog p = { 1, ok };

	/* a user without CAP_SYS_ADMIN and without no_new_privs */
	CHECK_OK(setgid(65534));
	CHECK_OK(setuid(65534));
	CHECK_ERRNO(sc(SECCOMP_SET_MODE_FILTER, 0, &p), EACCES);
	nnp();
	CHECK_OK(sc(SECCOMP_SET_MODE_FILTER, 0, &p));
}

int main(void)
{
	int st;

	expect_exit0(errno_action, "ERRNO");
	expect_exit0(trap_action, "TRAP");
	st = in_child(kill_process);
	CHECK(WIFSIGNALED(st) && WTERMSIG(st) == SIGSYS, "KILL_PROCESS: status %#x", st);
	expect_exit0(kill_thread, "KILL_THREAD");
	expect_exit0(tsync, "TSYNC");
	st = in_child(strict);
	CHECK(WIFSIGNALED(st) && WTERMSIG(st) == SIGKILL, "strict: status %#x", st);
	expect_exit0(args_and_arch, "args");
	expect_exit0(bad_programs, "checks");
	if (getuid() == 0)
		expect_exit0(unprivileged, "EACCES");
	return 0;
}
