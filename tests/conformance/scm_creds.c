/* SCM_CREDENTIALS on AF_UNIX sockets: a receiver with SO_PASSCRED gets
 * the sender's pid, uid and gid, whether or not it sent them; one without
 * gets none; a sender may send its own, and with CAP_SYS_ADMIN, CAP_SETUID
 * and CAP_SETGID others (a pid that does not exist: ESRCH), while without
 * them a forged pid, uid or gid is EPERM; an unmapped id or a wrong
 * length is EINVAL; too little room truncates (MSG_CTRUNC). */
#define _GNU_SOURCE
#include <sys/wait.h>
#include "scm_util.h"

static int sv[2];

/* Send one byte on sv[0], with creds if c is not NULL, in a cmsg of len
 * bytes of data (sizeof(*c) is right; what is past *c is zero). */
static long send_creds(const struct ucred *c, size_t len)
{
	char data[2 * sizeof(*c)] = { 0 };

	if (c)
		memcpy(data, c, sizeof(*c));
	return send_cmsg(sv[0], SCM_CREDENTIALS, c ? data : NULL, len);
}

/* Receive one byte on sv[1] with room bytes of control room: 1 if
 * credentials came (in *c), 0 if not; msg_flags in *fl. */
static int recv_creds(size_t room, struct ucred *c, int *fl)
{
	union ctlbuf u;
	char byte;
	struct iovec v = { &byte, 1 };
	struct msghdr m = { .msg_iov = &v, .msg_iovlen = 1, .msg_control = u.buf,
			    .msg_controllen = room };
	int found = 0;

	memset(&u, 0, sizeof(u));
	CHECK(recvmsg(sv[1], &m, 0) == 1, "recvmsg: %s", strerror(errno));
	*fl = m.msg_flags;
	for (struct cmsghdr *h = CMSG_FIRSTHDR(&m); h; h = CMSG_NXTHDR(&m, h)) {
		CHECK(h->cmsg_level == SOL_SOCKET && h->cmsg_type == SCM_CREDENTIALS,
		      "only credentials: level %d type %d", h->cmsg_level, h->cmsg_type);
		if (h->cmsg_len == CMSG_LEN(sizeof(*c))) {
			memcpy(c, CMSG_DATA(h), sizeof(*c));
			found = 1;
		}
	}
	return found;
}

static void expect_creds(pid_t pid, uid_t uid, gid_t gid)
{
	struct ucred c;
	int fl;

	CHECK(recv_creds(sizeof(union ctlbuf), &c, &fl) == 1, "credentials received");
	CHECK(c.pid == pid && c.uid == uid && c.gid == gid,
	      "got pid %d uid %u gid %u, want %d %u %u", c.pid, c.uid, c.gid, pid, uid, gid);
	CHECK(!(fl & MSG_CTRUNC), "no MSG_CTRUNC");
}

static void nothing_queued(void)
{
	char c;

	CHECK_ERRNO(recv(sv[1], &c, 1, MSG_DONTWAIT), EAGAIN);
}

/* Without privileges (nobody): only its own pid and ids. */
static void unprivileged(void)
{
	struct ucred own = { getpid(), 65534, 65534 }, c;

	CHECK_OK(setgid(65534));
	CHECK_OK(setuid(65534));
	CHECK(send_creds(&own, sizeof(own)) == 1, "own creds: %s", strerror(errno));
	c = own;
	c.pid = getppid();
	CHECK_ERRNO(send_creds(&c, sizeof(c)), EPERM);
	c = own;
	c.uid = 0;
	CHECK_ERRNO(send_creds(&c, sizeof(c)), EPERM);
	c = own;
	c.gid = 0;
	CHECK_ERRNO(send_creds(&c, sizeof(c)), EPERM);
	CHECK(send_creds(NULL, 0) == 1, "no creds: %s", strerror(errno));
	_exit(0);
}

int main(void)
{
	struct ucred c = { getpid(), getuid(), getgid() };
	int one = 1, fl, st;
	pid_t child;

	CHECK_OK(socketpair(AF_UNIX, SOCK_STREAM, 0, sv));

	/* no SO_PASSCRED: no credentials, even when sent */
	CHECK(send_creds(&c, sizeof(c)) == 1, "send own creds: %s", strerror(errno));
	CHECK(recv_creds(sizeof(union ctlbuf), &c, &fl) == 0 && !fl, "none without SO_PASSCRED");

	CHECK_OK(setsockopt(sv[1], SOL_SOCKET, SO_PASSCRED, &one, sizeof(one)));
	CHECK(send_creds(NULL, 0) == 1, "send without creds");
	expect_creds(getpid(), getuid(), getgid());
	CHECK(send_creds(&c, sizeof(c)) == 1, "send own creds: %s", strerror(errno));
	expect_creds(getpid(), getuid(), getgid());

	/* too little room: the header and what fits, MSG_CTRUNC */
	CHECK(send_creds(NULL, 0) == 1, "send");
	CHECK(recv_creds(CMSG_LEN(4), &c, &fl) == 0 && (fl & MSG_CTRUNC),
	      "truncated: flags %#x", fl);

	/* with CAP_SYS_ADMIN, CAP_SETUID, CAP_SETGID (root): any live pid and
	 * any ids; a pid that does not exist is ESRCH */
	child = fork();
	CHECK(child >= 0, "fork");
	if (child == 0) {
		pause();
		_exit(0);
	}
	c = (struct ucred){ child, 1234, 5678 };
	CHECK(send_creds(&c, sizeof(c)) == 1, "root sends others' creds: %s", strerror(errno));
	expect_creds(child, 1234, 5678);
	CHECK_OK(kill(child, SIGKILL));
	CHECK(waitpid(child, &st, 0) == child, "waitpid");
	c.pid = child;                  /* reaped: gone */
	CHECK_ERRNO(send_creds(&c, sizeof(c)), ESRCH);

	/* bad input: an unmapped id, a wrong length */
	c = (struct ucred){ getpid(), (uid_t)-1, getgid() };
	CHECK_ERRNO(send_creds(&c, sizeof(c)), EINVAL);
	c = (struct ucred){ getpid(), getuid(), getgid() };
	CHECK_ERRNO(send_creds(&c, sizeof(c) - 4), EINVAL);
	CHECK_ERRNO(send_creds(&c, sizeof(c) + 4), EINVAL);
	nothing_queued();

	/* as nobody: its own only, and the defaults are nobody's */
	child = fork();
	CHECK(child >= 0, "fork");
	if (child == 0)
		unprivileged();
	CHECK(waitpid(child, &st, 0) == child && WIFEXITED(st) && WEXITSTATUS(st) == 0,
	      "the unprivileged child failed: status %#x", st);
	expect_creds(child, 65534, 65534);
	expect_creds(child, 65534, 65534);
	nothing_queued();
	return 0;
}
