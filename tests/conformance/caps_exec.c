/* The credentials execve gives (cap_bprm_creds_from_file, bprm_fill_uid):
 * root's permitted set is bounding | inheritable unless SECBIT_NOROOT,
 * effective only with an effective uid 0; a set-user-ID-root program run
 * by another user gets root's sets and AT_SECURE; set-group-ID needs group
 * execute; no_new_privs ignores both; ambient capabilities go with a
 * set-id exec.  Each case forks, sets up, and execs a copy of this program
 * in /tmp that checks what it was given.  Needs root. */
#define _GNU_SOURCE
#include <fcntl.h>
#include <grp.h>
#include <linux/securebits.h>
#include <sys/auxv.h>
#include <sys/stat.h>
#include "caps.h"

static char copy[64];           /* the set-id copy of this program */

static void set_inh(uint64_t inh)
{
	CHECK(caps_set(caps().eff, caps().perm, inh) == 0, "capset: %s", strerror(errno));
}

static void run(const char *prog, const char *mode)
{
	execl(prog, prog, mode, (char *)NULL);
	CHECK(0, "exec %s: %s", prog, strerror(errno));
}

static void ids(uid_t r, uid_t e, uid_t s, gid_t eg)
{
	uid_t gr, ge, gs;
	gid_t a, b, c;

	CHECK_OK(getresuid(&gr, &ge, &gs));
	CHECK_OK(getresgid(&a, &b, &c));
	CHECK(gr == r && ge == e && gs == s, "uids %u %u %u, want %u %u %u", gr, ge, gs, r, e, s);
	CHECK(b == eg && c == eg, "egid %u sgid %u, want %u", b, c, eg);
}

/* The checks, in the exec'd program. */
static void after(const char *mode)
{
	struct sets s = caps();
	unsigned long secure = getauxval(AT_SECURE);

	if (!strcmp(mode, "root")) {                    /* bounding | inheritable */
		CHECK(s.perm == (s.bnd | BIT(CAP_SYSLOG)) && s.eff == s.perm,
		      "root: perm %llx eff %llx bnd %llx", (unsigned long long)s.perm,
		      (unsigned long long)s.eff, (unsigned long long)s.bnd);
		CHECK(!(s.bnd & BIT(CAP_SYSLOG)), "CAP_SYSLOG still bounding");
		CHECK(!secure, "root: AT_SECURE");
	} else if (!strcmp(mode, "noroot")) {
		CHECK(s.perm == 0 && s.eff == 0, "SECBIT_NOROOT: perm %llx",
		      (unsigned long long)s.perm);
		CHECK(!secure, "noroot: AT_SECURE");
	} else if (!strcmp(mode, "euid0")) {            /* ruid 1000, euid 0 */
		ids(1000, 0, 0, 0);
		CHECK(s.perm == s.bnd && s.eff == s.perm, "euid 0: perm %llx eff %llx",
		      (unsigned long long)s.perm, (unsigned long long)s.eff);
		CHECK(secure, "euid 0, ruid 1000: no AT_SECURE");
	} else if (!strcmp(mode, "ruid0")) {            /* ruid 0, euid 1000 */
		ids(0, 1000, 1000, 0);
		CHECK(s.perm == s.bnd && s.eff == 0, "ruid 0: perm %llx eff %llx",
		      (unsigned long long)s.perm, (unsigned long long)s.eff);
		CHECK(secure, "ruid 0, euid 1000: no AT_SECURE");
	} else if (!strcmp(mode, "suid")) {             /* set-user-ID root, by 1000 */
		ids(1000, 0, 0, 1000);
		CHECK(s.perm == s.bnd && s.eff == s.perm && s.amb == 0,
		      "set-uid root: perm %llx eff %llx amb %llx", (unsigned long long)s.perm,
		      (unsigned long long)s.eff, (unsigned long long)s.amb);
		CHECK(secure, "set-uid root: no AT_SECURE");
		CHECK(prctl(PR_GET_DUMPABLE) == 0, "set-uid root: dumpable");
	} else if (!strcmp(mode, "nnp")) {              /* the same with no_new_privs */
		ids(1000, 1000, 1000, 1000);
		CHECK(s.perm == 0 && s.eff == 0, "no_new_privs: perm %llx",
		      (unsigned long long)s.perm);
		CHECK(!secure, "no_new_privs: AT_SECURE");
		CHECK(prctl(PR_GET_NO_NEW_PRIVS, 0, 0, 0, 0) == 1, "no_new_privs lost by exec");
	} else if (!strcmp(mode, "sgid")) {             /* set-group-ID 0, by 1000:1000 */
		ids(1000, 1000, 1000, 0);
		CHECK(s.perm == 0, "set-gid: perm %llx", (unsigned long long)s.perm);
		CHECK(secure, "set-gid: no AT_SECURE");
	} else if (!strcmp(mode, "sgid-noexec")) {      /* no group execute: ignored */
		ids(1000, 1000, 1000, 1000);
		CHECK(!secure, "set-gid without group execute: AT_SECURE");
	} else if (!strcmp(mode, "own-suid")) {         /* set-uid to oneself */
		ids(1000, 1000, 1000, 1000);
		CHECK(s.perm == BIT(CAP_KILL) && s.amb == BIT(CAP_KILL), "own set-uid: ambient lost");
		CHECK(!secure, "own set-uid: AT_SECURE");
	} else {
		CHECK(0, "unknown mode %s", mode);
	}
}

/* A copy of this program owned by root:root with mode m. */
static void make_copy(mode_t m)
{
	char buf[65536];
	int in = open("/proc/self/exe", O_RDONLY), out;
	ssize_t n;

	snprintf(copy, sizeof(copy), "/tmp/caps_exec.%d", getpid());
	out = open(copy, O_WRONLY | O_CREAT | O_TRUNC, 0700);
	CHECK(in >= 0 && out >= 0, "copy: %s", strerror(errno));
	while ((n = read(in, buf, sizeof(buf))) > 0)
		CHECK(write(out, buf, (size_t)n) == n, "copy: %s", strerror(errno));
	close(in);
	close(out);
	CHECK_OK(chown(copy, 0, 0));
	CHECK_OK(chmod(copy, m));
}

static void become(uid_t uid, gid_t gid)
{
	CHECK_OK(setgroups(0, NULL));
	CHECK_OK(setresgid(gid, gid, gid));
	CHECK_OK(setresuid(uid, uid, uid));
}

static pid_t start(void)
{
	pid_t c = fork();

	CHECK(c >= 0, "fork");
	return c;
}

static void wait_ok(pid_t c, const char *name)
{
	int st;

	CHECK(waitpid(c, &st, 0) == c && WIFEXITED(st) && WEXITSTATUS(st) == 0,
	      "%s: the exec'd program failed (status %#x)", name, st);
}

int main(int argc, char **argv)
{
	pid_t c;

	if (argc == 2) {
		after(argv[1]);
		return 0;
	}
	if (geteuid() != 0)
		return 0;
	if (!(c = start())) {
		set_inh(BIT(CAP_SYSLOG));
		CHECK_OK(prctl(PR_CAPBSET_DROP, CAP_SYSLOG, 0, 0, 0));
		run("/proc/self/exe", "root");
	}
	wait_ok(c, "root");
	if (!(c = start())) {
		CHECK_OK(prctl(PR_SET_SECUREBITS, SECBIT_NOROOT, 0, 0, 0));
		run("/proc/self/exe", "noroot");
	}
	wait_ok(c, "noroot");
	if (!(c = start())) {
		CHECK_OK(setresuid(1000, 0, 0));
		run("/proc/self/exe", "euid0");
	}
	wait_ok(c, "euid0");
	if (!(c = start())) {
		CHECK_OK(setresuid(0, 1000, 1000));
		run("/proc/self/exe", "ruid0");
	}
	wait_ok(c, "ruid0");

	make_copy(04755);
	if (!(c = start())) {
		become(1000, 1000);
		run(copy, "suid");
	}
	wait_ok(c, "suid");
	if (!(c = start())) {
		become(1000, 1000);
		CHECK_OK(prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0));
		run(copy, "nnp");
	}
	wait_ok(c, "nnp");
	CHECK_OK(chmod(copy, 02755));
	if (!(c = start())) {
		become(1000, 1000);
		run(copy, "sgid");
	}
	wait_ok(c, "sgid");
	CHECK_OK(chmod(copy, 02745));
	if (!(c = start())) {
		become(1000, 1000);
		run(copy, "sgid-noexec");
	}
	wait_ok(c, "sgid-noexec");
	/* set-uid to the caller's own uid is no set-id exec: ambient stays */
	CHECK_OK(chown(copy, 1000, 1000));
	CHECK_OK(chmod(copy, 04755));
	if (!(c = start())) {
		CHECK_OK(prctl(PR_SET_KEEPCAPS, 1, 0, 0, 0));
		become(1000, 1000);
		set_inh(BIT(CAP_KILL));
		CHECK_OK(prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_RAISE, CAP_KILL, 0, 0));
		run(copy, "own-suid");
	}
	wait_ok(c, "own-suid");
	CHECK_OK(unlink(copy));
	return 0;
}
