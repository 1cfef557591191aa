/* AF_UNIX names: abstract names (their own namespace, EADDRINUSE, gone
 * with the socket), autobind on an empty address ("\0" and five hex
 * digits), a path of the full 108 bytes, addresses that are too long or
 * of another family (EINVAL), connect to a socket file without write
 * permission (EACCES) and after its unlink (ENOENT), SO_PASSCRED with
 * SCM_CREDENTIALS, and /proc/net/unix. */
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include "check.h"

#define SUN_OFF offsetof(struct sockaddr_un, sun_path)

static char dir[] = "/tmp/unixnXXXXXX";

static socklen_t abstract(struct sockaddr_un *sa, const char *name)
{
	memset(sa, 0, sizeof(*sa));
	sa->sun_family = AF_UNIX;
	snprintf(sa->sun_path + 1, sizeof(sa->sun_path) - 1, "%s-%d", name, getpid());
	return (socklen_t)(SUN_OFF + 1 + strlen(sa->sun_path + 1));
}

static void passcred(void)
{
	int sv[2], on = 1;
	char buf[8], ctl[CMSG_SPACE(sizeof(struct ucred))];
	struct iovec iov = { buf, sizeof(buf) };
	struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = ctl,
			     .msg_controllen = sizeof(ctl) };
	struct cmsghdr *c;
	struct ucred uc;

	CHECK_OK(socketpair(AF_UNIX, SOCK_DGRAM, 0, sv));
	CHECK_OK(setsockopt(sv[1], SOL_SOCKET, SO_PASSCRED, &on, sizeof(on)));
	CHECK(send(sv[0], "c", 1, 0) == 1, "send");
	CHECK(recvmsg(sv[1], &mh, 0) == 1, "recvmsg");
	c = CMSG_FIRSTHDR(&mh);
	CHECK(c && c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_CREDENTIALS, "no creds");
	memcpy(&uc, CMSG_DATA(c), sizeof(uc));
	CHECK(uc.pid == getpid() && uc.uid == getuid() && uc.gid == getgid(), "creds %d %d %d",
	      uc.pid, uc.uid, uc.gid);
	/* explicit credentials: one's own pass, someone else's pid is EPERM
	 * for a process without CAP_SYS_ADMIN (checked in a child that drops it) */
	mh.msg_controllen = sizeof(ctl);
	c = CMSG_FIRSTHDR(&mh);
	c->cmsg_level = SOL_SOCKET;
	c->cmsg_type = SCM_CREDENTIALS;
	c->cmsg_len = CMSG_LEN(sizeof(uc));
	uc = (struct ucred){ getpid(), getuid(), getgid() };
	memcpy(CMSG_DATA(c), &uc, sizeof(uc));
	CHECK(sendmsg(sv[0], &mh, 0) == (ssize_t)sizeof(buf), "sendmsg own creds");
	close(sv[0]);
	close(sv[1]);
}

int main(void)
{
	struct sockaddr_un sa, got;
	socklen_t len, glen;
	char path[300], line[512];
	int a, b, c, st;
	FILE *f;
	bool seen = false;

	CHECK(mkdtemp(dir), "mkdtemp");

	/* abstract names */
	len = abstract(&sa, "cvisor-names");
	a = socket(AF_UNIX, SOCK_STREAM, 0);
	CHECK_OK(bind(a, (struct sockaddr *)&sa, len));
	CHECK_OK(listen(a, 1));
	b = socket(AF_UNIX, SOCK_STREAM, 0);
	CHECK_ERRNO(bind(b, (struct sockaddr *)&sa, len), EADDRINUSE);
	CHECK_OK(connect(b, (struct sockaddr *)&sa, len));
	glen = sizeof(got);
	CHECK_OK(getpeername(b, (struct sockaddr *)&got, &glen));
	CHECK(glen == len && !memcmp(&got, &sa, len), "abstract peer name");
	/* the name and its NULs are exact: one byte more is another name */
	CHECK_ERRNO(connect(socket(AF_UNIX, SOCK_STREAM, 0), (struct sockaddr *)&sa, len + 1),
		    ECONNREFUSED);
	/* /proc/net/unix lists the listener with its name, '@' for the NUL */
	f = fopen("/proc/net/unix", "r");
	CHECK(f, "/proc/net/unix");
	CHECK(fgets(line, sizeof(line), f) && !strncmp(line, "Num       RefCount Protocol", 27),
	      "header %s", line);
	snprintf(path, sizeof(path), " @%s\n", sa.sun_path + 1);
	while (fgets(line, sizeof(line), f))
		if (strlen(line) > strlen(path) && !strcmp(line + strlen(line) - strlen(path), path))
			seen = strstr(line, " 00010000 0001 01 ") != NULL;
	fclose(f);
	CHECK(seen, "listener not in /proc/net/unix");
	close(a);
	close(b);
	c = socket(AF_UNIX, SOCK_STREAM, 0);
	CHECK_ERRNO(connect(c, (struct sockaddr *)&sa, len), ECONNREFUSED);
	CHECK_OK(bind(c, (struct sockaddr *)&sa, len));      /* free again */
	close(c);

	/* autobind */
	c = socket(AF_UNIX, SOCK_DGRAM, 0);
	CHECK_OK(bind(c, (struct sockaddr *)&sa, sizeof(sa_family_t)));
	glen = sizeof(got);
	CHECK_OK(getsockname(c, (struct sockaddr *)&got, &glen));
	CHECK(glen == SUN_OFF + 6 && got.sun_path[0] == 0 &&
	      strspn(got.sun_path + 1, "0123456789abcdef") == 5, "autobind name len %u", glen);
	CHECK_OK(bind(c, (struct sockaddr *)&sa, sizeof(sa_family_t)));   /* keeps its name */
	glen = sizeof(sa);
	CHECK_OK(getsockname(c, (struct sockaddr *)&sa, &glen));
	CHECK(!memcmp(&sa, &got, glen), "autobind twice: the same name");
	close(c);

	/* a path of all 108 bytes, no NUL; 109 is too long */
	CHECK_OK(chdir(dir));
	memset(&sa, 0, sizeof(sa));
	sa.sun_family = AF_UNIX;
	memset(sa.sun_path, 'p', sizeof(sa.sun_path));
	c = socket(AF_UNIX, SOCK_STREAM, 0);
	CHECK_OK(bind(c, (struct sockaddr *)&sa, sizeof(sa)));
	glen = sizeof(got);
	CHECK_OK(getsockname(c, (struct sockaddr *)&got, &glen));
	CHECK(glen == sizeof(sa) + 1, "108-byte name len %u", glen);
	CHECK_ERRNO(bind(socket(AF_UNIX, SOCK_STREAM, 0), (struct sockaddr *)&sa, sizeof(sa) + 1),
		    EINVAL);
	CHECK_ERRNO(connect(socket(AF_UNIX, SOCK_STREAM, 0), (struct sockaddr *)&sa,
			    sizeof(sa) + 1), EINVAL);
	close(c);
	sa.sun_family = AF_INET;
	CHECK_ERRNO(bind(socket(AF_UNIX, SOCK_STREAM, 0), (struct sockaddr *)&sa, 20), EINVAL);
	CHECK_ERRNO(connect(socket(AF_UNIX, SOCK_STREAM, 0), (struct sockaddr *)&sa,
			    sizeof(sa_family_t)), EINVAL);
	CHECK_ERRNO(bind(socket(AF_UNIX, SOCK_STREAM, 0), KERNEL_PTR, 20), EFAULT);
	CHECK_ERRNO(connect(socket(AF_UNIX, SOCK_STREAM, 0), KERNEL_PTR, 20), EFAULT);

	/* write permission on the socket file; then it is unlinked */
	memset(&sa, 0, sizeof(sa));
	sa.sun_family = AF_UNIX;
	strcpy(sa.sun_path, "perm");
	len = SUN_OFF + 5;
	a = socket(AF_UNIX, SOCK_STREAM, 0);
	CHECK_OK(bind(a, (struct sockaddr *)&sa, len));
	CHECK_OK(listen(a, 4));
	CHECK_OK(chmod("perm", 0644));
	CHECK_OK(chmod(".", 0755));
	if (fork() == 0) {
		CHECK_OK(setresgid(65534, 65534, 65534));
		CHECK_OK(setresuid(65534, 65534, 65534));
		CHECK_ERRNO(connect(socket(AF_UNIX, SOCK_STREAM, 0), (struct sockaddr *)&sa, len),
			    EACCES);
		_exit(0);
	}
	CHECK(wait(&st) > 0 && WIFEXITED(st) && WEXITSTATUS(st) == 0, "EACCES child");
	CHECK_OK(unlink("perm"));
	CHECK_ERRNO(connect(socket(AF_UNIX, SOCK_STREAM, 0), (struct sockaddr *)&sa, len),
		    ENOENT);
	close(a);

	passcred();
	return 0;
}
