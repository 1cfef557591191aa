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

static const char *const ev_names[EVT_KINDS] = { "ctxsw", "fault" };

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

int calib_save(const struct calibration *c, const char *path)
{
	json_t *root = json_pack("{s:i,s:s,s:b}", "version", 1, "created", c->created,
				 "quick", c->quick);
	json_t *sc = json_object(), *ev = json_object(), *wss = json_object(),
	       *extra = json_object(), *bytes = json_array();
	int err;

	for (int rt = 0; rt < RT_KINDS; rt++) {
		json_t *s = json_object(), *e = json_object(), *x = json_array();

		if (!c->have[rt]) {
			json_decref(s), json_decref(e), json_decref(x);
			continue;
		}
		for (int k = 0; k < SC_CLASSES; k++)
			json_object_set_new(s, sc_class_name(k), cost_json(&c->sc[rt][k]));
		for (int k = 0; k < EVT_KINDS; k++)
			json_object_set_new(e, ev_names[k], cost_json(&c->ev[rt][k]));
		for (int i = 0; i < c->nwss; i++)
			json_array_append_new(x, cost_json(&c->wss_extra[rt][i]));
		json_object_set_new(sc, rt_name(rt), s);
		json_object_set_new(ev, rt_name(rt), e);
		json_object_set_new(extra, rt_name(rt), x);
	}
	for (int i = 0; i < c->nwss; i++)
		json_array_append_new(bytes, json_real(c->wss_bytes[i]));
	json_object_set_new(wss, "bytes", bytes);
	json_object_set_new(wss, "extra_ns_per_syscall", extra);
	json_object_set_new(root, "syscall_ns", sc);
	json_object_set_new(root, "event_ns", ev);
	json_object_set_new(root, "working_set", wss);
	err = mkdirs_for(path);
	if (!err && json_dump_file(root, path, JSON_INDENT(1) | JSON_SORT_KEYS))
		err = -EIO;
	json_decref(root);
	return err;
}

static int load_rt(json_t *root, struct calibration *c, int rt)
{
	json_t *s = json_object_get(json_object_get(root, "syscall_ns"), rt_name(rt));
	json_t *e = json_object_get(json_object_get(root, "event_ns"), rt_name(rt));
	json_t *x = json_object_get(json_object_get(json_object_get(root, "working_set"),
						    "extra_ns_per_syscall"), rt_name(rt));

	if (!s)
		return 0;
	for (int k = 0; k < SC_CLASSES; k++)
		if (cost_of(json_object_get(s, sc_class_name(k)), &c->sc[rt][k]))
			return -1;
	for (int k = 0; k < EVT_KINDS; k++)
		if (cost_of(json_object_get(e, ev_names[k]), &c->ev[rt][k]))
			return -1;
	for (int i = 0; i < c->nwss; i++)
		if (cost_of(json_array_get(x, (size_t)i), &c->wss_extra[rt][i]))
			return -1;
	c->have[rt] = true;
	return 0;
}

int calib_load(struct calibration *c, const char *path, char *err, size_t errlen)
{
	json_error_t je;
	json_t *root = json_load_file(path, 0, &je), *bytes;
	const char *created = "";
	size_t i;
	int quick = 0;

	memset(c, 0, sizeof(*c));
	if (!root) {
		snprintf(err, errlen, "%s: %s", path, je.text);
		return -1;
	}
	bytes = json_object_get(json_object_get(root, "working_set"), "bytes");
	json_unpack(root, "{s?s,s?b}", "created", &created, "quick", &quick);
	snprintf(c->created, sizeof(c->created), "%s", created);
	c->quick = quick;
	for (i = 0; i < json_array_size(bytes) && i < CAL_MAX_WSS; i++)
		c->wss_bytes[i] = json_number_value(json_array_get(bytes, i));
	c->nwss = (int)i;
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
