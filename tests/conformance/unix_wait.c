/* Blocking AF_UNIX calls and signals, as Linux: a recv or accept that
 * may wait for ever is restarted after an SA_RESTART handler, and ends
 * with EINTR after one without it; a wait that SO_RCVTIMEO bounds ends
 * with EINTR even after an SA_RESTART handler (sock_intr_errno).  The
 * sleeps only order the events; nothing is timed. */
#define _GNU_SOURCE
#include <signal.h>
#include <stddef.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include "check.h"

static volatile int hits;

static void on_usr1(int sig)
{
	(void)sig;
	hits++;
}

static void handler(int flags)
{
	struct sigaction sa = { .sa_handler = on_usr1, .sa_flags = flags };

	sigemptyset(&sa.sa_mask);
	CHECK_OK(sigaction(SIGUSR1, &sa, NULL));
}

/* A child that signals the parent, then (if fd >= 0) writes a byte. */
static pid_t poke(int fd)
{
	pid_t pid = fork();

	if (pid == 0) {
		usleep(100000);
		kill(getppid(), SIGUSR1);
		if (fd >= 0) {
			usleep(100000);
			if (write(fd, "d", 1) != 1)
				_exit(1);
		}
		_exit(0);
	}
	return pid;
}

int main(void)
{
	struct timeval tv = { 30, 0 };
	int sv[2], st, l;
	pid_t pid;
	char c;

	CHECK_OK(socketpair(AF_UNIX, SOCK_STREAM, 0, sv));

	handler(SA_RESTART);
	hits = 0;
	pid = poke(sv[1]);
	CHECK(recv(sv[0], &c, 1, 0) == 1 && c == 'd', "restarted recv: %s", strerror(errno));
	CHECK(hits == 1, "handler ran %d", hits);
	waitpid(pid, &st, 0);

	handler(0);
	pid = poke(-1);
	CHECK_ERRNO(recv(sv[0], &c, 1, 0), EINTR);
	waitpid(pid, &st, 0);

	handler(SA_RESTART);
	CHECK_OK(setsockopt(sv[0], SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv)));
	pid = poke(-1);
	CHECK_ERRNO(recv(sv[0], &c, 1, 0), EINTR);
	waitpid(pid, &st, 0);

	/* accept, the same */
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	snprintf(sa.sun_path + 1, sizeof(sa.sun_path) - 1, "cvisor-wait-%d", getpid());
	l = socket(AF_UNIX, SOCK_STREAM, 0);
	CHECK_OK(bind(l, (struct sockaddr *)&sa,
		      offsetof(struct sockaddr_un, sun_path) + 1 + strlen(sa.sun_path + 1)));
	CHECK_OK(listen(l, 1));
	handler(0);
	pid = poke(-1);
	CHECK_ERRNO(accept(l, NULL, NULL), EINTR);
	waitpid(pid, &st, 0);
	return 0;
}
