/* SPDX-License-Identifier: MIT */
/*
 * OCI hooks: run on the host, in the runtime's namespaces, with the
 * container's state JSON on stdin, as the runtime spec says.  A hook that
 * fails (or outlives its timeout) fails the operation that ran it.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "oci/hooks.h"
#include "sandbox/pidfd.h"

/* waitpid without a retry on EINTR would lose the hook's status */
static int reap(pid_t pid, int *status)
{
	while (waitpid(pid, status, 0) < 0)
		if (errno != EINTR)
			return -errno;
	return 0;
}

/*
 * The hook's timeout (s, 0: none) is a poll timeout on its pidfd; when it
 * runs out the hook is killed and reaped.
 */
static int wait_timeout(pid_t pid, int timeout, int *status)
{
	int fd, r, err;

	if (!timeout)
		return reap(pid, status);
	fd = pidfd_of(pid);
	r = fd < 0 ? fd : pidfd_wait_any(&fd, 1, timeout * 1000L);
	if (fd >= 0)
		close(fd);
	if (r <= 0)
		kill(pid, SIGKILL);     /* out of time, or no way to time it */
	err = reap(pid, status);
	return r == 0 ? -ETIMEDOUT : r < 0 ? r : err;
}

static int run_one(const struct oci_hook *h, const char *state, char *err, size_t len)
{
	char *const empty[] = { NULL };
	int in[2], status, r;
	pid_t pid;

	if (pipe2(in, O_CLOEXEC))
		return -errno;
	pid = fork();
	if (pid < 0)
		return -errno;
	if (pid == 0) {
		dup2(in[0], 0);
		execve(h->path, h->args ? h->args : (char *const[]){ h->path, NULL },
		       h->env ? h->env : empty);
		fprintf(stderr, "cvisor: hook %s: %s\n", h->path, strerror(errno));
		_exit(127);
	}
	close(in[0]);
	if (write(in[1], state, strlen(state)) < 0) {
		/* a hook need not read its stdin */
	}
	close(in[1]);
	r = wait_timeout(pid, h->timeout, &status);
	if (r == -ETIMEDOUT)
		snprintf(err, len, "hook %s: timed out after %d s", h->path, h->timeout);
	else if (r)
		snprintf(err, len, "hook %s: %s", h->path, strerror(-r));
	else if (!WIFEXITED(status) || WEXITSTATUS(status))
		snprintf(err, len, "hook %s: failed with status %d", h->path,
			 WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status));
	else
		return 0;
	return -1;
}

int run_hooks(const struct oci_hook *hooks, int n, const char *state, char *err, size_t len)
{
	for (int i = 0; i < n; i++)
		if (run_one(&hooks[i], state, err, len))
			return -1;
	return 0;
}
