/* SPDX-License-Identifier: MIT */
/*
 * The container's seccomp profile (linux.seccomp), enforced by the sentry:
 * the classic BPF program libseccomp compiled from it (oci/seccomp_profile.c)
 * runs here, on the seccomp_data of each application syscall, before the
 * handler.  Its verdict is applied as the kernel would: ERRNO returns the
 * error, TRAP delivers SIGSYS, KILL kills the thread's process, ALLOW and
 * LOG go on.
 */
#include <errno.h>
#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <signal.h>
#include <string.h>

#include "kernel/kernel.h"

static const struct sock_filter *prog;
static size_t prog_len;

void app_seccomp_set(const struct sock_filter *p, size_t n)
{
	prog = p;
	prog_len = n;
}

/* Does the sandbox run a profile on the application's calls? */
bool app_seccomp_active(void)
{
	return prog_len > 0;
}

/* A classic BPF interpreter for seccomp programs (the kernel's checks:
 * forward jumps only, loads within seccomp_data, 16 words of scratch). */
static uint32_t run_bpf(const struct seccomp_data *d)
{
	uint32_t a = 0, x = 0, mem[BPF_MEMWORDS] = { 0 };
	const uint8_t *data = (const uint8_t *)d;

	for (size_t pc = 0; pc < prog_len; pc++) {
		const struct sock_filter *f = &prog[pc];
		uint32_t k = f->k;

		switch (f->code) {
		case BPF_LD | BPF_W | BPF_ABS:
			if (k > sizeof(*d) - 4 || (k & 3))
				return SECCOMP_RET_KILL_PROCESS;
			memcpy(&a, data + k, 4);
			break;
		case BPF_LD | BPF_W | BPF_LEN: a = sizeof(*d); break;
		case BPF_LD | BPF_IMM: a = k; break;
		case BPF_LDX | BPF_IMM: x = k; break;
		case BPF_LD | BPF_MEM: a = mem[k & 15]; break;
		case BPF_LDX | BPF_MEM: x = mem[k & 15]; break;
		case BPF_ST: mem[k & 15] = a; break;
		case BPF_STX: mem[k & 15] = x; break;
		case BPF_MISC | BPF_TAX: x = a; break;
		case BPF_MISC | BPF_TXA: a = x; break;
		case BPF_ALU | BPF_AND | BPF_K: a &= k; break;
		case BPF_ALU | BPF_AND | BPF_X: a &= x; break;
		case BPF_ALU | BPF_OR | BPF_K: a |= k; break;
		case BPF_ALU | BPF_ADD | BPF_K: a += k; break;
		case BPF_ALU | BPF_SUB | BPF_K: a -= k; break;
		case BPF_ALU | BPF_RSH | BPF_K: a >>= (k & 31); break;
		case BPF_ALU | BPF_LSH | BPF_K: a <<= (k & 31); break;
		case BPF_ALU | BPF_NEG: a = -a; break;
		case BPF_JMP | BPF_JA: pc += k; break;
		case BPF_JMP | BPF_JEQ | BPF_K: pc += a == k ? f->jt : f->jf; break;
		case BPF_JMP | BPF_JGT | BPF_K: pc += a > k ? f->jt : f->jf; break;
		case BPF_JMP | BPF_JGE | BPF_K: pc += a >= k ? f->jt : f->jf; break;
		case BPF_JMP | BPF_JSET | BPF_K: pc += (a & k) ? f->jt : f->jf; break;
		case BPF_JMP | BPF_JEQ | BPF_X: pc += a == x ? f->jt : f->jf; break;
		case BPF_JMP | BPF_JGT | BPF_X: pc += a > x ? f->jt : f->jf; break;
		case BPF_JMP | BPF_JGE | BPF_X: pc += a >= x ? f->jt : f->jf; break;
		case BPF_RET | BPF_K: return k;
		case BPF_RET | BPF_A: return a;
		default:
			return SECCOMP_RET_KILL_PROCESS;        /* not a seccomp program */
		}
	}
	return SECCOMP_RET_KILL_PROCESS;
}

/*
 * Check t's current syscall against the profile: 0 to go on, or the
 * negative errno it returns instead; *killed when the process must die.
 */
long app_seccomp_check(struct task *t, const struct syscall_args *a, bool *killed)
{
	struct seccomp_data d = {
		.nr = (int)a->nr, .arch = AUDIT_ARCH_X86_64,
		.instruction_pointer = t->regs.rip,
	};
	uint32_t ret;
	siginfo_t si;

	*killed = false;
	if (!prog)
		return 0;
	memcpy(d.args, a->a, sizeof(d.args));
	ret = run_bpf(&d);
	switch (ret & SECCOMP_RET_ACTION_FULL) {
	case SECCOMP_RET_ALLOW:
	case SECCOMP_RET_LOG:
		return 0;
	case SECCOMP_RET_ERRNO:
		return -(long)(ret & SECCOMP_RET_DATA);
	case SECCOMP_RET_TRAP:
		memset(&si, 0, sizeof(si));
		si.si_signo = SIGSYS;
		si.si_code = 1;         /* SYS_SECCOMP */
		si.si_errno = (int)(ret & SECCOMP_RET_DATA);
		send_signal_info(t->tg, t, &si);
		return -ENOSYS;
	default:                        /* KILL_THREAD, KILL_PROCESS */
		*killed = true;
		return -ENOSYS;
	}
}
