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
 *   slowdown = (T + added / P) / T,      P = max(1, CPU time / T)
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
};

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

double wss_extra_at(const struct calibration *c, enum rt_kind rt, double wss, int which)
{
	const struct cost *e = c->wss_extra[rt];
	int n = c->nwss, i;
	double v0, v1, f;

	if (n <= 0 || wss <= 0)
		return 0;
#define PICK(x) (which < 0 ? (x).lo : which > 0 ? (x).hi : (x).med)
	if (wss <= c->wss_bytes[0])
		return fmax(0, PICK(e[0]));
	if (wss >= c->wss_bytes[n - 1])
		return fmax(0, PICK(e[n - 1]));
	for (i = 1; i < n - 1 && wss > c->wss_bytes[i]; i++)
		;
	v0 = PICK(e[i - 1]);
	v1 = PICK(e[i]);
#undef PICK
	f = log(wss / c->wss_bytes[i - 1]) / log(c->wss_bytes[i] / c->wss_bytes[i - 1]);
	return fmax(0, v0 + f * (v1 - v0));
}

/* Seconds added by the workload's events at one end of the range. */
static double added(const struct calibration *c, enum rt_kind rt, const struct workload *w,
		    int which, struct prediction *p)
{
	double sc = 0, n = 0, cs, pf, wss;

	for (int k = 0; k < SC_CLASSES; k++) {
		sc += w->sc[k] * cost_delta(&c->sc[rt][k], &c->sc[RT_NATIVE][k], which);
		n += w->sc[k];
	}
	cs = w->ctxsw_vol * cost_delta(&c->ev[rt][EVT_CTXSW], &c->ev[RT_NATIVE][EVT_CTXSW], which);
	pf = w->faults * cost_delta(&c->ev[rt][EVT_FAULT], &c->ev[RT_NATIVE][EVT_FAULT], which);
	wss = n * wss_extra_at(c, rt, w->wss_bytes, which);
	if (p) {
		p->add_sc = sc * 1e-9;
		p->add_ctxsw = cs * 1e-9;
		p->add_fault = pf * 1e-9;
		p->add_wss = wss * 1e-9;
	}
	return (sc + cs + pf + wss) * 1e-9;
}

int model_predict(const struct calibration *c, enum rt_kind rt, const struct workload *w,
		  struct prediction *p)
{
	memset(p, 0, sizeof(*p));
	if (!c->have[RT_NATIVE] || !c->have[rt] || w->wall_s <= 0)
		return -1;
	p->parallelism = fmax(1, w->cpu_s / w->wall_s);
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

void cost_ctxsw(struct cost *cs, const struct cost *rtt_half, const struct cost *pipe)
{
	/* half a round trip = one switch plus two pipe calls (a write, a read) */
	cs->med = fmax(0, rtt_half->med - 2 * pipe->med);
	cs->lo = fmax(0, rtt_half->lo - 2 * pipe->med);
	cs->hi = fmax(0, rtt_half->hi - 2 * pipe->med);
}
