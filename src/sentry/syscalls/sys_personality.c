/* SPDX-License-Identifier: MIT */
/*
 * personality(2): the execution domain is kept per process, inherited by
 * fork and exec, and read back; the sandbox runs every program as
 * PER_LINUX whatever it says (docs/syscalls.md): ADDR_NO_RANDOMIZE does
 * not turn address randomisation off, PER_LINUX32 does not change uname.
 */
#include "syscalls/syscalls.h"

long sys_personality(struct task *t, const struct syscall_args *a)
{
	unsigned persona = ARG_UINT(a, 0);
	unsigned old;

	pthread_mutex_lock(&t->tg->lock);
	old = t->tg->personality;
	if (persona != 0xffffffffu)     /* 0xffffffff only asks */
		t->tg->personality = persona;
	pthread_mutex_unlock(&t->tg->lock);
	return old;
}
