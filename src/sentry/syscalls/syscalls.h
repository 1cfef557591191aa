/* SPDX-License-Identifier: MIT */
#ifndef CVISOR_SYSCALLS_H
#define CVISOR_SYSCALLS_H

#include "kernel/kernel.h"

typedef long (*syscall_fn)(struct task *t, const struct syscall_args *a);

#define SYS(nr, name, fmt) long sys_##name(struct task *t, const struct syscall_args *a);
#define NOSYS(nr, name, fmt)
#include "syscalls/syscalls.def"
#undef SYS
#undef NOSYS

#define NR_SYSCALLS 470

void syscall_dispatch(struct task *t);
long seccomp_prctl(struct task *t, unsigned long mode, uint64_t ufprog);
/* exit(2) of thread t with a wait(2) status (the process's if it is the last) */
long exit_thread(struct task *t, int wstatus);
const char *syscall_name(long nr);
void syscall_print_stats(int fd);

#endif
