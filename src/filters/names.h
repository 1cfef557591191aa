/* SPDX-License-Identifier: MIT */
/* Names of system calls and of the argument values filters compare with. */
#ifndef CVISOR_FILTERS_NAMES_H
#define CVISOR_FILTERS_NAMES_H

#include <stddef.h>
#include <stdint.h>

/* The x86_64 call nr's name (libseccomp's, then the kernel's newer ones),
 * or NULL. */
const char *syscall_name(uint32_t nr);

/*
 * Value v of argument arg (0-5) of call sys, by name where one is known
 * (futex operations, clone flags, socket triples, the socket options and
 * ioctls of common/hostnet.def...), else in hex.  level: setsockopt's and
 * getsockopt's arg1 when it is one value, else -1.
 */
const char *value_name(const char *sys, int arg, uint64_t v, long level, char *buf, size_t size);

#endif
