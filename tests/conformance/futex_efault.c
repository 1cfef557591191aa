/* A shared futex names a page, which must be there: FUTEX_WAKE,
 * FUTEX_CMP_REQUEUE's second word and FUTEX_WAKE_OP's second word on an
 * unmapped or PROT_NONE page, or on a shared file mapping past the end of
 * its file, are EFAULT; a private futex needs no page (FUTEX_WAKE_PRIVATE
 * on an unmapped word wakes no one and succeeds).  (The sentry keyed
 * shared futexes without looking at the memory: all of them succeeded.) */
#define _GNU_SOURCE
#include <fcntl.h>
#include <linux/futex.h>
#include <stdint.h>
#include <sys/mman.h>
#include "check.h"

static long futex(void *addr, int op, uint32_t val, void *addr2, uint32_t val3)
{
	return syscall(SYS_futex, addr, op, val, (void *)1, addr2, val3);
}

static void bad_word(void *w, const char *what)
{
	uint32_t good = 0;

	errno = 0;
	CHECK(futex(w, FUTEX_WAKE, 1, NULL, 0) == -1 && errno == EFAULT,
	      "FUTEX_WAKE on %s: %s", what, strerror(errno));
	errno = 0;
	CHECK(futex(&good, FUTEX_CMP_REQUEUE, 1, w, 0) == -1 && errno == EFAULT,
	      "FUTEX_CMP_REQUEUE to %s: %s", what, strerror(errno));
	errno = 0;
	CHECK(futex(&good, FUTEX_WAKE_OP, 1, w, FUTEX_OP(FUTEX_OP_ADD, 1, FUTEX_OP_CMP_EQ, 0)) ==
		      -1 && errno == EFAULT,
	      "FUTEX_WAKE_OP on %s: %s", what, strerror(errno));
}

int main(void)
{
	char path[] = "/tmp/futex_efault.XXXXXX";
	char *p = mmap(NULL, 3 * PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1,
		       0);
	int fd = mkstemp(path);
	char *f;

	CHECK(p != MAP_FAILED && fd >= 0, "setup: %s", strerror(errno));
	CHECK_OK(munmap(p + PAGE, PAGE));
	CHECK_OK(mprotect(p + 2 * PAGE, PAGE, PROT_NONE));
	bad_word(p + PAGE, "an unmapped word");
	bad_word(p + 2 * PAGE, "a PROT_NONE word");
	CHECK(futex(p + PAGE, FUTEX_WAKE_PRIVATE, 1, NULL, 0) == 0,
	      "FUTEX_WAKE_PRIVATE on an unmapped word: %s", strerror(errno));
	/* a shared file mapping of two pages over a file of one */
	CHECK_OK(ftruncate(fd, PAGE));
	f = mmap(NULL, 2 * PAGE, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	CHECK(f != MAP_FAILED, "mmap: %s", strerror(errno));
	CHECK(futex(f, FUTEX_WAKE, 1, NULL, 0) == 0, "FUTEX_WAKE in the file: %s",
	      strerror(errno));
	bad_word(f + PAGE, "a word past the end of the file");
	unlink(path);
	return 0;
}
