/* mlock, mlock2, munlock, mlockall, munlockall: VmLck in /proc/self/status
 * follows them, RLIMIT_MEMLOCK bounds them without CAP_IPC_LOCK (ENOMEM,
 * EPERM at 0), holes are ENOMEM, bad flags EINVAL; a child does not
 * inherit locks.  msync: flags, alignment, holes, MS_SYNC of a shared file
 * mapping; mincore: touched pages resident, holes and bad vectors. */
#define _GNU_SOURCE
#include <fcntl.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include "check.h"

static long vmlck_kb(void)
{
	char line[256];
	long kb = -1;
	FILE *f = fopen("/proc/self/status", "r");

	CHECK(f, "open status");
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "VmLck: %ld kB", &kb) == 1)
			break;
	fclose(f);
	return kb;
}

static void check_mlock(char *p)
{
	long base = vmlck_kb();

	CHECK(base >= 0, "no VmLck line");
	/* an unaligned start locks the whole pages it touches: 2 here */
	CHECK_OK(mlock(p + 100, PAGE));
	CHECK(vmlck_kb() == base + 8, "VmLck %ld after mlock, want %ld", vmlck_kb(), base + 8);
	CHECK_OK(mlock(p, 2 * PAGE));           /* locking again counts once */
	CHECK(vmlck_kb() == base + 8, "relock counted twice");
	CHECK_OK(syscall(SYS_mlock2, p + 4 * PAGE, PAGE, MLOCK_ONFAULT));
	CHECK(vmlck_kb() == base + 12, "mlock2");
	CHECK_ERRNO(syscall(SYS_mlock2, p, PAGE, 0x100), EINVAL);
	CHECK_OK(munlock(p, 8 * PAGE));
	CHECK(vmlck_kb() == base, "munlock");
	/* page 8 is a hole (Linux may have locked page 7 by then) */
	CHECK_ERRNO(mlock(p + 7 * PAGE, 2 * PAGE), ENOMEM);
	CHECK_ERRNO(munlock(p + 7 * PAGE, 2 * PAGE), ENOMEM);
	CHECK_OK(munlock(p, 8 * PAGE));
	CHECK(vmlck_kb() == base, "munlock after a failed mlock");
	CHECK_OK(mlock(p, 0));
	CHECK_ERRNO(mlock((void *)(-2 * PAGE), 4 * PAGE), EINVAL);   /* wraps */

	CHECK_ERRNO(mlockall(0), EINVAL);
	CHECK_ERRNO(mlockall(MCL_ONFAULT), EINVAL);
	CHECK_ERRNO(mlockall(0x100 | MCL_CURRENT), EINVAL);
	CHECK_OK(mlockall(MCL_CURRENT));
	CHECK(vmlck_kb() > base + 32, "mlockall(MCL_CURRENT) locked %ld kB", vmlck_kb());
	int st;
	pid_t pid = fork();
	CHECK(pid >= 0, "fork");
	if (!pid)
		_exit(vmlck_kb() == 0 ? 0 : 1);
	CHECK(waitpid(pid, &st, 0) == pid && WIFEXITED(st) && !WEXITSTATUS(st),
	      "a child inherited memory locks");
	CHECK_OK(munlockall());
	CHECK(vmlck_kb() == 0, "munlockall left %ld kB", vmlck_kb());
	CHECK_OK(mlockall(MCL_FUTURE));
	char *q = mmap(NULL, 3 * PAGE, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	CHECK(q != MAP_FAILED, "mmap");
	CHECK(vmlck_kb() == 12, "MCL_FUTURE: a new mapping is locked (%ld kB)", vmlck_kb());
	CHECK_OK(munlockall());
	CHECK(vmlck_kb() == 0, "munlockall after MCL_FUTURE");
	munmap(q, 3 * PAGE);
}

/* Without CAP_IPC_LOCK: RLIMIT_MEMLOCK of 4 pages, then 0. */
static int limited(char *p)
{
	struct rlimit four = { 4 * PAGE, 4 * PAGE }, zero = { 0, 0 };

	if (setrlimit(RLIMIT_MEMLOCK, &four) || setresgid(65534, 65534, 65534) ||
	    setresuid(65534, 65534, 65534))
		return 10;
	if (mlock(p, 4 * PAGE))
		return 11;
	if (mlock(p + 4 * PAGE, PAGE) != -1 || errno != ENOMEM)
		return 12;
	if (mlock(p, 2 * PAGE))
		return 13;      /* already locked: within the limit */
	if (mlockall(MCL_CURRENT) != -1 || errno != ENOMEM)
		return 14;
	if (munlock(p, 4 * PAGE) || setrlimit(RLIMIT_MEMLOCK, &zero))
		return 15;
	if (mlock(p, PAGE) != -1 || errno != EPERM)
		return 16;
	if (mlockall(MCL_CURRENT) != -1 || errno != EPERM)
		return 17;
	return 0;
}

static void check_msync_mincore(char *p)
{
	unsigned char vec[8];
	char path[] = "/tmp/cvisor-msync-XXXXXX";
	int fd;

	/* before the file mapping below, which may land in the hole */
	CHECK_ERRNO(msync(p + 7 * PAGE, 2 * PAGE, MS_SYNC), ENOMEM);
	fd = mkstemp(path);

	CHECK(fd >= 0, "mkstemp: %s", strerror(errno));
	unlink(path);
	CHECK_OK(ftruncate(fd, PAGE));
	char *m = mmap(NULL, PAGE, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	CHECK(m != MAP_FAILED, "mmap file");
	memcpy(m, "synced", 6);
	CHECK_OK(msync(m, PAGE, MS_SYNC));
	char back[7] = { 0 };
	CHECK(pread(fd, back, 6, 0) == 6 && !strcmp(back, "synced"), "msync data");
	CHECK_OK(msync(m, PAGE, MS_ASYNC));
	CHECK_OK(msync(m, 10, MS_INVALIDATE));
	CHECK_OK(msync(m, 0, MS_SYNC));
	CHECK_ERRNO(msync(m + 1, PAGE, MS_SYNC), EINVAL);
	CHECK_ERRNO(msync(m, PAGE, MS_SYNC | MS_ASYNC), EINVAL);
	CHECK_ERRNO(msync(m, PAGE, 0x100), EINVAL);
	CHECK_OK(mlock(p, PAGE));
	CHECK_ERRNO(msync(p, PAGE, MS_INVALIDATE), EBUSY);
	CHECK_OK(munlock(p, PAGE));
	munmap(m, PAGE);
	close(fd);

	p[0] = 1;
	p[PAGE] = 1;
	BARRIER();
	memset(vec, 0x55, sizeof(vec));
	CHECK_OK(mincore(p, 2 * PAGE, vec));
	CHECK((vec[0] & 1) && (vec[1] & 1) && vec[2] == 0x55, "mincore %x %x %x",
	      vec[0], vec[1], vec[2]);
	CHECK_OK(mincore(p, 0, vec));
	CHECK_ERRNO(mincore(p + 1, PAGE, vec), EINVAL);
	CHECK_ERRNO(mincore(p + 7 * PAGE, 2 * PAGE, vec), ENOMEM);
	CHECK_ERRNO(mincore(p, PAGE, KERNEL_PTR), EFAULT);
}

int main(void)
{
	/* 8 pages and a hole after them */
	char *p = mmap(NULL, 9 * PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS,
		       -1, 0);
	int st;

	CHECK(p != MAP_FAILED, "mmap");
	CHECK_OK(munmap(p + 8 * PAGE, PAGE));
	check_mlock(p);
	check_msync_mincore(p);
	pid_t pid = fork();
	CHECK(pid >= 0, "fork");
	if (!pid)
		_exit(limited(p));
	CHECK(waitpid(pid, &st, 0) == pid && WIFEXITED(st), "limited child");
	CHECK(!WEXITSTATUS(st), "RLIMIT_MEMLOCK check %d failed", WEXITSTATUS(st));
	return 0;
}
