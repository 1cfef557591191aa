/* Process and credential IDs are consistent with each other. */
#include "check.h"

int main(void)
{
	long pid = syscall(SYS_getpid), tid = syscall(SYS_gettid);
	CHECK(pid > 0, "getpid = %ld", pid);
	CHECK(tid == pid, "single-threaded: gettid %ld != getpid %ld", tid, pid);
	long ppid = syscall(SYS_getppid);
	CHECK(ppid >= 0 && ppid != pid, "getppid = %ld (pid %ld)", ppid, pid);

	uid_t r = 1, e = 1, s = 1;
	CHECK(syscall(SYS_getresuid, &r, &e, &s) == 0, "getresuid: %s", strerror(errno));
	CHECK(r == (uid_t)syscall(SYS_getuid), "ruid %u vs getuid", r);
	CHECK(e == (uid_t)syscall(SYS_geteuid), "euid %u vs geteuid", e);

	gid_t rg = 1, eg = 1, sg = 1;
	CHECK(syscall(SYS_getresgid, &rg, &eg, &sg) == 0, "getresgid: %s", strerror(errno));
	CHECK(rg == (gid_t)syscall(SYS_getgid), "rgid %u vs getgid", rg);
	CHECK(eg == (gid_t)syscall(SYS_getegid), "egid %u vs getegid", eg);

	CHECK_ERRNO(syscall(SYS_getresuid, KERNEL_PTR, &e, &s), EFAULT);
	CHECK_ERRNO(syscall(SYS_getresgid, &rg, &eg, KERNEL_PTR), EFAULT);
	return 0;
}
