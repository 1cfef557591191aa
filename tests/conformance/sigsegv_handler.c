/* Synchronous SIGSEGV to a SA_SIGINFO handler: si_addr is the faulting
 * address, si_code SEGV_ACCERR for a protection fault and SEGV_MAPERR for
 * an unmapped page; siglongjmp leaves the handler (mask restored, so a
 * second fault works); a handler that fixes the page with mprotect and
 * returns makes the access succeed on retry. */
#include <setjmp.h>
#include <signal.h>
#include <sys/mman.h>
#include "check.h"

static sigjmp_buf env;
static volatile int mode, faults, code;
static void *volatile addr;
static char *page;

static void on_segv(int s, siginfo_t *si, void *uc)
{
	(void)s;
	(void)uc;
	faults++;
	addr = si->si_addr;
	code = si->si_code;
	if (mode == 0)
		siglongjmp(env, 1);
	mprotect(page, PAGE, PROT_READ | PROT_WRITE); /* mode 1: fix and retry */
}

/* Touches p (read or write) and reports whether a fault jumped out. */
static int faulted(volatile char *p, int write)
{
	if (sigsetjmp(env, 1))
		return 1;
	if (write)
		*p = 1;
	else
		(void)*p;
	return 0;
}

int main(void)
{
	struct sigaction sa = { .sa_sigaction = on_segv, .sa_flags = SA_SIGINFO };
	CHECK_OK(sigaction(SIGSEGV, &sa, NULL));
	page = mmap(NULL, 3 * PAGE, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	CHECK(page != MAP_FAILED, "mmap");
	CHECK_OK(munmap(page + 2 * PAGE, PAGE)); /* page 2: nothing mapped */
	CHECK_OK(mprotect(page + PAGE, PAGE, PROT_READ));

	CHECK(faulted(page + 123, 0), "read of PROT_NONE did not fault");
	CHECK(addr == page + 123, "si_addr %p, want %p", addr, (void *)(page + 123));
	CHECK(code == SEGV_ACCERR, "PROT_NONE: si_code %d, want SEGV_ACCERR", code);

	/* Again: the handler left by siglongjmp, SIGSEGV is unblocked again. */
	CHECK(faulted(page + PAGE + 8, 1), "write to PROT_READ did not fault");
	CHECK(addr == page + PAGE + 8, "si_addr %p, want %p", addr, (void *)(page + PAGE + 8));
	CHECK(code == SEGV_ACCERR, "PROT_READ write: si_code %d", code);
	CHECK(!faulted(page + PAGE + 8, 0), "read of PROT_READ faulted");

	CHECK(faulted(page + 2 * PAGE + 1, 0), "read of an unmapped page did not fault");
	CHECK(addr == page + 2 * PAGE + 1, "si_addr %p, want %p", addr, (void *)(page + 2 * PAGE + 1));
	CHECK(code == SEGV_MAPERR, "unmapped: si_code %d, want SEGV_MAPERR", code);
	CHECK(faults == 3, "%d faults, want 3", faults);

	/* Fix in the handler and return: the write is retried and sticks. */
	mode = 1;
	faults = 0;
	volatile char *p = page + 77;
	*p = 42;
	CHECK(faults == 1, "%d faults, want 1", faults);
	CHECK(*p == 42, "retried write lost");
	return 0;
}
