/* getrusage/times account CPU time: a loop burning ~300 ms of CPU shows up
 * in RUSAGE_SELF, a child's burn in RUSAGE_CHILDREN (and tms_cutime) once
 * it is reaped, not before; wait4 returns the child's usage too. */
#include <sys/resource.h>
#include <sys/times.h>
#include <sys/wait.h>
#include <time.h>
#include "check.h"

static long long tv_ms(struct timeval t) { return t.tv_sec * 1000LL + t.tv_usec / 1000; }

/* Spins for ms of CPU time (by the process CPU clock). */
static void burn(int ms)
{
	struct timespec t0, t;
	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t0);
	do {
		for (volatile int i = 0; i < 100000; i++)
			;
		clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t);
	} while ((t.tv_sec - t0.tv_sec) * 1000 + (t.tv_nsec - t0.tv_nsec) / 1000000 < ms);
}

int main(void)
{
	struct rusage ru;
	CHECK_OK(getrusage(RUSAGE_CHILDREN, &ru));
	CHECK(tv_ms(ru.ru_utime) + tv_ms(ru.ru_stime) == 0, "children's time before any child");

	burn(300);
	CHECK_OK(getrusage(RUSAGE_SELF, &ru));
	long long self = tv_ms(ru.ru_utime) + tv_ms(ru.ru_stime);
	CHECK(self >= 250, "RUSAGE_SELF %lld ms after burning 300 ms", self);
	CHECK(ru.ru_maxrss > 0, "ru_maxrss %ld", ru.ru_maxrss);
	struct tms tm;
	CHECK(times(&tm) != (clock_t)-1, "times: %s", strerror(errno));
	long hz = sysconf(_SC_CLK_TCK);
	CHECK((tm.tms_utime + tm.tms_stime) * 1000 / hz >= 250, "tms_utime+stime %ld ticks",
	      (long)(tm.tms_utime + tm.tms_stime));

	pid_t c = fork();
	CHECK(c >= 0, "fork");
	if (c == 0) {
		burn(300);
		_exit(0);
	}
	struct rusage cru;
	int st;
	CHECK(wait4(c, &st, 0, &cru) == c, "wait4");
	long long child = tv_ms(cru.ru_utime) + tv_ms(cru.ru_stime);
	CHECK(child >= 250, "wait4's rusage: child used %lld ms, want ~300", child);
	CHECK_OK(getrusage(RUSAGE_CHILDREN, &ru));
	long long all = tv_ms(ru.ru_utime) + tv_ms(ru.ru_stime);
	CHECK(all >= 250, "RUSAGE_CHILDREN %lld ms after reaping a 300 ms child", all);
	CHECK(times(&tm) != (clock_t)-1 && (tm.tms_cutime + tm.tms_cstime) * 1000 / hz >= 250,
	      "tms_cutime+cstime %ld ticks", (long)(tm.tms_cutime + tm.tms_cstime));
	CHECK_ERRNO(getrusage(99, &ru), EINVAL);
	return 0;
}
