/* A thread's id names its process for kill(2) and rt_sigqueueinfo(2), as
 * on Linux; a process's own siginfo with si_code >= 0 may go only to the
 * calling thread's own id (EPERM otherwise); a real-time signal queued by
 * tgkill or sigqueue past the receiver's RLIMIT_SIGPENDING is EAGAIN.
 * (The sentry answered ESRCH for a thread id, compared si_code's target
 * with the process id, and never refused a queued signal.) */
#define _GNU_SOURCE
#include <pthread.h>
#include <signal.h>
#include <sys/resource.h>
#include "check.h"

static volatile pid_t worker_tid;
static volatile int stop;

static void *worker(void *arg)
{
	(void)arg;
	worker_tid = gettid();
	while (!stop)
		usleep(1000);
	return NULL;
}

static int take(int sig)
{
	struct timespec ts = { 5, 0 };
	siginfo_t si;
	sigset_t set;

	sigemptyset(&set);
	sigaddset(&set, sig);
	return sigtimedwait(&set, &si, &ts) == sig ? si.si_code : -1000;
}

int main(void)
{
	struct rlimit none = { 0, 0 }, old;
	siginfo_t si = { .si_code = SI_QUEUE };
	pthread_t th;
	sigset_t set;
	int sig = SIGRTMIN + 2;

	sigemptyset(&set);
	sigaddset(&set, SIGUSR1);
	sigaddset(&set, sig);
	CHECK_OK(sigprocmask(SIG_BLOCK, &set, NULL));
	CHECK_OK(-pthread_create(&th, NULL, worker, NULL));
	while (!worker_tid)
		usleep(1000);
	/* kill with a thread's id signals its process */
	CHECK_OK(kill(worker_tid, SIGUSR1));
	CHECK(take(SIGUSR1) == SI_USER, "kill(thread id) did not reach the process");
	/* rt_sigqueueinfo with a thread's id, SI_QUEUE */
	si.si_signo = sig;
	si.si_pid = getpid();
	si.si_uid = getuid();
	CHECK_OK(syscall(SYS_rt_sigqueueinfo, worker_tid, sig, &si));
	CHECK(take(sig) == SI_QUEUE, "rt_sigqueueinfo(thread id) did not reach the process");
	/* si_code >= 0 (SI_USER) only to the caller's own thread id */
	si.si_code = SI_USER;
	CHECK_ERRNO(syscall(SYS_rt_sigqueueinfo, worker_tid, sig, &si), EPERM);
	CHECK_OK(syscall(SYS_rt_sigqueueinfo, gettid(), sig, &si));
	CHECK(take(sig) == SI_USER, "rt_sigqueueinfo to the caller itself");
	/* RLIMIT_SIGPENDING 0: a queued real-time signal is refused; kill is not */
	CHECK_OK(getrlimit(RLIMIT_SIGPENDING, &old));
	CHECK_OK(setrlimit(RLIMIT_SIGPENDING, &none));
	CHECK_ERRNO(syscall(SYS_tgkill, getpid(), worker_tid, sig), EAGAIN);
	CHECK_ERRNO(sigqueue(getpid(), sig, (union sigval){ 0 }), EAGAIN);
	CHECK_OK(kill(getpid(), sig));
	CHECK(take(sig) == SI_USER, "kill of a real-time signal past RLIMIT_SIGPENDING");
	stop = 1;
	pthread_join(th, NULL);
	return 0;
}
