/* PR_SET_KEEPCAPS and the securebits (cap_task_prctl): with KEEPCAPS a
 * process leaving uid 0 keeps its permitted set and may make it effective
 * again with capset (what setpriv --reuid --inh-caps does), exec clears
 * KEEPCAPS, and the securebits' locks hold.  Each case in a child.  Needs
 * root (as another user it checks the EPERMs only). */
#define _GNU_SOURCE
#include <linux/capability.h>
#include <linux/securebits.h>
#include <stdint.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include "check.h"

#define BIT(c) (1ULL << (c))

static uint64_t get(int which)  /* 0 effective, 1 permitted, 2 inheritable */
{
	struct __user_cap_header_struct h = { _LINUX_CAPABILITY_VERSION_3, 0 };
	struct __user_cap_data_struct d[2];

	CHECK(syscall(SYS_capget, &h, d) == 0, "capget: %s", strerror(errno));
	if (which == 0)
		return d[0].effective | (uint64_t)d[1].effective << 32;
	if (which == 1)
		return d[0].permitted | (uint64_t)d[1].permitted << 32;
	return d[0].inheritable | (uint64_t)d[1].inheritable << 32;
}

static int set(uint64_t eff, uint64_t perm, uint64_t inh)
{
	struct __user_cap_header_struct h = { _LINUX_CAPABILITY_VERSION_3, 0 };
	struct __user_cap_data_struct d[2] = {
		{ (uint32_t)eff, (uint32_t)perm, (uint32_t)inh },
		{ (uint32_t)(eff >> 32), (uint32_t)(perm >> 32), (uint32_t)(inh >> 32) },
	};

	return (int)syscall(SYS_capset, &h, d);
}

/* setpriv --reuid=1000 --inh-caps=+net_bind_service: keepcaps, setresuid,
 * capset of the inheritable set (the EPERM of issue 15 without keepcaps). */
static void keep(void)
{
	uint64_t perm = get(1);

	CHECK(prctl(PR_GET_KEEPCAPS) == 0, "keepcaps set from the start");
	CHECK_ERRNO(prctl(PR_SET_KEEPCAPS, 2, 0, 0, 0), EINVAL);
	CHECK_OK(prctl(PR_SET_KEEPCAPS, 1, 0, 0, 0));
	CHECK(prctl(PR_GET_KEEPCAPS) == 1, "PR_GET_KEEPCAPS");
	CHECK(prctl(PR_GET_SECUREBITS) == SECBIT_KEEP_CAPS, "securebits %d",
	      prctl(PR_GET_SECUREBITS));
	CHECK_OK(setresuid(1000, 1000, 1000));
	CHECK(get(1) == perm && get(0) == 0, "keepcaps: perm %llx eff %llx",
	      (unsigned long long)get(1), (unsigned long long)get(0));
	CHECK_OK(set(0, perm, BIT(CAP_NET_BIND_SERVICE)));
	CHECK_OK(set(BIT(CAP_SETUID) | BIT(CAP_DAC_OVERRIDE), perm, BIT(CAP_NET_BIND_SERVICE)));
	CHECK(get(0) == (BIT(CAP_SETUID) | BIT(CAP_DAC_OVERRIDE)), "capset after keepcaps");
	/* the kept CAP_SETUID makes root reachable again */
	CHECK_OK(setresuid(0, 0, 0));
	CHECK(get(0) == get(1), "euid 0 again: effective is permitted");
}

/* Without keepcaps (or after an exec, which clears it) the sets go. */
static void no_keep(void)
{
	CHECK_OK(prctl(PR_SET_KEEPCAPS, 1, 0, 0, 0));
	CHECK_OK(prctl(PR_SET_KEEPCAPS, 0, 0, 0, 0));
	CHECK_OK(setresuid(1000, 1000, 1000));
	CHECK(get(1) == 0 && get(0) == 0, "no keepcaps: capabilities kept");
	CHECK_ERRNO(set(0, BIT(CAP_NET_BIND_SERVICE), 0), EPERM);
}

/* The securebits: CAP_SETPCAP to change any, a locked bit stays. */
static void securebits(void)
{
	CHECK_ERRNO(prctl(PR_SET_SECUREBITS, 1 << 16, 0, 0, 0), EPERM);
	CHECK_OK(prctl(PR_SET_SECUREBITS, SECBIT_KEEP_CAPS | SECBIT_KEEP_CAPS_LOCKED, 0, 0, 0));
	CHECK_ERRNO(prctl(PR_SET_KEEPCAPS, 0, 0, 0, 0), EPERM);
	CHECK_ERRNO(prctl(PR_SET_SECUREBITS, SECBIT_KEEP_CAPS_LOCKED, 0, 0, 0), EPERM);
	CHECK_ERRNO(prctl(PR_SET_SECUREBITS, SECBIT_KEEP_CAPS, 0, 0, 0), EPERM);
	CHECK_OK(prctl(PR_SET_SECUREBITS, SECBIT_KEEP_CAPS | SECBIT_KEEP_CAPS_LOCKED |
			       SECBIT_NOROOT, 0, 0, 0));
	CHECK(prctl(PR_GET_SECUREBITS) == (SECBIT_KEEP_CAPS | SECBIT_KEEP_CAPS_LOCKED |
					    SECBIT_NOROOT), "securebits %#x",
	      prctl(PR_GET_SECUREBITS));
	CHECK_OK(set(get(0) & ~BIT(CAP_SETPCAP), get(1), 0));
	CHECK_ERRNO(prctl(PR_SET_SECUREBITS, SECBIT_KEEP_CAPS | SECBIT_KEEP_CAPS_LOCKED, 0, 0, 0),
		    EPERM);
}

/* exec clears KEEP_CAPS (not its lock): run ourselves with "exec". */
static void keep_across_exec(char *self)
{
	CHECK_OK(prctl(PR_SET_SECUREBITS, SECBIT_KEEP_CAPS | SECBIT_NO_SETUID_FIXUP_LOCKED, 0, 0,
		       0));
	execl(self, self, "exec", (char *)NULL);
	CHECK(0, "exec %s: %s", self, strerror(errno));
}

static void in_child(void (*fn)(void), const char *name)
{
	pid_t c = fork();
	int st;

	CHECK(c >= 0, "fork");
	if (c == 0) {
		fn();
		_exit(0);
	}
	CHECK(waitpid(c, &st, 0) == c && WIFEXITED(st) && WEXITSTATUS(st) == 0,
	      "%s: the child failed (status %#x)", name, st);
}

int main(int argc, char **argv)
{
	if (argc == 2 && !strcmp(argv[1], "exec")) {
		CHECK(prctl(PR_GET_SECUREBITS) == SECBIT_NO_SETUID_FIXUP_LOCKED,
		      "after exec: securebits %#x", prctl(PR_GET_SECUREBITS));
		return 0;
	}
	if (geteuid() != 0) {
		CHECK_ERRNO(prctl(PR_SET_SECUREBITS, SECBIT_NOROOT, 0, 0, 0), EPERM);
		return 0;
	}
	in_child(keep, "keep");
	in_child(no_keep, "no_keep");
	in_child(securebits, "securebits");
	pid_t c = fork();
	int st;

	CHECK(c >= 0, "fork");
	if (c == 0)
		keep_across_exec("/proc/self/exe");
	CHECK(waitpid(c, &st, 0) == c && WIFEXITED(st) && WEXITSTATUS(st) == 0,
	      "keep_across_exec: the child failed (status %#x)", st);
	return 0;
}
