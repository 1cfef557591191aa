/* SPDX-License-Identifier: MIT */
/*
 * cvisor profile: what a workload does natively, measured the way Gregg
 * sized the KPTI regressions (system calls, context switches, page faults
 * and working set per second), and the slowdown the calibration predicts
 * for it in cvisor (and runsc).  See docs/overhead.md.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <jansson.h>

#include "profile/bench.h"
#include "profile/calib.h"
#include "profile/perf.h"
#include "profile/profile.h"
#include "profile/wss.h"
#include "syscalls/syscalls.h"

#define TICK_MS 100                     /* sampler drain and working-set reads */
#define MAX_TIDS 512

struct session {
	const struct profile_opts *o;
	FILE *out;
	struct perf_set ps;
	pid_t child;                    /* CMD, else 0 */
	int pidfd;                      /* the CMD or -p process, else -1 */
	double t0;                      /* monotonic seconds at the start */
	struct perf_counts last;
	double last_t;
	uint64_t stat_busy0, stat_total0, stat_busy, stat_total;   /* -a: /proc/stat */
	uint64_t wss_now, wss_peak;
	/* ticks seen, and those with more threads than half the CPUs */
	int ticks, crowded_ticks, threads_max;
	json_t *intervals;
	struct rusage ru;               /* CMD: the child's, at its end */
	long vol0, invol0, vol, invol;  /* -p: from /proc status */
	int status;
	bool reaped;
};

static double mono(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

/* -a: busy and total jiffies of all CPUs */
static void proc_stat(uint64_t *busy, uint64_t *total)
{
	unsigned long long v[10] = { 0 };
	FILE *f = fopen("/proc/stat", "re");

	*busy = *total = 0;
	if (!f)
		return;
	if (fscanf(f, "cpu %llu %llu %llu %llu %llu %llu %llu %llu %llu %llu", &v[0], &v[1],
		   &v[2], &v[3], &v[4], &v[5], &v[6], &v[7], &v[8], &v[9]) >= 4) {
		for (int i = 0; i < 8; i++)
			*total += v[i];
		*busy = *total - v[3] - v[4];   /* less idle and iowait */
	}
	fclose(f);
}

/* -p: voluntary and involuntary switches of pid's threads so far */
static void proc_switches(pid_t pid, long *vol, long *invol)
{
	char path[64], line[128];
	FILE *f;

	*vol = *invol = 0;
	snprintf(path, sizeof(path), "/proc/%d/status", pid);
	if (!(f = fopen(path, "re")))
		return;
	while (fgets(line, sizeof(line), f)) {
		sscanf(line, "voluntary_ctxt_switches: %ld", vol);
		sscanf(line, "nonvoluntary_ctxt_switches: %ld", invol);
	}
	fclose(f);
}

static int list_tids(pid_t pid, pid_t *tids, int max)
{
	char path[64];
	int n = 0;

	DIR *d;
	struct dirent *e;

	snprintf(path, sizeof(path), "/proc/%d/task", pid);
	if (!(d = opendir(path)))
		return 0;
	while ((e = readdir(d)) && n < max)
		if (atoi(e->d_name) > 0)
			tids[n++] = atoi(e->d_name);
	closedir(d);
	return n;
}

static void fmt_bytes(double b, char *buf, size_t len)
{
	if (b <= 0)
		snprintf(buf, len, "-");
	else if (b < 10 << 20)
		snprintf(buf, len, "%.1f MB", b / (1 << 20));
	else
		snprintf(buf, len, "%.0f MB", b / (1 << 20));
}

/* ---- the interval lines ---- */

static void header(struct session *s)
{
	if (s->o->json)
		return;
	fprintf(s->out, "#%11s %12s %s %10s %10s %9s %7s %9s\n", "time", "syscalls/s",
		"per CPU", "ctxsw/s", "minflt/s", "majflt/s", "CPU%", "WSS");
}

static double cpu_util(struct session *s, const struct perf_counts *c, double dt)
{
	if (s->ps.system_wide) {
		uint64_t busy, total;

		proc_stat(&busy, &total);
		double u = total > s->stat_total ? (double)(busy - s->stat_busy) /
							   (double)(total - s->stat_total) *
							   s->ps.ncpu * 100
						 : 0;
		s->stat_busy = busy;
		s->stat_total = total;
		return u;
	}
	return (double)(c->v[PC_TASK_CLOCK] - s->last.v[PC_TASK_CLOCK]) / 1e9 / dt * 100;
}

static void interval_line(struct session *s, double now)
{
	struct perf_counts c;
	double dt = now - s->last_t;
	char wss[32], percpu[256] = "";
	size_t len = 0;

	if (dt <= 0)
		return;
	perf_read(&s->ps, &c);
	for (int cpu = 0; cpu < s->ps.ncpu && len < sizeof(percpu) - 24; cpu++)
		len += (size_t)snprintf(percpu + len, sizeof(percpu) - len, "%s%.0f",
					cpu ? "/" : "[",
					(double)(c.syscalls_cpu[cpu] - s->last.syscalls_cpu[cpu]) / dt);
	snprintf(percpu + len, sizeof(percpu) - len, "]");
	double rate = (double)(c.v[PC_SYSCALLS] - s->last.v[PC_SYSCALLS]) / dt;
	double cs = (double)(c.v[PC_CTXSW] - s->last.v[PC_CTXSW]) / dt;
	double mn = (double)(c.v[PC_FAULT_MIN] - s->last.v[PC_FAULT_MIN]) / dt;
	double mj = (double)(c.v[PC_FAULT_MAJ] - s->last.v[PC_FAULT_MAJ]) / dt;
	double cpu = cpu_util(s, &c, dt);

	fmt_bytes((double)s->wss_now, wss, sizeof(wss));
	if (s->o->json)
		json_array_append_new(s->intervals,
			json_pack("{s:f,s:f,s:f,s:f,s:f,s:f,s:f,s:I}", "time", now - s->t0,
				  "syscalls_per_s", rate, "ctxsw_per_s", cs, "minflt_per_s", mn,
				  "majflt_per_s", mj, "cpu_pct", cpu, "interval_s", dt,
				  "wss_bytes", (json_int_t)s->wss_now));
	else
		fprintf(s->out, "%12.3f %12.0f %s %10.0f %10.0f %9.0f %7.1f %9s\n", now - s->t0,
			rate, percpu, cs, mn, mj, cpu, wss);
	fflush(s->out);
	s->last = c;
	s->last_t = now;
}

/* ---- the target ---- */

static int open_target(struct session *s)
{
	pid_t tids[MAX_TIDS];
	int err, n;

	if (s->o->cmd) {
		if ((err = perf_spawn(&s->ps, s->o->cmd, -1, &s->child))) {
			s->child = 0;
			return err;
		}
		s->t0 = mono();
		s->pidfd = (int)syscall(SYS_pidfd_open, s->child, 0);
		return 0;
	}
	if (s->o->pid) {
		n = list_tids(s->o->pid, tids, MAX_TIDS);
		if (!n) {
			fprintf(stderr, "cvisor: profile: no process %d\n", s->o->pid);
			return -ESRCH;
		}
		s->pidfd = (int)syscall(SYS_pidfd_open, s->o->pid, 0);
		proc_switches(s->o->pid, &s->vol0, &s->invol0);
		err = perf_open(&s->ps, tids, n, false);
	} else {
		proc_stat(&s->stat_busy0, &s->stat_total0);
		s->stat_busy = s->stat_busy0;
		s->stat_total = s->stat_total0;
		err = perf_open(&s->ps, NULL, 0, false);
	}
	s->t0 = mono();
	return err;
}

/* Has the target ended?  (CMD: reaped here, with its rusage.) */
static bool target_done(struct session *s)
{
	if (s->child)
		return (s->reaped = wait4(s->child, &s->status, WNOHANG, &s->ru) == s->child);
	if (s->o->pid)
		return kill(s->o->pid, 0) && errno == ESRCH;
	return false;
}

static volatile sig_atomic_t interrupted;

static void on_sigint(int sig)
{
	(void)sig;
	interrupted = 1;
}

/*
 * A sandbox spins for its calls only while it holds at most half as many
 * threads as it has CPUs (DESIGN.md §3): how long the workload was past
 * that, sampled with the working set.  Its CPUs are the ones it may run
 * on, as the sentry counts them: those of this process, which a command
 * profiled here inherits, as would the sandbox run the same way.
 */
static void count_threads(struct session *s, const pid_t *tree, int n)
{
	static long ncpus;
	int th = proc_threads(tree, n);

	if (!ncpus) {
		cpu_set_t set;

		ncpus = sched_getaffinity(0, sizeof(set), &set) ? sysconf(_SC_NPROCESSORS_ONLN)
								 : CPU_COUNT(&set);
	}
	if (!th)
		return;                 /* the tree is gone */
	s->ticks++;
	s->crowded_ticks += 2L * th > ncpus;
	if (th > s->threads_max)
		s->threads_max = th;
}

static void collect(struct session *s)
{
	pid_t tree[WSS_MAX_PIDS];
	pid_t root = s->child ? s->child : s->o->pid;
	int n = 0;
	double next = s->t0 + s->o->interval, now;
	bool done = false;

	s->last_t = s->t0;
	header(s);
	if (root) {
		n = proc_tree(root, tree, WSS_MAX_PIDS);
		wss_clear(tree, n);
	}
	while (!done) {
		struct pollfd pf = { .fd = s->pidfd, .events = POLLIN };
		int ms = (int)fmin(TICK_MS, fmax(1, (next - mono()) * 1000));

		if (s->pidfd >= 0)
			poll(&pf, 1, ms);
		else
			usleep((useconds_t)ms * 1000);
		now = mono();
		done = target_done(s) || interrupted ||
		       (s->o->duration > 0 && now - s->t0 >= s->o->duration);
		perf_drain(&s->ps);
		if (root && !done) {
			/* the tree changes as the workload forks: re-read it */
			n = proc_tree(root, tree, WSS_MAX_PIDS);
			count_threads(s, tree, n);
			uint64_t w = wss_referenced(tree, n);
			if (w)
				s->wss_now = w;
			if (s->wss_now > s->wss_peak)
				s->wss_peak = s->wss_now;
		}
		if (now >= next || done) {
			interval_line(s, now);
			next += s->o->interval;
			if (root && !done) {
				wss_clear(tree, n);
				s->wss_now = 0;
			}
		}
	}
	if (s->o->pid)
		proc_switches(s->o->pid, &s->vol, &s->invol);
}

/* ---- the summary ---- */

static bool counted_exactly(enum sc_class k)
{
	return k == SC_FORK || k == SC_EXEC || k == SC_MMAP;
}

/* n of the stat class's calls were fstats (newfstatat with AT_EMPTY_PATH). */
static void split_fstat(struct workload *w, double n)
{
	n = fmin(n, w->sc[SC_STAT]);
	w->sc[SC_STAT] -= n;
	w->sc[SC_FSTAT] += n;
}

static void workload_of(struct session *s, struct workload *w, double *cs_total)
{
	const struct perf_counts *c = &s->last;
	double total = (double)c->v[PC_SYSCALLS];

	memset(w, 0, sizeof(*w));
	w->wall_s = s->last_t - s->t0;
	if (s->ps.system_wide)
		w->cpu_s = (double)(s->stat_busy - s->stat_busy0) / (double)sysconf(_SC_CLK_TCK);
	else
		w->cpu_s = (double)c->v[PC_TASK_CLOCK] / 1e9;
	/* forks and execs counted exactly; the rest of the counted total
	 * shared out as the samples of the other calls say */
	double exact = 0, sampled = 0;
	w->sc[SC_FORK] = (double)(c->v[PC_CLONE] + c->v[PC_CLONE3] + c->v[PC_FORK] +
				  c->v[PC_VFORK]);
	w->sc[SC_EXEC] = (double)c->v[PC_EXEC];
	for (int k = PC_MMAP; k <= PC_MREMAP; k++)
		w->sc[SC_MMAP] += (double)c->v[k];
	exact = w->sc[SC_FORK] + w->sc[SC_EXEC] + w->sc[SC_MMAP];
	for (int nr = 0; nr < NR_SYSCALLS_MAX; nr++)
		if (!counted_exactly(sc_class_of(nr)))
			sampled += (double)s->ps.samples[nr];
	for (int nr = 0; nr < NR_SYSCALLS_MAX && sampled > 0; nr++)
		if (s->ps.samples[nr] && !counted_exactly(sc_class_of(nr)))
			w->sc[sc_class_of(nr)] += fmax(0, total - exact) *
						  (double)s->ps.samples[nr] / sampled;
	if (sampled == 0)
		w->sc[SC_TRIVIAL] += fmax(0, total - exact);
	else            /* the stat calls that were glibc's fstat: no lookup */
		split_fstat(w, fmax(0, total - exact) * (double)s->ps.samples_fstat / sampled);
	uint64_t paced = 0;
	for (int b = 0; b < PACE_BINS; b++)
		paced += s->ps.pace_hist[b];
	/* a handful of gaps says little: the average pace then */
	for (int b = 0; paced >= 20 && b < PACE_BINS; b++)
		w->pace_share[b] = (double)s->ps.pace_hist[b] / (double)paced;
	*cs_total = (double)c->v[PC_CTXSW];
	if (s->child)
		w->ctxsw_vol = (double)s->ru.ru_nvcsw;
	else if (s->o->pid)
		w->ctxsw_vol = (double)(s->vol - s->vol0);
	else
		w->ctxsw_vol = *cs_total;      /* system-wide: no split */
	w->faults = (double)(c->v[PC_FAULT_MIN] + c->v[PC_FAULT_MAJ]);
	w->wss_bytes = (double)s->wss_peak;
	w->crowded = s->ticks ? (double)s->crowded_ticks / s->ticks : 0;
}

/* The ten most sampled system calls, as "name share%". */
static int top_calls(const struct perf_set *ps, int *nr, double *share, int max)
{
	int n = 0;
	bool used[NR_SYSCALLS_MAX] = { false };

	while (n < max) {
		int best = -1;

		for (int k = 0; k < NR_SYSCALLS_MAX; k++)
			if (!used[k] && ps->samples[k] &&
			    (best < 0 || ps->samples[k] > ps->samples[best]))
				best = k;
		if (best < 0)
			break;
		used[best] = true;
		nr[n] = best;
		share[n++] = (double)ps->samples[best] / (double)ps->samples_total;
	}
	return n;
}

static void print_text(struct session *s, const struct workload *w, double cs_total,
		       const struct calibration *cal, const char *calpath)
{
	const struct perf_counts *c = &s->last;
	int nr[10], n;
	double share[10], total = (double)c->v[PC_SYSCALLS], busy = fmax(1, w->cpu_s / w->wall_s);
	char wss[32];

	n = top_calls(&s->ps, nr, share, 10);
	fmt_bytes(w->wss_bytes, wss, sizeof(wss));
	fprintf(s->out, "\nSummary over %.3f s:\n", w->wall_s);
	fprintf(s->out, "  system calls     %.0f (%.0f/s; %.0f/s per busy CPU)\n", total,
		total / w->wall_s, total / w->wall_s / busy);
	fprintf(s->out, "  top calls        ");
	for (int i = 0; i < n; i++)
		fprintf(s->out, "%s%s %.1f%%", i ? ", " : "", syscall_name(nr[i]), share[i] * 100);
	fprintf(s->out, "%s(1 in %d sampled: %llu samples%s)\n", n ? " " : "",
		PERF_SAMPLE_PERIOD, (unsigned long long)s->ps.samples_total,
		s->ps.lost ? ", some lost" : "");
	fprintf(s->out, "  context switches %.0f (%.0f/s), voluntary %.0f\n", cs_total,
		cs_total / w->wall_s, w->ctxsw_vol);
	fprintf(s->out, "  page faults      %llu minor, %llu major (%.0f/s)\n",
		(unsigned long long)c->v[PC_FAULT_MIN], (unsigned long long)c->v[PC_FAULT_MAJ],
		w->faults / w->wall_s);
	fprintf(s->out, "  CPU              %.3f s (%.0f%% of one CPU)\n", w->cpu_s,
		w->cpu_s / w->wall_s * 100);
	fprintf(s->out, "  working set      %s (largest interval)\n", wss);
	if (s->ticks)
		fprintf(s->out, "  threads          %d at most; more than half the CPUs %.0f%% "
			"of the time\n", s->threads_max, w->crowded * 100);
	if (!cal)
		return;
	fprintf(s->out, "\nPredicted slowdown (calibration %s, %s%s):\n", calpath, cal->created,
		cal->quick ? ", quick" : "");
	for (int rt = RT_CVISOR; rt < RT_KINDS; rt++) {
		struct prediction p;

		if (model_predict(cal, rt, w, &p))
			continue;
		fprintf(s->out, "  %-22s %.2fx  (range %.2fx - %.2fx); added: system calls %.3f s, "
			"context switches %.3f s, page faults %.3f s, working set %.3f s\n",
			rt == RT_CVISOR ? "cvisor" : "gVisor (runsc, ptrace)", p.slowdown, p.lo, p.hi,
			p.add_sc, p.add_ctxsw, p.add_fault, p.add_wss);
	}
}

static void print_json(struct session *s, const struct workload *w, double cs_total,
		       const struct calibration *cal, const char *calpath)
{
	const struct perf_counts *c = &s->last;
	json_t *top = json_array(), *classes = json_object(), *pred = json_object(), *root;
	int nr[20];
	double share[20];
	int n = top_calls(&s->ps, nr, share, 20);

	for (int i = 0; i < n; i++)
		json_array_append_new(top, json_pack("{s:s,s:i,s:f}", "name", syscall_name(nr[i]),
						     "nr", nr[i], "share", share[i]));
	for (int k = 0; k < SC_CLASSES; k++)
		json_object_set_new(classes, sc_class_name(k), json_real(w->sc[k]));
	for (int rt = RT_CVISOR; cal && rt < RT_KINDS; rt++) {
		struct prediction p;

		if (!model_predict(cal, rt, w, &p))
			json_object_set_new(pred, rt_name(rt),
				json_pack("{s:f,s:f,s:f,s:f,s:f,s:f,s:f,s:f}", "slowdown", p.slowdown,
					  "lo", p.lo, "hi", p.hi, "added_syscalls_s", p.add_sc,
					  "added_ctxsw_s", p.add_ctxsw, "added_faults_s", p.add_fault,
					  "added_wss_s", p.add_wss, "native_s", p.wall_s));
	}
	root = json_pack("{s:f,s:f,s:I,s:f,s:o,s:o,s:f,s:f,s:I,s:I,s:f,s:f,s:I,s:o,s:o,s:s?}",
			 "wall_s", w->wall_s, "cpu_s", w->cpu_s,
			 "syscalls", (json_int_t)c->v[PC_SYSCALLS],
			 "syscalls_per_s", (double)c->v[PC_SYSCALLS] / w->wall_s,
			 "top_syscalls", top, "syscalls_by_class", classes,
			 "ctxsw", cs_total, "ctxsw_voluntary", w->ctxsw_vol,
			 "faults_minor", (json_int_t)c->v[PC_FAULT_MIN],
			 "faults_major", (json_int_t)c->v[PC_FAULT_MAJ],
			 "faults_per_s", w->faults / w->wall_s, "cpu_pct", w->cpu_s / w->wall_s * 100,
			 "wss_bytes", (json_int_t)w->wss_bytes, "intervals", s->intervals,
			 "predicted", pred, "calibration", cal ? calpath : NULL);
	s->intervals = NULL;
	json_object_set_new(root, "threads_max", json_integer(s->threads_max));
	json_object_set_new(root, "crowded_share", json_real(w->crowded));
	json_dumpf(root, s->out, JSON_INDENT(1));
	fputc('\n', s->out);
	json_decref(root);
}

/* The calibration, made quickly first if there is none. */
static int get_calibration(const struct profile_opts *o, struct calibration *cal,
			   char *path, size_t len)
{
	char err[512];

	if (o->calibration)
		snprintf(path, len, "%s", o->calibration);
	else
		calib_default_path(path, len);
	if (!calib_load(cal, path, err, sizeof(err)))
		return 0;
	if (o->calibration || access(path, F_OK) == 0) {
		fprintf(stderr, "cvisor: profile: %s\n", err);
		return -1;
	}
	fprintf(stderr, "cvisor: profile: no calibration at %s: making a quick one first "
			"(about 30 s; 'cvisor bench calibrate' makes a full one)\n", path);
	struct bench_opts bo = { .quick = true };
	if (bench_calibrate(&bo, cal))
		return -1;
	if (calib_save(cal, path))
		fprintf(stderr, "cvisor: profile: cannot save %s (used for this run only)\n", path);
	return 0;
}

int profile_run(const struct profile_opts *o)
{
	struct session s = { .o = o, .pidfd = -1 };
	struct calibration cal;
	struct workload w;
	char calpath[4096];
	double cs_total;
	bool have_cal;

	if (perf_probe())
		return 1;       /* before a calibration that could not be used */
	have_cal = !get_calibration(o, &cal, calpath, sizeof(calpath));
	if (!have_cal && o->calibration)
		return 1;       /* the file asked for is unusable: say so, run nothing */
	s.out = o->json ? stdout : stderr;
	if (o->output && !(s.out = fopen(o->output, "we"))) {
		fprintf(stderr, "cvisor: profile: %s: %s\n", o->output, strerror(errno));
		return 1;
	}
	s.intervals = json_array();
	signal(SIGINT, on_sigint);      /* end the profile; CMD gets it too */
	if (open_target(&s))
		return 1;
	collect(&s);
	perf_drain(&s.ps);
	if (s.child && !s.reaped) {
		/* --duration or Ctrl-C ended the profile first: end CMD too */
		kill(s.child, SIGTERM);
		wait4(s.child, &s.status, 0, &s.ru);
	}
	workload_of(&s, &w, &cs_total);
	if (o->json)
		print_json(&s, &w, cs_total, have_cal ? &cal : NULL, calpath);
	else
		print_text(&s, &w, cs_total, have_cal ? &cal : NULL, calpath);
	perf_close(&s.ps);
	json_decref(s.intervals);
	if (o->output)
		fclose(s.out);
	if (!s.child)
		return 0;
	return WIFEXITED(s.status) ? WEXITSTATUS(s.status) : 128 + WTERMSIG(s.status);
}
