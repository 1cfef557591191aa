/* SPDX-License-Identifier: MIT */
/* The sandbox's cgroup (see cgroup.h). */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "pathname.h"
#include "sandbox/cgroup.h"
#include "sandbox/pidfd.h"

#define CG_ROOT "/sys/fs/cgroup"

/* A file of the cgroup directory dir (an fd), never through a symlink. */
static int write_at(int dir, const char *file, const char *val)
{
	int fd = openat(dir, file, O_WRONLY | O_NOFOLLOW | O_CLOEXEC);
	ssize_t n;

	if (fd < 0)
		return -errno;
	n = write(fd, val, strlen(val));
	close(fd);
	return n < 0 ? -errno : 0;
}

static ssize_t read_at(int dir, const char *file, char *buf, size_t len)
{
	int fd = openat(dir, file, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	ssize_t n;

	if (fd < 0)
		return -errno;
	n = read(fd, buf, len - 1);
	close(fd);
	buf[n > 0 ? n : 0] = 0;
	return n;
}

/*
 * The next name of a cgroup path (path_next_name), where "." and ".."
 * are -EINVAL: they would leave the directory being walked.
 */
static int next_name(const char **p, char *name)
{
	int n = path_next_name(p, name);

	if (n > 0 && (!strcmp(name, ".") || !strcmp(name, "..")))
		return -EINVAL;
	return n;
}

/*
 * The cgroup path's directory in the hierarchy mounted at root (with
 * create, made first), opened one name at a time beneath it: no name is
 * "." or "..", none is followed if it is a symlink, so no spelling of the
 * path reaches outside the hierarchy or names its root.  The config
 * parser refuses such paths too; this does not depend on it.  With
 * create, made(parent, dir) runs on each level.  An O_PATH fd or -errno.
 */
static int cg_open(const char *root, const char *path, bool create,
		   void (*made)(int parent, int dir))
{
	char name[NAME_MAX + 1];
	int fd = open(root, O_PATH | O_DIRECTORY | O_CLOEXEC), next, n = 0, levels = 0, err = 0;

	if (fd < 0)
		return -errno;
	while (!err && (n = next_name(&path, name)) > 0) {
		if (create && mkdirat(fd, name, 0755) && errno != EEXIST)
			err = -errno;
		else if ((next = openat(fd, name, O_PATH | O_DIRECTORY | O_NOFOLLOW |
					O_CLOEXEC)) < 0)
			err = -errno;
		else {
			if (create && made)
				made(fd, next);
			close(fd);
			fd = next;
			levels++;
		}
	}
	if (!err)
		err = n < 0 ? n : !levels ? -EINVAL : 0;
	if (err) {
		close(fd);
		return err;
	}
	return fd;
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
	int rfd = open(root, O_PATH | O_DIRECTORY | O_CLOEXEC), dir, err = 0;
	char v[64];

	if (rfd >= 0) {
		write_at(rfd, "cgroup.subtree_control", "+memory +pids +cpu");
		close(rfd);
	}
	dir = cg_open(root, path, true, NULL);
	if (dir < 0)
		return dir;
	if (l->memory > 0) {
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
	if (!err)
		err = write_at(dir, "cgroup.procs", v);
	close(dir);
	return err;
}

int cgroup_enter(const char *path, const struct cgroup_limits *l, pid_t pid)
{
	const char *v2 = v2_root();
	int err = v2 ? enter_v2(v2, path, l, pid) : -EOPNOTSUPP;

	if (err)
		cgroup_remove(path);
	return err;
}

/* The directory holding path's last level (for a path of one name, the
 * hierarchy's root), reached as cg_open reaches it, and that name. */
static int cg_parent(const char *root, const char *path, char *leaf)
{
	char up[PATH_MAX], name[NAME_MAX + 1];
	const char *p = path, *last = NULL;
	int n, fd;

	while ((n = next_name(&p, name)) > 0) {
		last = p - n;
		memcpy(leaf, name, (size_t)n + 1);
	}
	if (n < 0 || !last)
		return n < 0 ? n : -EINVAL;
	snprintf(up, sizeof(up), "%.*s", (int)(last - path), path);
	if (up[strspn(up, "/")])
		return cg_open(root, up, false, NULL);
	fd = open(root, O_PATH | O_DIRECTORY | O_CLOEXEC);
	return fd < 0 ? -errno : fd;
}

static long ms_left(const struct timespec *deadline)
{
	struct timespec now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	return (deadline->tv_sec - now.tv_sec) * 1000 +
	       (deadline->tv_nsec - now.tv_nsec) / 1000000;
}

#define REMOVE_TIMEOUT_MS 2000

/*
 * Wait until the cgroup dir (an O_PATH fd) has no process left, at most
 * until deadline: on a pidfd of each process cgroup.procs lists, read
 * again once one has exited.  A process leaves the list when its last
 * thread exits, which is when its pidfd becomes readable.
 */
static void wait_empty(int dir, const struct timespec *deadline)
{
	char buf[4096];
	int fds[64];
	long left;

	while ((left = ms_left(deadline)) > 0 &&
	       read_at(dir, "cgroup.procs", buf, sizeof(buf)) > 0) {
		int n = 0, r;

		for (char *p = buf, *end; *p && n < 64; p = end) {
			long pid = strtol(p, &end, 10);

			if (end == p || *end != '\n')
				break;  /* the end, or a line cut off by the buffer */
			end++;
			if ((fds[n] = pidfd_of((pid_t)pid)) >= 0)
				n++;
		}
		/* none opened: they exited between the read and the open */
		r = n ? pidfd_wait_any(fds, n, left) : 1;
		while (n)
			close(fds[--n]);
		if (r <= 0)
			return;
	}
}

/* The sandbox's last tasks may still be exiting when it is taken down (the
 * sentry ends after the supervisor, the stubs with the sentry): the
 * cgroup is busy (EBUSY) until they are gone. */
static void remove_in(const char *root, const char *path, const struct timespec *deadline)
{
	char leaf[NAME_MAX + 1];
	int dir = cg_parent(root, path, leaf), cg;

	if (dir < 0)
		return;
	cg = openat(dir, leaf, O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (cg >= 0) {
		wait_empty(cg, deadline);
		close(cg);
		unlinkat(dir, leaf, AT_REMOVEDIR);
	}
	close(dir);
}

void cgroup_remove(const char *path)
{
	static const char *v1[] = { "memory", "pids", "cpu", "cpuacct", "cpuset", "blkio",
				    "hugetlb", "devices", "freezer", "net_cls", "net_prio",
				    "unified", NULL };
	const char *v2 = v2_root();
	struct timespec deadline;
	char root[64];

	clock_gettime(CLOCK_MONOTONIC, &deadline);
	deadline.tv_sec += REMOVE_TIMEOUT_MS / 1000;
	if (v2)
		remove_in(v2, path, &deadline);
	for (int i = 0; v1[i]; i++) {
		snprintf(root, sizeof(root), CG_ROOT "/%s", v1[i]);
		remove_in(root, path, &deadline);
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
	char root[64];
	int dir, e;

	if (!val)
		return;
	snprintf(root, sizeof(root), CG_ROOT "/%s", ctl);
	dir = cg_open(root, path, false, NULL);
	e = dir < 0 ? dir : write_at(dir, file, val);
	if (dir >= 0)
		close(dir);
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

/* cpuset needs cpus and mems before it takes a task: the parent's.  (An
 * empty one reads as "\n".) */
static void cpuset_inherit(int parent, int dir)
{
	static const char *files[] = { "cpuset.cpus", "cpuset.mems" };
	char buf[256];

	for (int i = 0; i < 2; i++)
		if (read_at(dir, files[i], buf, sizeof(buf)) <= 1 &&
		    read_at(parent, files[i], buf, sizeof(buf)) > 0)
			write_at(dir, files[i], buf);
}

int cgroup_enter_oci(const char *path, const char *resources, pid_t pid)
{
	static const char *ctls[] = { "cpu", "cpuacct", "cpuset", "memory", "pids", "blkio",
				      "hugetlb", "devices", "freezer", "net_cls", "net_prio", NULL };
	json_t *r = resources ? json_loads(resources, 0, NULL) : json_object();
	char root[64], v[32];
	int err = 0, dir;

	for (int i = 0; ctls[i] && !err; i++) {
		snprintf(root, sizeof(root), CG_ROOT "/%s", ctls[i]);
		if (access(root, F_OK))
			continue;
		/* cpuset: every level, top down, from its parent */
		dir = cg_open(root, path, true, strcmp(ctls[i], "cpuset") ? NULL : cpuset_inherit);
		if (dir < 0)
			err = dir;
		else
			close(dir);
	}
	if (!err)
		err = apply_v1(path, r);
	snprintf(v, sizeof(v), "%d", pid);
	for (int i = 0; ctls[i] && !err; i++) {
		snprintf(root, sizeof(root), CG_ROOT "/%s", ctls[i]);
		if ((dir = cg_open(root, path, false, NULL)) >= 0) {
			err = write_at(dir, "cgroup.procs", v);
			close(dir);
		}
	}
	json_decref(r);
	if (err)
		cgroup_remove(path);
	return err;
}

/* ---- the freezer: cvisor pause and resume ---- */

#include <poll.h>

#define FREEZE_TIMEOUT_MS 10000

int cgroup_enter_freezer(const char *path, pid_t pid)
{
	int dir = cg_open(CG_ROOT "/freezer", path, true, NULL), err;
	char v[32];

	if (dir < 0)
		return dir;
	snprintf(v, sizeof(v), "%d", pid);
	err = write_at(dir, "cgroup.procs", v);
	close(dir);
	if (err)
		cgroup_remove(path);
	return err;
}

struct freezer {
	int dir;                        /* the cgroup's directory, O_PATH */
	bool v2;
};

/* Which freezer holds the cgroup at path: the v1 hierarchy's, else v2's
 * (alone at the root, or beside v1 at unified/). */
static int find(const char *path, struct freezer *f)
{
	static const char *roots[] = { CG_ROOT "/freezer", CG_ROOT, CG_ROOT "/unified" };
	static const char *files[] = { "freezer.state", "cgroup.freeze", "cgroup.freeze" };

	for (size_t i = 0; i < sizeof(roots) / sizeof(roots[0]); i++) {
		f->dir = cg_open(roots[i], path, false, NULL);
		if (f->dir < 0)
			continue;
		if (!faccessat(f->dir, files[i], F_OK, AT_SYMLINK_NOFOLLOW)) {
			f->v2 = i > 0;
			return 0;
		}
		close(f->dir);
	}
	return -ENOENT;
}

/* The file's first line, without its newline. */
static int read_word(int dir, const char *file, char *out, size_t len)
{
	ssize_t n = read_at(dir, file, out, len);

	if (n < 0)
		return (int)n;
	out[strcspn(out, "\n")] = 0;
	return 0;
}

/*
 * v1: the state goes FREEZING until every task is frozen.  It is asked
 * again on every turn, as runc does: a task that joined the cgroup (a
 * fork) meanwhile is frozen too.  There is no notification of the change,
 * so the state is read again after a short, growing sleep.
 */
static int v1_set(int dir, bool frozen, const struct timespec *deadline)
{
	const char *want = frozen ? "FROZEN" : "THAWED";
	struct timespec nap = { 0, 100000 };
	char state[32];
	int err;

	for (;;) {
		err = write_at(dir, "freezer.state", want);
		if (!err)
			err = read_word(dir, "freezer.state", state, sizeof(state));
		if (err || !strcmp(state, want))
			return err;
		if (ms_left(deadline) <= 0)
			return -EBUSY;
		nanosleep(&nap, NULL);
		if (nap.tv_nsec < 50000000)
			nap.tv_nsec *= 2;
	}
}

/* v2: cgroup.events says "frozen 1" once every task is; the kernel wakes
 * a poll for POLLPRI when the file changes. */
static int v2_set(int dir, bool frozen, const struct timespec *deadline)
{
	int fd, err = write_at(dir, "cgroup.freeze", frozen ? "1" : "0");
	char buf[256], *p;
	ssize_t n;
	long left;

	if (err)
		return err;
	fd = openat(dir, "cgroup.events", O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	for (;;) {
		n = pread(fd, buf, sizeof(buf) - 1, 0);
		if (n < 0) {
			err = -errno;
			break;
		}
		buf[n] = 0;
		p = strstr(buf, "frozen ");
		if (!p) {
			err = -EIO;
			break;
		}
		if ((p[7] == '1') == frozen)
			break;
		if ((left = ms_left(deadline)) <= 0) {
			err = -EBUSY;
			break;
		}
		poll(&(struct pollfd){ fd, POLLPRI, 0 }, 1, (int)left);
	}
	close(fd);
	return err;
}

static int set(const struct freezer *f, bool frozen)
{
	struct timespec deadline;

	clock_gettime(CLOCK_MONOTONIC, &deadline);
	deadline.tv_sec += FREEZE_TIMEOUT_MS / 1000;
	return f->v2 ? v2_set(f->dir, frozen, &deadline) : v1_set(f->dir, frozen, &deadline);
}

int cgroup_freeze(const char *path, bool frozen)
{
	struct freezer f;
	int err = find(path, &f);

	if (err)
		return err;
	err = set(&f, frozen);
	if (err == -EBUSY && frozen)
		set(&f, false);         /* half frozen is the worst state to leave it in */
	close(f.dir);
	return err;
}

int cgroup_frozen(const char *path)
{
	struct freezer f;
	char v[32];
	int err = find(path, &f);

	if (err)
		return err;
	if (f.v2)
		err = read_word(f.dir, "cgroup.freeze", v, sizeof(v));
	else if ((err = read_word(f.dir, "freezer.self_freezing", v, sizeof(v))) == -ENOENT) {
		/* an old kernel: no telling whether an ancestor froze it */
		err = read_word(f.dir, "freezer.state", v, sizeof(v));
		if (!err)
			v[0] = strcmp(v, "THAWED") ? '1' : '0';
	}
	close(f.dir);
	return err ? err : v[0] == '1';
}
