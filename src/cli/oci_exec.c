/* SPDX-License-Identifier: MIT */
/*
 * cvisor exec: a new process in a running container.  The sentry starts
 * it (control request "exec", our stdio passed along) and reports its
 * exit status on the same connection.  With --detach, a small waiter
 * process holds that connection and exits with the status: its pid is
 * the one --pid-file names, since engines wait for that pid.
 */
#include <errno.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cli/oci.h"
#include "cli/tty.h"
#include "oci/config.h"

struct exec_opts {
	const char *process, *console_socket, *pid_file, *cwd, *user, *preserve_fds;
	const char **env;
	bool detach, tty;
	unsigned rows, cols;
};

/* The process JSON the sentry takes: from --process, or the arguments. */
static char *process_json(struct exec_opts *o, int argc, char **argv, int i)
{
	struct oci_process p = { 0 };
	char err[512], *out;
	json_t *j = json_object(), *args = json_array(), *env = json_array();
	unsigned uid = 0, gid = 0;

	if (o->process) {
		if (oci_process_load(o->process, &p, err, sizeof(err))) {
			log_error("exec: %s", err);
			return NULL;
		}
		for (char **a = p.args; *a; a++)
			json_array_append_new(args, json_string(*a));
		for (char **e = p.env; *e; e++)
			json_array_append_new(env, json_string(*e));
		uid = p.uid;
		gid = p.gid;
		o->tty |= p.terminal;   /* docker exec -t passes it here */
		o->rows = p.rows;
		o->cols = p.cols;
	} else {
		for (; i < argc; i++)
			json_array_append_new(args, json_string(argv[i]));
		json_array_append_new(env, json_string(
			"PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"));
	}
	for (const char **e = o->env; e && *e; e++)
		json_array_append_new(env, json_string(*e));
	if (o->user && sscanf(o->user, "%u:%u", &uid, &gid) < 1) {
		log_error("exec: --user %s: want UID[:GID]", o->user);
		return NULL;
	}
	if (!json_array_size(args)) {
		log_error("exec: no command given");
		return NULL;
	}
	json_object_set_new(j, "args", args);
	json_object_set_new(j, "env", env);
	json_object_set_new(j, "cwd", json_string(o->cwd ? o->cwd : p.cwd ? p.cwd : "/"));
	json_object_set_new(j, "uid", json_integer(uid));
	json_object_set_new(j, "gid", json_integer(gid));
	out = json_dumps(j, JSON_COMPACT);
	json_decref(j);
	oci_process_free(&p);
	return out;
}

/* Wait for "exit STATUS" on the connection; our exit code. */
static int wait_exit(int fd)
{
	char buf[64];
	ssize_t n = recv(fd, buf, sizeof(buf) - 1, 0);
	int st;

	if (n <= 0)
		return 255;     /* the sandbox ended without a report */
	buf[n] = 0;
	if (sscanf(buf, "exit %d", &st) != 1)
		return 255;
	return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}

int cmd_exec(const struct gopts *g, int argc, char **argv)
{
	struct exec_opts o = { 0 };
	const struct opt opts[] = {
		{ "process", 'p', &o.process, NULL, NULL },
		{ "console-socket", 0, &o.console_socket, NULL, NULL },
		{ "pid-file", 0, &o.pid_file, NULL, NULL },
		{ "cwd", 0, &o.cwd, NULL, NULL },
		{ "user", 'u', &o.user, NULL, NULL },
		{ "env", 'e', NULL, NULL, &o.env },
		{ "preserve-fds", 0, &o.preserve_fds, NULL, NULL },
		{ "detach", 'd', NULL, &o.detach, NULL },
		{ "tty", 't', NULL, &o.tty, NULL },
		{ NULL, 0, NULL, NULL, NULL },
	};
	int i = parse_opts("exec", argc, argv, opts), fd, e, tty = -1;
	int stdio[3] = { 0, 1, 2 };
	struct oci_state st;
	char *req, *js, reply[256];
	pid_t pid;

	if (load_container(g, "exec", argc, argv, i, &st))
		return 1;
	if (strcmp(state_status(&st), "running")) {
		log_error("exec: container %s is %s, not running", st.id, state_status(&st));
		return 1;
	}
	js = process_json(&o, argc, argv, i + 1);
	if (!js || asprintf(&req, "exec %s", js) < 0)
		return 1;
	free(js);
	if (o.tty) {
		/* as for create: a new pty, its master to the engine over
		 * --console-socket, its other end the process's stdio */
		if (!o.console_socket) {
			log_error("exec: --tty needs --console-socket");
			return 1;
		}
		tty = tty_for_console(o.console_socket, o.rows, o.cols);
		if (tty < 0) {
			log_error("exec %s: terminal: %s", st.id, strerror(-tty));
			return 1;
		}
		stdio[0] = stdio[1] = stdio[2] = tty;
	}
	e = ctl_request(&st, req, stdio, reply, sizeof(reply), &fd);
	free(req);
	if (tty >= 0)
		close(tty);     /* the sandbox has its own copy now */
	if (e || strncmp(reply, "ok", 2)) {
		log_error("exec %s: %s", st.id, e ? strerror(-e) : reply + 4);
		if (!e)
			close(fd);
		return e ? 1 : 127;
	}
	if (!o.detach)
		return wait_exit(fd);
	fflush(NULL);
	pid = fork();
	if (pid == 0) {
		setsid();
		_exit(wait_exit(fd));
	}
	close(fd);
	if (pid < 0 || write_pid_file(o.pid_file, pid)) {
		log_error("exec %s: --pid-file: %s", st.id, strerror(errno));
		return 1;
	}
	return 0;
}
