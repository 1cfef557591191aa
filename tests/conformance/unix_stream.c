/* AF_UNIX stream sockets bound to paths: bind, listen, connect, accept
 * (blocking, non-blocking, with the backlog), names, MSG_PEEK,
 * MSG_WAITALL, MSG_DONTWAIT, SO_RCVTIMEO, the SOL_SOCKET options, epoll,
 * and the errors: EADDRINUSE, EINVAL, EISCONN, ENOTCONN, ECONNREFUSED
 * (a non-socket, a dead listener, a socket that does not listen),
 * EPROTOTYPE, EAGAIN on a full backlog, EFAULT. */
#define _GNU_SOURCE
#include <fcntl.h>
#include <poll.h>
#include <stddef.h>
#include <pthread.h>
#include <stdlib.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include "check.h"
#include "unix_util.h"

static char dir[] = "/tmp/unixsXXXXXX";

static socklen_t addr(struct sockaddr_un *sa, const char *name)
{
	return unix_path(sa, dir, name);
}

static int listener(const char *name, int backlog, int flags)
{
	struct sockaddr_un sa;
	socklen_t len = addr(&sa, name);
	int fd = socket(AF_UNIX, SOCK_STREAM | flags, 0);

	CHECK(fd >= 0, "socket");
	CHECK_OK(bind(fd, (struct sockaddr *)&sa, len));
	CHECK_OK(listen(fd, backlog));
	return fd;
}

static int connect_to(const char *name, int flags)
{
	struct sockaddr_un sa;
	socklen_t len = addr(&sa, name);
	int fd = socket(AF_UNIX, SOCK_STREAM | flags, 0);

	CHECK(fd >= 0, "socket");
	return connect(fd, (struct sockaddr *)&sa, len) ? -1 : fd;
}

static int errno_connect(const char *name)
{
	struct sockaddr_un sa;
	socklen_t len = addr(&sa, name);
	int fd = socket(AF_UNIX, SOCK_STREAM, 0), e;

	e = connect(fd, (struct sockaddr *)&sa, len) ? errno : 0;
	close(fd);
	return e;
}

static void *late_connect(void *arg)
{
	int fd;

	(void)arg;
	usleep(50000);
	fd = connect_to("srv", 0);
	CHECK(fd >= 0, "late connect");
	CHECK(write(fd, "late", 4) == 4, "late write");
	return (void *)(long)fd;
}

static void *late_write(void *arg)
{
	usleep(50000);
	CHECK(write(*(int *)arg, "6789", 4) == 4, "late write");
	return NULL;
}

int main(void)
{
	struct sockaddr_un sa, got;
	socklen_t len, glen;
	struct epoll_event ev;
	pthread_t th;
	int lst, c, a, fd, v, ep;
	char buf[64];
	void *ret;

	CHECK(mkdtemp(dir), "mkdtemp");
	lst = listener("srv", 1, 0);

	/* the socket file: a socket inode with the umask applied */
	struct stat st;
	addr(&sa, "srv");
	CHECK_OK(stat(sa.sun_path, &st));
	CHECK(S_ISSOCK(st.st_mode), "mode %o", st.st_mode);
	len = sizeof(v);
	CHECK_OK(getsockopt(lst, SOL_SOCKET, SO_ACCEPTCONN, &v, &len));
	CHECK(v == 1, "SO_ACCEPTCONN");

	/* connect, accept, names */
	c = connect_to("srv", 0);
	CHECK(c >= 0, "connect: %s", strerror(errno));
	glen = sizeof(got);
	a = accept(lst, (struct sockaddr *)&got, &glen);
	CHECK(a >= 0, "accept");
	CHECK(glen == sizeof(sa_family_t) && got.sun_family == AF_UNIX, "peer unbound %u", glen);
	glen = sizeof(got);
	CHECK_OK(getpeername(c, (struct sockaddr *)&got, &glen));
	len = addr(&sa, "srv");
	CHECK(glen == len && !strcmp(got.sun_path, sa.sun_path), "getpeername %s", got.sun_path);
	glen = sizeof(got);
	CHECK_OK(getsockname(a, (struct sockaddr *)&got, &glen));
	CHECK(glen == len && !strcmp(got.sun_path, sa.sun_path), "accepted's name");
	glen = sizeof(got);
	CHECK_OK(getsockname(c, (struct sockaddr *)&got, &glen));
	CHECK(glen == sizeof(sa_family_t), "unbound name len %u", glen);

	/* data: peek, waitall, dontwait, timeouts */
	CHECK(send(c, "012345", 6, 0) == 6, "send");
	CHECK(recv(a, buf, 3, MSG_PEEK) == 3 && !memcmp(buf, "012", 3), "peek");
	CHECK(recv(a, buf, 2, 0) == 2 && !memcmp(buf, "01", 2), "recv");
	CHECK(recv(a, buf, sizeof(buf), 0) == 4 && !memcmp(buf, "2345", 4), "rest");
	CHECK_ERRNO(recv(a, buf, 1, MSG_DONTWAIT), EAGAIN);
	pthread_create(&th, NULL, late_write, &c);
	CHECK(send(c, "12345", 5, 0) == 5, "send 2");
	CHECK(recv(a, buf, 9, MSG_WAITALL) == 9 && !memcmp(buf, "123456789", 9), "waitall");
	pthread_join(th, NULL);
	struct timeval tv = { 0, 50000 };
	CHECK_OK(setsockopt(a, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv)));
	CHECK_ERRNO(recv(a, buf, 1, 0), EAGAIN);
	CHECK_ERRNO(send(c, KERNEL_PTR, 4, 0), EFAULT);
	CHECK_ERRNO(recv(a, KERNEL_PTR, 4, MSG_DONTWAIT), EFAULT);
	CHECK(send(c, "z", 1, 0) == 1, "send z");
	CHECK_ERRNO(recv(a, KERNEL_PTR, 4, 0), EFAULT);
	CHECK(recv(a, buf, 4, 0) == 1 && buf[0] == 'z', "EFAULT lost nothing");

	/* options */
	len = sizeof(v);
	CHECK_OK(getsockopt(a, SOL_SOCKET, SO_TYPE, &v, &len));
	CHECK(v == SOCK_STREAM, "SO_TYPE");
	CHECK_OK(getsockopt(a, SOL_SOCKET, SO_PROTOCOL, &v, &len));
	CHECK(v == 0, "SO_PROTOCOL");
	CHECK_OK(getsockopt(a, SOL_SOCKET, SO_ACCEPTCONN, &v, &len));
	CHECK(v == 0, "SO_ACCEPTCONN on a connection");
	CHECK_OK(getsockopt(a, SOL_SOCKET, SO_ERROR, &v, &len));
	CHECK(v == 0, "SO_ERROR");
	v = 1;
	CHECK_OK(setsockopt(a, SOL_SOCKET, SO_SNDBUF, &v, sizeof(v)));
	CHECK_OK(getsockopt(a, SOL_SOCKET, SO_SNDBUF, &v, &len));
	CHECK(v == 4608, "SO_SNDBUF floor %d", v);
	v = 10000;
	CHECK_OK(setsockopt(a, SOL_SOCKET, SO_RCVBUF, &v, sizeof(v)));
	CHECK_OK(getsockopt(a, SOL_SOCKET, SO_RCVBUF, &v, &len));
	CHECK(v == 20000, "SO_RCVBUF doubled %d", v);
	CHECK_ERRNO(setsockopt(a, SOL_SOCKET, SO_SNDBUF, &v, 2), EINVAL);
	CHECK_ERRNO(getsockopt(a, 6 /* SOL_TCP */, 1, &v, &len), EOPNOTSUPP);

	/* epoll: a listener is readable with a connection to accept */
	ep = epoll_create1(0);
	ev = (struct epoll_event){ .events = EPOLLIN, .data.fd = lst };
	CHECK_OK(epoll_ctl(ep, EPOLL_CTL_ADD, lst, &ev));
	CHECK(epoll_wait(ep, &ev, 1, 0) == 0, "nothing to accept");
	pthread_create(&th, NULL, late_connect, NULL);
	CHECK(epoll_wait(ep, &ev, 1, 5000) == 1 && ev.data.fd == lst, "epoll on accept");
	fd = accept(lst, NULL, NULL);
	CHECK(fd >= 0, "accept after epoll");
	ev = (struct epoll_event){ .events = EPOLLIN, .data.fd = fd };
	CHECK_OK(epoll_ctl(ep, EPOLL_CTL_ADD, fd, &ev));
	CHECK(epoll_wait(ep, &ev, 1, 5000) == 1 && ev.data.fd == fd, "epoll on data");
	CHECK(read(fd, buf, 4) == 4 && !memcmp(buf, "late", 4), "late data");
	pthread_join(th, &ret);
	close((int)(long)ret);
	CHECK(read(fd, buf, 4) == 0, "EOF from the closed peer");
	close(fd);
	close(ep);

	/* a blocking accept waits for its connection */
	pthread_create(&th, NULL, late_connect, NULL);
	fd = accept4(lst, NULL, NULL, SOCK_CLOEXEC);
	CHECK(fd >= 0 && (fcntl(fd, F_GETFD) & FD_CLOEXEC), "blocking accept4");
	pthread_join(th, &ret);
	close((int)(long)ret);
	close(fd);

	/* errors */
	len = addr(&sa, "srv");
	CHECK_ERRNO(connect(c, (struct sockaddr *)&sa, len), EISCONN);
	CHECK_ERRNO(bind(c, (struct sockaddr *)&sa, len), EADDRINUSE);
	len = addr(&sa, "second");
	CHECK_ERRNO(bind(lst, (struct sockaddr *)&sa, len), EINVAL);   /* bound already */
	CHECK_ERRNO(stat(sa.sun_path, &st), ENOENT);
	len = addr(&sa, "srv");
	fd = socket(AF_UNIX, SOCK_STREAM, 0);
	CHECK_ERRNO(bind(fd, (struct sockaddr *)&sa, len), EADDRINUSE);
	CHECK_ERRNO(listen(fd, 1), EINVAL);             /* not bound */
	CHECK_ERRNO(accept(fd, NULL, NULL), EINVAL);    /* not listening */
	CHECK_ERRNO(send(fd, "x", 1, 0), ENOTCONN);
	CHECK_ERRNO(recv(fd, buf, 1, 0), EINVAL);
	CHECK_ERRNO(getpeername(fd, (struct sockaddr *)&got, &glen), ENOTCONN);
	close(fd);

	/* connect to a non-socket, a missing file, a bound socket that does
	 * not listen, a dead listener, a datagram socket */
	fd = open(strcat(strcpy(buf, dir), "/file"), O_CREAT | O_WRONLY, 0600);
	close(fd);
	CHECK(errno_connect("file") == ECONNREFUSED, "non-socket");
	CHECK(errno_connect("missing") == ENOENT, "missing");
	fd = socket(AF_UNIX, SOCK_STREAM, 0);
	len = addr(&sa, "quiet");
	CHECK_OK(bind(fd, (struct sockaddr *)&sa, len));
	CHECK(errno_connect("quiet") == ECONNREFUSED, "not listening");
	close(fd);
	CHECK(errno_connect("quiet") == ECONNREFUSED, "dead listener");
	fd = socket(AF_UNIX, SOCK_DGRAM, 0);
	len = addr(&sa, "dgram");
	CHECK_OK(bind(fd, (struct sockaddr *)&sa, len));
	CHECK(errno_connect("dgram") == EPROTOTYPE, "stream to dgram");
	close(fd);

	/* a full backlog: non-blocking connects get EAGAIN */
	close(a);
	close(c);
	fd = listener("full", 0, 0);
	c = connect_to("full", SOCK_NONBLOCK);
	CHECK(c >= 0, "first connect fits");
	CHECK(connect_to("full", SOCK_NONBLOCK) == -1 && errno == EAGAIN, "full: %s",
	      strerror(errno));
	a = accept(fd, NULL, NULL);
	CHECK(a >= 0, "accept makes room");
	v = connect_to("full", SOCK_NONBLOCK);
	CHECK(v >= 0, "room again");
	close(v);
	close(a);
	close(c);
	close(fd);
	close(lst);
	return 0;
}
