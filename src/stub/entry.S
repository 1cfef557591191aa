/* SPDX-License-Identifier: MIT */
/*
 * The parts of the stub that must not use a stack (DESIGN.md §3).
 *
 * The syscall thread runs the sentry's host calls inside the application's
 * address space under a wider seccomp filter than application threads.  An
 * application thread can write any writable page of the address space, so
 * this loop keeps all its state in registers and reads its requests from a
 * page that is read-only here: nothing the application can touch steers it.
 */
#include "stub_abi.h"

#define NR_mmap        9
#define NR_munmap      11
#define NR_clone       56
#define NR_rt_sigreturn 15
#define NR_sigaltstack 131
#define NR_prctl       157
#define NR_futex       202
#define NR_seccomp     317
#define FUTEX_WAIT     0
#define FUTEX_WAKE     1

	.text

/* void stub_syscall_loop(void): called once by the template, never returns. */
	.globl stub_syscall_loop
	.type stub_syscall_loop, @function
stub_syscall_loop:
	/* The set-up stack is no longer needed; nothing below uses one. */
	mov $NR_munmap, %eax
	movabs $STUB_INIT_STACK, %rdi
	mov $STUB_INIT_STACK_SIZE, %esi
	syscall
	xor %esp, %esp
.Lloop_start:
	movabs $STUB_CTL_REQ, %r12
	movabs $STUB_CTL_RESP, %r13
	mov RESP_SEQ(%r13), %r14d        /* last request served */
.Lwait:
	/* as many pauses as the sentry asked for with the last request */
	mov REQ_SPIN(%r12), %ecx
.Lspin:
	mov REQ_SEQ(%r12), %eax
	cmp %eax, %r14d
	jne .Lgot
	sub $1, %ecx
	jc .Lsleep                       /* none left: look once, then sleep */
	pause
	jmp .Lspin
	/* Sleep: announce it, then wait unless a request arrived meanwhile. */
.Lsleep:
	mov $1, %eax
	xchg %eax, RESP_STUB_WAITING(%r13)
	mov $NR_futex, %eax
	mov %r12, %rdi
	mov $FUTEX_WAIT, %esi
	mov %r14d, %edx
	xor %r10d, %r10d
	syscall
	movl $0, RESP_STUB_WAITING(%r13)
	jmp .Lwait

.Lgot:
	mov %eax, %r15d
	cmpq $STUB_NR_BATCH, REQ_NR(%r12)
	je .Lbatch
	/* Kept in registers: a clone child must not read the request again. */
	mov REQ_CHILD_FD(%r12), %rbx
	mov REQ_NR(%r12), %rax
	mov REQ_ARGS+0(%r12), %rdi
	mov REQ_ARGS+8(%r12), %rsi
	mov REQ_ARGS+16(%r12), %rdx
	mov REQ_ARGS+24(%r12), %r10
	mov REQ_ARGS+32(%r12), %r8
	mov REQ_ARGS+40(%r12), %r9
	syscall
	test %rax, %rax
	jnz .Ldone
	test %rbx, %rbx
	jnz .Lchild
.Ldone:
	mov %rax, RESP_RET(%r13)
	mov %r15d, %r14d
	xchg %r15d, RESP_SEQ(%r13)       /* publish, with a full barrier */
	cmpl $0, RESP_SENTRY_WAITING(%r13)
	je .Lwait
	mov $NR_futex, %eax
	lea RESP_SEQ(%r13), %rdi
	mov $FUTEX_WAKE, %esi
	mov $1, %edx
	syscall
	jmp .Lwait

	/*
	 * A batch (stub_abi.h): its calls in order, up to the first error.
	 * rbx counts down, rbp walks the entries of the read-only page; a
	 * count past the page's room is refused, not read past its end.
	 */
.Lbatch:
	mov REQ_ARGS(%r12), %rbx
	mov $-7, %rax                    /* -E2BIG */
	cmp $STUB_BATCH_MAX, %rbx
	ja .Ldone
	lea REQ_BATCH(%r12), %rbp
.Lbatch_next:
	xor %eax, %eax
	test %rbx, %rbx
	jz .Ldone
	mov 0(%rbp), %rax
	mov 8(%rbp), %rdi
	mov 16(%rbp), %rsi
	mov 24(%rbp), %rdx
	mov 32(%rbp), %r10
	mov 40(%rbp), %r8
	mov 48(%rbp), %r9
	syscall
	cmp $-4096, %rax
	ja .Ldone                        /* -errno: the answer */
	add $STUB_CALL_SIZE, %rbp
	dec %rbx
	jmp .Lbatch_next

.Lchild:
	/* rbx = kind << 32 | value: 1 = new thread (slot), 2 = new process (fd) */
	mov %rbx, %rax
	shr $32, %rax
	cmp $1, %eax
	je .Lthread_child

	/* A new process: map our own control pages over the inherited ones. */
	mov $NR_mmap, %eax
	movabs $STUB_CTL_REQ, %rdi
	mov $0x1000, %esi
	mov $1, %edx                     /* PROT_READ */
	mov $0x11, %r10d                 /* MAP_SHARED | MAP_FIXED */
	mov %ebx, %r8d
	xor %r9d, %r9d
	syscall
	cmp $-4096, %rax
	ja .Ldie
	mov $NR_mmap, %eax
	movabs $STUB_CTL_RESP, %rdi
	mov $0x1000, %esi
	mov $3, %edx                     /* PROT_READ | PROT_WRITE */
	mov $0x11, %r10d
	mov %ebx, %r8d
	mov $0x1000, %r9d
	syscall
	cmp $-4096, %rax
	ja .Ldie
	/*
	 * A fork copied the parent's thread slots: give them back to the
	 * reservation before serving a request, so that the child cannot
	 * reach the parent's sysmsg pages (one round trip fewer than the
	 * sentry asking for it).
	 */
	mov $NR_mmap, %eax
	movabs $STUB_SLOTS, %rdi
	movabs $(STUB_END - STUB_SLOTS), %rsi
	xor %edx, %edx                   /* PROT_NONE */
	mov $0x4032, %r10d               /* PRIVATE|ANONYMOUS|FIXED|NORESERVE */
	mov $-1, %r8
	xor %r9d, %r9d
	syscall
	cmp $-4096, %rax
	ja .Ldie
	mov $NR_prctl, %eax
	mov $1, %edi                     /* PR_SET_PDEATHSIG */
	mov $9, %esi                     /* SIGKILL */
	syscall
	/*
	 * The process's first application thread, made here rather than by
	 * three more requests (two mmaps and a clone, each a round trip
	 * between two processes): slot 0's sysmsg page is the control
	 * memfd's page after the request and response pages, its signal
	 * stack fresh memory.  The kernel stores the thread's id in the
	 * response page before the thread runs (CLONE_PARENT_SETTID), so
	 * the sentry has it once the thread reports EV_READY.
	 */
	mov $NR_mmap, %eax
	movabs $STUB_SLOTS, %rdi
	mov $0x1000, %esi
	mov $3, %edx                     /* PROT_READ | PROT_WRITE */
	mov $0x11, %r10d                 /* MAP_SHARED | MAP_FIXED */
	mov %ebx, %r8d
	mov $STUB_CTL_SIZE, %r9d
	syscall
	cmp $-4096, %rax
	ja .Ldie
	mov $NR_mmap, %eax
	movabs $(STUB_SLOTS + 0x2000), %rdi
	mov $STUB_SIGSTACK_SIZE, %esi
	mov $3, %edx                     /* PROT_READ | PROT_WRITE */
	mov $0x32, %r10d                 /* PRIVATE|ANONYMOUS|FIXED */
	mov $-1, %r8
	xor %r9d, %r9d
	syscall
	cmp $-4096, %rax
	ja .Ldie
	mov $NR_clone, %eax
	mov $STUB_CLONE_FIRST_FLAGS, %edi
	movabs $(STUB_SLOTS + STUB_SLOT_SIZE), %rsi   /* top of slot 0's stack */
	movabs $(STUB_CTL_RESP + RESP_FIRST_TID), %rdx
	movabs $STUB_SLOTS, %r10         /* its sysmsg state word: cleared at exit */
	xor %r8d, %r8d
	movabs $(1 << 32), %rbx          /* CHILD_THREAD(0) */
	syscall
	test %rax, %rax
	jz .Lthread_child
	jns .Lloop_start
	/* No thread (a pids limit, most likely): say why, then die. */
	mov %eax, RESP_FIRST_TID(%r13)
	jmp .Ldie

.Lthread_child:
	/*
	 * A new application thread, on the stack clone gave it: the top of its
	 * slot's signal stack.  Set that as its alternate signal stack, then
	 * stack the application filter, before running any C code.
	 */
	mov %rsp, %rax
	sub $STUB_SIGSTACK_SIZE, %rax
	pushq $STUB_SIGSTACK_SIZE        /* ss_size */
	pushq $0                         /* ss_flags */
	push %rax                        /* ss_sp */
	mov $NR_sigaltstack, %eax
	mov %rsp, %rdi
	xor %esi, %esi
	syscall
	add $24, %rsp
	test %rax, %rax
	jnz .Ldie
	mov $NR_seccomp, %eax
	mov $1, %edi                     /* SECCOMP_SET_MODE_FILTER */
	xor %esi, %esi
	movabs $(STUB_GLOBAL + GLOBAL_APP_PROG), %rdx
	syscall
	test %rax, %rax
	jnz .Ldie
	mov %ebx, %edi                   /* slot */
	and $-16, %rsp
	call stub_thread_main
.Ldie:
	/* Every signal is blocked here, so this kills the whole process. */
	ud2

/*
 * Where the sentry sends a thread whose application thread has exited
 * while others go on: the host thread ends itself (exit, from stub code,
 * is in the application filter: a thread can end only itself).
 */
	.globl stub_thread_exit
	.type stub_thread_exit, @function
stub_thread_exit:
	mov $60, %eax
	xor %edi, %edi
	syscall
	ud2

/*
 * The fast entry of a patched syscall site (docs/syscall-patching.md).
 * A site's trampoline (the per-process table at PATCH_TABLE) replays the
 * instruction the patch displaced and jumps here with the registers a
 * syscall instruction would leave: rax the number, rcx the return address;
 * r11 is free.  No signal: the registers go to the thread's sysmsg page,
 * which %gs points at (the stub sets it), the C half hands them to the
 * sentry and waits, and the answer is loaded back.  The application's
 * stack is not touched (its red zone stays intact): the wait runs on the
 * slot's signal stack.  Whatever an application jumps in here with, it
 * reaches only the stub set of host calls, as from any stub code.
 */
	.globl stub_fast_entry
	.type stub_fast_entry, @function
stub_fast_entry:
	/* %gs must be a sysmsg page (STUB_SLOTS + i * STUB_SLOT_SIZE): an
	 * application that set its own GS base takes the trap path */
	rdgsbase %r11
	test $(STUB_SLOT_SIZE - 1), %r11d
	jnz stub_fast_nogs
	shr $17, %r11                    /* STUB_SLOT_SIZE == 1 << 17 */
	cmp $(STUB_SLOTS >> 17), %r11
	jb stub_fast_nogs
	cmp $(STUB_END >> 17), %r11
	jae stub_fast_nogs
	mov %rsp, %gs:R_RSP
	rdgsbase %rsp
	add $STUB_SLOT_SIZE, %rsp        /* the top of the slot's signal stack */
	pushfq
	popq %gs:R_EFLAGS
	mov %rax, %gs:R_ORIG_RAX
	movq $-38, %gs:R_RAX             /* -ENOSYS, as on the trap path */
	mov %rcx, %gs:R_RIP
	mov %rcx, %gs:R_RCX              /* what the syscall instruction leaves */
	mov %gs:R_EFLAGS, %r11           /* in rcx and r11 */
	mov %r11, %gs:R_R11
	mov %r15, %gs:R_R15
	mov %r14, %gs:R_R14
	mov %r13, %gs:R_R13
	mov %r12, %gs:R_R12
	mov %rbp, %gs:R_RBP
	mov %rbx, %gs:R_RBX
	mov %r10, %gs:R_R10
	mov %r9, %gs:R_R9
	mov %r8, %gs:R_R8
	mov %rdx, %gs:R_RDX
	mov %rsi, %gs:R_RSI
	mov %rdi, %gs:R_RDI
	call stub_fast_syscall
	/*
	 * From here on the sentry's answer is in the page: an interrupt
	 * signal that lands in [stub_fast_restore, stub_fast_retrap) finishes
	 * the return from the page itself (stub.c), so none is lost between
	 * the check below and the jump.
	 */
	.globl stub_fast_restore
stub_fast_restore:
	test %eax, %eax
	jnz stub_fast_retrap
	cmpl $0, %gs:MSG_INTERRUPT
	jne stub_fast_retrap
	pushq %gs:R_EFLAGS
	popfq
	mov %gs:R_R15, %r15
	mov %gs:R_R14, %r14
	mov %gs:R_R13, %r13
	mov %gs:R_R12, %r12
	mov %gs:R_RBP, %rbp
	mov %gs:R_RBX, %rbx
	mov %gs:R_R11, %r11
	mov %gs:R_R10, %r10
	mov %gs:R_R9, %r9
	mov %gs:R_R8, %r8
	mov %gs:R_RAX, %rax
	mov %gs:R_RCX, %rcx
	mov %gs:R_RDX, %rdx
	mov %gs:R_RSI, %rsi
	mov %gs:R_RDI, %rdi
	mov %gs:R_RSP, %rsp
	jmp *%gs:R_RIP
/* The sentry wants a signal frame (or an interrupt is pending): SIGILL,
 * which the stub's handler turns into an EV_INTERRUPT with a frame. */
	.globl stub_fast_retrap
stub_fast_retrap:
	ud2
/* %gs is not a sysmsg page: SIGILL, which the handler turns into a
 * trapped syscall (rax and rcx are still the trampoline's). */
	.globl stub_fast_nogs
stub_fast_nogs:
	ud2
	.globl stub_fast_end
stub_fast_end:

/* The restorer of every stub signal handler. */
	.globl stub_restorer
	.type stub_restorer, @function
stub_restorer:
	mov $NR_rt_sigreturn, %eax
	syscall
	ud2

/* void stub_sigreturn(void *uc): load a whole register set from a ucontext. */
	.globl stub_sigreturn
	.type stub_sigreturn, @function
stub_sigreturn:
	mov %rdi, %rsp
	mov $NR_rt_sigreturn, %eax
	syscall
	ud2

	.section .note.GNU-stack, "", @progbits
