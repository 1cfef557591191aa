/* Dropping privileges in a child: setgroups, setresgid and setresuid to
 * an unprivileged user take effect (getres*id), the capabilities are gone
 * (capget), and the way back (setuid 0, setgroups) is EPERM. The parent
 * keeps its ids. Needs root; as another user it checks only the EPERMs. */
#define _GNU_SOURCE
#include <grp.h>
#include <linux/capability.h>
#include <sys/wait.h>
#include "check.h"

static int child(void)
{
	uid_t r, e, s;
	gid_t rg, eg, sg, g = 1;
	if (setgroups(1, (gid_t[]){ 1000 }) || setresgid(1000, 1001, 1002) ||
	    setresuid(1000, 1001, 1002))
		return 2;
	if (getresuid(&r, &e, &s) || r != 1000 || e != 1001 || s != 1002)
		return 3;
	if (getresgid(&rg, &eg, &sg) || rg != 1000 || eg != 1001 || sg != 1002)
		return 4;
	if (getgroups(1, &g) != 1 || g != 1000)
		return 5;
	struct __user_cap_header_struct h = { _LINUX_CAPABILITY_VERSION_3, 0 };
	struct __user_cap_data_struct d[2];
	if (syscall(SYS_capget, &h, d) || d[0].effective || d[0].permitted)
		return 6; /* all caps lost when no uid is 0 any more */
	if (setuid(0) != -1 || errno != EPERM)
		return 7;
	if (setgroups(0, NULL) != -1 || errno != EPERM)
		return 8;
	/* Unprivileged: may switch among its own real/effective/saved ids. */
	if (setresuid(1002, 1000, -1) || getresuid(&r, &e, &s) || r != 1002 || e != 1000)
		return 9;
	if (setresuid(5, -1, -1) != -1 || errno != EPERM)
		return 10;
	return 0;
}

int main(void)
{
	if (geteuid() != 0) {
		CHECK_ERRNO(setuid(0), EPERM);
		CHECK_ERRNO(setgroups(0, NULL), EPERM);
		return 0;
	}
	/* the list is read before its length is judged: a bad pointer is
	 * EFAULT for any count up to NGROUPS_MAX, past it EINVAL */
	CHECK_ERRNO(setgroups(40, KERNEL_PTR), EFAULT);
	CHECK_ERRNO(setgroups(65537, KERNEL_PTR), EINVAL);
	pid_t c = fork();
	CHECK(c >= 0, "fork");
	if (c == 0)
		_exit(child());
	int st;
	CHECK(waitpid(c, &st, 0) == c, "waitpid");
	CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 0, "child exit %d (2: set*id failed, "
	      "3/4/5: ids read back wrong, 6: caps kept, 7/8: could regain root, "
	      "9: could not swap own ids, 10: could take a foreign uid)", WEXITSTATUS(st));
	CHECK(getuid() == 0 && geteuid() == 0, "the parent's uid changed");
	return 0;
}
