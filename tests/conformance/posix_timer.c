/* timer_create/settime/gettime/delete with SIGEV_SIGNAL: the signal comes
 * with SI_TIMER and our sigev_value; timer_gettime shows the time left;
 * an interval timer keeps firing; a deleted timer id is EINVAL. */
#include <signal.h>
#include <time.h>
#include "check.h"

static volatile int fired, code, value;

static void on_timer(int s, siginfo_t *si, void *uc)
{
	(void)s;
	(void)uc;
	code = si->si_code;
	value = si->si_value.sival_int;
	fired++;
}

int main(void)
{
	struct sigaction sa = { .sa_sigaction = on_timer, .sa_flags = SA_SIGINFO };
	CHECK_OK(sigaction(SIGUSR1, &sa, NULL));
	struct sigevent sev = { .sigev_notify = SIGEV_SIGNAL, .sigev_signo = SIGUSR1,
				.sigev_value.sival_int = 42 };
	timer_t t;
	CHECK_OK(timer_create(CLOCK_MONOTONIC, &sev, &t));

	struct itimerspec its = { .it_value = { 0, 100000000 } }, cur; /* 100 ms */
	CHECK_OK(timer_settime(t, 0, &its, NULL));
	CHECK_OK(timer_gettime(t, &cur));
	CHECK(cur.it_value.tv_sec == 0 && cur.it_value.tv_nsec > 0 &&
	      cur.it_value.tv_nsec <= 100000000, "time left %ld.%09ld",
	      (long)cur.it_value.tv_sec, cur.it_value.tv_nsec);
	while (!fired)
		pause();
	CHECK(code == SI_TIMER, "si_code %d, want SI_TIMER", code);
	CHECK(value == 42, "si_value %d, want 42", value);
	CHECK_OK(timer_gettime(t, &cur));
	CHECK(cur.it_value.tv_sec == 0 && cur.it_value.tv_nsec == 0, "one-shot still armed");

	/* Interval, absolute start: fires at least 3 times. */
	fired = 0;
	struct timespec start;
	clock_gettime(CLOCK_MONOTONIC, &start);
	its.it_value = start;
	its.it_value.tv_nsec += 20000000;
	if (its.it_value.tv_nsec >= 1000000000) {
		its.it_value.tv_sec++;
		its.it_value.tv_nsec -= 1000000000;
	}
	its.it_interval = (struct timespec){ 0, 20000000 };
	CHECK_OK(timer_settime(t, TIMER_ABSTIME, &its, NULL));
	while (fired < 3)
		pause();
	struct itimerspec old;
	its = (struct itimerspec){ 0 };
	CHECK_OK(timer_settime(t, 0, &its, &old)); /* disarm, get the old setting */
	CHECK(old.it_interval.tv_nsec == 20000000, "old interval %ld", old.it_interval.tv_nsec);
	int n = fired;
	usleep(100000);
	CHECK(fired == n, "disarmed timer fired %d more times", fired - n);

	CHECK_OK(timer_delete(t));
	CHECK_ERRNO(timer_settime(t, 0, &its, NULL), EINVAL);
	CHECK_ERRNO(timer_gettime(t, &cur), EINVAL);
	CHECK_ERRNO(timer_delete(t), EINVAL);
	CHECK_ERRNO(timer_create(12345, &sev, &t), EINVAL);
	return 0;
}
