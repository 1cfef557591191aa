/* Ambient capabilities (PR_CAP_AMBIENT): raised only within permitted and
 * inheritable, cleared by leaving uid 0 even with KEEPCAPS, refused under
 * SECBIT_NO_CAP_AMBIENT_RAISE, and kept by a non-root exec, where they
 * become the permitted and effective sets.  Each case in a child.  Needs
 * root (as another user it checks the argument errors only). */
#define _GNU_SOURCE
#include <linux/securebits.h>
#include <sys/auxv.h>
#include "caps.h"

#define AMB(op, cap) prctl(PR_CAP_AMBIENT, (op), (cap), 0, 0)
#define WANT (BIT(CAP_NET_BIND_SERVICE) | BIT(CAP_KILL))

static int set_inh(uint64_t inh)
{
	return caps_set(caps().eff, caps().perm, inh);
}

static void args(void)
{
	CHECK_ERRNO(AMB(PR_CAP_AMBIENT_IS_SET, CAP_LAST_CAP + 1), EINVAL);
	CHECK_ERRNO(prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_IS_SET, CAP_KILL, 1, 0), EINVAL);
	CHECK_ERRNO(prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, CAP_KILL, 0, 0), EINVAL);
	CHECK_ERRNO(AMB(99, CAP_KILL), EINVAL);
	CHECK(AMB(PR_CAP_AMBIENT_IS_SET, CAP_KILL) == 0, "ambient set from the start");
	CHECK_OK(AMB(PR_CAP_AMBIENT_LOWER, CAP_KILL));
	CHECK_OK(prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0));
}

static void raise_lower(void)
{
	CHECK_ERRNO(AMB(PR_CAP_AMBIENT_RAISE, CAP_KILL), EPERM);  /* not inheritable */
	CHECK_OK(set_inh(WANT));
	CHECK_OK(AMB(PR_CAP_AMBIENT_RAISE, CAP_KILL));
	CHECK_OK(AMB(PR_CAP_AMBIENT_RAISE, CAP_NET_BIND_SERVICE));
	CHECK(caps().amb == WANT, "ambient %llx", (unsigned long long)caps().amb);
	CHECK_OK(AMB(PR_CAP_AMBIENT_LOWER, CAP_KILL));
	CHECK(caps().amb == BIT(CAP_NET_BIND_SERVICE), "lowered: %llx",
	      (unsigned long long)caps().amb);
	CHECK_OK(prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0));
	CHECK(caps().amb == 0, "cleared: %llx", (unsigned long long)caps().amb);
	/* a securebit forbids raising, not lowering */
	CHECK_OK(AMB(PR_CAP_AMBIENT_RAISE, CAP_KILL));
	CHECK_OK(prctl(PR_SET_SECUREBITS, SECBIT_NO_CAP_AMBIENT_RAISE, 0, 0, 0));
	CHECK_ERRNO(AMB(PR_CAP_AMBIENT_RAISE, CAP_NET_BIND_SERVICE), EPERM);
	CHECK_OK(AMB(PR_CAP_AMBIENT_LOWER, CAP_KILL));
}

/* Leaving uid 0 clears ambient, KEEPCAPS or not. */
static void setuid_clears(void)
{
	CHECK_OK(set_inh(WANT));
	CHECK_OK(AMB(PR_CAP_AMBIENT_RAISE, CAP_KILL));
	CHECK_OK(prctl(PR_SET_KEEPCAPS, 1, 0, 0, 0));
	CHECK_OK(setresuid(1000, 1000, 1000));
	CHECK(caps().amb == 0 && caps().perm != 0, "after setresuid: ambient %llx perm %llx",
	      (unsigned long long)caps().amb, (unsigned long long)caps().perm);
}

/* What setpriv --reuid 1000 --inh-caps +X --ambient-caps +X does, then an
 * exec: the ambient set is all the new program holds. */
static void across_exec(void)
{
	CHECK_OK(prctl(PR_SET_KEEPCAPS, 1, 0, 0, 0));
	CHECK_OK(setresuid(1000, 1000, 1000));
	CHECK_OK(set_inh(WANT));
	CHECK_OK(AMB(PR_CAP_AMBIENT_RAISE, CAP_KILL));
	CHECK_OK(AMB(PR_CAP_AMBIENT_RAISE, CAP_NET_BIND_SERVICE));
	execl("/proc/self/exe", "caps_ambient", "exec", (char *)NULL);
	CHECK(0, "exec: %s", strerror(errno));
}

static void after_exec(void)
{
	struct sets s = caps();

	CHECK(s.amb == WANT && s.perm == WANT && s.eff == WANT && s.inh == WANT,
	      "after exec: amb %llx perm %llx eff %llx inh %llx", (unsigned long long)s.amb,
	      (unsigned long long)s.perm, (unsigned long long)s.eff, (unsigned long long)s.inh);
	CHECK(getauxval(AT_SECURE) == 0, "ambient only: not a secure exec");
	CHECK(prctl(PR_GET_KEEPCAPS) == 0, "exec kept KEEPCAPS");
	CHECK(getuid() == 1000 && geteuid() == 1000, "uids changed by exec");
}

int main(int argc, char **argv)
{
	if (argc == 2 && !strcmp(argv[1], "exec")) {
		after_exec();
		return 0;
	}
	args();
	if (geteuid() != 0)
		return 0;
	in_child(raise_lower, "raise_lower");
	in_child(setuid_clears, "setuid_clears");
	in_child(across_exec, "across_exec");
	return 0;
}
