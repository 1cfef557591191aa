/* SPDX-License-Identifier: MIT */
/*
 * linux.resources written to the cgroup's files, in the order runc writes
 * them (libcontainer/cgroups/fs and fs2), so that no step is refused for
 * what the step before it left:
 *
 *  - v1 memory: memory.memsw.limit_in_bytes (memory + swap) may never be
 *    below memory.limit_in_bytes.  Raising both, swap goes first; lowering,
 *    memory goes first.  runc decides on the current memory limit: swap
 *    first when the new swap is -1 or above it.
 *  - v1 cpu: a period the kernel refuses (EINVAL: the old quota over the
 *    new period would exceed the parent's) is written again after the
 *    quota, when a quota is being written too.
 *  - v1 controllers in runc's order: cpuset, devices, memory, cpu, pids,
 *    blkio, hugetlb, net_cls, net_prio; v2: pids, memory, cpu, cpuset (no
 *    devices: v2 has no file for them, runc attaches a BPF program).
 *
 * A field that is absent or 0 is left as it is (engines write 0 for "no
 * limit", and runc update sends only what changes); -1 is "unlimited".
 * The first write the kernel refuses stops it, and cg->why names the
 * file and the value.
 */
#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "sandbox/cgroup_internal.h"

struct res {
	struct cgroup *cg;
	int dir;                        /* v2: the cgroup's directory */
	int err;
};

/*
 * "name" of o, as text for a cgroup file, or NULL when it is not set:
 * absent, or 0 / false.
 */
static const char *num(json_t *o, const char *name, char *buf, size_t len)
{
	json_t *v = json_object_get(o, name);

	if (json_is_integer(v) && json_integer_value(v))
		snprintf(buf, len, "%lld", (long long)json_integer_value(v));
	else if (json_is_true(v))
		snprintf(buf, len, "1");
	else if (json_is_string(v) && *json_string_value(v))
		snprintf(buf, len, "%s", json_string_value(v));
	else
		return NULL;
	return buf;
}

static void refused(struct res *r, const char *where, const char *file, const char *val, int e)
{
	r->err = e;
	cg_why(r->cg, "%s/%s/%s: cannot write %s: %s", where,
		 r->cg->path, file, val, strerror(-e));
}

/* v1: val to file of the controller ctl's cgroup (NULL val: nothing). */
static void put(struct res *r, const char *ctl, const char *file, const char *val)
{
	char root[64];
	int dir, e;

	if (!val || r->err)
		return;
	snprintf(root, sizeof(root), CG_ROOT "/%s", ctl);
	dir = cg_find(root, r->cg->path);
	e = dir < 0 ? dir : cg_write_at(dir, file, val);
	if (dir >= 0)
		close(dir);
	if (e)
		refused(r, root, file, val, e);
}

static void put_num(struct res *r, const char *ctl, json_t *o, const char *name, const char *file)
{
	char buf[64];

	put(r, ctl, file, num(o, name, buf, sizeof(buf)));
}

/* v2: val to file of the cgroup directory. */
static void put2(struct res *r, const char *file, const char *val)
{
	int e;

	if (!val || r->err)
		return;
	if ((e = cg_write_at(r->dir, file, val)))
		refused(r, "cgroup2", file, val, e);
}

static long long num_of(json_t *o, const char *name)
{
	return json_integer_value(json_object_get(o, name));
}

/* The v1 memory limit now, or -1 if unknown. */
static long long v1_memory_now(const struct cgroup *cg)
{
	char buf[64];
	int dir = cg_find(CG_ROOT "/memory", cg->path);
	ssize_t n = dir < 0 ? -1 : cg_read_at(dir, "memory.limit_in_bytes", buf, sizeof(buf));

	if (dir >= 0)
		close(dir);
	return n > 0 ? strtoll(buf, NULL, 10) : -1;
}

static bool v1_has_swap(const struct cgroup *cg)
{
	int dir = cg_find(CG_ROOT "/memory", cg->path);
	bool has = dir >= 0 && !faccessat(dir, "memory.memsw.limit_in_bytes", F_OK,
					  AT_SYMLINK_NOFOLLOW);

	if (dir >= 0)
		close(dir);
	return has;
}

static void v1_memory(struct res *r, json_t *mem)
{
	char lb[32], sb[32];
	const char *lim = num(mem, "limit", lb, sizeof(lb)), *swap = num(mem, "swap", sb, sizeof(sb));
	long long s = num_of(mem, "swap");

	/* unlimited memory with no swap given: unlimited swap too (if the
	 * kernel accounts swap), else memory would stay capped by memsw */
	if (lim && num_of(mem, "limit") == -1 && !swap && v1_has_swap(r->cg))
		swap = "-1", s = -1;
	if (lim && swap && (s == -1 || (unsigned long long)v1_memory_now(r->cg) <
				       (unsigned long long)s)) {
		put(r, "memory", "memory.memsw.limit_in_bytes", swap);   /* raising */
		put(r, "memory", "memory.limit_in_bytes", lim);
	} else {
		put(r, "memory", "memory.limit_in_bytes", lim);          /* lowering */
		put(r, "memory", "memory.memsw.limit_in_bytes", swap);
	}
	put_num(r, "memory", mem, "reservation", "memory.soft_limit_in_bytes");
	if (json_integer_value(json_object_get(mem, "swappiness")) >= 0)  /* -1: the default */
		put_num(r, "memory", mem, "swappiness", "memory.swappiness");
	put_num(r, "memory", mem, "disableOOMKiller", "memory.oom_control");
	/* TCP buffers of the sentry's host sockets, which are the
	 * application's: this kernel still limits them.  "kernel" (all
	 * kernel memory) it takes and ignores: left out, as runc does. */
	put_num(r, "memory", mem, "kernelTCP", "memory.kmem.tcp.limit_in_bytes");
}

/*
 * linux.resources.devices, in the listed order: "a" alone (the kernel
 * reads no more of it) sets the default and clears the list, the others
 * add to it.  The sentry serves the application's devices itself; this
 * limits which host device nodes the sandbox's host processes may open.
 */
static void v1_devices(struct res *r, json_t *devs)
{
	json_t *d;
	size_t i;

	json_array_foreach(devs, i, d) {
		const char *type = json_string_value(json_object_get(d, "type"));
		const char *access = json_string_value(json_object_get(d, "access"));
		json_t *maj = json_object_get(d, "major"), *min = json_object_get(d, "minor");
		char v[96], mj[24] = "*", mn[24] = "*";

		if (!type || !strcmp(type, "a")) {
			snprintf(v, sizeof(v), "a");
		} else {
			if (json_is_integer(maj) && json_integer_value(maj) >= 0)
				snprintf(mj, sizeof(mj), "%lld", (long long)json_integer_value(maj));
			if (json_is_integer(min) && json_integer_value(min) >= 0)
				snprintf(mn, sizeof(mn), "%lld", (long long)json_integer_value(min));
			snprintf(v, sizeof(v), "%s %s:%s %s", type, mj, mn,
				 access && *access ? access : "rwm");
		}
		put(r, "devices", json_is_true(json_object_get(d, "allow")) ? "devices.allow"
									     : "devices.deny", v);
	}
}

static void v1_cpu(struct res *r, json_t *cpu)
{
	char pb[32], qb[32];
	const char *period = num(cpu, "period", pb, sizeof(pb));
	const char *quota = num(cpu, "quota", qb, sizeof(qb));

	put_num(r, "cpu", cpu, "shares", "cpu.shares");
	if (period && !r->err) {
		put(r, "cpu", "cpu.cfs_period_us", period);
		if (r->err == -EINVAL && quota)
			r->err = 0;                     /* again after the quota */
		else
			period = NULL;
	}
	put(r, "cpu", "cpu.cfs_quota_us", quota);
	put(r, "cpu", "cpu.cfs_period_us", period);
	put_num(r, "cpu", cpu, "realtimePeriod", "cpu.rt_period_us");
	put_num(r, "cpu", cpu, "realtimeRuntime", "cpu.rt_runtime_us");
}

/*
 * pids.limit: -1 is "max" (the file takes no -1).  The host's count of
 * the sandbox's tasks, v1 or v2, is only a backstop: the sentry counts
 * the application's own and refuses fork and clone past the limit.  Each
 * application task costs the host a stub thread and a sentry thread, each
 * process a syscall thread more, plus the sentry's own threads: written
 * as the limit itself, the host's count refused forks (and execs) the
 * application was entitled to.
 */
static const char *pids_text(json_t *pids, char *buf, size_t len)
{
	long long n = num_of(pids, "limit");

	if (n == -1)
		return "max";
	if (n <= 0)
		return NULL;
	snprintf(buf, len, "%lld", 3 * n + 64);
	return buf;
}

/* Per-device lists: "major:minor value" lines. */
static void put_devs(struct res *r, json_t *arr, const char *key, const char *file)
{
	json_t *d;
	size_t i;

	json_array_foreach(arr, i, d) {
		char v[96];

		snprintf(v, sizeof(v), "%lld:%lld %lld", num_of(d, "major"), num_of(d, "minor"),
			 num_of(d, key));
		put(r, "blkio", file, v);
	}
}

static void v1_blkio(struct res *r, json_t *bio)
{
	put_num(r, "blkio", bio, "weight", "blkio.weight");
	put_num(r, "blkio", bio, "leafWeight", "blkio.leaf_weight");
	put_devs(r, json_object_get(bio, "weightDevice"), "weight", "blkio.weight_device");
	put_devs(r, json_object_get(bio, "throttleReadBpsDevice"), "rate",
		 "blkio.throttle.read_bps_device");
	put_devs(r, json_object_get(bio, "throttleWriteBpsDevice"), "rate",
		 "blkio.throttle.write_bps_device");
	put_devs(r, json_object_get(bio, "throttleReadIOPSDevice"), "rate",
		 "blkio.throttle.read_iops_device");
	put_devs(r, json_object_get(bio, "throttleWriteIOPSDevice"), "rate",
		 "blkio.throttle.write_iops_device");
}

static void v1_other(struct res *r, json_t *res)
{
	json_t *net = json_object_get(res, "network"), *e;
	char buf[128];
	size_t i;

	json_array_foreach(json_object_get(res, "hugepageLimits"), i, e) {
		char file[64];

		snprintf(file, sizeof(file), "hugetlb.%s.limit_in_bytes",
			 json_string_value(json_object_get(e, "pageSize")));
		put_num(r, "hugetlb", e, "limit", file);
	}
	put_num(r, "net_cls", net, "classID", "net_cls.classid");
	json_array_foreach(json_object_get(net, "priorities"), i, e) {
		snprintf(buf, sizeof(buf), "%s %lld", json_string_value(json_object_get(e, "name")),
			 num_of(e, "priority"));
		put(r, "net_prio", "net_prio.ifpriomap", buf);
	}
}

static json_t *parse(struct cgroup *cg, const char *resources, int *err)
{
	json_t *j = resources ? json_loads(resources, 0, NULL) : json_object();

	*err = 0;
	if (!json_is_object(j)) {
		json_decref(j);
		cg_why(cg, "linux.resources: not a JSON object");
		*err = -EINVAL;
		return NULL;
	}
	return j;
}

int cg_res_v1(struct cgroup *cg, const char *resources)
{
	struct res r = { .cg = cg, .dir = -1 };
	json_t *j = parse(cg, resources, &r.err), *cpu = json_object_get(j, "cpu");
	char buf[64];

	if (!j)
		return r.err;
	put_num(&r, "cpuset", cpu, "cpus", "cpuset.cpus");
	put_num(&r, "cpuset", cpu, "mems", "cpuset.mems");
	v1_devices(&r, json_object_get(j, "devices"));
	v1_memory(&r, json_object_get(j, "memory"));
	v1_cpu(&r, cpu);
	put(&r, "pids", "pids.max", pids_text(json_object_get(j, "pids"), buf, sizeof(buf)));
	v1_blkio(&r, json_object_get(j, "blockIO"));
	v1_other(&r, j);
	json_decref(j);
	return r.err;
}

/* ---- v2 ---- */

/*
 * memory.swap.max is swap alone, where the config's swap is memory +
 * swap: runc's conversion.  NULL: leave it.
 */
static const char *v2_swap(struct res *r, json_t *mem, char *buf, size_t len)
{
	long long lim = num_of(mem, "limit"), swap = num_of(mem, "swap");

	if (swap == -1 || (lim == -1 && !swap))
		return "max";
	if (!swap)
		return NULL;
	if (lim <= 0 || swap < lim) {
		r->err = -EINVAL;
		cg_why(r->cg,
			 "linux.resources.memory.swap %lld: %s", swap,
			 lim <= 0 ? "needs a memory limit" : "must be at least the memory limit");
		return NULL;
	}
	snprintf(buf, len, "%lld", swap - lim);
	return buf;
}

static const char *v2_num(json_t *o, const char *name, char *buf, size_t len)
{
	if (num_of(o, name) == -1)
		return "max";
	return num(o, name, buf, len);
}

static void v2_cpu(struct res *r, json_t *cpu)
{
	long long shares = num_of(cpu, "shares"), quota = num_of(cpu, "quota");
	long long period = num_of(cpu, "period");
	char buf[64];

	if (shares > 0) {       /* runc's mapping of [2, 262144] onto [1, 10000] */
		snprintf(buf, sizeof(buf), "%lld", 1 + ((shares - 2) * 9999) / 262142);
		put2(r, "cpu.weight", buf);
	}
	if (quota > 0 || quota == -1 || period > 0) {
		if (quota > 0)
			snprintf(buf, sizeof(buf), "%lld %lld", quota, period ? period : 100000);
		else
			snprintf(buf, sizeof(buf), "max %lld", period ? period : 100000);
		put2(r, "cpu.max", buf);
	}
}

int cg_res_v2(struct cgroup *cg, int dir, const char *resources)
{
	struct res r = { .cg = cg, .dir = dir };
	json_t *j = parse(cg, resources, &r.err), *mem, *cpu;
	char buf[64];
	const char *swap;

	if (!j)
		return r.err;
	mem = json_object_get(j, "memory");
	cpu = json_object_get(j, "cpu");
	put2(&r, "pids.max", pids_text(json_object_get(j, "pids"), buf, sizeof(buf)));
	swap = r.err ? NULL : v2_swap(&r, mem, buf, sizeof(buf));
	/* without swap accounting there is no file: "max" is what it is */
	if (swap && (strcmp(swap, "max") ||
		     !faccessat(dir, "memory.swap.max", F_OK, AT_SYMLINK_NOFOLLOW)))
		put2(&r, "memory.swap.max", swap);
	put2(&r, "memory.max", v2_num(mem, "limit", buf, sizeof(buf)));
	put2(&r, "memory.low", num(mem, "reservation", buf, sizeof(buf)));
	v2_cpu(&r, cpu);
	put2(&r, "cpuset.cpus", num(cpu, "cpus", buf, sizeof(buf)));
	put2(&r, "cpuset.mems", num(cpu, "mems", buf, sizeof(buf)));
	json_decref(j);
	return r.err;
}
