/* Helpers of the scm_*.c conformance tests: send and receive fds and
 * credentials as ancillary data on an AF_UNIX socket. */
#ifndef CVISOR_CONFORMANCE_SCM_UTIL_H
#define CVISOR_CONFORMANCE_SCM_UTIL_H

#ifndef _GNU_SOURCE
#define _GNU_SOURCE             /* struct ucred, memfd_create, O_PATH */
#endif

#include <fcntl.h>
#include <stdint.h>
#include <sys/socket.h>
#include "check.h"

#define MAX_FDS 260

/* Room for a control message of MAX_FDS fds, aligned for cmsghdr. */
union ctlbuf {
	struct cmsghdr h;
	char buf[CMSG_SPACE(MAX_FDS * sizeof(int)) + CMSG_SPACE(sizeof(struct ucred))];
};

/* sendmsg of one byte on sock with one SOL_SOCKET cmsg of type and len
 * bytes of data (none if data is NULL). */
static inline long send_cmsg(int sock, int type, const void *data, size_t len)
{
	union ctlbuf u;
	char byte = 'x';
	struct iovec v = { &byte, 1 };
	struct msghdr m = { .msg_iov = &v, .msg_iovlen = 1 };

	if (data) {
		memset(&u, 0, sizeof(u));
		m.msg_control = u.buf;
		m.msg_controllen = CMSG_SPACE(len);
		u.h.cmsg_len = CMSG_LEN(len);
		u.h.cmsg_level = SOL_SOCKET;
		u.h.cmsg_type = type;
		memcpy(CMSG_DATA(&u.h), data, len);
	}
	return sendmsg(sock, &m, MSG_NOSIGNAL);
}

/* sendmsg of one byte with n fds in one SCM_RIGHTS message. */
static inline long send_fds(int sock, const int *fds, int n)
{
	return send_cmsg(sock, SCM_RIGHTS, n ? fds : NULL, (size_t)n * sizeof(int));
}

static inline long send_fd(int sock, int fd)
{
	return send_fds(sock, &fd, 1);
}

/*
 * recvmsg of one byte with room ctlroom for control data; the fds of its
 * SCM_RIGHTS message go to fds (at most max), their count to *n; returns
 * recvmsg's result, msg_flags in *flags.
 */
static inline long recv_fds(int sock, int flags, size_t ctlroom, int *fds, int max, int *n,
			    int *mflags)
{
	union ctlbuf u;
	char byte;
	struct iovec v = { &byte, 1 };
	struct msghdr m = { .msg_iov = &v, .msg_iovlen = 1,
			    .msg_control = ctlroom ? u.buf : NULL, .msg_controllen = ctlroom };
	long r;

	memset(&u, 0, sizeof(u));
	*n = 0;
	r = recvmsg(sock, &m, flags);
	if (r < 0)
		return r;
	*mflags = m.msg_flags;
	for (struct cmsghdr *c = CMSG_FIRSTHDR(&m); c; c = CMSG_NXTHDR(&m, c)) {
		if (c->cmsg_level != SOL_SOCKET || c->cmsg_type != SCM_RIGHTS)
			continue;
		int k = (int)((c->cmsg_len - CMSG_LEN(0)) / sizeof(int));
		for (int i = 0; i < k && *n < max; i++)
			memcpy(&fds[(*n)++], CMSG_DATA(c) + i * sizeof(int), sizeof(int));
	}
	return r;
}

/* One fd received (the test fails otherwise). */
static inline int recv_fd(int sock, int flags)
{
	int fd = -1, n, mflags;

	CHECK(recv_fds(sock, flags, CMSG_SPACE(sizeof(int)), &fd, 1, &n, &mflags) == 1,
	      "recvmsg: %s", strerror(errno));
	CHECK(n == 1, "one fd received, got %d (msg_flags %#x)", n, mflags);
	CHECK(!(mflags & MSG_CTRUNC), "no MSG_CTRUNC");
	return fd;
}

/* How many fds the process has open (below 1024). */
static inline int count_fds(void)
{
	int n = 0;

	for (int fd = 0; fd < 1024; fd++)
		if (fcntl(fd, F_GETFD) >= 0)
			n++;
	return n;
}

#endif
