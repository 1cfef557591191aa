/* pause and sigsuspend return -1/EINTR once a handler has run, with and
 * without SA_RESTART, whoever sends the signal: a timer, another process,
 * or another thread of the process with kill(getpid()) (the signal goes
 * to the thread that does not block it and waits, here the main thread,
 * not to the sender or a busy sibling). A signal that runs no handler
 * does not end them: an ignored one, a SIGCHLD ignored by default that
 * was queued while blocked, a stop and a continue. */
#define _GNU_SOURCE
#include <pthread.h>
#include <signal.h>
#include <sys/time.h>
#include <sys/wait.h>
#include "check.h"

static volatile sig_atomic_t got, handled_in_main;
static volatile int stop_busy;
static pid_t main_tid;

static void on_sig(int s)
{
	got = s;
	handled_in_main = gettid() == main_tid;
}

static void handle(int sig, int flags)
{
	struct sigaction sa = { .sa_handler = on_sig, .sa_flags = flags };
	CHECK_OK(sigaction(sig, &sa, NULL));
}

/* kill(getpid(), SIGUSR1) a little later: a process-wide signal. */
static void *send_later(void *a)
{
	(void)a;
	usleep(50000);
	CHECK_OK(kill(getpid(), SIGUSR1));
	return NULL;
}

/* A sibling that keeps making system calls while the main thread waits. */
static void *busy(void *a)
{
	(void)a;
	while (!stop_busy)
		getppid();
	return NULL;
}

static void check_eintr(int r, int err, const char *what, int flags)
{
	CHECK(r == -1 && err == EINTR, "%s (flags %#x): returned %d (%s)", what, flags, r,
	      strerror(err));
	CHECK(got == SIGUSR1 || got == SIGALRM, "%s (flags %#x): handler got %d", what, flags,
	      (int)got);
	CHECK(handled_in_main, "%s (flags %#x): the handler ran in another thread", what, flags);
}

/* pause, then sigsuspend, woken by a signal another thread sends. */
static void from_thread(int flags, int with_busy_sibling)
{
	pthread_t snd, bsy;
	sigset_t usr1, old, none;
	int r, err;

	handle(SIGUSR1, flags);
	if (with_busy_sibling) {
		stop_busy = 0;
		CHECK_OK(pthread_create(&bsy, NULL, busy, NULL));
	}
	got = 0;
	CHECK_OK(pthread_create(&snd, NULL, send_later, NULL));
	errno = 0;
	r = pause();
	err = errno;
	check_eintr(r, err, "pause", flags);
	pthread_join(snd, NULL);

	/* sigsuspend: blocked outside, unblocked only while suspended */
	sigemptyset(&usr1);
	sigaddset(&usr1, SIGUSR1);
	sigemptyset(&none);
	CHECK_OK(sigprocmask(SIG_BLOCK, &usr1, &old));
	got = 0;
	CHECK_OK(pthread_create(&snd, NULL, send_later, NULL));
	errno = 0;
	r = sigsuspend(&none);
	err = errno;
	check_eintr(r, err, "sigsuspend", flags);
	pthread_join(snd, NULL);
	sigset_t now;
	CHECK_OK(sigprocmask(SIG_SETMASK, &old, &now));
	CHECK(sigismember(&now, SIGUSR1), "sigsuspend did not restore the mask");
	if (with_busy_sibling) {
		stop_busy = 1;
		pthread_join(bsy, NULL);
	}
}

/* pause woken by a timer's SIGALRM. */
static void from_timer(int flags)
{
	struct itimerval it = { .it_value = { 0, 50000 } };
	int r, err;

	handle(SIGALRM, flags);
	got = 0;
	CHECK_OK(setitimer(ITIMER_REAL, &it, NULL));
	errno = 0;
	r = pause();
	err = errno;
	check_eintr(r, err, "pause (timer)", flags);
	CHECK(got == SIGALRM, "pause (timer): handler got %d", (int)got);
}

/*
 * In a child: pause (or sigsuspend with SIGCHLD unblocked) while the
 * parent sends what must not end it, then SIGUSR1, which must.  The
 * child exits 0 if the call returned EINTR after the SIGUSR1 handler.
 */
enum disturb { IGNORED, CHLD_QUEUED, STOP_CONT };

static void child_waits(enum disturb d, int p)
{
	sigset_t chld, none;
	int r;

	handle(SIGUSR1, SA_RESTART);
	signal(SIGUSR2, SIG_IGN);
	signal(SIGCHLD, SIG_DFL);
	sigemptyset(&none);
	sigemptyset(&chld);
	sigaddset(&chld, SIGCHLD);
	main_tid = gettid();
	got = 0;
	if (d == CHLD_QUEUED) {
		/* a grandchild's exit queues SIGCHLD (blocked, so not ignored) */
		CHECK_OK(sigprocmask(SIG_BLOCK, &chld, NULL));
		pid_t g = fork();
		CHECK(g >= 0, "fork");
		if (g == 0)
			_exit(0);
		CHECK(waitpid(g, NULL, 0) == g, "waitpid grandchild");
	}
	CHECK(write(p, "r", 1) == 1, "ready");
	errno = 0;
	r = d == CHLD_QUEUED ? sigsuspend(&none) : pause();
	CHECK(r == -1 && errno == EINTR, "returned %d (%s)", r, strerror(errno));
	CHECK(got == SIGUSR1, "returned before the SIGUSR1 handler ran (got %d)", (int)got);
	_exit(0);
}

static void not_ended_by(enum disturb d, const char *what)
{
	int p[2], st;
	char c;

	CHECK_OK(pipe(p));
	pid_t k = fork();
	CHECK(k >= 0, "fork");
	if (k == 0) {
		close(p[0]);
		child_waits(d, p[1]);
	}
	close(p[1]);
	CHECK(read(p[0], &c, 1) == 1, "%s: child not ready", what);
	usleep(100000);         /* into pause */
	if (d == IGNORED) {
		CHECK_OK(kill(k, SIGUSR2));
	} else if (d == STOP_CONT) {
		CHECK_OK(kill(k, SIGSTOP));
		CHECK(waitpid(k, &st, WUNTRACED) == k && WIFSTOPPED(st), "%s: not stopped", what);
		CHECK_OK(kill(k, SIGCONT));
		CHECK(waitpid(k, &st, WCONTINUED) == k && WIFCONTINUED(st), "%s: not continued",
		      what);
	}
	usleep(100000);         /* time for a wrong return */
	CHECK_OK(kill(k, SIGUSR1));
	CHECK(waitpid(k, &st, 0) == k, "%s: waitpid", what);
	CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 0, "%s: the child's wait failed (status %#x)",
	      what, st);
	close(p[0]);
}

int main(void)
{
	main_tid = gettid();
	for (int i = 0; i < 2; i++) {
		int flags = i ? SA_RESTART : 0;

		from_thread(flags, 0);
		from_thread(flags, 1);
		from_timer(flags);
	}
	not_ended_by(IGNORED, "an ignored signal");
	not_ended_by(CHLD_QUEUED, "a queued SIGCHLD with SIG_DFL");
	not_ended_by(STOP_CONT, "SIGSTOP and SIGCONT");
	return 0;
}
