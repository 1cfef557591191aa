/* SPDX-License-Identifier: MIT */
/*
 * cvisor install [--runtime NAME] [--config FILE] [-- RUNTIME ARGS...]:
 * declare cvisor in dockerd's daemon.json (default /etc/docker/daemon.json),
 * keeping everything else in it, as `runsc install` does.  dockerd must be
 * restarted (or sent SIGHUP) to see it.
 */
#include <errno.h>
#include <jansson.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/oci.h"

static json_t *load_or_empty(const char *path)
{
	json_error_t je;
	json_t *j;

	if (access(path, F_OK))
		return json_object();           /* no file yet: start one */
	j = json_load_file(path, 0, &je);
	if (!j)
		log_error("install: %s: line %d: %s", path, je.line, je.text);
	else if (!json_is_object(j)) {
		log_error("install: %s: not a JSON object", path);
		json_decref(j);
		j = NULL;
	}
	return j;
}

int cmd_install(const struct gopts *g, int argc, char **argv)
{
	const char *name = "cvisor", *config = "/etc/docker/daemon.json";
	const struct opt opts[] = { { "runtime", 0, &name, NULL, NULL },
				    { "config", 0, &config, NULL, NULL },
				    { NULL, 0, NULL, NULL, NULL } };
	int i = parse_opts("install", argc, argv, opts);
	char self[PATH_MAX], tmp[PATH_MAX + 8];
	json_t *j, *rts, *args;
	ssize_t n;

	(void)g;
	if (i < 0)
		return 1;
	n = readlink("/proc/self/exe", self, sizeof(self) - 1);
	if (n < 0) {
		log_error("install: cannot find cvisor's own path: %s", strerror(errno));
		return 1;
	}
	self[n] = 0;
	j = load_or_empty(config);
	if (!j)
		return 1;
	rts = json_object_get(j, "runtimes");
	if (!rts) {
		rts = json_object();
		json_object_set_new(j, "runtimes", rts);
	} else if (!json_is_object(rts)) {
		log_error("install: %s: \"runtimes\" is not an object", config);
		json_decref(j);
		return 1;
	}
	args = json_array();
	for (; i < argc; i++)
		json_array_append_new(args, json_string(argv[i]));
	json_object_set_new(rts, name, json_pack("{s:s,s:o}", "path", self, "runtimeArgs", args));
	snprintf(tmp, sizeof(tmp), "%s.tmp", config);
	if (json_dump_file(j, tmp, JSON_INDENT(4)) || rename(tmp, config)) {
		log_error("install: %s: %s", config, strerror(errno));
		json_decref(j);
		return 1;
	}
	json_decref(j);
	printf("runtime \"%s\" (%s) added to %s; restart dockerd to use it\n", name, self, config);
	return 0;
}
