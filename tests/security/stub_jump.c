/*
 * Jumps into the stub's code with forged registers (issue 12: "jumps into
 * the stub", kept as a regression test).  The application filter lets a
 * few host calls through when they come from the stub's code (DESIGN.md
 * §3): jumping there must not widen that to anything else.  Only the
 * sandbox has a stub: this runs under `cvisor do --strace`.
 *
 *   stub_jump
 *
 * Finds every `syscall` instruction in the stub's code (the bytes 0f 05 at
 * any offset, so also inside other instructions), and at each jumps, in a
 * child process of its own, with the registers of a host call the sentry
 * would never make for the application: the stub region mapped writable or
 * unmapped, a clone of the stub's own flag sets, exit_group, a futex on
 * application memory, arch_prctl(SET_GS), seccomp, prctl, rt_sigaction of
 * SIGSYS, kill of the sentry, ptrace.  The other registers are 0 (rsp too),
 * so the stub code after the instruction faults soon.  Some code after a
 * site loops for ever instead (the syscall thread's loop, waiting for a
 * request): the children of a site that are still there after 2 s are
 * killed, and must die of it.
 *
 * One line per attempt on stdout, "try PID SITE NAME: RESULT": the caller
 * checks in the --strace log that the sentry served NAME for PID (it
 * trapped; the host did not run it).  The parent checks itself that the
 * stub code (shared by every stub process) is unchanged and that
 * exit_group(42) ended its child with 42, as the sentry does it.  Last
 * line "done N" (N attempts); exit 1 if a check failed.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "../../src/common/stub_abi.h"

struct call {
	const char *name;       /* as --strace prints it */
	long nr;
	uint64_t a[6];
};

static uint32_t app_word;                       /* application memory */
static struct timespec ten_ms = { 0, 10000000 };
static uint64_t sigdfl[4];                      /* a k_sigaction of SIG_DFL */

static struct call calls[] = {
	{ "mmap", SYS_mmap, { STUB_CODE, 0x1000, PROT_READ | PROT_WRITE | PROT_EXEC,
			      MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, (uint64_t)-1, 0 } },
	{ "mmap", SYS_mmap, { STUB_CTL_REQ, 0x1000, PROT_READ | PROT_WRITE,
			      MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, (uint64_t)-1, 0 } },
	{ "mprotect", SYS_mprotect, { STUB_CODE, STUB_CODE_SIZE, PROT_READ | PROT_WRITE | PROT_EXEC } },
	{ "mprotect", SYS_mprotect, { STUB_CTL_REQ, 0x1000, PROT_READ | PROT_WRITE } },
	{ "munmap", SYS_munmap, { STUB_BASE, STUB_SIZE } },
	{ "mremap", SYS_mremap, { STUB_GLOBAL, 0x1000, 0x1000, 3 /* MAYMOVE|FIXED */, 0x10000000 } },
	{ "madvise", SYS_madvise, { STUB_CODE, STUB_CODE_SIZE, 4 /* MADV_DONTNEED */ } },
	/* the syscall thread's own clone flag sets, which its filter allows */
	{ "clone", SYS_clone, { STUB_CLONE_FIRST_FLAGS, 0 } },
	{ "clone", SYS_clone, { STUB_CLONE_FIRST_FLAGS & ~0x100000ULL /* PARENT_SETTID */, 0 } },
	{ "clone", SYS_clone, { 0x8400 /* CLONE_PARENT | CLONE_FILES */, 0 } },
	{ "exit_group", SYS_exit_group, { 42 } },
	{ "futex", SYS_futex, { (uint64_t)&app_word, 1 /* FUTEX_WAKE */, 1 } },
	{ "futex", SYS_futex, { (uint64_t)&app_word, 0 /* FUTEX_WAIT */, 0, (uint64_t)&ten_ms } },
	{ "arch_prctl", SYS_arch_prctl, { 0x1001 /* ARCH_SET_GS */, 0x10000 } },
	{ "arch_prctl", SYS_arch_prctl, { 0x100001002 /* SET_FS, high bits set */, 0x10000 } },
	{ "seccomp", SYS_seccomp, { 1 /* SECCOMP_SET_MODE_FILTER */, 0, STUB_GLOBAL } },
	{ "seccomp", SYS_seccomp, { 0 /* SECCOMP_SET_MODE_STRICT */, 0, 0 } },
	{ "prctl", SYS_prctl, { 38 /* PR_SET_NO_NEW_PRIVS */, 1 } },
	{ "prctl", SYS_prctl, { 4 /* PR_SET_DUMPABLE */, 1 } },
	{ "rt_sigaction", SYS_rt_sigaction, { 31 /* SIGSYS */, (uint64_t)sigdfl, 0, 8 } },
	{ "kill", SYS_kill, { 1, 0 } },                 /* the sentry is host pid 1 */
	{ "ptrace", SYS_ptrace, { 16 /* PTRACE_ATTACH */, 1 } },
};

/* Jump to site with the call's registers, every other one 0 (rsp too). */
static void __attribute__((noreturn)) jump(uint64_t site, const struct call *c)
{
	register uint64_t r10 __asm__("r10") = c->a[3];
	register uint64_t r8 __asm__("r8") = c->a[4];
	register uint64_t r9 __asm__("r9") = c->a[5];

	__asm__ volatile("xor %%ebx, %%ebx\n\txor %%ebp, %%ebp\n\t"
			 "xor %%r11d, %%r11d\n\txor %%r12d, %%r12d\n\t"
			 "xor %%r13d, %%r13d\n\txor %%r14d, %%r14d\n\t"
			 "xor %%r15d, %%r15d\n\txor %%esp, %%esp\n\t"
			 "jmp *%%rcx"
			 : : "a"(c->nr), "D"(c->a[0]), "S"(c->a[1]), "d"(c->a[2]),
			   "r"(r10), "r"(r8), "r"(r9), "c"(site) : "memory");
	__builtin_unreachable();
}

/*
 * Reap the children of one site, kids[i] made with calls[i]; after 2 s,
 * kill those that loop in stub code.  Prints a line per child; 1 if
 * exit_group(42) did not end its child with 42, as the sentry does it.
 */
static int reap_site(uint64_t site, pid_t *kids, size_t n)
{
	int bad = 0;

	for (size_t left = n, tick = 0; left; tick++) {
		if (tick == 200)
			for (size_t i = 0; i < n; i++)
				if (kids[i] > 0)
					kill(kids[i], SIGKILL);
		for (size_t i = 0; i < n; i++) {
			int st;

			if (kids[i] <= 0 || waitpid(kids[i], &st, WNOHANG) != kids[i])
				continue;
			printf("try %d %#lx %s: ", kids[i], (unsigned long)site, calls[i].name);
			if (tick >= 200 && WIFSIGNALED(st) && WTERMSIG(st) == SIGKILL)
				printf("looped, killed\n");
			else if (WIFEXITED(st))
				printf("exit %d\n", WEXITSTATUS(st));
			else
				printf("signal %d\n", WTERMSIG(st));
			if (calls[i].nr == SYS_exit_group &&
			    !(WIFEXITED(st) && WEXITSTATUS(st) == 42)) {
				printf("FAIL: exit_group(42) from the stub did not exit 42\n");
				bad = 1;
			}
			kids[i] = 0;
			left--;
		}
		if (left)
			usleep(10000);
	}
	return bad;
}

int main(void)
{
	static uint8_t code[STUB_CODE_SIZE];
	const uint8_t *stub = (const uint8_t *)STUB_CODE;
	size_t n = sizeof(calls) / sizeof(calls[0]);
	pid_t kids[sizeof(calls) / sizeof(calls[0])];
	int tries = 0, bad = 0, sites = 0;

	setvbuf(stdout, NULL, _IOLBF, 0);
	memcpy(code, stub, sizeof(code));
	for (size_t off = 0; off + 1 < STUB_CODE_SIZE; off++) {
		if (code[off] != 0x0f || code[off + 1] != 0x05)
			continue;
		sites++;
		for (size_t i = 0; i < n; i++) {
			kids[i] = fork();
			if (kids[i] < 0) {
				perror("fork");
				return 1;
			}
			if (kids[i] == 0)
				jump(STUB_CODE + off, &calls[i]);
			tries++;
		}
		bad |= reap_site(STUB_CODE + off, kids, n);
	}
	if (!sites) {
		printf("FAIL: no syscall instruction found in the stub\n");
		return 1;
	}
	if (memcmp(code, stub, sizeof(code))) {
		printf("FAIL: the stub code changed\n");
		bad = 1;
	}
	printf("done %d\n", tries);
	return bad;
}
