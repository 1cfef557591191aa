/* SPDX-License-Identifier: MIT */
/*
 * The sentry is a fresh exec of cvisor inside the sandbox's namespaces (see
 * sentry_exec.h): what it is to run crosses the exec as JSON in a memfd.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <jansson.h>
#include <linux/close_range.h>
#include <linux/filter.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "sandbox/confine.h"
#include "sandbox/sentry_exec.h"
#include "sentry.h"

/* --- encoding: every field of struct sentry_run that is data --- */

static json_t *str_or_null(const char *s)
{
	return s ? json_string(s) : json_null();
}

/* A NULL-terminated vector, or n entries if n >= 0. */
static json_t *strv(const char *const *v, int n)
{
	json_t *a = json_array();

	for (int i = 0; v && (n >= 0 ? i < n : v[i] != NULL); i++)
		json_array_append_new(a, json_string(v[i]));
	return a;
}

static json_t *mounts_json(const struct sentry_run *r)
{
	json_t *a = json_array();

	for (int i = 0; i < r->nmounts; i++) {
		const struct sentry_mount *m = &r->mounts[i];

		json_array_append_new(a, json_pack("{s:o,s:o,s:o,s:b,s:b,s:I}", "dest",
						   str_or_null(m->dest), "type",
						   str_or_null(m->type), "source",
						   str_or_null(m->source), "ro", m->ro, "nosuid",
						   m->nosuid, "mode", (json_int_t)m->mode));
	}
	return a;
}

static json_t *devices_json(const struct sentry_run *r)
{
	json_t *a = json_array();

	for (int i = 0; i < r->ndevices; i++) {
		const struct sentry_device *d = &r->devices[i];

		json_array_append_new(a, json_pack("{s:s,s:I,s:I,s:I,s:I}", "path", d->path,
						   "mode", (json_int_t)d->mode, "rdev",
						   (json_int_t)d->rdev, "uid", (json_int_t)d->uid,
						   "gid", (json_int_t)d->gid));
	}
	return a;
}

static json_t *rlimits_json(const struct sentry_run *r)
{
	json_t *a = json_array();

	for (int i = 0; i < r->nrlimits; i++)
		json_array_append_new(a, json_pack("[I,I,I]", (json_int_t)r->rlimits[i].resource,
						   (json_int_t)r->rlimits[i].rlim.rlim_cur,
						   (json_int_t)r->rlimits[i].rlim.rlim_max));
	return a;
}

static json_t *seccomp_json(const struct sentry_run *r)
{
	json_t *a = json_array();

	for (size_t i = 0; r->seccomp && i < r->seccomp_len; i++) {
		const struct sock_filter *f = &r->seccomp[i];

		json_array_append_new(a, json_pack("[i,i,i,I]", f->code, f->jt, f->jf,
						   (json_int_t)f->k));
	}
	return a;
}

static json_t *gids_json(const struct sentry_run *r)
{
	json_t *a = json_array();

	for (int i = 0; i < r->ngids; i++)
		json_array_append_new(a, json_integer(r->gids[i]));
	return a;
}

json_t *sentry_run_to_json(const struct sentry_run *r)
{
	json_t *j = json_object();

	json_object_set_new(j, "strace", json_boolean(r->strace));
	json_object_set_new(j, "stats", json_boolean(r->stats));
	json_object_set_new(j, "host_uds", json_boolean(r->host_uds));
	json_object_set_new(j, "prog_path", str_or_null(r->prog_path));
	json_object_set_new(j, "root", str_or_null(r->root));
	json_object_set_new(j, "rw", strv((const char *const *)r->rw, r->nr_rw));
	json_object_set_new(j, "argv", strv((const char *const *)r->argv, -1));
	json_object_set_new(j, "envp", strv((const char *const *)r->envp, -1));
	json_object_set_new(j, "container", json_boolean(r->container));
	json_object_set_new(j, "root_ro", json_boolean(r->root_ro));
	json_object_set_new(j, "mounts", mounts_json(r));
	json_object_set_new(j, "masked", r->masked ? strv(r->masked, -1) : json_null());
	json_object_set_new(j, "readonly", r->readonly ? strv(r->readonly, -1) : json_null());
	json_object_set_new(j, "sysctl", strv((const char *const *)r->sysctl, -1));
	json_object_set_new(j, "devices", devices_json(r));
	json_object_set_new(j, "oom_score_adj", json_integer(r->oom_score_adj));
	json_object_set_new(j, "root_fd", json_integer(r->root_fd));
	json_object_set_new(j, "uid_map", str_or_null(r->uid_map));
	json_object_set_new(j, "gid_map", str_or_null(r->gid_map));
	json_object_set_new(j, "cwd", str_or_null(r->cwd));
	json_object_set_new(j, "uid", json_integer(r->uid));
	json_object_set_new(j, "gid", json_integer(r->gid));
	json_object_set_new(j, "gids", gids_json(r));
	json_object_set_new(j, "caps_set", json_boolean(r->caps_set));
	json_object_set_new(j, "caps", json_pack("[I,I,I,I,I]", (json_int_t)r->cap_eff,
						 (json_int_t)r->cap_perm, (json_int_t)r->cap_bnd,
						 (json_int_t)r->cap_inh, (json_int_t)r->cap_amb));
	json_object_set_new(j, "no_new_privs", json_boolean(r->no_new_privs));
	json_object_set_new(j, "umask", json_integer(r->umask));
	json_object_set_new(j, "hostname", str_or_null(r->hostname));
	json_object_set_new(j, "pids_max", json_integer(r->pids_max));
	json_object_set_new(j, "rlimits", rlimits_json(r));
	json_object_set_new(j, "ctl_fd", json_integer(r->ctl_fd));
	json_object_set_new(j, "seccomp", seccomp_json(r));
	json_object_set_new(j, "lockdown", json_boolean(r->lockdown != NULL));
	json_object_set_new(j, "ready_fd", json_integer(r->ready_fd));
	return j;
}

/* --- decoding: the strings stay inside the JSON tree, kept for ever --- */

static const char *get_str(json_t *j, const char *key)
{
	return json_string_value(json_object_get(j, key));
}

static json_int_t get_int(json_t *j, const char *key)
{
	return json_integer_value(json_object_get(j, key));
}

static char **get_strv(json_t *j, const char *key, int *n)
{
	json_t *a = json_object_get(j, key), *v;
	char **out;
	size_t i;

	if (!json_is_array(a))
		return NULL;
	out = calloc(json_array_size(a) + 1, sizeof(*out));
	if (!out)
		return NULL;
	json_array_foreach(a, i, v)
		out[i] = (char *)json_string_value(v);
	if (n)
		*n = (int)json_array_size(a);
	return out;
}

static int mounts_of(json_t *j, struct sentry_run *r)
{
	json_t *a = json_object_get(j, "mounts"), *v;
	struct sentry_mount *m = calloc(json_array_size(a) + 1, sizeof(*m));
	size_t i;

	if (!m)
		return -ENOMEM;
	json_array_foreach(a, i, v)
		m[i] = (struct sentry_mount){
			.dest = get_str(v, "dest"), .type = get_str(v, "type"),
			.source = get_str(v, "source"), .ro = json_is_true(json_object_get(v, "ro")),
			.nosuid = json_is_true(json_object_get(v, "nosuid")),
			.mode = (unsigned)get_int(v, "mode") };
	r->mounts = m;
	r->nmounts = (int)json_array_size(a);
	return 0;
}

static int devices_of(json_t *j, struct sentry_run *r)
{
	json_t *a = json_object_get(j, "devices"), *v;
	struct sentry_device *d = calloc(json_array_size(a) + 1, sizeof(*d));
	size_t i;

	if (!d)
		return -ENOMEM;
	json_array_foreach(a, i, v)
		d[i] = (struct sentry_device){ .path = get_str(v, "path"),
					       .mode = (mode_t)get_int(v, "mode"),
					       .rdev = (dev_t)get_int(v, "rdev"),
					       .uid = (uid_t)get_int(v, "uid"),
					       .gid = (gid_t)get_int(v, "gid") };
	r->devices = d;
	r->ndevices = (int)json_array_size(a);
	return 0;
}

static int rlimits_of(json_t *j, struct sentry_run *r)
{
	json_t *a = json_object_get(j, "rlimits"), *v;
	struct sentry_rlimit *l = calloc(json_array_size(a) + 1, sizeof(*l));
	size_t i;

	if (!l)
		return -ENOMEM;
	json_array_foreach(a, i, v)
		l[i] = (struct sentry_rlimit){
			(int)json_integer_value(json_array_get(v, 0)),
			{ (rlim_t)json_integer_value(json_array_get(v, 1)),
			  (rlim_t)json_integer_value(json_array_get(v, 2)) } };
	r->rlimits = l;
	r->nrlimits = (int)json_array_size(a);
	return 0;
}

static int seccomp_of(json_t *j, struct sentry_run *r)
{
	json_t *a = json_object_get(j, "seccomp"), *v;
	struct sock_filter *f;
	size_t i;

	if (!json_array_size(a))
		return 0;
	f = calloc(json_array_size(a), sizeof(*f));
	if (!f)
		return -ENOMEM;
	json_array_foreach(a, i, v)
		f[i] = (struct sock_filter){ (uint16_t)json_integer_value(json_array_get(v, 0)),
					     (uint8_t)json_integer_value(json_array_get(v, 1)),
					     (uint8_t)json_integer_value(json_array_get(v, 2)),
					     (uint32_t)json_integer_value(json_array_get(v, 3)) };
	r->seccomp = f;
	r->seccomp_len = json_array_size(a);
	return 0;
}

static int gids_of(json_t *j, struct sentry_run *r)
{
	json_t *a = json_object_get(j, "gids"), *v;
	uint32_t *g = calloc(json_array_size(a) + 1, sizeof(*g));
	size_t i;

	if (!g)
		return -ENOMEM;
	json_array_foreach(a, i, v)
		g[i] = (uint32_t)json_integer_value(v);
	r->gids = g;
	r->ngids = (int)json_array_size(a);
	return 0;
}

int sentry_run_from_json(json_t *j, struct sentry_run *r)
{
	json_t *caps = json_object_get(j, "caps");
	int err, nr_rw = 0;
	char **rw = get_strv(j, "rw", &nr_rw);

	*r = (struct sentry_run){
		.strace = json_is_true(json_object_get(j, "strace")),
		.stats = json_is_true(json_object_get(j, "stats")),
		.host_uds = json_is_true(json_object_get(j, "host_uds")),
		.prog_path = get_str(j, "prog_path"), .root = get_str(j, "root"),
		.rw = rw, .nr_rw = nr_rw,
		.argv = get_strv(j, "argv", NULL), .envp = get_strv(j, "envp", NULL),
		.container = json_is_true(json_object_get(j, "container")),
		.root_ro = json_is_true(json_object_get(j, "root_ro")),
		.masked = (const char *const *)get_strv(j, "masked", NULL),
		.readonly = (const char *const *)get_strv(j, "readonly", NULL),
		.sysctl = get_strv(j, "sysctl", NULL),
		.oom_score_adj = (int)get_int(j, "oom_score_adj"),
		.root_fd = (int)get_int(j, "root_fd"),
		.uid_map = get_str(j, "uid_map"), .gid_map = get_str(j, "gid_map"),
		.cwd = get_str(j, "cwd"), .uid = (uint32_t)get_int(j, "uid"),
		.gid = (uint32_t)get_int(j, "gid"),
		.caps_set = json_is_true(json_object_get(j, "caps_set")),
		.cap_eff = (uint64_t)json_integer_value(json_array_get(caps, 0)),
		.cap_perm = (uint64_t)json_integer_value(json_array_get(caps, 1)),
		.cap_bnd = (uint64_t)json_integer_value(json_array_get(caps, 2)),
		.cap_inh = (uint64_t)json_integer_value(json_array_get(caps, 3)),
		.cap_amb = (uint64_t)json_integer_value(json_array_get(caps, 4)),
		.no_new_privs = json_is_true(json_object_get(j, "no_new_privs")),
		.umask = (int)get_int(j, "umask"),
		.hostname = get_str(j, "hostname"), .pids_max = get_int(j, "pids_max"),
		.ctl_fd = (int)get_int(j, "ctl_fd"),
		.lockdown = json_is_true(json_object_get(j, "lockdown")) ? confine_lockdown : NULL,
		.ready_fd = (int)get_int(j, "ready_fd"),
	};
	err = mounts_of(j, r);
	if (!err)
		err = devices_of(j, r);
	if (!err)
		err = rlimits_of(j, r);
	if (!err)
		err = seccomp_of(j, r);
	if (!err)
		err = gids_of(j, r);
	if (!err && (!r->argv || !r->envp || !r->prog_path))
		err = -EINVAL;
	return err;
}

/* --- the exec --- */

/* Only the descriptors the sentry is to have survive the exec. */
static int keep_fds(const struct sentry_run *r, int run_fd)
{
	const int keep[] = { run_fd, r->root_fd, r->ctl_fd, r->ready_fd };

	if (syscall(SYS_close_range, 3, ~0U, CLOSE_RANGE_CLOEXEC))
		return -errno;
	for (size_t i = 0; i < sizeof(keep) / sizeof(keep[0]); i++)
		if (keep[i] >= 0 && fcntl(keep[i], F_SETFD, 0))
			return -errno;
	return 0;
}

/*
 * The sentry's environment: only the tuning knobs it reads (CVISOR_SPIN_NS,
 * CVISOR_STUB_SPIN: docs/platform.md; CVISOR_HANDOFF, CVISOR_YIELDS: docs/performance.md;
 * CVISOR_SECCOMP: docs/security.md; CVISOR_NOPATCH, CVISOR_PATCH_FIRST:
 * docs/syscall-patching.md; CVISOR_MEMFILE: docs/memory.md), if the caller set them.  Nothing else of the
 * caller's environment is in the sentry's memory but what the sandbox is
 * given (r->envp).
 */
static void knobs_env(char *envp[9])
{
	static const char *const knobs[] = { "CVISOR_SPIN_NS", "CVISOR_STUB_SPIN",
					     "CVISOR_HANDOFF", "CVISOR_SECCOMP",
					     "CVISOR_NOPATCH", "CVISOR_PATCH_FIRST",
					     "CVISOR_MEMFILE", "CVISOR_YIELDS" };
	int n = 0;

	for (size_t k = 0; k < sizeof(knobs) / sizeof(knobs[0]); k++) {
		const char *v = getenv(knobs[k]);

		if (v && asprintf(&envp[n], "%s=%s", knobs[k], v) > 0)
			n++;
	}
	envp[n] = NULL;
}

int sentry_exec(const struct sentry_run *r)
{
	json_t *j = sentry_run_to_json(r);
	char *text = j ? json_dumps(j, JSON_COMPACT) : NULL, *envp[9];
	char fdarg[16];
	int fd, err;

	json_decref(j);
	if (!text)
		return -ENOMEM;
	fd = memfd_create("cvisor-run", MFD_CLOEXEC | MFD_ALLOW_SEALING);
	if (fd < 0 || write(fd, text, strlen(text)) != (ssize_t)strlen(text) ||
	    fcntl(fd, F_ADD_SEALS, F_SEAL_SEAL | F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_WRITE)) {
		free(text);
		return -errno;
	}
	free(text);
	err = keep_fds(r, fd);
	if (err)
		return err;
	snprintf(fdarg, sizeof(fdarg), "%d", fd);
	knobs_env(envp);
	execve("/proc/self/exe", (char *const[]){ "cvisor", SENTRY_BOOT_VERB, fdarg, NULL },
	       envp);
	return -errno;
}

int sentry_boot(int argc, char **argv, struct sentry_run *r)
{
	json_error_t jerr;
	struct stat st;
	char *buf;
	json_t *j;
	int fd, err, sig = 0;

	if (argc != 2 || (fd = atoi(argv[1])) < 3 || fstat(fd, &st))
		return -EINVAL;
	buf = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
	close(fd);
	if (buf == MAP_FAILED)
		return -errno;
	j = json_loadb(buf, (size_t)st.st_size, 0, &jerr);
	munmap(buf, (size_t)st.st_size);
	if (!j) {
		fprintf(stderr, "cvisor: the sentry's configuration: %s\n", jerr.text);
		return -EINVAL;
	}
	err = sentry_run_from_json(j, r);      /* j is kept: r points into it */
	if (err)
		return err;
	/* what ps shows on the host (the exec of /proc/self/exe named it "exe");
	 * stub processes rename themselves cvisor-stub */
	prctl(PR_SET_NAME, "cvisor-sentry");
	/* kept across the exec unless the kernel cleared it (a change of
	 * credentials): then set it again */
	if (prctl(PR_GET_PDEATHSIG, &sig) || (!sig && prctl(PR_SET_PDEATHSIG, SIGKILL)))
		return -errno;
	return 0;
}
