/* tgkill(2)/tkill(2) deliver to the chosen thread: the handler runs in it
 * (gettid in the handler). A signal blocked in every thread but one is
 * delivered to that one when sent to the process with kill(2). */
#include <pthread.h>
#include <signal.h>
#include "check.h"

static volatile pid_t handled_in;
static volatile int handled;
static volatile pid_t worker_tid;
static volatile int stop;

static void handler(int s)
{
	(void)s;
	handled_in = syscall(SYS_gettid);
	handled++;
}

static void *worker(void *a)
{
	(void)a;
	worker_tid = syscall(SYS_gettid);
	while (!stop)
		usleep(1000);
	return NULL;
}

static void wait_handled(int n)
{
	for (int i = 0; i < 5000 && handled < n; i++)
		usleep(1000);
	CHECK(handled == n, "handler ran %d times, want %d", handled, n);
}

int main(void)
{
	struct sigaction sa = { .sa_handler = handler };
	CHECK_OK(sigaction(SIGUSR1, &sa, NULL));
	pthread_t t;
	CHECK(pthread_create(&t, NULL, worker, NULL) == 0, "create");
	while (!worker_tid)
		usleep(1000);
	pid_t me = syscall(SYS_gettid);

	CHECK(syscall(SYS_tgkill, getpid(), worker_tid, SIGUSR1) == 0, "tgkill: %s", strerror(errno));
	wait_handled(1);
	CHECK(handled_in == worker_tid, "tgkill: handler ran in %d, want %d", handled_in, worker_tid);

	CHECK(syscall(SYS_tkill, worker_tid, SIGUSR1) == 0, "tkill: %s", strerror(errno));
	wait_handled(2);
	CHECK(handled_in == worker_tid, "tkill: handler ran in %d, want %d", handled_in, worker_tid);

	/* To ourselves: the handler runs before tgkill returns. */
	CHECK(syscall(SYS_tgkill, getpid(), me, SIGUSR1) == 0, "tgkill self");
	CHECK(handled == 3 && handled_in == me, "self: handled %d in %d", handled, handled_in);

	/* Process-directed with SIGUSR1 blocked here: only the worker can take it. */
	sigset_t m;
	sigemptyset(&m);
	sigaddset(&m, SIGUSR1);
	CHECK(pthread_sigmask(SIG_BLOCK, &m, NULL) == 0, "block");
	CHECK_OK(kill(getpid(), SIGUSR1));
	wait_handled(4);
	CHECK(handled_in == worker_tid, "kill: handler ran in %d, want %d", handled_in, worker_tid);

	CHECK_ERRNO(syscall(SYS_tgkill, getpid() + 100000, worker_tid, SIGUSR1), ESRCH);
	CHECK_ERRNO(syscall(SYS_tgkill, getpid(), worker_tid, 65), EINVAL);
	CHECK_ERRNO(syscall(SYS_tgkill, getpid(), 0, SIGUSR1), EINVAL);
	stop = 1;
	pthread_join(t, NULL);
	/* Gone a moment after join returns. */
	for (int i = 0; i < 1000 && syscall(SYS_tkill, worker_tid, 0) == 0; i++)
		usleep(1000);
	CHECK_ERRNO(syscall(SYS_tkill, worker_tid, 0), ESRCH);
	return 0;
}
