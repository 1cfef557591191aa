/* SPDX-License-Identifier: MIT */
/* cvisor state / kill / delete / list / ps / events / spec / features. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli/oci.h"
#include "oci/config.h"
#include "oci/hooks.h"
#include "sandbox/cgroup.h"
#include "sandbox/pidfd.h"

static const struct opt no_opts[] = { { NULL, 0, NULL, NULL, NULL } };

int cmd_state(const struct gopts *g, int argc, char **argv)
{
	struct oci_state st;
	int i = parse_opts("state", argc, argv, no_opts);
	char *js;

	if (load_container(g, "state", argc, argv, i, &st))
		return 1;
	js = state_json(&st, true);
	if (js)
		printf("%s\n", js);
	free(js);
	state_free(&st);
	return js ? 0 : 1;
}

int cmd_kill(const struct gopts *g, int argc, char **argv)
{
	bool all = false;
	const struct opt opts[] = { { "all", 'a', NULL, &all, NULL }, { NULL, 0, NULL, NULL, NULL } };
	int i = parse_opts("kill", argc, argv, opts), sig = SIGTERM, e;
	struct oci_state st;
	char req[64], reply[256];

	if (load_container(g, "kill", argc, argv, i, &st))
		return 1;
	if (i + 2 < argc || (i + 1 < argc && (sig = parse_signal(argv[i + 1])) < 0)) {
		log_error("kill: '%s' is not a signal", argv[i + 1]);
		return 1;
	}
	if (!strcmp(state_status(&st), "stopped")) {
		log_error("kill: container %s is not running", st.id);
		return 1;
	}
	snprintf(req, sizeof(req), "kill %d %d", sig, all);
	if (!strcmp(state_status(&st), "paused")) {
		e = container_kill_paused(&st, sig, req);
		snprintf(reply, sizeof(reply), "ok");
	} else {
		e = ctl_request(&st, req, NULL, reply, sizeof(reply), NULL);
	}
	if (e && sig == SIGKILL) {
		e = kill(st.pid, SIGKILL) ? -errno : 0;     /* a wedged sentry still dies */
		snprintf(reply, sizeof(reply), "ok");
	}
	if (e || strncmp(reply, "ok", 2)) {
		log_error("kill %s: %s", st.id, e ? strerror(-e) : reply + 4);
		state_free(&st);
		return 1;
	}
	state_free(&st);
	return 0;
}

static void poststop(const struct oci_state *st)
{
	struct oci_config c;
	char err[512], *js;

	if (oci_config_load(st->bundle, &c, err, sizeof(err)))
		return;         /* the bundle is gone: no hooks to run */
	js = c.nhooks[HOOK_POSTSTOP] ? state_json(st, false) : NULL;
	/* poststop failures are logged, not fatal (runtime spec) */
	if (js && run_hooks(c.hooks[HOOK_POSTSTOP], c.nhooks[HOOK_POSTSTOP], js, err, sizeof(err)))
		log_error("poststop hook: %s", err);
	free(js);
	oci_config_free(&c);
}

/* A stopped container's last traces: poststop hooks, cgroup, state. */
void container_remove(struct oci_state *st)
{
	char cg[4096], made[2048];

	poststop(st);
	if (!state_cgroup(st, cg, sizeof(cg)))
		cgroup_destroy(cg, state_cgroup_made(st, made, sizeof(made)) ? NULL : made);
	state_remove(st);
}

int cmd_delete(const struct gopts *g, int argc, char **argv)
{
	bool force = false;
	const struct opt opts[] = { { "force", 'f', NULL, &force, NULL },
				    { NULL, 0, NULL, NULL, NULL } };
	int i = parse_opts("delete", argc, argv, opts);
	struct oci_state st;
	const char *status;

	if (i >= 0 && i < argc && force && state_read(g->root, argv[i], &st) == -ENOENT)
		return 0;       /* --force: a missing container is fine (runc) */
	if (load_container(g, "delete", argc, argv, i, &st))
		return 1;
	status = state_status(&st);
	/* a created container never ran: delete may stop it, as runc does */
	if ((!strcmp(status, "running") || !strcmp(status, "paused")) && !force) {
		log_error("delete: container %s is %s (stop it first, or use --force)", st.id,
			  status);
		state_free(&st);
		return 1;
	}
	if (strcmp(status, "stopped")) {
		if (!strcmp(status, "paused"))
			container_kill_paused(&st, SIGKILL, NULL);
		else
			kill(st.pid, SIGKILL);
		if (!wait_gone(&st, 10000)) {
			log_error("delete %s: the sandbox (pid %d) did not stop", st.id, st.pid);
			state_free(&st);
			return 1;
		}
	}
	container_remove(&st);
	state_free(&st);
	return 0;
}

int cmd_list(const struct gopts *g, int argc, char **argv)
{
	const char *format = "table";
	bool quiet = false;
	const struct opt opts[] = { { "format", 'f', &format, NULL, NULL },
				    { "quiet", 'q', NULL, &quiet, NULL },
				    { NULL, 0, NULL, NULL, NULL } };
	int i = parse_opts("list", argc, argv, opts);
	json_t *arr = json_array();
	DIR *d;
	struct dirent *e;

	if (i < 0)
		return 1;
	if (strcmp(format, "table") && strcmp(format, "json")) {
		log_error("list: --format %s: must be table or json", format);
		return 1;
	}
	if (!strcmp(format, "table") && !quiet)
		printf("%-24s %-8s %-10s %-40s %s\n", "ID", "PID", "STATUS", "BUNDLE", "CREATED");
	d = opendir(g->root);
	while (d && (e = readdir(d))) {
		struct oci_state st;
		char *js;

		if (e->d_name[0] == '.' || state_read(g->root, e->d_name, &st))
			continue;
		if (quiet)
			printf("%s\n", st.id);
		else if (!strcmp(format, "table"))
			printf("%-24s %-8d %-10s %-40s %s\n", st.id,
			       strcmp(state_status(&st), "stopped") ? st.pid : 0,
			       state_status(&st), st.bundle, st.created);
		else if ((js = state_json(&st, false))) {
			json_array_append_new(arr, json_loads(js, 0, NULL));
			free(js);
		}
		state_free(&st);
	}
	if (d)
		closedir(d);
	if (!strcmp(format, "json") && !quiet) {
		char *s = json_dumps(arr, JSON_COMPACT);

		printf("%s\n", s ? s : "[]");
		free(s);
	}
	json_decref(arr);
	return 0;
}

/*
 * The host pids of the container: the sentry and its stub processes, i.e.
 * every process in the pid namespace the supervisor made for its child.
 * (The sentry itself only knows their pids inside that namespace.)
 */
static json_t *host_pids(const struct oci_state *st)
{
	char path[64], ns[64], other[64];
	json_t *arr = json_array();
	struct dirent *e;
	ssize_t n;
	DIR *d;

	if (!strcmp(state_status(st), "stopped"))
		return arr;
	snprintf(path, sizeof(path), "/proc/%d/ns/pid_for_children", st->pid);
	if ((n = readlink(path, ns, sizeof(ns) - 1)) <= 0 || !(d = opendir("/proc")))
		return arr;
	ns[n] = 0;
	while ((e = readdir(d))) {
		int pid = atoi(e->d_name);

		snprintf(path, sizeof(path), "/proc/%d/ns/pid", pid);
		if (pid > 0 && pid != st->pid &&
		    (n = readlink(path, other, sizeof(other) - 1)) > 0 &&
		    (other[n] = 0, !strcmp(ns, other)))
			json_array_append_new(arr, json_integer(pid));
	}
	closedir(d);
	return arr;
}

int cmd_ps(const struct gopts *g, int argc, char **argv)
{
	const char *format = "table";
	const struct opt opts[] = { { "format", 'f', &format, NULL, NULL },
				    { NULL, 0, NULL, NULL, NULL } };
	int i = parse_opts("ps", argc, argv, opts);
	struct oci_state st;
	json_t *pids, *v;
	size_t k;

	if (load_container(g, "ps", argc, argv, i, &st))
		return 1;
	pids = host_pids(&st);
	if (!strcmp(format, "json")) {
		char *s = json_dumps(pids, JSON_COMPACT);

		printf("%s\n", s ? s : "[]");
		free(s);
	} else {
		printf("%-8s %s\n", "PID", "CMD");
		json_array_foreach(pids, k, v) {
			char path[64], cmd[256] = "";
			FILE *f;

			snprintf(path, sizeof(path), "/proc/%lld/comm", json_integer_value(v));
			if ((f = fopen(path, "re"))) {
				if (fgets(cmd, sizeof(cmd), f))
					cmd[strcspn(cmd, "\n")] = 0;
				fclose(f);
			}
			printf("%-8lld %s\n", json_integer_value(v), cmd);
		}
	}
	json_decref(pids);
	state_free(&st);
	return 0;
}

/* events --stats: one stats object; events: one per interval until stopped. */
int cmd_events(const struct gopts *g, int argc, char **argv)
{
	const char *interval = "5";
	bool stats = false;
	const struct opt opts[] = { { "stats", 0, NULL, &stats, NULL },
				    { "interval", 0, &interval, NULL, NULL },
				    { NULL, 0, NULL, NULL, NULL } };
	int i = parse_opts("events", argc, argv, opts), fd, secs;
	struct oci_state st;

	if (load_container(g, "events", argc, argv, i, &st))
		return 1;
	/* the interval is a timeout on the sandbox's exit: events ends with it */
	fd = stats ? -1 : pidfd_of(st.pid);
	secs = atoi(interval) > 0 ? atoi(interval) : 5;
	do {
		json_t *pids = host_pids(&st);
		json_t *ev = json_pack("{s:s,s:s,s:{s:{s:i}}}", "type", "stats", "id", st.id,
				       "data", "pids", "current", (int)json_array_size(pids));
		char *s = json_dumps(ev, JSON_COMPACT);

		printf("%s\n", s);
		fflush(stdout);
		free(s);
		json_decref(ev);
		json_decref(pids);
	} while (!stats && fd >= 0 && pidfd_wait_any(&fd, 1, secs * 1000L) == 0 &&
		 state_alive(&st));
	if (fd >= 0)
		close(fd);
	state_free(&st);
	return 0;
}

int cmd_spec(const struct gopts *g, int argc, char **argv)
{
	const char *bundle = ".";
	bool rootless = false;
	const struct opt opts[] = { { "bundle", 'b', &bundle, NULL, NULL },
				    { "rootless", 0, NULL, &rootless, NULL },
				    { NULL, 0, NULL, NULL, NULL } };
	int i = parse_opts("spec", argc, argv, opts), fd;
	char path[4096], *spec;

	(void)g;
	if (i < 0)
		return 1;
	snprintf(path, sizeof(path), "%s/config.json", bundle);
	spec = oci_default_spec(rootless);
	fd = spec ? open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644) : -1;
	if (fd < 0) {
		log_error("spec: %s: %s", path, errno == EEXIST ? "already exists" : strerror(errno));
		free(spec);
		return 1;
	}
	if (write(fd, spec, strlen(spec)) < 0 || write(fd, "\n", 1) < 0 || close(fd)) {
		log_error("spec: %s: %s", path, strerror(errno));
		free(spec);
		return 1;
	}
	free(spec);
	return 0;
}

int cmd_features(const struct gopts *g, int argc, char **argv)
{
	json_t *f;
	char *s;

	(void)g;
	(void)argc;
	(void)argv;
	f = json_pack("{s:s,s:s,s:[s,s,s,s,s],s:[s,s,s,s,s,s,s,s,s],"
		      "s:{s:[s,s,s,s,s,s,s],s:{s:b,s:b},s:{s:b}},s:{s:s}}",
		      "ociVersionMin", "1.0.0", "ociVersionMax", OCI_VERSION,
		      "hooks", "prestart", "createRuntime", "createContainer", "poststart",
		      "poststop",
		      "mountOptions", "ro", "rw", "bind", "rbind", "mode", "size", "nosuid",
		      "nodev", "noexec",
		      "linux", "namespaces", "pid", "network", "mount", "ipc", "uts", "user",
		      "cgroup",
		      "cgroup", "v1", 1, "v2", 1, "seccomp", "enabled", 1,
		      "annotations", "io.github.cvisor.sandbox", "sentry");
	s = f ? json_dumps(f, JSON_INDENT(4)) : NULL;
	if (s)
		printf("%s\n", s);
	free(s);
	json_decref(f);
	return s ? 0 : 1;
}
