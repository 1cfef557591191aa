/* SPDX-License-Identifier: MIT */
/*
 * config.json with jansson.  Every accessor takes the field's dotted path
 * for its error message, so a bad config is reported as one line naming
 * the field (runc's messages name the Go struct; ours name the JSON).
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/nsfs.h>
#include <sched.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>
#include <jansson.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/capability.h>

#include "oci/config.h"
#include "oci/path.h"

struct ctx {
	char *err;
	size_t errlen;
	bool failed;
	const char *bundle;             /* absolute, for paths relative to it */
};

static int fail(struct ctx *x, const char *fmt, ...)
{
	va_list ap;

	if (!x->failed) {
		va_start(ap, fmt);
		vsnprintf(x->err, x->errlen, fmt, ap);
		va_end(ap);
		x->failed = true;
	}
	return -1;
}

/* A string member: *out is a copy, NULL if absent and not required. */
static int get_str(struct ctx *x, json_t *o, const char *key, const char *path,
		   bool required, char **out)
{
	json_t *v = json_object_get(o, key);

	*out = NULL;
	if (!v)
		return required ? fail(x, "%s: missing", path) : 0;
	if (!json_is_string(v))
		return fail(x, "%s: must be a string", path);
	*out = strdup(json_string_value(v));
	return *out ? 0 : fail(x, "%s: out of memory", path);
}

static int get_bool(struct ctx *x, json_t *o, const char *key, const char *path, bool *out)
{
	json_t *v = json_object_get(o, key);

	if (!v)
		return 0;
	if (!json_is_boolean(v))
		return fail(x, "%s: must be true or false", path);
	*out = json_is_true(v);
	return 0;
}

static int get_int(struct ctx *x, json_t *o, const char *key, const char *path,
		   int64_t min, int64_t max, int64_t *out)
{
	json_t *v = json_object_get(o, key);

	if (!v)
		return 0;
	if (!json_is_integer(v))
		return fail(x, "%s: must be an integer", path);
	if (json_integer_value(v) < min || json_integer_value(v) > max)
		return fail(x, "%s: %lld is out of range", path, (long long)json_integer_value(v));
	*out = json_integer_value(v);
	return 0;
}

static int get_u32(struct ctx *x, json_t *o, const char *key, const char *path, uint32_t *out)
{
	int64_t v = *out;
	int r = get_int(x, o, key, path, 0, UINT32_MAX, &v);

	*out = (uint32_t)v;
	return r;
}

/* An object member (absent: NULL, fine unless required). */
static int get_obj(struct ctx *x, json_t *o, const char *key, const char *path,
		   bool required, json_t **out)
{
	*out = json_object_get(o, key);
	if (!*out)
		return required ? fail(x, "%s: missing", path) : 0;
	if (!json_is_object(*out))
		return fail(x, "%s: must be an object", path);
	return 0;
}

static int get_arr(struct ctx *x, json_t *o, const char *key, const char *path, json_t **out)
{
	*out = json_object_get(o, key);
	if (*out && !json_is_array(*out))
		return fail(x, "%s: must be an array", path);
	return 0;
}

/* A NULL-terminated copy of an array of strings (absent: NULL). */
static int get_strv(struct ctx *x, json_t *o, const char *key, const char *path, char ***out)
{
	json_t *a, *v;
	size_t i;

	*out = NULL;
	if (get_arr(x, o, key, path, &a) || !a)
		return x->failed ? -1 : 0;
	*out = calloc(json_array_size(a) + 1, sizeof(char *));
	if (!*out)
		return fail(x, "%s: out of memory", path);
	json_array_foreach(a, i, v) {
		if (!json_is_string(v))
			return fail(x, "%s[%zu]: must be a string", path, i);
		(*out)[i] = strdup(json_string_value(v));
	}
	return 0;
}

/* How a relative path of the config is taken (clean_path). */
enum {
	PATH_ABSOLUTE = 1,      /* it must not be relative */
	PATH_IN_BUNDLE = 2,     /* relative to the bundle, and inside it */
	PATH_IN_CGROUPS = 4,    /* relative to the cgroup hierarchy's root */
};

/*
 * A path of the config, cleaned in place as runc's CleanPath does ("//",
 * "." and inner ".." go), so that every use sees one spelling of it.  A
 * ".." that climbs above "/" (above the bundle for a relative path taken
 * in it) is an error naming the field and the value, where runc clamps it
 * silently: such a path was written to reach outside, and saying so is
 * better than guessing what was meant.  The uses confine the path again
 * themselves (the sentry's walk, cgroup.c's walk); this makes it an error
 * before anything is created.
 */
static int clean_path(struct ctx *x, char **p, const char *field, unsigned how)
{
	char buf[PATH_MAX], *out;
	int err;

	if (!*p)
		return 0;
	if ((how & PATH_ABSOLUTE) && (*p)[0] != '/')
		return fail(x, "%s: '%s' is not an absolute path", field, *p);
	err = path_clean(*p, buf, sizeof(buf));
	if (err == -EXDEV)
		return fail(x, "%s: '%s' climbs above %s with '..'", field, *p,
			    (*p)[0] == '/' ? "/" : (how & PATH_IN_BUNDLE) ? "the bundle"
			    : (how & PATH_IN_CGROUPS) ? "the cgroup hierarchy" : "its start");
	if (err)
		return fail(x, "%s: '%s' is too long", field, *p);
	if ((how & PATH_IN_BUNDLE) && buf[0] != '/') {
		if (asprintf(&out, "%s/%s", x->bundle, buf) < 0)
			return fail(x, "%s: out of memory", field);
	} else if (!(out = strdup(buf))) {
		return fail(x, "%s: out of memory", field);
	}
	free(*p);
	*p = out;
	return 0;
}

/* clean_path of each string of a NULL-terminated array. */
static int clean_paths(struct ctx *x, char **v, const char *field, unsigned how)
{
	char name[64];

	for (size_t i = 0; v && v[i]; i++) {
		snprintf(name, sizeof(name), "%s[%zu]", field, i);
		if (clean_path(x, &v[i], name, how))
			return -1;
	}
	return 0;
}

static void strv_free(char **v)
{
	for (char **p = v; p && *p; p++)
		free(*p);
	free(v);
}

/* ---- process ---- */

static const struct { const char *name; int res; } rlimit_names[] = {
	{ "RLIMIT_CPU", RLIMIT_CPU }, { "RLIMIT_FSIZE", RLIMIT_FSIZE },
	{ "RLIMIT_DATA", RLIMIT_DATA }, { "RLIMIT_STACK", RLIMIT_STACK },
	{ "RLIMIT_CORE", RLIMIT_CORE }, { "RLIMIT_RSS", RLIMIT_RSS },
	{ "RLIMIT_NPROC", RLIMIT_NPROC }, { "RLIMIT_NOFILE", RLIMIT_NOFILE },
	{ "RLIMIT_MEMLOCK", RLIMIT_MEMLOCK }, { "RLIMIT_AS", RLIMIT_AS },
	{ "RLIMIT_LOCKS", RLIMIT_LOCKS }, { "RLIMIT_SIGPENDING", RLIMIT_SIGPENDING },
	{ "RLIMIT_MSGQUEUE", RLIMIT_MSGQUEUE }, { "RLIMIT_NICE", RLIMIT_NICE },
	{ "RLIMIT_RTPRIO", RLIMIT_RTPRIO }, { "RLIMIT_RTTIME", RLIMIT_RTTIME },
};

static int parse_rlimits(struct ctx *x, json_t *proc, struct oci_process *p)
{
	json_t *a, *r;
	size_t i;

	if (get_arr(x, proc, "rlimits", "process.rlimits", &a) || !a)
		return x->failed ? -1 : 0;
	p->rlimits = calloc(json_array_size(a) + 1, sizeof(*p->rlimits));
	if (!p->rlimits)
		return fail(x, "process.rlimits: out of memory");
	json_array_foreach(a, i, r) {
		struct oci_rlimit *l = &p->rlimits[p->nrlimits];
		char *type = NULL, path[64];
		int64_t soft = 0, hard = 0;
		size_t k;

		snprintf(path, sizeof(path), "process.rlimits[%zu]", i);
		if (!json_is_object(r))
			return fail(x, "%s: must be an object", path);
		if (get_str(x, r, "type", "process.rlimits[].type", true, &type))
			return -1;
		for (k = 0; k < sizeof(rlimit_names) / sizeof(rlimit_names[0]); k++)
			if (!strcmp(type, rlimit_names[k].name))
				break;
		if (k == sizeof(rlimit_names) / sizeof(rlimit_names[0])) {
			fail(x, "process.rlimits[%zu].type: unknown limit '%s'", i, type);
			free(type);
			return -1;
		}
		free(type);
		if (get_int(x, r, "soft", "process.rlimits[].soft", 0, INT64_MAX, &soft) ||
		    get_int(x, r, "hard", "process.rlimits[].hard", 0, INT64_MAX, &hard))
			return -1;
		l->resource = rlimit_names[k].res;
		l->rlim.rlim_cur = (rlim_t)soft;
		l->rlim.rlim_max = (rlim_t)hard;
		p->nrlimits++;
	}
	return 0;
}

/* A name runc knows: "CAP_" and a capability of Linux (libcap knows the
 * names), in capitals, up to the last one the sandbox has. */
static bool cap_known(const char *name, cap_value_t *cv)
{
	if (strncmp(name, "CAP_", 4))
		return false;
	for (const char *c = name; *c; c++)
		if (*c >= 'a' && *c <= 'z')
			return false;
	return cap_from_name(name, cv) == 0 && *cv >= 0 && *cv <= 40;
}

int oci_cap_value(const char *name)
{
	cap_value_t cv;

	return cap_known(name, &cv) ? (int)cv : -1;
}

/* Remember an unknown name once, for the CLI's warning. */
static int note_unknown(struct ctx *x, struct oci_process *p, const char *name)
{
	size_t len = p->unknown_caps ? strlen(p->unknown_caps) : 0;
	char *s;

	if (p->unknown_caps && strstr(p->unknown_caps, name))
		return 0;
	s = realloc(p->unknown_caps, len + strlen(name) + 2);
	if (!s)
		return fail(x, "process.capabilities: out of memory");
	snprintf(s + len, strlen(name) + 2, "%s%s", len ? " " : "", name);
	p->unknown_caps = s;
	return 0;
}

/*
 * A capability set: names to a bit mask.  A set the config leaves out is
 * empty; a name runc does not know (or a capability beyond the last one)
 * is left out with a warning, as runc 1.1 does.
 */
static int parse_capset(struct ctx *x, json_t *caps, const char *key, struct oci_process *p,
			uint64_t *out)
{
	char path[64];
	json_t *a, *v;
	size_t i;

	snprintf(path, sizeof(path), "process.capabilities.%s", key);
	*out = 0;
	if (get_arr(x, caps, key, path, &a) || !a)
		return x->failed ? -1 : 0;
	json_array_foreach(a, i, v) {
		cap_value_t cv;

		if (!json_is_string(v))
			return fail(x, "%s[%zu]: must be a string", path, i);
		if (cap_known(json_string_value(v), &cv))
			*out |= 1ULL << cv;
		else if (note_unknown(x, p, json_string_value(v)))
			return -1;
	}
	return 0;
}

static int parse_user(struct ctx *x, json_t *proc, struct oci_process *p)
{
	json_t *u, *a, *v;
	size_t i;

	if (get_obj(x, proc, "user", "process.user", false, &u) || !u)
		return x->failed ? -1 : 0;
	if (json_object_get(u, "umask")) {
		uint32_t m = 0;

		if (get_u32(x, u, "umask", "process.user.umask", &m))
			return -1;
		if (m > 0777)
			return fail(x, "process.user.umask: %#o is not a umask", m);
		p->umask = (int)m;
	}
	if (get_u32(x, u, "uid", "process.user.uid", &p->uid) ||
	    get_u32(x, u, "gid", "process.user.gid", &p->gid) ||
	    get_arr(x, u, "additionalGids", "process.user.additionalGids", &a))
		return -1;
	if (!a)
		return 0;
	p->gids = calloc(json_array_size(a) + 1, sizeof(*p->gids));
	if (!p->gids)
		return fail(x, "process.user.additionalGids: out of memory");
	json_array_foreach(a, i, v) {
		if (!json_is_integer(v) || json_integer_value(v) < 0 ||
		    json_integer_value(v) > UINT32_MAX)
			return fail(x, "process.user.additionalGids[%zu]: must be a gid", i);
		p->gids[p->ngids++] = (uint32_t)json_integer_value(v);
	}
	return 0;
}

static int parse_process(struct ctx *x, json_t *proc, struct oci_process *p)
{
	json_t *caps, *size;
	int64_t v;

	memset(p, 0, sizeof(*p));
	p->umask = -1;
	if (get_strv(x, proc, "args", "process.args", &p->args) ||
	    get_strv(x, proc, "env", "process.env", &p->env) ||
	    get_str(x, proc, "cwd", "process.cwd", true, &p->cwd) ||
	    get_bool(x, proc, "terminal", "process.terminal", &p->terminal) ||
	    get_bool(x, proc, "noNewPrivileges", "process.noNewPrivileges", &p->no_new_privs) ||
	    parse_user(x, proc, p) || parse_rlimits(x, proc, p))
		return -1;
	if (!p->args || !p->args[0])
		return fail(x, "process.args: must name the program to run");
	if (clean_path(x, &p->cwd, "process.cwd", PATH_ABSOLUTE))
		return -1;
	if (!p->env && !(p->env = calloc(1, sizeof(char *))))
		return fail(x, "process.env: out of memory");
	if (get_obj(x, proc, "consoleSize", "process.consoleSize", false, &size))
		return -1;
	if (size) {
		v = 0;
		if (get_int(x, size, "height", "process.consoleSize.height", 0, 65535, &v))
			return -1;
		p->rows = (unsigned)v;
		v = 0;
		if (get_int(x, size, "width", "process.consoleSize.width", 0, 65535, &v))
			return -1;
		p->cols = (unsigned)v;
	}
	v = 0;
	if (get_int(x, proc, "oomScoreAdj", "process.oomScoreAdj", -1000, 1000, &v))
		return -1;
	p->oom_score_adj = (int)v;
	p->has_oom_score_adj = json_object_get(proc, "oomScoreAdj") != NULL;
	if (get_obj(x, proc, "capabilities", "process.capabilities", false, &caps))
		return -1;
	/* no process.capabilities: none at all, as under runc */
	p->has_caps = caps != NULL;
	if (caps && (parse_capset(x, caps, "effective", p, &p->cap_effective) ||
		     parse_capset(x, caps, "permitted", p, &p->cap_permitted) ||
		     parse_capset(x, caps, "bounding", p, &p->cap_bounding) ||
		     parse_capset(x, caps, "inheritable", p, &p->cap_inheritable) ||
		     parse_capset(x, caps, "ambient", p, &p->cap_ambient)))
		return -1;
	return 0;
}

/* ---- mounts ---- */

static int parse_size(const char *s, uint64_t *out)
{
	char *end;
	unsigned long long v = strtoull(s, &end, 10);

	switch (*end) {
	case 'k': case 'K': v <<= 10; end++; break;
	case 'm': case 'M': v <<= 20; end++; break;
	case 'g': case 'G': v <<= 30; end++; break;
	}
	if (*end || end == s)
		return -1;
	*out = v;
	return 0;
}

static int mount_option(struct ctx *x, struct oci_mount *m, const char *o, size_t i)
{
	char *end;

	if (!strcmp(o, "ro"))
		m->ro = true;
	else if (!strcmp(o, "rw"))
		m->ro = false;
	else if (!strcmp(o, "bind") || !strcmp(o, "rbind"))
		m->bind = true;
	else if (!strncmp(o, "mode=", 5)) {
		m->mode = (unsigned)strtoul(o + 5, &end, 8);
		if (*end || end == o + 5 || m->mode > 07777)
			return fail(x, "mounts[%zu].options: bad '%s'", i, o);
	} else if (!strncmp(o, "size=", 5)) {
		if (parse_size(o + 5, &m->size))
			return fail(x, "mounts[%zu].options: bad '%s'", i, o);
	}
	else if (!strcmp(o, "nosuid"))
		m->nosuid = true;
	else if (!strcmp(o, "suid"))
		m->nosuid = false;
	/* nodev, noexec, relatime, private, ...: the sentry's own file
	 * systems have no device files to honour */
	return 0;
}

static int parse_mount(struct ctx *x, json_t *j, size_t i, struct oci_mount *m)
{
	char field[48];
	json_t *opts, *o;
	size_t k;

	if (!json_is_object(j))
		return fail(x, "mounts[%zu]: must be an object", i);
	if (get_str(x, j, "destination", "mounts[].destination", true, &m->destination) ||
	    get_str(x, j, "type", "mounts[].type", false, &m->type) ||
	    get_str(x, j, "source", "mounts[].source", false, &m->source) ||
	    get_arr(x, j, "options", "mounts[].options", &opts))
		return -1;
	snprintf(field, sizeof(field), "mounts[%zu].destination", i);
	if (clean_path(x, &m->destination, field, PATH_ABSOLUTE))
		return -1;
	json_array_foreach(opts, k, o) {
		if (!json_is_string(o))
			return fail(x, "mounts[%zu].options[%zu]: must be a string", i, k);
		if (mount_option(x, m, json_string_value(o), i))
			return -1;
	}
	if (!m->type)
		m->type = strdup(m->bind ? "bind" : "none");
	if (!strcmp(m->type, "bind"))
		m->bind = true;
	if (m->bind && !m->source)
		return fail(x, "mounts[%zu].source: a bind mount needs a source", i);
	/* a bind mount's source is a host path the engine chose, absolute or
	 * in the bundle; other types' sources are names, not paths */
	snprintf(field, sizeof(field), "mounts[%zu].source", i);
	return m->bind ? clean_path(x, &m->source, field, PATH_IN_BUNDLE) : 0;
}

static int parse_mounts(struct ctx *x, json_t *root, struct oci_config *c)
{
	json_t *a, *j;
	size_t i;

	if (get_arr(x, root, "mounts", "mounts", &a) || !a)
		return x->failed ? -1 : 0;
	c->mounts = calloc(json_array_size(a) + 1, sizeof(*c->mounts));
	if (!c->mounts)
		return fail(x, "mounts: out of memory");
	json_array_foreach(a, i, j) {
		c->nmounts++;           /* freed with the config, even half made */
		if (parse_mount(x, j, i, &c->mounts[i]))
			return -1;
	}
	return 0;
}

/* ---- hooks ---- */

static int parse_hooks(struct ctx *x, json_t *root, struct oci_config *c)
{
	static const char *names[HOOK_KINDS] = {
		"prestart", "createRuntime", "poststart", "poststop",
	};
	json_t *hooks, *a, *h;
	size_t i;

	if (get_obj(x, root, "hooks", "hooks", false, &hooks) || !hooks)
		return x->failed ? -1 : 0;
	for (int k = 0; k < HOOK_KINDS; k++) {
		char path[64];

		snprintf(path, sizeof(path), "hooks.%s", names[k]);
		if (get_arr(x, hooks, names[k], path, &a))
			return -1;
		if (!a)
			continue;
		c->hooks[k] = calloc(json_array_size(a) + 1, sizeof(struct oci_hook));
		if (!c->hooks[k])
			return fail(x, "%s: out of memory", path);
		json_array_foreach(a, i, h) {
			struct oci_hook *o = &c->hooks[k][i];
			char field[96];
			int64_t t = 0;

			c->nhooks[k]++;         /* freed with the config, even half made */
			if (!json_is_object(h))
				return fail(x, "%s[%zu]: must be an object", path, i);
			snprintf(field, sizeof(field), "%s[%zu].path", path, i);
			if (get_str(x, h, "path", "hooks[].path", true, &o->path) ||
			    clean_path(x, &o->path, field, PATH_ABSOLUTE) ||
			    get_strv(x, h, "args", "hooks[].args", &o->args) ||
			    get_strv(x, h, "env", "hooks[].env", &o->env) ||
			    get_int(x, h, "timeout", "hooks[].timeout", 1, INT_MAX, &t))
				return -1;
			o->timeout = (int)t;
		}
	}
	return 0;
}

/* ---- linux ---- */

/* The kind of namespace a path names (NS_GET_NSTYPE), or -1. */
static int ns_type_of(const char *path)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC), t;

	if (fd < 0)
		return -1;
	t = ioctl(fd, NS_GET_NSTYPE);
	close(fd);
	return t;
}

static const int ns_flags[] = {
	CLONE_NEWPID, CLONE_NEWNET, CLONE_NEWNS, CLONE_NEWIPC, CLONE_NEWUTS, CLONE_NEWUSER,
	CLONE_NEWCGROUP, 0x80 /* CLONE_NEWTIME */,
};

static int parse_namespaces(struct ctx *x, json_t *linux_, struct oci_config *c)
{
	static const char *known[] = {
		"pid", "network", "mount", "ipc", "uts", "user", "cgroup", "time", NULL,
	};
	json_t *a, *n;
	size_t i;

	if (get_arr(x, linux_, "namespaces", "linux.namespaces", &a) || !a)
		return x->failed ? -1 : 0;
	json_array_foreach(a, i, n) {
		char *type = NULL, *path = NULL, field[48];
		int k;

		if (!json_is_object(n))
			return fail(x, "linux.namespaces[%zu]: must be an object", i);
		snprintf(field, sizeof(field), "linux.namespaces[%zu].path", i);
		if (get_str(x, n, "type", "linux.namespaces[].type", true, &type) ||
		    get_str(x, n, "path", "linux.namespaces[].path", false, &path) ||
		    clean_path(x, &path, field, PATH_ABSOLUTE)) {
			free(type);
			free(path);
			return -1;
		}
		for (k = 0; known[k] && strcmp(known[k], type); k++)
			;
		if (known[k] && path && ns_type_of(path) != ns_flags[k]) {
			fail(x, "linux.namespaces[%zu].path: %s is not a %s namespace", i, path, type);
			free(type);
			free(path);
			return -1;
		}
		if (!known[k]) {
			fail(x, "linux.namespaces[%zu].type: unknown namespace '%s'", i, type);
			free(type);
			free(path);
			return -1;
		}
		/* the sentry isolates everything itself; the engine's network
		 * namespace is joined, so its networking works, and a uts one,
		 * whose name the sandbox then starts with (docs/oci.md) */
		if (!strcmp(type, "uts")) {
			c->new_uts = !path;
			c->utsns_path = path;
			path = NULL;
		}
		if (!strcmp(type, "pid"))
			c->new_pidns = !path;
		if (!strcmp(type, "network")) {
			c->new_netns = !path;
			c->netns_path = path;
			path = NULL;
		}
		free(type);
		free(path);
	}
	return 0;
}

static int parse_resources(struct ctx *x, json_t *linux_, struct oci_config *c)
{
	json_t *res, *o;
	int64_t v;

	if (get_obj(x, linux_, "resources", "linux.resources", false, &res) || !res)
		return x->failed ? -1 : 0;
	if (get_obj(x, res, "memory", "linux.resources.memory", false, &o))
		return -1;
	if (o && get_int(x, o, "limit", "linux.resources.memory.limit", -1, INT64_MAX,
			 &c->mem_limit))
		return -1;
	if (get_obj(x, res, "pids", "linux.resources.pids", false, &o))
		return -1;
	if (o && get_int(x, o, "limit", "linux.resources.pids.limit", -1, INT64_MAX,
			 &c->pids_limit))
		return -1;
	if (get_obj(x, res, "cpu", "linux.resources.cpu", false, &o))
		return -1;
	if (o) {
		v = 0;
		if (get_int(x, o, "quota", "linux.resources.cpu.quota", -1, INT64_MAX, &v))
			return -1;
		c->cpu_quota = v > 0 ? (uint64_t)v : 0;
		v = 0;
		if (get_int(x, o, "period", "linux.resources.cpu.period", 0, INT64_MAX, &v))
			return -1;
		c->cpu_period = (uint64_t)v;
	}
	return 0;
}

static int parse_device(struct ctx *x, json_t *j, size_t i, struct oci_device *d)
{
	char *type = NULL, field[48];
	int64_t maj = -1, min = -1, mode = 0666;
	uint32_t uid = 0, gid = 0;
	int err;

	if (!json_is_object(j))
		return fail(x, "linux.devices[%zu]: must be an object", i);
	if (get_str(x, j, "path", "linux.devices[].path", true, &d->path) ||
	    get_str(x, j, "type", "linux.devices[].type", true, &type))
		return -1;
	err = get_int(x, j, "major", "linux.devices[].major", 0, 4095, &maj) ||
	      get_int(x, j, "minor", "linux.devices[].minor", 0, 1048575, &min) ||
	      get_int(x, j, "fileMode", "linux.devices[].fileMode", 0, 07777, &mode) ||
	      get_u32(x, j, "uid", "linux.devices[].uid", &uid) ||
	      get_u32(x, j, "gid", "linux.devices[].gid", &gid);
	d->mode = !strcmp(type, "c") || !strcmp(type, "u") ? S_IFCHR
		: !strcmp(type, "b") ? S_IFBLK : !strcmp(type, "p") ? S_IFIFO : 0;
	free(type);
	if (err)
		return -1;
	snprintf(field, sizeof(field), "linux.devices[%zu].path", i);
	if (clean_path(x, &d->path, field, PATH_ABSOLUTE))
		return -1;
	if (!strcmp(d->path, "/"))
		return fail(x, "%s: '/' is not a file path", field);
	if (!d->mode)
		return fail(x, "linux.devices[%zu].type: must be c, u, b or p", i);
	if (d->mode != S_IFIFO && (maj < 0 || min < 0))
		return fail(x, "linux.devices[%zu]: a device node needs major and minor", i);
	d->mode |= (mode_t)mode;
	d->rdev = S_ISFIFO(d->mode) ? 0 : makedev(maj, min);
	d->uid = uid;
	d->gid = gid;
	return 0;
}

static int parse_devices(struct ctx *x, json_t *linux_, struct oci_config *c)
{
	json_t *a, *j;
	size_t i;

	if (get_arr(x, linux_, "devices", "linux.devices", &a) || !a)
		return x->failed ? -1 : 0;
	c->devices = calloc(json_array_size(a) + 1, sizeof(*c->devices));
	if (!c->devices)
		return fail(x, "linux.devices: out of memory");
	json_array_foreach(a, i, j) {
		c->ndevices++;
		if (parse_device(x, j, i, &c->devices[i]))
			return -1;
	}
	return 0;
}

/* linux.uidMappings or gidMappings as uid_map text ("0 1000 2000\n"...). */
static int parse_idmap(struct ctx *x, json_t *linux_, const char *key, char **out)
{
	char path[40], *text;
	size_t len = 0, i;
	json_t *a, *m;

	snprintf(path, sizeof(path), "linux.%s", key);
	if (get_arr(x, linux_, key, path, &a) || !a || !json_array_size(a))
		return x->failed ? -1 : 0;
	if (json_array_size(a) > 5)
		return fail(x, "%s: at most 5 ranges", path);
	if (!(text = calloc(json_array_size(a), 40)))
		return fail(x, "%s: out of memory", path);
	*out = text;
	json_array_foreach(a, i, m) {
		uint32_t cid = UINT32_MAX, hid = UINT32_MAX, size = 0;

		if (!json_is_object(m) || get_u32(x, m, "containerID", path, &cid) ||
		    get_u32(x, m, "hostID", path, &hid) || get_u32(x, m, "size", path, &size))
			return x->failed ? -1 : fail(x, "%s[%zu]: must be an object", path, i);
		if (cid == UINT32_MAX || hid == UINT32_MAX || !size)
			return fail(x, "%s[%zu]: needs containerID, hostID and size", path, i);
		len += (size_t)sprintf(text + len, "%u %u %u\n", cid, hid, size);
	}
	return 0;
}

/*
 * linux.cgroupsPath, absolute or relative, is taken from the root of each
 * cgroup hierarchy (runc takes a relative one from its own cgroup), and
 * must name a cgroup below that root.  systemd's "slice:prefix:name" is
 * not a path: cvisor has no systemd driver and uses its own cgroup then.
 */
static int parse_cgroups_path(struct ctx *x, json_t *linux_, struct oci_config *c)
{
	char **p = &c->cgroups_path;

	if (get_str(x, linux_, "cgroupsPath", "linux.cgroupsPath", false, p))
		return -1;
	if (!*p || !**p || strchr(*p, ':'))
		return 0;
	if (clean_path(x, p, "linux.cgroupsPath", PATH_IN_CGROUPS))
		return -1;
	if (!strcmp(*p, "/") || !strcmp(*p, "."))
		return fail(x, "linux.cgroupsPath: '%s' names the root of the cgroup hierarchy, "
			    "not a cgroup of the container's own", *p);
	return 0;
}

/*
 * linux.sysctl: an object of strings, kept as "key=value".  Which keys
 * the sandbox serves is create's question (cli/oci_create.c); here a key
 * is only checked to be a name, so it can never be a path.
 */
static int parse_sysctl(struct ctx *x, json_t *linux_, struct oci_config *c)
{
	static const char name_chars[] = "abcdefghijklmnopqrstuvwxyz"
					 "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-.";
	const char *k;
	json_t *o, *v;
	size_t i = 0;

	if (get_obj(x, linux_, "sysctl", "linux.sysctl", false, &o) || !o)
		return x->failed ? -1 : 0;
	c->sysctl = calloc(json_object_size(o) + 1, sizeof(char *));
	if (!c->sysctl)
		return fail(x, "linux.sysctl: out of memory");
	json_object_foreach(o, k, v) {
		if (!json_is_string(v))
			return fail(x, "linux.sysctl.%s: must be a string", k);
		if (!*k || k[0] == '.' || strstr(k, "..") || strspn(k, name_chars) != strlen(k))
			return fail(x, "linux.sysctl: '%s' is not a sysctl name", k);
		if (asprintf(&c->sysctl[i++], "%s=%s", k, json_string_value(v)) < 0)
			return fail(x, "linux.sysctl: out of memory");
	}
	return 0;
}

static int parse_linux(struct ctx *x, json_t *root, struct oci_config *c)
{
	json_t *linux_, *sc;

	if (get_obj(x, root, "linux", "linux", false, &linux_) || !linux_)
		return x->failed ? -1 : 0;
	if (parse_namespaces(x, linux_, c) || parse_resources(x, linux_, c) ||
	    parse_devices(x, linux_, c) || parse_sysctl(x, linux_, c) ||
	    parse_idmap(x, linux_, "uidMappings", &c->uid_map) ||
	    parse_idmap(x, linux_, "gidMappings", &c->gid_map) ||
	    get_strv(x, linux_, "maskedPaths", "linux.maskedPaths", &c->masked) ||
	    clean_paths(x, c->masked, "linux.maskedPaths", PATH_ABSOLUTE) ||
	    get_strv(x, linux_, "readonlyPaths", "linux.readonlyPaths", &c->readonly) ||
	    clean_paths(x, c->readonly, "linux.readonlyPaths", PATH_ABSOLUTE) ||
	    get_obj(x, linux_, "seccomp", "linux.seccomp", false, &sc))
		return -1;
	if (sc)
		c->seccomp_json = json_dumps(sc, JSON_COMPACT);
	if (json_object_get(linux_, "resources"))
		c->resources_json = json_dumps(json_object_get(linux_, "resources"), JSON_COMPACT);
	return parse_cgroups_path(x, linux_, c);
}

/* ---- the whole file ---- */

static int parse_root(struct ctx *x, json_t *root, struct oci_config *c)
{
	json_t *r, *proc, *ann;
	char *ver = NULL;

	if (!json_is_object(root))
		return fail(x, "config.json: must be a JSON object");
	if (get_str(x, root, "ociVersion", "ociVersion", true, &ver))
		return -1;
	free(ver);
	if (get_obj(x, root, "root", "root", true, &r) ||
	    get_str(x, r, "path", "root.path", true, &c->root_path) ||
	    clean_path(x, &c->root_path, "root.path", PATH_IN_BUNDLE) ||
	    get_bool(x, r, "readonly", "root.readonly", &c->root_ro) ||
	    get_obj(x, root, "process", "process", true, &proc) ||
	    parse_process(x, proc, &c->proc) ||
	    get_str(x, root, "hostname", "hostname", false, &c->hostname) ||
	    parse_mounts(x, root, c) || parse_hooks(x, root, c) || parse_linux(x, root, c) ||
	    get_obj(x, root, "annotations", "annotations", false, &ann))
		return -1;
	if (ann)
		c->annotations_json = json_dumps(ann, JSON_COMPACT);
	return 0;
}

static char *absolute(const char *dir)
{
	char buf[PATH_MAX];

	return realpath(dir, buf) ? strdup(buf) : NULL;
}

int oci_config_load(const char *bundle, struct oci_config *c, char *err, size_t errlen)
{
	struct ctx x = { err, errlen, false, NULL };
	json_error_t je;
	char file[PATH_MAX];
	json_t *root;
	int r;

	memset(c, 0, sizeof(*c));
	c->bundle = absolute(bundle);
	if (!c->bundle) {
		snprintf(err, errlen, "bundle %s: %s", bundle, strerror(errno));
		return -1;
	}
	snprintf(file, sizeof(file), "%s/config.json", c->bundle);
	root = json_load_file(file, JSON_REJECT_DUPLICATES, &je);
	if (!root) {
		if (je.line < 0)
			snprintf(err, errlen, "%s: %s", file, je.text);
		else
			snprintf(err, errlen, "%s: line %d: %s", file, je.line, je.text);
		return -1;
	}
	x.bundle = c->bundle;
	r = parse_root(&x, root, c);
	json_decref(root);
	return r;
}

int oci_process_load(const char *file, struct oci_process *p, char *err, size_t errlen)
{
	struct ctx x = { err, errlen, false, NULL };
	json_error_t je;
	json_t *root = json_load_file(file, 0, &je);
	int r;

	if (!root) {
		snprintf(err, errlen, "%s: %s", file, je.text);
		return -1;
	}
	r = json_is_object(root) ? parse_process(&x, root, p) :
				   fail(&x, "%s: must be a JSON object", file);
	json_decref(root);
	return r;
}

void oci_process_free(struct oci_process *p)
{
	strv_free(p->args);
	strv_free(p->env);
	free(p->cwd);
	free(p->gids);
	free(p->rlimits);
	free(p->unknown_caps);
	memset(p, 0, sizeof(*p));
}

void oci_config_free(struct oci_config *c)
{
	free(c->bundle);
	free(c->root_path);
	oci_process_free(&c->proc);
	free(c->hostname);
	for (int i = 0; i < c->nmounts; i++) {
		free(c->mounts[i].destination);
		free(c->mounts[i].type);
		free(c->mounts[i].source);
	}
	free(c->mounts);
	strv_free(c->masked);
	strv_free(c->readonly);
	for (int i = 0; i < c->ndevices; i++)
		free(c->devices[i].path);
	free(c->devices);
	free(c->uid_map);
	free(c->gid_map);
	free(c->netns_path);
	free(c->utsns_path);
	for (int k = 0; k < HOOK_KINDS; k++) {
		for (int i = 0; i < c->nhooks[k]; i++) {
			free(c->hooks[k][i].path);
			strv_free(c->hooks[k][i].args);
			strv_free(c->hooks[k][i].env);
		}
		free(c->hooks[k]);
	}
	free(c->seccomp_json);
	free(c->resources_json);
	free(c->cgroups_path);
	strv_free(c->sysctl);
	free(c->annotations_json);
	memset(c, 0, sizeof(*c));
}
