/* SPDX-License-Identifier: MIT */
/*
 * The contract between the sentry and the stub (DESIGN.md §3).
 *
 * Included by the freestanding stub and by the sentry, so it uses only
 * fixed-width types and no libc.  Everything the two sides share lives in
 * memfds mapped by both, at the addresses defined here on the stub side.
 */
#ifndef CVISOR_STUB_ABI_H
#define CVISOR_STUB_ABI_H

#ifndef __ASSEMBLER__
#include <stdint.h>
#endif

/*
 * The stub region.  Chosen far below the randomised ranges the host uses for
 * the sentry's own stack, vDSO and shared libraries (the top ~1 TiB of the
 * address space) and far above anything an application is allowed to map:
 * the sentry caps application mappings at STUB_BASE.
 */
#define STUB_BASE        0x7e0000000000UL
#define STUB_SIZE        0x40000000UL             /* 1 GiB reserved */
#define STUB_END         (STUB_BASE + STUB_SIZE)

#define STUB_CODE        STUB_BASE                /* RX, shared by every stub */
#define STUB_CODE_SIZE   0x10000UL
#define STUB_GLOBAL      (STUB_BASE + 0x10000UL)  /* RO in stubs: filters, setup */
#define STUB_GLOBAL_SIZE 0x10000UL
#define STUB_CTL         (STUB_BASE + 0x20000UL)  /* per process */
#define STUB_CTL_REQ     STUB_CTL                 /* RO in the stub */
#define STUB_CTL_RESP    (STUB_CTL + 0x1000UL)    /* RW in the stub */
#define STUB_CTL_SIZE    0x2000UL
#define STUB_INIT_STACK  (STUB_BASE + 0x30000UL)  /* template set-up only */
#define STUB_INIT_STACK_SIZE 0x10000UL

/* Per-thread slots: sysmsg page, guard page, signal stack. */
#define STUB_SLOTS       (STUB_BASE + 0x100000UL)
#define STUB_SLOT_SIZE   0x20000UL
#define STUB_SLOT_MSG(i)   (STUB_SLOTS + (uint64_t)(i) * STUB_SLOT_SIZE)
#define STUB_SLOT_STACK(i) (STUB_SLOT_MSG(i) + 0x2000UL)
#define STUB_SIGSTACK_SIZE (STUB_SLOT_SIZE - 0x2000UL)
#define STUB_MAX_THREADS ((STUB_SIZE - 0x100000UL) / STUB_SLOT_SIZE)

/*
 * Syscall patching (docs/syscall-patching.md): a trapped "INSN; syscall"
 * of 7 bytes becomes "jmp *CELL" (ff 24 25 + a 32-bit address), CELL one
 * entry of a per-process table of trampolines at a fixed low address.
 * The table's addresses are 0x6xxxx, so the byte that replaces the first
 * byte of the syscall instruction is 0x06, an invalid opcode in 64-bit
 * mode: a thread that reaches it takes SIGILL and the sentry knows why.
 * Applications may not map below PATCH_TABLE_END (mm.h).
 */
#define PATCH_TABLE      0x60000UL
#define PATCH_TABLE_SIZE 0x10000UL
#define PATCH_TABLE_END  (PATCH_TABLE + PATCH_TABLE_SIZE)
#define PATCH_ENTRY_SIZE 64
#define PATCH_ENTRIES    (PATCH_TABLE_SIZE / PATCH_ENTRY_SIZE)
#define PATCH_LEN        7            /* the bytes a patch replaces */
#define PATCH_FAULT_BYTE 0x06         /* byte 5 of every patch */
/* The fast entry's marker in sysmsg.fpstate: no signal frame, no FPU state. */
#define SYSMSG_FAST_FP   1
/* A slot's sysmsg page in the process's control memfd, after req + resp. */
#define STUB_CTL_MSG_OFF(i) (STUB_CTL_SIZE + (uint64_t)(i) * 0x1000UL)

/*
 * The clone flags of a new process's first thread, which its syscall thread
 * makes on its own: CLONE_VM|CLONE_FS|CLONE_FILES|CLONE_SIGHAND|CLONE_THREAD|
 * CLONE_SYSVSEM|CLONE_PARENT_SETTID|CLONE_CHILD_CLEARTID (a number: the
 * assembly uses it).  CLONE_CHILD_CLEARTID names the thread's sysmsg state
 * word: the kernel zeroes it (SYSMSG_GONE) and wakes the sentry when the
 * host thread exits, however it exits.
 */
#define STUB_CLONE_FIRST_FLAGS 0x350f00

/* Offset of the request page's fields, used by the assembly syscall loop. */
#define REQ_SEQ      0
#define REQ_NR       8
#define REQ_ARGS     16
#define REQ_CHILD_FD 64
#define REQ_SPIN     4
/*
 * A batch of host calls in one request (nr = STUB_NR_BATCH, args[0] = how
 * many): the syscall thread runs them in order and stops at the first
 * that fails; its answer is that call's -errno, or 0.  The sentry batches
 * the mappings of an address space no application code has run in yet
 * (platform/batch.c): one wake-up of the syscall thread, not one per call.
 */
#define STUB_NR_BATCH   0x10000
#define STUB_BATCH_MAX  64
#define REQ_BATCH       72
#define STUB_CALL_SIZE  56
#define RESP_SEQ            0
#define RESP_SENTRY_WAITING 4
#define RESP_STUB_WAITING   8
#define RESP_FIRST_TID      12
#define RESP_RET            16
#define GLOBAL_SYS_PROG     0
#define GLOBAL_APP_PROG     16

/* struct sysmsg and struct stub_regs offsets, for the fast entry (entry.S). */
#define MSG_STATE       0
#define MSG_INTERRUPT   16
#define MSG_REGS        40
#define R_R15    (MSG_REGS + 0)
#define R_R14    (MSG_REGS + 8)
#define R_R13    (MSG_REGS + 16)
#define R_R12    (MSG_REGS + 24)
#define R_RBP    (MSG_REGS + 32)
#define R_RBX    (MSG_REGS + 40)
#define R_R11    (MSG_REGS + 48)
#define R_R10    (MSG_REGS + 56)
#define R_R9     (MSG_REGS + 64)
#define R_R8     (MSG_REGS + 72)
#define R_RAX    (MSG_REGS + 80)
#define R_RCX    (MSG_REGS + 88)
#define R_RDX    (MSG_REGS + 96)
#define R_RSI    (MSG_REGS + 104)
#define R_RDI    (MSG_REGS + 112)
#define R_ORIG_RAX (MSG_REGS + 120)
#define R_RIP    (MSG_REGS + 128)
#define R_EFLAGS (MSG_REGS + 144)
#define R_RSP    (MSG_REGS + 152)

#ifndef __ASSEMBLER__

/* A host call the sentry asks the syscall thread to make. */
struct stub_req {
	uint32_t seq;           /* futex word: bumped once per request */
	uint32_t spin;          /* pauses to spin for the next request, then sleep */
	uint64_t nr;
	uint64_t args[6];
	uint64_t child_fd;      /* clone of a process: its control memfd */
	struct stub_call {
		uint64_t nr;
		uint64_t args[6];
	} batch[STUB_BATCH_MAX];
};

struct stub_resp {
	uint32_t seq;           /* futex word: = request seq once served */
	uint32_t sentry_waiting;
	uint32_t stub_waiting;
	uint32_t first_tid;     /* host tid of a new process's first thread,
				 * or -errno if the stub could not make it */
	int64_t ret;
};

/* General registers, in the layout of struct user_regs_struct. */
struct stub_regs {
	uint64_t r15, r14, r13, r12, rbp, rbx, r11, r10, r9, r8;
	uint64_t rax, rcx, rdx, rsi, rdi, orig_rax, rip, cs, eflags, rsp, ss;
	uint64_t fs_base, gs_base, ds, es, fs, gs;
};

enum sysmsg_state {
	SYSMSG_GONE = 0,        /* the host thread exited (CLONE_CHILD_CLEARTID) */
	SYSMSG_EVENT = 1,       /* the stub posted an event: the sentry's turn */
	SYSMSG_DONE = 2,        /* the sentry finished: the stub resumes */
	SYSMSG_NEW = 3,         /* set by the sentry before the thread starts */
};

enum sysmsg_event {
	EV_READY = 1,           /* a new thread waits for its first registers */
	EV_SYSCALL = 2,
	EV_FAULT = 3,           /* SIGSEGV SIGBUS SIGFPE SIGILL SIGTRAP */
	EV_INTERRUPT = 4,       /* the sentry asked the thread to stop */
};

/* One page per application thread, shared by the stub and the sentry. */
/* sysmsg.spin: the stub and its sentry thread share a CPU (hand-off YIELD) */
#define STUB_SPIN_YIELD 0x80000000u

struct sysmsg {
	uint32_t state;         /* futex word, enum sysmsg_state */
	uint32_t sentry_waiting;
	uint32_t stub_waiting;
	uint32_t event;
	uint32_t interrupt;     /* set by the sentry before the interrupt signal */
	uint32_t signo;         /* EV_FAULT: the host signal */
	uint32_t spin;          /* how long the stub may spin for DONE: pauses,
				 * or with STUB_SPIN_YIELD sched_yields */
	uint32_t pad;
	uint64_t fpstate;       /* the FPU state the kernel saved for this event */
	struct stub_regs regs;
	uint8_t siginfo[128];
	/* For the hand-off policy (platform/handoff.c), written by the stub
	 * and read by the sentry as hints only (the application can write
	 * them too): the TSC when the stub posted its last event and when it
	 * saw the answer to the one before, and its CPU when it posted. */
	uint64_t tsc_post;
	uint64_t tsc_back;
	uint32_t cpu;
	/* set by the sentry with DONE: the thread must stop again with a
	 * signal frame (the FPU state) before it returns (syscall patching) */
	uint32_t need_frame;
};


/* The kernel's x86_64 signal frame types (stub handlers, sentry frames). */
struct k_sigcontext {
	uint64_t r8, r9, r10, r11, r12, r13, r14, r15;
	uint64_t rdi, rsi, rbp, rbx, rdx, rax, rcx, rsp, rip, eflags;
	uint16_t cs, gs, fs, ss;
	uint64_t err, trapno, oldmask, cr2, fpstate, reserved1[8];
};

struct k_ucontext {
	uint64_t uc_flags, uc_link;
	uint64_t ss_sp;
	int32_t ss_flags, pad;
	uint64_t ss_size;
	struct k_sigcontext mc;
	uint64_t sigmask;
};

/* Read-only global page: set up once by the sentry. */
struct sock_filter_abi { uint16_t code; uint8_t jt, jf; uint32_t k; };
struct sock_fprog_abi { uint16_t len; uint16_t pad[3]; uint64_t filter; };

/* Linux keeps the CPU number in TSC_AUX (the vDSO's getcpu reads it so). */
enum { STUB_CPU_NONE, STUB_CPU_RDPID, STUB_CPU_RDTSCP };

#define STUB_MAX_UNMAP 64
#define STUB_MAX_FILTER 256

struct stub_global {
	struct sock_fprog_abi sys_prog;     /* the syscall thread's filter */
	struct sock_fprog_abi app_prog;     /* stacked on application threads */
	uint64_t unmap[STUB_MAX_UNMAP][2];  /* [start, end) for the template */
	uint32_t nr_unmap;
	uint32_t use_fsgsbase;
	uint32_t template_ctl_fd;
	uint32_t interrupt_signo;
	/* glibc's rseq registration, which the template inherits and must drop
	 * before it unmaps the sentry's TLS */
	uint64_t rseq_addr;
	uint32_t rseq_len[2];
	uint32_t rseq_sig;
	uint32_t cpu_insn;                  /* how the stub reads its CPU: STUB_CPU_* */
	struct sock_filter_abi sys_filter[STUB_MAX_FILTER];
	struct sock_filter_abi app_filter[STUB_MAX_FILTER];
};

_Static_assert(sizeof(struct sysmsg) <= 4096, "sysmsg fits a page");
_Static_assert(__builtin_offsetof(struct sysmsg, interrupt) == MSG_INTERRUPT,
	       "asm offset");
_Static_assert(__builtin_offsetof(struct sysmsg, regs) == MSG_REGS, "asm offset");
_Static_assert(__builtin_offsetof(struct sysmsg, regs.r12) == R_R12, "asm offset");
_Static_assert(__builtin_offsetof(struct sysmsg, regs.r11) == R_R11, "asm offset");
_Static_assert(__builtin_offsetof(struct sysmsg, regs.rdi) == R_RDI, "asm offset");
_Static_assert(__builtin_offsetof(struct sysmsg, regs.rip) == R_RIP, "asm offset");
_Static_assert(__builtin_offsetof(struct sysmsg, regs.eflags) == R_EFLAGS, "asm offset");
_Static_assert(__builtin_offsetof(struct sysmsg, regs.rsp) == R_RSP, "asm offset");
_Static_assert(sizeof(struct stub_global) <= STUB_GLOBAL_SIZE, "global fits");
_Static_assert(__builtin_offsetof(struct stub_global, app_prog) == GLOBAL_APP_PROG,
	       "asm offset");
_Static_assert(__builtin_offsetof(struct stub_req, child_fd) == REQ_CHILD_FD,
	       "asm offset");
_Static_assert(__builtin_offsetof(struct stub_resp, ret) == RESP_RET, "asm offset");
_Static_assert(__builtin_offsetof(struct stub_req, spin) == REQ_SPIN, "asm offset");
_Static_assert(__builtin_offsetof(struct stub_req, batch) == REQ_BATCH, "asm offset");
_Static_assert(sizeof(struct stub_call) == STUB_CALL_SIZE, "asm size");
_Static_assert(sizeof(struct stub_req) <= 0x1000, "the request page");

#endif /* __ASSEMBLER__ */
#endif
