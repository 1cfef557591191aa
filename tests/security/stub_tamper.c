/*
 * Tampering with the stub region from application code (issue 12: "tampering
 * with its pages", kept as a regression test).  The sentry's memory manager
 * must refuse every change to the region (DESIGN.md §3), and its read-only
 * pages must stay read-only.  Only the sandbox has a stub: this runs under
 * cvisor.
 *
 *   stub_tamper
 *
 * For each part of the region (code, global page, request and response
 * pages, the set-up stack's place, this thread's sysmsg page and signal
 * stack, another thread's, the unused reservation, the whole region, ranges
 * that straddle its ends) it tries mprotect, munmap, mremap (of the part,
 * and of application memory onto it), madvise(DONTNEED), mmap(MAP_FIXED)
 * and MAP_FIXED_NOREPLACE, an mmap hint, brk, and writes through
 * /proc/self/mem and process_vm_writev.  Every one must fail (a hint must
 * land outside).  Then writes to the code, global and request pages must
 * fault, the code must be unchanged, and both threads still work.
 *
 * One line per refusal, "ok OP PART: errno"; "FAIL ..." for anything that
 * went through; last line "done N".  Exit 1 on any failure.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <setjmp.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <unistd.h>

#include "../../src/common/stub_abi.h"

struct part {
	const char *name;
	uint64_t addr, len;
};

static const struct part parts[] = {
	{ "code", STUB_CODE, STUB_CODE_SIZE },
	{ "code-page", STUB_CODE, 0x1000 },
	{ "global", STUB_GLOBAL, STUB_GLOBAL_SIZE },
	{ "request", STUB_CTL_REQ, 0x1000 },
	{ "response", STUB_CTL_RESP, 0x1000 },
	{ "init-stack", STUB_INIT_STACK, STUB_INIT_STACK_SIZE },
	{ "own-sysmsg", STUB_SLOT_MSG(0), 0x1000 },
	{ "own-sigstack", STUB_SLOT_STACK(0), STUB_SIGSTACK_SIZE },
	{ "sibling-sysmsg", STUB_SLOT_MSG(1), 0x1000 },
	{ "sibling-sigstack", STUB_SLOT_STACK(1), STUB_SIGSTACK_SIZE },
	{ "reserved", STUB_END - 0x100000, 0x100000 },
	{ "whole", STUB_BASE, STUB_SIZE },
	{ "below-start", STUB_BASE - 0x1000, 0x2000 },
	{ "past-end", STUB_END - 0x1000, 0x2000 },
};

static int failures, refusals;
static sigjmp_buf jb;
static volatile int stop;
static volatile long sibling_calls;

static void on_segv(int sig)
{
	siglongjmp(jb, sig);
}

/* A sibling thread, so that slot 1 is a live thread's. */
static void *sibling(void *arg)
{
	(void)arg;
	while (!stop) {
		syscall(SYS_getppid);
		sibling_calls++;
	}
	return NULL;
}

static void expect_fail(const char *op, const struct part *p, long ret)
{
	if (ret == -1) {
		printf("ok %s %s: %s\n", op, p->name, strerror(errno));
		refusals++;
	} else {
		printf("FAIL %s %s: returned %#lx\n", op, p->name, ret);
		failures++;
	}
}

static void try_part(const struct part *p, char *app, int memfd)
{
	struct iovec l = { app, 8 }, r = { (void *)p->addr, 8 };
	void *m;

	errno = 0;
	expect_fail("mprotect", p, mprotect((void *)p->addr, p->len, PROT_READ | PROT_WRITE | PROT_EXEC));
	expect_fail("munmap", p, munmap((void *)p->addr, p->len));
	expect_fail("mremap", p, (long)mremap((void *)p->addr, p->len, p->len, MREMAP_MAYMOVE));
	expect_fail("mremap-onto", p, (long)mremap(app, 0x1000, p->len,
						    MREMAP_MAYMOVE | MREMAP_FIXED, (void *)p->addr));
	expect_fail("madvise", p, madvise((void *)p->addr, p->len, MADV_DONTNEED));
	expect_fail("mmap-fixed", p, (long)mmap((void *)p->addr, p->len, PROT_READ | PROT_WRITE,
						 MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0));
	expect_fail("mmap-noreplace", p,
		    (long)mmap((void *)p->addr, p->len, PROT_READ | PROT_WRITE,
			       MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0));
	m = mmap((void *)p->addr, 0x1000, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (m == MAP_FAILED || (uint64_t)m + 0x1000 <= STUB_BASE) {
		printf("ok mmap-hint %s: %p\n", p->name, m);
		refusals++;
		if (m != MAP_FAILED)
			munmap(m, 0x1000);
	} else {
		printf("FAIL mmap-hint %s: mapped at %p\n", p->name, m);
		failures++;
	}
	if (memfd >= 0)
		expect_fail("proc-self-mem", p, pwrite(memfd, app, 8, (off_t)p->addr));
	expect_fail("process_vm_writev", p, process_vm_writev(getpid(), &l, 1, &r, 1, 0));
}

/* A write to addr must fault (SIGSEGV or SIGBUS), and change nothing. */
static void expect_fault(const char *name, uint64_t addr)
{
	volatile uint8_t *b = (volatile uint8_t *)addr;
	uint8_t before = *b;
	int sig = sigsetjmp(jb, 1);

	if (!sig) {
		*b = (uint8_t)(before ^ 0xff);
		printf("FAIL write %s: it went through\n", name);
		failures++;
		*b = before;
		return;
	}
	printf("ok write %s: signal %d\n", name, sig);
	refusals++;
}

int main(void)
{
	static uint8_t code[STUB_CODE_SIZE];
	struct sigaction sa = { .sa_handler = on_segv };
	size_t n = sizeof(parts) / sizeof(parts[0]);
	pthread_t th;
	void *brk0;
	char *app;
	int memfd;

	setvbuf(stdout, NULL, _IOLBF, 0);
	memcpy(code, (void *)STUB_CODE, sizeof(code));
	if (pthread_create(&th, NULL, sibling, NULL))
		return 2;
	while (sibling_calls < 3)
		sched_yield();
	app = mmap(NULL, 0x1000, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (app == MAP_FAILED)
		return 2;
	memset(app, 0xcc, 0x1000);
	memfd = open("/proc/self/mem", O_RDWR);
	if (memfd < 0)
		printf("ok open /proc/self/mem: %s\n", strerror(errno));
	for (size_t i = 0; i < n; i++)
		try_part(&parts[i], app, memfd);

	/* the heap must not grow into the region */
	brk0 = sbrk(0);
	if (syscall(SYS_brk, STUB_BASE + 0x1000) == (long)(STUB_BASE + 0x1000)) {
		printf("FAIL brk: the heap reaches into the stub region\n");
		failures++;
	} else {
		printf("ok brk whole: refused\n");
		refusals++;
	}
	syscall(SYS_brk, brk0);
	/* an application mapping just below may not grow over the start */
	char *below = mmap((void *)(STUB_BASE - 0x1000), 0x1000, PROT_READ | PROT_WRITE,
			   MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0);
	if (below != MAP_FAILED) {
		static const struct part grow = { "grow-into", STUB_BASE - 0x1000, 0x2000 };

		expect_fail("mremap", &grow, (long)mremap(below, 0x1000, 0x2000, 0));
		munmap(below, 0x1000);
	}

	sigaction(SIGSEGV, &sa, NULL);
	sigaction(SIGBUS, &sa, NULL);
	expect_fault("code", STUB_CODE + 0x10);
	expect_fault("global", STUB_GLOBAL);
	expect_fault("request", STUB_CTL_REQ);
	expect_fault("request-seq", STUB_CTL_REQ + REQ_NR);

	if (memcmp(code, (void *)STUB_CODE, sizeof(code))) {
		printf("FAIL the stub code changed\n");
		failures++;
	}
	stop = 1;
	pthread_join(th, NULL);         /* both threads still trap and return */
	printf("done %d\n", refusals);
	return failures ? 1 : 0;
}
