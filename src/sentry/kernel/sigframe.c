/* SPDX-License-Identifier: MIT */
/*
 * Signal frames, laid out on the application stack as Linux's x86_64
 * setup_rt_frame() does (DESIGN.md §4): pretcode, ucontext (with the
 * sigcontext and the old mask), siginfo, then the xsave area, so that
 * SA_SIGINFO handlers, ucontext users and siglongjmp see what they expect.
 * The FPU state comes from the frame the host kernel built for the stub's
 * own signal handler, and goes back there on rt_sigreturn.  The system
 * calls (rt_sigreturn, sigaltstack) are syscalls/sys_sigframe.c.
 */
#include <errno.h>
#include <stddef.h>
#include <string.h>

#include "kernel/kernel.h"
#include "mm/mm.h"

struct rt_sigframe {
	uint64_t pretcode;
	struct k_ucontext uc;
	siginfo_t info;
};

#define UC_FP_XSTATE 0x1
#define UC_SIGCONTEXT_SS 0x2
#define UC_STRICT_RESTORE_SS 0x4
#define FP_XSTATE_MAGIC1 0x46505853U
#define SA_ONSTACK_F 0x08000000
#define SA_RESTORER_F 0x04000000
#define SA_NODEFER_F 0x40000000
#define SA_RESETHAND_F 0x80000000
#define MAX_XSTATE (16 << 10)
#ifndef SS_AUTODISARM
#define SS_AUTODISARM (1U << 31)
#endif

/* Size of the xsave area at fp (the kernel records it in the fxsave pad). */
static size_t xstate_size(struct mm *mm, uint64_t fp)
{
	uint32_t sw[2];

	if (!fp || copy_from_user_raw(mm, sw, fp + 464, sizeof(sw)))
		return 0;
	if (sw[0] != FP_XSTATE_MAGIC1)
		return 512;
	return sw[1] <= MAX_XSTATE ? sw[1] : 0;
}

static bool on_altstack(struct task *t, uint64_t sp)
{
	return t->ss_size && sp > t->ss_sp && sp - t->ss_sp <= t->ss_size;
}

static void regs_to_mc(const struct stub_regs *r, struct k_sigcontext *mc)
{
	mc->r8 = r->r8; mc->r9 = r->r9; mc->r10 = r->r10; mc->r11 = r->r11;
	mc->r12 = r->r12; mc->r13 = r->r13; mc->r14 = r->r14; mc->r15 = r->r15;
	mc->rdi = r->rdi; mc->rsi = r->rsi; mc->rbp = r->rbp; mc->rbx = r->rbx;
	mc->rdx = r->rdx; mc->rax = r->rax; mc->rcx = r->rcx; mc->rsp = r->rsp;
	mc->rip = r->rip; mc->eflags = r->eflags;
	mc->cs = 0x33;
	mc->ss = 0x2b;
}

static void mc_to_regs(const struct k_sigcontext *mc, struct stub_regs *r)
{
	r->r8 = mc->r8; r->r9 = mc->r9; r->r10 = mc->r10; r->r11 = mc->r11;
	r->r12 = mc->r12; r->r13 = mc->r13; r->r14 = mc->r14; r->r15 = mc->r15;
	r->rdi = mc->rdi; r->rsi = mc->rsi; r->rbp = mc->rbp; r->rbx = mc->rbx;
	r->rdx = mc->rdx; r->rax = mc->rax; r->rcx = mc->rcx; r->rsp = mc->rsp;
	r->rip = mc->rip;
	/* the user-changeable flags only (FIX_EFLAGS) */
	r->eflags = (r->eflags & ~0x254dd5UL) | (mc->eflags & 0x254dd5UL);
}

/* Build the frame and point the registers at the handler. 0 or -EFAULT. */
int setup_sigframe(struct task *t, int sig, const struct k_sigaction *act,
		   const siginfo_t *info)
{
	struct mm *mm = t->tg->mm;
	uint64_t sp = t->regs.rsp - 128;        /* the red zone */
	uint64_t fp_src = stub_thread_fpstate(t->st), fp_dst = 0;
	size_t fpsz = xstate_size(mm, fp_src);
	struct rt_sigframe f;
	char fpbuf[MAX_XSTATE];
	uint64_t frame;

	if (!(act->flags & SA_RESTORER_F))
		return -EFAULT;         /* x86_64 needs a restorer: Linux faults too */
	if ((act->flags & SA_ONSTACK_F) && t->ss_size && !(t->ss_flags & SS_DISABLE) &&
	    !on_altstack(t, t->regs.rsp))
		sp = t->ss_sp + t->ss_size;
	if (fpsz) {
		sp = (sp - fpsz) & ~63UL;
		fp_dst = sp;
		if (copy_from_user_raw(mm, fpbuf, fp_src, fpsz) ||
		    copy_to_user(mm, fp_dst, fpbuf, fpsz))
			return -EFAULT;
	}
	frame = ((sp - sizeof(f)) & ~15UL) - 8;
	memset(&f, 0, sizeof(f));
	f.pretcode = act->restorer;
	f.uc.uc_flags = UC_SIGCONTEXT_SS | UC_STRICT_RESTORE_SS | (fpsz ? UC_FP_XSTATE : 0);
	f.uc.ss_sp = t->ss_sp;
	f.uc.ss_size = t->ss_size;
	f.uc.ss_flags = t->ss_size ? (on_altstack(t, t->regs.rsp) ? SS_ONSTACK : 0)
				   : SS_DISABLE;
	regs_to_mc(&t->regs, &f.uc.mc);
	f.uc.mc.fpstate = fp_dst;
	f.uc.mc.oldmask = t->sigmask;
	f.uc.sigmask = t->restore_mask ? t->saved_mask : t->sigmask;
	t->restore_mask = false;
	f.info = *info;
	if (copy_to_user(mm, frame, &f, sizeof(f)))
		return -EFAULT;
	t->regs.rip = act->handler;
	t->regs.rsp = frame;
	t->regs.rdi = (uint64_t)sig;
	t->regs.rsi = frame + offsetof(struct rt_sigframe, info);
	t->regs.rdx = frame + offsetof(struct rt_sigframe, uc);
	t->regs.rax = 0;
	t->regs.eflags &= ~(0x100UL | 0x400UL | 0x10000UL | 0x40000UL); /* TF DF RF AC */
	set_sigmask(t, t->sigmask | act->mask |
			  ((act->flags & SA_NODEFER_F) ? 0 : SIGBIT(sig)));
	return 0;
}

long restore_sigframe(struct task *t)
{
	struct mm *mm = t->tg->mm;
	uint64_t frame = t->regs.rsp - 8;       /* the handler's ret popped pretcode */
	uint64_t fp = stub_thread_fpstate(t->st);
	struct rt_sigframe f;
	size_t fpsz;

	if (copy_from_user(mm, &f, frame, sizeof(f))) {
		signal_fault(t, SIGSEGV);
		return -EFAULT;
	}
	mc_to_regs(&f.uc.mc, &t->regs);
	/* rax is the interrupted code's, not a restart code; no restart_syscall */
	t->regs.orig_rax = (uint64_t)-1;
	t->restart.fn = NULL;
	set_sigmask(t, f.uc.sigmask);
	if (!(f.uc.ss_flags & SS_DISABLE) && f.uc.ss_size && !on_altstack(t, t->regs.rsp)) {
		t->ss_sp = f.uc.ss_sp;
		t->ss_size = f.uc.ss_size;
		t->ss_flags = f.uc.ss_flags & ~SS_ONSTACK;
	}
	/* the FPU state goes back where the stub's own return will load it */
	fpsz = xstate_size(mm, f.uc.mc.fpstate);
	if (fpsz && fpsz == xstate_size(mm, fp)) {
		char buf[MAX_XSTATE];

		if (!copy_from_user_raw(mm, buf, f.uc.mc.fpstate, fpsz))
			copy_to_user_raw(mm, fp, buf, fpsz);
	}
	return (long)t->regs.rax;       /* keeps the interrupted rax */
}

int do_sigaltstack(struct task *t, const struct k_stack *ss, struct k_stack *old)
{
	bool on = on_altstack(t, t->regs.rsp);

	old->sp = t->ss_sp;
	old->size = t->ss_size;
	old->flags = t->ss_size ? (on ? SS_ONSTACK : t->ss_flags) : SS_DISABLE;
	old->pad = 0;
	if (!ss)
		return 0;
	if (on)
		return -EPERM;
	if ((uint32_t)ss->flags & ~(uint32_t)(SS_DISABLE | SS_AUTODISARM))
		return -EINVAL;
	if (ss->flags & SS_DISABLE) {
		t->ss_sp = t->ss_size = 0;
		t->ss_flags = SS_DISABLE;
	} else {
		if (ss->size < 2048)    /* MINSIGSTKSZ */
			return -ENOMEM;
		t->ss_sp = ss->sp;
		t->ss_size = ss->size;
		t->ss_flags = ss->flags;
	}
	return 0;
}
