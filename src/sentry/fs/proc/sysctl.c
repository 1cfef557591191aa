/* SPDX-License-Identifier: MIT */
/*
 * The /proc/sys files that linux.sysctl may set: the ones a sandbox can
 * honour, and nothing else (the CLI refuses other keys at create).
 *
 *  - net.* (but one): values of the sandbox's network namespace, which the host
 *    kernel keeps: the CLI writes the config's there before the sentry
 *    starts (sandbox/confine.c), so the host sockets the sentry makes for
 *    the application obey them, and the file reads them back from it.
 *  - kernel.shm*, kernel.msg*, kernel.sem: the limits of the sentry's own
 *    SysV IPC, set in ipc/ (namespace.c, whose /proc/sys/kernel files show
 *    them); fs.mqueue.*: the POSIX message queues' limits, the config's
 *    value or Linux's default, which ipc/mqueue.c reads
 *    (proc_sysctl_long).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fs/proc/internal.h"
#include "fs/proc/sysctl.h"
#include "ipc/ipc.h"
#include "sentry.h"

struct sysctl {
	const char *key;
	const char *dflt;               /* NULL: the network namespace's value */
	char value[64];                 /* the config's, or "" */
};

static struct sysctl sysctls[] = {
	{ .key = "kernel.shmmax", .dflt = "18446744073692774399" },    /* ULONG_MAX - 2^24 */
	{ .key = "kernel.shmall", .dflt = "18446744073692774399" },
	{ .key = "kernel.shmmni", .dflt = "4096" },
	{ .key = "kernel.msgmax", .dflt = "8192" },
	{ .key = "kernel.msgmnb", .dflt = "16384" },
	{ .key = "kernel.msgmni", .dflt = "32000" },
	{ .key = "kernel.sem", .dflt = "32000\t1024000000\t500\t32000" },
	{ .key = "fs.mqueue.queues_max", .dflt = "256" },
	{ .key = "fs.mqueue.msg_max", .dflt = "10" },
	{ .key = "fs.mqueue.msgsize_max", .dflt = "8192" },
	{ .key = "fs.mqueue.msg_default", .dflt = "10" },
	{ .key = "fs.mqueue.msgsize_default", .dflt = "8192" },
	/* the sentry's: it checks binds against it (net/hostinet.c); the
	 * namespace's own stays 0, so that the sentry may bind for the
	 * application (sandbox/confine.c) */
	{ .key = "net.ipv4.ip_unprivileged_port_start", .dflt = "1024" },
	{ .key = "net.core.somaxconn", .dflt = NULL },
	{ .key = "net.ipv4.ip_forward", .dflt = NULL },
	{ .key = "net.ipv4.ip_local_port_range", .dflt = NULL },
	{ .key = "net.ipv4.ip_local_reserved_ports", .dflt = NULL },
	{ .key = "net.ipv4.ping_group_range", .dflt = NULL },
	{ .key = "net.ipv4.tcp_syncookies", .dflt = NULL },
	{ .key = "net.ipv4.tcp_keepalive_time", .dflt = NULL },
	{ .key = "net.ipv4.tcp_keepalive_intvl", .dflt = NULL },
	{ .key = "net.ipv4.tcp_keepalive_probes", .dflt = NULL },
	{ .key = "net.ipv4.tcp_fin_timeout", .dflt = NULL },
};

#define NSYSCTLS (sizeof(sysctls) / sizeof(sysctls[0]))

static struct sysctl *find(const char *key)
{
	for (size_t i = 0; i < NSYSCTLS; i++)
		if (!strcmp(sysctls[i].key, key))
			return &sysctls[i];
	return NULL;
}

int sentry_sysctl_check(const char *key, const char *value)
{
	struct sysctl *s = find(key);
	char *end;
	long v;

	if (!s)
		return -ENOENT;
	if (!s->dflt)
		return 0;               /* the kernel checks it when it is written */
	if (strlen(value) >= sizeof(s->value))
		return -EINVAL;
	if (strcmp(key, "net.ipv4.ip_unprivileged_port_start"))
		return 0;
	v = strtol(value, &end, 10);
	return end == value || *end || v < 0 || v > 65535 ? -EINVAL : 0;
}

/* The System V IPC limits are ipc/'s (namespace.c), read and set there. */
static const struct {
	const char *key;
	int (*store)(struct task *t, const char *buf, size_t len);
} ipc_keys[] = {
	{ "kernel.shmmax", ipc_store_shmmax }, { "kernel.shmall", ipc_store_shmall },
	{ "kernel.shmmni", ipc_store_shmmni }, { "kernel.sem", ipc_store_sem },
	{ "kernel.msgmax", ipc_store_msgmax }, { "kernel.msgmnb", ipc_store_msgmnb },
	{ "kernel.msgmni", ipc_store_msgmni },
};

int proc_sysctl_set(const char *key, const char *value)
{
	struct sysctl *s = find(key);

	if (!s)
		return -ENOENT;
	for (size_t i = 0; i < sizeof(ipc_keys) / sizeof(ipc_keys[0]); i++)
		if (!strcmp(ipc_keys[i].key, key))
			return ipc_keys[i].store(NULL, value, strlen(value));
	if (strlen(value) >= sizeof(s->value))
		return -EINVAL;
	if (s->dflt)
		snprintf(s->value, sizeof(s->value), "%s", value);
	return 0;
}

const char *proc_sysctl_value(const char *key)
{
	struct sysctl *s = find(key);

	if (!s || !s->dflt)
		return NULL;
	return s->value[0] ? s->value : s->dflt;
}

/* A served key's number (fs.mqueue.*): the config's value or Linux's default. */
long proc_sysctl_long(const char *key)
{
	const char *v = proc_sysctl_value(key);

	return v ? strtol(v, NULL, 10) : 0;
}

/* A file's content: the value and a newline, as Linux prints it. */
int proc_sysctl_show(struct sbuf *b, const char *key)
{
	const char *v = proc_sysctl_value(key);
	char path[96], buf[256];
	ssize_t n;
	int fd;

	if (v) {
		sb_printf(b, "%s\n", v);
		return 0;
	}
	if (!find(key))
		return -ENOENT;
	snprintf(path, sizeof(path), "sys/%s", key);
	for (char *p = path; *p; p++)
		if (*p == '.')
			*p = '/';
	fd = openat(host_proc_fd, path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	n = read(fd, buf, sizeof(buf));
	close(fd);
	if (n < 0)
		return -EIO;
	sb_add(b, buf, (size_t)n);
	return 0;
}

/* The directories only sysctls fill. */
const struct pent proc_sysctl_mqueue_ents[] = {
	P_SYSCTL("queues_max", "fs.mqueue.queues_max"),
	P_SYSCTL("msg_max", "fs.mqueue.msg_max"),
	P_SYSCTL("msgsize_max", "fs.mqueue.msgsize_max"),
	P_SYSCTL("msg_default", "fs.mqueue.msg_default"),
	P_SYSCTL("msgsize_default", "fs.mqueue.msgsize_default"),
	{ 0 }
};

static const struct pent net_core_ents[] = {
	P_SYSCTL("somaxconn", "net.core.somaxconn"),
	{ 0 }
};

static const struct pent net_ipv4_ents[] = {
	P_SYSCTL("ip_forward", "net.ipv4.ip_forward"),
	P_SYSCTL("ip_unprivileged_port_start", "net.ipv4.ip_unprivileged_port_start"),
	P_SYSCTL("ip_local_port_range", "net.ipv4.ip_local_port_range"),
	P_SYSCTL("ip_local_reserved_ports", "net.ipv4.ip_local_reserved_ports"),
	P_SYSCTL("ping_group_range", "net.ipv4.ping_group_range"),
	P_SYSCTL("tcp_syncookies", "net.ipv4.tcp_syncookies"),
	P_SYSCTL("tcp_keepalive_time", "net.ipv4.tcp_keepalive_time"),
	P_SYSCTL("tcp_keepalive_intvl", "net.ipv4.tcp_keepalive_intvl"),
	P_SYSCTL("tcp_keepalive_probes", "net.ipv4.tcp_keepalive_probes"),
	P_SYSCTL("tcp_fin_timeout", "net.ipv4.tcp_fin_timeout"),
	{ 0 }
};

const struct pent proc_sysctl_net_ents[] = {
	P_DIR("core", net_core_ents),
	P_DIR("ipv4", net_ipv4_ents),
	{ 0 }
};
