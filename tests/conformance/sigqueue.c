/* rt_sigqueueinfo via sigqueue(3): the value arrives with SI_QUEUE, our
 * pid and uid, in a SA_SIGINFO handler and through sigtimedwait; queued
 * real-time signals keep their order and values. A si_code >= 0 (posing as
 * the kernel) is refused with EPERM. */
#include <signal.h>
#include <sys/wait.h>
#include "check.h"

static volatile int got_code, got_val, got_pid;

static void handler(int s, siginfo_t *si, void *uc)
{
	(void)s;
	(void)uc;
	got_code = si->si_code;
	got_val = si->si_value.sival_int;
	got_pid = si->si_pid;
}

int main(void)
{
	struct sigaction sa = { .sa_sigaction = handler, .sa_flags = SA_SIGINFO };
	CHECK_OK(sigaction(SIGUSR1, &sa, NULL));
	CHECK(sigqueue(getpid(), SIGUSR1, (union sigval){ .sival_int = 1234 }) == 0,
	      "sigqueue: %s", strerror(errno));
	CHECK(got_code == SI_QUEUE, "si_code %d, want SI_QUEUE", got_code);
	CHECK(got_val == 1234, "si_value %d, want 1234", got_val);
	CHECK(got_pid == getpid(), "si_pid %d", got_pid);

	/* Three queued SIGRTMIN with different values, taken in order. */
	sigset_t set;
	sigemptyset(&set);
	sigaddset(&set, SIGRTMIN);
	CHECK_OK(sigprocmask(SIG_BLOCK, &set, NULL));
	for (int i = 0; i < 3; i++)
		CHECK(sigqueue(getpid(), SIGRTMIN, (union sigval){ .sival_int = 10 + i }) == 0, "queue %d", i);
	for (int i = 0; i < 3; i++) {
		siginfo_t si;
		struct timespec zero = { 0, 0 };
		int s = sigtimedwait(&set, &si, &zero);
		CHECK(s == SIGRTMIN, "take %d: %d (%s)", i, s, strerror(errno));
		CHECK(si.si_code == SI_QUEUE && si.si_value.sival_int == 10 + i,
		      "take %d: code %d value %d, want SI_QUEUE %d", i, si.si_code,
		      si.si_value.sival_int, 10 + i);
	}

	/* Posing as the kernel (si_code >= 0) or tkill is refused when the
	 * target is another process (a process may fake them to itself). */
	pid_t c = fork();
	CHECK(c >= 0, "fork");
	if (c == 0)
		for (;;)
			pause();
	siginfo_t fake = { 0 };
	fake.si_signo = SIGUSR1;
	fake.si_code = SI_KERNEL;
	CHECK_ERRNO(syscall(SYS_rt_sigqueueinfo, c, SIGUSR1, &fake), EPERM);
	fake.si_code = SI_USER;
	CHECK_ERRNO(syscall(SYS_rt_sigqueueinfo, c, SIGUSR1, &fake), EPERM);
	fake.si_code = SI_TKILL;
	CHECK_ERRNO(syscall(SYS_rt_sigqueueinfo, c, SIGUSR1, &fake), EPERM);
	kill(c, SIGKILL);
	waitpid(c, NULL, 0);
	/* To ourselves it is allowed, and the si_code is kept. */
	fake.si_code = SI_KERNEL;
	CHECK(syscall(SYS_rt_sigqueueinfo, getpid(), SIGUSR1, &fake) == 0, "to self: %s", strerror(errno));
	CHECK(got_code == SI_KERNEL, "si_code %d, want the caller's SI_KERNEL", got_code);
	CHECK_ERRNO(sigqueue(999999, SIGUSR1, (union sigval){ 0 }), ESRCH);
	CHECK_ERRNO(sigqueue(getpid(), 65, (union sigval){ 0 }), EINVAL);
	return 0;
}
