/* What set*uid does to the capability sets (cap_emulate_setxuid and the
 * fsuid rule of commoncap.c) and which ids an unprivileged process may take
 * (kernel/sys.c), each case in a child of its own.  Needs root (as another
 * user it checks only that it may not become root). */
#define _GNU_SOURCE
#include <grp.h>
#include <sys/fsuid.h>
#include "caps.h"

/* the capabilities that follow fsuid (CAP_FS_MASK) */
#define FS_MASK (BIT(CAP_CHOWN) | BIT(CAP_MKNOD) | BIT(CAP_DAC_OVERRIDE) | \
		 BIT(CAP_DAC_READ_SEARCH) | BIT(CAP_FOWNER) | BIT(CAP_FSETID) | \
		 BIT(CAP_LINUX_IMMUTABLE) | BIT(CAP_MAC_OVERRIDE))

static void ids(uid_t r, uid_t e, uid_t s)
{
	uid_t gr, ge, gs;

	CHECK_OK(getresuid(&gr, &ge, &gs));
	CHECK(gr == r && ge == e && gs == s, "uids %u %u %u, want %u %u %u", gr, ge, gs, r, e, s);
}

/* Leaving uid 0 everywhere drops permitted and effective; seteuid only
 * effective, and back to 0 restores it from permitted. */
static void leave_root(void)
{
	uint64_t full = caps().perm;

	CHECK_OK(setresuid(-1, 1000, -1));
	CHECK(caps().eff == 0 && caps().perm == full, "seteuid(1000): eff %llx perm %llx",
	      (unsigned long long)caps().eff, (unsigned long long)caps().perm);
	CHECK(prctl(PR_GET_DUMPABLE) == 0, "a changed euid leaves the process dumpable");
	CHECK_OK(setresuid(-1, 0, -1));
	CHECK(caps().eff == full, "seteuid(0) did not restore effective");
	CHECK_OK(setresuid(1000, 1000, 0));     /* the saved uid is still 0 */
	CHECK(caps().perm == full && caps().eff == 0, "saved uid 0 kept permitted");
	CHECK_OK(setresuid(-1, 0, -1));
	CHECK(caps().eff == full, "back to euid 0 from the saved uid");
	CHECK_OK(setuid(1000));                 /* privileged: all three */
	ids(1000, 1000, 1000);
	CHECK(caps().eff == 0 && caps().perm == 0, "setuid(1000) kept capabilities");
	CHECK_ERRNO(setuid(0), EPERM);
	CHECK_ERRNO(setresuid(-1, 0, -1), EPERM);
}

/* Unprivileged: setuid takes the real or saved uid (not the effective
 * one), setreuid and setresuid any of the three; no-ops always succeed. */
static void unprivileged(void)
{
	CHECK_OK(setresuid(1000, 2000, 3000));
	CHECK(caps().perm == 0, "no uid 0 left, permitted kept");
	CHECK_ERRNO(setuid(2000), EPERM);
	CHECK_ERRNO(setuid(4000), EPERM);
	CHECK_OK(setuid(3000));
	ids(1000, 3000, 3000);
	CHECK_OK(setresuid(1000, 3000, 3000));  /* nothing changes: fine */
	CHECK_ERRNO(setresuid(-1, -1, 4000), EPERM);
	/* setreuid: a new effective uid other than the real one moves the
	 * saved one; a new real uid moves it too */
	CHECK_OK(setreuid(-1, 1000));
	ids(1000, 1000, 3000);
	CHECK_OK(setreuid(-1, 3000));
	ids(1000, 3000, 3000);
	CHECK_OK(setreuid(3000, -1));
	ids(3000, 3000, 3000);
	CHECK_ERRNO(setreuid(1000, -1), EPERM);
	CHECK_ERRNO(setuid(-1), EINVAL);
	CHECK_ERRNO(setreuid(-1, 0), EPERM);
}

/* fsuid: the file-system capabilities leave effective with fsuid 0 and
 * come back with it; setfsuid returns the old fsuid, allowed or not. */
static void fsuid(void)
{
	uint64_t full = caps().eff;

	CHECK(setfsuid(1000) == 0, "setfsuid: old fsuid");
	CHECK(caps().eff == (full & ~FS_MASK), "fsuid 1000: eff %llx",
	      (unsigned long long)caps().eff);
	CHECK(caps().perm == full, "fsuid changed permitted");
	CHECK((int)setfsuid(0) == 1000, "setfsuid: old fsuid 1000");
	CHECK(caps().eff == full, "fsuid 0 did not restore the fs capabilities");
	CHECK_OK(setresgid(1000, 1000, 1000));
	CHECK_OK(setresuid(1000, 1000, 1000));
	CHECK((int)setfsuid(0) == 1000 && (int)setfsuid(-1) == 1000,
	      "an unprivileged setfsuid(0) took");
	CHECK((int)setfsgid(2000) == 1000 && (int)setfsgid(-1) == 1000, "a foreign fsgid took");
}

/* SECBIT_NO_SETUID_FIXUP: the sets stay as they are whatever the uids do. */
static void no_fixup(void)
{
	uint64_t full = caps().perm;

	CHECK_OK(prctl(PR_SET_SECUREBITS, 1 << 2 /* SECBIT_NO_SETUID_FIXUP */, 0, 0, 0));
	CHECK_OK(setresuid(1000, 1000, 1000));
	CHECK(caps().eff == full && caps().perm == full, "NO_SETUID_FIXUP: caps dropped");
	/* with CAP_SETUID still effective, root is one call away */
	CHECK_OK(setresuid(0, 0, 0));
}

/* The gid calls need CAP_SETGID and move no capability. */
static void gids(void)
{
	uint64_t full = caps().eff;
	gid_t r, e, s;

	CHECK_OK(setresgid(1000, 1000, 1000));
	CHECK(caps().eff == full, "setresgid changed capabilities");
	CHECK_OK(setgid(0));
	CHECK_OK(getresgid(&r, &e, &s));
	CHECK(r == 0 && e == 0 && s == 0, "setgid(0) as root: %u %u %u", r, e, s);
	CHECK_OK(setresuid(1000, 1000, 1000));
	CHECK_OK(setregid(-1, 0));
	CHECK_ERRNO(setgid(1000), EPERM);
	CHECK_ERRNO(setgroups(0, NULL), EPERM);
}

int main(void)
{
	if (geteuid() != 0) {
		CHECK_ERRNO(setuid(0), EPERM);
		return 0;
	}
	in_child(leave_root, "leave_root");
	in_child(unprivileged, "unprivileged");
	in_child(fsuid, "fsuid");
	in_child(no_fixup, "no_fixup");
	in_child(gids, "gids");
	CHECK(getuid() == 0 && geteuid() == 0, "the parent's uids changed");
	return 0;
}
