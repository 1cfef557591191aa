/* rseq(2). glibc registers an rseq area at startup, so natively a second
 * registration of that same area gives EBUSY. A sandbox may not implement
 * rseq at all: then glibc's registration failed (__rseq_size == 0) and our
 * own attempt must fail with ENOSYS. Either way the answer must be
 * consistent. */
#include <stdint.h>
#include <sys/rseq.h>
#include "check.h"

#define SIG 0x53053053 /* RSEQ_SIG used by glibc on x86 */
#define LEN 32         /* original struct rseq size, what glibc 2.36 passes */

static struct rseq mine __attribute__((aligned(32)));

int main(void)
{
	if (__rseq_size > 0) {
		/* glibc's area lives at thread pointer + __rseq_offset. */
		char *tp;
		__asm__ volatile("mov %%fs:0, %0" : "=r"(tp));
		struct rseq *g = (struct rseq *)(tp + __rseq_offset);
		CHECK((int32_t)g->cpu_id >= 0, "registered but cpu_id %d",
		      (int32_t)g->cpu_id);
		CHECK_ERRNO(syscall(SYS_rseq, g, LEN, 0, SIG), EBUSY);
		CHECK_ERRNO(syscall(SYS_rseq, g, LEN, 0, SIG + 1), EPERM);
		CHECK_ERRNO(syscall(SYS_rseq, &mine, LEN, 0, SIG), EINVAL);
		CHECK_ERRNO(syscall(SYS_rseq, g, LEN, 0x10, SIG), EINVAL); /* bad flag */
		return 0;
	}

	mine.cpu_id = (uint32_t)-1; /* RSEQ_CPU_ID_UNINITIALIZED */
	errno = 0;
	long r = syscall(SYS_rseq, &mine, LEN, 0, SIG);
	if (r == -1 && errno == ENOSYS)
		return 0; /* not implemented: allowed */
	CHECK(r == 0, "rseq register: %ld errno %d", r, errno);
	/* Registration makes the kernel fill in the current CPU. */
	CHECK((int32_t)mine.cpu_id >= 0, "cpu_id %d", (int32_t)mine.cpu_id);
	CHECK_ERRNO(syscall(SYS_rseq, &mine, LEN, 0, SIG), EBUSY);
	CHECK_ERRNO(syscall(SYS_rseq, &mine, LEN, 0x10, SIG), EINVAL);
	CHECK(syscall(SYS_rseq, &mine, LEN, 1 /* UNREGISTER */, SIG) == 0,
	      "unregister: %s", strerror(errno));
	return 0;
}
