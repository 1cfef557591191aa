/* setitimer(ITIMER_REAL) with an interval fires repeatedly: three SIGALRMs
 * for a 50 ms period take at least ~150 ms; getitimer shows the interval;
 * setitimer returns the old value; disarming stops it. */
#include <signal.h>
#include <sys/time.h>
#include <time.h>
#include "check.h"

static volatile int ticks;
static void on_alarm(int s) { (void)s; ticks++; }

static long long now_us(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return t.tv_sec * 1000000LL + t.tv_nsec / 1000;
}

int main(void)
{
	struct itimerval it, old;
	CHECK_OK(getitimer(ITIMER_REAL, &old));
	CHECK(!timerisset(&old.it_value) && !timerisset(&old.it_interval), "timer armed at start");

	struct sigaction sa = { .sa_handler = on_alarm };
	CHECK_OK(sigaction(SIGALRM, &sa, NULL));
	it.it_value = (struct timeval){ 0, 50000 };
	it.it_interval = (struct timeval){ 0, 50000 };
	long long t0 = now_us();
	CHECK_OK(setitimer(ITIMER_REAL, &it, NULL));

	CHECK_OK(getitimer(ITIMER_REAL, &old));
	CHECK(old.it_interval.tv_sec == 0 && old.it_interval.tv_usec == 50000,
	      "interval %ld.%06ld, want 0.050000", (long)old.it_interval.tv_sec,
	      (long)old.it_interval.tv_usec);
	CHECK(old.it_value.tv_sec == 0 && old.it_value.tv_usec > 0 && old.it_value.tv_usec <= 50000,
	      "value left %ld.%06ld", (long)old.it_value.tv_sec, (long)old.it_value.tv_usec);

	while (ticks < 3)
		pause();
	long long dt = now_us() - t0;
	CHECK(dt >= 140000, "3 ticks of 50 ms after only %lld us", dt);
	CHECK(dt < 5000000, "3 ticks of 50 ms took %lld us", dt);

	/* Disarm: the old value comes back, and no more ticks. */
	struct itimerval off = { 0 };
	CHECK_OK(setitimer(ITIMER_REAL, &off, &old));
	CHECK(old.it_interval.tv_usec == 50000, "old interval %ld", (long)old.it_interval.tv_usec);
	int at_stop = ticks;
	usleep(200000);
	CHECK(ticks == at_stop, "%d ticks after disarming", ticks - at_stop);
	CHECK_OK(getitimer(ITIMER_REAL, &old));
	CHECK(!timerisset(&old.it_value), "still armed after disarming");

	/* A one-shot timer (no interval) fires once. */
	ticks = 0;
	it.it_interval = (struct timeval){ 0, 0 };
	it.it_value = (struct timeval){ 0, 20000 };
	CHECK_OK(setitimer(ITIMER_REAL, &it, NULL));
	usleep(150000);
	CHECK(ticks == 1, "one-shot fired %d times", ticks);

	CHECK_ERRNO(setitimer(99, &it, NULL), EINVAL);
	it.it_value.tv_usec = 1000000;
	CHECK_ERRNO(setitimer(ITIMER_REAL, &it, NULL), EINVAL);
	return 0;
}
