/* SPDX-License-Identifier: MIT */
/*
 * A classic BPF interpreter for seccomp programs, with the kernel's rules:
 * forward jumps only, loads within seccomp_data, 16 words of scratch.
 * Used by the sentry for the container's own profile (kernel/seccomp.c)
 * and by cvisor-filters to check its symbolic reading of a filter.
 */
#ifndef CVISOR_BPF_RUN_H
#define CVISOR_BPF_RUN_H

#include <linux/filter.h>
#include <linux/seccomp.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

static inline uint32_t bpf_run(const struct sock_filter *prog, size_t len,
			       const struct seccomp_data *d)
{
	uint32_t a = 0, x = 0, mem[BPF_MEMWORDS] = { 0 };
	const uint8_t *data = (const uint8_t *)d;

	for (size_t pc = 0; pc < len; pc++) {
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
 * Filters stacked on one thread answer as the kernel's seccomp_run_filters():
 * every filter runs and the most restrictive action wins (the lowest
 * SECCOMP_RET_ACTION_FULL as a signed number; on a tie, the newest filter's).
 * f[0] is the newest.
 */
static inline int32_t seccomp_action_rank(uint32_t ret)
{
	return (int32_t)(ret & SECCOMP_RET_ACTION_FULL);
}

#endif
