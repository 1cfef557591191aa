/* SPDX-License-Identifier: MIT */
/*
 * The calibration table on disk: ~/.cache/cvisor/calibration.json (or a
 * path given with --out / --calibration), written by `bench calibrate`.
 */
#include <errno.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "profile/calib.h"


/* $XDG_CACHE_HOME/cvisor/calibration.json, else ~/.cache/cvisor/... */
void calib_default_path(char *buf, size_t len)
{
	const char *x = getenv("XDG_CACHE_HOME"), *home = getenv("HOME");

	if (x && x[0] == '/')
		snprintf(buf, len, "%s/cvisor/calibration.json", x);
	else
		snprintf(buf, len, "%s/.cache/cvisor/calibration.json",
			 home && home[0] ? home : "/root");
}

static json_t *cost_json(const struct cost *c)
{
	return json_pack("{s:f,s:f,s:f}", "med", c->med, "lo", c->lo, "hi", c->hi);
}

static int cost_of(json_t *j, struct cost *c)
{
	return json_unpack(j, "{s:F,s:F,s:F}", "med", &c->med, "lo", &c->lo, "hi", &c->hi);
}

static int mkdirs_for(const char *path)
{
	char d[4096];

	snprintf(d, sizeof(d), "%s", path);
	for (char *p = d + 1; (p = strchr(p, '/')); p++) {
		*p = 0;
		if (mkdir(d, 0755) && errno != EEXIST)
			return -errno;
		*p = '/';
	}
	return 0;
}

/* A table of extra costs at points x: {"<xname>": [...], "extra_ns_per_syscall":
 * {"cvisor": [{med, lo, hi}...], ...}} */
static json_t *table_json(const struct calibration *c, const char *xname, const double *x,
			  int n, const struct cost (*e)[CAL_MAX_WSS])
{
	json_t *xs = json_array(), *extra = json_object();

	for (int i = 0; i < n; i++)
		json_array_append_new(xs, json_real(x[i]));
	for (int rt = 0; rt < RT_KINDS; rt++) {
		json_t *a = json_array();

		for (int i = 0; c->have[rt] && i < n; i++)
			json_array_append_new(a, cost_json(&e[rt][i]));
		if (c->have[rt])
			json_object_set_new(extra, rt_name(rt), a);
		else
			json_decref(a);
	}
	return json_pack("{s:o,s:o}", xname, xs, "extra_ns_per_syscall", extra);
}

static json_t *classes_json(const struct cost *k)
{
	json_t *s = json_object();

	for (int i = 0; i < SC_CLASSES; i++)
		json_object_set_new(s, sc_class_name(i), cost_json(&k[i]));
	return s;
}

/* An older file has no fstat class: its calls were priced as stats. */
static int classes_of(json_t *s, struct cost *k)
{
	for (int i = 0; i < SC_CLASSES; i++) {
		json_t *j = json_object_get(s, sc_class_name(i));

		if (!j && i == SC_FSTAT)
			k[i] = k[SC_STAT];
		else if (cost_of(j, &k[i]))
			return -1;
	}
	return 0;
}

int calib_save(const struct calibration *c, const char *path)
{
	json_t *root = json_pack("{s:i,s:s,s:b}", "version", 1, "created", c->created,
				 "quick", c->quick);
	json_t *sc = json_object(), *crowd = json_object(), *ev = json_object();
	int err;

	for (int rt = 0; rt < RT_KINDS; rt++) {
		json_t *e;

		if (!c->have[rt])
			continue;
		e = json_object();
		for (int k = 0; k < EVT_KINDS; k++)
			json_object_set_new(e, ev_kind_name(k), cost_json(&c->ev[rt][k]));
		json_object_set_new(e, "stat_cached", cost_json(&c->stat_cached[rt]));
		json_object_set_new(sc, rt_name(rt), classes_json(c->sc[rt]));
		json_object_set_new(crowd, rt_name(rt), classes_json(c->crowd[rt]));
		json_object_set_new(ev, rt_name(rt), e);
	}
	json_object_set_new(root, "trace_ns", cost_json(&c->trace));
	json_object_set_new(root, "syscall_ns", sc);
	json_object_set_new(root, "syscall_ns_crowded", crowd);
	json_object_set_new(root, "event_ns", ev);
	json_object_set_new(root, "pace", table_json(c, "calls_per_s", c->pace_rate, c->npace,
							c->pace_extra));
	json_object_set_new(root, "working_set", table_json(c, "bytes", c->wss_bytes, c->nwss,
							    c->wss_extra));
	err = mkdirs_for(path);
	if (!err && json_dump_file(root, path, JSON_INDENT(1) | JSON_SORT_KEYS))
		err = -EIO;
	json_decref(root);
	return err;
}

/* The points of a table (count in *n); its costs are read per runtime. */
static void table_points(json_t *root, const char *key, const char *xname, double *x, int *n)
{
	json_t *xs = json_object_get(json_object_get(root, key), xname);
	size_t i;

	for (i = 0; i < json_array_size(xs) && i < CAL_MAX_WSS; i++)
		x[i] = json_number_value(json_array_get(xs, i));
	*n = (int)i;
}

static int table_costs(json_t *root, const char *key, int rt, int n, struct cost *e)
{
	json_t *a = json_object_get(json_object_get(json_object_get(root, key),
						    "extra_ns_per_syscall"), rt_name(rt));

	for (int i = 0; i < n; i++)
		if (cost_of(json_array_get(a, (size_t)i), &e[i]))
			return -1;
	return 0;
}

/*
 * The crowded prices; an older file has them measured with spinning off
 * ("syscall_ns_nospin"), or the trivial one only ("nospin" among the
 * events), or none: the other classes then keep their extra over a
 * trivial call.
 */
static int load_crowd(json_t *root, struct calibration *c, int rt)
{
	json_t *t = json_object_get(json_object_get(root, "syscall_ns_crowded"), rt_name(rt));

	if (!t)
		t = json_object_get(json_object_get(root, "syscall_ns_nospin"), rt_name(rt));
	json_t *old = json_object_get(json_object_get(json_object_get(root, "event_ns"),
						      rt_name(rt)), "nospin");
	struct cost t0 = c->sc[rt][SC_TRIVIAL];

	if (t)
		return classes_of(t, c->crowd[rt]);
	if (old && cost_of(old, &t0))
		return -1;
	for (int k = 0; k < SC_CLASSES; k++) {
		c->crowd[rt][k] = c->sc[rt][k];
		c->crowd[rt][k].med += t0.med - c->sc[rt][SC_TRIVIAL].med;
		c->crowd[rt][k].lo += t0.lo - c->sc[rt][SC_TRIVIAL].lo;
		c->crowd[rt][k].hi += t0.hi - c->sc[rt][SC_TRIVIAL].hi;
	}
	return 0;
}

static int load_rt(json_t *root, struct calibration *c, int rt)
{
	json_t *s = json_object_get(json_object_get(root, "syscall_ns"), rt_name(rt));
	json_t *e = json_object_get(json_object_get(root, "event_ns"), rt_name(rt));

	if (!s)
		return 0;
	if (classes_of(s, c->sc[rt]) || load_crowd(root, c, rt))
		return -1;
	/* an older file has no blocked call: left 0, the model then charges
	 * a block as a switch (model.c's block_cost) */
	for (int k = 0; k < EVT_KINDS; k++)
		if ((k != EVT_BLOCK || json_object_get(e, ev_kind_name(k))) &&
		    cost_of(json_object_get(e, ev_kind_name(k)), &c->ev[rt][k]))
			return -1;
	if (json_object_get(e, "stat_cached"))
		cost_of(json_object_get(e, "stat_cached"), &c->stat_cached[rt]);
	if (table_costs(root, "pace", rt, c->npace, c->pace_extra[rt]) ||
	    table_costs(root, "working_set", rt, c->nwss, c->wss_extra[rt]))
		return -1;
	c->have[rt] = true;
	return 0;
}

int calib_load(struct calibration *c, const char *path, char *err, size_t errlen)
{
	json_error_t je;
	json_t *root = json_load_file(path, 0, &je);
	const char *created = "";
	int quick = 0;

	memset(c, 0, sizeof(*c));
	if (!root) {
		snprintf(err, errlen, "%s: %s", path, je.text);
		return -1;
	}
	json_unpack(root, "{s?s,s?b}", "created", &created, "quick", &quick);
	snprintf(c->created, sizeof(c->created), "%s", created);
	c->quick = quick;
	table_points(root, "pace", "calls_per_s", c->pace_rate, &c->npace);
	if (json_object_get(root, "trace_ns"))
		cost_of(json_object_get(root, "trace_ns"), &c->trace);
	table_points(root, "working_set", "bytes", c->wss_bytes, &c->nwss);
	for (int rt = 0; rt < RT_KINDS; rt++)
		if (load_rt(root, c, rt)) {
			snprintf(err, errlen, "%s: %s: a cost is missing or not a number", path,
				 rt_name(rt));
			json_decref(root);
			return -1;
		}
	json_decref(root);
	if (!c->have[RT_NATIVE] || !c->have[RT_CVISOR]) {
		snprintf(err, errlen, "%s: needs native and cvisor costs", path);
		return -1;
	}
	return 0;
}
