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
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

static inline uint32_t bpf_alu(uint16_t op, uint32_t a, uint32_t v, bool *div0)
{
	switch (op) {
	case BPF_ADD: return a + v;
	case BPF_SUB: return a - v;
	case BPF_MUL: return a * v;
	case BPF_DIV: if (!v) *div0 = true; return v ? a / v : 0;
	case BPF_AND: return a & v;
	case BPF_OR: return a | v;
	case BPF_XOR: return a ^ v;
	case BPF_LSH: return v < 32 ? a << v : 0;
	case BPF_RSH: return v < 32 ? a >> v : 0;
	default: return -a;     /* BPF_NEG */
	}
}

static inline uint32_t bpf_run(const struct sock_filter *prog, size_t len,
			       const struct seccomp_data *d)
{
	uint32_t a = 0, x = 0, mem[BPF_MEMWORDS] = { 0 };
	const uint8_t *data = (const uint8_t *)d;
	bool div0 = false;

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
		case BPF_LDX | BPF_W | BPF_LEN: x = sizeof(*d); break;
		case BPF_LD | BPF_IMM: a = k; break;
		case BPF_LDX | BPF_IMM: x = k; break;
		case BPF_LD | BPF_MEM: a = mem[k & 15]; break;
		case BPF_LDX | BPF_MEM: x = mem[k & 15]; break;
		case BPF_ST: mem[k & 15] = a; break;
		case BPF_STX: mem[k & 15] = x; break;
		case BPF_MISC | BPF_TAX: x = a; break;
		case BPF_MISC | BPF_TXA: a = x; break;
		case BPF_JMP | BPF_JA: pc += k; break;
		case BPF_JMP | BPF_JEQ | BPF_K: pc += a == k ? f->jt : f->jf; break;
		case BPF_JMP | BPF_JGT | BPF_K: pc += a > k ? f->jt : f->jf; break;
		case BPF_JMP | BPF_JGE | BPF_K: pc += a >= k ? f->jt : f->jf; break;
		case BPF_JMP | BPF_JSET | BPF_K: pc += (a & k) ? f->jt : f->jf; break;
		case BPF_JMP | BPF_JEQ | BPF_X: pc += a == x ? f->jt : f->jf; break;
		case BPF_JMP | BPF_JGT | BPF_X: pc += a > x ? f->jt : f->jf; break;
		case BPF_JMP | BPF_JGE | BPF_X: pc += a >= x ? f->jt : f->jf; break;
		case BPF_JMP | BPF_JSET | BPF_X: pc += (a & x) ? f->jt : f->jf; break;
		case BPF_RET | BPF_K: return k;
		case BPF_RET | BPF_A: return a;
		default:
			if (BPF_CLASS(f->code) != BPF_ALU)
				return SECCOMP_RET_KILL_PROCESS;        /* not a seccomp program */
			a = bpf_alu(BPF_OP(f->code), a, BPF_SRC(f->code) == BPF_X ? x : k, &div0);
			if (div0)
				return 0;       /* Linux: a classic program that divides by 0 returns 0 */
		}
	}
	return SECCOMP_RET_KILL_PROCESS;
}

/*
 * Is prog a program the kernel would take for seccomp (Linux's
 * bpf_check_classic() and seccomp_check_filter())?  0 or -EINVAL: an
 * instruction outside seccomp's set, a load outside seccomp_data or
 * unaligned, a constant shift of 32 or more or division by 0, a jump out
 * of the program, a scratch word read before every path stored it, or a
 * last instruction that is not a return.
 */
static inline int bpf_check_seccomp(const struct sock_filter *prog, size_t len)
{
	uint16_t masks[BPF_MAXINSNS], memvalid = 0;     /* check_load_and_stores() */

	if (!len || len > BPF_MAXINSNS)
		return -22;
	memset(masks, 0xff, len * sizeof(masks[0]));
	for (size_t pc = 0; pc < len; pc++) {
		const struct sock_filter *f = &prog[pc];
		uint16_t op = BPF_OP(f->code);
		size_t left = len - pc - 1;

		memvalid &= masks[pc];
		switch (f->code) {
		case BPF_LD | BPF_W | BPF_ABS:
			if (f->k >= sizeof(struct seccomp_data) || (f->k & 3))
				return -22;
			break;
		case BPF_LD | BPF_W | BPF_LEN: case BPF_LDX | BPF_W | BPF_LEN:
		case BPF_LD | BPF_IMM: case BPF_LDX | BPF_IMM:
		case BPF_MISC | BPF_TAX: case BPF_MISC | BPF_TXA:
		case BPF_ALU | BPF_NEG:
		case BPF_RET | BPF_K: case BPF_RET | BPF_A:
			break;
		case BPF_LD | BPF_MEM: case BPF_LDX | BPF_MEM:
			if (f->k >= BPF_MEMWORDS || !(memvalid & (1u << f->k)))
				return -22;
			break;
		case BPF_ST: case BPF_STX:
			if (f->k >= BPF_MEMWORDS)
				return -22;
			memvalid |= (uint16_t)(1u << f->k);
			break;
		case BPF_JMP | BPF_JA:
			if (f->k >= left)
				return -22;
			masks[pc + 1 + f->k] &= memvalid;
			memvalid = 0xffff;
			break;
		default:
			if (BPF_CLASS(f->code) == BPF_JMP &&
			    (op == BPF_JEQ || op == BPF_JGT || op == BPF_JGE || op == BPF_JSET)) {
				if (f->jt >= left || f->jf >= left)
					return -22;
				masks[pc + 1 + f->jt] &= memvalid;
				masks[pc + 1 + f->jf] &= memvalid;
				memvalid = 0xffff;
				break;
			}
			if (BPF_CLASS(f->code) != BPF_ALU ||
			    (op != BPF_ADD && op != BPF_SUB && op != BPF_MUL && op != BPF_DIV &&
			     op != BPF_AND && op != BPF_OR && op != BPF_XOR && op != BPF_LSH &&
			     op != BPF_RSH))
				return -22;
			if (BPF_SRC(f->code) == BPF_K &&
			    ((op == BPF_DIV && !f->k) || ((op == BPF_LSH || op == BPF_RSH) && f->k >= 32)))
				return -22;
		}
	}
	return BPF_CLASS(prog[len - 1].code) == BPF_RET ? 0 : -22;
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
