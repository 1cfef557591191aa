/* SPDX-License-Identifier: MIT */
/*
 * The sentry starts as a fresh exec of cvisor inside the sandbox's user,
 * pid and mount namespaces, not as a fork of the CLI:
 *
 *  - its memory holds nothing of the CLI's (the caller's environment, its
 *    argv, its heap): the stub template, a clone of the sentry, starts from
 *    that memory before it unmaps it;
 *  - an exec inside the new user namespace makes that namespace the owner
 *    of the sentry's address space (mm->user_ns), so that the sentry,
 *    holding CAP_SYS_PTRACE there and nowhere else, can still read and
 *    write the memory of stub processes that are not dumpable (the host
 *    then writes no core of them, whatever the caller's limits).
 *
 * The sentry_run crosses the exec as JSON in a sealed memfd whose number is
 * the verb's argument; the descriptors it names (root, control socket,
 * ready pipe) and 0-2 are inherited, every other descriptor is closed.
 */
#ifndef CVISOR_SANDBOX_SENTRY_EXEC_H
#define CVISOR_SANDBOX_SENTRY_EXEC_H

#include <jansson.h>

struct sentry_run;

/* The hidden command the sentry is exec'd as: cvisor __sentry FD */
#define SENTRY_BOOT_VERB "__sentry"

/* In the sandbox's namespaces (confine_spawn() returned 0): exec the
 * sentry.  Returns only on failure, with -errno. */
int sentry_exec(const struct sentry_run *r);

/* In the exec'd sentry (argv: __sentry FD): read r back.  Pointers in r
 * stay valid for the life of the process.  0 or -errno. */
int sentry_boot(int argc, char **argv, struct sentry_run *r);

/* The codec itself (unit tested): every data field of r; the lockdown
 * hook as a flag.  Decoded pointers point into j, which must be kept. */
json_t *sentry_run_to_json(const struct sentry_run *r);
int sentry_run_from_json(json_t *j, struct sentry_run *r);

#endif
