/* SPDX-License-Identifier: MIT */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <termios.h>
#include <unistd.h>

#include "cli/tty.h"

/* runc's protocol: one message, the pty's name as data, the fd attached. */
static int send_master(const char *socket_path, int master, const char *name)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	char cbuf[CMSG_SPACE(sizeof(int))];
	struct iovec iov = { (void *)name, strlen(name) };
	struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = cbuf,
			     .msg_controllen = sizeof(cbuf) };
	struct cmsghdr *c;
	int fd, err = 0;

	if (strlen(socket_path) >= sizeof(sa.sun_path))
		return -ENAMETOOLONG;
	strcpy(sa.sun_path, socket_path);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	memset(cbuf, 0, sizeof(cbuf));
	c = CMSG_FIRSTHDR(&mh);
	c->cmsg_level = SOL_SOCKET;
	c->cmsg_type = SCM_RIGHTS;
	c->cmsg_len = CMSG_LEN(sizeof(int));
	memcpy(CMSG_DATA(c), &master, sizeof(int));
	if (connect(fd, (struct sockaddr *)&sa, sizeof(sa)) || sendmsg(fd, &mh, MSG_NOSIGNAL) < 0)
		err = -errno;
	close(fd);
	return err;
}

int tty_for_console(const char *socket_path, unsigned rows, unsigned cols)
{
	int master, slave, err;
	char *name;

	if (!socket_path)
		return -EINVAL;         /* runc: terminal: true needs a console socket */
	master = posix_openpt(O_RDWR | O_NOCTTY | O_CLOEXEC);
	if (master < 0)
		return -errno;
	if (grantpt(master) || unlockpt(master) || !(name = ptsname(master))) {
		err = -errno;
		close(master);
		return err;
	}
	slave = open(name, O_RDWR | O_NOCTTY | O_CLOEXEC);
	if (slave < 0) {
		err = -errno;
		close(master);
		return err;
	}
	if (rows && cols) {
		struct winsize ws = { .ws_row = (unsigned short)rows, .ws_col = (unsigned short)cols };

		ioctl(slave, TIOCSWINSZ, &ws);
	}
	err = send_master(socket_path, master, name);
	close(master);
	if (err) {
		close(slave);
		return err;
	}
	return slave;
}

void tty_make_controlling(int fd)
{
	ioctl(fd, TIOCSCTTY, 0);
}
