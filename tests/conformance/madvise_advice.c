/* madvise(2): every advice value Linux 6.1 has is accepted on private
 * anonymous memory (or refused as Linux refuses it), unknown values are
 * EINVAL; MADV_DONTFORK memory is gone in a forked child (it faults there)
 * and in the child's /proc/self/maps, MADV_DOFORK brings it back;
 * MADV_WIPEONFORK memory reads as zero in the child only; MADV_DONTNEED of
 * locked memory is EINVAL; MADV_HWPOISON needs CAP_SYS_ADMIN (or the
 * kernel has no memory-failure support: EINVAL). */
#define _GNU_SOURCE
#include <setjmp.h>
#include <signal.h>
#include <stdint.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include "check.h"

#ifndef MADV_COLLAPSE
#define MADV_COLLAPSE 25
#endif

static sigjmp_buf jb;

static void on_segv(int sig)
{
	(void)sig;
	siglongjmp(jb, 1);
}

/* In a forked child: 0 if *p reads as want, 1 if it faults, 2 otherwise. */
static int child_reads(volatile unsigned char *p, unsigned char want)
{
	pid_t pid = fork();
	int st;

	CHECK(pid >= 0, "fork");
	if (!pid) {
		signal(SIGSEGV, on_segv);
		if (sigsetjmp(jb, 1))
			_exit(1);
		_exit(*p == want ? 0 : 2);
	}
	CHECK(waitpid(pid, &st, 0) == pid && WIFEXITED(st), "child");
	return WEXITSTATUS(st);
}

/* Is addr in a mapping of the child's /proc/self/maps? 0 yes, 1 no. */
static int child_maps(uintptr_t addr)
{
	pid_t pid = fork();
	int st;

	CHECK(pid >= 0, "fork");
	if (!pid) {
		char line[512];
		FILE *f = fopen("/proc/self/maps", "r");
		uintptr_t lo, hi;

		while (f && fgets(line, sizeof(line), f))
			if (sscanf(line, "%lx-%lx", &lo, &hi) == 2 && lo <= addr && addr < hi)
				_exit(0);
		_exit(1);
	}
	CHECK(waitpid(pid, &st, 0) == pid && WIFEXITED(st), "child");
	return WEXITSTATUS(st);
}

int main(void)
{
	unsigned char *p = mmap(NULL, 4 * PAGE, PROT_READ | PROT_WRITE,
				MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	static const int ok[] = { MADV_NORMAL, MADV_RANDOM, MADV_SEQUENTIAL, MADV_WILLNEED,
				  MADV_FREE, MADV_DONTFORK, MADV_DOFORK, MADV_DONTDUMP,
				  MADV_DODUMP, MADV_WIPEONFORK, MADV_KEEPONFORK, MADV_COLD,
				  MADV_PAGEOUT, MADV_POPULATE_READ, MADV_POPULATE_WRITE,
				  MADV_DONTNEED_LOCKED, MADV_DONTNEED };

	CHECK(p != MAP_FAILED, "mmap");
	for (size_t i = 0; i < sizeof(ok) / sizeof(ok[0]); i++)
		CHECK_OK(madvise(p, 4 * PAGE, ok[i]));
	/* these depend on the host's configuration (KSM, THP): either works
	 * or says EINVAL, but never something else */
	static const int maybe[] = { MADV_MERGEABLE, MADV_UNMERGEABLE, MADV_HUGEPAGE,
				     MADV_NOHUGEPAGE, MADV_COLLAPSE };
	for (size_t i = 0; i < sizeof(maybe) / sizeof(maybe[0]); i++) {
		errno = 0;
		int r = madvise(p, 4 * PAGE, maybe[i]);
		CHECK(r == 0 || errno == EINVAL || errno == EAGAIN, "advice %d: %s", maybe[i],
		      strerror(errno));
	}
	CHECK_ERRNO(madvise(p, PAGE, MADV_REMOVE), EINVAL);   /* private memory */
	CHECK_ERRNO(madvise(p, PAGE, 5), EINVAL);
	CHECK_ERRNO(madvise(p, PAGE, 99), EINVAL);
	CHECK_ERRNO(madvise(p, PAGE, 200), EINVAL);
	CHECK_ERRNO(madvise(p, (size_t)-1, MADV_NORMAL), EINVAL);

	memset(p, 7, 4 * PAGE);
	CHECK_OK(madvise(p + PAGE, PAGE, MADV_DONTFORK));
	CHECK(child_reads(p, 7) == 0, "page 0 is inherited");
	CHECK(child_reads(p + PAGE, 7) == 1, "a MADV_DONTFORK page is there in the child");
	CHECK(child_maps((uintptr_t)(p + PAGE)) == 1, "child's maps show a DONTFORK page");
	CHECK(child_maps((uintptr_t)p) == 0, "child's maps lost page 0");
	CHECK_OK(madvise(p + PAGE, PAGE, MADV_DOFORK));
	CHECK(child_reads(p + PAGE, 7) == 0, "MADV_DOFORK");

	CHECK_OK(madvise(p + 2 * PAGE, PAGE, MADV_WIPEONFORK));
	CHECK(child_reads(p + 2 * PAGE, 0) == 0, "MADV_WIPEONFORK: the child reads zero");
	CHECK(p[2 * PAGE] == 7, "MADV_WIPEONFORK changed the parent");
	CHECK_OK(madvise(p + 2 * PAGE, PAGE, MADV_KEEPONFORK));
	CHECK(child_reads(p + 2 * PAGE, 7) == 0, "MADV_KEEPONFORK");

	CHECK_OK(mlock(p + 3 * PAGE, PAGE));
	CHECK_ERRNO(madvise(p + 3 * PAGE, PAGE, MADV_DONTNEED), EINVAL);
	CHECK(p[3 * PAGE] == 7, "locked memory was dropped");
	CHECK_OK(munlock(p + 3 * PAGE, PAGE));

	pid_t pid = fork();
	int st;
	CHECK(pid >= 0, "fork");
	if (!pid) {
		/* without CAP_SYS_ADMIN (as an unprivileged user) */
		if (setresuid(65534, 65534, 65534))
			_exit(3);
		/* EINVAL: a kernel without CONFIG_MEMORY_FAILURE */
		_exit(madvise(p, PAGE, MADV_HWPOISON) == -1 &&
		      (errno == EPERM || errno == EINVAL) ? 0 : 1);
	}
	CHECK(waitpid(pid, &st, 0) == pid && WIFEXITED(st) && !WEXITSTATUS(st),
	      "MADV_HWPOISON without CAP_SYS_ADMIN: %d", WEXITSTATUS(st));
	return 0;
}
