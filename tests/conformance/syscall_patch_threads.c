/* One syscall site called by many threads at once while others start and
 * exit: in cvisor the site is patched on its first trap (possibly while
 * other threads run through it) and every later call goes through the
 * stub's fast entry, which must find each thread's own state (gettid
 * answers the caller, not a neighbour). */
#define _GNU_SOURCE
#include <pthread.h>
#include <stdatomic.h>
#include "check.h"
#include "patch_sites.h"

PATCH_SITE(site_gettid, 186);
PATCH_SITE(site_getppid, 110);

#define WORKERS 6
#define CALLS 20000
#define ROUNDS 40

static atomic_int stop;
static long ppid;

static void calls(int n)
{
	long tid = syscall(SYS_gettid);

	for (int i = 0; i < n; i++) {
		long t = site_gettid(0, 0, 0, 0), p = site_getppid(0, 0, 0, 0);

		CHECK(t == tid, "gettid %ld in thread %ld (call %d)", t, tid, i);
		CHECK(p == ppid, "getppid %ld, want %ld", p, ppid);
	}
}

static void *worker(void *arg)
{
	(void)arg;
	calls(CALLS);
	return NULL;
}

static void *short_lived(void *arg)
{
	(void)arg;
	calls(50);
	return NULL;
}

static void *spawner(void *arg)
{
	(void)arg;
	for (int r = 0; r < ROUNDS && !atomic_load(&stop); r++) {
		pthread_t t[2];

		for (int i = 0; i < 2; i++)
			CHECK(pthread_create(&t[i], NULL, short_lived, NULL) == 0, "create");
		for (int i = 0; i < 2; i++)
			CHECK(pthread_join(t[i], NULL) == 0, "join");
	}
	return NULL;
}

int main(void)
{
	pthread_t w[WORKERS], s;

	ppid = getppid();
	/* the first calls race: all threads start before any site is patched */
	CHECK(pthread_create(&s, NULL, spawner, NULL) == 0, "create spawner");
	for (int i = 0; i < WORKERS; i++)
		CHECK(pthread_create(&w[i], NULL, worker, NULL) == 0, "create worker");
	for (int i = 0; i < WORKERS; i++)
		CHECK(pthread_join(w[i], NULL) == 0, "join worker");
	atomic_store(&stop, 1);
	CHECK(pthread_join(s, NULL) == 0, "join spawner");
	calls(10);
	return 0;
}
