/* SPDX-License-Identifier: MIT */
/* Waiting for a started sandbox to settle (see settle.h). */
#include <dirent.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "sandbox/settle.h"

#define MAX_PROCS 256
#define SAMPLE_US 1000
#define WALL_CAP_MS 2000        /* never hang start on an unreadable /proc */

static ssize_t read_file(const char *path, char *buf, size_t len)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	ssize_t n;

	if (fd < 0)
		return -1;
	n = read(fd, buf, len - 1);
	close(fd);
	buf[n > 0 ? n : 0] = 0;
	return n;
}

/* pid's children (every thread's), appended to pids[*n]. */
static void add_children(pid_t pid, pid_t *pids, int *n)
{
	char path[300], buf[1024];
	struct dirent *e;
	DIR *d;

	snprintf(path, sizeof(path), "/proc/%d/task", pid);
	if (!(d = opendir(path)))
		return;
	while ((e = readdir(d)) && *n < MAX_PROCS) {
		if (e->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "/proc/%d/task/%s/children", pid, e->d_name);
		if (read_file(path, buf, sizeof(buf)) <= 0)
			continue;
		for (char *p = buf, *end; *n < MAX_PROCS; p = end) {
			long c = strtol(p, &end, 10);

			if (end == p)
				break;
			pids[(*n)++] = (pid_t)c;
		}
	}
	closedir(d);
}

struct sample {
	int threads, running;
	unsigned long long cpu_ns;
};

/* Every thread of pid: its state (R: running or runnable) and CPU time. */
static void sample_proc(pid_t pid, struct sample *s)
{
	char path[300], buf[512], *p;
	struct dirent *e;
	DIR *d;

	snprintf(path, sizeof(path), "/proc/%d/task", pid);
	if (!(d = opendir(path)))
		return;
	while ((e = readdir(d))) {
		if (e->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "/proc/%d/task/%s/stat", pid, e->d_name);
		if (read_file(path, buf, sizeof(buf)) <= 0 || !(p = strrchr(buf, ')')))
			continue;
		s->threads++;
		s->running += p[2] == 'R';
		snprintf(path, sizeof(path), "/proc/%d/task/%s/schedstat", pid, e->d_name);
		if (read_file(path, buf, sizeof(buf)) > 0)
			s->cpu_ns += strtoull(buf, NULL, 10);
	}
	closedir(d);
}

/* The supervisor's descendants, sampled (the supervisor itself waits). */
static struct sample sample_sandbox(pid_t supervisor)
{
	pid_t pids[MAX_PROCS];
	int n = 0;
	struct sample s = { 0, 0, 0 };

	add_children(supervisor, pids, &n);
	for (int i = 0; i < n; i++)
		add_children(pids[i], pids, &n);
	for (int i = 0; i < n; i++)
		sample_proc(pids[i], &s);
	return s;
}

static long long now_ms(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (long long)t.tv_sec * 1000 + t.tv_nsec / 1000000;
}

void sandbox_settle(pid_t supervisor)
{
	struct timespec nap = { 0, SAMPLE_US * 1000L };
	struct sample s = sample_sandbox(supervisor);
	unsigned long long used = 0, last = s.cpu_ns;
	long long deadline = now_ms() + WALL_CAP_MS;
	int idle = 0;

	while (idle < 2 && used < SETTLE_CPU_MS * 1000000ULL && now_ms() < deadline) {
		nanosleep(&nap, NULL);
		s = sample_sandbox(supervisor);
		idle = !s.threads || !s.running ? idle + 1 : 0;
		/* (a thread that exited takes its time with it: no credit back) */
		used += s.cpu_ns > last ? s.cpu_ns - last : 0;
		last = s.cpu_ns;
	}
}
