/*
 * bench/trapcost.c - what a trapped system call costs natively, by the two
 * ways a process can trap its own calls (docs/syscall-patching.md): a
 * seccomp filter that returns SECCOMP_RET_TRAP, and syscall user dispatch
 * (PR_SET_SYSCALL_USER_DISPATCH, Linux 5.11), which raises the same SIGSYS
 * without running a BPF program.  The handler answers the call itself (as
 * the stub hands it to the sentry), so only the trap round trip is timed.
 *
 * Usage: trapcost MODE [N]    MODE: plain | seccomp | sud
 * Prints "MODE_ns <ns per call>".  Native only: build static, run on the
 * host.
 */
#define _GNU_SOURCE
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <signal.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <time.h>
#include <ucontext.h>
#include <unistd.h>

#include "bench.h"

#ifndef PR_SET_SYSCALL_USER_DISPATCH
#define PR_SET_SYSCALL_USER_DISPATCH 59
#define PR_SYS_DISPATCH_ON 1
#endif
#define SYSCALL_DISPATCH_FILTER_ALLOW 0
#define SYSCALL_DISPATCH_FILTER_BLOCK 1

static volatile char selector = SYSCALL_DISPATCH_FILTER_ALLOW;

static long raw_getppid(void)
{
	long ret;

	__asm__ volatile("syscall" : "=a"(ret) : "a"((long)SYS_getppid) : "rcx", "r11", "memory");
	return ret;
}

static void on_sigsys(int sig, siginfo_t *si, void *ucv)
{
	ucontext_t *uc = ucv;

	(void)sig;
	(void)si;
	uc->uc_mcontext.gregs[REG_RAX] = 4242;  /* the "sentry's" answer */
	/* rt_sigreturn must not trap: the stub's restorer would be in the
	 * allowed range; here the loop blocks again before each call */
	selector = SYSCALL_DISPATCH_FILTER_ALLOW;
}

static void trap_seccomp(void)
{
	struct sock_filter f[] = {
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, nr)),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, SYS_getppid, 0, 1),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_TRAP),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
	};
	struct sock_fprog prog = { sizeof(f) / sizeof(f[0]), f };

	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) ||
	    syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, 0, &prog))
		die("seccomp");
}

int main(int argc, char **argv)
{
	struct sigaction sa = { .sa_sigaction = on_sigsys, .sa_flags = SA_SIGINFO };
	long n = argc > 2 ? parse_count(argv[2]) : 1000000, expect;
	const char *mode = argc > 1 ? argv[1] : "plain";
	double t0, t1;
	int sud = 0;

	bench_name = "trapcost";
	if (n <= 0)
		die("usage: trapcost plain|seccomp|sud [N]");
	sigaction(SIGSYS, &sa, NULL);
	if (!strcmp(mode, "seccomp")) {
		trap_seccomp();
	} else if (!strcmp(mode, "sud")) {
		/* everything outside [0, 1) traps while the selector says BLOCK
		 * (the stub's range would be allowed instead) */
		if (prctl(PR_SET_SYSCALL_USER_DISPATCH, PR_SYS_DISPATCH_ON, 0, 1, &selector))
			die("PR_SET_SYSCALL_USER_DISPATCH");
		sud = 1;
		selector = SYSCALL_DISPATCH_FILTER_BLOCK;
	} else if (strcmp(mode, "plain")) {
		die("usage: trapcost plain|seccomp|sud [N]");
	}
	expect = raw_getppid();
	if (strcmp(mode, "plain") && expect != 4242)
		die("the call did not trap");
	t0 = now_ns();
	for (long i = 0; i < n; i++) {
		if (sud)
			selector = SYSCALL_DISPATCH_FILTER_BLOCK;
		if (raw_getppid() != expect)
			die("unexpected result");
	}
	t1 = now_ns();
	selector = SYSCALL_DISPATCH_FILTER_ALLOW;
	return report("%s_ns %.1f\n", mode, (t1 - t0) / (double)n);
}
