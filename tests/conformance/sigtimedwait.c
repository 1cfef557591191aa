/* rt_sigtimedwait: takes a blocked pending signal without running a
 * handler and returns its number with the siginfo; EAGAIN after the
 * timeout (0 = poll); a signal sent by another thread while waiting wakes
 * it; only signals in the set are taken. */
#include <pthread.h>
#include <signal.h>
#include <time.h>
#include "check.h"

static volatile int handler_ran;
static void handler(int s) { (void)s; handler_ran = 1; }

static pid_t main_tid;

static void *send_later(void *a)
{
	(void)a;
	usleep(50000);
	CHECK(syscall(SYS_tgkill, getpid(), main_tid, SIGUSR2) == 0, "tgkill");
	return NULL;
}

int main(void)
{
	struct sigaction sa = { .sa_handler = handler };
	CHECK_OK(sigaction(SIGUSR1, &sa, NULL));
	CHECK_OK(sigaction(SIGUSR2, &sa, NULL));
	sigset_t set;
	sigemptyset(&set);
	sigaddset(&set, SIGUSR1);
	sigaddset(&set, SIGUSR2);
	CHECK_OK(sigprocmask(SIG_BLOCK, &set, NULL));

	struct timespec zero = { 0, 0 }, ms50 = { 0, 50000000 };
	siginfo_t si;
	CHECK_ERRNO(sigtimedwait(&set, &si, &zero), EAGAIN);
	struct timespec t0, t1;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	CHECK_ERRNO(sigtimedwait(&set, &si, &ms50), EAGAIN);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	long long ns = (t1.tv_sec - t0.tv_sec) * 1000000000LL + t1.tv_nsec - t0.tv_nsec;
	CHECK(ns >= 45000000, "50 ms timeout after %lld ns", ns);

	CHECK_OK(kill(getpid(), SIGUSR1));
	memset(&si, 0, sizeof(si));
	int s = sigtimedwait(&set, &si, &zero);
	CHECK(s == SIGUSR1, "sigtimedwait returned %d (%s)", s, strerror(errno));
	CHECK(si.si_signo == SIGUSR1 && si.si_code == SI_USER && si.si_pid == getpid(),
	      "siginfo: signo %d code %d pid %d", si.si_signo, si.si_code, si.si_pid);
	CHECK(!handler_ran, "the handler ran for a waited-for signal");

	/* Not in the set: left pending. */
	sigset_t only2;
	sigemptyset(&only2);
	sigaddset(&only2, SIGUSR2);
	CHECK_OK(kill(getpid(), SIGUSR1));
	CHECK_ERRNO(sigtimedwait(&only2, &si, &zero), EAGAIN);
	CHECK(sigwaitinfo(&set, &si) == SIGUSR1, "sigwaitinfo");

	/* Woken while waiting, with no timeout. */
	main_tid = syscall(SYS_gettid);
	pthread_t t;
	CHECK(pthread_create(&t, NULL, send_later, NULL) == 0, "create");
	memset(&si, 0, sizeof(si));
	/* Raw syscall: glibc's wrapper rewrites SI_TKILL to SI_USER. */
	s = syscall(SYS_rt_sigtimedwait, &only2, &si, NULL, 8);
	CHECK(s == SIGUSR2, "rt_sigtimedwait returned %d (%s)", s, strerror(errno));
	CHECK(si.si_code == SI_TKILL, "si_code %d, want SI_TKILL", si.si_code);
	pthread_join(t, NULL);
	CHECK(!handler_ran, "handler ran");

	struct timespec bad = { 0, 1000000000 };
	CHECK_ERRNO(sigtimedwait(&set, &si, &bad), EINVAL);
	CHECK_ERRNO(syscall(SYS_rt_sigtimedwait, &set, &si, &zero, 4), EINVAL);
	return 0;
}
