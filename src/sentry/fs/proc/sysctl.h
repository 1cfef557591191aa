/* SPDX-License-Identifier: MIT */
/* The /proc/sys files that linux.sysctl may set (fs/proc/sysctl.c). */
#ifndef CVISOR_PROC_SYSCTL_H
#define CVISOR_PROC_SYSCTL_H

/* boot: the config's value of a served key (-ENOENT: not served). */
int proc_sysctl_set(const char *key, const char *value);
/* The value the sandbox has for a served key ("kernel.shmmax", ...):
 * for the sentry's own IPC limits, the config's or Linux's default;
 * NULL for a key whose value lives in the host kernel (net.*). */
const char *proc_sysctl_value(const char *key);
long proc_sysctl_long(const char *key);

#endif
