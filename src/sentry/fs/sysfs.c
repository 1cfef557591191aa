/* SPDX-License-Identifier: MIT */
/*
 * sysfs: the little of /sys that libraries read, as a memfs built once.
 *
 * glibc's sysconf(_SC_NPROCESSORS_ONLN) reads devices/system/cpu/online and
 * get_nprocs_conf() counts the cpuN directories; runtimes look for
 * fs/cgroup.  The CPUs are the host's online count, as /proc/stat and
 * /proc/<pid>/status show them.
 */
#include <stdio.h>
#include <unistd.h>

#include "fs/memfs.h"

/* "0-N\n", or "0\n" for a single CPU, as Linux prints a CPU list. */
static void cpu_list(char *buf, size_t len, long n)
{
	if (n <= 1)
		snprintf(buf, len, "0\n");
	else
		snprintf(buf, len, "0-%ld\n", n - 1);
}

/* Make dir/name and return it (the caller puts it), or NULL. */
static struct inode *subdir(struct inode *dir, const char *name)
{
	struct inode *d;

	return memfs_add_dir(dir, name, 0755, &d) ? NULL : d;
}

static int add_cpus(struct inode *sys)
{
	struct inode *dev = subdir(sys, "devices"), *system = NULL, *cpu = NULL;
	long n = sysconf(_SC_NPROCESSORS_ONLN);
	char list[32], name[32];
	int err = -1;

	if (n < 1)
		n = 1;
	if (dev && (system = subdir(dev, "system")) && (cpu = subdir(system, "cpu"))) {
		cpu_list(list, sizeof(list), n);
		err = memfs_add_file(cpu, "online", list, 0444) ||
		      memfs_add_file(cpu, "possible", list, 0444) ||
		      memfs_add_file(cpu, "present", list, 0444);
		for (long i = 0; !err && i < n; i++) {
			snprintf(name, sizeof(name), "cpu%ld", i);
			err = memfs_add_dir(cpu, name, 0755, NULL);
		}
	}
	inode_put(cpu);
	inode_put(system);
	inode_put(dev);
	return err;
}

static int add_dirs(struct inode *sys)
{
	struct inode *fs = subdir(sys, "fs");
	int err = !fs || memfs_add_dir(fs, "cgroup", 0755, NULL) ||
		  memfs_add_dir(sys, "kernel", 0755, NULL);

	inode_put(fs);
	return err;
}

struct inode *sysfs_root(void)
{
	struct inode *root = memfs_root(NULL, 0755);

	if (!root)
		return NULL;
	if (add_cpus(root) || add_dirs(root)) {
		inode_put(root);
		return NULL;
	}
	memfs_set_magic(root, 0x62656572);      /* SYSFS_MAGIC, for statfs */
	return root;
}

static struct inode *sysfs_mount(const struct fs_mount *m)
{
	(void)m;
	return sysfs_root();
}

static struct fs_type sysfs_type = { .name = "sysfs", .mount = sysfs_mount };
FS_REGISTER(sysfs_type)
