/* SPDX-License-Identifier: MIT */
/*
 * cvisor create / start / run: a container is one sentry process on the
 * host (DESIGN.md §2), forked by `create`, which waits on its control
 * socket with init loaded but stopped before its first instruction;
 * `start` lets init go.  The sentry's pid is the container's pid for the
 * engine (--pid-file) and its exit status is the container's.
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/openat2.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <unistd.h>
#include <jansson.h>

#include "cli/oci.h"
#include "cli/tty.h"
#include "oci/config.h"
#include "oci/hooks.h"
#include "oci/seccomp_profile.h"
#include "sandbox/cgroup.h"
#include "sandbox/confine.h"
#include "sandbox/settle.h"
#include "sentry.h"

/* The sandbox's cgroup: its container id, the path chosen for it and what
 * of it was made (cg.path[0] == 0: none). */
static const char *cg_id;
static struct cgroup cg;

struct create_opts {
	const char *bundle, *pid_file, *console_socket, *preserve_fds;
	bool no_pivot, no_new_keyring, detach, keep;
};

static const struct opt *create_optv(struct create_opts *o)
{
	static struct opt v[9];
	struct opt list[] = {
		{ "bundle", 'b', &o->bundle, NULL, NULL },
		{ "pid-file", 0, &o->pid_file, NULL, NULL },
		{ "console-socket", 0, &o->console_socket, NULL, NULL },
		{ "preserve-fds", 0, &o->preserve_fds, NULL, NULL },
		{ "no-pivot", 0, NULL, &o->no_pivot, NULL },
		{ "no-new-keyring", 0, NULL, &o->no_new_keyring, NULL },
		{ "detach", 'd', NULL, &o->detach, NULL },
		{ "keep", 0, NULL, &o->keep, NULL },
		{ NULL, 0, NULL, NULL, NULL },
	};

	memcpy(v, list, sizeof(list));
	return v;
}

/* the sentry's oom_score_adj (see oom_score_adj()) */
static int sentry_oom_score_adj;

/* The rootfs, opened here while still the host's root: with uid mappings
 * the sandbox's ids may not be able to reach it (a bundle in a 0700
 * directory), as with runc.  It is used through this fd only. */
static int root_fd = -1;

/*
 * root.path names the rootfs directory itself: as runc, no symlink on
 * the way (runc's "not an absolute path, or a symlink"), so that what the
 * sandbox gets is what the engine named.  An fd, or -errno.
 */
static int open_rootfs(const char *path)
{
	struct open_how how = { .flags = O_PATH | O_DIRECTORY | O_CLOEXEC,
				.resolve = RESOLVE_NO_SYMLINKS };
	long fd = syscall(SYS_openat2, AT_FDCWD, path, &how, sizeof(how));

	return fd < 0 ? -errno : (int)fd;
}

/* linux.seccomp, compiled once by create (NULL: none) */
static struct sock_filter *seccomp_prog;
static size_t seccomp_len;

/* Without config.hostname a container has the host's name, as runc's does
 * (a new UTS namespace starts with its creator's). */
static const char *default_hostname(void)
{
	static struct utsname u;

	return uname(&u) ? "localhost" : u.nodename;
}

/* The annotation dev.cvisor.host-uds: "true" asks for --host-uds
 * (docs/networking.md, "Host unix sockets"). */
static bool host_uds_asked(const struct oci_config *c)
{
	json_t *a = c->annotations_json ? json_loads(c->annotations_json, 0, NULL) : NULL;
	const char *v = json_string_value(json_object_get(a, "dev.cvisor.host-uds"));
	bool yes = v && !strcmp(v, "true");

	json_decref(a);
	return yes;
}

/* The config's terms in the sentry's (pointers into c). */
static struct sentry_run *run_of(const struct oci_config *c, int ctl_fd, int ready_fd)
{
	struct sentry_run *r = calloc(1, sizeof(*r));
	struct sentry_mount *m = calloc((size_t)c->nmounts + 1, sizeof(*m));
	struct sentry_rlimit *l = calloc((size_t)c->proc.nrlimits + 1, sizeof(*l));
	struct sentry_device *d = calloc((size_t)c->ndevices + 1, sizeof(*d));

	if (!r || !m || !l || !d)
		return NULL;
	for (int i = 0; i < c->ndevices; i++)
		d[i] = (struct sentry_device){ c->devices[i].path, c->devices[i].mode,
					       c->devices[i].rdev, c->devices[i].uid,
					       c->devices[i].gid };
	for (int i = 0; i < c->nmounts; i++)
		m[i] = (struct sentry_mount){ c->mounts[i].destination,
					      c->mounts[i].bind ? "bind" : c->mounts[i].type,
					      c->mounts[i].source, c->mounts[i].ro,
					      c->mounts[i].nosuid, c->mounts[i].mode };
	for (int i = 0; i < c->proc.nrlimits; i++)
		l[i] = (struct sentry_rlimit){ c->proc.rlimits[i].resource,
					       c->proc.rlimits[i].rlim };
	*r = (struct sentry_run){
		.prog_path = c->proc.args[0], .root = c->root_path, .argv = c->proc.args,
		.envp = c->proc.env, .container = true, .root_ro = c->root_ro,
		.mounts = m, .nmounts = c->nmounts, .masked = (const char *const *)c->masked,
		.readonly = (const char *const *)c->readonly, .devices = d,
		.ndevices = c->ndevices, .oom_score_adj = sentry_oom_score_adj,
		.root_fd = root_fd, .uid_map = c->uid_map, .gid_map = c->gid_map,
		.cwd = c->proc.cwd, .uid = c->proc.uid, .gid = c->proc.gid,
		.gids = c->proc.gids, .ngids = c->proc.ngids, .hostname = c->hostname ? c->hostname : default_hostname(),
		.pids_max = c->pids_limit, .host_uds = host_uds_asked(c),
		.caps_set = true, .cap_eff = c->proc.cap_effective,
		.cap_perm = c->proc.cap_permitted, .cap_bnd = c->proc.cap_bounding,
		.cap_inh = c->proc.cap_inheritable, .cap_amb = c->proc.cap_ambient,
		.no_new_privs = c->proc.no_new_privs, .umask = c->proc.umask,
		.rlimits = l, .nrlimits = c->proc.nrlimits, .ctl_fd = ctl_fd,
		.ready_fd = ready_fd, .lockdown = confine_lockdown,
		.seccomp = seccomp_prog, .seccomp_len = seccomp_len,
		.sysctl = c->sysctl,
	};
	return r;
}

/* Only what the sandbox needs survives into the sentry. */
static void close_other_fds(int keep1, int keep2)
{
	for (int fd = 3; fd < 1024; fd++)
		if (fd != keep1 && fd != keep2 && fd != root_fd)
			close(fd);
}

/* The sentry process: never returns. */
static void sentry_child(const struct oci_config *c, int ctl_fd, int ready_fd, int tty)
{
	struct sentry_run *r;

	setsid();               /* the engine's terminal signals go through kill */
	if (tty >= 0) {
		tty_make_controlling(tty);
		for (int fd = 0; fd < 3; fd++)
			dup2(tty, fd);
		if (tty > 2)
			close(tty);
	}
	close_other_fds(ctl_fd, ready_fd);
	r = run_of(c, ctl_fd, ready_fd);
	if (!r)
		_exit(125);
	sentry_exec_or_die(r);
}

/* Read the sentry's "errno\n" report: 0 once it is ready. */
static int read_ready(int fd)
{
	char buf[32];
	ssize_t n;

	do
		n = read(fd, buf, sizeof(buf) - 1);
	while (n < 0 && errno == EINTR);
	if (n <= 0)
		return -EPIPE;
	buf[n] = 0;
	return atoi(buf);
}

static void fail_cleanup(struct oci_state *st, pid_t pid)
{
	if (pid > 0) {
		kill(pid, SIGKILL);
		waitpid(pid, NULL, 0);
	}
	if (cg.path[0])
		cgroup_destroy(cg.path, cg.made);
	state_remove(st);
}

/*
 * The hooks of a kind with the state on stdin.  Poststart's is the state
 * start made, running and the pid: a program that has ended by the time
 * the hook runs (`true`) would otherwise give it "stopped" and no pid, as
 * if it had never started (youki passes its recorded state the same way).
 */
static int run_state_hooks(const struct oci_config *c, int kind, const struct oci_state *st,
			   const char *what)
{
	char err[512], *js;
	int r;

	if (!c->nhooks[kind])
		return 0;
	js = kind == HOOK_POSTSTART ? state_json_as(st, "running", false) : state_json(st, false);
	r = js ? run_hooks(c->hooks[kind], c->nhooks[kind], js, err, sizeof(err)) : -1;
	free(js);
	if (r)
		log_error("%s: %s", what, js ? err : "out of memory");
	return r;
}

/*
 * linux.resources: the sandbox's cgroup, cvisor/<id> in each hierarchy.
 * The pids limit counts the application's tasks in the sentry; the host
 * cgroup's is a backstop (cgroup_res.c).
 */

/* The engine's cgroupsPath when it is a path (not systemd's "slice:prefix:name"). */
static void choose_cgroup(const struct oci_config *c)
{
	if (c->cgroups_path && c->cgroups_path[0] && !strchr(c->cgroups_path, ':'))
		snprintf(cg.path, sizeof(cg.path), "%s", c->cgroups_path);
	else
		snprintf(cg.path, sizeof(cg.path), "cvisor/%s", cg_id);
}

static int place_cgroup(pid_t sup, void *arg)
{
	const struct oci_config *c = arg;
	/* Without linux.resources or cgroupsPath there is still a cgroup, as
	 * runc always makes one, for cvisor pause to freeze: on v1 only the
	 * freezer's (joining all eight hierarchies here added ~9 ms to a
	 * container's run, the freezer's alone ~1.5 ms).  A host that does not
	 * let us make it still runs the container, which then cannot pause. */
	bool asked = c->resources_json || c->cgroups_path;
	int err;

	choose_cgroup(c);
	err = cgroup_create(&cg, c->resources_json, asked, sup);
	if (err && !asked) {
		log_debug("create %s: no cgroup of its own (%s): it cannot be paused", cg_id,
			  cg.why[0] ? cg.why : strerror(-err));
		cg.path[0] = 0;
		return 0;
	}
	if (err)
		log_error("create %s: cgroup %s", cg_id, cg.why[0] ? cg.why : strerror(-err));
	return err;
}

/* Remember the cgroup for delete: its path and what was made of it. */
static void save_cgroup(const struct oci_state *st)
{
	int err;

	if (cg.path[0] && (err = state_save_cgroup(st, cg.path, cg.made)))
		log_warn("create %s: cannot record the cgroup %s: %s", st->id, cg.path,
			 strerror(-err));
}

/*
 * process.oomScoreAdj applies to the sandbox's host processes (the sentry
 * and its stubs inherit it from here): what the host's OOM killer weighs.
 * The read-back is what the sandbox's /proc shows.
 */
static int oom_score_adj(const struct oci_config *c, int *out)
{
	int fd = open("/proc/self/oom_score_adj", O_RDWR | O_CLOEXEC), n, err = 0;
	char buf[16];

	if (fd < 0)
		return -errno;
	n = snprintf(buf, sizeof(buf), "%d\n", c->proc.oom_score_adj);
	if (c->proc.has_oom_score_adj && write(fd, buf, (size_t)n) != n)
		err = -errno;
	if (!err && (n = (int)pread(fd, buf, sizeof(buf) - 1, 0)) > 0) {
		buf[n] = 0;
		*out = atoi(buf);
	}
	close(fd);
	return err;
}

/* Fork the sentry and wait until it is ready; its pid, or -1. */
static pid_t spawn_sentry(const struct oci_config *c, const struct create_opts *o,
			  struct oci_state *st)
{
	int ready[2], ctl, tty = -1, err;
	pid_t pid;

	cg_id = st->id;
	ctl = ctl_bind(st->dir);
	if (ctl < 0) {
		log_error("create %s: control socket: %s", st->id, strerror(-ctl));
		return -1;
	}
	if (c->proc.terminal) {
		tty = tty_for_console(o->console_socket, c->proc.rows, c->proc.cols);
		if (tty < 0) {
			log_error("create %s: terminal: %s", st->id, strerror(-tty));
			close(ctl);
			return -1;
		}
	}
	if ((err = oom_score_adj(c, &sentry_oom_score_adj))) {
		log_error("create %s: process.oomScoreAdj: %s", st->id, strerror(-err));
		close(ctl);
		if (tty >= 0)
			close(tty);
		return -1;
	}
	if (pipe2(ready, O_CLOEXEC)) {
		log_error("create %s: %s", st->id, strerror(errno));
		return -1;
	}
	pid = confine_spawn(&(struct confine){ .new_net = c->new_netns,
					       .netns_path = c->netns_path, .stdio_fd = tty,
					       .host_uts = !c->new_uts, .utsns_path = c->utsns_path,
					       .new_pidns = c->new_pidns,
					       .uid_map = c->uid_map, .gid_map = c->gid_map,
					       .place = place_cgroup, .place_arg = (void *)c,
					       .sysctl = c->sysctl });
	if (pid == 0) {
		close(ready[0]);
		sentry_child(c, ctl, ready[1], tty);
	}
	close(ready[1]);
	close(ctl);
	if (tty >= 0)
		close(tty);
	if (pid < 0) {
		log_error("create %s: cannot start the sandbox: %s", st->id, strerror(-pid));
		return -1;
	}
	err = read_ready(ready[0]);
	close(ready[0]);
	if (err) {
		log_error("create %s: the sandbox did not start: %s", st->id, strerror(-err));
		fail_cleanup(st, pid);
		return -1;
	}
	return pid;
}

/*
 * linux.sysctl: a key the sandbox does not serve (fs/proc/sysctl.c) fails
 * create, as does a net.* key without a network namespace of the
 * container's own: it would change the host's.
 */
static int check_sysctls(const struct oci_config *c, const char *id)
{
	for (char **kv = c->sysctl; kv && *kv; kv++) {
		const char *val = *kv + strcspn(*kv, "=") + 1;
		char key[256];
		int err;

		snprintf(key, sizeof(key), "%.*s", (int)(val - 1 - *kv), *kv);
		if ((err = sentry_sysctl_check(key, val)) == -ENOENT) {
			log_error("create %s: linux.sysctl %s: not one the sandbox can honour "
				  "(docs/oci.md lists those it serves)", id, key);
			return -1;
		}
		if (err) {
			log_error("create %s: linux.sysctl %s = \"%s\": %s", id, key, val,
				  strerror(-err));
			return -1;
		}
		if (!strncmp(key, "net.", 4) && !c->new_netns && !c->netns_path) {
			log_error("create %s: linux.sysctl %s: the container shares the host's "
				  "network namespace, whose setting it would change", id, key);
			return -1;
		}
	}
	return 0;
}

static int do_create(const struct gopts *g, const char *id, const struct create_opts *o,
		     pid_t *out)
{
	struct oci_config c;
	struct oci_state st;
	char err[1024];
	int e;

	if (!oci_id_valid(id)) {
		log_error("create: '%s' is not a valid container id", id);
		return -1;
	}
	if (oci_config_load(o->bundle ? o->bundle : ".", &c, err, sizeof(err))) {
		log_error("create %s: %s", id, err);
		oci_config_free(&c);
		return -1;
	}
	if (check_sysctls(&c, id)) {
		oci_config_free(&c);
		return -1;
	}
	if (c.proc.unknown_caps)
		log_warn("create %s: ignoring unknown or unavailable capabilities: %s", id,
			 c.proc.unknown_caps);
	if (c.seccomp_json &&
	    oci_seccomp_compile(c.seccomp_json, &seccomp_prog, &seccomp_len, err, sizeof(err))) {
		log_error("create %s: %s", id, err);
		oci_config_free(&c);
		return -1;
	}
	if ((root_fd = open_rootfs(c.root_path)) < 0) {
		log_error("create %s: root.path %s: %s", id, c.root_path,
			  root_fd == -ELOOP ? "a symlink on the way (name the directory itself)"
					    : strerror(-root_fd));
		oci_config_free(&c);
		return -1;
	}
	e = state_create(g->root, id, &st);
	if (e) {
		if (e == -EEXIST)
			log_error("create: container %s already exists", id);
		else
			log_error("create %s: state directory in %s: %s", id, g->root, strerror(-e));
		oci_config_free(&c);
		return -1;
	}
	snprintf(st.bundle, sizeof(st.bundle), "%s", c.bundle);
	st.annotations_json = c.annotations_json ? strdup(c.annotations_json) : NULL;
	st.pid = spawn_sentry(&c, o, &st);
	if (st.pid > 0) {
		save_cgroup(&st);
		st.start_time = proc_start_time(st.pid);
		snprintf(st.status, sizeof(st.status), "created");
		e = state_write(&st);
		if (e)
			log_error("create %s: state.json: %s", id, strerror(-e));
		else if ((e = write_pid_file(o->pid_file, st.pid)))
			log_error("create %s: --pid-file %s: %s", id, o->pid_file, strerror(-e));
		else if (run_state_hooks(&c, HOOK_CREATE_RUNTIME, &st, "createRuntime hook") ||
			 run_state_hooks(&c, HOOK_PRESTART, &st, "prestart hook"))
			e = -1;
		if (e)
			fail_cleanup(&st, st.pid);
	} else {
		fail_cleanup(&st, 0);   /* the sandbox did not start: no state left */
	}
	*out = st.pid;
	e = st.pid > 0 && !e ? 0 : -1;
	state_free(&st);
	oci_config_free(&c);
	return e;
}

int cmd_create(const struct gopts *g, int argc, char **argv)
{
	struct create_opts o = { 0 };
	int i = parse_opts("create", argc, argv, create_optv(&o));
	pid_t pid;

	if (i < 0)
		return 1;
	if (i + 1 != argc) {
		log_error("create: want exactly one container id");
		return 1;
	}
	return do_create(g, argv[i], &o, &pid) ? 1 : 0;
}

/* Let a created container's init run. */
static int do_start(const struct gopts *g, const char *id)
{
	struct oci_state st;
	struct oci_config c;
	char reply[256], err[512];
	int e;

	if (state_read(g->root, id, &st)) {
		log_error("start: container %s does not exist", id);
		return -1;
	}
	if (strcmp(state_status(&st), "created")) {
		log_error("start: container %s is %s, not created", id, state_status(&st));
		state_free(&st);
		return -1;
	}
	e = ctl_request(&st, "start", NULL, reply, sizeof(reply), NULL);
	if (e || strncmp(reply, "ok", 2)) {
		log_error("start %s: %s", id, e ? strerror(-e) : reply + 4);
		state_free(&st);
		return -1;
	}
	snprintf(st.status, sizeof(st.status), "running");
	e = state_write(&st);
	sandbox_settle(st.pid);         /* "running" as runc's start means it */
	if (!oci_config_load(st.bundle, &c, err, sizeof(err))) {
		run_state_hooks(&c, HOOK_POSTSTART, &st, "poststart hook");
		oci_config_free(&c);
	}
	state_free(&st);
	return e ? -1 : 0;
}

int cmd_start(const struct gopts *g, int argc, char **argv)
{
	static const struct opt none[] = { { NULL, 0, NULL, NULL, NULL } };
	int i = parse_opts("start", argc, argv, none);

	if (i < 0)
		return 1;
	if (i + 1 != argc) {
		log_error("start: want exactly one container id");
		return 1;
	}
	return do_start(g, argv[i]) ? 1 : 0;
}

static pid_t run_child;

static void forward(int sig)
{
	if (run_child > 0)
		kill(run_child, sig);
}

/* run: create + start, then (unless --detach) wait for the end and delete. */
int cmd_run(const struct gopts *g, int argc, char **argv)
{
	struct create_opts o = { 0 };
	int i = parse_opts("run", argc, argv, create_optv(&o)), status;
	struct sigaction sa = { .sa_handler = forward, .sa_flags = SA_RESTART };
	struct oci_state st;
	pid_t pid;

	if (i < 0)
		return 1;
	if (i + 1 != argc) {
		log_error("run: want exactly one container id");
		return 1;
	}
	if (do_create(g, argv[i], &o, &pid))
		return 1;
	run_child = pid;
	for (int s = 1; s < 32; s++)
		if (s != SIGKILL && s != SIGSTOP && s != SIGCHLD)
			sigaction(s, &sa, NULL);
	if (do_start(g, argv[i])) {
		kill(pid, SIGKILL);
		waitpid(pid, NULL, 0);
		if (!state_read(g->root, argv[i], &st)) {
			state_remove(&st);
			state_free(&st);
		}
		return 1;
	}
	if (o.detach)
		return 0;
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	if (!o.keep && !state_read(g->root, argv[i], &st)) {
		container_remove(&st);
		state_free(&st);
	}
	return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}
