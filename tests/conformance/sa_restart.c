/* SA_RESTART: a read of an empty pipe interrupted by a handled signal is
 * restarted; without SA_RESTART it fails with EINTR. */
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <string.h>
#include <sys/time.h>
#include <unistd.h>
#include "check.h"

static int fds[2];
static volatile int fired;

static void h(int s) { (void)s; fired++; }

static void *writer(void *a)
{
	(void)a;
	usleep(300000);                 /* after the timer has fired */
	CHECK(write(fds[1], "x", 1) == 1, "write");
	return NULL;
}

static void arm(int flags)
{
	struct sigaction sa;
	struct itimerval it = { { 0, 0 }, { 0, 100000 } };

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = h;
	sa.sa_flags = flags;
	CHECK(sigaction(SIGALRM, &sa, NULL) == 0, "sigaction");
	CHECK(setitimer(ITIMER_REAL, &it, NULL) == 0, "setitimer");
}

int main(void)
{
	pthread_t th;
	char c;

	CHECK(pipe(fds) == 0, "pipe");
	arm(SA_RESTART);
	CHECK(pthread_create(&th, NULL, writer, NULL) == 0, "thread");
	CHECK(read(fds[0], &c, 1) == 1 && c == 'x', "restarted read: %s", strerror(errno));
	CHECK(fired == 1, "handler ran %d", fired);
	pthread_join(th, NULL);

	arm(0);
	errno = 0;
	CHECK(read(fds[0], &c, 1) == -1 && errno == EINTR, "read without SA_RESTART: %s",
	      strerror(errno));
	CHECK(fired == 2, "handler ran again %d", fired);
	return 0;
}
