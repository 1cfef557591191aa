/* SPDX-License-Identifier: MIT */
/*
 * cvisor update: new limits for a container's cgroup while it runs, with
 * runc's flags and its JSON resources file (what `docker update` and
 * Kubernetes' in-place resize send through containerd: `update
 * --resources - ID`, the JSON on stdin).  The limits are written as
 * create writes them (sandbox/cgroup_res.c): in runc's order, only the
 * fields given, the first refusal named with its file and value.
 */
#include <errno.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/oci.h"
#include "sandbox/cgroup.h"

struct update_opts {
	const char *resources, *memory, *swap, *reservation, *cpus, *quota, *period, *shares,
		*rt_period, *rt_runtime, *cpuset_cpus, *cpuset_mems, *pids, *blkio_weight,
		*kmem, *kmem_tcp, *l3, *mem_bw;
};

/*
 * A size as runc's flags take it (docker's RAMInBytes): a number with an
 * optional binary suffix k, m, g, t (b after it allowed), or -1.
 */
static int parse_size(const char *s, long long *out)
{
	static const char units[] = "kmgt";
	char *end;
	long long v = strtoll(s, &end, 10);
	const char *u;

	if (end == s || v < -1)
		return -EINVAL;
	if (*end && (u = strchr(units, *end | 0x20)) && v >= 0) {
		for (long i = 0; i <= u - units; i++)
			v *= 1024;
		end++;
		if ((*end | 0x20) == 'b')
			end++;
	}
	return *end ? -EINVAL : (*out = v, 0);
}

/* --name VALUE into o.key (a size or a plain number). */
static int set_num(json_t *o, const char *key, const char *flag, const char *val, bool size)
{
	long long v;
	char *end;

	if (!val)
		return 0;
	if (size ? parse_size(val, &v) : (v = strtoll(val, &end, 10), end == val || *end)) {
		log_error("update: --%s %s: not a %s", flag, val, size ? "size" : "number");
		return -1;
	}
	json_object_set_new(o, key, json_integer(v));
	return 0;
}

/* --cpus N (docker's): N CPUs' worth of time per period. */
static int set_cpus(json_t *cpu, const struct update_opts *o)
{
	long long period = o->period ? atoll(o->period) : 100000;
	char *end;
	double n;

	if (!o->cpus)
		return 0;
	n = strtod(o->cpus, &end);
	if (end == o->cpus || *end || n <= 0 || period <= 0) {
		log_error("update: --cpus %s: not a positive number of CPUs", o->cpus);
		return -1;
	}
	json_object_set_new(cpu, "quota", json_integer((json_int_t)(n * (double)period)));
	json_object_set_new(cpu, "period", json_integer(period));
	return 0;
}

static json_t *from_flags(const struct update_opts *o)
{
	json_t *r = json_object(), *mem = json_object(), *cpu = json_object();
	json_t *pids = json_object(), *bio = json_object();
	int err = set_num(mem, "limit", "memory", o->memory, true) ||
		  set_num(mem, "swap", "memory-swap", o->swap, true) ||
		  set_num(mem, "reservation", "memory-reservation", o->reservation, true) ||
		  set_num(mem, "kernel", "kernel-memory", o->kmem, true) ||
		  set_num(mem, "kernelTCP", "kernel-memory-tcp", o->kmem_tcp, true) ||
		  set_num(cpu, "shares", "cpu-share", o->shares, false) ||
		  set_num(cpu, "quota", "cpu-quota", o->quota, false) ||
		  set_num(cpu, "period", "cpu-period", o->period, false) ||
		  set_num(cpu, "realtimePeriod", "cpu-rt-period", o->rt_period, false) ||
		  set_num(cpu, "realtimeRuntime", "cpu-rt-runtime", o->rt_runtime, false) ||
		  set_cpus(cpu, o) ||
		  set_num(pids, "limit", "pids-limit", o->pids, false) ||
		  set_num(bio, "weight", "blkio-weight", o->blkio_weight, false);

	if (o->cpuset_cpus)
		json_object_set_new(cpu, "cpus", json_string(o->cpuset_cpus));
	if (o->cpuset_mems)
		json_object_set_new(cpu, "mems", json_string(o->cpuset_mems));
	json_object_set_new(r, "memory", mem);
	json_object_set_new(r, "cpu", cpu);
	json_object_set_new(r, "pids", pids);
	json_object_set_new(r, "blockIO", bio);
	if (err) {
		json_decref(r);
		return NULL;
	}
	return r;
}

/* -r FILE ('-': stdin): runc reads it whole and ignores every other flag. */
static json_t *from_file(const char *path)
{
	json_error_t e;
	json_t *r = strcmp(path, "-") ? json_load_file(path, 0, &e) : json_loadf(stdin, 0, &e);

	if (!r)
		log_error("update: --resources %s: %s (line %d)", path, e.text, e.line);
	else if (!json_is_object(r)) {
		log_error("update: --resources %s: not a JSON object", path);
		json_decref(r);
		r = NULL;
	}
	return r;
}

static const struct opt *update_optv(struct update_opts *o)
{
	static struct opt v[21];
	struct opt list[] = {
		{ "resources", 'r', &o->resources, NULL, NULL },
		{ "memory", 0, &o->memory, NULL, NULL },
		{ "memory-swap", 0, &o->swap, NULL, NULL },
		{ "memory-reservation", 0, &o->reservation, NULL, NULL },
		{ "kernel-memory", 0, &o->kmem, NULL, NULL },
		{ "kernel-memory-tcp", 0, &o->kmem_tcp, NULL, NULL },
		{ "cpus", 0, &o->cpus, NULL, NULL },
		{ "cpu-quota", 0, &o->quota, NULL, NULL },
		{ "cpu-period", 0, &o->period, NULL, NULL },
		{ "cpu-share", 0, &o->shares, NULL, NULL },
		{ "cpu-shares", 0, &o->shares, NULL, NULL },
		{ "cpu-rt-period", 0, &o->rt_period, NULL, NULL },
		{ "cpu-rt-runtime", 0, &o->rt_runtime, NULL, NULL },
		{ "cpuset-cpus", 0, &o->cpuset_cpus, NULL, NULL },
		{ "cpuset-mems", 0, &o->cpuset_mems, NULL, NULL },
		{ "pids-limit", 0, &o->pids, NULL, NULL },
		{ "blkio-weight", 0, &o->blkio_weight, NULL, NULL },
		{ "l3-cache-schema", 0, &o->l3, NULL, NULL },
		{ "mem-bw-schema", 0, &o->mem_bw, NULL, NULL },
		{ NULL, 0, NULL, NULL, NULL },
	};

	memcpy(v, list, sizeof(list));
	return v;
}

/*
 * The sentry counts the application's tasks against the pids limit (fork
 * and clone fail with EAGAIN past it, kernel/task.c): it gets the new one
 * as well as the cgroup.  A paused sentry cannot answer: the request waits
 * on its control socket and takes effect when it is resumed.
 */
static int update_sentry_pids(const struct oci_state *st, json_t *r)
{
	long long n = json_integer_value(json_object_get(json_object_get(r, "pids"), "limit"));
	bool paused = !strcmp(state_status(st), "paused");
	char req[48], reply[256] = "ok";
	int e;

	if (!n)
		return 0;       /* not given (0 is "leave it", as in runc) */
	snprintf(req, sizeof(req), "pids %lld", n < 0 ? 0 : n);
	e = ctl_request(st, req, NULL, paused ? NULL : reply, sizeof(reply), NULL);
	if (e || strncmp(reply, "ok", 2)) {
		log_error("update %s: the sandbox's own pids limit: %s", st->id,
			  e ? strerror(-e) : reply + 4);
		return -1;
	}
	return 0;
}

static int do_update(struct oci_state *st, json_t *r)
{
	struct cgroup cg = { 0 };
	char *text;
	int err;

	if (!strcmp(state_status(st), "stopped")) {
		log_error("update %s: the container is stopped", st->id);
		return -1;
	}
	if (state_cgroup(st, cg.path, sizeof(cg.path))) {
		log_error("update %s: the container has no cgroup of its own", st->id);
		return -1;
	}
	text = json_dumps(r, JSON_COMPACT);
	err = text ? cgroup_set(&cg, text) : -ENOMEM;
	free(text);
	if (err) {
		log_error("update %s: %s", st->id, cg.why[0] ? cg.why : strerror(-err));
		return -1;
	}
	return update_sentry_pids(st, r);
}

int cmd_update(const struct gopts *g, int argc, char **argv)
{
	struct update_opts o = { 0 };
	int i = parse_opts("update", argc, argv, update_optv(&o)), e;
	struct oci_state st;
	json_t *r;

	if (load_container(g, "update", argc, argv, i, &st))
		return 1;
	if (o.l3 || o.mem_bw) {
		log_error("update %s: Intel RDT (--l3-cache-schema, --mem-bw-schema) is not "
			  "supported", st.id);
		state_free(&st);
		return 1;
	}
	r = o.resources ? from_file(o.resources) : from_flags(&o);
	e = r ? do_update(&st, r) : -1;
	json_decref(r);
	state_free(&st);
	return e ? 1 : 0;
}
