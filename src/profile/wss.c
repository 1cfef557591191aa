/* SPDX-License-Identifier: MIT */
#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "profile/wss.h"

static pid_t parent_of(pid_t pid)
{
	char path[64], buf[512], *p;
	int fd, ppid = 0;
	ssize_t n;

	snprintf(path, sizeof(path), "/proc/%d/stat", pid);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return 0;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return 0;
	buf[n] = 0;
	/* "pid (comm) S ppid ...": comm may hold spaces and parentheses */
	p = strrchr(buf, ')');
	if (!p || sscanf(p + 1, " %*c %d", &ppid) != 1)
		return 0;
	return ppid;
}

int proc_tree(pid_t root, pid_t *out, int max)
{
	struct { pid_t pid, ppid; } *all = malloc(sizeof(*all) * 65536);
	int nall = 0, n = 0;
	struct dirent *e;
	DIR *d = opendir("/proc");

	if (!all || !d || max < 1) {
		free(all);
		if (d)
			closedir(d);
		return 0;
	}
	while ((e = readdir(d)) && nall < 65536) {
		pid_t pid = atoi(e->d_name);

		if (pid > 0) {
			all[nall].pid = pid;
			all[nall++].ppid = parent_of(pid);
		}
	}
	closedir(d);
	out[n++] = root;
	/* breadth first: each found process adds its children */
	for (int i = 0; i < n && n < max; i++)
		for (int k = 0; k < nall && n < max; k++)
			if (all[k].ppid == out[i] && all[k].pid != root)
				out[n++] = all[k].pid;
	free(all);
	return n;
}

int proc_threads(const pid_t *pids, int n)
{
	char path[64], line[256];
	int total = 0;

	for (int i = 0; i < n; i++) {
		FILE *f;
		int t;

		snprintf(path, sizeof(path), "/proc/%d/status", pids[i]);
		if (!(f = fopen(path, "re")))
			continue;
		while (fgets(line, sizeof(line), f))
			if (sscanf(line, "Threads: %d", &t) == 1) {
				total += t;
				break;
			}
		fclose(f);
	}
	return total;
}

void wss_clear(const pid_t *pids, int n)
{
	char path[64];

	for (int i = 0; i < n; i++) {
		int fd;

		snprintf(path, sizeof(path), "/proc/%d/clear_refs", pids[i]);
		fd = open(path, O_WRONLY | O_CLOEXEC);
		if (fd >= 0) {
			/* 1: every page's referenced bit (and the accessed bits) */
			if (write(fd, "1", 1) != 1) {
				/* the process is gone: nothing to clear */
			}
			close(fd);
		}
	}
}

uint64_t wss_referenced(const pid_t *pids, int n)
{
	uint64_t total = 0;
	char path[64], line[256];

	for (int i = 0; i < n; i++) {
		FILE *f;
		unsigned long long kb;

		snprintf(path, sizeof(path), "/proc/%d/smaps_rollup", pids[i]);
		if (!(f = fopen(path, "re")))
			continue;
		while (fgets(line, sizeof(line), f))
			if (sscanf(line, "Referenced: %llu kB", &kb) == 1)
				total += kb * 1024;
		fclose(f);
	}
	return total;
}
