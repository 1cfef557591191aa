/* SPDX-License-Identifier: MIT */
/*
 * cvisor do [--strace] [--stats] [--] PROG [ARGS...]
 *
 * Exit status: PROG's; 128+N if it died of signal N; 125 if the sandbox
 * failed, 126 if PROG cannot be run, 127 if it does not exist (as env(1)).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cli/cli.h"
#include "loader/loader.h"
#include "sentry.h"

extern char **environ;

/* PROG without a slash is looked up in PATH, as execvp(3) does. */
static int open_prog(const char *prog, char *path, size_t len)
{
	const char *p = getenv("PATH");
	int fd, err = ENOENT;

	if (strchr(prog, '/')) {
		snprintf(path, len, "%s", prog);
		fd = open(prog, O_RDONLY | O_CLOEXEC);
		return fd < 0 ? -errno : fd;
	}
	for (p = p ? p : "/usr/local/bin:/usr/bin:/bin"; *p;) {
		size_t n = strcspn(p, ":");
		struct stat st;

		snprintf(path, len, "%.*s/%s", (int)n, n ? p : ".", prog);
		fd = open(path, O_RDONLY | O_CLOEXEC);
		if (fd >= 0 && !fstat(fd, &st) && S_ISREG(st.st_mode) &&
		    !access(path, X_OK))
			return fd;
		if (fd >= 0) {
			close(fd);
			err = EACCES;
		}
		p += n + (p[n] == ':');
	}
	return -err;
}

static int check_prog(int fd, const char *path)
{
	struct stat st;
	const char *why = NULL;

	if (fstat(fd, &st) || !S_ISREG(st.st_mode) || access(path, X_OK)) {
		fprintf(stderr, "cvisor: %s: %s\n", path,
			S_ISDIR(st.st_mode) ? "Is a directory" : "Permission denied");
		return 126;
	}
	if (check_elf(fd, &why)) {
		fprintf(stderr, "cvisor: %s: %s\n", path, why);
		return 126;
	}
	return 0;
}

int cmd_do(int argc, char **argv)
{
	struct sentry_run r = { .envp = environ };
	char path[4096];
	int i, fd, status;

	for (i = 1; i < argc && argv[i][0] == '-'; i++) {
		if (!strcmp(argv[i], "--")) {
			i++;
			break;
		} else if (!strcmp(argv[i], "--strace")) {
			r.strace = true;
		} else if (!strcmp(argv[i], "--stats")) {
			r.stats = true;
		} else {
			fprintf(stderr, "cvisor do: unknown option '%s'\n"
				"usage: cvisor do [--strace] [--stats] [--] PROG [ARGS...]\n",
				argv[i]);
			return 2;
		}
	}
	if (i >= argc) {
		fputs("cvisor do: missing program\n"
		      "usage: cvisor do [--strace] [--stats] [--] PROG [ARGS...]\n", stderr);
		return 2;
	}
	fd = open_prog(argv[i], path, sizeof(path));
	if (fd < 0) {
		fprintf(stderr, "cvisor: %s: %s\n", argv[i], strerror(-fd));
		return fd == -ENOENT ? 127 : 126;
	}
	status = check_prog(fd, path);
	if (status)
		return status;
	r.prog_fd = fd;
	r.prog_path = path;
	r.argv = argv + i;
	status = sentry_main(&r);
	if (status < 0)
		return 125;
	if (WIFSIGNALED(status))
		return 128 + WTERMSIG(status);
	return WEXITSTATUS(status);
}
