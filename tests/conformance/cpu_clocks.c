/* CPU-time clocks (issue 15 item 5): the clocks of clock_getcpuclockid and
 * pthread_getcpuclockid for a thread of the group and for another process,
 * their errors, and CPU time that getrusage, times and /proc/self/stat
 * agree on. */
#define _GNU_SOURCE
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/times.h>
#include <sys/wait.h>
#include <time.h>
#include "check.h"

#define MS 1000000LL

static long long clock_ns(clockid_t id)
{
	struct timespec ts;

	CHECK(clock_gettime(id, &ts) == 0, "clock_gettime(%d): %s", (int)id, strerror(errno));
	return ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

/* Spin until clock id has counted ns more than at the start. */
static void burn(clockid_t id, long long ns)
{
	long long end = clock_ns(id) + ns;

	while (clock_ns(id) < end)
		;
}

static pthread_barrier_t burnt, done;

static void *worker(void *arg)
{
	(void)arg;
	burn(CLOCK_THREAD_CPUTIME_ID, 100 * MS);
	pthread_barrier_wait(&burnt);
	pthread_barrier_wait(&done);
	return NULL;
}

/* utime + stime of a /proc stat line, in ticks */
static long long stat_ticks(const char *path)
{
	char buf[1024], *p;
	unsigned long long ut, st;
	int fd = open(path, O_RDONLY);
	ssize_t n;

	CHECK(fd >= 0, "open %s: %s", path, strerror(errno));
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	CHECK(n > 0, "read %s", path);
	buf[n] = 0;
	p = strrchr(buf, ')');
	CHECK(p && sscanf(p + 2, "%*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %llu %llu", &ut,
			  &st) == 2, "%s: cannot parse '%s'", path, buf);
	return (long long)(ut + st);
}

static long long tv_ns(struct timeval tv)
{
	return tv.tv_sec * 1000000000LL + tv.tv_usec * 1000LL;
}

int main(void)
{
	clockid_t pid_clock, thread_clock, child_clock;
	struct timespec ts;
	struct rusage ru;
	struct tms tms;
	long long before, after, v, total;
	pthread_t th;
	int pfd[2];
	pid_t child;
	char c;

	/* the caller's process clock by pid reads as CLOCK_PROCESS_CPUTIME_ID */
	CHECK(clock_getcpuclockid(getpid(), &pid_clock) == 0, "clock_getcpuclockid(self)");
	CHECK(clock_getcpuclockid(0, &pid_clock) == 0, "clock_getcpuclockid(0)");
	CHECK(clock_getcpuclockid(getpid(), &pid_clock) == 0, "clock_getcpuclockid(self)");
	burn(CLOCK_PROCESS_CPUTIME_ID, 20 * MS);
	before = clock_ns(CLOCK_PROCESS_CPUTIME_ID);
	v = clock_ns(pid_clock);
	after = clock_ns(CLOCK_PROCESS_CPUTIME_ID);
	CHECK(before <= v && v <= after, "pid clock %lld outside [%lld, %lld]", v, before, after);
	CHECK(clock_getres(pid_clock, &ts) == 0, "clock_getres(pid clock): %s", strerror(errno));

	/* another thread's clock: the time it burnt, not ours */
	pthread_barrier_init(&burnt, NULL, 2);
	pthread_barrier_init(&done, NULL, 2);
	CHECK(pthread_create(&th, NULL, worker, NULL) == 0, "pthread_create");
	pthread_barrier_wait(&burnt);
	CHECK(pthread_getcpuclockid(th, &thread_clock) == 0, "pthread_getcpuclockid");
	v = clock_ns(thread_clock);
	CHECK(v >= 100 * MS, "the worker's clock shows %lld ns, it burnt 100 ms", v);
	CHECK(clock_ns(CLOCK_PROCESS_CPUTIME_ID) >= v + 20 * MS, "process clock below the sum");
	pthread_barrier_wait(&done);
	pthread_join(th, NULL);

	/* a child process's clock, from the parent */
	CHECK_OK(pipe(pfd));
	child = fork();
	CHECK(child >= 0, "fork");
	if (child == 0) {
		burn(CLOCK_PROCESS_CPUTIME_ID, 50 * MS);
		if (write(pfd[1], "x", 1) != 1)
			_exit(1);
		pause();
		_exit(0);
	}
	CHECK(read(pfd[0], &c, 1) == 1, "child did not burn");
	CHECK(clock_getcpuclockid(child, &child_clock) == 0, "clock_getcpuclockid(child)");
	v = clock_ns(child_clock);
	CHECK(v >= 50 * MS, "the child's clock shows %lld ns, it burnt 50 ms", v);
	/* a thread clock must name a thread of the caller's own group */
	CHECK_ERRNO(clock_gettime((clockid_t)((~(unsigned)child << 3) | 6), &ts), EINVAL);
	kill(child, SIGKILL);
	waitpid(child, NULL, 0);
	/* a pid that is no process */
	CHECK_ERRNO(clock_gettime((clockid_t)((~(unsigned)99999 << 3) | 2), &ts), EINVAL);
	CHECK_ERRNO(clock_gettime((clockid_t)((~0u << 3) | 3), &ts), EINVAL);  /* no such kind */

	/* getrusage, times and /proc/self/stat count the same CPU time */
	before = clock_ns(CLOCK_PROCESS_CPUTIME_ID);
	CHECK_OK(getrusage(RUSAGE_SELF, &ru));
	CHECK(times(&tms) != (clock_t)-1, "times");
	v = stat_ticks("/proc/self/stat");
	after = clock_ns(CLOCK_PROCESS_CPUTIME_ID);
	total = tv_ns(ru.ru_utime) + tv_ns(ru.ru_stime);
	CHECK(total + 2000 >= before && total <= after,
	      "getrusage %lld ns outside the process clock's [%lld, %lld]", total, before, after);
	CHECK((tms.tms_utime + tms.tms_stime) * 10 * MS + 20 * MS >= before &&
	      (tms.tms_utime + tms.tms_stime) * 10 * MS <= after,
	      "times %ld ticks outside [%lld, %lld] ns", (long)(tms.tms_utime + tms.tms_stime),
	      before, after);
	CHECK(v * 10 * MS + 20 * MS >= before && v * 10 * MS <= after,
	      "/proc/self/stat %lld ticks outside [%lld, %lld] ns", v, before, after);
	return 0;
}
