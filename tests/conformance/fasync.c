/* Signal-driven I/O: O_ASYNC by F_SETFL and by FIOASYNC, F_SETOWN/F_GETOWN,
 * F_SETSIG (si_fd, si_code), on a pipe and an AF_UNIX socket, F_SETOWN_EX for a process group, and no
 * signal once O_ASYNC is off.
 * EXPECT_STDOUT: ok */
#define _GNU_SOURCE
#include <fcntl.h>
#include <signal.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include "check.h"

static volatile sig_atomic_t got_io, got_rt, rt_fd, rt_code;

static void on_io(int sig)
{
	(void)sig;
	got_io++;
}

static void on_rt(int sig, siginfo_t *si, void *uc)
{
	(void)sig;
	(void)uc;
	got_rt++;
	rt_fd = si->si_fd;
	rt_code = si->si_code;
}

static void wait_for(volatile sig_atomic_t *v)
{
	for (int i = 0; i < 1000 && !*v; i++)
		usleep(1000);
}

int main(void)
{
	int p[2], on = 1, off = 0;
	struct sigaction sa = { .sa_handler = on_io };
	struct sigaction rt = { .sa_sigaction = on_rt, .sa_flags = SA_SIGINFO };

	sigaction(SIGIO, &sa, NULL);
	sigaction(SIGRTMIN + 1, &rt, NULL);
	CHECK(pipe(p) == 0, "pipe");
	CHECK(fcntl(p[0], F_GETOWN) == 0, "F_GETOWN before: %d", fcntl(p[0], F_GETOWN));
	CHECK(fcntl(p[0], F_SETOWN, getpid()) == 0, "F_SETOWN: %s", strerror(errno));
	CHECK(fcntl(p[0], F_GETOWN) == getpid(), "F_GETOWN after");

	/* FIOASYNC on: a write makes the reader's owner get SIGIO */
	CHECK(ioctl(p[0], FIOASYNC, &on) == 0, "FIOASYNC: %s", strerror(errno));
	CHECK(fcntl(p[0], F_GETFL) & O_ASYNC, "O_ASYNC not in F_GETFL after FIOASYNC");
	CHECK(write(p[1], "a", 1) == 1, "write");
	wait_for(&got_io);
	CHECK(got_io >= 1, "no SIGIO after a write to an O_ASYNC pipe");

	/* F_SETSIG: that signal, with si_fd and POLL_IN */
	CHECK(fcntl(p[0], F_SETSIG, 1000) == -1 && errno == EINVAL, "F_SETSIG 1000");
	CHECK(fcntl(p[0], F_SETSIG, SIGRTMIN + 1) == 0, "F_SETSIG: %s", strerror(errno));
	CHECK(fcntl(p[0], F_GETSIG) == SIGRTMIN + 1, "F_GETSIG");
	CHECK(write(p[1], "b", 1) == 1, "write 2");
	wait_for(&got_rt);
	CHECK(got_rt >= 1 && rt_fd == p[0] && rt_code == POLL_IN, "F_SETSIG signal: %d, fd %d, code %d",
	      got_rt, rt_fd, rt_code);

	/* off by F_SETFL: no more */
	CHECK(fcntl(p[0], F_SETFL, fcntl(p[0], F_GETFL) & ~O_ASYNC) == 0, "F_SETFL off");
	got_rt = got_io = 0;
	CHECK(write(p[1], "c", 1) == 1, "write 3");
	usleep(50 * 1000);
	CHECK(!got_rt && !got_io, "a signal after O_ASYNC was turned off");
	/* and on again by F_SETFL */
	CHECK(fcntl(p[0], F_SETFL, fcntl(p[0], F_GETFL) | O_ASYNC) == 0, "F_SETFL on");
	CHECK(write(p[1], "d", 1) == 1, "write 4");
	wait_for(&got_rt);
	CHECK(got_rt >= 1, "no signal after F_SETFL O_ASYNC");
	CHECK(ioctl(p[0], FIOASYNC, &off) == 0 && !(fcntl(p[0], F_GETFL) & O_ASYNC), "FIOASYNC off");

	/* an AF_UNIX socket, as nginx's channels: SIGIO when data arrives */
	int sv[2];
	CHECK(socketpair(AF_UNIX, SOCK_STREAM, 0, sv) == 0, "socketpair: %s", strerror(errno));
	CHECK(fcntl(sv[0], F_SETOWN, getpid()) == 0 && ioctl(sv[0], FIOASYNC, &on) == 0,
	      "O_ASYNC on a socket: %s", strerror(errno));
	got_io = 0;
	CHECK(write(sv[1], "e", 1) == 1, "socket write");
	wait_for(&got_io);
	CHECK(got_io >= 1, "no SIGIO for data on an O_ASYNC AF_UNIX socket");

	/* a process group as owner */
	struct f_owner_ex ex = { .type = F_OWNER_PGRP, .pid = getpgrp() }, back;
	CHECK(fcntl(p[0], F_SETOWN_EX, &ex) == 0, "F_SETOWN_EX: %s", strerror(errno));
	CHECK(fcntl(p[0], F_GETOWN_EX, &back) == 0 && back.type == F_OWNER_PGRP &&
	      back.pid == getpgrp(), "F_GETOWN_EX: type %d pid %d", back.type, back.pid);
	CHECK(fcntl(p[0], F_GETOWN) == -getpgrp(), "F_GETOWN of a group");
	ex.type = 99;
	CHECK(fcntl(p[0], F_SETOWN_EX, &ex) == -1 && errno == EINVAL, "F_SETOWN_EX bad type");
	puts("ok");
	return 0;
}
