/*
 * ioprio_get/ioprio_set as Linux 6.x answers them: the value is read back
 * as set (IOPRIO_WHO_PROCESS) and inherited by fork; a process group's is
 * the best of its members' (no class counting as best-effort 4); a bad
 * class, level or "which" is EINVAL, an unknown pid ESRCH, the real-time
 * class without CAP_SYS_NICE or CAP_SYS_ADMIN and another user's process
 * EPERM.
 */
#define _GNU_SOURCE
#include <sys/syscall.h>
#include <sys/wait.h>

#include "caps.h"

#define WHO_PROCESS 1
#define WHO_PGRP 2
#define IOPRIO(class, data) (((class) << 13) | (data))
enum { NONE, RT, BE, IDLE };

static long get(int which, int who)
{
	return syscall(SYS_ioprio_get, which, who);
}

static long set(int which, int who, int prio)
{
	return syscall(SYS_ioprio_set, which, who, prio);
}

static void wait_ok(pid_t p, const char *what)
{
	int st;

	CHECK(waitpid(p, &st, 0) == p && WIFEXITED(st) && WEXITSTATUS(st) == 0,
	      "%s: status %#x", what, st);
}

/* A process group of its own: its value alone, then the best with a member's. */
static void pgrp_case(void)
{
	int p[2], q[2];         /* child -> parent, parent -> child */
	pid_t c;

	CHECK_OK(setpgid(0, 0));
	CHECK_OK(set(WHO_PROCESS, 0, IOPRIO(IDLE, 5)));
	CHECK(get(WHO_PGRP, 0) == IOPRIO(IDLE, 5), "alone: %ld", get(WHO_PGRP, 0));
	CHECK_OK(pipe(p));
	CHECK_OK(pipe(q));
	CHECK_OK(c = fork());
	if (c == 0) {
		char x;

		if (set(WHO_PROCESS, 0, IOPRIO(BE, 3)))
			_exit(1);
		if (write(p[1], "r", 1) != 1 || read(q[0], &x, 1) != 1)
			_exit(2);
		_exit(0);
	}
	char r;
	CHECK(read(p[0], &r, 1) == 1, "read");
	CHECK(get(WHO_PGRP, 0) == IOPRIO(BE, 3), "best of IDLE/5 and BE/3: %ld",
	      get(WHO_PGRP, 0));
	CHECK_OK(set(WHO_PROCESS, 0, IOPRIO(NONE, 0)));
	CHECK(get(WHO_PGRP, getpgrp()) == IOPRIO(BE, 3), "best of none and BE/3: %ld",
	      get(WHO_PGRP, 0));
	CHECK(write(q[1], "g", 1) == 1, "write");
	wait_ok(c, "member");
	CHECK(get(WHO_PGRP, 0) == IOPRIO(BE, 4), "alone again, none is BE/4: %ld",
	      get(WHO_PGRP, 0));
}

static void no_caps_case(void)
{
	struct sets s = caps();
	uint64_t keep = ~(BIT(CAP_SYS_NICE) | BIT(CAP_SYS_ADMIN));

	CHECK_OK(caps_set(s.eff & keep, s.perm & keep, 0));
	CHECK_ERRNO(set(WHO_PROCESS, 0, IOPRIO(RT, 0)), EPERM);
	CHECK_OK(set(WHO_PROCESS, 0, IOPRIO(IDLE, 0)));
	CHECK_OK(setresuid(65534, 65534, 65534));
	CHECK_ERRNO(set(WHO_PROCESS, getppid(), IOPRIO(BE, 1)), EPERM);
}

int main(void)
{
	pid_t c;

	CHECK_OK(set(WHO_PROCESS, 0, IOPRIO(BE, 2)));
	CHECK(get(WHO_PROCESS, 0) == IOPRIO(BE, 2), "read back: %ld", get(WHO_PROCESS, 0));
	CHECK(get(WHO_PROCESS, getpid()) == IOPRIO(BE, 2), "by pid");
	CHECK_OK(c = fork());
	if (c == 0)
		_exit(get(WHO_PROCESS, 0) == IOPRIO(BE, 2) ? 0 : 1);
	wait_ok(c, "fork inherits");
	CHECK_OK(set(WHO_PROCESS, 0, IOPRIO(BE, 8)));  /* level 0, hint 1 */
	CHECK(get(WHO_PROCESS, 0) == IOPRIO(BE, 8), "a hint is kept");
	CHECK_OK(set(WHO_PROCESS, 0, IOPRIO(RT, 7)));   /* root: allowed */

	CHECK_ERRNO(set(WHO_PROCESS, 0, IOPRIO(NONE, 1)), EINVAL);
	CHECK_ERRNO(set(WHO_PROCESS, 0, IOPRIO(4, 0)), EINVAL);
	CHECK_ERRNO(set(WHO_PROCESS, 0, IOPRIO(7, 0)), EINVAL);
	CHECK_ERRNO(set(4, 0, IOPRIO(BE, 0)), EINVAL);
	CHECK_ERRNO(get(0, 0), EINVAL);
	CHECK_ERRNO(get(WHO_PROCESS, 999999), ESRCH);

	in_child(pgrp_case, "process group");
	in_child(no_caps_case, "without CAP_SYS_NICE");
	return 0;
}
