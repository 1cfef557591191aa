/* A parent that blocks SIGCHLD (left at SIG_DFL, whose default is to
 * ignore it) still gets one for each child's stop, continue, exit and
 * death, in every way of waiting for a signal: sigtimedwait, sigwaitinfo,
 * rt_sigtimedwait with no timeout, a signalfd read, poll and epoll on a
 * signalfd, and sigwaitinfo in another thread. Each carries si_code
 * CLD_STOPPED/CONTINUED/EXITED/KILLED, si_pid, si_status and si_uid. An
 * unblocked SIG_DFL SIGCHLD is discarded; SIG_IGN sends none; SA_NOCLDSTOP
 * none for stops and continues; setting SIG_DFL discards a pending one.
 * (CLD_DUMPED is not checked: the sandbox writes no core files.) */
#define _GNU_SOURCE
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <sys/epoll.h>
#include <sys/prctl.h>
#include <sys/signalfd.h>
#include <sys/wait.h>
#include "check.h"

static sigset_t chld;

static void expect(const siginfo_t *si, int code, pid_t pid, int status, const char *how)
{
	CHECK(si->si_signo == SIGCHLD, "%s: si_signo %d", how, si->si_signo);
	CHECK(si->si_code == code, "%s: si_code %d, want %d", how, si->si_code, code);
	CHECK(si->si_pid == pid, "%s: si_pid %d, want %d", how, si->si_pid, pid);
	CHECK(si->si_status == status, "%s: si_status %d, want %d", how, si->si_status, status);
	CHECK(si->si_uid == getuid(), "%s: si_uid %d", how, (int)si->si_uid);
}

/* sigtimedwait with a timeout long enough never to run out here. */
static void wait_chld(int code, pid_t pid, int status, const char *how)
{
	struct timespec ts = { 10, 0 };
	siginfo_t si;

	memset(&si, 0, sizeof(si));
	CHECK(sigtimedwait(&chld, &si, &ts) == SIGCHLD, "%s: sigtimedwait: %s", how,
	      strerror(errno));
	expect(&si, code, pid, status, how);
}

/* Nothing pending: the signal was discarded or never sent. */
static void none_pending(const char *how)
{
	struct timespec zero = { 0, 0 };

	CHECK_ERRNO(sigtimedwait(&chld, NULL, &zero), EAGAIN);
	(void)how;
}

static void from_signalfd(int fd, int code, pid_t pid, int status, const char *how)
{
	struct signalfd_siginfo ss;
	siginfo_t si;

	CHECK(read(fd, &ss, sizeof(ss)) == sizeof(ss), "%s: read: %s", how, strerror(errno));
	memset(&si, 0, sizeof(si));
	si.si_signo = (int)ss.ssi_signo;
	si.si_code = ss.ssi_code;
	si.si_pid = (pid_t)ss.ssi_pid;
	si.si_uid = ss.ssi_uid;
	si.si_status = ss.ssi_status;
	expect(&si, code, pid, status, how);
}

/* A child that stops itself, then exits with 7 once the pipe says so. */
static pid_t stopping_child(int *go)
{
	int p[2];

	CHECK_OK(pipe(p));
	pid_t c = fork();
	CHECK(c >= 0, "fork");
	if (c == 0) {
		char b;
		close(p[1]);
		raise(SIGSTOP);
		_exit(read(p[0], &b, 1) == 1 ? 7 : 1);
	}
	close(p[0]);
	*go = p[1];
	return c;
}

static pid_t exiting_child(int code)
{
	pid_t c = fork();
	CHECK(c >= 0, "fork");
	if (c == 0) {
		usleep(50000);  /* the parent is asleep by then */
		_exit(code);
	}
	return c;
}

static void reap(pid_t c, int want)
{
	int st;

	CHECK(waitpid(c, &st, 0) == c, "waitpid: %s", strerror(errno));
	CHECK(st == want, "wait status %#x, want %#x", st, want);
}

/* Stop, continue, exit: sigtimedwait, sigwaitinfo, a blocking signalfd. */
static void stop_continue_exit(void)
{
	int go, st, sfd = signalfd(-1, &chld, SFD_CLOEXEC);
	siginfo_t si;

	CHECK(sfd >= 0, "signalfd: %s", strerror(errno));
	pid_t c = stopping_child(&go);
	wait_chld(CLD_STOPPED, c, SIGSTOP, "stop, sigtimedwait");
	CHECK(waitpid(c, &st, WUNTRACED) == c && WIFSTOPPED(st), "WUNTRACED");
	CHECK_OK(kill(c, SIGCONT));
	memset(&si, 0, sizeof(si));
	CHECK(sigwaitinfo(&chld, &si) == SIGCHLD, "sigwaitinfo: %s", strerror(errno));
	expect(&si, CLD_CONTINUED, c, SIGCONT, "continue, sigwaitinfo");
	CHECK(waitpid(c, &st, WCONTINUED) == c && WIFCONTINUED(st), "WCONTINUED");
	CHECK(write(go, "x", 1) == 1, "write");
	from_signalfd(sfd, CLD_EXITED, c, 7, "exit, signalfd read");
	reap(c, 7 << 8);
	close(go);
	close(sfd);
}

/* Killed: the raw rt_sigtimedwait with no timeout. */
static void killed(void)
{
	siginfo_t si;

	pid_t c = fork();
	CHECK(c >= 0, "fork");
	if (c == 0) {
		for (;;)
			pause();
	}
	CHECK_OK(kill(c, SIGKILL));
	memset(&si, 0, sizeof(si));
	CHECK(syscall(SYS_rt_sigtimedwait, &chld, &si, NULL, 8) == SIGCHLD,
	      "rt_sigtimedwait: %s", strerror(errno));
	expect(&si, CLD_KILLED, c, SIGKILL, "SIGKILL, rt_sigtimedwait");
	reap(c, SIGKILL);

	/* a core signal, no core (not dumpable): CLD_KILLED too */
	c = fork();
	CHECK(c >= 0, "fork");
	if (c == 0) {
		prctl(PR_SET_DUMPABLE, 0);
		abort();
	}
	wait_chld(CLD_KILLED, c, SIGABRT, "SIGABRT, sigtimedwait");
	reap(c, SIGABRT);
}

/* poll and epoll on a signalfd sleep until the child's exit. */
static void poll_signalfd(void)
{
	int sfd = signalfd(-1, &chld, SFD_NONBLOCK | SFD_CLOEXEC), ep = epoll_create1(0);
	struct pollfd pfd = { sfd, POLLIN, 0 };
	struct epoll_event ev = { .events = EPOLLIN }, out;

	CHECK(sfd >= 0 && ep >= 0, "signalfd/epoll: %s", strerror(errno));
	pid_t c = exiting_child(3);
	CHECK(poll(&pfd, 1, 10000) == 1 && (pfd.revents & POLLIN), "poll: %s", strerror(errno));
	from_signalfd(sfd, CLD_EXITED, c, 3, "exit, poll on signalfd");
	reap(c, 3 << 8);

	CHECK_OK(epoll_ctl(ep, EPOLL_CTL_ADD, sfd, &ev));
	c = exiting_child(4);
	CHECK(epoll_wait(ep, &out, 1, 10000) == 1, "epoll_wait: %s", strerror(errno));
	from_signalfd(sfd, CLD_EXITED, c, 4, "exit, epoll on signalfd");
	reap(c, 4 << 8);
	close(ep);
	close(sfd);
}

/* Another thread waits in sigwaitinfo; the main thread forks. */
static pid_t child_of_main;
static siginfo_t thread_si;

static void *waiter(void *a)
{
	(void)a;
	CHECK(sigwaitinfo(&chld, &thread_si) == SIGCHLD, "thread sigwaitinfo: %s",
	      strerror(errno));
	return NULL;
}

static void other_thread(void)
{
	pthread_t th;

	CHECK_OK(pthread_create(&th, NULL, waiter, NULL));
	child_of_main = exiting_child(5);
	pthread_join(th, NULL);
	expect(&thread_si, CLD_EXITED, child_of_main, 5, "exit, sigwaitinfo in a thread");
	reap(child_of_main, 5 << 8);
}

/* What Linux does not send, or discards. */
static void not_sent(void)
{
	struct sigaction sa = { .sa_handler = SIG_IGN };
	sigset_t pend;
	int go, st;

	/* unblocked SIG_DFL: discarded when sent; blocked later, not pending */
	CHECK_OK(sigprocmask(SIG_UNBLOCK, &chld, NULL));
	pid_t c = exiting_child(0);
	reap(c, 0);
	CHECK_OK(sigprocmask(SIG_BLOCK, &chld, NULL));
	none_pending("unblocked SIG_DFL");

	/* SA_NOCLDSTOP: nothing for a stop or a continue, the exit as ever */
	sa.sa_handler = SIG_DFL;
	sa.sa_flags = SA_NOCLDSTOP;
	CHECK_OK(sigaction(SIGCHLD, &sa, NULL));
	c = stopping_child(&go);
	CHECK(waitpid(c, &st, WUNTRACED) == c && WIFSTOPPED(st), "WUNTRACED");
	none_pending("SA_NOCLDSTOP stop");
	CHECK_OK(kill(c, SIGCONT));
	CHECK(waitpid(c, &st, WCONTINUED) == c && WIFCONTINUED(st), "WCONTINUED");
	none_pending("SA_NOCLDSTOP continue");
	CHECK(write(go, "x", 1) == 1, "write");
	wait_chld(CLD_EXITED, c, 7, "exit with SA_NOCLDSTOP");
	reap(c, 7 << 8);
	close(go);

	/* SIG_DFL set while one is pending discards it */
	c = exiting_child(0);
	reap(c, 0);
	CHECK_OK(sigpending(&pend));
	CHECK(sigismember(&pend, SIGCHLD), "SIGCHLD not pending after the exit");
	sa.sa_flags = 0;
	CHECK_OK(sigaction(SIGCHLD, &sa, NULL));
	CHECK_OK(sigpending(&pend));
	CHECK(!sigismember(&pend, SIGCHLD), "SIG_DFL did not discard the pending SIGCHLD");

	/* SIG_IGN: none at all, even blocked; the child reaps itself */
	sa.sa_handler = SIG_IGN;
	CHECK_OK(sigaction(SIGCHLD, &sa, NULL));
	c = exiting_child(0);
	CHECK_ERRNO(waitpid(c, &st, 0), ECHILD);
	none_pending("SIG_IGN");
}

int main(void)
{
	sigemptyset(&chld);
	sigaddset(&chld, SIGCHLD);
	signal(SIGCHLD, SIG_DFL);
	CHECK_OK(sigprocmask(SIG_BLOCK, &chld, NULL));
	stop_continue_exit();
	killed();
	poll_signalfd();
	other_thread();
	not_sent();
	return 0;
}
