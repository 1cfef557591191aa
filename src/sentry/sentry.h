/* SPDX-License-Identifier: MIT */
/* The sentry's entry points, called by the CLI. */
#ifndef CVISOR_SENTRY_H
#define CVISOR_SENTRY_H

#include <stdbool.h>
#include <stdint.h>
#include <stddef.h>
#include <sys/resource.h>
#include <sys/types.h>

struct sock_filter;

/* The value a forwarded signal carries (sigqueue) when the host terminal
 * raised it: the sentry sends it to the sandbox terminal's foreground
 * process group, not to init (kernel/tty.c). */
#define SIG_FROM_TTY 0x74747921

/* A mount of the container's config, in the sandbox's terms. */
struct sentry_mount {
	const char *dest, *type, *source;
	bool ro;
	bool nosuid;                    /* exec ignores set-id bits and file caps */
	unsigned mode;
};

struct sentry_device {
	const char *path;               /* absolute */
	mode_t mode;                    /* S_IFCHR, S_IFBLK or S_IFIFO, and permissions */
	dev_t rdev;
	uid_t uid;
	gid_t gid;
};

struct sentry_rlimit {
	int resource;
	struct rlimit rlim;
};

struct sentry_run {
	bool strace, stats;
	bool host_uds;                  /* --host-uds: connect to host unix sockets */
	const char *prog_path;          /* walked inside the sandbox (PATH if no '/') */
	const char *root;               /* host directory shown as /, or NULL: "/" */
	char **rw;                      /* host directories mounted writable */
	int nr_rw;
	char *const *argv;
	char *const *envp;

	/* A container (cvisor create/run): the root is the bundle's rootfs
	 * itself, not an overlay, and the mounts are the config's. */
	bool container;
	bool root_ro;
	const struct sentry_mount *mounts;
	int nmounts;
	const char *const *masked;      /* NULL-terminated, or NULL */
	const char *const *readonly;    /* NULL-terminated, or NULL */
	const struct sentry_device *devices;
	int ndevices;
	int oom_score_adj;
	int root_fd;                    /* container: the rootfs, opened by the CLI
					 * (the sandbox's uids may not reach it), or -1 */
	const char *uid_map, *gid_map;  /* what /proc/PID/uid_map shows; NULL: identity */
	const char *cwd;                /* NULL: cvisor's own cwd, if it exists */
	uint32_t uid, gid;
	const uint32_t *gids;
	int ngids;
	bool caps_set;                  /* process.capabilities (else all) */
	uint64_t cap_eff, cap_perm, cap_bnd, cap_inh, cap_amb;
	bool no_new_privs;              /* process.noNewPrivileges */
	int umask;                      /* process.user.umask, or -1: 022 */
	const char *hostname;
	int64_t pids_max;               /* linux.resources.pids.limit, <= 0: none */
	const struct sentry_rlimit *rlimits;
	int nrlimits;
	int ctl_fd;                     /* a listening control socket, or -1 */
	/* linux.seccomp, compiled: run by the sentry on every application call */
	const struct sock_filter *seccomp;
	size_t seccomp_len;
	/* Confinement, once the sandbox is built and before init runs;
	 * uds_dir: -1, or (host_uds) the host's /proc, made the cwd. */
	int (*lockdown)(int uds_dir);
	int ready_fd;                   /* create: the status is written here */
	/* linux.sysctl, "key=value", NULL-terminated, or NULL: keys that
	 * sentry_sysctl_check() accepts */
	char *const *sysctl;
};

/* linux.sysctl: 0 if the sandbox serves key and (where the sentry keeps
 * it) takes value, -ENOENT if it does not serve it, -EINVAL for a value
 * it refuses (fs/proc/sysctl.c). */
int sentry_sysctl_check(const char *key, const char *value);

/* Run a sandbox to completion; returns the init process's wait status,
 * or a negative errno if the sandbox could not start.  With a ctl_fd,
 * init waits for a "start" request first (cvisor create). */
int sentry_main(const struct sentry_run *r);

#endif
