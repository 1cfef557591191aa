/* An access after munmap returns faults at once (SIGSEGV, SEGV_MAPERR, the
 * address in si_addr), for a page that was written just before (its
 * translation is cached), in many rounds of mmap + touch + munmap, and
 * when the access comes from another thread that was reading the page on
 * another CPU the whole time: munmap may not return before every CPU has
 * let go of the page (a deferred or batched host unmap would not). */
#include <pthread.h>
#include <setjmp.h>
#include <signal.h>
#include <stdatomic.h>
#include <sys/mman.h>
#include "check.h"

#define ROUNDS 2000

static __thread sigjmp_buf env;
static __thread volatile int code;
static __thread void *volatile addr;

static void on_segv(int s, siginfo_t *si, void *uc)
{
	(void)s;
	(void)uc;
	addr = si->si_addr;
	code = si->si_code;
	siglongjmp(env, 1);
}

/* Reads p; 1 if that faulted (with addr and code set), 0 if not. */
static int read_faults(volatile char *p)
{
	if (sigsetjmp(env, 1))
		return 1;
	(void)*p;
	return 0;
}

static char *volatile shared_page;
static atomic_int unmapped, reader_ready, reader_result = -1;

/* Reads the page until it faults; a read that began after munmap had
 * returned (unmapped already set) and did not fault is the error. */
static void *reader(void *arg)
{
	volatile char *p = shared_page;

	(void)arg;
	atomic_store(&reader_ready, 1);
	for (;;) {
		int after = atomic_load(&unmapped);

		if (read_faults(p)) {
			atomic_store(&reader_result, addr == (void *)p && code == SEGV_MAPERR ? 0 : 2);
			return NULL;
		}
		if (after) {
			atomic_store(&reader_result, 1);
			return NULL;
		}
	}
}

int main(void)
{
	struct sigaction sa = { .sa_sigaction = on_segv, .sa_flags = SA_SIGINFO };
	pthread_t th;

	CHECK_OK(sigaction(SIGSEGV, &sa, NULL));
	for (int i = 0; i < ROUNDS; i++) {
		char *p = mmap(NULL, PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS,
			       -1, 0);

		CHECK(p != MAP_FAILED, "mmap, round %d", i);
		p[100] = (char)i;       /* the first touch: the page is there now */
		CHECK(p[100] == (char)i, "round %d: the write did not stick", i);
		CHECK_OK(munmap(p, PAGE));
		CHECK(read_faults(p + 100), "round %d: a read after munmap did not fault", i);
		CHECK(addr == p + 100, "round %d: si_addr %p, want %p", i, addr, (void *)(p + 100));
		CHECK(code == SEGV_MAPERR, "round %d: si_code %d, want SEGV_MAPERR", i, code);
	}

	/* another thread reading the page all along */
	for (int i = 0; i < 20; i++) {
		shared_page = mmap(NULL, PAGE, PROT_READ | PROT_WRITE,
				   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		CHECK(shared_page != MAP_FAILED, "mmap");
		shared_page[0] = 1;
		atomic_store(&unmapped, 0);
		atomic_store(&reader_ready, 0);
		atomic_store(&reader_result, -1);
		CHECK(pthread_create(&th, NULL, reader, NULL) == 0, "pthread_create");
		while (!atomic_load(&reader_ready))
			;
		CHECK_OK(munmap(shared_page, PAGE));
		atomic_store(&unmapped, 1);
		CHECK(pthread_join(th, NULL) == 0, "pthread_join");
		CHECK(atomic_load(&reader_result) != 1,
		      "round %d: the other thread read the page after munmap returned", i);
		CHECK(atomic_load(&reader_result) == 0,
		      "round %d: the other thread's fault had the wrong si_addr or si_code", i);
	}
	return 0;
}
