/* SPDX-License-Identifier: MIT */
/*
 * The container's seccomp profile (linux.seccomp), enforced by the sentry:
 * the classic BPF program libseccomp compiled from it (oci/seccomp_profile.c)
 * runs here, on the seccomp_data of each application syscall, before the
 * handler.  Its verdict is applied as the kernel would: ERRNO returns the
 * error, TRAP delivers SIGSYS, KILL kills the thread's process, ALLOW and
 * LOG go on.
 */
#include <errno.h>
#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <signal.h>
#include <string.h>

#include "bpf_run.h"
#include "kernel/kernel.h"

static const struct sock_filter *prog;
static size_t prog_len;

void app_seccomp_set(const struct sock_filter *p, size_t n)
{
	prog = p;
	prog_len = n;
}

/* Does the sandbox run a profile on the application's calls? */
bool app_seccomp_active(void)
{
	return prog_len > 0;
}

/*
 * Check t's current syscall against the profile: 0 to go on, or the
 * negative errno it returns instead; *killed when the process must die.
 */
long app_seccomp_check(struct task *t, const struct syscall_args *a, bool *killed)
{
	struct seccomp_data d = {
		.nr = (int)a->nr, .arch = AUDIT_ARCH_X86_64,
		.instruction_pointer = t->regs.rip,
	};
	uint32_t ret;
	siginfo_t si;

	*killed = false;
	if (!prog)
		return 0;
	memcpy(d.args, a->a, sizeof(d.args));
	ret = bpf_run(prog, prog_len, &d);
	switch (ret & SECCOMP_RET_ACTION_FULL) {
	case SECCOMP_RET_ALLOW:
	case SECCOMP_RET_LOG:
		return 0;
	case SECCOMP_RET_ERRNO:
		return -(long)(ret & SECCOMP_RET_DATA);
	case SECCOMP_RET_TRAP:
		memset(&si, 0, sizeof(si));
		si.si_signo = SIGSYS;
		si.si_code = 1;         /* SYS_SECCOMP */
		si.si_errno = (int)(ret & SECCOMP_RET_DATA);
		send_signal_info(t->tg, t, &si);
		return -ENOSYS;
	default:                        /* KILL_THREAD, KILL_PROCESS */
		*killed = true;
		return -ENOSYS;
	}
}
