/* SPDX-License-Identifier: MIT */
/*
 * The stub: freestanding code that runs inside every stub process
 * (DESIGN.md §3).  No libc, no global state: the code pages are read-only and
 * shared by every stub, and each thread finds its sysmsg page from its own
 * signal stack address.
 */
#include "stub_abi.h"

/* Every symbol is local to the blob: references must be RIP-relative. */
#pragma GCC visibility push(hidden)

#define NR_rt_sigaction   13
#define NR_rt_sigprocmask 14
#define NR_munmap         11
#define NR_mprotect       10
#define NR_mmap           9
#define NR_capset         126
#define NR_sched_yield    24
#define NR_prctl          157
#define NR_arch_prctl     158
#define NR_futex          202
#define NR_seccomp        317
#define NR_rseq           334

#define SA_SIGINFO  0x4
#define SA_ONSTACK  0x08000000
#define SA_RESTORER 0x04000000
#define ARCH_SET_FS 0x1002
#define ARCH_GET_FS 0x1003

#define G ((const volatile struct stub_global *)STUB_GLOBAL)

void stub_syscall_loop(void) __attribute__((noreturn));
void stub_restorer(void);
void stub_sigreturn(void *uc) __attribute__((noreturn));
void stub_thread_main(uint32_t slot) __attribute__((noreturn));
void stub_template_main(void) __attribute__((noreturn));
long stub_fast_syscall(void);
/* entry.S: the fast entry of patched syscall sites, in phases */
extern const char stub_fast_entry[], stub_fast_restore[], stub_fast_retrap[],
	stub_fast_nogs[], stub_fast_end[];

static inline long sc6(long nr, long a, long b, long c, long d, long e, long f)
{
	register long r10 __asm__("r10") = d;
	register long r8 __asm__("r8") = e;
	register long r9 __asm__("r9") = f;
	long ret;
	__asm__ volatile("syscall"
			 : "=a"(ret)
			 : "a"(nr), "D"(a), "S"(b), "d"(c), "r"(r10), "r"(r8), "r"(r9)
			 : "rcx", "r11", "memory");
	return ret;
}
#define sc(nr, a, b, c) sc6(nr, (long)(a), (long)(b), (long)(c), 0, 0, 0)

struct k_sigaction {
	void *handler;
	uint64_t flags;
	void *restorer;
	uint64_t mask;
};

/* The handlers run on the slot's signal stack: that names the slot. */
static inline struct sysmsg *self_msg(void)
{
	uint64_t sp = (uint64_t)__builtin_frame_address(0);

	return (struct sysmsg *)STUB_SLOT_MSG((sp - STUB_SLOTS) / STUB_SLOT_SIZE);
}

static inline uint64_t get_fs(void)
{
	uint64_t fs = 0;

	if (G->use_fsgsbase)
		__asm__ volatile("rdfsbase %0" : "=r"(fs));
	else
		sc(NR_arch_prctl, ARCH_GET_FS, &fs, 0);
	return fs;
}

static inline void set_fs(uint64_t fs)
{
	if (G->use_fsgsbase)
		__asm__ volatile("wrfsbase %0" : : "r"(fs) : "memory");
	else
		sc(NR_arch_prctl, ARCH_SET_FS, fs, 0);
}

/* The CPU this thread runs on, without a system call (as the vDSO's getcpu). */
static inline uint32_t this_cpu(void)
{
	uint64_t aux = ~0ULL;

	if (G->cpu_insn == STUB_CPU_RDPID) {
		__asm__ volatile("rdpid %0" : "=r"(aux));
	} else if (G->cpu_insn == STUB_CPU_RDTSCP) {
		uint32_t lo, hi, c;

		__asm__ volatile("rdtscp" : "=a"(lo), "=d"(hi), "=c"(c));
		aux = c;
	}
	return (uint32_t)aux & 0xfff;
}

/*
 * Hand an event to the sentry and wait for DONE: spin (or yield the CPU,
 * when the pair shares one) for as long as the sentry allows (its hand-off
 * policy, platform/handoff.c, sets m->spin), then sleep on the futex.
 * sentry_waiting/stub_waiting avoid a futex call on the fast path; the
 * seq_cst accesses order each side's store before its load of the other
 * side's flag (a yield is a spin with the flag clear: see wait_change() in
 * platform/sync.c for why no wake-up is lost).  The CPU and the two time
 * stamps are what the policy learns from.
 */
static void post_and_wait(volatile struct sysmsg *m, uint32_t event)
{
	m->event = event;
	m->cpu = this_cpu();
	m->tsc_post = __builtin_ia32_rdtsc();
	__atomic_store_n(&m->state, SYSMSG_EVENT, __ATOMIC_SEQ_CST);
	if (__atomic_load_n(&m->sentry_waiting, __ATOMIC_SEQ_CST))
		sc(NR_futex, &m->state, 1 /* FUTEX_WAKE */, 1);

	for (;;) {
		/* m->spin is read on every turn: the sentry sets it to 0 when
		 * the answer will take long (stub_thread_nospin), and this CPU
		 * is then better given to the work than to the wait */
		for (uint32_t i = 0, s; i < ((s = m->spin) & ~STUB_SPIN_YIELD); i++) {
			if (__atomic_load_n(&m->state, __ATOMIC_ACQUIRE) != SYSMSG_EVENT)
				goto done;
			/* YIELD: the sentry thread waits on this CPU, runnable;
			 * a yield runs it with no futex call on either side */
			if (s & STUB_SPIN_YIELD)
				sc(NR_sched_yield, 0, 0, 0);
			else
				__builtin_ia32_pause();
		}
		__atomic_store_n(&m->stub_waiting, 1, __ATOMIC_SEQ_CST);
		if (__atomic_load_n(&m->state, __ATOMIC_SEQ_CST) == SYSMSG_EVENT)
			sc6(NR_futex, (long)&m->state, 0 /* FUTEX_WAIT */, SYSMSG_EVENT,
			    0, 0, 0);
		__atomic_store_n(&m->stub_waiting, 0, __ATOMIC_RELAXED);
		if (__atomic_load_n(&m->state, __ATOMIC_ACQUIRE) != SYSMSG_EVENT)
			break;
	}
done:
	m->tsc_back = __builtin_ia32_rdtsc();
}

/*
 * The thread's GS base is its own sysmsg page (the fast entry of patched
 * syscall sites finds it there) unless the application set one of its
 * own: to the application a GS base of 0 stands for that page.
 */
static inline uint64_t raw_gs(void)
{
	uint64_t gs = 0;

	if (G->use_fsgsbase)
		__asm__ volatile("rdgsbase %0" : "=r"(gs));
	return gs;
}

static inline uint64_t get_gs(const volatile struct sysmsg *own)
{
	uint64_t gs = raw_gs();

	return gs == (uint64_t)own ? 0 : gs;
}

static void save_regs(volatile struct stub_regs *r, const struct k_sigcontext *mc,
		      const volatile struct sysmsg *own)
{
	r->r8 = mc->r8;   r->r9 = mc->r9;   r->r10 = mc->r10; r->r11 = mc->r11;
	r->r12 = mc->r12; r->r13 = mc->r13; r->r14 = mc->r14; r->r15 = mc->r15;
	r->rdi = mc->rdi; r->rsi = mc->rsi; r->rbp = mc->rbp; r->rbx = mc->rbx;
	r->rdx = mc->rdx; r->rax = mc->rax; r->rcx = mc->rcx; r->rsp = mc->rsp;
	r->rip = mc->rip; r->eflags = mc->eflags;
	r->cs = mc->cs; r->ss = mc->ss;
	r->fs_base = get_fs();
	r->gs_base = get_gs(own);
}

static void load_regs(struct k_sigcontext *mc, const volatile struct stub_regs *r,
		      uint64_t old_fs, uint64_t old_gs, const volatile struct sysmsg *own)
{
	uint64_t gs = r->gs_base ? r->gs_base : (uint64_t)own;

	mc->r8 = r->r8;   mc->r9 = r->r9;   mc->r10 = r->r10; mc->r11 = r->r11;
	mc->r12 = r->r12; mc->r13 = r->r13; mc->r14 = r->r14; mc->r15 = r->r15;
	mc->rdi = r->rdi; mc->rsi = r->rsi; mc->rbp = r->rbp; mc->rbx = r->rbx;
	mc->rdx = r->rdx; mc->rax = r->rax; mc->rcx = r->rcx; mc->rsp = r->rsp;
	mc->rip = r->rip; mc->eflags = r->eflags;
	if (r->fs_base != old_fs)
		set_fs(r->fs_base);
	if (G->use_fsgsbase && gs != old_gs)
		__asm__ volatile("wrgsbase %0" : : "r"(gs) : "memory");
}

/* An event from a signal handler: registers out, wait, registers back. */
static void trap_event(struct k_ucontext *uc, uint32_t event)
{
	volatile struct sysmsg *m = self_msg();
	uint64_t fs, gs;

	save_regs(&m->regs, &uc->mc, m);
	m->fpstate = uc->mc.fpstate;
	fs = m->regs.fs_base;
	gs = raw_gs();
	post_and_wait(m, event);
	load_regs(&uc->mc, &m->regs, fs, gs, m);
}

/*
 * The C half of the fast entry (entry.S), on the slot's signal stack with
 * the application's registers in the page: hand them over and wait.  No
 * signal frame, so no FPU state (the stub is built without SSE and leaves
 * it alone): fpstate says so, and a sentry that needs it asks for a frame.
 * Nonzero: leave through stub_fast_retrap.
 */
long stub_fast_syscall(void)
{
	volatile struct sysmsg *m = self_msg();
	uint64_t fs = get_fs();

	m->regs.fs_base = fs;
	m->regs.gs_base = 0;
	m->fpstate = SYSMSG_FAST_FP;
	post_and_wait(m, EV_SYSCALL);
	if (m->need_frame || m->regs.gs_base)
		return 1;
	if (m->regs.fs_base != fs)
		set_fs(m->regs.fs_base);
	return 0;
}

static inline int in_range(uint64_t x, const char *lo, const char *hi)
{
	return x >= (uint64_t)lo && x < (uint64_t)hi;
}

/* Where a signal found the fast entry of this thread's own page. */
enum fast_phase { FAST_NO, FAST_WAITING, FAST_RESTORING };

static enum fast_phase fast_phase(const struct k_ucontext *uc,
				  const volatile struct sysmsg *m)
{
	uint64_t stack = (uint64_t)m + 0x2000UL;

	if (!G->use_fsgsbase || raw_gs() != (uint64_t)m)
		return FAST_NO;
	if (in_range(uc->mc.rip, stub_fast_restore, stub_fast_retrap))
		return FAST_RESTORING;
	/* in the entry's assembly, or its C half on the slot's stack (the
	 * stub's handlers block every signal: nothing else runs there) */
	if (in_range(uc->mc.rip, stub_fast_entry, stub_fast_end) ||
	    (uc->mc.rsp >= stack && uc->mc.rsp < stack + STUB_SIGSTACK_SIZE))
		return FAST_WAITING;
	return FAST_NO;
}

/*
 * Stop where the fast entry was returning to, with a signal frame: the
 * registers are the sentry's answer in the page, the FPU state the
 * application's, untouched since the patched call.
 */
static void fast_stop(struct k_ucontext *uc)
{
	volatile struct sysmsg *m = self_msg();

	m->need_frame = 0;
	load_regs(&uc->mc, &m->regs, get_fs(), raw_gs(), m);
	trap_event(uc, EV_INTERRUPT);
}

static void stub_sigsys(int sig, void *info, void *ucv)
{
	volatile struct sysmsg *m = self_msg();

	(void)sig;
	/* The number is in siginfo: rax already holds -ENOSYS. */
	m->regs.orig_rax = (uint64_t)*(int32_t *)((char *)info + 24);
	trap_event(ucv, EV_SYSCALL);
}

static void stub_fault(int sig, void *info, void *ucv)
{
	volatile struct sysmsg *m = self_msg();
	struct k_ucontext *uc = ucv;

	if (sig == 4 /* SIGILL */ && uc->mc.rip == (uint64_t)stub_fast_retrap) {
		fast_stop(uc);
		return;
	}
	if (sig == 4 /* SIGILL */ && uc->mc.rip == (uint64_t)stub_fast_nogs) {
		/* the trap path, for a thread whose GS base is its own */
		uc->mc.rip = uc->mc.rcx;
		uc->mc.r11 = uc->mc.eflags;
		m->regs.orig_rax = uc->mc.rax;
		uc->mc.rax = (uint64_t)-38;     /* -ENOSYS */
		trap_event(uc, EV_SYSCALL);
		return;
	}

	m->signo = (uint32_t)sig;
	for (int i = 0; i < 128; i++)
		m->siginfo[i] = ((const uint8_t *)info)[i];
	trap_event(ucv, EV_FAULT);
}

static void stub_interrupt(int sig, void *info, void *ucv)
{
	volatile struct sysmsg *m = self_msg();

	(void)sig;
	(void)info;
	/* A late signal for an interrupt the sentry already handled. */
	if (!__atomic_load_n(&m->interrupt, __ATOMIC_ACQUIRE))
		return;
	switch (fast_phase(ucv, m)) {
	case FAST_WAITING:
		return;         /* the fast entry looks at m->interrupt after DONE */
	case FAST_RESTORING:
		fast_stop(ucv);
		return;
	case FAST_NO:
		break;
	}
	trap_event(ucv, EV_INTERRUPT);
}

/* A new application thread: report, then jump to the registers given. */
void stub_thread_main(uint32_t slot)
{
	volatile struct sysmsg *m = (struct sysmsg *)STUB_SLOT_MSG(slot);
	struct k_ucontext uc;
	uint8_t *p = (uint8_t *)&uc;

	post_and_wait(m, EV_READY);
	for (unsigned i = 0; i < sizeof(uc); i++)
		p[i] = 0;
	load_regs(&uc.mc, &m->regs, ~m->regs.fs_base, ~raw_gs(), m);
	uc.mc.cs = 0x33;                  /* __USER_CS */
	uc.mc.ss = 0x2b;                  /* __USER_DS */
	uc.ss_sp = STUB_SLOT_STACK(slot); /* rt_sigreturn restores the altstack */
	uc.ss_size = STUB_SIGSTACK_SIZE;
	uc.sigmask = 0;                   /* application code runs unblocked */
	stub_sigreturn(&uc);              /* fpstate NULL: a fresh FPU state */
}

static void set_handler(int sig, void (*fn)(int, void *, void *))
{
	struct k_sigaction sa = {
		.handler = (void *)fn,
		.flags = SA_SIGINFO | SA_ONSTACK | SA_RESTORER,
		.restorer = (void *)stub_restorer,
		.mask = ~0ULL,            /* never nest: one event at a time */
	};

	sc6(NR_rt_sigaction, sig, (long)&sa, 0, 8, 0, 0);
}

static void die(void)
{
	__builtin_trap();
}

/*
 * The stub template: a clone of the sentry (CLONE_FILES) that drops every
 * mapping but the stub region and the vDSO, installs the stub's handlers
 * and the syscall thread's filter, then serves host calls.  Every stub
 * process is a clone of it.
 */
void stub_template_main(void)
{
	uint64_t all = ~0ULL;
	struct k_sigaction dfl = { 0 };

	sc6(NR_rt_sigprocmask, 2 /* SIG_SETMASK */, (long)&all, 0, 8, 0, 0);
	for (int sig = 1; sig <= 64; sig++)
		if (sig != 9 && sig != 19)
			sc6(NR_rt_sigaction, sig, (long)&dfl, 0, 8, 0, 0);
	set_handler(31 /* SIGSYS */, stub_sigsys);
	set_handler(11 /* SIGSEGV */, stub_fault);
	set_handler(7 /* SIGBUS */, stub_fault);
	set_handler(8 /* SIGFPE */, stub_fault);
	set_handler(4 /* SIGILL */, stub_fault);
	set_handler(5 /* SIGTRAP */, stub_fault);
	set_handler((int)G->interrupt_signo, stub_interrupt);

	/* No capabilities in application processes, not even those of the
	 * sentry's user namespace (and the sentry, holding more, may then
	 * read and write their memory). */
	uint32_t caps_hdr[2] = { 0x20080522 /* _LINUX_CAPABILITY_VERSION_3 */, 0 };
	uint32_t caps_none[6] = { 0 };

	if (sc(NR_capset, (long)caps_hdr, (long)caps_none, 0) != 0)
		die();
	/* what ps shows of every stub process on the host */
	static const char name[16] = "cvisor-stub";

	sc(NR_prctl, 15 /* PR_SET_NAME */, (long)name, 0);
	if (sc(NR_prctl, 1 /* PR_SET_PDEATHSIG */, 9, 0) != 0 ||
	    sc6(NR_prctl, 38 /* PR_SET_NO_NEW_PRIVS */, 1, 0, 0, 0, 0) != 0)
		die();
	/* The kernel would fault us on the next preemption otherwise. */
	if (G->rseq_addr &&
	    sc6(NR_rseq, G->rseq_addr, G->rseq_len[0], 1, G->rseq_sig, 0, 0) != 0 &&
	    sc6(NR_rseq, G->rseq_addr, G->rseq_len[1], 1, G->rseq_sig, 0, 0) != 0)
		die();
	for (uint32_t i = 0; i < G->nr_unmap; i++)
		sc(NR_munmap, G->unmap[i][0], G->unmap[i][1] - G->unmap[i][0], 0);
	if (sc(NR_mprotect, STUB_CODE, STUB_CODE_SIZE, 5 /* R|X */) != 0 ||
	    sc(NR_mprotect, STUB_GLOBAL, STUB_GLOBAL_SIZE, 1 /* R */) != 0)
		die();
	if (sc6(NR_mmap, STUB_CTL_REQ, 0x1000, 1, 0x11, G->template_ctl_fd, 0) !=
		    (long)STUB_CTL_REQ ||
	    sc6(NR_mmap, STUB_CTL_RESP, 0x1000, 3, 0x11, G->template_ctl_fd,
		0x1000) != (long)STUB_CTL_RESP)
		die();
	if (sc(NR_seccomp, 1, 0, STUB_GLOBAL + GLOBAL_SYS_PROG) != 0)
		die();
	stub_syscall_loop();
}
