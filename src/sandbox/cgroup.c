/* SPDX-License-Identifier: MIT */
/* The sandbox's cgroup (see cgroup.h). */
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "sandbox/cgroup.h"

#define CG_ROOT "/sys/fs/cgroup"

static int write_at(const char *dir, const char *file, const char *val)
{
	char path[4200];
	int fd;
	ssize_t n;

	snprintf(path, sizeof(path), "%s/%s", dir, file);
	fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	n = write(fd, val, strlen(val));
	close(fd);
	return n < 0 ? -errno : 0;
}

/* mkdir -p of root/path */
static int make_dir(const char *root, const char *path, char *out, size_t len)
{
	char *p;

	snprintf(out, len, "%s/%s", root, path[0] == '/' ? path + 1 : path);
	for (p = out + strlen(root) + 1; (p = strchr(p, '/')); p++) {
		*p = 0;
		if (mkdir(out, 0755) && errno != EEXIST)
			return -errno;
		*p = '/';
	}
	return mkdir(out, 0755) && errno != EEXIST ? -errno : 0;
}

/* Does the v2 hierarchy offer every controller we need? */
static const char *v2_root(void)
{
	static const char *roots[] = { CG_ROOT, CG_ROOT "/unified" };
	char buf[512];

	for (size_t i = 0; i < 2; i++) {
		char path[128];
		int fd;
		ssize_t n;

		snprintf(path, sizeof(path), "%s/cgroup.controllers", roots[i]);
		fd = open(path, O_RDONLY | O_CLOEXEC);
		if (fd < 0)
			continue;
		n = read(fd, buf, sizeof(buf) - 1);
		close(fd);
		buf[n > 0 ? n : 0] = 0;
		if (strstr(buf, "memory") && strstr(buf, "pids") && strstr(buf, "cpu"))
			return roots[i];
	}
	return NULL;
}

static int enter_v2(const char *root, const char *path, const struct cgroup_limits *l,
		    pid_t pid)
{
	char dir[4200], v[64];
	int err;

	write_at(root, "cgroup.subtree_control", "+memory +pids +cpu");
	err = make_dir(root, path, dir, sizeof(dir));
	if (!err && l->memory > 0) {
		snprintf(v, sizeof(v), "%lld", (long long)l->memory);
		err = write_at(dir, "memory.max", v);
	}
	if (!err && l->pids > 0) {
		snprintf(v, sizeof(v), "%lld", (long long)l->pids);
		err = write_at(dir, "pids.max", v);
	}
	if (!err && l->cpu_quota) {
		snprintf(v, sizeof(v), "%llu %llu", (unsigned long long)l->cpu_quota,
			 (unsigned long long)(l->cpu_period ? l->cpu_period : 100000));
		err = write_at(dir, "cpu.max", v);
	}
	snprintf(v, sizeof(v), "%d", pid);
	return err ? err : write_at(dir, "cgroup.procs", v);
}

int cgroup_enter(const char *path, const struct cgroup_limits *l, pid_t pid)
{
	const char *v2 = v2_root();
	int err = v2 ? enter_v2(v2, path, l, pid) : -EOPNOTSUPP;

	if (err)
		cgroup_remove(path);
	return err;
}

void cgroup_remove(const char *path)
{
	static const char *v1[] = { "memory", "pids", "cpu", "cpuacct", "cpuset", "blkio",
				    "hugetlb", "devices", "freezer", "net_cls", "net_prio",
				    "unified", NULL };
	char dir[4200];

	snprintf(dir, sizeof(dir), CG_ROOT "/%s", path[0] == '/' ? path + 1 : path);
	rmdir(dir);
	for (int i = 0; v1[i]; i++) {
		snprintf(dir, sizeof(dir), CG_ROOT "/%s/%s", v1[i], path[0] == '/' ? path + 1 : path);
		rmdir(dir);
	}
}

/* ---- the whole of linux.resources on the v1 hierarchies ---- */

#include <jansson.h>

/*
 * "name" of o, as text for a cgroup file, or NULL when it is not set:
 * absent, or 0 / false, which engines write for "no limit" (runc skips
 * those too).
 */
static const char *num(json_t *o, const char *name, char *buf, size_t len)
{
	json_t *v = json_object_get(o, name);

	if (json_is_integer(v) && json_integer_value(v))
		snprintf(buf, len, "%lld", (long long)json_integer_value(v));
	else if (json_is_true(v))
		snprintf(buf, len, "1");
	else if (json_is_string(v))
		snprintf(buf, len, "%s", json_string_value(v));
	else
		return NULL;
	return buf;
}

/*
 * A requested setting that cannot be applied (no such controller here, a
 * file this kernel lacks) fails create, as runc fails it: the first error
 * is kept in *err.
 */
static void put(const char *ctl, const char *path, const char *file, const char *val, int *err)
{
	char dir[4200];
	int e;

	if (!val)
		return;
	snprintf(dir, sizeof(dir), CG_ROOT "/%s/%s", ctl, path[0] == '/' ? path + 1 : path);
	e = write_at(dir, file, val);
	if (e && !*err)
		*err = e;
}

static void put_num(const char *ctl, const char *path, json_t *o, const char *name,
		    const char *file, int *err)
{
	char buf[64];

	put(ctl, path, file, num(o, name, buf, sizeof(buf)), err);
}

/* Per-device lists: "major:minor value" lines. */
static void put_devs(const char *path, json_t *arr, const char *key, const char *file,
		     int *err)
{
	json_t *d;
	size_t i;

	json_array_foreach(arr, i, d) {
		char v[96];

		snprintf(v, sizeof(v), "%lld:%lld %lld", (long long)json_integer_value(json_object_get(d, "major")),
			 (long long)json_integer_value(json_object_get(d, "minor")),
			 (long long)json_integer_value(json_object_get(d, key)));
		put("blkio", path, file, v, err);
	}
}

static int apply_v1(const char *path, json_t *r)
{
	int err = 0, ignored = 0;
	json_t *cpu = json_object_get(r, "cpu"), *mem = json_object_get(r, "memory");
	json_t *bio = json_object_get(r, "blockIO"), *net = json_object_get(r, "network"), *e;
	char buf[128];
	size_t i;

	put_num("cpu", path, cpu, "shares", "cpu.shares", &err);
	put_num("cpu", path, cpu, "period", "cpu.cfs_period_us", &err);
	put_num("cpu", path, cpu, "quota", "cpu.cfs_quota_us", &err);
	put_num("cpu", path, cpu, "realtimePeriod", "cpu.rt_period_us", &err);
	put_num("cpu", path, cpu, "realtimeRuntime", "cpu.rt_runtime_us", &err);
	put_num("cpuset", path, cpu, "cpus", "cpuset.cpus", &err);
	put_num("cpuset", path, cpu, "mems", "cpuset.mems", &err);
	put_num("memory", path, mem, "limit", "memory.limit_in_bytes", &err);
	put_num("memory", path, mem, "reservation", "memory.soft_limit_in_bytes", &err);
	put_num("memory", path, mem, "swap", "memory.memsw.limit_in_bytes", &err);
	/* kernel memory limits are deprecated: ignored, as runc does */
	put_num("memory", path, mem, "kernel", "memory.kmem.limit_in_bytes", &ignored);
	put_num("memory", path, mem, "kernelTCP", "memory.kmem.tcp.limit_in_bytes", &ignored);
	if (json_integer_value(json_object_get(mem, "swappiness")) >= 0)  /* -1: the default */
		put_num("memory", path, mem, "swappiness", "memory.swappiness", &err);
	put_num("memory", path, mem, "disableOOMKiller", "memory.oom_control", &err);
	put_num("pids", path, json_object_get(r, "pids"), "limit", "pids.max", &err);
	put_num("blkio", path, bio, "weight", "blkio.weight", &err);
	put_num("blkio", path, bio, "leafWeight", "blkio.leaf_weight", &err);
	put_devs(path, json_object_get(bio, "weightDevice"), "weight", "blkio.weight_device", &err);
	put_devs(path, json_object_get(bio, "throttleReadBpsDevice"), "rate", "blkio.throttle.read_bps_device", &err);
	put_devs(path, json_object_get(bio, "throttleWriteBpsDevice"), "rate", "blkio.throttle.write_bps_device", &err);
	put_devs(path, json_object_get(bio, "throttleReadIOPSDevice"), "rate", "blkio.throttle.read_iops_device", &err);
	put_devs(path, json_object_get(bio, "throttleWriteIOPSDevice"), "rate", "blkio.throttle.write_iops_device", &err);
	put_num("net_cls", path, net, "classID", "net_cls.classid", &err);
	json_array_foreach(json_object_get(net, "priorities"), i, e) {
		snprintf(buf, sizeof(buf), "%s %lld", json_string_value(json_object_get(e, "name")),
			 (long long)json_integer_value(json_object_get(e, "priority")));
		put("net_prio", path, "net_prio.ifpriomap", buf, &err);
	}
	json_array_foreach(json_object_get(r, "hugepageLimits"), i, e) {
		char file[64];

		snprintf(file, sizeof(file), "hugetlb.%s.limit_in_bytes",
			 json_string_value(json_object_get(e, "pageSize")));
		put_num("hugetlb", path, e, "limit", file, &err);
	}
	return err;
}

/* cpuset needs cpus and mems before it takes a task: the parent's. */
static void cpuset_inherit(const char *dir)
{
	static const char *files[] = { "cpuset.cpus", "cpuset.mems" };

	for (int i = 0; i < 2; i++) {
		char path[4300], parent[4300], buf[256] = "";
		int fd;
		ssize_t n;

		snprintf(path, sizeof(path), "%s/%s", dir, files[i]);
		fd = open(path, O_RDONLY | O_CLOEXEC);
		n = fd >= 0 ? read(fd, buf, sizeof(buf) - 1) : -1;
		if (fd >= 0)
			close(fd);
		if (n > 1)
			continue;
		snprintf(parent, sizeof(parent), "%s/../%s", dir, files[i]);
		fd = open(parent, O_RDONLY | O_CLOEXEC);
		n = fd >= 0 ? read(fd, buf, sizeof(buf) - 1) : -1;
		if (fd >= 0)
			close(fd);
		if (n > 0) {
			buf[n] = 0;
			write_at(dir, files[i], buf);
		}
	}
}

int cgroup_enter_oci(const char *path, const char *resources, pid_t pid)
{
	static const char *ctls[] = { "cpu", "cpuacct", "cpuset", "memory", "pids", "blkio",
				      "hugetlb", "devices", "freezer", "net_cls", "net_prio", NULL };
	json_t *r = resources ? json_loads(resources, 0, NULL) : json_object();
	char dir[4200], v[32];
	int err = 0;

	for (int i = 0; ctls[i] && !err; i++) {
		char root[64];

		snprintf(root, sizeof(root), CG_ROOT "/%s", ctls[i]);
		if (access(root, F_OK))
			continue;
		err = make_dir(root, path, dir, sizeof(dir));
		if (!err && !strcmp(ctls[i], "cpuset")) {
			/* every level made here, top down, from its parent */
			for (char *p = dir + strlen(root) + 1; (p = strchr(p, '/')); p++) {
				*p = 0;
				cpuset_inherit(dir);
				*p = '/';
			}
			cpuset_inherit(dir);
		}
	}
	if (!err)
		err = apply_v1(path, r);
	snprintf(v, sizeof(v), "%d", pid);
	for (int i = 0; ctls[i] && !err; i++) {
		snprintf(dir, sizeof(dir), CG_ROOT "/%s/%s", ctls[i], path[0] == '/' ? path + 1 : path);
		if (!access(dir, F_OK))
			err = write_at(dir, "cgroup.procs", v);
	}
	json_decref(r);
	if (err)
		cgroup_remove(path);
	return err;
}
