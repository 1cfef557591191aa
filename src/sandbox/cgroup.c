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

/* One v1 controller: its directory, one limit file, the pid. */
static int enter_v1(const char *ctl, const char *path, const char *file, const char *val,
		    pid_t pid)
{
	char root[64], dir[4200], v[32];
	int err;

	snprintf(root, sizeof(root), CG_ROOT "/%s", ctl);
	if (access(root, F_OK))
		return -ENOENT;
	err = make_dir(root, path, dir, sizeof(dir));
	if (!err && file)
		err = write_at(dir, file, val);
	snprintf(v, sizeof(v), "%d", pid);
	return err ? err : write_at(dir, "cgroup.procs", v);
}

int cgroup_enter(const char *path, const struct cgroup_limits *l, pid_t pid)
{
	const char *v2 = v2_root();
	char v[64];
	int err = 0;

	if (v2)
		err = enter_v2(v2, path, l, pid);
	else {
		if (l->memory > 0) {
			snprintf(v, sizeof(v), "%lld", (long long)l->memory);
			err = enter_v1("memory", path, "memory.limit_in_bytes", v, pid);
		}
		if (!err && l->pids > 0) {
			snprintf(v, sizeof(v), "%lld", (long long)l->pids);
			err = enter_v1("pids", path, "pids.max", v, pid);
		}
		if (!err && l->cpu_quota) {
			snprintf(v, sizeof(v), "%llu", (unsigned long long)
				 (l->cpu_period ? l->cpu_period : 100000));
			err = enter_v1("cpu", path, "cpu.cfs_period_us", v, pid);
			snprintf(v, sizeof(v), "%llu", (unsigned long long)l->cpu_quota);
			if (!err)
				err = enter_v1("cpu", path, "cpu.cfs_quota_us", v, pid);
		}
	}
	if (err)
		cgroup_remove(path);
	return err;
}

void cgroup_remove(const char *path)
{
	static const char *v1[] = { "memory", "pids", "cpu", "unified", NULL };
	char dir[4200];

	snprintf(dir, sizeof(dir), CG_ROOT "/%s", path[0] == '/' ? path + 1 : path);
	rmdir(dir);
	for (int i = 0; v1[i]; i++) {
		snprintf(dir, sizeof(dir), CG_ROOT "/%s/%s", v1[i], path[0] == '/' ? path + 1 : path);
		rmdir(dir);
	}
}
