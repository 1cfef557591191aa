/* SPDX-License-Identifier: MIT */
#ifndef CVISOR_OCI_SECCOMP_PROFILE_H
#define CVISOR_OCI_SECCOMP_PROFILE_H

#include <linux/filter.h>
#include <stddef.h>

/* Compile linux.seccomp (JSON) into classic BPF; -1 and err on a bad profile. */
int oci_seccomp_compile(const char *profile, struct sock_filter **prog, size_t *n,
			char *err, size_t len);

#endif
