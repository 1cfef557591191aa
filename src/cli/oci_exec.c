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
	const char **env, **caps, **gids;
	bool detach, tty, no_new_privs;
	unsigned rows, cols;
};

/* The request's capability sets, as masks. */
static json_t *caps_json(const struct oci_process *p)
{
	return json_pack("{sIsIsIsIsI}", "eff", (json_int_t)p->cap_effective,
			 "perm", (json_int_t)p->cap_permitted, "bnd", (json_int_t)p->cap_bounding,
			 "inh", (json_int_t)p->cap_inheritable, "amb", (json_int_t)p->cap_ambient);
}

/* runc exec's flags over the config's process: --cap adds to bounding,
 * effective, permitted and ambient; --additional-gids to the groups. */
static int apply_flags(struct exec_opts *o, struct oci_process *p, json_t *gids)
{
	for (const char **c = o->caps; c && *c; c++) {
		int v = oci_cap_value(*c);

		if (v < 0) {
			log_error("exec: --cap %s: unknown capability", *c);
			return -1;
		}
		p->cap_bounding |= 1ULL << v;
		p->cap_effective |= 1ULL << v;
		p->cap_permitted |= 1ULL << v;
		p->cap_ambient |= 1ULL << v;
	}
	for (const char **g = o->gids; g && *g; g++) {
		char *end;
		unsigned long v = strtoul(*g, &end, 10);

		if (*end || end == *g || **g == '-' || v > UINT32_MAX) {
			log_error("exec: --additional-gids %s: want a gid", *g);
			return -1;
		}
		json_array_append_new(gids, json_integer((json_int_t)v));
	}
	if (o->no_new_privs)
		p->no_new_privs = true;
	if (o->user && sscanf(o->user, "%u:%u", &p->uid, &p->gid) < 1) {
		log_error("exec: --user %s: want UID[:GID]", o->user);
		return -1;
	}
	return 0;
}

/*
 * The process the sentry starts, as runc exec makes it: the --process
 * file's (its capabilities the container's if it names none), or the
 * container's own process with the arguments given, then the flags.
 */
static char *process_json(struct exec_opts *o, const char *bundle, int argc, char **argv,
			  int i)
{
	struct oci_config c;
	struct oci_process p = { 0 }, *proc = &c.proc;
	char err[512], *out = NULL;
	json_t *j = json_object(), *args = json_array(), *env = json_array();
	json_t *gids = json_array();

	if (oci_config_load(bundle, &c, err, sizeof(err))) {
		log_error("exec: %s", err);
		goto done;
	}
	if (o->process) {
		if (oci_process_load(o->process, &p, err, sizeof(err))) {
			log_error("exec: %s", err);
			goto done;
		}
		if (!p.has_caps) {
			p.cap_effective = c.proc.cap_effective;
			p.cap_permitted = c.proc.cap_permitted;
			p.cap_bounding = c.proc.cap_bounding;
			p.cap_inheritable = c.proc.cap_inheritable;
			p.cap_ambient = c.proc.cap_ambient;
		}
		proc = &p;
		for (char **a = p.args; *a; a++)
			json_array_append_new(args, json_string(*a));
		o->tty |= p.terminal;   /* docker exec -t passes it here */
		o->rows = p.rows;
		o->cols = p.cols;
	} else {
		for (; i < argc; i++)
			json_array_append_new(args, json_string(argv[i]));
	}
	if (proc->unknown_caps)
		log_warn("exec: ignoring unknown or unavailable capabilities: %s",
			 proc->unknown_caps);
	for (char **e = proc->env; e && *e; e++)
		json_array_append_new(env, json_string(*e));
	for (const char **e = o->env; e && *e; e++)
		json_array_append_new(env, json_string(*e));
	for (int k = 0; k < proc->ngids; k++)
		json_array_append_new(gids, json_integer(proc->gids[k]));
	if (apply_flags(o, proc, gids))
		goto done;
	if (!json_array_size(args)) {
		log_error("exec: no command given");
		goto done;
	}
	json_object_set(j, "args", args);
	json_object_set(j, "env", env);
	json_object_set(j, "gids", gids);
	json_object_set_new(j, "cwd", json_string(o->cwd ? o->cwd : proc->cwd ? proc->cwd : "/"));
	json_object_set_new(j, "uid", json_integer(proc->uid));
	json_object_set_new(j, "gid", json_integer(proc->gid));
	json_object_set_new(j, "umask", json_integer(proc->umask));
	json_object_set_new(j, "noNewPrivileges", json_boolean(proc->no_new_privs));
	json_object_set_new(j, "caps", caps_json(proc));
	out = json_dumps(j, JSON_COMPACT);
done:
	json_decref(j);
	json_decref(args);
	json_decref(env);
	json_decref(gids);
	oci_process_free(&p);
	oci_config_free(&c);
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
		{ "cap", 'c', NULL, NULL, &o.caps },
		{ "additional-gids", 'g', NULL, NULL, &o.gids },
		{ "no-new-privs", 0, NULL, &o.no_new_privs, NULL },
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
	js = process_json(&o, st.bundle, argc, argv, i + 1);
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
