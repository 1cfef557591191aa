/* SPDX-License-Identifier: MIT */
/*
 * The two seccomp filters of a stub process (DESIGN.md §3), as raw BPF:
 * libseccomp cannot test the instruction pointer, and both filters must
 * only let calls through that come from the stub's own code.
 *
 *  - the syscall thread's filter: the host calls the sentry makes in the
 *    application's address space; every application thread inherits it;
 *  - the application filter, stacked on each application thread: the stub
 *    set (futex on stub memory, rt_sigreturn, sched_yield, arch_prctl for the
 *    FS base) from stub code; everything else traps to the sentry.
 *
 * A syscall neither allows is a SIGSYS (RET_TRAP), never a silent kill, so
 * that the two filters combine to TRAP for application calls.
 */
#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <sched.h>
#include <stddef.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>

#include "platform/internal.h"

enum { L_TRAP, L_ALLOW, L_KILL, L_ARCH, L_FUTEX, L_ADDR, L_SECCOMP, L_PRCTL,
       L_CLONE, L_MAX };
#define LBL(l) (0x80 | (l))       /* a jump offset that names a label */

struct bpf {
	struct sock_filter_abi *f;
	unsigned n, max;
	int label[L_MAX];
};

#define OFF_NR     offsetof(struct seccomp_data, nr)
#define OFF_ARCH   offsetof(struct seccomp_data, arch)
#define OFF_IP_LO  offsetof(struct seccomp_data, instruction_pointer)
#define OFF_IP_HI  (OFF_IP_LO + 4)
#define OFF_ARG_LO(i) (offsetof(struct seccomp_data, args) + 8 * (i))
#define OFF_ARG_HI(i) (OFF_ARG_LO(i) + 4)

static void emit(struct bpf *b, uint16_t code, uint32_t k, uint8_t jt, uint8_t jf)
{
	if (b->n < b->max)
		b->f[b->n] = (struct sock_filter_abi){ code, jt, jf, k };
	b->n++;
}

static void ld(struct bpf *b, uint32_t off)
{
	emit(b, BPF_LD | BPF_W | BPF_ABS, off, 0, 0);
}

static void jeq(struct bpf *b, uint32_t k, uint8_t jt, uint8_t jf)
{
	emit(b, BPF_JMP | BPF_JEQ | BPF_K, k, jt, jf);
}

static void jgt(struct bpf *b, uint32_t k, uint8_t jt, uint8_t jf)
{
	emit(b, BPF_JMP | BPF_JGT | BPF_K, k, jt, jf);
}

static void label(struct bpf *b, int l)
{
	b->label[l] = (int)b->n;
}

/* Common tail: the three returns, then resolve label jumps. */
static int finish(struct bpf *b)
{
	label(b, L_TRAP);
	emit(b, BPF_RET | BPF_K, SECCOMP_RET_TRAP, 0, 0);
	label(b, L_ALLOW);
	emit(b, BPF_RET | BPF_K, SECCOMP_RET_ALLOW, 0, 0);
	label(b, L_KILL);
	emit(b, BPF_RET | BPF_K, SECCOMP_RET_KILL_PROCESS, 0, 0);
	if (b->n > b->max)
		return -1;
	for (unsigned i = 0; i < b->n; i++) {
		struct sock_filter_abi *f = &b->f[i];
		uint8_t *j[2] = { &f->jt, &f->jf };

		if (BPF_CLASS(f->code) != BPF_JMP)
			continue;
		for (int k = 0; k < 2; k++) {
			if (!(*j[k] & 0x80))
				continue;
			int d = b->label[*j[k] & 0x7f] - (int)i - 1;
			if (d < 0 || d > 255)
				return -1;
			*j[k] = (uint8_t)d;
		}
	}
	return (int)b->n;
}

/* arch check, then trap anything whose instruction pointer is not stub code */
static void prologue(struct bpf *b)
{
	const uint64_t lo = STUB_CODE & 0xffffffffUL, hi = STUB_CODE >> 32;

	ld(b, OFF_ARCH);
	jeq(b, AUDIT_ARCH_X86_64, 0, LBL(L_KILL));
	ld(b, OFF_NR);
	jgt(b, 0x3fffffff, LBL(L_TRAP), 0);          /* x32 numbers */
	ld(b, OFF_IP_HI);
	jeq(b, (uint32_t)hi, 0, LBL(L_TRAP));
	ld(b, OFF_IP_LO);
	/* the instruction pointer is just past the syscall instruction */
	jgt(b, (uint32_t)(lo + STUB_CODE_SIZE), LBL(L_TRAP), 0);
	jgt(b, (uint32_t)lo, 0, LBL(L_TRAP));
	ld(b, OFF_NR);
}

int build_app_filter(struct sock_filter_abi *f, unsigned max)
{
	struct bpf b = { .f = f, .max = max };

	prologue(&b);
	jeq(&b, __NR_rt_sigreturn, LBL(L_ALLOW), 0);
	jeq(&b, __NR_sched_yield, LBL(L_ALLOW), 0);
	jeq(&b, __NR_exit, LBL(L_ALLOW), 0);     /* stub_thread_exit: this thread only */
	jeq(&b, __NR_arch_prctl, LBL(L_ARCH), 0);
	jeq(&b, __NR_futex, LBL(L_FUTEX), LBL(L_TRAP));

	label(&b, L_ARCH);
	ld(&b, OFF_ARG_HI(0));
	jeq(&b, 0, 0, LBL(L_TRAP));
	ld(&b, OFF_ARG_LO(0));
	jeq(&b, 0x1002 /* ARCH_SET_FS */, LBL(L_ALLOW), 0);
	jeq(&b, 0x1003 /* ARCH_GET_FS */, LBL(L_ALLOW), LBL(L_TRAP));

	/* FUTEX_WAIT or FUTEX_WAKE (shared: the words live in memfds) ... */
	label(&b, L_FUTEX);
	ld(&b, OFF_ARG_LO(1));
	jeq(&b, 0 /* FUTEX_WAIT */, LBL(L_ADDR), 0);
	jeq(&b, 1 /* FUTEX_WAKE */, LBL(L_ADDR), LBL(L_TRAP));
	/* ... on a word inside the stub region */
	label(&b, L_ADDR);
	ld(&b, OFF_ARG_HI(0));
	jeq(&b, (uint32_t)(STUB_BASE >> 32), 0, LBL(L_TRAP));
	ld(&b, OFF_ARG_LO(0));
	jgt(&b, (uint32_t)(STUB_BASE & 0xffffffffUL), 0, LBL(L_TRAP));
	jgt(&b, (uint32_t)((STUB_END - 4) & 0xffffffffUL), LBL(L_TRAP), LBL(L_ALLOW));
	return finish(&b);
}

int build_sys_filter(struct sock_filter_abi *f, unsigned max)
{
	static const int allowed[] = {
		__NR_mmap, __NR_munmap, __NR_mprotect, __NR_mremap, __NR_madvise,
		__NR_exit, __NR_futex, __NR_sigaltstack, __NR_rt_sigreturn,
		__NR_sched_yield, __NR_arch_prctl,
	};
	struct bpf b = { .f = f, .max = max };

	prologue(&b);
	for (size_t i = 0; i < sizeof(allowed) / sizeof(allowed[0]); i++)
		jeq(&b, (uint32_t)allowed[i], LBL(L_ALLOW), 0);
	jeq(&b, __NR_seccomp, LBL(L_SECCOMP), 0);
	jeq(&b, __NR_prctl, LBL(L_PRCTL), 0);
	jeq(&b, __NR_clone, LBL(L_CLONE), LBL(L_TRAP));

	label(&b, L_SECCOMP);
	ld(&b, OFF_ARG_LO(0));
	jeq(&b, SECCOMP_SET_MODE_FILTER, LBL(L_ALLOW), LBL(L_TRAP));

	label(&b, L_PRCTL);
	ld(&b, OFF_ARG_LO(0));
	jeq(&b, PR_SET_PDEATHSIG, LBL(L_ALLOW), 0);
	jeq(&b, PR_SET_NO_NEW_PRIVS, LBL(L_ALLOW), LBL(L_TRAP));

	/* Only the three clone flag sets the platform uses. */
	label(&b, L_CLONE);
	ld(&b, OFF_ARG_HI(0));
	jeq(&b, 0, 0, LBL(L_TRAP));
	ld(&b, OFF_ARG_LO(0));
	jeq(&b, STUB_CLONE_THREAD, LBL(L_ALLOW), 0);
	jeq(&b, STUB_CLONE_FIRST_FLAGS, LBL(L_ALLOW), 0);
	jeq(&b, STUB_CLONE_PROCESS, LBL(L_ALLOW), LBL(L_TRAP));
	return finish(&b);
}
