/* SPDX-License-Identifier: MIT */
#ifndef CVISOR_SANDBOX_SECCOMP_H
#define CVISOR_SANDBOX_SECCOMP_H

#include <stdbool.h>

/*
 * The sentry's own filter (libseccomp): the host syscalls it makes, and a
 * kill for anything else.  CVISOR_SECCOMP=log logs instead of killing (to
 * find a missing entry); docs/security.md lists every entry and why.
 */
int sentry_seccomp_install(bool host_uds);

#endif
