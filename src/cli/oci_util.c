/* SPDX-License-Identifier: MIT */
/* Option parsing, the control socket client and small helpers of the OCI verbs. */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "cli/oci.h"
#include "sandbox/pidfd.h"

static int set_opt(const struct opt *o, const char *val)
{
	if (o->set)
		*o->set = true;
	if (o->val)
		*o->val = val;
	if (o->multi) {
		size_t n = 0;
		const char **v;

		while (*o->multi && (*o->multi)[n])
			n++;
		v = realloc(*o->multi, (n + 2) * sizeof(char *));
		if (!v)
			return -1;
		v[n] = val;
		v[n + 1] = NULL;
		*o->multi = v;
	}
	return 0;
}

static const struct opt *find_opt(const struct opt *opts, const char *name, size_t len)
{
	for (const struct opt *o = opts; o->name; o++) {
		if (len == 1 && o->alias == name[0])
			return o;
		if (strlen(o->name) == len && !strncmp(o->name, name, len))
			return o;
	}
	return NULL;
}

int parse_opts(const char *cmd, int argc, char **argv, const struct opt *opts)
{
	int i;

	for (i = 1; i < argc && argv[i][0] == '-' && argv[i][1]; i++) {
		const char *a = argv[i] + 1 + (argv[i][1] == '-');
		const char *eq = strchr(a, '=');
		size_t len = eq ? (size_t)(eq - a) : strlen(a);
		const struct opt *o;
		const char *val = NULL;

		if (!strcmp(argv[i], "--"))
			return i + 1;
		o = find_opt(opts, a, len);
		if (!o) {
			log_error("%s: unknown option '%s'", cmd, argv[i]);
			return -1;
		}
		if (o->val || o->multi) {
			if (eq)
				val = eq + 1;
			else if (i + 1 < argc)
				val = argv[++i];
			else {
				log_error("%s: option '%s' needs a value", cmd, argv[i]);
				return -1;
			}
		} else if (eq) {
			/* --detach=true as urfave/cli accepts */
			if (!strcmp(eq + 1, "false"))
				continue;
		}
		if (set_opt(o, val))
			return -1;
	}
	return i;
}

int load_container(const struct gopts *g, const char *cmd, int argc, char **argv, int i,
		   struct oci_state *st)
{
	int err;

	if (i < 0)
		return -1;
	if (i >= argc) {
		log_error("%s: missing container id", cmd);
		return -1;
	}
	err = state_read(g->root, argv[i], st);
	if (err == -ENOENT) {
		log_error("%s: container %s does not exist", cmd, argv[i]);
		return -1;
	}
	if (err) {
		log_error("%s: container %s: cannot read its state: %s", cmd, argv[i],
			  strerror(-err));
		return -1;
	}
	return 0;
}

/* The socket's address: relative to the state dir when the path is long. */
static int ctl_addr(const char *dir, struct sockaddr_un *sa, int *dfd)
{
	memset(sa, 0, sizeof(*sa));
	sa->sun_family = AF_UNIX;
	*dfd = -1;
	if ((size_t)snprintf(sa->sun_path, sizeof(sa->sun_path), "%s/ctl.sock", dir) <
	    sizeof(sa->sun_path))
		return 0;
	*dfd = open(dir, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (*dfd < 0)
		return -errno;
	snprintf(sa->sun_path, sizeof(sa->sun_path), "/proc/self/fd/%d/ctl.sock", *dfd);
	return 0;
}

int ctl_bind(const char *dir)
{
	struct sockaddr_un sa;
	int fd = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC | SOCK_NONBLOCK, 0), dfd, err;

	if (fd < 0)
		return -errno;
	err = ctl_addr(dir, &sa, &dfd);
	if (!err && (bind(fd, (struct sockaddr *)&sa, sizeof(sa)) || listen(fd, 16)))
		err = -errno;
	if (dfd >= 0)
		close(dfd);
	if (err) {
		close(fd);
		return err;
	}
	return fd;
}

static int send_req(int fd, const char *req, const int *fds)
{
	char cbuf[CMSG_SPACE(3 * sizeof(int))];
	struct iovec iov = { (void *)req, strlen(req) };
	struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1 };

	if (fds) {
		struct cmsghdr *c;

		memset(cbuf, 0, sizeof(cbuf));
		mh.msg_control = cbuf;
		mh.msg_controllen = sizeof(cbuf);
		c = CMSG_FIRSTHDR(&mh);
		c->cmsg_level = SOL_SOCKET;
		c->cmsg_type = SCM_RIGHTS;
		c->cmsg_len = CMSG_LEN(3 * sizeof(int));
		memcpy(CMSG_DATA(c), fds, 3 * sizeof(int));
	}
	return sendmsg(fd, &mh, MSG_NOSIGNAL) < 0 ? -errno : 0;
}

int ctl_request(const struct oci_state *st, const char *req, const int *fds,
		char *reply, size_t len, int *keep_fd)
{
	struct sockaddr_un sa;
	int fd = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0), dfd, err;
	ssize_t n;

	if (fd < 0)
		return -errno;
	err = ctl_addr(st->dir, &sa, &dfd);
	if (!err && connect(fd, (struct sockaddr *)&sa, sizeof(sa)))
		err = -errno;
	if (dfd >= 0)
		close(dfd);
	if (!err)
		err = send_req(fd, req, fds);
	if (!err && reply) {
		n = recv(fd, reply, len - 1, 0);
		if (n <= 0)
			err = n < 0 ? -errno : -ECONNRESET;
		else
			reply[n] = 0;
	}
	if (err || !keep_fd)
		close(fd);
	else
		*keep_fd = fd;
	return err;
}

/* Atomically, as engines read it while we write: no newline, like runc. */
int write_pid_file(const char *path, int pid)
{
	char tmp[4200];
	FILE *f;

	if (!path)
		return 0;
	snprintf(tmp, sizeof(tmp), "%s.cvisor-tmp", path);
	f = fopen(tmp, "we");
	if (!f)
		return -errno;
	fprintf(f, "%d", pid);
	if (fclose(f) || rename(tmp, path))
		return -errno;
	return 0;
}

int parse_signal(const char *s)
{
	static const struct { const char *n; int s; } names[] = {
		{ "HUP", SIGHUP }, { "INT", SIGINT }, { "QUIT", SIGQUIT }, { "ILL", SIGILL },
		{ "TRAP", SIGTRAP }, { "ABRT", SIGABRT }, { "IOT", SIGABRT }, { "BUS", SIGBUS },
		{ "FPE", SIGFPE }, { "KILL", SIGKILL }, { "USR1", SIGUSR1 }, { "SEGV", SIGSEGV },
		{ "USR2", SIGUSR2 }, { "PIPE", SIGPIPE }, { "ALRM", SIGALRM }, { "TERM", SIGTERM },
		{ "STKFLT", SIGSTKFLT }, { "CHLD", SIGCHLD }, { "CONT", SIGCONT },
		{ "STOP", SIGSTOP }, { "TSTP", SIGTSTP }, { "TTIN", SIGTTIN }, { "TTOU", SIGTTOU },
		{ "URG", SIGURG }, { "XCPU", SIGXCPU }, { "XFSZ", SIGXFSZ }, { "VTALRM", SIGVTALRM },
		{ "PROF", SIGPROF }, { "WINCH", SIGWINCH }, { "IO", SIGIO }, { "PWR", SIGPWR },
		{ "SYS", SIGSYS },
	};
	char *end;
	long n;

	if (isdigit((unsigned char)s[0])) {
		n = strtol(s, &end, 10);
		return *end || n < 1 || n > 64 ? -1 : (int)n;
	}
	if (!strncasecmp(s, "SIG", 3))
		s += 3;
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (!strcasecmp(s, names[i].n))
			return names[i].s;
	if (!strncasecmp(s, "RTMIN", 5) || !strncasecmp(s, "RTMAX", 5)) {
		n = s[5] ? strtol(s + 5, &end, 10) : 0;
		if (s[5] && *end)
			return -1;
		n = (s[3] == 'I' || s[3] == 'i') ? 34 + n : 64 + n;
		return n < 34 || n > 64 ? -1 : (int)n;
	}
	return -1;
}

/*
 * The sandbox is not our child (create has exited), so its pidfd.  It is
 * opened before the pid is checked to be the sandbox's (its start time):
 * a pid reused after the check would still be the one the pidfd names.
 */
bool wait_gone(const struct oci_state *st, int ms)
{
	int fd = pidfd_of(st->pid);
	int r;

	if (fd < 0)
		return fd == -ESRCH || !state_alive(st);
	r = !state_alive(st) ? 1 : pidfd_wait_any(&fd, 1, ms);
	close(fd);
	return r > 0;
}
