/* PR_SET_KEEPCAPS and the securebits (cap_task_prctl): with KEEPCAPS a
 * process leaving uid 0 keeps its permitted set and may make it effective
 * again with capset (what setpriv --reuid --inh-caps does), exec clears
 * KEEPCAPS, and the securebits' locks hold.  Each case in a child.  Needs
 * root (as another user it checks the EPERMs only). */
#define _GNU_SOURCE
#include <linux/securebits.h>
#include "caps.h"

/* setpriv --reuid=1000 --inh-caps=+net_bind_service: keepcaps, setresuid,
 * capset of the inheritable set (the EPERM of issue 15 without keepcaps). */
static void keep(void)
{
	uint64_t perm = caps().perm;

	CHECK(prctl(PR_GET_KEEPCAPS) == 0, "keepcaps set from the start");
	CHECK_ERRNO(prctl(PR_SET_KEEPCAPS, 2, 0, 0, 0), EINVAL);
	CHECK_OK(prctl(PR_SET_KEEPCAPS, 1, 0, 0, 0));
	CHECK(prctl(PR_GET_KEEPCAPS) == 1, "PR_GET_KEEPCAPS");
	CHECK(prctl(PR_GET_SECUREBITS) == SECBIT_KEEP_CAPS, "securebits %d",
	      prctl(PR_GET_SECUREBITS));
	CHECK_OK(setresuid(1000, 1000, 1000));
	CHECK(caps().perm == perm && caps().eff == 0, "keepcaps: perm %llx eff %llx",
	      (unsigned long long)caps().perm, (unsigned long long)caps().eff);
	CHECK_OK(caps_set(0, perm, BIT(CAP_NET_BIND_SERVICE)));
	CHECK_OK(caps_set(BIT(CAP_SETUID) | BIT(CAP_DAC_OVERRIDE), perm, BIT(CAP_NET_BIND_SERVICE)));
	CHECK(caps().eff == (BIT(CAP_SETUID) | BIT(CAP_DAC_OVERRIDE)), "capset after keepcaps");
	/* the kept CAP_SETUID makes root reachable again */
	CHECK_OK(setresuid(0, 0, 0));
	CHECK(caps().eff == caps().perm, "euid 0 again: effective is permitted");
}

/* Without keepcaps (or after an exec, which clears it) the sets go. */
static void no_keep(void)
{
	CHECK_OK(prctl(PR_SET_KEEPCAPS, 1, 0, 0, 0));
	CHECK_OK(prctl(PR_SET_KEEPCAPS, 0, 0, 0, 0));
	CHECK_OK(setresuid(1000, 1000, 1000));
	CHECK(caps().perm == 0 && caps().eff == 0, "no keepcaps: capabilities kept");
	CHECK_ERRNO(caps_set(0, BIT(CAP_NET_BIND_SERVICE), 0), EPERM);
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
	CHECK_OK(caps_set(caps().eff & ~BIT(CAP_SETPCAP), caps().perm, 0));
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
