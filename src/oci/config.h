/* SPDX-License-Identifier: MIT */
/*
 * An OCI bundle's config.json, as the sandbox needs it (DESIGN.md §6).
 * Parsing is strict about types and about the fields cvisor acts on: a
 * wrong one gets one error naming it.  Fields cvisor has no use for are
 * accepted and ignored, as runc does.
 */
#ifndef CVISOR_OCI_CONFIG_H
#define CVISOR_OCI_CONFIG_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/resource.h>
#include <sys/types.h>

struct oci_mount {
	char *destination;
	char *type;                     /* bind, tmpfs, proc, sysfs, ... */
	char *source;
	bool bind, ro;
	bool nosuid;                    /* exec ignores set-id bits there */
	unsigned mode;                  /* tmpfs mode=, or 0 */
	uint64_t size;                  /* tmpfs size=, or 0 */
};

struct oci_device {                     /* linux.devices[] */
	char *path;
	mode_t mode;                    /* S_IFCHR/S_IFBLK/S_IFIFO | fileMode */
	dev_t rdev;
	uid_t uid;
	gid_t gid;
};

struct oci_rlimit {
	int resource;
	struct rlimit rlim;
};

struct oci_hook {
	char *path;
	char **args, **env;
	int timeout;                    /* seconds, 0: none */
};

enum oci_hook_kind {
	HOOK_PRESTART, HOOK_CREATE_RUNTIME, HOOK_POSTSTART, HOOK_POSTSTOP,
	HOOK_KINDS
};

struct oci_process {
	char **args, **env;             /* NULL-terminated */
	char *cwd;
	uint32_t uid, gid;
	uint32_t *gids;
	int ngids;
	bool terminal;
	unsigned rows, cols;
	bool no_new_privs;
	int umask;                      /* process.user.umask, or -1 */
	bool has_caps;                  /* process.capabilities was given */
	uint64_t cap_effective, cap_permitted, cap_bounding, cap_inheritable, cap_ambient;
	char *unknown_caps;             /* names runc would ignore, or NULL */
	struct oci_rlimit *rlimits;
	int nrlimits;
	bool has_oom_score_adj;
	int oom_score_adj;
};

struct oci_config {
	char *bundle;                   /* absolute */
	char *root_path;                /* absolute */
	bool root_ro;
	struct oci_process proc;
	char *hostname;
	struct oci_mount *mounts;
	int nmounts;
	char **masked, **readonly;      /* NULL-terminated */
	struct oci_device *devices;
	int ndevices;
	char *netns_path;               /* a network namespace to join, or NULL */
	bool new_netns;                 /* a network namespace without a path */
	bool new_uts;                   /* a uts namespace (else the host's name) */
	char *utsns_path;               /* a uts namespace to join, or NULL */
	bool new_pidns;                 /* a pid namespace without a path */
	char *uid_map, *gid_map;        /* linux.uid/gidMappings as /proc text, or NULL */
	int64_t mem_limit;              /* bytes, 0: none */
	int64_t pids_limit;             /* 0: none */
	uint64_t cpu_quota, cpu_period;
	struct oci_hook *hooks[HOOK_KINDS];
	int nhooks[HOOK_KINDS];
	char *seccomp_json;             /* linux.seccomp, re-serialised, or NULL */
	char *resources_json;           /* linux.resources, re-serialised, or NULL */
	char *cgroups_path;             /* linux.cgroupsPath, or NULL */
	char **sysctl;                  /* linux.sysctl as "key=value", NULL-terminated */
	char *annotations_json;
};

/*
 * Load BUNDLE/config.json.  On error returns -1 with a one-line message in
 * err ("config.json: process.args: must be an array of strings").
 */
int oci_config_load(const char *bundle, struct oci_config *c, char *err, size_t errlen);
/* Parse a process object alone (cvisor exec --process FILE). */
int oci_process_load(const char *file, struct oci_process *p, char *err, size_t errlen);
/* The number of a capability named as runc knows it ("CAP_KILL"), or -1. */
int oci_cap_value(const char *name);
void oci_config_free(struct oci_config *c);
void oci_process_free(struct oci_process *p);
/* A default config.json, as `runc spec` writes: a shell in ./rootfs. */
char *oci_default_spec(bool rootless);

#endif
