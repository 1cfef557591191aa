/* timer_create's argument checks, in Linux's order: the sigevent is copied
 * before the clock is looked at (a bad pointer is EFAULT whatever the
 * clock), then an unknown clock is EINVAL and a bad notify or signal
 * number EINVAL; a bad id pointer is EFAULT. */
#include <signal.h>
#include <time.h>
#include "check.h"

static long tcreate(long clock, const void *sev, void *id)
{
	return syscall(SYS_timer_create, clock, sev, id);
}

int main(void)
{
	struct sigevent sev = { .sigev_notify = SIGEV_SIGNAL, .sigev_signo = SIGUSR1 };
	timer_t t;

	CHECK_ERRNO(tcreate(12345, KERNEL_PTR, &t), EFAULT);
	CHECK_ERRNO(tcreate(CLOCK_MONOTONIC, KERNEL_PTR, &t), EFAULT);
	CHECK_ERRNO(tcreate(12345, &sev, &t), EINVAL);
	CHECK_ERRNO(tcreate(12345, NULL, &t), EINVAL);
	sev.sigev_notify = 12345;
	CHECK_ERRNO(tcreate(CLOCK_MONOTONIC, &sev, &t), EINVAL);
	sev.sigev_notify = SIGEV_SIGNAL;
	sev.sigev_signo = 0;
	CHECK_ERRNO(tcreate(CLOCK_MONOTONIC, &sev, &t), EINVAL);
	sev.sigev_signo = SIGUSR1;
	CHECK_ERRNO(tcreate(CLOCK_MONOTONIC, &sev, KERNEL_PTR), EFAULT);
	CHECK_OK(tcreate(CLOCK_MONOTONIC, &sev, &t));
	CHECK_OK(timer_delete(t));
	return 0;
}
