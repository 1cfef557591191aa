/* A handled signal interrupts nanosleep/clock_nanosleep: EINTR, and the
 * remaining time (> 0, < requested) is written for relative sleeps; with
 * TIMER_ABSTIME it is left alone. The handler runs first. */
#include <signal.h>
#include <sys/time.h>
#include <time.h>
#include "check.h"

static volatile int got;
static void on_alarm(int s) { got = s; }

static void arm_100ms(void)
{
	struct itimerval it = { .it_value = { 0, 100000 } };
	got = 0;
	CHECK_OK(setitimer(ITIMER_REAL, &it, NULL));
}

static void check_rem(const struct timespec *rem, const char *what)
{
	long long ns = rem->tv_sec * 1000000000LL + rem->tv_nsec;
	/* Asked 2 s, interrupted after ~100 ms: about 1.9 s left. */
	CHECK(ns > 0 && ns < 2000000000LL, "%s: remaining %lld ns", what, ns);
	CHECK(ns > 1000000000LL, "%s: remaining %lld ns, want ~1.9 s", what, ns);
	CHECK(rem->tv_nsec >= 0 && rem->tv_nsec < 1000000000, "%s: tv_nsec %ld", what, rem->tv_nsec);
}

int main(void)
{
	struct sigaction sa = { .sa_handler = on_alarm, .sa_flags = SA_RESTART };
	/* SA_RESTART does not matter: sleeps are never restarted that way. */
	CHECK_OK(sigaction(SIGALRM, &sa, NULL));

	struct timespec req = { 2, 0 }, rem = { 0, 0 };
	arm_100ms();
	CHECK_ERRNO(syscall(SYS_nanosleep, &req, &rem), EINTR);
	CHECK(got == SIGALRM, "handler did not run");
	check_rem(&rem, "nanosleep");

	rem = (struct timespec){ 0, 0 };
	arm_100ms();
	CHECK_ERRNO(syscall(SYS_clock_nanosleep, CLOCK_MONOTONIC, 0, &req, &rem), EINTR);
	CHECK(got == SIGALRM, "handler did not run");
	check_rem(&rem, "clock_nanosleep");
	/* The libc wrapper returns the error instead of setting errno. */
	arm_100ms();
	CHECK(clock_nanosleep(CLOCK_REALTIME, 0, &req, NULL) == EINTR, "libc clock_nanosleep");

	struct timespec abs;
	clock_gettime(CLOCK_MONOTONIC, &abs);
	abs.tv_sec += 2;
	rem = (struct timespec){ 7, 7 };
	arm_100ms();
	CHECK_ERRNO(syscall(SYS_clock_nanosleep, CLOCK_MONOTONIC, TIMER_ABSTIME, &abs, &rem), EINTR);
	CHECK(rem.tv_sec == 7 && rem.tv_nsec == 7, "TIMER_ABSTIME wrote rem");

	/* Resuming with the remaining time finishes the sleep. */
	req = (struct timespec){ 0, 300000000 };
	arm_100ms();
	CHECK_ERRNO(syscall(SYS_nanosleep, &req, &rem), EINTR);
	CHECK(rem.tv_sec == 0 && rem.tv_nsec > 0 && rem.tv_nsec < 300000000, "rem %ld", rem.tv_nsec);
	CHECK(syscall(SYS_nanosleep, &rem, NULL) == 0, "resumed sleep: %s", strerror(errno));
	return 0;
}
