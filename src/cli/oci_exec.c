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

static void copy_caps(struct oci_process *to, const struct oci_process *from)
{
	to->cap_effective = from->cap_effective;
	to->cap_permitted = from->cap_permitted;
	to->cap_bounding = from->cap_bounding;
	to->cap_inheritable = from->cap_inheritable;
	to->cap_ambient = from->cap_ambient;
}

/*
 * The process runc exec would start: the --process file's (with the
 * container's capabilities if it names none), or the container's own.
 * *caps: whether its capability sets are known (else the sentry gives
 * init's, for a container whose bundle has gone).
 */
static int exec_process(struct exec_opts *o, const char *bundle, struct oci_process *p,
			bool *caps)
{
	struct oci_config c;
	char err[512];
	bool have_cfg = !oci_config_load(bundle, &c, err, sizeof(err));
	int r = -1;

	if (o->process) {
		r = oci_process_load(o->process, p, err, sizeof(err));
		if (!r && !p->has_caps && have_cfg)
			copy_caps(p, &c.proc);
		*caps = p->has_caps || have_cfg;
		o->tty |= p->terminal;  /* docker exec -t passes it here */
		o->rows = p->rows;
		o->cols = p->cols;
	} else if (have_cfg) {
		*p = c.proc;            /* ours now */
		memset(&c.proc, 0, sizeof(c.proc));
		*caps = true;
		r = 0;
	}
	if (r)
		log_error("exec: %s", err);
	oci_config_free(&c);
	return r;
}

/* The sentry's exec request: the process, then runc exec's flags. */
static char *process_json(struct exec_opts *o, const char *bundle, char **argv, int i)
{
	struct oci_process p = { 0 };
	json_t *j = NULL, *args = json_array(), *env = json_array(), *gids = json_array();
	char *out = NULL;
	bool caps = false;

	if (exec_process(o, bundle, &p, &caps))
		goto done;
	/* the arguments given, or the --process file's (argv ends in NULL) */
	for (char **a = o->process ? p.args : argv + i; a && *a; a++)
		json_array_append_new(args, json_string(*a));
	if (p.unknown_caps)
		log_warn("exec: ignoring unknown or unavailable capabilities: %s", p.unknown_caps);
	for (char **e = p.env; e && *e; e++)
		json_array_append_new(env, json_string(*e));
	for (const char **e = o->env; e && *e; e++)
		json_array_append_new(env, json_string(*e));
	for (int k = 0; k < p.ngids; k++)
		json_array_append_new(gids, json_integer(p.gids[k]));
	if (apply_flags(o, &p, gids))
		goto done;
	if (!json_array_size(args)) {
		log_error("exec: no command given");
		goto done;
	}
	j = json_pack("{s:O,s:O,s:O,s:s,s:I,s:I,s:I,s:b}", "args", args, "env", env,
		      "gids", gids, "cwd", o->cwd ? o->cwd : p.cwd ? p.cwd : "/",
		      "uid", (json_int_t)p.uid, "gid", (json_int_t)p.gid,
		      "umask", (json_int_t)p.umask, "noNewPrivileges", p.no_new_privs);
	if (j && caps)
		json_object_set_new(j, "caps", caps_json(&p));
	out = j ? json_dumps(j, JSON_COMPACT) : NULL;
done:
	json_decref(j);
	json_decref(args);
	json_decref(env);
	json_decref(gids);
	oci_process_free(&p);
	return out;
}

/*
 * Wait for "exit STATUS" on the connection; our exit code.  The sentry
 * says "ok" before the process's first thread starts, and that start can
 * still fail (the host refuses the sentry's thread under a pids limit):
 * then "err REASON" comes instead, and, as runc exec does when it cannot
 * start the process, we say so and exit 255.
 */
static int wait_exit(int fd, const char *id)
{
	char buf[256];
	ssize_t n = recv(fd, buf, sizeof(buf) - 1, 0);
	int st;

	if (n <= 0) {
		log_error("exec %s: the sandbox ended before the process did", id);
		return 255;
	}
	buf[n] = 0;
	if (sscanf(buf, "exit %d", &st) == 1)
		return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
	log_error("exec %s: exec failed: %s", id, strncmp(buf, "err ", 4) ? buf : buf + 4);
	return 255;
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
	js = process_json(&o, st.bundle, argv, i + 1);
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
		return wait_exit(fd, st.id);
	fflush(NULL);
	pid = fork();
	if (pid == 0) {
		setsid();
		_exit(wait_exit(fd, st.id));
	}
	close(fd);
	if (pid < 0 || write_pid_file(o.pid_file, pid)) {
		log_error("exec %s: --pid-file: %s", st.id, strerror(errno));
		return 1;
	}
	return 0;
}
