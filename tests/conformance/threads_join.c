/* 8 pthreads increment one counter under a mutex; join returns each
 * thread's result, and no increment is lost. Exercises clone(CLONE_THREAD),
 * futex wait/wake in the mutex and CLONE_CHILD_CLEARTID in join. */
#include <pthread.h>
#include <stdint.h>
#include "check.h"

#define NTHREADS 8
#define ITERS 20000

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static long counter;

static void *worker(void *arg)
{
	for (int i = 0; i < ITERS; i++) {
		pthread_mutex_lock(&lock);
		long v = counter;
		/* Yield now and then inside the critical section, so contention
		 * (and thus futex waits) really happens. */
		if (i % 1000 == 0)
			sched_yield();
		counter = v + 1;
		pthread_mutex_unlock(&lock);
	}
	return (void *)((intptr_t)arg * 3);
}

static pthread_cond_t cv = PTHREAD_COND_INITIALIZER;
static int go;

static void *wait_go(void *a)
{
	pthread_mutex_lock(&lock);
	while (!go)
		pthread_cond_wait(&cv, &lock);
	pthread_mutex_unlock(&lock);
	return a;
}

int main(void)
{
	pthread_t t[NTHREADS];
	for (intptr_t i = 0; i < NTHREADS; i++)
		CHECK(pthread_create(&t[i], NULL, worker, (void *)i) == 0, "pthread_create %ld", (long)i);
	for (intptr_t i = 0; i < NTHREADS; i++) {
		void *r;
		CHECK(pthread_join(t[i], &r) == 0, "pthread_join %ld", (long)i);
		CHECK((intptr_t)r == i * 3, "thread %ld returned %ld", (long)i, (long)(intptr_t)r);
	}
	CHECK(counter == (long)NTHREADS * ITERS, "counter %ld, want %ld", counter,
	      (long)NTHREADS * ITERS);

	/* A condition variable round trip: a second generation of threads
	 * waits until the main thread broadcasts. */
	for (intptr_t i = 0; i < NTHREADS; i++)
		CHECK(pthread_create(&t[i], NULL, wait_go, (void *)i) == 0, "create 2");
	usleep(50000);
	pthread_mutex_lock(&lock);
	go = 1;
	pthread_cond_broadcast(&cv);
	pthread_mutex_unlock(&lock);
	for (intptr_t i = 0; i < NTHREADS; i++) {
		void *r;
		CHECK(pthread_join(t[i], &r) == 0 && (intptr_t)r == i, "join 2");
	}
	return 0;
}
