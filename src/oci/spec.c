/* SPDX-License-Identifier: MIT */
/* `cvisor spec`: the default config.json, the same shape `runc spec` writes. */
#include <jansson.h>
#include <stdlib.h>

#include "oci/config.h"

static json_t *default_mounts(void)
{
	return json_pack(
		"[{s:s,s:s,s:s},"
		" {s:s,s:s,s:s,s:[s,s,s,s]},"
		" {s:s,s:s,s:s,s:[s,s,s,s,s,s]},"
		" {s:s,s:s,s:s,s:[s,s,s]},"
		" {s:s,s:s,s:s,s:[s,s,s,s]},"
		" {s:s,s:s,s:s,s:[s,s,s,s]}]",
		"destination", "/proc", "type", "proc", "source", "proc",
		"destination", "/dev", "type", "tmpfs", "source", "tmpfs",
		"options", "nosuid", "strictatime", "mode=755", "size=65536k",
		"destination", "/dev/pts", "type", "devpts", "source", "devpts",
		"options", "nosuid", "noexec", "newinstance", "ptmxmode=0666", "mode=0620",
		"gid=5",
		"destination", "/dev/mqueue", "type", "mqueue", "source", "mqueue",
		"options", "nosuid", "noexec", "nodev",
		"destination", "/sys", "type", "sysfs", "source", "sysfs",
		"options", "nosuid", "noexec", "nodev", "ro",
		"destination", "/dev/shm", "type", "tmpfs", "source", "shm",
		"options", "nosuid", "noexec", "nodev", "mode=1777");
}

static json_t *default_caps(void)
{
	json_t *set = json_pack("[s,s,s]", "CAP_AUDIT_WRITE", "CAP_KILL", "CAP_NET_BIND_SERVICE");

	return json_pack("{s:O,s:O,s:O,s:O}", "bounding", set, "effective", set,
			 "permitted", set, "ambient", set);
}

char *oci_default_spec(bool rootless)
{
	json_t *ns = json_pack("[{s:s},{s:s},{s:s},{s:s},{s:s}]", "type", "pid",
			       "type", "network", "type", "ipc", "type", "uts",
			       "type", "mount");
	json_t *caps = default_caps(), *mounts = default_mounts(), *spec;
	char *out;

	if (rootless)
		json_array_append_new(ns, json_pack("{s:s}", "type", "user"));
	spec = json_pack(
		"{s:s,"
		" s:{s:b,s:{s:i,s:i},s:[s],s:[s,s],s:s,s:o,"
		"    s:[{s:s,s:i,s:i}],s:b},"
		" s:{s:s,s:b},"
		" s:s,"
		" s:o,"
		" s:{s:o,s:[s,s,s,s,s,s,s,s,s],s:[s,s,s,s,s,s]}}",
		"ociVersion", "1.0.2-dev",
		"process", "terminal", 1, "user", "uid", 0, "gid", 0,
		"args", "sh", "env",
		"PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
		"TERM=xterm", "cwd", "/", "capabilities", caps,
		"rlimits", "type", "RLIMIT_NOFILE", "hard", 1024, "soft", 1024,
		"noNewPrivileges", 1,
		"root", "path", "rootfs", "readonly", 1,
		"hostname", "cvisor",
		"mounts", mounts,
		"linux", "namespaces", ns,
		"maskedPaths", "/proc/acpi", "/proc/asound", "/proc/kcore", "/proc/keys",
		"/proc/latency_stats", "/proc/timer_list", "/proc/timer_stats",
		"/proc/sched_debug", "/sys/firmware",
		"readonlyPaths", "/proc/bus", "/proc/fs", "/proc/irq", "/proc/sys",
		"/proc/sysrq-trigger", "/proc/scsi");
	if (!spec)
		return NULL;
	out = json_dumps(spec, JSON_INDENT(2));
	json_decref(spec);
	return out;
}
