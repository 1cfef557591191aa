/* SPDX-License-Identifier: MIT */
/* The state directory of a container (see state.h). */
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "oci/state.h"
#include "sandbox/cgroup.h"

bool oci_id_valid(const char *id)
{
	size_t n = strlen(id);

	if (!n || n > 200 || !isalnum((unsigned char)id[0]))
		return false;
	for (const char *p = id; *p; p++)
		if (!isalnum((unsigned char)*p) && !strchr("_.+-", *p))
			return false;
	return true;
}

int state_dir(const char *root, const char *id, char *out, size_t len)
{
	if (!oci_id_valid(id))
		return -EINVAL;
	if ((size_t)snprintf(out, len, "%s/%s", root, id) >= len)
		return -ENAMETOOLONG;
	return 0;
}

/* mkdir -p for the state root (it lives under /run, 0700). */
static int make_root(const char *root)
{
	char buf[4096];

	snprintf(buf, sizeof(buf), "%s", root);
	for (char *p = buf + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = 0;
		if (mkdir(buf, 0711) && errno != EEXIST)
			return -errno;
		*p = '/';
	}
	if (mkdir(buf, 0700) && errno != EEXIST)
		return -errno;
	return 0;
}

static void rfc3339_now(char *out, size_t len)
{
	struct timespec ts;
	struct tm tm;
	char base[24];

	clock_gettime(CLOCK_REALTIME, &ts);
	gmtime_r(&ts.tv_sec, &tm);
	strftime(base, sizeof(base), "%Y-%m-%dT%H:%M:%S", &tm);
	snprintf(out, len, "%.19s.%09ldZ", base, ts.tv_nsec % 1000000000L);
}

int state_create(const char *root, const char *id, struct oci_state *st)
{
	int err;

	memset(st, 0, sizeof(*st));
	err = state_dir(root, id, st->dir, sizeof(st->dir));
	if (err)
		return err;
	err = make_root(root);
	if (err)
		return err;
	if (mkdir(st->dir, 0700))
		return -errno;
	snprintf(st->id, sizeof(st->id), "%s", id);
	snprintf(st->status, sizeof(st->status), "creating");
	rfc3339_now(st->created, sizeof(st->created));
	return 0;
}

/* Field 22 of /proc/PID/stat: the start time, unique per pid incarnation. */
unsigned long long proc_start_time(pid_t pid)
{
	char path[64], buf[1024], *p;
	unsigned long long t = 0;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/stat", pid);
	f = fopen(path, "re");
	if (!f)
		return 0;
	if (fgets(buf, sizeof(buf), f) && (p = strrchr(buf, ')')))
		sscanf(p + 2, "%*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %*u %*u "
			      "%*d %*d %*d %*d %*d %*d %llu", &t);
	fclose(f);
	return t;
}

bool state_alive(const struct oci_state *st)
{
	char path[64], buf[64];
	FILE *f;
	bool zombie = false;

	if (st->pid <= 0 || kill(st->pid, 0) || proc_start_time(st->pid) != st->start_time)
		return false;
	/* a zombie sentry (its parent has not reaped it yet) has stopped */
	snprintf(path, sizeof(path), "/proc/%d/stat", st->pid);
	if ((f = fopen(path, "re"))) {
		if (fgets(buf, sizeof(buf), f)) {
			char *p = strrchr(buf, ')');

			zombie = p && (p[2] == 'Z' || p[2] == 'X');
		}
		fclose(f);
	}
	return !zombie;
}

int state_cgroup(const struct oci_state *st, char *out, size_t len)
{
	char file[4200];
	FILE *f;
	int err = -ENOENT;

	snprintf(file, sizeof(file), "%s/cgroup", st->dir);
	if (!(f = fopen(file, "re")))
		return -errno;
	if (fgets(out, (int)len, f) && (out[strcspn(out, "\n")] = 0, out[0]))
		err = 0;
	fclose(f);
	return err;
}

/*
 * The state directory's "cgroup" holds the path alone (tests and tools
 * read it), "cgroup.made" the record of what was made, one line per
 * hierarchy.
 */
static int write_file(const struct oci_state *st, const char *name, const char *text)
{
	char file[4200];
	FILE *f;
	int err = 0;

	snprintf(file, sizeof(file), "%s/%s", st->dir, name);
	if (!(f = fopen(file, "we")))
		return -errno;
	fputs(text, f);
	if (fclose(f))
		err = -errno;
	return err;
}

int state_save_cgroup(const struct oci_state *st, const char *path, const char *made)
{
	int err = write_file(st, "cgroup", path);

	return err ? err : write_file(st, "cgroup.made", made);
}

int state_cgroup_made(const struct oci_state *st, char *out, size_t len)
{
	char file[4200];
	size_t n;
	FILE *f;

	snprintf(file, sizeof(file), "%s/cgroup.made", st->dir);
	if (!(f = fopen(file, "re")))
		return -errno;
	n = fread(out, 1, len - 1, f);
	out[n] = 0;
	fclose(f);
	return 0;
}

const char *state_status(const struct oci_state *st)
{
	char cg[4096];

	if (!strcmp(st->status, "creating") && st->pid <= 0)
		return "creating";
	if (!state_alive(st))
		return "stopped";
	if (!state_cgroup(st, cg, sizeof(cg)) && cgroup_frozen(cg) == 1)
		return "paused";
	return st->status;
}

char *state_json(const struct oci_state *st, bool indent)
{
	return state_json_as(st, state_status(st), indent);
}

char *state_json_as(const struct oci_state *st, const char *status, bool indent)
{
	json_t *ann = st->annotations_json ? json_loads(st->annotations_json, 0, NULL) : NULL;
	json_t *j = json_pack("{s:s,s:s,s:s,s:i,s:s,s:s}", "ociVersion", OCI_VERSION,
			      "id", st->id, "status", status,
			      "pid", strcmp(status, "stopped") ? st->pid : 0,
			      "bundle", st->bundle, "created", st->created);
	char *out;

	if (!j)
		return NULL;
	if (ann)
		json_object_set_new(j, "annotations", ann);
	out = json_dumps(j, indent ? JSON_INDENT(2) : JSON_COMPACT);
	json_decref(j);
	return out;
}

/* Our own record: the OCI state plus what we need to find the sentry. */
int state_write(const struct oci_state *st)
{
	json_t *j = json_pack("{s:s,s:s,s:s,s:i,s:I,s:s,s:s}", "ociVersion", OCI_VERSION,
			      "id", st->id, "status", st->status, "pid", st->pid,
			      "start_time", (json_int_t)st->start_time,
			      "bundle", st->bundle, "created", st->created);
	char tmp[4200], path[4200];
	int err = 0;

	if (!j)
		return -ENOMEM;
	if (st->annotations_json)
		json_object_set_new(j, "annotations", json_loads(st->annotations_json, 0, NULL));
	snprintf(tmp, sizeof(tmp), "%s/.state.json.tmp", st->dir);
	snprintf(path, sizeof(path), "%s/state.json", st->dir);
	if (json_dump_file(j, tmp, JSON_COMPACT) || rename(tmp, path))
		err = -(errno ? errno : EIO);
	json_decref(j);
	return err;
}

static void copy_str(json_t *j, const char *key, char *out, size_t len)
{
	const char *s = json_string_value(json_object_get(j, key));

	snprintf(out, len, "%s", s ? s : "");
}

int state_read(const char *root, const char *id, struct oci_state *st)
{
	char path[4200];
	json_t *j, *ann;
	int err;

	memset(st, 0, sizeof(*st));
	err = state_dir(root, id, st->dir, sizeof(st->dir));
	if (err)
		return err == -EINVAL ? -ENOENT : err;
	snprintf(path, sizeof(path), "%s/state.json", st->dir);
	j = json_load_file(path, 0, NULL);
	if (!j)
		return access(st->dir, F_OK) ? -ENOENT : -EIO;
	snprintf(st->id, sizeof(st->id), "%s", id);
	copy_str(j, "status", st->status, sizeof(st->status));
	copy_str(j, "bundle", st->bundle, sizeof(st->bundle));
	copy_str(j, "created", st->created, sizeof(st->created));
	st->pid = (pid_t)json_integer_value(json_object_get(j, "pid"));
	st->start_time = (unsigned long long)json_integer_value(json_object_get(j, "start_time"));
	ann = json_object_get(j, "annotations");
	if (ann)
		st->annotations_json = json_dumps(ann, JSON_COMPACT);
	json_decref(j);
	return 0;
}

void state_remove(const struct oci_state *st)
{
	DIR *d = opendir(st->dir);
	struct dirent *e;

	if (d) {
		while ((e = readdir(d)))
			if (strcmp(e->d_name, ".") && strcmp(e->d_name, ".."))
				unlinkat(dirfd(d), e->d_name, 0);
		closedir(d);
	}
	rmdir(st->dir);
}

void state_free(struct oci_state *st)
{
	free(st->annotations_json);
	st->annotations_json = NULL;
}
