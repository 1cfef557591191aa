/* SPDX-License-Identifier: MIT */
/*
 * The slowdown model (docs/overhead.md).  A sandbox adds a roughly fixed
 * cost to each system call of a class, to each blocking context switch and
 * to each page fault; a working set that does not survive the trip into the
 * sentry adds more per call.  Those costs are measured once per machine
 * (bench calibrate); a workload's counts, measured natively, say how much
 * of each it will pay:
 *
 *   added = sum_k n_k * d_k + n_cs * d_cs + n_pf * d_pf + n_sc * d_wss(WSS)
 *
 * (n_cs: voluntary switches, i.e. calls that blocked; see ctxsw_cost())
 *   slowdown = (T + added / P) / T,      P = max(1, CPU time / T)
 *
 * where d_k is the class's cost over a trivial call's, plus the cost of a
 * call at its pace, d_pace: calls far apart find the sentry asleep and pay
 * for waking it (the pace table; without one, the trivial call's cost in a
 * tight loop).  The pace of each call is its thread's local rate, from
 * the sampler's timestamps (else the average: n_sc / T / P).
 *
 * d_x = cost in the sandbox - cost natively.  The added work runs on the
 * workload's critical path (a system call blocks its caller), spread over
 * the CPUs the workload keeps busy.  The range uses the repetitions'
 * extremes: low deltas for the low end, high for the high end.
 */
#include <math.h>
#include <string.h>
#include <sys/syscall.h>

#include "profile/model.h"

static const char *const class_names[SC_CLASSES] = {
	"trivial", "rw", "stat", "open", "pipe", "futex", "mmap", "poll", "fork", "exec",
	"fstat",
};

const char *ev_kind_name(enum ev_kind e)
{
	static const char *const names[EVT_KINDS] = { "ctxsw", "fault", "block" };

	return e < EVT_KINDS ? names[e] : "?";
}

const char *sc_class_name(enum sc_class c)
{
	return c < SC_CLASSES ? class_names[c] : "?";
}

int sc_class_by_name(const char *name)
{
	for (int i = 0; i < SC_CLASSES; i++)
		if (!strcmp(name, class_names[i]))
			return i;
	return -1;
}

const char *rt_name(enum rt_kind rt)
{
	static const char *const n[RT_KINDS] = { "native", "cvisor", "runsc" };

	return rt < RT_KINDS ? n[rt] : "?";
}

enum sc_class sc_class_of(long nr)
{
	switch (nr) {
	case SYS_read: case SYS_write: case SYS_pread64: case SYS_pwrite64:
	case SYS_readv: case SYS_writev: case SYS_preadv: case SYS_pwritev:
	case SYS_lseek: case SYS_fstat: case SYS_getdents64: case SYS_fsync:
	case SYS_fdatasync: case SYS_ftruncate: case SYS_fcntl: case SYS_ioctl:
	case SYS_sendfile: case SYS_copy_file_range: case SYS_fadvise64:
		return SC_RW;
	case SYS_stat: case SYS_lstat: case SYS_newfstatat: case SYS_statx:
	case SYS_access: case SYS_faccessat: case SYS_faccessat2: case SYS_readlink:
	case SYS_readlinkat: case SYS_getcwd: case SYS_chdir: case SYS_statfs:
	case SYS_unlink: case SYS_unlinkat: case SYS_mkdir: case SYS_mkdirat:
	case SYS_rename: case SYS_renameat: case SYS_renameat2: case SYS_rmdir:
	case SYS_chmod: case SYS_fchmodat: case SYS_utimensat: case SYS_symlink:
		return SC_STAT;
	case SYS_open: case SYS_openat: case SYS_openat2: case SYS_close:
	case SYS_creat: case SYS_dup: case SYS_dup2: case SYS_dup3:
		return SC_OPEN;
	case SYS_pipe: case SYS_pipe2: case SYS_sendto: case SYS_recvfrom:
	case SYS_sendmsg: case SYS_recvmsg: case SYS_socket: case SYS_connect:
	case SYS_accept: case SYS_accept4: case SYS_socketpair: case SYS_eventfd2:
		return SC_PIPE;
	case SYS_futex:
		return SC_FUTEX;
	case SYS_mmap: case SYS_munmap: case SYS_mprotect: case SYS_brk:
	case SYS_madvise: case SYS_mremap:
		return SC_MMAP;
	case SYS_poll: case SYS_ppoll: case SYS_select: case SYS_pselect6:
	case SYS_epoll_wait: case SYS_epoll_pwait: case SYS_epoll_pwait2:
	case SYS_epoll_ctl:
		return SC_POLL;
	case SYS_clone: case SYS_clone3: case SYS_fork: case SYS_vfork:
		return SC_FORK;
	case SYS_execve: case SYS_execveat:
		return SC_EXEC;
	default:
		return SC_TRIVIAL;
	}
}

double cost_delta(const struct cost *rt, const struct cost *native, int which)
{
	double d = which < 0 ? rt->lo - native->hi
		 : which > 0 ? rt->hi - native->lo : rt->med - native->med;

	return d > 0 ? d : 0;
}

/* Interpolate costs e at points x (ascending) in log(x). */
static double log_interp(const double *x, const struct cost *e, int n, double at, int which)
{
	int i;
	double v0, v1, f;

	if (n <= 0 || at <= 0)
		return 0;
#define PICK(v) (which < 0 ? (v).lo : which > 0 ? (v).hi : (v).med)
	if (at <= x[0])
		return fmax(0, PICK(e[0]));
	if (at >= x[n - 1])
		return fmax(0, PICK(e[n - 1]));
	for (i = 1; i < n - 1 && at > x[i]; i++)
		;
	v0 = PICK(e[i - 1]);
	v1 = PICK(e[i]);
#undef PICK
	f = log(at / x[i - 1]) / log(x[i] / x[i - 1]);
	return fmax(0, v0 + f * (v1 - v0));
}

/* Only an effect the calibration could tell from its noise counts: a
 * working-set point whose low end is not above zero (not every paired
 * round saw it: bench.c's measure_wss) is taken as zero; the range's high
 * end keeps it. */
double wss_extra_at(const struct calibration *c, enum rt_kind rt, double wss, int which)
{
	struct cost e[CAL_MAX_WSS];

	for (int i = 0; i < c->nwss; i++) {
		e[i] = c->wss_extra[rt][i];
		if (e[i].lo <= 0)
			e[i].med = e[i].lo = 0;
	}
	return log_interp(c->wss_bytes, e, c->nwss, wss, which);
}

double pace_extra_at(const struct calibration *c, enum rt_kind rt, double rate, int which)
{
	return log_interp(c->pace_rate, c->pace_extra[rt], c->npace, rate, which);
}

double pace_bin_rate(int bin)
{
	return pow(10, 2.5 + bin / 2.0);
}

int pace_bin_of(double rate)
{
	int b = rate > 0 ? (int)lround((log10(rate) - 2.5) * 2) : 0;

	return b < 0 ? 0 : b >= PACE_BINS ? PACE_BINS - 1 : b;
}

/*
 * The share of the working-set extra a call pays at the workload's pace.
 * What a trip to the sentry costs the work after it (refilling the TLB
 * and caches) is bounded by what that work touches before the next call:
 * calls closer together than the calibration's leave less to refill, in
 * proportion to the time between them (a loop of two million getppid a
 * second touches a few lines between calls, not its whole 8 MB).
 */
static double wss_share(const struct workload *w, double n)
{
	double par = fmax(1, w->cpu_s / w->wall_s), sum = 0, share = 0;

	for (int b = 0; b < PACE_BINS; b++) {
		sum += w->pace_share[b] * fmin(1, CAL_WSS_RATE / pace_bin_rate(b));
		share += w->pace_share[b];
	}
	if (share > 0)
		return sum / share;
	return n > 0 ? fmin(1, CAL_WSS_RATE / (n / w->wall_s / par)) : 0;
}

/*
 * ns a trivial call costs at the workload's pace: its cost in a tight loop
 * plus what calls at that pace pay beyond the fastest pace (by the pace
 * histogram, else at the average pace).  Only the pace table's slope is
 * used: its level carries the clock reads that time each call alone,
 * which the class loops do not.
 */
static double call_cost(const struct calibration *c, enum rt_kind rt,
			const struct workload *w, double n, double trivial, int which)
{
	double par = fmax(1, w->cpu_s / w->wall_s), sum = 0, share = 0, fast;

	if (!c->npace)
		return trivial;
	fast = c->pace_extra[rt][c->npace - 1].med;
	for (int b = 0; b < PACE_BINS; b++) {
		sum += w->pace_share[b] * pace_extra_at(c, rt, pace_bin_rate(b), which);
		share += w->pace_share[b];
	}
	sum = share > 0 ? sum / share : pace_extra_at(c, rt, n / w->wall_s / par, which);
	return trivial + fmax(0, sum - fast);
}

/*
 * A voluntary switch is a call that blocked; the call itself is charged
 * with its class.  What its blocking adds in a sandbox depends on who ends
 * the wait.  Alone (uncrowded), the caller's stub has stopped spinning
 * before the answer comes and must be woken: the blocking loop's extra
 * (a 100 us nanosleep, cvisor less native) less a trivial call's.  With
 * more tasks than half the CPUs (crowded) the wait is usually another
 * task's doing, a switch between two tasks: the ping-pong's extra, each
 * side less its own pipe calls.  A calibration without the blocking loop
 * (older files) prices both as the switch.
 */
static double block_cost(const struct calibration *c, enum rt_kind rt, int which)
{
	const struct cost *b = &c->ev[rt][EVT_BLOCK], *bn = &c->ev[RT_NATIVE][EVT_BLOCK];

	if (bn->med <= 0)
		return cost_delta(&c->ev[rt][EVT_CTXSW], &c->ev[RT_NATIVE][EVT_CTXSW], which);
	return fmax(0, cost_delta(b, bn, which) -
		       cost_delta(&c->sc[rt][SC_TRIVIAL], &c->sc[RT_NATIVE][SC_TRIVIAL], which));
}

static double ctxsw_cost(const struct calibration *c, enum rt_kind rt, double s, int which)
{
	return (1 - s) * block_cost(c, rt, which) +
	       s * cost_delta(&c->ev[rt][EVT_CTXSW], &c->ev[RT_NATIVE][EVT_CTXSW], which);
}

/*
 * ns a call of class k adds beyond its pace price (lone: the price of a
 * trivial call at the workload's pace), for the uncrowded and the crowded
 * share.  Uncrowded: the class's extra over a trivial call.  Crowded: the
 * crowded trivial call's price (the hand-off without spinning) plus the
 * same extra: the hand-off is the same for every class, and what a class
 * adds is its handler's work.  The crowded loops of the other classes cost
 * more than that (pread +6.7 us over the crowded getppid where it is +2.7
 * us uncrowded, in one calibration), which redis, nearly all crowded and
 * nearly all socket and epoll calls, does not pay (6.9 us a call in all at
 * fb4a79a).  fork and exec keep their own crowded loops: their loops hold
 * two tasks either way.  A crowded call costs a wake-up at least, whatever
 * its pace, and more where its pace says so.
 */
static double class_cost(const struct calibration *c, enum rt_kind rt, int k, double s,
			 double lone, int which)
{
	double trivial = cost_delta(&c->sc[rt][SC_TRIVIAL], &c->sc[RT_NATIVE][SC_TRIVIAL], which);
	double crowd0 = cost_delta(&c->crowd[rt][SC_TRIVIAL], &c->sc[RT_NATIVE][SC_TRIVIAL], which);
	double extra = fmax(0, cost_delta(&c->sc[rt][k], &c->sc[RT_NATIVE][k], which) - trivial);
	double dc = k == SC_FORK || k == SC_EXEC ?
		    cost_delta(&c->crowd[rt][k], &c->sc[RT_NATIVE][k], which) : crowd0 + extra;

	return (1 - s) * (extra + lone) + s * (dc + fmax(0, lone - crowd0));
}

/* Seconds added by the workload's events at one end of the range. */
static double added(const struct calibration *c, enum rt_kind rt, const struct workload *w,
		    int which, struct prediction *p)
{
	double sc = 0, n = 0, cs, pf, wss, lone;
	double trivial = cost_delta(&c->sc[rt][SC_TRIVIAL], &c->sc[RT_NATIVE][SC_TRIVIAL], which);

	for (int k = 0; k < SC_CLASSES; k++)
		n += w->sc[k];
	lone = call_cost(c, rt, w, n, trivial, which);
	for (int k = 0; k < SC_CLASSES; k++)
		sc += w->sc[k] * class_cost(c, rt, k, w->crowded, lone, which);
	cs = w->ctxsw_vol * ctxsw_cost(c, rt, w->crowded, which);
	pf = w->faults * cost_delta(&c->ev[rt][EVT_FAULT], &c->ev[RT_NATIVE][EVT_FAULT], which);
	wss = n * wss_share(w, n) * wss_extra_at(c, rt, w->wss_bytes, which);
	if (p) {
		p->add_sc = sc * 1e-9;
		p->add_ctxsw = cs * 1e-9;
		p->add_fault = pf * 1e-9;
		p->add_wss = wss * 1e-9;
	}
	return (sc + cs + pf + wss) * 1e-9;
}

/*
 * The profiled run is longer than the workload alone by the tracepoint's
 * cost on each call: take it out of the wall and CPU times (never more
 * than half: a wrong calibration must not make a workload free).
 */
static struct workload untraced(const struct calibration *c, const struct workload *w)
{
	struct workload u = *w;
	double n = 0, par = fmax(1, w->cpu_s / w->wall_s);

	for (int k = 0; k < SC_CLASSES; k++)
		n += w->sc[k];
	u.cpu_s = fmax(w->cpu_s / 2, w->cpu_s - n * c->trace.med * 1e-9);
	u.wall_s = fmax(w->wall_s / 2, w->wall_s - n * c->trace.med * 1e-9 / par);
	return u;
}

int model_predict(const struct calibration *c, enum rt_kind rt, const struct workload *wt,
		  struct prediction *p)
{
	struct workload u, *w = &u;

	memset(p, 0, sizeof(*p));
	if (!c->have[RT_NATIVE] || !c->have[rt] || wt->wall_s <= 0)
		return -1;
	u = untraced(c, wt);
	p->parallelism = fmax(1, w->cpu_s / w->wall_s);
	p->wall_s = w->wall_s;
	p->slowdown = 1 + added(c, rt, w, 0, p) / p->parallelism / w->wall_s;
	p->lo = 1 + added(c, rt, w, -1, NULL) / p->parallelism / w->wall_s;
	p->hi = 1 + added(c, rt, w, 1, NULL) / p->parallelism / w->wall_s;
	return 0;
}

void cost_exec(struct cost *exec, const struct cost *forkexec, const struct cost *fork)
{
	exec->med = fmax(0, forkexec->med - fork->med);
	exec->lo = fmax(0, forkexec->lo - fork->med);
	exec->hi = fmax(0, forkexec->hi - fork->med);
}

void cost_less_calls(struct cost *c, double n, const struct cost *per_call)
{
	c->med = fmax(0, c->med - n * per_call->med);
	c->lo = fmax(0, c->lo - n * per_call->hi);
	c->hi = fmax(0, c->hi - n * per_call->lo);
}

void cost_ctxsw(struct cost *cs, const struct cost *rtt_half, const struct cost *pipe)
{
	/* half a round trip = one switch plus two pipe calls (a write, a read) */
	cs->med = fmax(0, rtt_half->med - 2 * pipe->med);
	cs->lo = fmax(0, rtt_half->lo - 2 * pipe->med);
	cs->hi = fmax(0, rtt_half->hi - 2 * pipe->med);
}
