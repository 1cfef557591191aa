/*
 * getcpu(2) names the CPU the calling thread runs on, and the affinity a
 * thread sets is the one it reads back.  Under cvisor the call is served by
 * a sentry thread that may run on another CPU, or follow the caller to its
 * CPU (the hand-off policy, platform/handoff.c): neither may show.  The
 * caller's own CPU is read without a system call (rdtscp, as the vDSO's
 * getcpu), before and after the call; a sample where the two differ (the
 * thread moved) tells nothing and is not counted.
 */
#define _GNU_SOURCE
#include <pthread.h>
#include <sched.h>

#include "check.h"

static unsigned here(void)
{
	unsigned lo, hi, aux;

	__asm__ volatile("rdtscp" : "=a"(lo), "=d"(hi), "=c"(aux));
	return aux & 0xfff;
}

/* Of the samples where the thread stayed on one CPU, how many getcpu got wrong. */
static void check_getcpu(const char *who)
{
	int agree = 0, disagree = 0;

	for (int i = 0; i < 20000 && agree + disagree < 2000; i++) {
		unsigned before = here(), cpu = ~0u, after;

		CHECK(syscall(SYS_getcpu, &cpu, NULL, NULL) == 0, "getcpu: %s", strerror(errno));
		after = here();
		if (before != after)
			continue;
		if (cpu == before)
			agree++;
		else
			disagree++;
	}
	CHECK(agree + disagree >= 100, "%s: the thread kept moving", who);
	CHECK(disagree * 100 <= agree + disagree,
	      "%s: getcpu named another CPU in %d of %d calls", who, disagree, agree + disagree);
}

/* Enough system calls for the sandbox to try every way of waiting. */
static void busy(void)
{
	for (int i = 0; i < 20000; i++)
		syscall(SYS_getppid);
}

static void check_mask(const cpu_set_t *want, const char *when)
{
	cpu_set_t got;

	CHECK_OK(sched_getaffinity(0, sizeof(got), &got));
	CHECK(CPU_EQUAL(&got, want), "%s: sched_getaffinity shows %d CPUs, not the %d set",
	      when, CPU_COUNT(&got), CPU_COUNT(want));
}

static cpu_set_t all;

static void *thread_main(void *arg)
{
	(void)arg;
	busy();
	check_mask(&all, "a second thread");
	check_getcpu("a second thread");
	return NULL;
}

int main(void)
{
	pthread_t th;
	cpu_set_t one;

	CHECK_OK(sched_getaffinity(0, sizeof(all), &all));
	busy();
	check_mask(&all, "alone");
	check_getcpu("alone");
	/* two threads: the sandbox cannot spin for both, its threads meet */
	CHECK(pthread_create(&th, NULL, thread_main, NULL) == 0, "pthread_create");
	busy();
	check_mask(&all, "the first thread of two");
	check_getcpu("the first thread of two");
	CHECK(pthread_join(th, NULL) == 0, "pthread_join");
	for (int c = 0; c < CPU_SETSIZE; c++) {
		if (!CPU_ISSET(c, &all))
			continue;
		CPU_ZERO(&one);
		CPU_SET(c, &one);
		CHECK_OK(sched_setaffinity(0, sizeof(one), &one));
		busy();
		check_mask(&one, "after sched_setaffinity");
	}
	CHECK_OK(sched_setaffinity(0, sizeof(all), &all));
	busy();
	check_mask(&all, "the mask given back");
	return 0;
}
