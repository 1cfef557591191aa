/*
 * The fast entry of patched syscall sites under attack from the
 * application (docs/syscall-patching.md): it can read its patched code,
 * find the trampoline table and the stub's fast entry, and jump there with
 * any registers and any GS base.  None of it may reach the host kernel or
 * hurt the sentry: a forged call is served by the sentry or the process
 * faults.  Only the sandbox patches: this runs under `cvisor do`.
 *
 *   patch_forge
 *
 * One line per case, "CASE: ok" or "CASE: FAIL why"; last line "done".
 * Each forged jump runs in a child of its own, so a crash ends only it.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <setjmp.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "../../src/common/stub_abi.h"

/* a site in the shape that is patched: nop; mov $39, %eax; syscall */
__asm__(".text\n.globl site_getpid\n.type site_getpid, @function\nsite_getpid:\n"
	"\tnop\n\tmov $39, %eax\n\tsyscall\n\tret\n");
long site_getpid(void);

/*
 * long forge(nr, gs, target, rsp): jump to target with rax = nr, rcx = the
 * address to come back to (as a trampoline does), GS base gs and, if not
 * 0, rsp; on return restore rsp and the GS base.
 */
__asm__(".text\n.globl forge\n.type forge, @function\nforge:\n"
	"\tpush %rbx\n\tpush %rbp\n\tpush %r12\n\tpush %r13\n\tpush %r14\n\tpush %r15\n"
	"\tmov %rsp, saved_rsp(%rip)\n"
	"\trdgsbase %rax\n\tmov %rax, saved_gs(%rip)\n"
	"\twrgsbase %rsi\n"
	"\tmov %rdi, %rax\n"
	"\tmov %rcx, %r8\n"
	"\tlea 1f(%rip), %rcx\n"
	"\ttest %r8, %r8\n\tjz 2f\n\tmov %r8, %rsp\n2:\n"
	"\tjmp *%rdx\n"
	"1:\tmov saved_rsp(%rip), %rsp\n"
	"\tmov saved_gs(%rip), %rdx\n\twrgsbase %rdx\n"
	"\tpop %r15\n\tpop %r14\n\tpop %r13\n\tpop %r12\n\tpop %rbp\n\tpop %rbx\n\tret\n"
	".data\nsaved_rsp: .quad 0\nsaved_gs: .quad 0\n.text\n");
long forge(long nr, uint64_t gs, uint64_t target, uint64_t rsp);

static int failed;
static uint64_t site, fast_entry, own_gs;
static sigjmp_buf env;

#define REPORT(name, ok, ...) do {                                           \
	if (ok) {                                                           \
		printf("%s: ok\n", name);                                   \
	} else {                                                            \
		printf("%s: FAIL ", name);                                  \
		printf(__VA_ARGS__);                                        \
		printf("\n");                                               \
		failed = 1;                                                 \
	}                                                                   \
	fflush(stdout);                                                     \
} while (0)

static void on_segv(int sig)
{
	siglongjmp(env, sig);
}

/* 0 if a write to addr faulted, as the trampolines' page must. */
static int write_faults(uint64_t addr)
{
	struct sigaction sa = { .sa_handler = on_segv }, old;
	int ret = 1;

	sigaction(SIGSEGV, &sa, &old);
	if (sigsetjmp(env, 1) == 0)
		*(volatile uint8_t *)addr = 0xcc;
	else
		ret = 0;
	sigaction(SIGSEGV, &old, NULL);
	return ret;
}

/* Patch the site, then follow it to the trampoline and the fast entry. */
static int find_fast_entry(void)
{
	const uint8_t *b = (const uint8_t *)(uintptr_t)site_getpid + 1;
	uint64_t cell, code;

	/* a site is patched on its second trap once the process has
	 * trapped 64 times (platform/patch.c, PATCH_MIN_TRAPS) */
	for (int i = 0; i < 70; i++)
		if (site_getpid() != getpid())
			return -1;
	site = (uint64_t)b;
	if (b[0] != 0xff || b[1] != 0x24 || b[2] != 0x25)
		return -1;              /* not patched */
	cell = (uint64_t)(b[3] | b[4] << 8 | b[5] << 16 | (uint64_t)b[6] << 24);
	if (cell < PATCH_TABLE || cell >= PATCH_TABLE_END)
		return -1;
	memcpy(&code, (void *)cell, sizeof(code));
	for (const uint8_t *p = (const uint8_t *)code; p < (const uint8_t *)code + 48; p++)
		if (p[0] == 0x49 && p[1] == 0xbb) {     /* movabs $entry, %r11 */
			memcpy(&fast_entry, p + 2, sizeof(fast_entry));
			return 0;
		}
	return -1;
}

/* Run fn in a child; its wait status, or -1 if it was still there after
 * 2 s and had to be killed. */
static int in_child(void (*fn)(long), long arg)
{
	pid_t pid = fork();
	int st;

	if (pid == 0) {
		fn(arg);
		_exit(0);
	}
	for (int i = 0; i < 200; i++) {
		if (waitpid(pid, &st, WNOHANG) == pid)
			return st;
		usleep(10000);
	}
	kill(pid, SIGKILL);
	waitpid(pid, &st, 0);
	return -1;
}

/* A forged GS that is no sysmsg page: the call traps and is served. */
static void garbage_gs(long gs)
{
	long r = forge(SYS_getpid, (uint64_t)gs, fast_entry, 0);

	_exit(r == getpid() ? 0 : 1);
}

/* Our own page, a stack pointer of 0: served without touching the stack. */
static void no_stack(long nr)
{
	long r = forge(nr, own_gs, fast_entry, 0x10);

	_exit(nr == SYS_getpid ? r == getpid() ? 0 : 1 : r == -ENOSYS ? 0 : 2);
}

/* Into the middle of the stub's fast entry, with zeroed registers. */
static void jump_inside(long off)
{
	forge(0, own_gs, fast_entry + (uint64_t)off, 0);
	_exit(0);
}

int main(void)
{
	int st, n = 0;

	__asm__ volatile("rdgsbase %0" : "=r"(own_gs));
	if (find_fast_entry()) {
		printf("the site was not patched: FAIL\n");
		return 1;
	}
	REPORT("fast entry is stub code", fast_entry >= STUB_CODE &&
	       fast_entry < STUB_CODE + STUB_CODE_SIZE, "%#lx", fast_entry);
	REPORT("GS base is this thread's sysmsg page", own_gs >= STUB_SLOTS &&
	       own_gs < STUB_END && own_gs % STUB_SLOT_SIZE == 0, "%#lx", own_gs);
	REPORT("the trampolines are not writable", !write_faults(PATCH_TABLE), "wrote");
	REPORT("the stub code is not writable", !write_faults(fast_entry), "wrote");
	errno = 0;
	REPORT("the table cannot be made writable",
	       mprotect((void *)PATCH_TABLE, 4096, PROT_READ | PROT_WRITE) == -1, "mprotect");
	REPORT("nothing can be mapped over the table",
	       mmap((void *)PATCH_TABLE, 4096, PROT_READ | PROT_WRITE,
		    MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0) == MAP_FAILED, "mmap");
	REPORT("nor unmapped", munmap((void *)PATCH_TABLE, 4096) == -1 ||
	       site_getpid() == getpid(), "munmap");

	st = in_child(garbage_gs, 0x1234);
	REPORT("unaligned GS: served by the sentry", st == 0, "status %#x", st);
	st = in_child(garbage_gs, 0);
	REPORT("GS 0: served by the sentry", st == 0, "status %#x", st);
	st = in_child(garbage_gs, (long)STUB_SLOT_MSG(STUB_MAX_THREADS - 1));
	REPORT("GS a slot never mapped: the process faults",
	       st != -1 && WIFSIGNALED(st) && WTERMSIG(st) == SIGSEGV, "status %#x", st);
	st = in_child(garbage_gs, (long)STUB_GLOBAL);
	REPORT("GS the stub's read-only page: no sysmsg page, served", st == 0,
	       "status %#x", st);
	st = in_child(no_stack, SYS_getpid);
	REPORT("rsp 0x10: served, the stack untouched", st == 0, "status %#x", st);
	st = in_child(no_stack, 0x40000000 | SYS_getpid);
	REPORT("an x32 number: ENOSYS", st == 0, "status %#x", st);
	st = in_child(no_stack, 100000);
	REPORT("a number out of range: ENOSYS", st == 0, "status %#x", st);
	/* a jump past the entry's checks may corrupt the process or leave it
	 * waiting for ever (on its own memory, in the sentry's futex): that is
	 * its own business, as long as it can be killed and the sentry goes on */
	for (long off = 1; off < 0x1c0; off += 5) {
		st = in_child(jump_inside, off);
		n++;
	}
	REPORT("jumps inside the fast entry: each ended or was killed", 1, "n/a");
	/* the sentry is still there, and the process's own calls still work */
	REPORT("the site still works", site_getpid() == getpid(), "getpid");
	printf("done %d\n", n);
	return failed;
}
