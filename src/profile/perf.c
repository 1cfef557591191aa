/* SPDX-License-Identifier: MIT */
/*
 * Counting and sampling with perf_event_open(2), without perf(1).  Every
 * event is opened per (target, CPU) so that rates come out per CPU; the
 * samplers of one CPU share the first target's ring (SET_OUTPUT), as
 * perf record does.
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/perf_event.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "profile/perf.h"

#define RING_PAGES 64                   /* data pages per ring (256 KiB) */
#define NFD (PC_KINDS + 1)              /* the counters, then the sampler */

static long page_size;

static const char *const exact_names[] = {
	[PC_CLONE] = "syscalls/sys_enter_clone", [PC_CLONE3] = "syscalls/sys_enter_clone3",
	[PC_FORK] = "syscalls/sys_enter_fork", [PC_VFORK] = "syscalls/sys_enter_vfork",
	[PC_EXEC] = "sched/sched_process_exec",
	[PC_MMAP] = "syscalls/sys_enter_mmap", [PC_MUNMAP] = "syscalls/sys_enter_munmap",
	[PC_MPROTECT] = "syscalls/sys_enter_mprotect", [PC_BRK] = "syscalls/sys_enter_brk",
	[PC_MADVISE] = "syscalls/sys_enter_madvise", [PC_MREMAP] = "syscalls/sys_enter_mremap",
};
static int exact_ids[PC_KINDS];

static int read_id(const char *path)
{
	FILE *f = fopen(path, "re");
	int id = -1;

	if (!f)
		return -errno;
	if (fscanf(f, "%d", &id) != 1)
		id = -EINVAL;
	fclose(f);
	return id;
}

int perf_sys_enter_id(void)
{
	static const char *const dirs[] = { "/sys/kernel/tracing", "/sys/kernel/debug/tracing" };
	char path[128];
	int id = -ENOENT;
	bool denied = false;

	for (int pass = 0; pass < 2 && id < 0; pass++) {
		for (size_t i = 0; i < 2 && id < 0; i++) {
			snprintf(path, sizeof(path), "%s/events/raw_syscalls/sys_enter/id", dirs[i]);
			id = read_id(path);
			denied |= id == -EACCES;
		}
		/* tracefs is not always mounted: root may mount it (perf does) */
		if (id < 0 && pass == 0)
			mount("tracefs", dirs[0], "tracefs", 0, NULL);
	}
	if (id < 0)
		return denied ? -EACCES : id;
	for (int k = PC_CLONE; k < PC_KINDS; k++) {
		snprintf(path, sizeof(path), "/sys/kernel/tracing/events/%s/id", exact_names[k]);
		exact_ids[k] = read_id(path);   /* < 0: not counted exactly */
	}
	return id;
}

static int event_open(struct perf_event_attr *a, pid_t pid, int cpu)
{
	return (int)syscall(SYS_perf_event_open, a, pid, cpu, -1, PERF_FLAG_FD_CLOEXEC);
}

static void attr_of(struct perf_event_attr *a, int kind, int tp_id, bool inherit,
		    bool on_exec)
{
	static const uint64_t sw[] = {
		[PC_CTXSW] = PERF_COUNT_SW_CONTEXT_SWITCHES,
		[PC_FAULT_MIN] = PERF_COUNT_SW_PAGE_FAULTS_MIN,
		[PC_FAULT_MAJ] = PERF_COUNT_SW_PAGE_FAULTS_MAJ,
		[PC_TASK_CLOCK] = PERF_COUNT_SW_TASK_CLOCK,
	};

	memset(a, 0, sizeof(*a));
	a->size = sizeof(*a);
	a->inherit = inherit;
	a->disabled = on_exec;
	a->enable_on_exec = on_exec;
	if (kind == PC_SYSCALLS || kind == PC_KINDS) {
		a->type = PERF_TYPE_TRACEPOINT;
		a->config = (uint64_t)tp_id;
	} else if (kind >= PC_CLONE) {
		a->type = PERF_TYPE_TRACEPOINT;
		a->config = (uint64_t)exact_ids[kind];
	} else {
		a->type = PERF_TYPE_SOFTWARE;
		a->config = sw[kind];
	}
	if (kind == PC_KINDS) {                 /* the sampler */
		a->sample_period = PERF_SAMPLE_PERIOD;
		a->sample_type = PERF_SAMPLE_TID | PERF_SAMPLE_TIME | PERF_SAMPLE_RAW;
		a->watermark = 1;
		a->wakeup_watermark = RING_PAGES * 4096 / 2;
	}
}

static void explain(int err)
{
	FILE *f = fopen("/proc/sys/kernel/perf_event_paranoid", "re");
	int paranoid = 2;

	if (f) {
		if (fscanf(f, "%d", &paranoid) != 1)
			paranoid = 2;
		fclose(f);
	}
	fprintf(stderr, "cvisor: profile: perf_event_open: %s.\n", strerror(err));
	if (err == EACCES || err == EPERM)
		fprintf(stderr, "  Tracepoints and other users' processes need root (or CAP_PERFMON),\n"
				"  or a lower kernel.perf_event_paranoid (now %d): run as root, or\n"
				"  sudo sysctl -w kernel.perf_event_paranoid=-1\n", paranoid);
	else if (err == ENOENT || err == ENODEV)
		fprintf(stderr, "  The kernel lacks the raw_syscalls tracepoint or software events\n"
				"  (CONFIG_FTRACE_SYSCALLS, CONFIG_PERF_EVENTS).\n");
}

static int *fd_at(struct perf_set *ps, int t, int cpu, int k)
{
	return &ps->fd[((size_t)t * (size_t)ps->ncpu + (size_t)cpu) * NFD + (size_t)k];
}

/* The sampler of (t, cpu): its own ring for the first target, else that one's. */
static int open_sampler(struct perf_set *ps, int t, int cpu, struct perf_event_attr *a,
			pid_t pid)
{
	int fd = event_open(a, pid, cpu);

	if (fd < 0)
		return -errno;
	*fd_at(ps, t, cpu, PC_KINDS) = fd;
	if (t > 0)
		return ioctl(fd, PERF_EVENT_IOC_SET_OUTPUT, *fd_at(ps, 0, cpu, PC_KINDS)) ? -errno
											  : 0;
	ps->ring[cpu] = mmap(NULL, (size_t)(RING_PAGES + 1) * (size_t)page_size,
			     PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	if (ps->ring[cpu] == MAP_FAILED) {
		ps->ring[cpu] = NULL;
		return -errno;
	}
	return 0;
}

int perf_open(struct perf_set *ps, const pid_t *pids, int n, bool enable_on_exec)
{
	int tp = perf_sys_enter_id(), err = 0;
	struct perf_event_attr a;

	memset(ps, 0, sizeof(*ps));
	page_size = sysconf(_SC_PAGESIZE);
	if (tp == -EACCES) {
		explain(EACCES);
		fprintf(stderr, "  (tracefs, /sys/kernel/tracing, is readable by root only)\n");
		return tp;
	}
	if (tp < 0) {
		fprintf(stderr, "cvisor: profile: no raw_syscalls:sys_enter tracepoint "
				"(tracefs at /sys/kernel/tracing: %s); mount it, as root:\n"
				"  mount -t tracefs tracefs /sys/kernel/tracing\n", strerror(-tp));
		return tp;
	}
	ps->ncpu = (int)sysconf(_SC_NPROCESSORS_CONF);
	if (ps->ncpu > PERF_MAX_CPUS)
		ps->ncpu = PERF_MAX_CPUS;
	ps->system_wide = !pids;
	ps->ntargets = pids ? n : 1;
	ps->fd = malloc((size_t)ps->ntargets * (size_t)ps->ncpu * NFD * sizeof(int));
	ps->ring = calloc((size_t)ps->ncpu, sizeof(void *));
	if (!ps->fd || !ps->ring)
		return -ENOMEM;
	for (size_t i = 0; i < (size_t)ps->ntargets * (size_t)ps->ncpu * NFD; i++)
		ps->fd[i] = -1;
	for (int t = 0; t < ps->ntargets && !err; t++)
		for (int cpu = 0; cpu < ps->ncpu && !err; cpu++)
			for (int k = 0; k <= PC_KINDS && !err; k++) {
				pid_t pid = pids ? pids[t] : -1;

				if (k == PC_TASK_CLOCK && !pids)
					continue;       /* a CPU's task clock is the wall clock */
				if (k >= PC_CLONE && k < PC_KINDS && exact_ids[k] < 0)
					continue;
				/* the sampler counts every call too: a second event on
				 * the same tracepoint would double its cost per call */
				if (k == PC_SYSCALLS)
					continue;
				/* Of a process, only the call counter (rates per CPU)
				 * and the sampler (its ring) need one event per CPU:
				 * every inherited event is copied at each fork, and
				 * fewer events slow the workload less. */
				bool per_cpu = !pids || k == PC_SYSCALLS || k == PC_KINDS;
				if (!per_cpu && cpu > 0)
					continue;
				attr_of(&a, k, tp, pids != NULL, enable_on_exec);
				if (k == PC_KINDS)
					err = open_sampler(ps, t, cpu, &a, pid);
				else if ((*fd_at(ps, t, cpu, k) = event_open(&a, pid,
									    per_cpu ? cpu : -1)) < 0)
					err = -errno;
			}
	if (err) {
		explain(-err);
		perf_close(ps);
	}
	return err;
}

void perf_read(struct perf_set *ps, struct perf_counts *c)
{
	memset(c, 0, sizeof(*c));
	for (int t = 0; t < ps->ntargets; t++)
		for (int cpu = 0; cpu < ps->ncpu; cpu++)
			for (int k = 0; k < PC_KINDS; k++) {
				uint64_t v = 0;
				int fd = *fd_at(ps, t, cpu, k == PC_SYSCALLS ? PC_KINDS : k);

				if (fd < 0 || read(fd, &v, sizeof(v)) != sizeof(v))
					continue;
				c->v[k] += v;
				if (k == PC_SYSCALLS)
					c->syscalls_cpu[cpu] += v;
			}
}

/* A sample of thread tid at time t: its local pace into the histogram. */
static void pace_sample(struct perf_set *ps, uint32_t tid, uint64_t t)
{
	unsigned h = (tid * 2654435761u) % TID_SLOTS;

	for (unsigned i = 0; i < 8; i++, h = (h + 1) % TID_SLOTS) {
		if (ps->last[h].tid && ps->last[h].tid != tid)
			continue;
		if (ps->last[h].tid == tid && t > ps->last[h].time)
			ps->pace_hist[pace_bin_of(PERF_SAMPLE_PERIOD * 1e9 /
						  (double)(t - ps->last[h].time))]++;
		ps->last[h].tid = tid;
		ps->last[h].time = t;
		return;
	}
}

/* One ring: PERF_RECORD_SAMPLE carries {u32 pid, tid; u64 time; u32 size;
 * raw[]}, and raw is the tracepoint's record: 8 bytes of common fields,
 * then long id, then unsigned long args[6]. */
static void drain_ring(struct perf_set *ps, struct perf_event_mmap_page *m)
{
	uint64_t head = __atomic_load_n(&m->data_head, __ATOMIC_ACQUIRE), tail = m->data_tail;
	uint8_t *data = (uint8_t *)m + page_size;
	uint64_t size = (uint64_t)RING_PAGES * (uint64_t)page_size;

	while (tail < head) {
		struct perf_event_header h;
		uint8_t rec[256];

		for (size_t i = 0; i < sizeof(h); i++)
			((uint8_t *)&h)[i] = data[(tail + i) % size];
		if (h.size < sizeof(h))
			break;
		for (size_t i = 0; i < h.size && i < sizeof(rec); i++)
			rec[i] = data[(tail + i) % size];
		if (h.type == PERF_RECORD_SAMPLE && h.size >= sizeof(h) + 16 + 4 + 16) {
			uint32_t tid;
			uint64_t t;
			long id;

			memcpy(&tid, rec + sizeof(h) + 4, sizeof(tid));
			memcpy(&t, rec + sizeof(h) + 8, sizeof(t));
			memcpy(&id, rec + sizeof(h) + 16 + 4 + 8, sizeof(id));
			pace_sample(ps, tid, t);
			if (id >= 0 && id < NR_SYSCALLS_MAX) {
				ps->samples[id]++;
				ps->samples_total++;
			}
			if (id == SYS_newfstatat && h.size >= sizeof(h) + 16 + 4 + 16 + 32) {
				uint64_t flags;

				memcpy(&flags, rec + sizeof(h) + 16 + 4 + 16 + 24, sizeof(flags));
				ps->samples_fstat += !!(flags & AT_EMPTY_PATH);
			}
		} else if (h.type == PERF_RECORD_LOST && h.size >= sizeof(h) + 16) {
			uint64_t lost;

			memcpy(&lost, rec + sizeof(h) + 8, sizeof(lost));
			ps->lost += lost;
		}
		tail += h.size;
	}
	__atomic_store_n(&m->data_tail, tail, __ATOMIC_RELEASE);
}

void perf_drain(struct perf_set *ps)
{
	for (int cpu = 0; cpu < ps->ncpu; cpu++)
		if (ps->ring[cpu])
			drain_ring(ps, ps->ring[cpu]);
}

int perf_spawn(struct perf_set *ps, char *const argv[], int stdout_fd, pid_t *pid)
{
	int go[2], err;
	char b;

	if (pipe2(go, O_CLOEXEC))
		return -errno;
	*pid = fork();
	if (*pid < 0)
		return -errno;
	if (*pid == 0) {
		close(go[1]);
		if (read(go[0], &b, 1) != 1)
			_exit(125);     /* the events could not be opened */
		if (stdout_fd >= 0)
			dup2(stdout_fd, 1);
		execvp(argv[0], argv);
		fprintf(stderr, "cvisor: %s: %s\n", argv[0], strerror(errno));
		_exit(errno == ENOENT ? 127 : 126);
	}
	close(go[0]);
	err = perf_open(ps, pid, 1, true);
	if (!err && write(go[1], "g", 1) != 1)
		err = -EIO;
	close(go[1]);
	if (err)
		waitpid(*pid, NULL, 0);
	return err;
}

int perf_probe(void)
{
	struct perf_set ps;
	pid_t self = getpid();
	int err = perf_open(&ps, &self, 1, false);

	if (!err)
		perf_close(&ps);
	return err;
}

void perf_close(struct perf_set *ps)
{
	for (int cpu = 0; ps->ring && cpu < ps->ncpu; cpu++)
		if (ps->ring[cpu])
			munmap(ps->ring[cpu], (size_t)(RING_PAGES + 1) * (size_t)page_size);
	for (size_t i = 0; ps->fd && i < (size_t)ps->ntargets * (size_t)ps->ncpu * NFD; i++)
		if (ps->fd[i] >= 0)
			close(ps->fd[i]);
	free(ps->fd);
	free(ps->ring);
	ps->fd = NULL;
	ps->ring = NULL;
}
