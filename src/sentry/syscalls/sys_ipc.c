/* SPDX-License-Identifier: MIT */
/* System V IPC system calls: argument decoding; the objects are ipc/'s. */
#include <errno.h>
#include <time.h>

#include "ipc/ipc.h"
#include "mm/mm.h"
#include "syscalls/syscalls.h"

long sys_shmget(struct task *t, const struct syscall_args *a)
{
	return shm_get(t, ARG_INT(a, 0), a->a[1], ARG_INT(a, 2));
}

long sys_shmat(struct task *t, const struct syscall_args *a)
{
	return shm_at(t, ARG_INT(a, 0), a->a[1], ARG_INT(a, 2));
}

long sys_shmdt(struct task *t, const struct syscall_args *a)
{
	return shm_dt(t, a->a[0]);
}

long sys_shmctl(struct task *t, const struct syscall_args *a)
{
	return shm_ctl(t, ARG_INT(a, 0), ARG_INT(a, 1), a->a[2]);
}

long sys_semget(struct task *t, const struct syscall_args *a)
{
	return sem_get(t, ARG_INT(a, 0), ARG_INT(a, 1), ARG_INT(a, 2));
}

long sys_semop(struct task *t, const struct syscall_args *a)
{
	return sem_timedop(t, ARG_INT(a, 0), a->a[1], ARG_UINT(a, 2), NULL);
}

long sys_semtimedop(struct task *t, const struct syscall_args *a)
{
	struct timespec ts;

	if (!a->a[3])
		return sem_timedop(t, ARG_INT(a, 0), a->a[1], ARG_UINT(a, 2), NULL);
	if (copy_from_user(t->tg->mm, &ts, a->a[3], sizeof(ts)))
		return -EFAULT;
	if (ts.tv_sec < 0 || ts.tv_nsec < 0 || ts.tv_nsec >= 1000000000L)
		return -EINVAL;
	return sem_timedop(t, ARG_INT(a, 0), a->a[1], ARG_UINT(a, 2), &ts);
}

long sys_semctl(struct task *t, const struct syscall_args *a)
{
	return sem_ctl(t, ARG_INT(a, 0), ARG_INT(a, 1), ARG_INT(a, 2), a->a[3]);
}

long sys_msgget(struct task *t, const struct syscall_args *a)
{
	return msg_get(t, ARG_INT(a, 0), ARG_INT(a, 1));
}

long sys_msgsnd(struct task *t, const struct syscall_args *a)
{
	return msg_snd(t, ARG_INT(a, 0), a->a[1], a->a[2], ARG_INT(a, 3));
}

long sys_msgrcv(struct task *t, const struct syscall_args *a)
{
	return msg_rcv(t, ARG_INT(a, 0), a->a[1], a->a[2], (long)a->a[3], ARG_INT(a, 4));
}

long sys_msgctl(struct task *t, const struct syscall_args *a)
{
	return msg_ctl(t, ARG_INT(a, 0), ARG_INT(a, 1), a->a[2]);
}
