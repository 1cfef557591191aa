/* SPDX-License-Identifier: MIT */
/*
 * cvisor-filters: what the host's seccomp filters of a running sandbox
 * allow, measured (docs/security.md, "Host calls, measured").
 *
 *   cvisor-filters [--list] PID      PID: a process of a sandbox (the
 *                                    `cvisor do` CLI, an OCI container's
 *                                    pid, the sentry, a stub process)
 *   cvisor-filters [--list] --thread TID
 *                                    the filters of any one host thread
 *
 * It finds the sentry, the stub processes' syscall threads and the
 * application threads, stops each with ptrace just long enough to read
 * its filters (PTRACE_SECCOMP_GET_FILTER), and reads them symbolically for
 * every input (analyze.c).  Run as root.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "filters/dump.h"
#include "filters/report.h"

#define MAX_PROCS   64
#define MAX_THREADS 256
#define WAIT_ROUNDS 250         /* of 20 ms: how long to wait for a sandbox */

static void nap(void)
{
	struct timespec ts = { 0, 20 * 1000 * 1000 };

	nanosleep(&ts, NULL);
}

/* A group of threads with the same filters. */
struct group {
	struct stack stack;
	pid_t tids[MAX_THREADS];
	unsigned n;
};

struct groups { struct group g[8]; unsigned n; };

static void group_add(struct groups *gs, struct stack *s)
{
	for (unsigned i = 0; i < gs->n; i++) {
		struct group *g = &gs->g[i];

		if (stack_equal(&g->stack, s)) {
			if (g->n < MAX_THREADS)
				g->tids[g->n++] = s->tid;
			stack_free(s);
			return;
		}
	}
	if (gs->n == 8) {
		stack_free(s);
		return;
	}
	gs->g[gs->n].stack = *s;
	gs->g[gs->n].tids[0] = s->tid;
	gs->g[gs->n].n = 1;
	gs->n++;
}

/* Read the filters of tid, waiting while a stop would disturb it. */
static int dump_waiting(pid_t pid, pid_t tid, struct stack *s)
{
	int err = -EBUSY;

	for (int i = 0; i < WAIT_ROUNDS && err == -EBUSY; i++) {
		err = dump_thread(pid, tid, s);
		if (err == -EBUSY)
			nap();
	}
	return err;
}

static void tid_list(char *buf, size_t size, const pid_t *tids, unsigned n)
{
	size_t k = 0;

	buf[0] = 0;
	for (unsigned i = 0; i < n && k + 16 < size; i++)
		k += snprintf(buf + k, size - k, "%s%d", i ? " " : "", tids[i]);
	if (n && k + 16 >= size)
		snprintf(buf + k, size - k, " ...");
}

/*
 * The sentry's filter: any one thread that a stop cannot disturb (all of
 * them carry the same filter: TSYNC; their counts are checked).
 */
static int dump_sentry(pid_t sentry, struct stack *s, char *title, size_t size)
{
	pid_t tids[MAX_THREADS];
	int n = thread_ids(sentry, tids, MAX_THREADS), counts_differ = 0;
	bool unconfined = false;

	if (n <= 0)
		return -ESRCH;
	for (int i = 1; i < n; i++)
		counts_differ |= filter_count(sentry, tids[i]) != filter_count(sentry, tids[0]);
	for (int round = 0; round < WAIT_ROUNDS; round++) {
		for (int i = 0; i < n; i++) {
			int err;

			/* a sentry that has not confined itself yet (a loaded
			 * host, the sandbox just started): the host would say
			 * EINVAL, no filter; its filter comes, wait for it */
			if (filter_count(sentry, tids[i]) == 0) {
				unconfined = true;
				continue;
			}
			err = dump_thread(sentry, tids[i], s);
			if (err == -EBUSY)
				continue;
			if (err == 0)
				snprintf(title, size, "the sentry, pid %d (thread %d read; %d threads, "
					 "%s)", sentry, tids[i], n, counts_differ ?
					 "NOT all with the same number of filters" :
					 "each with the same number of filters");
			return err;
		}
		nap();
	}
	return unconfined ? -ENOENT : -EBUSY;
}

/* Every thread of every stub process: leaders are syscall threads. */
static int dump_stubs(const pid_t *stubs, int nstubs, struct groups *sys, struct groups *app)
{
	for (int p = 0; p < nstubs; p++) {
		pid_t tids[MAX_THREADS];
		int n = thread_ids(stubs[p], tids, MAX_THREADS);

		for (int i = 0; i < n; i++) {
			struct stack s;
			int err = dump_waiting(stubs[p], tids[i], &s);

			if (err == -ESRCH)
				continue;       /* gone meanwhile */
			if (err < 0) {
				fprintf(stderr, "cvisor-filters: thread %d of stub %d: %s\n", tids[i],
					stubs[p], strerror(-err));
				return -1;
			}
			group_add(tids[i] == stubs[p] ? sys : app, &s);
		}
	}
	return 0;
}

/* A sandbox's processes, once its first application thread runs. */
static int wait_sandbox(pid_t pid, pid_t *sentry, pid_t *stubs, int *nstubs)
{
	for (int round = 0; round < WAIT_ROUNDS; round++) {
		if (find_sandbox(pid, sentry, stubs, MAX_PROCS, nstubs) == 0)
			for (int i = 0; i < *nstubs; i++) {
				pid_t tids[2];

				if (thread_ids(stubs[i], tids, 2) == 2)
					return 0;
			}
		nap();
	}
	fprintf(stderr, "cvisor-filters: no cvisor sandbox with an application thread at or "
		"below pid %d\n", pid);
	return -1;
}

static int print(struct party *p, int list)
{
	if (analyze(p->stack->f, p->stack->n, &p->a) < 0)
		return -1;
	if (list)
		report_list(stdout, p);
	else
		report_text(stdout, p);
	analysis_free(&p->a);
	return 0;
}

static int print_groups(struct groups *gs, const char *key, const char *what, int list)
{
	static char keys[8][32];

	for (unsigned i = 0; i < gs->n; i++) {
		struct party p = { .key = key, .stack = &gs->g[i].stack };
		char tids[160];

		if (i) {
			snprintf(keys[i], sizeof(keys[i]), "%s.%u", key, i + 1);
			p.key = keys[i];
		}
		tid_list(tids, sizeof(tids), gs->g[i].tids, gs->g[i].n);
		snprintf(p.title, sizeof(p.title), "%s: %u thread%s (%s)%s", what, gs->g[i].n,
			 gs->g[i].n == 1 ? "" : "s", tids,
			 gs->n > 1 ? ", NOT the same filters as the others" : "");
		if (print(&p, list) < 0)
			return -1;
	}
	return 0;
}

/*
 * The application filter on its own: what it would allow if the filter
 * below it did not also refuse (each of the two must hold by itself).
 */
static int print_own(const struct stack *app, int list)
{
	struct stack own = { .pid = app->pid, .tid = app->tid, .n = 1, .f = { app->f[0] } };
	struct party p = { .key = "app-filter", .stack = &own };

	snprintf(p.title, sizeof(p.title), "the application filter alone (the newest of the "
		 "application threads' %u)", app->n);
	return print(&p, list);
}

/* The application threads' older filters are the syscall thread's, inherited. */
static void note_inherited(const struct groups *sys, const struct groups *app, int list)
{
	const struct stack *a, *s;
	int same = 1;

	if (!sys->n || !app->n)
		return;
	a = &app->g[0].stack;
	s = &sys->g[0].stack;
	if (a->n != s->n + 1)
		same = 0;
	for (unsigned i = 0; same && i < s->n; i++)
		same = a->f[i + 1].len == s->f[i].len &&
		       !memcmp(a->f[i + 1].insn, s->f[i].insn, s->f[i].len * sizeof(*s->f[i].insn));
	printf("%sapplication threads: filter%s #1%s %s the syscall thread's, inherited\n%s",
	       list ? "# " : "", s->n > 1 ? "s" : "", s->n > 1 ? "..." : "",
	       same ? "is" : "is NOT", list ? "" : "\n");
}

static int measure_sandbox(pid_t pid, int list)
{
	pid_t sentry, stubs[MAX_PROCS];
	int nstubs, err;
	struct stack s;
	struct party p = { .key = "sentry", .stack = &s };
	struct groups sys = { 0 }, app = { 0 };

	if (wait_sandbox(pid, &sentry, stubs, &nstubs) < 0)
		return 1;
	err = dump_sentry(sentry, &s, p.title, sizeof(p.title));
	if (err < 0) {
		fprintf(stderr, "cvisor-filters: the sentry %d: %s\n", sentry, err == -EBUSY ?
			"no thread is in a call a ptrace stop leaves alone" : err == -ENOENT ?
			"no seccomp filter on its threads" : strerror(-err));
		return 1;
	}
	if (dump_stubs(stubs, nstubs, &sys, &app) < 0)
		return 1;
	if (list)
		report_list_header(stdout);
	err = print(&p, list);
	stack_free(&s);
	if (!err)
		err = print_groups(&sys, "syscall-thread", "the stub processes' syscall threads "
				   "(their leaders)", list);
	if (!err)
		note_inherited(&sys, &app, list);
	if (!err)
		err = print_groups(&app, "app", "the application threads", list);
	if (!err && app.n)
		err = print_own(&app.g[0].stack, list);
	for (unsigned i = 0; i < sys.n; i++)
		stack_free(&sys.g[i].stack);
	for (unsigned i = 0; i < app.n; i++)
		stack_free(&app.g[i].stack);
	return err < 0;
}

static int measure_thread(pid_t tid, int list)
{
	char path[64], key[32];
	struct stack s;
	struct party p = { .key = key, .stack = &s };
	pid_t pid = tid;
	FILE *f;
	int err;

	snprintf(path, sizeof(path), "/proc/%d/status", tid);
	f = fopen(path, "r");
	if (f) {
		char line[256];

		while (fgets(line, sizeof(line), f))
			if (sscanf(line, "Tgid: %d", &pid) == 1)
				break;
		fclose(f);
	}
	err = dump_waiting(pid, tid, &s);
	if (err < 0) {
		fprintf(stderr, "cvisor-filters: thread %d: %s\n", tid, strerror(-err));
		return 1;
	}
	snprintf(key, sizeof(key), "thread-%d", tid);
	snprintf(p.title, sizeof(p.title), "host thread %d of process %d", tid, pid);
	if (list)
		report_list_header(stdout);
	err = print(&p, list);
	stack_free(&s);
	return err < 0;
}

static int usage(void)
{
	fprintf(stderr, "usage: cvisor-filters [--list] PID\n"
		"       cvisor-filters [--list] --thread TID\n"
		"PID: a process of a cvisor sandbox (the `cvisor do` CLI, an OCI container's pid,\n"
		"the sentry or a stub process). Measures the seccomp filters of its sentry, stub\n"
		"syscall threads and application threads (PTRACE_SECCOMP_GET_FILTER) and says\n"
		"what each allows, call by call; --list: one tab-separated line per answer.\n");
	return 2;
}

int main(int argc, char **argv)
{
	int list = 0, thread = 0, i;
	char *end;
	long pid;

	for (i = 1; i < argc && argv[i][0] == '-'; i++) {
		if (!strcmp(argv[i], "--list"))
			list = 1;
		else if (!strcmp(argv[i], "--thread"))
			thread = 1;
		else
			return usage();
	}
	if (i != argc - 1)
		return usage();
	pid = strtol(argv[i], &end, 10);
	if (*end || pid <= 0)
		return usage();
	return thread ? measure_thread((pid_t)pid, list) : measure_sandbox((pid_t)pid, list);
}
