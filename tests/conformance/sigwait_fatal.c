/* sigwaitinfo takes a signal whose default action kills (SIGUSR1) when
 * it arrives while the thread waits: the signal is blocked for the
 * process, so it must not kill it even though sigwaitinfo unblocks it for
 * the wait (Linux checks real_blocked in complete_signal()).  Sent by
 * another thread and by another process. */
#include <pthread.h>
#include <signal.h>
#include <sys/wait.h>
#include <time.h>
#include "check.h"

static pid_t waiter_tid;

static void *send_later(void *a)
{
	(void)a;
	usleep(100000);                 /* the waiter is in sigwaitinfo by then */
	CHECK(syscall(SYS_tgkill, getpid(), waiter_tid, SIGUSR1) == 0, "tgkill");
	return NULL;
}

int main(void)
{
	sigset_t set;
	siginfo_t si;
	pthread_t th;
	pid_t child;

	sigemptyset(&set);
	sigaddset(&set, SIGUSR1);
	CHECK_OK(sigprocmask(SIG_BLOCK, &set, NULL));

	waiter_tid = (pid_t)syscall(SYS_gettid);
	CHECK(pthread_create(&th, NULL, send_later, NULL) == 0, "pthread_create");
	CHECK(sigwaitinfo(&set, &si) == SIGUSR1, "sigwaitinfo from a thread");
	CHECK(si.si_signo == SIGUSR1, "si_signo %d", si.si_signo);
	pthread_join(th, NULL);

	child = fork();
	CHECK(child >= 0, "fork");
	if (child == 0) {
		usleep(100000);
		kill(getppid(), SIGUSR1);
		_exit(0);
	}
	CHECK(sigwaitinfo(&set, &si) == SIGUSR1, "sigwaitinfo from a process");
	CHECK(si.si_pid == child, "si_pid %d", si.si_pid);
	CHECK(waitpid(child, NULL, 0) == child, "waitpid");
	return 0;
}
