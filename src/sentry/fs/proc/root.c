/* SPDX-License-Identifier: MIT */
/*
 * procfs: the system-wide files (Linux's fs/proc/root.c, meminfo.c,
 * stat.c, uptime.c, ..., and kernel/sysctl's /proc/sys), the root's table,
 * and self and thread-self.  Nothing here reads the host's /proc except
 * the host-wide facts Linux would show any container (cpuinfo, meminfo,
 * vmstat's memory counters).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/sysmacros.h>
#include <time.h>
#include <unistd.h>

#include "ipc/ipc.h"
#include "fs/proc/internal.h"
#include "net/net.h"

#define USER_HZ 100

static char boot_id[37];

/* A file of the host's /proc (the sentry has no other way there). */
int sb_host_file(struct sbuf *b, const char *name)
{
	int fd = openat(host_proc_fd, name, O_RDONLY | O_CLOEXEC);
	char buf[4096];
	ssize_t n;

	if (fd < 0)
		return -errno;
	while ((n = read(fd, buf, sizeof(buf))) > 0)
		sb_add(b, buf, (size_t)n);
	close(fd);
	return n < 0 ? -EIO : 0;
}

/* Host CPUs online: what sysfs, /proc/stat and Cpus_allowed all show. */
int proc_ncpus(void)
{
	long n = sysconf(_SC_NPROCESSORS_ONLN);

	return n > 0 ? (int)n : 1;
}

void proc_cpu_list(struct sbuf *b)
{
	int n = proc_ncpus();

	if (n == 1)
		sb_puts(b, "0");
	else
		sb_printf(b, "0-%d", n - 1);
}

/* A cpumask as Linux prints it: 32-bit hex groups, the first unpadded. */
void proc_cpu_mask(struct sbuf *b)
{
	int n = proc_ncpus(), first = n % 32 ? n % 32 : 32;

	sb_printf(b, "%0*lx", (first + 3) / 4, (1UL << first) - 1);
	for (n -= first; n > 0; n -= 32)
		sb_puts(b, ",ffffffff");
}

/* Time since the sandbox started. */
static struct timespec uptime(void)
{
	struct timespec now, up;

	clock_gettime(CLOCK_MONOTONIC, &now);
	up.tv_sec = now.tv_sec - sandbox.boot_time.tv_sec;
	up.tv_nsec = now.tv_nsec - sandbox.boot_time.tv_nsec;
	if (up.tv_nsec < 0) {
		up.tv_sec--;
		up.tv_nsec += 1000000000L;
	}
	return up;
}

/* ---------- mounts ---------- */

/*
 * Where a mount is attached.  The mount records only (parent, inode key);
 * vfs_mount_path sets m->path.  Mounts are never removed while the sandbox
 * runs and only appended to, so the list is walked without its lock.
 */
static const char *mount_path(const struct mount *m)
{
	return m->parent ? m->path : "/";
}

static const char *mount_opts(const struct mount *m)
{
	return m->readonly ? "ro,relatime" : "rw,relatime";
}

int proc_mounts(struct sbuf *b)
{
	for (struct mount *m = vfs_mounts(); m; m = m->next) {
		if (!mount_path(m))
			continue;       /* unknown: better absent than wrong */
		sb_escape(b, m->source ? m->source : "none");
		sb_putc(b, ' ');
		sb_escape(b, mount_path(m));
		sb_printf(b, " %s %s 0 0\n", m->fstype, mount_opts(m));
	}
	return 0;
}

int proc_mountinfo(struct sbuf *b)
{
	for (struct mount *m = vfs_mounts(); m; m = m->next) {
		if (!mount_path(m))
			continue;
		/* the root mount's parent is outside the sandbox: itself */
		sb_printf(b, "%d %d %u:%u ", m->id, m->parent ? m->parent->id : m->id,
			  major(m->root->dev), minor(m->root->dev));
		/* a bind mount's root is the host directory it shows, not
		 * its file system's root (engines check it, as Linux has it) */
		sb_escape(b, strcmp(m->fstype, "hostfs") || !m->parent || !m->source ? "/" : m->source);
		sb_putc(b, ' ');
		sb_escape(b, mount_path(m));
		sb_printf(b, " %s - %s ", mount_opts(m), m->fstype);
		sb_escape(b, m->source ? m->source : "none");
		sb_printf(b, " %s\n", m->readonly ? "ro" : "rw");
	}
	return 0;
}

/* ---------- /proc/self, /proc/thread-self ---------- */

/* Relative targets: the walk resolves them under /proc, as Linux's do. */
static long readlink_self(char *buf, size_t len)
{
	struct task *t = current_task;
	char s[16];

	if (!t)
		return -ENOENT;
	snprintf(s, sizeof(s), "%d", t->tg->pid);
	return proc_link_text(buf, len, s);
}

static long readlink_thread_self(char *buf, size_t len)
{
	struct task *t = current_task;
	char s[40];

	if (!t)
		return -ENOENT;
	snprintf(s, sizeof(s), "%d/task/%d", t->tg->pid, t->tid);
	return proc_link_text(buf, len, s);
}

/* ---------- host-wide and sandbox-wide files ---------- */

static int show_cpuinfo(struct sbuf *b)
{
	return sb_host_file(b, "cpuinfo");
}

static int show_meminfo(struct sbuf *b)
{
	return sb_host_file(b, "meminfo");
}

/*
 * vmstat(8) reads it.  The counts of pages in each state ("nr_*") are the
 * host's, as meminfo's are; the events counted since boot (faults, pages
 * in and out, swaps) are the host's since its own boot, which the
 * sandbox's uptime and /proc/stat do not share: they read 0.
 */
static int show_vmstat(struct sbuf *b)
{
	struct sbuf host = { 0 };
	int err = sb_host_file(&host, "vmstat");

	for (char *line = host.p, *nl; !err && line && *line; line = nl) {
		char *sp = strchr(line, ' ');

		nl = strchr(line, '\n');
		nl = nl ? nl + 1 : NULL;
		if (!sp || (nl && sp > nl))
			continue;
		if (!strncmp(line, "nr_", 3))
			sb_add(b, line, nl ? (size_t)(nl - line) : strlen(line));
		else
			sb_printf(b, "%.*s 0\n", (int)(sp - line), line);
	}
	sb_free(&host);
	return err;
}

/* Idle as if every CPU were idle all along: Linux's sum over CPUs. */
static int show_uptime(struct sbuf *b)
{
	struct timespec up = uptime();
	unsigned long long cs = (unsigned long long)up.tv_sec * 100 + up.tv_nsec / 10000000;
	unsigned long long idle = cs * (unsigned)proc_ncpus();

	sb_printf(b, "%llu.%02llu %llu.%02llu\n", cs / 100, cs % 100, idle / 100, idle % 100);
	return 0;
}

/* Live threads, and the live thread groups' count in *groups. */
static int count_tasks(int *groups)
{
	pid_t *pids = NULL;
	long n = proc_all_pids(&pids);
	int tasks = 0;

	*groups = 0;
	for (long i = 0; i < n; i++) {
		struct thread_group *tg = proc_get_tg(pids[i]);

		if (!tg)
			continue;
		pthread_mutex_lock(&tg->lock);
		tasks += tg->nr_tasks;
		pthread_mutex_unlock(&tg->lock);
		tg_put(tg);
		++*groups;
	}
	free(pids);
	return tasks;
}

static pid_t last_pid(void)
{
	pid_t p;

	pthread_mutex_lock(&sandbox.lock);
	p = sandbox.next_pid - 1;
	pthread_mutex_unlock(&sandbox.lock);
	return p;
}

static int show_loadavg(struct sbuf *b)
{
	int groups, tasks = count_tasks(&groups);

	sb_printf(b, "0.00 0.00 0.00 1/%d %d\n", tasks, last_pid());
	return 0;
}

/* Ticks: every CPU idle since the sandbox started; btime from the same clock. */
static int show_stat(struct sbuf *b)
{
	struct timespec up = uptime(), now;
	unsigned long idle = (unsigned long)up.tv_sec * USER_HZ +
			     (unsigned long)up.tv_nsec / (1000000000UL / USER_HZ);
	int cpus = proc_ncpus(), groups, tasks = count_tasks(&groups);

	clock_gettime(CLOCK_REALTIME, &now);
	sb_printf(b, "cpu  0 0 0 %lu 0 0 0 0 0 0\n", idle * (unsigned long)cpus);
	for (int i = 0; i < cpus; i++)
		sb_printf(b, "cpu%d 0 0 0 %lu 0 0 0 0 0 0\n", i, idle);
	sb_printf(b, "intr 0\nctxt 0\nbtime %ld\nprocesses %d\nprocs_running %d\n"
		  "procs_blocked 0\nsoftirq 0 0 0 0 0 0 0 0 0 0 0\n",
		  (long)(now.tv_sec - up.tv_sec), last_pid(), tasks ? tasks : 1);
	return 0;
}

/* A UTS name of the sandbox (sethostname changes them under its lock). */
static int show_uts_name(struct sbuf *b, const char *name)
{
	pthread_mutex_lock(&sandbox.lock);
	sb_printf(b, "%s\n", name);
	pthread_mutex_unlock(&sandbox.lock);
	return 0;
}

static int show_hostname(struct sbuf *b)
{
	return show_uts_name(b, sandbox.hostname);
}

static int show_domainname(struct sbuf *b)
{
	return show_uts_name(b, sandbox.domainname);
}

static void make_uuid(char out[37])
{
	unsigned char u[16];

	if (getrandom(u, sizeof(u), 0) != (ssize_t)sizeof(u))
		memset(u, 0, sizeof(u));
	u[6] = (u[6] & 0x0f) | 0x40;    /* version 4 */
	u[8] = (u[8] & 0x3f) | 0x80;    /* RFC 4122 variant */
	snprintf(out, 37, "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-"
		 "%02x%02x%02x%02x%02x%02x", u[0], u[1], u[2], u[3], u[4], u[5], u[6],
		 u[7], u[8], u[9], u[10], u[11], u[12], u[13], u[14], u[15]);
}

static int show_uuid(struct sbuf *b)
{
	char u[37];

	make_uuid(u);
	sb_printf(b, "%s\n", u);
	return 0;
}

static int show_boot_id(struct sbuf *b)
{
	sb_printf(b, "%s\n", boot_id);
	return 0;
}

void proc_root_init(void)
{
	make_uuid(boot_id);
}

/* ---------- the tree ---------- */

static const struct pent random_ents[] = {
	P_GEN("boot_id", show_boot_id),
	P_GEN("uuid", show_uuid),
	{ 0 }
};

static const struct pent kernel_ents[] = {
	P_TXT("pid_max", "4194304\n"),
	/* what kernel/coredump.c writes: "core" in the cwd, no pid */
	P_TXT("core_pattern", "core\n"),
	P_TXT("core_uses_pid", "0\n"),
	P_TXT("ostype", "Linux\n"),
	P_TXT("osrelease", PROC_RELEASE "\n"),
	P_TXT("version", PROC_VERSION "\n"),
	P_GEN("hostname", show_hostname),
	P_GEN("domainname", show_domainname),
	P_TXT("ngroups_max", "65536\n"),
	P_TXT("cap_last_cap", "40\n"),
	P_TXT("tainted", "0\n"),       /* the sentry loads no modules, has no oops */
	P_DIR("random", random_ents),
	P_RW("shmmax", ipc_proc_shmmax, ipc_store_shmmax),       /* System V IPC: ipc/ */
	P_RW("shmall", ipc_proc_shmall, ipc_store_shmall),
	P_RW("shmmni", ipc_proc_shmmni, ipc_store_shmmni),
	P_RW("sem", ipc_proc_sem, ipc_store_sem),
	P_RW("msgmax", ipc_proc_msgmax, ipc_store_msgmax),
	P_RW("msgmnb", ipc_proc_msgmnb, ipc_store_msgmnb),
	P_RW("msgmni", ipc_proc_msgmni, ipc_store_msgmni),
	{ 0 }
};

static const struct pent sysvipc_ents[] = {
	P_GEN("shm", shm_proc_show),
	P_GEN("sem", sem_proc_show),
	P_GEN("msg", msg_proc_show),
	{ 0 }
};

#define STR2(x) #x
#define STR(x) STR2(x)

static const struct pent vm_ents[] = {
	P_TXT("overcommit_memory", "0\n"),
	P_TXT("max_map_count", "65530\n"),
	P_TXT("mmap_min_addr", "65536\n"),
	{ 0 }
};

static const struct pent inotify_ents[] = {
	P_TXT("max_queued_events", STR(INOTIFY_MAX_QUEUED) "\n"),
	P_TXT("max_user_watches", STR(INOTIFY_MAX_WATCHES) "\n"),
	{ 0 }
};

static const struct pent fs_ents[] = {
	P_TXT("file-max", "9223372036854775807\n"),
	P_TXT("nr_open", STR(FD_NR_OPEN) "\n"),     /* the most RLIMIT_NOFILE can be */
	P_TXT("pipe-max-size", STR(PIPE_MAX_SIZE) "\n"),
	P_RW("lease-break-time", lease_proc_break_time, lease_store_break_time),
	P_DIR("inotify", inotify_ents),
	P_DIR("mqueue", proc_sysctl_mqueue_ents),
	{ 0 }
};

static const struct pent sys_ents[] = {
	P_DIR("kernel", kernel_ents),
	P_DIR("vm", vm_ents),
	P_DIR("fs", fs_ents),
	P_DIR("net", proc_sysctl_net_ents),
	{ 0 }
};

/* The file system types the sentry registered (vfs/fstype.c). */
static int show_filesystems(struct sbuf *b)
{
	char buf[4096];

	vfs_filesystems(buf, sizeof(buf));
	sb_puts(b, buf);
	return 0;
}

/* /proc/net: the sandbox's one network namespace (Linux links it to self/net) */
static const struct pent proc_net_ents[] = { P_GEN("unix", proc_net_unix), { 0 } };

static const struct pent root_ents[] = {
	P_RDLNK("self", readlink_self),
	P_RDLNK("thread-self", readlink_thread_self),
	P_GEN("cpuinfo", show_cpuinfo),
	P_GEN("meminfo", show_meminfo),
	P_GEN("vmstat", show_vmstat),
	P_GEN("uptime", show_uptime),
	P_GEN("loadavg", show_loadavg),
	P_TXT("version", "Linux version " PROC_RELEASE " (cvisor) " PROC_VERSION "\n"),
	P_GEN("filesystems", show_filesystems),
	P_GEN("config.gz", proc_show_config_gz),
	P_LNK("mounts", "self/mounts"),
	P_GEN("stat", show_stat),
	P_DIR("sysvipc", sysvipc_ents),
	P_DIR("sys", sys_ents),
	P_DIR("net", proc_net_ents),
	{ 0 }
};

const struct pent proc_root_ent = {
	.name = "/", .mode = S_IFDIR | 0555, .sub = root_ents, .dyn = &proc_pids
};
