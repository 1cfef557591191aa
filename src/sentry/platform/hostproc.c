/* SPDX-License-Identifier: MIT */
/*
 * What the host knows of a stub process: its memory, reached with
 * process_vm_readv/writev, and its accounting (CPU clocks, /proc/PID/stat
 * and status).  Only the platform knows the host pids behind them.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/uio.h>
#include <unistd.h>

#include "platform/internal.h"

/* The host's /proc, opened before the sentry pivots into an empty root. */
static int proc_fd = -1;

int hostproc_init(void)
{
	proc_fd = open("/proc", O_PATH | O_DIRECTORY | O_CLOEXEC);
	return proc_fd < 0 ? -errno : 0;
}

int hostproc_open_mem(pid_t pid)
{
	char path[32];
	int fd;

	snprintf(path, sizeof(path), "%d/mem", pid);
	fd = openat(proc_fd, path, O_RDWR | O_CLOEXEC);
	return fd < 0 ? -errno : fd;
}

int stub_proc_copy_in(struct stub_proc *p, void *dst, uint64_t src, size_t len)
{
	struct iovec l = { dst, len }, r = { (void *)src, len };

	if (hostcall_batch_sync(p))
		return -EFAULT;
	return process_vm_readv(p->host_pid, &l, 1, &r, 1, 0) == (ssize_t)len ? 0 : -EFAULT;
}

int stub_proc_copy_out(struct stub_proc *p, uint64_t dst, const void *src, size_t len)
{
	struct iovec l = { (void *)src, len }, r = { (void *)dst, len };

	if (hostcall_batch_sync(p))
		return -EFAULT;
	return process_vm_writev(p->host_pid, &l, 1, &r, 1, 0) == (ssize_t)len ? 0 : -EFAULT;
}

/* CPUCLOCK_SCHED of a host process or thread: see MAKE_PROCESS_CPUCLOCK. */
static clockid_t cpu_clock(pid_t id)
{
	return (clockid_t)((~(unsigned)id << 3) | 2);
}

/* The sentry thread's own clock is not the application's: read the stub's. */
int stub_proc_cputime(struct stub_proc *p, struct timespec *ts)
{
	return clock_gettime(cpu_clock(p->host_pid), ts) ? -errno : 0;
}

static int read_proc(pid_t pid, pid_t tid, const char *name, char *buf, size_t size);

/*
 * The host's thread CPU clocks are for the caller's own threads only
 * (pid_for_clock()): another process's thread's scheduled time is the
 * first field of its schedstat, in ns, the same sum_exec_runtime.
 */
int stub_thread_cputime(const struct stub_thread *t, struct timespec *ts)
{
	unsigned long long ns;
	char buf[128];
	int err = read_proc(t->proc->host_pid, t->host_tid, "schedstat", buf, sizeof(buf));

	if (err)
		return err;
	if (sscanf(buf, "%llu", &ns) != 1)
		return -EIO;
	ts->tv_sec = (time_t)(ns / 1000000000u);
	ts->tv_nsec = (long)(ns % 1000000000u);
	return 0;
}

/* A host /proc file of pid (of its thread tid, if not 0), NUL-terminated. */
static int read_proc(pid_t pid, pid_t tid, const char *name, char *buf, size_t size)
{
	char path[64];
	ssize_t n;
	int fd;

	if (tid)
		snprintf(path, sizeof(path), "%d/task/%d/%s", pid, tid, name);
	else
		snprintf(path, sizeof(path), "%d/%s", pid, name);
	fd = openat(proc_fd, path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	n = read(fd, buf, size - 1);
	close(fd);
	if (n < 0)
		return -EIO;
	buf[n] = '\0';
	return 0;
}

static void ns_to_tv(uint64_t ns, struct timeval *tv)
{
	tv->tv_sec = (time_t)(ns / 1000000000u);
	tv->tv_usec = (suseconds_t)(ns % 1000000000u / 1000);
}

/*
 * CPU time and faults of a host process (or of its thread tid).  A process's
 * CPU clock is exact; the tick-sampled utime:stime of /proc/.../stat only
 * says how to split it, as Linux splits it for its own getrusage.  Another
 * process's thread clocks cannot be read: threads get the ticks alone.
 */
static int host_times(pid_t pid, pid_t tid, struct rusage *ru)
{
	unsigned long minflt, majflt, ut, st;
	uint64_t tick = 1000000000u / (uint64_t)sysconf(_SC_CLK_TCK), total, u;
	struct timespec ts;
	char buf[1024], *p;
	int err = read_proc(pid, tid, "stat", buf, sizeof(buf));

	if (err)
		return err;
	p = strrchr(buf, ')');  /* the name may hold anything but this */
	if (!p || sscanf(p + 1, " %*c %*d %*d %*d %*d %*d %*u %lu %*u %lu %*u %lu %lu",
			 &minflt, &majflt, &ut, &st) != 4)
		return -EIO;
	total = (ut + st) * tick;
	if (!tid && !clock_gettime(cpu_clock(pid), &ts))
		total = (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
	u = ut + st ? (uint64_t)((unsigned __int128)total * ut / (ut + st)) : total;
	ns_to_tv(u, &ru->ru_utime);
	ns_to_tv(total - u, &ru->ru_stime);
	ru->ru_minflt = (long)minflt;
	ru->ru_majflt = (long)majflt;
	return 0;
}

/* The peak resident set of a host process in KiB; 0 once its memory is gone. */
static long host_maxrss(pid_t pid)
{
	char buf[4096], *p;

	if (read_proc(pid, 0, "status", buf, sizeof(buf)))
		return 0;
	p = strstr(buf, "\nVmHWM:");
	return p ? strtol(p + 7, NULL, 10) : 0;
}

int stub_proc_usage(struct stub_proc *p, const struct stub_thread *t, struct rusage *ru)
{
	int err;

	memset(ru, 0, sizeof(*ru));
	/* a dead stub's pid is the host's again: it may name another process */
	if (__atomic_load_n(&p->dead, __ATOMIC_SEQ_CST))
		return -ESRCH;
	err = host_times(p->host_pid, t ? t->host_tid : 0, ru);
	if (!err)
		ru->ru_maxrss = host_maxrss(p->host_pid);
	return err;
}
