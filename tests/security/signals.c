/* The two signal bugs of finding 9 (issue 12), as the fuzzers met them.
 *   signals sigchld: a parent with SIGCHLD blocked (at SIG_DFL) waits for
 *     its child's exit in sigtimedwait, then in a signalfd read;
 *   signals pause: pause() in the main thread while another thread sends
 *     the process a handled signal, with and without SA_RESTART.
 * One line per case on stdout, the same natively and in the sandbox; a
 * lost signal shows as a timeout, or an alarm that ends the wait after
 * 3 s. */
#define _GNU_SOURCE
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/signalfd.h>
#include <sys/wait.h>
#include <unistd.h>

static void on_alarm(int s) { (void)s; }

/* SIGALRM in 3 s ends a wait for a signal that was lost (EINTR). */
static void alarm_in_3s(void)
{
	struct sigaction sa = { .sa_handler = on_alarm };

	sigaction(SIGALRM, &sa, NULL);
	alarm(3);
}

static const char *code_name(int code)
{
	return code == CLD_EXITED ? "CLD_EXITED" : code == CLD_KILLED ? "CLD_KILLED" : "other";
}

static int sigchld(void)
{
	struct timespec ts = { 3, 0 };
	struct signalfd_siginfo ss;
	sigset_t chld;
	siginfo_t si;
	pid_t c;
	int fd;

	signal(SIGCHLD, SIG_DFL);
	sigemptyset(&chld);
	sigaddset(&chld, SIGCHLD);
	sigprocmask(SIG_BLOCK, &chld, NULL);

	if ((c = fork()) == 0)
		_exit(42);
	memset(&si, 0, sizeof(si));
	int r = sigtimedwait(&chld, &si, &ts);
	printf("sigtimedwait: %s %s pid %s status %d\n", r == SIGCHLD ? "SIGCHLD" : strerror(errno),
	       code_name(si.si_code), si.si_pid == c ? "ok" : "wrong", si.si_status);
	waitpid(c, NULL, 0);

	fd = signalfd(-1, &chld, 0);
	if ((c = fork()) == 0) {
		usleep(50000);
		_exit(43);
	}
	memset(&ss, 0, sizeof(ss));
	alarm_in_3s();
	r = (int)read(fd, &ss, sizeof(ss));
	alarm(0);
	printf("signalfd: %s %s pid %s status %d\n", r == sizeof(ss) ? "SIGCHLD" : "nothing",
	       code_name(ss.ssi_code), (pid_t)ss.ssi_pid == c ? "ok" : "wrong", ss.ssi_status);
	waitpid(c, NULL, 0);
	return 0;
}

static volatile sig_atomic_t handled_by;
static pid_t main_tid;

static void on_usr1(int s)
{
	(void)s;
	handled_by = gettid() == main_tid ? 1 : 2;
}

static void *send_later(void *a)
{
	(void)a;
	usleep(50000);
	kill(getpid(), SIGUSR1);
	return NULL;
}

static int pause_case(void)
{
	main_tid = gettid();
	for (int i = 0; i < 2; i++) {
		struct sigaction sa = { .sa_handler = on_usr1, .sa_flags = i ? SA_RESTART : 0 };
		pthread_t th;

		sigaction(SIGUSR1, &sa, NULL);
		handled_by = 0;
		pthread_create(&th, NULL, send_later, NULL);
		errno = 0;
		alarm_in_3s();
		int r = pause();
		alarm(0);
		printf("pause%s: %d %s, handler in the %s thread\n", i ? " (SA_RESTART)" : "", r,
		       strerror(errno), handled_by == 1 ? "main" : "other");
		fflush(stdout);
		pthread_join(th, NULL);
	}
	return 0;
}

int main(int argc, char **argv)
{
	setvbuf(stdout, NULL, _IOLBF, 0);
	if (argc == 2 && !strcmp(argv[1], "sigchld"))
		return sigchld();
	if (argc == 2 && !strcmp(argv[1], "pause"))
		return pause_case();
	fprintf(stderr, "usage: %s sigchld|pause\n", argv[0]);
	return 2;
}
