/* SPDX-License-Identifier: MIT */
/*
 * cvisor do [--strace] [--stats] [--host-uds] [--root DIR] [--rw DIR]... [--] PROG [ARGS...]
 *
 * Runs PROG in a new sandbox whose root is the host's / under an in-memory
 * overlay.  Exit status: PROG's; 128+N if it died of signal N; 125 if the
 * sandbox failed, 126 if PROG cannot be run, 127 if it does not exist.
 */
#include <errno.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cli/cli.h"
#include "sandbox/confine.h"
#include "sandbox/sentry_exec.h"
#include "sentry.h"

extern char **environ;

#define USAGE "usage: cvisor do [--strace] [--stats] [--network=none|host] [--host-uds] [--root DIR] [--rw DIR]... [--] PROG [ARGS...]\n"

/* PROG without a slash is looked up in PATH, as execvp(3) does. */
static int find_prog(const char *prog, char *path, size_t len)
{
	const char *p = getenv("PATH");
	int err = ENOENT;

	if (strchr(prog, '/')) {
		snprintf(path, len, "%s", prog);
		return 0;
	}
	for (p = p ? p : "/usr/local/bin:/usr/bin:/bin"; *p;) {
		size_t n = strcspn(p, ":");
		struct stat st;

		snprintf(path, len, "%.*s/%s", (int)n, n ? p : ".", prog);
		if (!stat(path, &st) && S_ISREG(st.st_mode)) {
			if (!access(path, X_OK))
				return 0;
			err = EACCES;
		}
		p += n + (p[n] == ':');
	}
	return -err;
}

static int add_rw(struct sentry_run *r, const char *dir)
{
	char real[PATH_MAX];
	char **v;

	if (!realpath(dir, real)) {
		fprintf(stderr, "cvisor do: --rw %s: %s\n", dir, strerror(errno));
		return -1;
	}
	v = realloc(r->rw, (size_t)(r->nr_rw + 1) * sizeof(*v));
	if (!v)
		return -1;
	r->rw = v;
	r->rw[r->nr_rw++] = strdup(real);
	return 0;
}

int exit_code(int status)
{
	switch (status) {
	case -ENOENT:
		return 127;
	case -ENOEXEC: case -EACCES: case -ELIBBAD: case -ELOOP: case -ENOTDIR:
	case -EISDIR:
		return 126;
	}
	if (status < 0)
		return 125;
	if (WIFSIGNALED(status))
		return 128 + WTERMSIG(status);
	return WEXITSTATUS(status);
}

/* In the sandbox's namespaces: become the sentry (sandbox/sentry_exec.h). */
void sentry_exec_or_die(const struct sentry_run *r)
{
	int err = sentry_exec(r);

	fprintf(stderr, "cvisor: cannot start the sentry: %s\n", strerror(-err));
	_exit(125);
}

/* cvisor __sentry FD: the sentry, exec'd by sentry_exec_or_die(). */
int cmd_sentry(int argc, char **argv)
{
	struct sentry_run r;
	int err = sentry_boot(argc, argv, &r);

	if (err) {
		fprintf(stderr, "cvisor: the sentry cannot start: %s\n", strerror(-err));
		return 125;
	}
	return exit_code(sentry_main(&r));
}

static pid_t supervisor;

static void forward(int sig, siginfo_t *si, void *uc)
{
	(void)uc;
	if (supervisor > 0)
		confine_forward(supervisor, sig, si);
}

/*
 * The sentry runs confined (src/sandbox/confine.h) in its own process
 * tree; this process passes signals on (Ctrl-C reaches only us: the
 * sandbox has its own session) and exits with the sandbox's status.
 */
static int run_confined(struct sentry_run *r, bool host_net)
{
	struct sigaction sa = { .sa_sigaction = forward, .sa_flags = SA_RESTART | SA_SIGINFO };
	pid_t pid;
	int status;

	r->lockdown = confine_lockdown;
	pid = confine_spawn(&(struct confine){ .new_net = !host_net, .die_with_parent = true,
					       .stdio_fd = -1 });
	if (pid == 0)
		sentry_exec_or_die(r);
	if (pid < 0) {
		fprintf(stderr, "cvisor: cannot start the sandbox: %s\n", strerror(-pid));
		return 125;
	}
	supervisor = pid;
	for (int s = 1; s < 32; s++)
		if (s != SIGKILL && s != SIGSTOP && s != SIGCHLD)
			sigaction(s, &sa, NULL);
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			return 125;
	return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

/*
 * The program runs as root with every capability the caller's bounding
 * set allows (what root's execve gives on the host), and the caller's
 * umask.
 */
static void host_like_creds(struct sentry_run *r)
{
	mode_t mask = umask(0);

	umask(mask);
	r->umask = (int)mask;
	r->caps_set = true;
	r->cap_bnd = 0;
	for (int c = 0; c < 64; c++)
		if (prctl(PR_CAPBSET_READ, c, 0, 0, 0) == 1)
			r->cap_bnd |= 1ULL << c;
	r->cap_eff = r->cap_perm = r->cap_bnd;
}

int cmd_do(int argc, char **argv)
{
	struct sentry_run r = { .envp = environ, .ctl_fd = -1, .ready_fd = -1 };
	bool host_net = false;
	char path[4096];
	int i, err;

	host_like_creds(&r);

	for (i = 1; i < argc && argv[i][0] == '-'; i++) {
		if (!strcmp(argv[i], "--")) {
			i++;
			break;
		} else if (!strcmp(argv[i], "--strace")) {
			r.strace = true;
		} else if (!strcmp(argv[i], "--stats")) {
			r.stats = true;
		} else if (!strcmp(argv[i], "--host-uds")) {
			r.host_uds = true;      /* docs/networking.md, "Host unix sockets" */
		} else if (!strcmp(argv[i], "--network=host")) {
			host_net = true;
		} else if (!strcmp(argv[i], "--network=none")) {
			host_net = false;
		} else if (!strcmp(argv[i], "--root") && i + 1 < argc) {
			r.root = argv[++i];
		} else if (!strcmp(argv[i], "--rw") && i + 1 < argc) {
			if (add_rw(&r, argv[++i]))
				return 2;
		} else if (!strncmp(argv[i], "--rw=", 5)) {
			if (add_rw(&r, argv[i] + 5))
				return 2;
		} else {
			fprintf(stderr, "cvisor do: unknown option '%s'\n" USAGE, argv[i]);
			return 2;
		}
	}
	if (i >= argc) {
		fputs("cvisor do: missing program\n" USAGE, stderr);
		return 2;
	}
	if (r.root)     /* PROG names a file inside the root: the sentry walks it */
		err = snprintf(path, sizeof(path), "%s", argv[i]) < 0 ? -EINVAL : 0;
	else
		err = find_prog(argv[i], path, sizeof(path));
	if (err) {
		fprintf(stderr, "cvisor: %s: %s\n", argv[i], strerror(-err));
		return err == -ENOENT ? 127 : 126;
	}
	r.prog_path = path;
	r.argv = argv + i;
	return run_confined(&r, host_net);
}
