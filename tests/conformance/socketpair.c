/* socketpair(2) for AF_UNIX: stream, datagram and seqpacket pairs carry
 * data both ways (records kept for datagram and seqpacket), the flags
 * SOCK_NONBLOCK and SOCK_CLOEXEC, SO_PEERCRED, FIONREAD and SIOCOUTQ,
 * FIOASYNC, EOF, EPIPE with SIGPIPE and MSG_NOSIGNAL, shutdown, and bad input:
 * another family, a bad protocol or type, a bad pointer for the fds. */
#define _GNU_SOURCE
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <linux/sockios.h>
#include "check.h"

static volatile int pipes;

static void on_pipe(int sig)
{
	(void)sig;
	pipes++;
}

static void pair_io(int type)
{
	int sv[2], n;
	char buf[16];

	CHECK_OK(socketpair(AF_UNIX, type, 0, sv));
	CHECK(write(sv[0], "abc", 3) == 3, "write");
	CHECK(write(sv[0], "de", 2) == 2, "write 2");
	CHECK_OK(ioctl(sv[1], FIONREAD, &n));
	CHECK(n == (type == SOCK_DGRAM ? 3 : 5), "FIONREAD %d type %d", n, type);
	CHECK_OK(ioctl(sv[0], SIOCOUTQ, &n));
	CHECK(n > 0, "SIOCOUTQ %d", n);
	if (type == SOCK_STREAM) {
		CHECK(read(sv[1], buf, sizeof(buf)) == 5 && !memcmp(buf, "abcde", 5), "stream");
	} else {
		CHECK(read(sv[1], buf, sizeof(buf)) == 3 && !memcmp(buf, "abc", 3), "record 1");
		CHECK(read(sv[1], buf, sizeof(buf)) == 2 && !memcmp(buf, "de", 2), "record 2");
	}
	CHECK_OK(ioctl(sv[0], SIOCOUTQ, &n));
	CHECK(n == 0, "SIOCOUTQ after read %d", n);
	CHECK(write(sv[1], "back", 4) == 4, "other way");
	CHECK(read(sv[0], buf, sizeof(buf)) == 4, "other way read");
	CHECK_OK(close(sv[1]));
	if (type != SOCK_DGRAM)
		CHECK(read(sv[0], buf, sizeof(buf)) == 0, "EOF type %d", type);
	pipes = 0;
	CHECK_ERRNO(send(sv[0], "x", 1, 0), type == SOCK_DGRAM ? ECONNREFUSED : EPIPE);
	CHECK(pipes == (type == SOCK_STREAM), "SIGPIPE %d type %d", pipes, type);
	CHECK_ERRNO(send(sv[0], "x", 1, MSG_NOSIGNAL), type == SOCK_DGRAM ? ENOTCONN : EPIPE);
	CHECK(pipes == (type == SOCK_STREAM), "no SIGPIPE with MSG_NOSIGNAL");
	close(sv[0]);
}

int main(void)
{
	struct ucred cr;
	socklen_t len = sizeof(cr);
	struct pollfd p;
	int sv[2], fd, v;
	char buf[8];

	signal(SIGPIPE, on_pipe);
	pair_io(SOCK_STREAM);
	pair_io(SOCK_DGRAM);
	pair_io(SOCK_SEQPACKET);

	/* flags */
	CHECK_OK(socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0, sv));
	CHECK(fcntl(sv[0], F_GETFL) & O_NONBLOCK, "O_NONBLOCK");
	CHECK(fcntl(sv[1], F_GETFD) & FD_CLOEXEC, "FD_CLOEXEC");
	CHECK_ERRNO(read(sv[0], buf, 1), EAGAIN);
	CHECK_ERRNO(recv(sv[0], buf, 1, MSG_DONTWAIT), EAGAIN);
	/* FIOASYNC: O_ASYNC, as fcntl sets it (nginx's channel) */
	v = 1;
	CHECK_OK(ioctl(sv[0], FIOASYNC, &v));
	CHECK(fcntl(sv[0], F_GETFL) & O_ASYNC, "FIOASYNC on");
	v = 0;
	CHECK_OK(ioctl(sv[0], FIOASYNC, &v));
	CHECK(!(fcntl(sv[0], F_GETFL) & O_ASYNC), "FIOASYNC off");
	CHECK_ERRNO(ioctl(sv[0], FIOASYNC, KERNEL_PTR), EFAULT);

	/* credentials of the caller at socketpair */
	CHECK_OK(getsockopt(sv[0], SOL_SOCKET, SO_PEERCRED, &cr, &len));
	CHECK(len == sizeof(cr) && cr.pid == getpid() && cr.uid == geteuid() &&
	      cr.gid == getegid(), "SO_PEERCRED %d %d %d", cr.pid, cr.uid, cr.gid);
	len = sizeof(v);
	CHECK_OK(getsockopt(sv[0], SOL_SOCKET, SO_DOMAIN, &v, &len));
	CHECK(v == AF_UNIX, "SO_DOMAIN");
	CHECK_OK(getsockopt(sv[0], SOL_SOCKET, SO_TYPE, &v, &len));
	CHECK(v == SOCK_STREAM, "SO_TYPE");

	/* shutdown: the peer reads EOF and polls RDHUP; writing is EPIPE */
	CHECK_OK(shutdown(sv[0], SHUT_WR));
	p = (struct pollfd){ .fd = sv[1], .events = POLLIN | POLLRDHUP };
	CHECK(poll(&p, 1, 0) == 1 && (p.revents & POLLRDHUP) && (p.revents & POLLIN),
	      "poll after shutdown %x", p.revents);
	CHECK(read(sv[1], buf, 1) == 0, "EOF after shutdown");
	CHECK_ERRNO(send(sv[0], "x", 1, MSG_NOSIGNAL), EPIPE);
	CHECK(write(sv[1], "ok", 2) == 2, "the other way stays open");
	CHECK(read(sv[0], buf, 2) == 2, "read the other way");
	CHECK_ERRNO(shutdown(sv[0], 7), EINVAL);
	close(sv[0]);
	close(sv[1]);

	/* bad input */
	CHECK_ERRNO(socketpair(AF_INET, SOCK_STREAM, 0, sv), EOPNOTSUPP);
	CHECK_ERRNO(socketpair(AF_UNIX, SOCK_STREAM, 2, sv), EPROTONOSUPPORT);
	CHECK_ERRNO(socketpair(AF_UNIX, 9, 0, sv), ESOCKTNOSUPPORT);
	CHECK_ERRNO(socketpair(AF_UNIX, SOCK_STREAM | 0x100, 0, sv), EINVAL);
	CHECK_ERRNO(socketpair(12345, SOCK_STREAM, 0, sv), EAFNOSUPPORT);
	fd = dup(0);
	CHECK_ERRNO(socketpair(AF_UNIX, SOCK_STREAM, 0, (int *)KERNEL_PTR), EFAULT);
	CHECK(dup(0) == fd + 1, "no fd left behind by the EFAULT");
	return 0;
}
