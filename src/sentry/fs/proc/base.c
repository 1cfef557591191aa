/* SPDX-License-Identifier: MIT */
/*
 * procfs: /proc/PID and /proc/PID/task/TID (Linux's fs/proc/base.c and
 * array.c): their tables, the pid and tid directories, and the files about
 * a process's ids, state, signals and limits.
 */
#include <errno.h>
#include <linux/capability.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "fs/proc/internal.h"
#include "mm/mm.h"

/* ---------- finding processes ---------- */

/* The pids of all thread groups, ascending, in *out (free it); or -ENOMEM. */
long proc_all_pids(pid_t **out)
{
	size_t n = 0, cap = 0;
	pid_t *v = NULL;

	pthread_mutex_lock(&sandbox.lock);
	for (struct thread_group *tg = sandbox.tgs; tg; tg = tg->next_tg) {
		if (n == cap) {
			pid_t *nv = realloc(v, (cap = cap ? 2 * cap : 64) * sizeof(*v));

			if (!nv) {
				pthread_mutex_unlock(&sandbox.lock);
				free(v);
				return -ENOMEM;
			}
			v = nv;
		}
		v[n++] = tg->pid;
	}
	pthread_mutex_unlock(&sandbox.lock);
	if (n)
		qsort(v, n, sizeof(*v), proc_cmp_pid);
	*out = v;
	return (long)n;
}

/* Exited groups stay in sandbox.tgs until reaped; a zombie keeps its
 * /proc entry, as in Linux (state Z), the groups between have none. */
static bool tg_alive(struct thread_group *tg)
{
	bool alive;

	pthread_mutex_lock(&tg->lock);
	alive = !tg->exiting || tg->nr_tasks > 0 || tg->zombie;
	pthread_mutex_unlock(&tg->lock);
	return alive;
}

/* The live thread group pid (tg_put() it), or NULL. */
struct thread_group *proc_get_tg(pid_t pid)
{
	struct thread_group *tg = pid > 0 ? tg_find(pid) : NULL;

	if (tg && !tg_alive(tg)) {
		tg_put(tg);
		return NULL;
	}
	return tg;
}

/* With tg->lock held: thread tid, or for 0 the leader (else any thread). */
struct task *proc_node_task(struct thread_group *tg, pid_t tid)
{
	pid_t want = tid ? tid : tg->pid;

	for (struct task *t = tg->tasks; t; t = t->next)
		if (t->tid == want)
			return t;
	return tid ? NULL : tg->tasks;
}

/* Whether tg has thread tid (0: any, or none left in a zombie). */
bool proc_tg_has(struct thread_group *tg, pid_t tid)
{
	bool found;

	pthread_mutex_lock(&tg->lock);
	found = proc_node_task(tg, tid) != NULL || (!tid && tg->zombie);
	pthread_mutex_unlock(&tg->lock);
	return found;
}

static bool has_task(pid_t pid, pid_t tid)
{
	struct thread_group *tg = proc_get_tg(pid);
	bool found = tg && proc_tg_has(tg, tid);

	if (tg)
		tg_put(tg);
	return found;
}

/* The thread group that has thread tid (/proc/<tid> works for threads too). */
static pid_t tgid_of(pid_t tid)
{
	pid_t *pids = NULL, found = 0;
	long n = proc_all_pids(&pids);

	for (long i = 0; i < n && !found; i++)
		if (pids[i] != tid && has_task(pids[i], tid))
			found = pids[i];
	free(pids);
	return found;
}

/* Who may see another process's memory, files and links (tg may be NULL:
 * a process that has gone). */
bool proc_may_access(struct task *reader, struct thread_group *tg)
{
	struct creds r, c;
	bool undumpable;

	if (!reader)
		return true;            /* the sentry itself */
	if (!tg)
		return false;
	if (reader->tg == tg)
		return true;            /* one's own process */
	pthread_mutex_lock(&reader->tg->lock);
	r = reader->tg->cred;
	pthread_mutex_unlock(&reader->tg->lock);
	pthread_mutex_lock(&tg->lock);
	c = tg->cred;
	undumpable = tg->undumpable;
	pthread_mutex_unlock(&tg->lock);
	return ptrace_may_read(&r, &c, undumpable);
}

/* ---------- what the files show ---------- */

/* What the per-process files show, copied out under tg->lock. */
struct pinfo {
	pid_t pid, tid, ppid, pgid, sid;
	char comm[16];
	struct creds cred;
	bool no_new_privs;
	int seccomp_mode, seccomp_filters;
	int threads, fd_size;
	char state;                     /* Linux's letter: R S T Z */
	mode_t umask;
	uint64_t pending, shpending, blocked, ignored, caught;
	struct rlimit rlim[RLIM_NLIMITS];
	struct mm *mm;
	unsigned long start_ticks;      /* since the sandbox booted (USER_HZ) */
};

static void sig_dispositions(struct thread_group *tg, uint64_t *ign, uint64_t *cgt)
{
	*ign = *cgt = 0;
	for (int s = 1; s <= NSIG_LINUX; s++) {
		uint64_t h = sig_handler(tg, s);

		if (h == 1)                     /* SIG_IGN */
			*ign |= SIGBIT(s);
		else if (h)                     /* not SIG_DFL */
			*cgt |= SIGBIT(s);
	}
}

/* Linux's FDSize: the fd array's size, 64 and doubling past the top fd. */
static int fd_size(struct fd_table *fdt)
{
	int top = -1, size = 64;

	if (!fdt)
		return 0;
	for (int fd = fdt_next_fd(fdt, 0); fd >= 0; fd = fdt_next_fd(fdt, fd + 1))
		top = fd;
	while (size <= top)
		size *= 2;
	return size;
}

static mode_t task_umask(struct task *t)
{
	mode_t m = 022;

	if (t->fs) {
		pthread_mutex_lock(&t->fs->lock);
		m = t->fs->umask;
		pthread_mutex_unlock(&t->fs->lock);
	}
	return m;
}

/* A CLOCK_MONOTONIC time in the clock ticks since the sandbox booted
 * that /proc counts in (USER_HZ, 100), as /proc/uptime counts from boot. */
static unsigned long since_boot_ticks(struct timespec at)
{
	int64_t ns = (at.tv_sec - sandbox.boot_time.tv_sec) * 1000000000LL +
		     (at.tv_nsec - sandbox.boot_time.tv_nsec);

	return ns > 0 ? (unsigned long)(ns / 10000000) : 0;
}

static void fill_pinfo(struct thread_group *tg, pid_t tid, struct pinfo *pi)
{
	struct task *t = proc_node_task(tg, tid);

	pi->pid = tg->pid;
	pi->tid = tid ? tid : tg->pid;
	pi->ppid = tg->ppid;
	pi->pgid = tg->pgid;
	pi->sid = tg->sid;
	/* a thread's own name; the process's is its main thread's */
	memcpy(pi->comm, tid && t ? t->comm : tg->comm, sizeof(pi->comm) - 1);
	pi->cred = tg->cred;
	pi->no_new_privs = tg->no_new_privs;
	pi->threads = tg->nr_tasks;
	pi->shpending = tg->shared_pending;
	memcpy(pi->rlim, tg->rlim, sizeof(pi->rlim));
	pi->mm = tg->mm;
	sig_dispositions(tg, &pi->ignored, &pi->caught);
	pi->fd_size = fd_size(tg->fdt);
	pi->umask = t ? task_umask(t) : 022;
	/* a process is its main thread (Linux's /proc/PID/stat of the leader) */
	pi->state = tg->zombie || !t ? 'Z' : tg->stopped ? 'T' : task_state_char(t);
	if (t) {
		pi->start_ticks = since_boot_ticks(t->start_time);
		pi->pending = t->pending;
		pi->blocked = t->sigmask;
		seccomp_state(t, &pi->seccomp_mode, &pi->seccomp_filters);
	}
}

static void get_pinfo(const struct pnode *n, struct thread_group *tg, struct pinfo *pi)
{
	memset(pi, 0, sizeof(*pi));
	pthread_mutex_lock(&tg->lock);
	fill_pinfo(tg, n->tid, pi);
	pthread_mutex_unlock(&tg->lock);
}

/* The resident set, in kB, as /proc/PID/status names its parts. */
struct rss {
	uint64_t hwm, rss, anon, file, shmem, pte, swap;
};

static uint64_t status_kb(const char *text, const char *key)
{
	const char *p = strstr(text, key);

	return p ? strtoull(p + strlen(key), NULL, 10) : 0;
}

/*
 * The application's resident set is the host's count for the stub
 * process that is its address space: no other process maps its pages.
 * The memory file's pages (private anonymous memory, mm/memfile.c) are
 * shared memory on the host, so as many kB as the file holds move from
 * RssShmem to RssAnon, where Linux counts private anonymous memory; the
 * few pages of the stub region count too.  All zero for a process
 * without memory (a zombie) or whose host process is gone.
 */
static void host_rss(struct mm *mm, struct rss *r)
{
	struct sbuf host = { 0 };
	char path[32];
	const char *text;
	struct stat st;
	uint64_t mf = 0;
	int fd;

	memset(r, 0, sizeof(*r));
	if (!mm || !mm->proc)
		return;
	snprintf(path, sizeof(path), "%d/status", stub_proc_host_pid(mm->proc));
	if (sb_host_file(&host, path) || !host.p) {
		sb_free(&host);
		return;
	}
	text = host.p;
	r->hwm = status_kb(text, "VmHWM:");
	r->rss = status_kb(text, "VmRSS:");
	r->anon = status_kb(text, "RssAnon:");
	r->file = status_kb(text, "RssFile:");
	r->shmem = status_kb(text, "RssShmem:");
	r->pte = status_kb(text, "VmPTE:");
	r->swap = status_kb(text, "VmSwap:");
	sb_free(&host);
	pthread_mutex_lock(&mm->lock);
	if ((fd = memfile_fd(mm)) >= 0 && !fstat(fd, &st))
		mf = (uint64_t)st.st_blocks / 2;
	pthread_mutex_unlock(&mm->lock);
	mf = mf < r->shmem ? mf : r->shmem;
	r->shmem -= mf;
	r->anon += mf;
}

/* A struct timeval in the clock ticks /proc counts in (USER_HZ, 100). */
static unsigned long ticks(struct timeval tv)
{
	return (unsigned long)tv.tv_sec * 100 + (unsigned long)tv.tv_usec / 10000;
}

static int show_stat(struct sbuf *b, const struct pnode *n, struct thread_group *tg)
{
	struct pinfo pi;
	struct mm_stat vs;
	struct rusage ru, rc;
	struct rss r;

	get_pinfo(n, tg, &pi);
	mm_stat(pi.mm, &vs);
	host_rss(pi.mm, &r);
	/* the times getrusage(2) and times(2) report (kernel/rusage.c) */
	tg_usage(tg, n->tid, &ru, &rc);
	sb_printf(b, "%d (%s) %c %d %d %d 0 -1 4194304 %lu %lu %lu %lu %lu %lu %lu %lu 20 0 %d 0 %lu"
		  " %lu %lu %lu", pi.tid, pi.comm, pi.state, pi.ppid, pi.pgid, pi.sid, (unsigned long)ru.ru_minflt,
		  (unsigned long)rc.ru_minflt, (unsigned long)ru.ru_majflt,
		  (unsigned long)rc.ru_majflt, ticks(ru.ru_utime), ticks(ru.ru_stime),
		  ticks(rc.ru_utime), ticks(rc.ru_stime), pi.threads, pi.start_ticks, vs.size,
		  r.rss / 4, (uint64_t)pi.rlim[RLIMIT_RSS].rlim_cur);
	sb_printf(b, " %lu %lu %lu 0 0 %lu %lu %lu %lu 0 0 0 17 0 0 0 0 0 0",
		  vs.start_code, vs.end_code, vs.start_stack, pi.pending & 0x7fffffff,
		  pi.blocked & 0x7fffffff, pi.ignored & 0x7fffffff, pi.caught & 0x7fffffff);
	sb_printf(b, " 0 0 %lu %lu %lu %lu %lu 0\n", vs.start_brk, vs.arg_start,
		  vs.arg_end, vs.env_start, vs.env_end);
	return 0;
}

static const char *state_name(char state)
{
	switch (state) {
	case 'S': return "S (sleeping)";
	case 'T': return "T (stopped)";
	case 'Z': return "Z (zombie)";
	default: return "R (running)";
	}
}

static void status_ids(struct sbuf *b, const struct pinfo *pi)
{
	const struct creds *c = &pi->cred;

	sb_printf(b, "Name:\t%s\nUmask:\t%04o\nState:\t%s\n", pi->comm, pi->umask,
		  state_name(pi->state));
	sb_printf(b, "Tgid:\t%d\nNgid:\t0\nPid:\t%d\nPPid:\t%d\nTracerPid:\t0\n",
		  pi->pid, pi->tid, pi->ppid);
	sb_printf(b, "Uid:\t%u\t%u\t%u\t%u\nGid:\t%u\t%u\t%u\t%u\n", c->uid, c->euid,
		  c->suid, c->fsuid, c->gid, c->egid, c->sgid, c->fsgid);
	sb_printf(b, "FDSize:\t%d\nGroups:\t", pi->fd_size);
	for (uint32_t i = 0; i < c->ngroups && i < 32; i++)
		sb_printf(b, i ? " %u" : "%u", c->groups[i]);
	/* Linux's trailing space, there even with no groups */
	sb_printf(b, " \nNStgid:\t%d\nNSpid:\t%d\nNSpgid:\t%d\nNSsid:\t%d\nKthread:\t0\n",
		  pi->pid, pi->tid, pi->pgid, pi->sid);
}

static void status_vm(struct sbuf *b, const struct mm_stat *vs, const struct rss *r)
{
	uint64_t text = vs->end_code - vs->start_code;

	/* no peak tracking of the size: peak is current */
	sb_printf(b, "VmPeak:\t%8lu kB\nVmSize:\t%8lu kB\nVmLck:\t%8lu kB\nVmPin:\t%8d kB\n",
		  vs->size >> 10, vs->size >> 10, vs->locked >> 10, 0);
	sb_printf(b, "VmHWM:\t%8lu kB\nVmRSS:\t%8lu kB\nRssAnon:\t%8lu kB\nRssFile:\t%8lu kB\n"
		  "RssShmem:\t%8lu kB\n", r->hwm, r->rss, r->anon, r->file, r->shmem);
	sb_printf(b, "VmData:\t%8lu kB\nVmStk:\t%8lu kB\nVmExe:\t%8lu kB\nVmLib:\t%8lu kB\n",
		  vs->data >> 10, vs->stk >> 10, text >> 10, (vs->exec - text) >> 10);
	sb_printf(b, "VmPTE:\t%8lu kB\nVmSwap:\t%8lu kB\nHugetlbPages:\t%8d kB\n"
		  "CoreDumping:\t0\nTHP_enabled:\t1\n", r->pte, r->swap, 0);
}

static void status_sig(struct sbuf *b, const struct pinfo *pi)
{
	sb_printf(b, "Threads:\t%d\nSigQ:\t0/%lu\n", pi->threads,
		  (uint64_t)pi->rlim[RLIMIT_SIGPENDING].rlim_cur);
	sb_printf(b, "SigPnd:\t%016lx\nShdPnd:\t%016lx\nSigBlk:\t%016lx\n"
		  "SigIgn:\t%016lx\nSigCgt:\t%016lx\n", pi->pending, pi->shpending,
		  pi->blocked, pi->ignored, pi->caught);
	sb_printf(b, "CapInh:\t%016llx\nCapPrm:\t%016llx\nCapEff:\t%016llx\n"
		  "CapBnd:\t%016llx\nCapAmb:\t%016llx\n",
		  (unsigned long long)pi->cred.cap_inh, (unsigned long long)pi->cred.cap_perm,
		  (unsigned long long)pi->cred.cap_eff, (unsigned long long)pi->cred.cap_bnd,
		  (unsigned long long)pi->cred.cap_amb);
	/* the container's seccomp profile, which the sentry runs, is the
	 * thread's first filter as under runc, then the application's own;
	 * the sandbox's own host filters are not shown */
	sb_printf(b, "NoNewPrivs:\t%d\nSeccomp:\t%d\nSeccomp_filters:\t%d\n"
		  "Speculation_Store_Bypass:\tthread vulnerable\n"
		  "SpeculationIndirectBranch:\tconditional enabled\n", pi->no_new_privs,
		  pi->seccomp_mode, pi->seccomp_filters);
}

static int show_status(struct sbuf *b, const struct pnode *n, struct thread_group *tg)
{
	struct pinfo pi;
	struct mm_stat vs;
	struct rss r;

	get_pinfo(n, tg, &pi);
	mm_stat(pi.mm, &vs);
	host_rss(pi.mm, &r);
	status_ids(b, &pi);
	status_vm(b, &vs, &r);
	status_sig(b, &pi);
	sb_puts(b, "Cpus_allowed:\t");
	proc_cpu_mask(b);
	sb_puts(b, "\nCpus_allowed_list:\t");
	proc_cpu_list(b);
	sb_puts(b, "\nMems_allowed:\t00000001\nMems_allowed_list:\t0\n"
		"voluntary_ctxt_switches:\t0\nnonvoluntary_ctxt_switches:\t0\n");
	return 0;
}

static int show_statm(struct sbuf *b, const struct pnode *n, struct thread_group *tg)
{
	struct pinfo pi;
	struct mm_stat vs;
	struct rss r;

	get_pinfo(n, tg, &pi);
	mm_stat(pi.mm, &vs);
	host_rss(pi.mm, &r);
	/* resident, and of it the shared part: file and shared memory pages */
	sb_printf(b, "%lu %lu %lu %lu 0 %lu 0\n", vs.size / PAGE_SIZE, r.rss / 4,
		  (r.file + r.shmem) / 4, (vs.end_code - vs.start_code) / PAGE_SIZE,
		  (vs.data + vs.stk) / PAGE_SIZE);
	return 0;
}

static int show_comm(struct sbuf *b, const struct pnode *n, struct thread_group *tg)
{
	struct pinfo pi;

	get_pinfo(n, tg, &pi);
	sb_printf(b, "%s\n", pi.comm);
	return 0;
}

/*
 * Linux's comm_write: a thread renames itself or another of its group
 * (the process's file names the main thread); another process may not.
 * The bytes are kept as written, a newline too, as Linux keeps them.
 */
static ssize_t store_comm(const struct pnode *n, struct thread_group *tg, const char *buf,
			  size_t len)
{
	char name[16] = { 0 };
	struct task *t;

	if (current_task && current_task->tg != tg)
		return -EINVAL;
	memcpy(name, buf, len < sizeof(name) - 1 ? len : sizeof(name) - 1);
	pthread_mutex_lock(&tg->lock);
	t = proc_node_task(tg, n->tid ? n->tid : tg->pid);
	if (t)
		task_set_comm(t, name);
	pthread_mutex_unlock(&tg->lock);
	return t ? 0 : -ESRCH;
}

/* /proc/PID/timerslack_ns: the thread's slack (the process's file names
 * its main thread); others' only with CAP_SYS_NICE, as Linux's. */
static int show_slack(struct sbuf *b, const struct pnode *n, struct thread_group *tg)
{
	struct task *t;
	uint64_t ns = 0;

	pthread_mutex_lock(&tg->lock);
	if ((t = proc_node_task(tg, n->tid)))
		ns = t->sched.slack;
	pthread_mutex_unlock(&tg->lock);
	if (!t)
		return -ESRCH;
	sb_printf(b, "%llu\n", (unsigned long long)ns);
	return 0;
}

static ssize_t store_slack(const struct pnode *n, struct thread_group *tg, const char *buf,
			  size_t len)
{
	char s[32], *end;
	unsigned long long ns;
	struct task *t;

	if (current_task && current_task->tg != tg &&
	    !capable(&current_task->tg->cred, CAP_SYS_NICE))
		return -EPERM;
	if (len >= sizeof(s))
		return -EINVAL;
	memcpy(s, buf, len);
	s[len] = 0;
	errno = 0;
	ns = strtoull(s, &end, 10);
	if (end == s || errno || (*end && *end != '\n'))
		return -EINVAL;
	pthread_mutex_lock(&tg->lock);
	if ((t = proc_node_task(tg, n->tid)))
		timer_slack_set(t, ns);
	pthread_mutex_unlock(&tg->lock);
	return t ? 0 : -ESRCH;
}

static void limit_value(struct sbuf *b, rlim_t v)
{
	if (v == RLIM_INFINITY)
		sb_printf(b, "%-20s ", "unlimited");
	else
		sb_printf(b, "%-20lu ", (uint64_t)v);
}

static int show_limits(struct sbuf *b, const struct pnode *n, struct thread_group *tg)
{
	static const struct { const char *name, *unit; } lim[RLIM_NLIMITS] = {
		{ "Max cpu time", "seconds" }, { "Max file size", "bytes" },
		{ "Max data size", "bytes" }, { "Max stack size", "bytes" },
		{ "Max core file size", "bytes" }, { "Max resident set", "bytes" },
		{ "Max processes", "processes" }, { "Max open files", "files" },
		{ "Max locked memory", "bytes" }, { "Max address space", "bytes" },
		{ "Max file locks", "locks" }, { "Max pending signals", "signals" },
		{ "Max msgqueue size", "bytes" }, { "Max nice priority", NULL },
		{ "Max realtime priority", NULL }, { "Max realtime timeout", "us" },
	};
	struct pinfo pi;

	get_pinfo(n, tg, &pi);
	sb_printf(b, "%-25s %-20s %-20s %-10s\n", "Limit", "Soft Limit", "Hard Limit", "Units");
	for (int i = 0; i < RLIM_NLIMITS; i++) {
		sb_printf(b, "%-25s ", lim[i].name);
		limit_value(b, pi.rlim[i].rlim_cur);
		limit_value(b, pi.rlim[i].rlim_max);
		if (lim[i].unit)
			sb_printf(b, "%-10s", lim[i].unit);
		sb_putc(b, '\n');
	}
	return 0;
}

/* The sandbox's processes are the sentry's and its stubs on the host: one
 * oom_score_adj for all, the config's (set on the sentry at create). */
static int show_oom_score_adj(struct sbuf *b)
{
	sb_printf(b, "%d\n", sandbox.oom_score_adj);
	return 0;
}

/* "inside outside count" lines, in the kernel's column widths. */
static void show_idmap(struct sbuf *b, const char *map)
{
	unsigned in, out, count;
	int used;

	for (const char *p = map ? map : "0 0 4294967295\n";
	     sscanf(p, "%u %u %u%n", &in, &out, &count, &used) == 3; p += used)
		sb_printf(b, "%10u %10u %10u\n", in, out, count);
}

static int show_uid_map(struct sbuf *b)
{
	show_idmap(b, sandbox.uid_map);
	return 0;
}

static int show_gid_map(struct sbuf *b)
{
	show_idmap(b, sandbox.gid_map);
	return 0;
}

/* ---------- the tables ---------- */

/* task/: the group's threads */
static void list_tids(struct dsnap *s, const struct pnode *dir, struct thread_group *tg)
{
	pid_t *tids;
	int n = 0;

	if (!tg)
		return;
	pthread_mutex_lock(&tg->lock);
	tids = malloc(((size_t)tg->nr_tasks + 1) * sizeof(*tids));
	for (struct task *t = tg->tasks; tids && t && n <= tg->nr_tasks; t = t->next)
		tids[n++] = t->tid;
	pthread_mutex_unlock(&tg->lock);
	if (n)
		qsort(tids, (size_t)n, sizeof(*tids), proc_cmp_pid);
	for (int i = 0; i < n; i++)
		proc_list_num(s, dir, tids[i], S_IFDIR);
	free(tids);
}

static const struct pent tid_dir;

static int lookup_tid(struct pnode *dir, struct thread_group *tg, const char *name,
		      struct inode **out)
{
	int id = proc_parse_num(name);

	if (id <= 0 || !proc_tg_has(tg, id))
		return -ENOENT;
	return proc_new_child(dir, &tid_dir, name, dir->pid, id, -1, out);
}

static const struct proc_dyn tids = { .lookup = lookup_tid, .list = list_tids };

#define TID_ENTS \
	P_REG("stat", show_stat), \
	P_REG("status", show_status), \
	P_REG("statm", show_statm), \
	P_PRW("comm", show_comm, store_comm), \
	P_REG("cmdline", proc_show_cmdline), \
	P_PRIV("environ", proc_show_environ), \
	P_PRIV("auxv", proc_show_auxv), \
	{ .name = "maps", .mode = S_IFREG | 0444, .show = proc_show_maps, .priv = true }, \
	P_REG("limits", show_limits), \
	{ .name = "timerslack_ns", .mode = S_IFREG | 0666, .show = show_slack, \
	  .pstore = store_slack }, \
	P_GEN("mounts", proc_mounts), \
	P_GEN("mountinfo", proc_mountinfo), \
	P_TXT("cgroup", "0::/\n"), \
	P_TXT("oom_score", "0\n"), \
	P_GEN("oom_score_adj", show_oom_score_adj), \
	P_GEN("uid_map", show_uid_map), \
	P_GEN("gid_map", show_gid_map), \
	{ .name = "fd", .mode = S_IFDIR | 0500, .dyn = &proc_fds, .priv = true }, \
	{ .name = "fdinfo", .mode = S_IFDIR | 0500, .dyn = &proc_fdinfos, .priv = true }, \
	P_MAGIC("exe", proc_link_exe), \
	P_MAGIC("cwd", proc_link_cwd), \
	P_MAGIC("root", proc_link_root)

static const struct pent tid_ents[] = { TID_ENTS, { 0 } };
static const struct pent pid_ents[] = {
	TID_ENTS,
	{ .name = "task", .mode = S_IFDIR | 0555, .dyn = &tids },
	{ 0 }
};

/* Templates for the children of the pid and tid directories. */
static const struct pent pid_dir = P_DIR("<pid>", pid_ents);
static const struct pent tid_dir = P_DIR("<tid>", tid_ents);

struct thread_group *procfs_pid_dir_tg(struct file *f)
{
	const struct pnode *n = proc_file_node(f);

	return n && n->e == &pid_dir && !n->tid ? proc_get_tg(n->pid) : NULL;
}

/* /proc's numbered directories: the live thread groups. */
static void list_pids(struct dsnap *s, const struct pnode *dir, struct thread_group *tg)
{
	pid_t *pids = NULL;
	long n = proc_all_pids(&pids);

	(void)tg;
	for (long i = 0; i < n; i++)
		if (has_task(pids[i], 0))
			proc_list_num(s, dir, pids[i], S_IFDIR);
	free(pids);
}

/* /proc/<n>: a thread group, or any thread of one (hidden from readdir). */
static int lookup_pid(struct pnode *dir, struct thread_group *tg, const char *name,
		      struct inode **out)
{
	int id = proc_parse_num(name);
	pid_t tgid;

	(void)tg;
	if (id <= 0)
		return -ENOENT;
	if (has_task(id, 0))
		return proc_new_child(dir, &pid_dir, name, id, 0, -1, out);
	tgid = tgid_of(id);
	if (!tgid)
		return -ENOENT;
	return proc_new_child(dir, &pid_dir, name, tgid, id, -1, out);
}

const struct proc_dyn proc_pids = { .lookup = lookup_pid, .list = list_pids };
