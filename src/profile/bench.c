/* SPDX-License-Identifier: MIT */
/*
 * cvisor bench calibrate | curve: the measurements behind profile's model
 * (DESIGN.md §8).  Both run cvisor-loadgen natively, under `cvisor do` and
 * (calibrate, when installed) under `runsc do`, and read what it timed.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <math.h>
#include <sched.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "profile/bench.h"
#include "profile/calib.h"
#include "profile/perf.h"

#define RUNSC_ROOT "/tmp/cvisor-bench-runsc"

static char loadgen[PATH_MAX], loadgen_dir[PATH_MAX], self[PATH_MAX];

/* cvisor-loadgen lives beside the cvisor binary (make all builds both). */
static int find_loadgen(void)
{
	ssize_t n = readlink("/proc/self/exe", self, sizeof(self) - 1);
	char *slash;

	if (n <= 0)
		return -1;
	self[n] = 0;
	snprintf(loadgen, sizeof(loadgen), "%s", self);
	slash = strrchr(loadgen, '/');
	snprintf(loadgen_dir, sizeof(loadgen_dir), "%.*s", (int)(slash - loadgen), loadgen);
	snprintf(slash + 1, sizeof(loadgen) - (size_t)(slash + 1 - loadgen), "cvisor-loadgen");
	if (access(loadgen, X_OK)) {
		fprintf(stderr, "cvisor: %s is missing ('make all' builds it)\n", loadgen);
		return -1;
	}
	return 0;
}

bool bench_have_runsc(void)
{
	return geteuid() == 0 && !system("command -v runsc >/dev/null 2>&1");
}

/* Run loadgen ARGS in rt; its stdout (one line) in out.  Read through a
 * pipe: runsc writes a regular-file stdout without moving its offset. */
static int run_loadgen(enum rt_kind rt, const char *const *args, char *out, size_t len)
{
	const char *argv[24];
	int n = 0, p[2], st;
	ssize_t r, got = 0;
	pid_t pid;

	if (rt == RT_CVISOR) {
		argv[n++] = self;
		argv[n++] = "do";
		/* the sandbox's /tmp and /dev/shm are its own: a build tree
		 * there (a CI checkout) is shown to it, as tests/run.sh does */
		if (!strncmp(loadgen_dir, "/tmp/", 5) || !strncmp(loadgen_dir, "/dev/shm/", 9)) {
			argv[n++] = "--rw";
			argv[n++] = loadgen_dir;
		}
		argv[n++] = "--";
	} else if (rt == RT_RUNSC) {
		mkdir(RUNSC_ROOT, 0700);
		for (const char *a[] = { "runsc", "--root", RUNSC_ROOT, "--platform=ptrace",
					 "--network=none", "do", NULL }, **q = a; *q; q++)
			argv[n++] = *q;
	}
	argv[n++] = loadgen;
	for (int i = 0; args[i] && n < 23; i++)
		argv[n++] = args[i];
	argv[n] = NULL;
	if (pipe2(p, O_CLOEXEC))
		return -errno;
	pid = fork();
	if (pid == 0) {
		dup2(p[1], 1);
		execvp(argv[0], (char **)argv);
		_exit(127);
	}
	close(p[1]);
	while (pid > 0 && (r = read(p[0], out + got, len - 1 - (size_t)got)) > 0)
		got += r;
	close(p[0]);
	out[got > 0 ? got : 0] = 0;
	if (pid < 0 || waitpid(pid, &st, 0) < 0)
		return -ECHILD;
	if (!WIFEXITED(st) || WEXITSTATUS(st) || !got) {
		fprintf(stderr, "\ncvisor: bench: %s %s %s failed (status %#x)\n", rt_name(rt),
			args[0], args[1] ? args[1] : "", st);
		return -EIO;
	}
	return 0;
}

/*
 * loadgen ARGS natively under profile's own events (opened as profile
 * opens them, from its execve on): what the profiler adds to each call.
 */
static int run_traced(const char *const *args, char *out, size_t len, uint64_t *calls)
{
	const char *argv[8] = { loadgen };
	int p[2], st, n = 1;
	struct perf_set ps;
	ssize_t r, got = 0;
	pid_t pid;

	for (int i = 0; args[i] && n < 7; i++)
		argv[n++] = args[i];
	argv[n] = NULL;
	if (pipe2(p, O_CLOEXEC))
		return -errno;
	if (perf_spawn(&ps, (char *const *)argv, p[1], &pid)) {
		close(p[0]);
		close(p[1]);
		return -EPERM;
	}
	close(p[1]);
	while ((r = read(p[0], out + got, len - 1 - (size_t)got)) > 0)
		got += r;
	close(p[0]);
	out[got > 0 ? got : 0] = 0;
	waitpid(pid, &st, 0);
	if (calls) {
		struct perf_counts pc;

		perf_read(&ps, &pc);
		*calls = pc.v[PC_SYSCALLS];
	}
	perf_close(&ps);
	return WIFEXITED(st) && !WEXITSTATUS(st) && (got || calls) ? 0 : -EIO;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

/* The median and extremes of n values (sorted in place). */
static struct cost cost_of_values(double *v, int n)
{
	qsort(v, (size_t)n, sizeof(v[0]), cmp_double);
	return (struct cost){ n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2, v[0], v[n - 1] };
}

/* Median and extremes of the numbers on a line. */
static int cost_of_line(const char *line, struct cost *c)
{
	double v[64];
	int n = 0;
	char *end;

	for (const char *p = line; n < 64; p = end) {
		v[n] = strtod(p, &end);
		if (end == p)
			break;
		n++;
	}
	if (!n)
		return -EINVAL;
	*c = cost_of_values(v, n);
	return 0;
}

static void progress(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void progress(const char *fmt, ...)
{
	va_list ap;

	if (!isatty(2))
		return;
	fprintf(stderr, "\r\033[K");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
}

/* ---- calibrate ---- */

/* The profiler's cost per call: trivial calls traced less untraced. */
static int measure_trace(const struct bench_opts *o, struct calibration *c)
{
	const char *args[] = { "class", "trivial", o->quick ? "0.03" : "0.15",
			       o->quick ? "3" : "5", NULL };
	char out[1024];
	struct cost t;

	progress("calibrate: the profiler's own cost per call");
	if (run_traced(args, out, sizeof(out), NULL) || cost_of_line(out, &t)) {
		fprintf(stderr, "\ncvisor: bench: cannot trace the load generator: the "
				"profiler's own cost is left out\n");
		return 0;
	}
	c->trace.med = fmax(0, t.med - c->sc[RT_NATIVE][SC_TRIVIAL].med);
	c->trace.lo = fmax(0, t.lo - c->sc[RT_NATIVE][SC_TRIVIAL].hi);
	c->trace.hi = fmax(0, t.hi - c->sc[RT_NATIVE][SC_TRIVIAL].lo);
	return 0;
}

/*
 * The loops of cvisor-loadgen, indexed as the classes up to fork; at
 * SC_EXEC the fork+exec+wait loop (exec is it less fork), then the events
 * and the cached lookup.
 */
enum { LG_CTXSW = SC_CLASSES, LG_FAULT, LG_BLOCK, LG_STATC, NLG };
static const char *const lg_classes[NLG] = {
	[SC_TRIVIAL] = "trivial", [SC_RW] = "rw", [SC_STAT] = "stat", [SC_OPEN] = "open",
	[SC_PIPE] = "pipe", [SC_FUTEX] = "futex", [SC_MMAP] = "mmap", [SC_POLL] = "poll",
	[SC_FORK] = "fork", [SC_EXEC] = "forkexec", [SC_FSTAT] = "fstat",
	[LG_CTXSW] = "ctxsw", [LG_FAULT] = "fault", [LG_BLOCK] = "block", [LG_STATC] = "statc",
};

/* One loop of lg_classes in rt (mode "class", or "crowded": beside idle
 * tasks): its line of costs. */
static int run_loop(enum rt_kind rt, const struct bench_opts *o, const char *mode, size_t i,
		    struct cost *raw)
{
	char secs[16], reps[8], out[1024];
	const char *args[] = { mode, lg_classes[i], secs, reps, NULL };

	snprintf(secs, sizeof(secs), "%g", o->quick ? 0.03 : 0.15);
	snprintf(reps, sizeof(reps), "%d", o->quick ? 3 : 5);
	progress("calibrate: %s%s %s (%zu/%d)", rt_name(rt), strcmp(mode, "class") ?
		 ", crowded," : "", lg_classes[i], i + 1, NLG);
	if (run_loadgen(rt, args, out, sizeof(out)) || cost_of_line(out, raw))
		return -1;
	return 0;
}

/* The loops of lg_classes in rt, one line of costs each, into raw. */
static int run_loops(enum rt_kind rt, const struct bench_opts *o, const char *mode,
		     struct cost raw[NLG])
{
	for (size_t i = 0; i < NLG; i++)
		if (run_loop(rt, o, mode, i, &raw[i]))
			return -1;
	/*
	 * exec is the difference of two loops (forkexec less fork).  On a
	 * busy host, short (--quick) loops can lose it in their noise; a
	 * difference that is not positive was not measured, so both loops
	 * run again, next to each other, a few times before it is kept.
	 */
	for (int tries = 0; tries < 4 && raw[SC_EXEC].med <= raw[SC_FORK].med; tries++)
		if (run_loop(rt, o, mode, SC_FORK, &raw[SC_FORK]) ||
		    run_loop(rt, o, mode, SC_EXEC, &raw[SC_EXEC]))
			return -1;
	return 0;
}

/* The system-call classes from the loops; exec is forkexec less fork. */
static void classes_from(struct cost *k, const struct cost raw[NLG])
{
	for (int i = 0; i < SC_CLASSES; i++)
		k[i] = raw[i];
	cost_exec(&k[SC_EXEC], &raw[SC_EXEC], &raw[SC_FORK]);
}

/*
 * Natively and in a runtime as it runs one task (in cvisor: spinning while
 * it pays); in cvisor again in a crowded sandbox, the loops beside idle
 * tasks, one per two CPUs: nobody spins there, and the hand-off sleeps or
 * meets as it chooses (platform/handoff.c), the price of the crowded share
 * of a workload.  The switch between two tasks is the ping-pong less its
 * two pipe calls at the price they pay with two tasks, crowded in cvisor.
 */
static int measure_classes(enum rt_kind rt, const struct bench_opts *o, struct calibration *c)
{
	struct cost raw[NLG];

	if (run_loops(rt, o, "class", raw))
		return -1;
	classes_from(c->sc[rt], raw);
	c->ev[rt][EVT_FAULT] = raw[LG_FAULT];
	c->ev[rt][EVT_BLOCK] = raw[LG_BLOCK];
	c->stat_cached[rt] = raw[LG_STATC];
	memcpy(c->crowd[rt], c->sc[rt], sizeof(c->crowd[rt]));
	if (rt == RT_CVISOR) {
		struct cost ctxsw = raw[LG_CTXSW];

		if (run_loops(rt, o, "crowded", raw))
			return -1;
		classes_from(c->crowd[rt], raw);
		cost_ctxsw(&c->ev[rt][EVT_CTXSW], &ctxsw, &c->crowd[rt][SC_PIPE]);
	} else {
		cost_ctxsw(&c->ev[rt][EVT_CTXSW], &raw[LG_CTXSW], &c->sc[rt][SC_PIPE]);
	}
	c->have[rt] = true;
	return 0;
}

/* ns per work unit natively at a working set. */
static int unit_ns(size_t wss, double *ns)
{
	char arg[32], out[128];
	const char *args[] = { "unit", arg, NULL };

	snprintf(arg, sizeof(arg), "%zu", wss);
	if (run_loadgen(RT_NATIVE, args, out, sizeof(out)))
		return -1;
	*ns = atof(out);
	return *ns > 0 ? 0 : -1;
}

/* One curve point: elapsed ns (or, pace, ns inside the calls) and calls
 * of `curve|pace EVERY WSS UNITS` in rt. */
static int loadgen_run(const char *mode, enum rt_kind rt, long every, size_t wss, long units,
		       double *ns, double *calls)
{
	char a1[32], a2[32], a3[32], out[128];
	const char *args[] = { mode, a1, a2, a3, NULL };

	snprintf(a1, sizeof(a1), "%ld", every);
	snprintf(a2, sizeof(a2), "%zu", wss);
	snprintf(a3, sizeof(a3), "%ld", units);
	if (run_loadgen(rt, args, out, sizeof(out)) || sscanf(out, "%lf %lf", ns, calls) != 2)
		return -1;
	return 0;
}

/* A run's shape at a pace: EVERY work units between calls, UNITS in all,
 * enough calls that the difference is not lost in the noise of the run's
 * length (slow paces run longer, up to 1.5 s). */
struct pace_run {
	const char *mode;
	size_t wss;
	long every, units;
};

/* Work units between calls for calls at rate, a unit taking t_unit ns. */
static long units_between(double rate, double t_unit)
{
	return lround(fmax(1, 1e9 / rate / t_unit));
}

static int pace_run_at(const char *mode, const struct bench_opts *o, double wss, double rate,
		       struct pace_run *pr)
{
	double t_unit;

	if (unit_ns((size_t)wss, &t_unit))
		return -1;
	pr->mode = mode;
	pr->wss = (size_t)wss;
	pr->every = units_between(rate, t_unit);
	pr->units = lround(fmin(1.5e9, fmax(o->quick ? 0.08e9 : 0.3e9,
					    (o->quick ? 500 : 1500) * 1e9 / rate)) / t_unit);
	return 0;
}

/* One native run and one in rt, next to each other: extra ns per call. */
static int extra_once(const struct pace_run *pr, enum rt_kind rt, double *extra)
{
	double tn, tr, calls;

	if (loadgen_run(pr->mode, RT_NATIVE, pr->every, pr->wss, pr->units, &tn, &calls) ||
	    loadgen_run(pr->mode, rt, pr->every, pr->wss, pr->units, &tr, &calls))
		return -1;
	*extra = (tr - tn) / fmax(1, calls);
	return 0;
}

/*
 * Extra ns per call in rt when calls come at rate with work between them
 * in a working set, three runs each.  mode "pace" times the calls alone
 * (what a call costs at that pace); "curve" the whole run (what the work
 * after a call loses too: caches and TLB refilled).
 */
static int extra_per_call(const char *mode, enum rt_kind rt, const struct bench_opts *o,
			  double wss, double rate, struct cost *out)
{
	struct pace_run pr;
	double v[3];

	if (pace_run_at(mode, o, wss, rate, &pr))
		return -1;
	for (int r = 0; r < 3; r++)
		if (extra_once(&pr, rt, &v[r]))
			return -1;
	*out = cost_of_values(v, 3);
	return 0;
}

/* The pace table: a call's extra cost at 1k..1M calls/s, 1 MB working set. */
static int measure_pace(enum rt_kind rt, const struct bench_opts *o, struct calibration *c)
{
	static const double rates[] = { 1e3, 1e4, 1e5, 1e6 };

	c->npace = 4;
	for (int i = 0; i < 4; i++) {
		progress("calibrate: %s, calls at %.0f/s", rt_name(rt), rates[i]);
		c->pace_rate[i] = rates[i];
		if (extra_per_call("pace", rt, o, 1 << 20, rates[i], &c->pace_extra[rt][i]))
			return -1;
	}
	return 0;
}

/*
 * The working set's share: at 100k calls/s, the extra per call at 10 and
 * 100 MB less that at 1 MB, the three sizes measured next to each other in
 * each of WSS_REPS rounds, so that the differences are paired.  The low end
 * is the smallest difference: above zero only if every round saw the
 * larger set cost more (a sign test: 1 in 32 by chance), which is what
 * the model asks before it charges the effect (wss_extra_at).
 */
#define WSS_REPS 5

static int measure_wss(enum rt_kind rt, const struct bench_opts *o, struct calibration *c)
{
	static const double sizes[] = { 1 << 20, 10 << 20, 100 << 20 };
	struct pace_run pr[3];
	double extra[3], d[3][WSS_REPS];

	c->nwss = 3;
	for (int i = 0; i < 3; i++) {
		c->wss_bytes[i] = sizes[i];
		if (pace_run_at("curve", o, sizes[i], CAL_WSS_RATE, &pr[i]))
			return -1;
	}
	for (int r = 0; r < WSS_REPS; r++) {
		progress("calibrate: %s, working sets, round %d/%d", rt_name(rt), r + 1, WSS_REPS);
		for (int i = 0; i < 3; i++)
			if (extra_once(&pr[i], rt, &extra[i]))
				return -1;
		for (int i = 0; i < 3; i++)
			d[i][r] = extra[i] - extra[0];
	}
	for (int i = 0; i < 3; i++)
		c->wss_extra[rt][i] = cost_of_values(d[i], WSS_REPS);
	return 0;
}

/*
 * The exec loop's cost holds the start-up calls of the program it execs,
 * which a profile counts (and the model charges) as calls of their own:
 * take them out, each at the price it paid (in cvisor a crowded call's,
 * the loop's parent waiting beside it).
 */
static void exec_less_target(struct calibration *c)
{
	const char *args[] = { "true", NULL };
	uint64_t calls = 0;
	char out[64];

	if (run_traced(args, out, sizeof(out), &calls) || !calls)
		return;         /* no profiler here: left in */
	for (int rt = 0; rt < RT_KINDS; rt++)
		if (c->have[rt]) {
			cost_less_calls(&c->sc[rt][SC_EXEC], (double)calls, &c->crowd[rt][SC_TRIVIAL]);
			cost_less_calls(&c->crowd[rt][SC_EXEC], (double)calls,
					&c->crowd[rt][SC_TRIVIAL]);
		}
}

int bench_calibrate(const struct bench_opts *o, struct calibration *c)
{
	time_t now = time(NULL);

	memset(c, 0, sizeof(*c));
	if (find_loadgen())
		return -1;
	strftime(c->created, sizeof(c->created), "%Y-%m-%dT%H:%M:%SZ", gmtime(&now));
	c->quick = o->quick;
	if (measure_classes(RT_NATIVE, o, c) || measure_trace(o, c) ||
	    measure_classes(RT_CVISOR, o, c) ||
	    measure_pace(RT_CVISOR, o, c) || measure_wss(RT_CVISOR, o, c))
		return -1;
	/* the native entries of the pace and working-set tables are zero by
	 * definition: they are extras over native */
	if (o->runsc && (measure_classes(RT_RUNSC, o, c) || measure_pace(RT_RUNSC, o, c) ||
			 measure_wss(RT_RUNSC, o, c))) {
		fprintf(stderr, "cvisor: bench: runsc failed; its costs are left out\n");
		c->have[RT_RUNSC] = false;
	}
	exec_less_target(c);
	progress("%s", "");
	return 0;
}

static void print_ratio(FILE *f, const struct cost *v, const struct cost *n)
{
	fprintf(f, " %12.0f %8.1f", v->med, n->med > 0 ? v->med / n->med : 0);
}

void bench_print_calibration(const struct calibration *c, FILE *f)
{
	fprintf(f, "%-9s %12s %12s %8s %12s %8s", "class", "native ns", "cvisor ns", "x",
		"crowded ns", "x");
	if (c->have[RT_RUNSC])
		fprintf(f, " %12s %8s", "runsc ns", "x");
	fprintf(f, "\n");
	for (int k = 0; k < SC_CLASSES + EVT_KINDS; k++) {
		bool sc = k < SC_CLASSES;
		int e = k - SC_CLASSES;
		const struct cost *n = sc ? &c->sc[RT_NATIVE][k] : &c->ev[RT_NATIVE][e];

		fprintf(f, "%-9s %12.0f", sc ? sc_class_name(k) : ev_kind_name(e), n->med);
		print_ratio(f, sc ? &c->sc[RT_CVISOR][k] : &c->ev[RT_CVISOR][e], n);
		if (sc)
			print_ratio(f, &c->crowd[RT_CVISOR][k], n);
		else
			fprintf(f, " %12s %8s", "-", "");
		if (c->have[RT_RUNSC])
			print_ratio(f, sc ? &c->sc[RT_RUNSC][k] : &c->ev[RT_RUNSC][e], n);
		fprintf(f, "\n");
	}
	fprintf(f, "%-9s %12.0f", "statc", c->stat_cached[RT_NATIVE].med);
	print_ratio(f, &c->stat_cached[RT_CVISOR], &c->stat_cached[RT_NATIVE]);
	fprintf(f, "   (stat of one path over and over: its directories cached)\n");
	fprintf(f, "the profiler's tracepoint: +%.0f ns per call natively\n", c->trace.med);
	for (int i = 0; i < c->npace; i++) {
		fprintf(f, "calls at %7.0f/s: +%.0f ns per call in cvisor", c->pace_rate[i],
			c->pace_extra[RT_CVISOR][i].med);
		if (c->have[RT_RUNSC])
			fprintf(f, ", +%.0f ns in runsc", c->pace_extra[RT_RUNSC][i].med);
		fprintf(f, "\n");
	}
	for (int i = 0; i < c->nwss; i++)
		fprintf(f, "working set %4.0f MB: %+.0f ns per call in cvisor (over 1 MB)\n",
			c->wss_bytes[i] / (1 << 20), c->wss_extra[RT_CVISOR][i].med);
}

/* ---- curve ---- */

const char *const curve_cpu_name[CURVE_CPUS] = { "spare", "shared" };

static const char *const cpu_title[CURVE_CPUS] = {
	"sentry on a spare CPU (the default here: it spins there)",
	"sentry on the application's CPU (all pinned to one)",
};

static int write_plot(const char *csv, const char *png, const struct bench_opts *o)
{
	int panels = __builtin_popcount(o->cpus), n;
	char script[16384];
	FILE *g;

	if (system("command -v gnuplot >/dev/null 2>&1")) {
		fprintf(stderr, "cvisor: gnuplot is not installed: %s has the data; "
				"apt-get install gnuplot-nox for the chart\n", csv);
		return -1;
	}
	n = snprintf(script, sizeof(script),
		     "set terminal pngcairo size %d,600 font ',11'\n"
		     "set output '%s'\n"
		     "set datafile separator ','\n"
		     "set multiplot layout 1,%d title 'cvisor: overhead against system-call "
		     "rate, one application thread'\n"
		     "set xlabel 'system calls per second per CPU (native run)'\n"
		     "set ylabel 'overhead in cvisor (%% of native run time)'\n"
		     "set logscale x\nset xrange [500:2e6]\nset format x '%%.0s%%c'\nset grid\n"
		     "set key top left title 'working set'\n",
		     panels > 1 ? 1400 : 960, png, panels);
	for (int cpu = 0; cpu < CURVE_CPUS; cpu++) {
		if (!(o->cpus & (1u << cpu)))
			continue;
		n += snprintf(script + n, sizeof(script) - (size_t)n, "set title \"%s\"\nplot ",
			      cpu_title[cpu]);
		for (int i = 0; i < o->nwss; i++)
			n += snprintf(script + n, sizeof(script) - (size_t)n,
				      "%s'%s' using ((strcol(1) eq '%s' && $2==%g) ? $4 : 1/0):7 "
				      "with linespoints lw 2 title '%g MB'", i ? ", " : "", csv,
				      curve_cpu_name[cpu], o->wss_mb[i], o->wss_mb[i]);
		n += snprintf(script + n, sizeof(script) - (size_t)n, "\n");
	}
	snprintf(script + n, sizeof(script) - (size_t)n, "unset multiplot\n");
	g = popen("gnuplot", "w");
	if (!g)
		return -1;
	fputs(script, g);
	return pclose(g) ? -1 : 0;
}

static const double curve_rates[] = { 1e3, 3e3, 1e4, 3e4, 1e5, 3e5, 1e6 };
#define NRATES (int)(sizeof(curve_rates) / sizeof(curve_rates[0]))

/* On the application's CPU a call costs a switch to the sentry and back
 * (~40 us here): 1M calls/s would run 40 times as long as natively. */
static int curve_nrates(enum curve_cpu cpu)
{
	return cpu == CURVE_SHARED ? NRATES - 1 : NRATES;
}

/*
 * The children (the load generator, natively and in a sandbox, and so the
 * sentry) inherit the CPUs this process may run on: all of them, or CPU 0
 * alone for the shared regime.
 */
static int pin(enum curve_cpu cpu, const cpu_set_t *all)
{
	cpu_set_t one;

	CPU_ZERO(&one);
	CPU_SET(0, &one);
	if (sched_setaffinity(0, sizeof(cpu_set_t), cpu == CURVE_SHARED ? &one : all)) {
		fprintf(stderr, "cvisor: bench: sched_setaffinity: %s\n", strerror(errno));
		return -1;
	}
	return 0;
}

/* One line of the CSV: the medians of three native and three sandboxed
 * runs of UNITS work units with a call every EVERY. */
static int curve_point(FILE *f, enum curve_cpu cpu, double wss_mb, double rate, double t_unit,
		       const struct bench_opts *o)
{
	size_t wss = (size_t)(wss_mb * (1 << 20));
	long every = units_between(rate, t_unit);
	long units = lround((o->quick ? 0.1e9 : 0.4e9) / t_unit);
	double tn[3], tc[3], calls, n, c;

	for (int k = 0; k < 3; k++)
		if (loadgen_run("curve", RT_NATIVE, every, wss, units, &tn[k], &calls) ||
		    loadgen_run("curve", RT_CVISOR, every, wss, units, &tc[k], &calls))
			return -1;
	n = cost_of_values(tn, 3).med * 1e-9;
	c = cost_of_values(tc, 3).med * 1e-9;
	fprintf(f, "%s,%g,%g,%.0f,%.4f,%.4f,%.2f\n", curve_cpu_name[cpu], wss_mb, rate,
		calls / n, n, c, (c / n - 1) * 100);
	fflush(f);
	return 0;
}

static int curve_points(FILE *f, const struct bench_opts *o)
{
	int step = 0, total = 0;
	cpu_set_t all;

	if (sched_getaffinity(0, sizeof(all), &all))
		return -1;
	for (int cpu = 0; cpu < CURVE_CPUS; cpu++)
		if (o->cpus & (1u << cpu))
			total += curve_nrates(cpu) * o->nwss;
	for (int cpu = 0; cpu < CURVE_CPUS; cpu++) {
		if (!(o->cpus & (1u << cpu)))
			continue;
		if (pin(cpu, &all))
			return -1;
		for (int i = 0; i < o->nwss; i++) {
			double t_unit;

			if (unit_ns((size_t)(o->wss_mb[i] * (1 << 20)), &t_unit))
				goto fail;
			for (int r = 0; r < curve_nrates(cpu); r++) {
				progress("curve: %s CPU, working set %g MB, %g calls/s (%d/%d)",
					 curve_cpu_name[cpu], o->wss_mb[i], curve_rates[r], ++step,
					 total);
				if (curve_point(f, cpu, o->wss_mb[i], curve_rates[r], t_unit, o))
					goto fail;
			}
		}
	}
	return pin(CURVE_SPARE, &all);
fail:
	pin(CURVE_SPARE, &all);
	return -1;
}

int bench_curve(const struct bench_opts *o)
{
	char csv[PATH_MAX], png[PATH_MAX];
	FILE *f;
	int err;

	if (find_loadgen())
		return -1;
	snprintf(csv, sizeof(csv), "%s/cvisor-curve.csv", o->out_dir);
	snprintf(png, sizeof(png), "%s/cvisor-curve.png", o->out_dir);
	f = fopen(csv, "w");
	if (!f) {
		fprintf(stderr, "cvisor: %s: %s\n", csv, strerror(errno));
		return -1;
	}
	fprintf(f, "cpu,wss_mb,target_per_s,native_per_s,native_s,cvisor_s,overhead_pct\n");
	err = curve_points(f, o);
	fclose(f);
	progress("%s", "");
	if (err)
		return -1;
	printf("%s\n", csv);
	if (write_plot(csv, png, o))
		return 1;
	printf("%s\n", png);
	return 0;
}
