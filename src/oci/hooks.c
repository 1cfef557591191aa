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
#include <time.h>
#include <unistd.h>

#include "oci/hooks.h"

static int wait_timeout(pid_t pid, int timeout, int *status)
{
	struct timespec slice = { 0, 10000000 };
	long waited = 0;

	for (;;) {
		pid_t r = waitpid(pid, status, timeout ? WNOHANG : 0);

		if (r == pid)
			return 0;
		if (r < 0 && errno != EINTR)
			return -errno;
		if (timeout && waited >= timeout * 100L) {
			kill(pid, SIGKILL);
			waitpid(pid, status, 0);
			return -ETIMEDOUT;
		}
		nanosleep(&slice, NULL);
		waited++;
	}
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
