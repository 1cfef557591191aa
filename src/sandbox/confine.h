/* SPDX-License-Identifier: MIT */
/*
 * Confinement of the sentry (DESIGN.md §5), host side.
 *
 *   CLI ── supervisor ── sentry (pid 1 of a new pid namespace)
 *                          ├─ stub template
 *                          └─ stub processes
 *
 * The supervisor enters a new user namespace (the CLI writes an identity
 * map of every id, so file ownership on the host is unchanged) and new
 * mount, ipc, uts, pid and (unless joined or host) network namespaces; its
 * child, the sentry, is the init of that pid namespace, so when it dies
 * the kernel kills every stub.  The supervisor is the container's pid for
 * the engine: it forwards signals and exits with the sentry's status, and
 * the sentry dies with it (PDEATHSIG).  When the config asks for a pid
 * namespace, the supervisor is the init of one of its own, the sentry's
 * parent namespace, so that the engine's pid is in a new one as the spec
 * says (when it is gone, the kernel kills all below it).
 */
#ifndef CVISOR_SANDBOX_CONFINE_H
#define CVISOR_SANDBOX_CONFINE_H

#include <signal.h>
#include <stdbool.h>
#include <sys/types.h>

struct confine {
	bool new_net;                   /* a network namespace of its own */
	const char *netns_path;         /* or join this one (the engine's) */
	bool keep_session;              /* do not setsid() */
	/* Stay in the host's UTS namespace (a config without one: the sentry's
	 * host filter forbids sethostname, so nothing is shared but the name,
	 * which the sandbox then starts with). */
	bool host_uts;
	/* or join this one (a path the config gives): the sandbox starts
	 * with its name, as with the host's */
	const char *utsns_path;
	/* The supervisor (the engine's pid) is pid 1 of a pid namespace of
	 * its own, the config's "pid" namespace without a path: the sentry's
	 * is a child of it. */
	bool new_pidns;
	/* uid_map and gid_map text for the sandbox's user namespace (NULL:
	 * identity, every id maps to itself) */
	const char *uid_map, *gid_map;
	bool die_with_parent;           /* cvisor do: the sandbox ends with the CLI */
	/* If >= 0, the sandbox's stdin, stdout and stderr (a terminal): the
	 * CLI's own are not kept, so an engine reading them sees them close
	 * when the CLI exits (containerd captures create's output). */
	int stdio_fd;
	/* Called with the supervisor's pid before it makes the sentry (its
	 * cgroup): a failure stops the sandbox. */
	int (*place)(pid_t supervisor, void *arg);
	void *place_arg;
	/* linux.sysctl ("key=value", NULL-terminated): the net.* keys are
	 * written in the sandbox's network namespace (the CLI has refused
	 * them without one of the container's own) */
	char *const *sysctl;
};

/*
 * Start the supervisor and the sentry.  Returns the supervisor's pid in
 * the caller, 0 in the sentry, or -errno.
 */
pid_t confine_spawn(const struct confine *c);

/*
 * Pass a signal a handler got (SA_SIGINFO) on to pid: one the terminal
 * raised (SI_KERNEL, or a forward of one) keeps that mark, SIG_FROM_TTY.
 * Async-signal-safe.
 */
void confine_forward(pid_t pid, int sig, const siginfo_t *si);

/*
 * In the sentry, once every host file it needs is open and before the
 * application runs: pivot into an empty root, drop capabilities (keeping
 * only the file ones, in its own user namespace), no_new_privs, and the
 * seccomp filter of the host syscalls the sentry makes.  uds_dir: -1, or
 * for --host-uds the host's /proc, made the cwd after the pivot (the
 * sentry connects host unix sockets through self/fd/N; net/unix/host.c).
 */
int confine_lockdown(int uds_dir);

#endif
