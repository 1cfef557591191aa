/* SPDX-License-Identifier: MIT */
#ifndef CVISOR_OCI_HOOKS_H
#define CVISOR_OCI_HOOKS_H

#include <stddef.h>

#include "oci/config.h"

/* Run each hook in order with state on stdin; -1 and err on the first failure. */
int run_hooks(const struct oci_hook *hooks, int n, const char *state, char *err, size_t len);

#endif
