/* SPDX-License-Identifier: MIT */
/*
 * A container's state directory: --root/<id>/ holding state.json (written
 * atomically: a temporary file renamed over it) and the sentry's control
 * socket, ctl.sock.
 */
#ifndef CVISOR_OCI_STATE_H
#define CVISOR_OCI_STATE_H

#include <stdbool.h>
#include <sys/types.h>

#define OCI_VERSION "1.0.2"
#define DEFAULT_STATE_ROOT "/run/cvisor"

struct oci_state {
	char id[256];
	char dir[4096];                 /* --root/<id> */
	pid_t pid;                      /* the sentry, on the host */
	unsigned long long start_time;  /* of pid, against pid reuse */
	char bundle[4096];
	char status[16];                /* as last written: created, running */
	char created[40];               /* RFC 3339 */
	char *annotations_json;
};

/* An id is [A-Za-z0-9][A-Za-z0-9_.+-]*, as runc accepts. */
bool oci_id_valid(const char *id);
int state_dir(const char *root, const char *id, char *out, size_t len);
/* Make --root/<id>; -EEXIST if the container exists. */
int state_create(const char *root, const char *id, struct oci_state *st);
int state_write(const struct oci_state *st);
/* -ENOENT if there is no such container. */
int state_read(const char *root, const char *id, struct oci_state *st);
/* created, running, paused or stopped: what the state file says, unless
 * the sentry is gone (stopped) or its cgroup was asked to freeze (paused,
 * by cvisor pause or anyone else, as runc tells it). */
const char *state_status(const struct oci_state *st);
/* The container's cgroup, as create recorded it; -ENOENT without one. */
int state_cgroup(const struct oci_state *st, char *out, size_t len);
/* Record the cgroup and which of its levels create made (cgroup.h's
 * made); state_cgroup_made reads that back, -ENOENT if the state was
 * written before such records were kept. */
int state_save_cgroup(const struct oci_state *st, const char *path, const char *made);
int state_cgroup_made(const struct oci_state *st, char *out, size_t len);
bool state_alive(const struct oci_state *st);
/* The OCI state JSON (malloc'ed).  state_json_as: with the status given
 * instead of the live one (a hook's: the state its step left). */
char *state_json(const struct oci_state *st, bool indent);
char *state_json_as(const struct oci_state *st, const char *status, bool indent);
void state_remove(const struct oci_state *st);
void state_free(struct oci_state *st);
unsigned long long proc_start_time(pid_t pid);

#endif
