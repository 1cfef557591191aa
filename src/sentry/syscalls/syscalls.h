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
const char *syscall_name(long nr);
void syscall_print_stats(int fd);

#endif
