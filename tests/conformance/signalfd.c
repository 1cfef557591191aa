/* signalfd4: with the signals blocked, a signal sent to us is read from
 * the fd as a 128-byte signalfd_siginfo (signo, code, pid, uid) and is no
 * longer pending; empty + SFD_NONBLOCK is EAGAIN; poll shows POLLIN;
 * signalfd(fd, ...) replaces the mask; short reads are EINVAL. */
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/signalfd.h>
#include "check.h"

int main(void)
{
	sigset_t m, pend;
	sigemptyset(&m);
	sigaddset(&m, SIGUSR1);
	sigaddset(&m, SIGUSR2);
	CHECK_OK(sigprocmask(SIG_BLOCK, &m, NULL));

	sigset_t only1;
	sigemptyset(&only1);
	sigaddset(&only1, SIGUSR1);
	int fd = signalfd(-1, &only1, SFD_NONBLOCK | SFD_CLOEXEC);
	CHECK(fd >= 0, "signalfd: %s", strerror(errno));
	CHECK(fcntl(fd, F_GETFD) == FD_CLOEXEC, "SFD_CLOEXEC");
	struct signalfd_siginfo si;
	CHECK(sizeof(si) == 128, "struct size %zu", sizeof(si));
	CHECK_ERRNO(read(fd, &si, sizeof(si)), EAGAIN);
	struct pollfd pfd = { fd, POLLIN, 0 };
	CHECK(poll(&pfd, 1, 0) == 0, "readable with nothing pending");

	CHECK_OK(kill(getpid(), SIGUSR1));
	CHECK(poll(&pfd, 1, 0) == 1 && pfd.revents == POLLIN, "revents %#x", pfd.revents);
	CHECK_ERRNO(read(fd, &si, 100), EINVAL);
	memset(&si, 0, sizeof(si));
	CHECK(read(fd, &si, sizeof(si)) == sizeof(si), "read: %s", strerror(errno));
	CHECK(si.ssi_signo == SIGUSR1, "ssi_signo %u", si.ssi_signo);
	CHECK(si.ssi_code == SI_USER, "ssi_code %d, want SI_USER", si.ssi_code);
	CHECK(si.ssi_pid == (unsigned)getpid(), "ssi_pid %u", si.ssi_pid);
	CHECK(si.ssi_uid == getuid(), "ssi_uid %u", si.ssi_uid);
	CHECK_OK(sigpending(&pend));
	CHECK(!sigismember(&pend, SIGUSR1), "SIGUSR1 still pending after the read");

	/* SIGUSR2 is not in the fd's mask: not readable, stays pending. */
	CHECK_OK(kill(getpid(), SIGUSR2));
	CHECK_ERRNO(read(fd, &si, sizeof(si)), EAGAIN);
	/* Widen the mask of the same fd: now it is. */
	CHECK(signalfd(fd, &m, 0) == fd, "signalfd update: %s", strerror(errno));
	CHECK(read(fd, &si, sizeof(si)) == sizeof(si) && si.ssi_signo == SIGUSR2,
	      "SIGUSR2 after widening: signo %u", si.ssi_signo);

	/* Two signals, one read of two records. */
	struct signalfd_siginfo two[2];
	CHECK_OK(kill(getpid(), SIGUSR1));
	CHECK_OK(kill(getpid(), SIGUSR2));
	CHECK(read(fd, two, sizeof(two)) == sizeof(two), "read of 2 records");
	CHECK(two[0].ssi_signo + two[1].ssi_signo == SIGUSR1 + SIGUSR2, "records %u %u",
	      two[0].ssi_signo, two[1].ssi_signo);

	/* tgkill: SI_TKILL. */
	CHECK(syscall(SYS_tgkill, getpid(), syscall(SYS_gettid), SIGUSR1) == 0, "tgkill");
	CHECK(read(fd, &si, sizeof(si)) == sizeof(si) && si.ssi_code == SI_TKILL,
	      "tgkill: ssi_code %d, want SI_TKILL", si.ssi_code);

	CHECK_ERRNO(signalfd(0 /* not a signalfd */, &m, 0), EINVAL);
	CHECK_ERRNO(signalfd(-1, &m, 0x4000), EINVAL);
	CHECK_ERRNO(syscall(SYS_signalfd4, -1, &m, 4, 0), EINVAL); /* wrong sigset size */
	return 0;
}
