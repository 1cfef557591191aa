/* SA_RESTART: a blocking read on a pipe interrupted by a handled SIGALRM
 * (from setitimer) is restarted and later returns the data; without
 * SA_RESTART the read fails with EINTR once the handler has run. */
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <sys/time.h>
#include "check.h"

static volatile int alarms;
static int p[2];

static void on_alarm(int s) { (void)s; alarms++; }

/* Writes one byte once the handler has run (plus 50 ms). SIGALRM is
 * blocked here so it interrupts the main thread's read, not this thread. */
static void *late_writer(void *a)
{
	(void)a;
	while (!alarms)
		usleep(1000);
	usleep(50000);
	CHECK(write(p[1], "x", 1) == 1, "write");
	return NULL;
}

static void arm(int flags)
{
	struct sigaction sa = { .sa_handler = on_alarm, .sa_flags = flags };
	CHECK_OK(sigaction(SIGALRM, &sa, NULL));
	struct itimerval it = { .it_value = { 0, 100000 } }; /* once, in 100 ms */
	CHECK_OK(setitimer(ITIMER_REAL, &it, NULL));
}

int main(void)
{
	CHECK_OK(pipe(p));
	sigset_t alrm;
	sigemptyset(&alrm);
	sigaddset(&alrm, SIGALRM);
	CHECK(pthread_sigmask(SIG_BLOCK, &alrm, NULL) == 0, "block");
	pthread_t t;
	CHECK(pthread_create(&t, NULL, late_writer, NULL) == 0, "create"); /* inherits the mask */
	CHECK(pthread_sigmask(SIG_UNBLOCK, &alrm, NULL) == 0, "unblock");

	arm(SA_RESTART);
	char b = 0;
	ssize_t n = read(p[0], &b, 1);
	CHECK(n == 1, "SA_RESTART read returned %zd (%s), want the byte", n,
	      n < 0 ? strerror(errno) : "");
	CHECK(b == 'x' && alarms == 1, "byte %c, alarms %d", b, alarms);
	pthread_join(t, NULL);

	/* Without SA_RESTART: EINTR right after the handler, no writer. */
	alarms = 0;
	arm(0);
	errno = 0;
	n = read(p[0], &b, 1);
	CHECK(n == -1 && errno == EINTR, "read without SA_RESTART returned %zd (%s), want EINTR",
	      n, strerror(errno));
	CHECK(alarms == 1, "alarms %d", alarms);

	/* The same for a blocking write into a full pipe. */
	CHECK_OK(fcntl(p[1], F_SETFL, O_NONBLOCK));
	static char buf[4096];
	while (write(p[1], buf, sizeof(buf)) > 0)
		;
	CHECK_OK(fcntl(p[1], F_SETFL, 0));
	alarms = 0;
	arm(0);
	errno = 0;
	n = write(p[1], buf, 1);
	CHECK(n == -1 && errno == EINTR, "write to a full pipe returned %zd (%s), want EINTR",
	      n, strerror(errno));
	return 0;
}
