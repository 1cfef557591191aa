/* CPU-time timers (issue 15 item 5): ITIMER_VIRTUAL (SIGVTALRM) and
 * ITIMER_PROF (SIGPROF) expire after that much CPU time, never before,
 * and repeat with their interval; getitimer shows what is left; POSIX
 * timers on the process's and the thread's CPU clock.  No wall-clock
 * bounds: a sleep longer than the timer's value costs no CPU and must not
 * end it; each expiry is checked against the CPU clock it counts (with
 * half the value as slack: Linux's itimers count tick-sampled time). */
#include <signal.h>
#include <sys/time.h>
#include <time.h>
#include "check.h"

#define MS 1000000LL

static volatile sig_atomic_t fired;
static volatile long long cpu_at_fire;

static long long cpu_ns(clockid_t id)
{
	struct timespec ts;

	clock_gettime(id, &ts);
	return ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

static void on_sig(int sig)
{
	if (!fired)
		cpu_at_fire = cpu_ns(CLOCK_PROCESS_CPUTIME_ID);
	fired++;
	(void)sig;
}

/* Spin until n signals came; fail after limit ns of CPU time. */
static void burn_until(int n, long long limit)
{
	long long end = cpu_ns(CLOCK_PROCESS_CPUTIME_ID) + limit;

	while (fired < n)
		CHECK(cpu_ns(CLOCK_PROCESS_CPUTIME_ID) < end, "only %d of %d signals after %lld ms of CPU",
		      (int)fired, n, limit / MS);
}

static void itimer(int which, int sig)
{
	struct itimerval it = { { 0, 30000 }, { 0, 50000 } }, cur, off = { 0 };
	long long start;

	signal(sig, on_sig);
	fired = 0;
	start = cpu_ns(CLOCK_PROCESS_CPUTIME_ID);
	CHECK_OK(setitimer(which, &it, NULL));
	CHECK_OK(getitimer(which, &cur));
	CHECK(cur.it_interval.tv_usec == 30000 && cur.it_interval.tv_sec == 0,
	      "interval %ld.%06ld", (long)cur.it_interval.tv_sec, (long)cur.it_interval.tv_usec);
	/* Linux adds a tick to a CPU itimer's value: up to 10 ms more than set */
	CHECK(cur.it_value.tv_sec == 0 && cur.it_value.tv_usec > 0 && cur.it_value.tv_usec <= 60000,
	      "left %ld.%06ld", (long)cur.it_value.tv_sec, (long)cur.it_value.tv_usec);
	usleep(100000);                 /* twice its value, asleep: no CPU time */
	CHECK(!fired, "signal %d during a sleep, before its CPU time", sig);
	burn_until(3, 5000 * MS);
	CHECK(cpu_at_fire - start >= 25 * MS,
	      "signal %d after %lld ms of CPU, armed for 50", sig, (cpu_at_fire - start) / MS);
	CHECK_OK(setitimer(which, &off, &cur));
	CHECK(cur.it_interval.tv_usec == 30000, "old interval %ld", (long)cur.it_interval.tv_usec);
	CHECK_OK(getitimer(which, &cur));
	CHECK(!timerisset(&cur.it_value), "disarmed timer still armed");
}

static void posix_timer(clockid_t clock)
{
	struct sigevent ev = { .sigev_notify = SIGEV_SIGNAL, .sigev_signo = SIGUSR1 };
	struct itimerspec its = { { 0, 0 }, { 0, 40 * MS } }, cur;
	long long start;
	timer_t id;

	signal(SIGUSR1, on_sig);
	fired = 0;
	CHECK(timer_create(clock, &ev, &id) == 0, "timer_create(%d): %s", (int)clock,
	      strerror(errno));
	start = cpu_ns(CLOCK_PROCESS_CPUTIME_ID);
	CHECK_OK(timer_settime(id, 0, &its, NULL));
	CHECK_OK(timer_gettime(id, &cur));
	CHECK(cur.it_value.tv_sec == 0 && cur.it_value.tv_nsec > 0 &&
	      cur.it_value.tv_nsec <= 40 * MS, "left %ld ns", cur.it_value.tv_nsec);
	usleep(80000);
	CHECK(!fired, "timer on clock %d fired during a sleep", (int)clock);
	burn_until(1, 5000 * MS);
	CHECK(cpu_at_fire - start >= 20 * MS, "timer on clock %d after %lld ms of CPU",
	      (int)clock, (cpu_at_fire - start) / MS);
	CHECK_OK(timer_delete(id));
}

int main(void)
{
	itimer(ITIMER_VIRTUAL, SIGVTALRM);
	itimer(ITIMER_PROF, SIGPROF);
	posix_timer(CLOCK_PROCESS_CPUTIME_ID);
	posix_timer(CLOCK_THREAD_CPUTIME_ID);
	return 0;
}
