/* SPDX-License-Identifier: MIT */
/* Reading the seccomp filters of live host threads with ptrace (dump.h). */
#include <dirent.h>
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ptrace.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "filters/dump.h"

#define FUTEX_CMD(op) ((op) & 0x7f)     /* less FUTEX_PRIVATE_FLAG, CLOCK_REALTIME */

static int read_small(const char *path, char *buf, size_t size)
{
	FILE *f = fopen(path, "r");
	size_t n;

	if (!f)
		return -1;
	n = fread(buf, 1, size - 1, f);
	fclose(f);
	buf[n] = 0;
	return (int)n;
}

int stop_is_safe(pid_t pid, pid_t tid)
{
	char path[64], buf[256];
	unsigned long long a[6];
	long nr;

	snprintf(path, sizeof(path), "/proc/%d/task/%d/syscall", pid, tid);
	if (read_small(path, buf, sizeof(buf)) <= 0)
		return 0;
	if (!strncmp(buf, "running", 7))
		return 1;
	if (sscanf(buf, "%ld %llx %llx %llx %llx %llx %llx", &nr, &a[0], &a[1], &a[2],
		   &a[3], &a[4], &a[5]) != 7)
		return 0;               /* "-1 sp pc": stopped outside a call */
	switch (nr) {
	case SYS_futex:
		/* FUTEX_WAIT, FUTEX_WAIT_BITSET without a timeout: ERESTARTSYS */
		return (FUTEX_CMD(a[1]) == 0 || FUTEX_CMD(a[1]) == 9) && a[3] == 0;
	case SYS_ppoll:
	case SYS_pselect6:
	case SYS_pause:
	case SYS_rt_sigsuspend:         /* ERESTARTNOHAND */
	case SYS_wait4:
	case SYS_waitid:                /* ERESTARTSYS */
		return 1;
	default:
		return 0;
	}
}

int filter_count(pid_t pid, pid_t tid)
{
	char path[64], buf[4096], *s;

	snprintf(path, sizeof(path), "/proc/%d/task/%d/status", pid, tid);
	if (read_small(path, buf, sizeof(buf)) <= 0)
		return -1;
	s = strstr(buf, "\nSeccomp_filters:");
	return s ? atoi(s + strlen("\nSeccomp_filters:")) : -1;
}

static int cmp_pid(const void *a, const void *b)
{
	return *(const pid_t *)a - *(const pid_t *)b;
}

int thread_ids(pid_t pid, pid_t *tids, int max)
{
	char path[64];
	struct dirent *e;
	DIR *d;
	int n = 0;

	snprintf(path, sizeof(path), "/proc/%d/task", pid);
	d = opendir(path);
	if (!d)
		return -1;
	while ((e = readdir(d)) && n < max)
		if (e->d_name[0] != '.')
			tids[n++] = atoi(e->d_name);
	closedir(d);
	qsort(tids, n, sizeof(*tids), cmp_pid);
	return n;
}

/* The stop PTRACE_INTERRUPT asked for; a signal that came first is
 * returned in *sig, to be delivered when we let go. */
static int wait_stop(pid_t tid, int *sig)
{
	int st;

	*sig = 0;
	for (;;) {
		if (waitpid(tid, &st, __WALL) < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		if (!WIFSTOPPED(st))
			return -ESRCH;  /* it died */
		if ((st >> 16) != PTRACE_EVENT_STOP)
			*sig = WSTOPSIG(st);    /* a signal-delivery stop */
		return 0;
	}
}

/* Newest first, as the kernel runs them; its index 0 is the oldest filter
 * (an application thread's index 0 is the syscall thread's, inherited). */
static void reverse(struct stack *s)
{
	for (unsigned i = 0; i < s->n / 2; i++) {
		struct filter t = s->f[i];

		s->f[i] = s->f[s->n - 1 - i];
		s->f[s->n - 1 - i] = t;
	}
}

static int read_filters(pid_t tid, struct stack *out)
{
	for (out->n = 0; out->n < MAX_STACK; out->n++) {
		struct filter *f = &out->f[out->n];
		long n = ptrace(PTRACE_SECCOMP_GET_FILTER, tid, (void *)(long)out->n, NULL);

		if (n < 0 && errno == ENOENT)
			break;
		if (n < 0)
			return -errno;
		f->insn = calloc(n, sizeof(*f->insn));
		if (!f->insn)
			return -ENOMEM;
		if (ptrace(PTRACE_SECCOMP_GET_FILTER, tid, (void *)(long)out->n, f->insn) != n) {
			free(f->insn);
			return -EIO;
		}
		f->len = (unsigned)n;
	}
	if (out->n == MAX_STACK)
		return -E2BIG;
	reverse(out);
	return 0;
}

int dump_thread(pid_t pid, pid_t tid, struct stack *out)
{
	int err, sig;

	*out = (struct stack){ .pid = pid, .tid = tid };
	if (!stop_is_safe(pid, tid))
		return -EBUSY;
	if (ptrace(PTRACE_SEIZE, tid, NULL, NULL) < 0)
		return -errno;
	if (ptrace(PTRACE_INTERRUPT, tid, NULL, NULL) < 0) {
		err = -errno;
		ptrace(PTRACE_DETACH, tid, NULL, NULL);
		return err;
	}
	err = wait_stop(tid, &sig);
	if (err < 0)
		return err;
	err = read_filters(tid, out);
	if (ptrace(PTRACE_DETACH, tid, NULL, (void *)(long)sig) < 0 && !err)
		err = -errno;
	if (err < 0)
		stack_free(out);
	return err;
}

void stack_free(struct stack *s)
{
	for (unsigned i = 0; i < s->n; i++)
		free(s->f[i].insn);
	s->n = 0;
}

int stack_equal(const struct stack *a, const struct stack *b)
{
	if (a->n != b->n)
		return 0;
	for (unsigned i = 0; i < a->n; i++)
		if (a->f[i].len != b->f[i].len ||
		    memcmp(a->f[i].insn, b->f[i].insn, a->f[i].len * sizeof(*a->f[i].insn)))
			return 0;
	return 1;
}

/* --- the sandbox's processes --- */

struct proc { pid_t pid, ppid; char comm[32]; };

static int read_proc(pid_t pid, struct proc *p)
{
	char path[64], buf[512], *s;

	snprintf(path, sizeof(path), "/proc/%d/stat", pid);
	if (read_small(path, buf, sizeof(buf)) <= 0)
		return -1;
	s = strrchr(buf, ')');
	if (!s || sscanf(s + 2, "%*c %d", &p->ppid) != 1)
		return -1;
	p->pid = pid;
	snprintf(path, sizeof(path), "/proc/%d/comm", pid);
	if (read_small(path, p->comm, sizeof(p->comm)) <= 0)
		return -1;
	p->comm[strcspn(p->comm, "\n")] = 0;
	return 0;
}

/* Every process on the host (a snapshot); its length in *n. */
static struct proc *all_procs(int *n)
{
	DIR *d = opendir("/proc");
	struct proc *v = NULL;
	struct dirent *e;
	int cap = 0;

	*n = 0;
	if (!d)
		return NULL;
	while ((e = readdir(d))) {
		pid_t pid = atoi(e->d_name);

		if (pid <= 0)
			continue;
		if (*n == cap) {
			cap = cap ? 2 * cap : 256;
			v = realloc(v, cap * sizeof(*v));
			if (!v)
				break;
		}
		if (read_proc(pid, &v[*n]) == 0)
			(*n)++;
	}
	closedir(d);
	return v;
}

/* The first process named comm at or below pid (breadth first), or 0. */
static pid_t find_below(const struct proc *v, int n, pid_t pid, const char *comm)
{
	pid_t queue[64];
	int head = 0, tail = 0;

	queue[tail++] = pid;
	while (head < tail) {
		pid_t p = queue[head++];

		for (int i = 0; i < n; i++) {
			if (v[i].pid == p && !strcmp(v[i].comm, comm))
				return p;
			if (v[i].ppid == p && tail < 64)
				queue[tail++] = v[i].pid;
		}
	}
	return 0;
}

int find_sandbox(pid_t pid, pid_t *sentry, pid_t *stubs, int max, int *nstubs)
{
	struct proc self;
	struct proc *v;
	int n;

	*sentry = 0;
	*nstubs = 0;
	if (read_proc(pid, &self) < 0)
		return -1;
	v = all_procs(&n);
	if (!v)
		return -1;
	/* a stub's parent is its sentry */
	*sentry = !strcmp(self.comm, "cvisor-stub") ? self.ppid :
		  find_below(v, n, pid, "cvisor-sentry");
	for (int i = 0; i < n && *sentry; i++)
		if (v[i].ppid == *sentry && !strcmp(v[i].comm, "cvisor-stub") && *nstubs < max)
			stubs[(*nstubs)++] = v[i].pid;
	free(v);
	qsort(stubs, *nstubs, sizeof(*stubs), cmp_pid);
	return *sentry ? 0 : -1;
}
