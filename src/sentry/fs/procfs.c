/* SPDX-License-Identifier: MIT */
/*
 * procfs: the sandbox's /proc, synthesized from sentry state.
 *
 * The application sees its own processes, pids, limits and mounts, never
 * the host's: nothing here reads the host's /proc except the host-wide
 * facts Linux would show any container (cpuinfo, meminfo).
 *
 * The tree is described by tables of entries (struct pent).  An inode
 * (struct pnode) is an entry plus the process, thread and fd it is about.
 * Inodes are made on lookup and freed with their last reference, so there
 * is no cache to go stale: a process that exits is simply no longer found.
 * Inode numbers hash the parent's number with the name, so they are stable
 * per path.
 *
 * A file's content is generated whole at open() into a buffer (Linux's
 * seq_file) that read and lseek serve: one open file is one snapshot.
 *
 * Lock order: never sandbox.lock with a tg->lock held the other way round
 * (task_new takes tg->lock, then sandbox.lock in alloc_pid), so pids are
 * collected under sandbox.lock first and each group is locked afterwards;
 * tg->lock may be held while taking fs->lock, fdt->lock or mm->lock.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/sysmacros.h>
#include <time.h>
#include <unistd.h>

#include "kernel/kernel.h"
#include "mm/mm.h"
#include "vfs/vfs.h"

/*
 * The task this sentry thread serves (the task loop sets it): readlink has
 * no task argument, yet /proc/self depends on who reads it.
 */
extern __thread struct task *current_task;

/* As uname(2) reports them (syscalls/sys_proc.c): keep in step. */
#define PROC_RELEASE "6.1.0-cvisor"
#define PROC_VERSION "#1 SMP PREEMPT_DYNAMIC cvisor 0.1"

#define PROC_SUPER_MAGIC 0x9fa0
#define PROC_ROOT_INO 1
#define CAP_LAST_CAP 40
#define CAP_FULL ((1ULL << (CAP_LAST_CAP + 1)) - 1)
#define USER_HZ 100
#define USER_MEM_MAX (4UL << 20)        /* cmdline/environ read at most this */

/* ---------- a growing text buffer ---------- */

struct sbuf {
	char *p;
	size_t len, cap;
	bool oom;
};

static bool sb_reserve(struct sbuf *b, size_t more)
{
	size_t cap = b->cap ? b->cap : 1024;
	char *p;

	if (b->oom)
		return false;
	while (cap < b->len + more + 1)
		cap *= 2;
	if (cap == b->cap)
		return true;
	p = realloc(b->p, cap);
	if (!p) {
		b->oom = true;
		return false;
	}
	b->p = p;
	b->cap = cap;
	return true;
}

static void sb_add(struct sbuf *b, const void *s, size_t n)
{
	if (!sb_reserve(b, n))
		return;
	memcpy(b->p + b->len, s, n);
	b->len += n;
}

static void sb_printf(struct sbuf *b, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void sb_printf(struct sbuf *b, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0 || !sb_reserve(b, (size_t)n))
		return;
	va_start(ap, fmt);
	vsnprintf(b->p + b->len, (size_t)n + 1, fmt, ap);
	va_end(ap);
	b->len += (size_t)n;
}

/* Spaces up to column col of the line that started at offset start. */
static void sb_pad(struct sbuf *b, size_t start, size_t col)
{
	while (!b->oom && b->len - start < col)
		sb_add(b, " ", 1);
}

/* A path in mounts/mountinfo: whitespace and '\' as octal, as Linux does. */
static void sb_escape(struct sbuf *b, const char *s)
{
	for (; *s; s++) {
		if (strchr(" \t\n\\", *s))
			sb_printf(b, "\\%03o", (unsigned char)*s);
		else
			sb_add(b, s, 1);
	}
}

static void sb_free(struct sbuf *b)
{
	free(b->p);
	b->p = NULL;
	b->len = b->cap = 0;
}

/* A host file's whole content (host-wide facts only). */
/* A file of the host's /proc (the sentry has no other way there). */
static int sb_host_file(struct sbuf *b, const char *name)
{
	int fd = openat(host_proc_fd, name, O_RDONLY | O_CLOEXEC);
	char buf[4096];
	ssize_t n;

	if (fd < 0)
		return -errno;
	while ((n = read(fd, buf, sizeof(buf))) > 0)
		sb_add(b, buf, (size_t)n);
	close(fd);
	return n < 0 ? -EIO : 0;
}

/* ---------- entries and inodes ---------- */

struct pnode;

/* Generate a file's content. */
typedef int (*show_fn)(struct sbuf *b, const struct pnode *n);
/* A symlink target computed when read. */
typedef long (*rdlink_fn)(const struct pnode *n, char *buf, size_t len);
/* A magic link: its dentry, or for a file without one, a name in name[]. */
typedef int (*link_fn)(const struct pnode *n, struct dentry **out, char *name,
		       size_t len);

/* Directories whose children come from sentry state. */
enum pdyn { DYN_NONE, DYN_PIDS, DYN_TIDS, DYN_FDS, DYN_FDINFO };

struct pent {
	const char *name;
	mode_t mode;
	bool priv;                      /* the owner's only (ptrace access) */
	show_fn show;                   /* files: generate the content */
	const char *text;               /* files: fixed content */
	const struct pent *sub;         /* dirs: fixed children, ending in {0} */
	enum pdyn dyn;                  /* dirs: children from sentry state */
	const char *target;             /* symlinks: a fixed target */
	rdlink_fn readlink;             /* symlinks: a computed target */
	link_fn link;                   /* magic links */
};

struct pnode {
	struct inode vfs;
	const struct pent *e;
	pid_t pid;                      /* thread group; 0 above /proc/<pid> */
	pid_t tid;                      /* thread; 0 for the group as a whole */
	int fd;                         /* fd/<n>, fdinfo/<n> */
};

#define PN(i) ((struct pnode *)(i))

static struct timespec proc_time;       /* every node's times: when made */
static char boot_id[37];

/* FNV-1a of the parent's number and the name: stable per path. */
static uint64_t child_ino(uint64_t parent, const char *name)
{
	uint64_t h = 0xcbf29ce484222325ULL;

	for (int i = 0; i < 8; i++)
		h = (h ^ ((parent >> (8 * i)) & 0xff)) * 0x100000001b3ULL;
	for (; *name; name++)
		h = (h ^ (unsigned char)*name) * 0x100000001b3ULL;
	h &= (1ULL << 63) - 1;
	return h <= PROC_ROOT_INO ? h + 2 : h;
}

/* Parse a pid or fd name the way Linux does: decimal, no leading zeros. */
static int parse_num(const char *s)
{
	long v = 0;

	if (!*s || (s[0] == '0' && s[1]))
		return -1;
	for (; *s; s++) {
		if (*s < '0' || *s > '9' || v > INT_MAX / 10)
			return -1;
		v = v * 10 + (*s - '0');
	}
	return v > INT_MAX ? -1 : (int)v;
}

/* ---------- processes ---------- */

static int cmp_pid(const void *a, const void *b)
{
	pid_t x = *(const pid_t *)a, y = *(const pid_t *)b;

	return (x > y) - (x < y);
}

/* The pids of all thread groups, ascending, in *out (free it); or -ENOMEM. */
static long all_pids(pid_t **out)
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
		qsort(v, n, sizeof(*v), cmp_pid);
	*out = v;
	return (long)n;
}

/* Exited groups stay in sandbox.tgs until reaped: they have no /proc entry. */
static bool tg_alive(struct thread_group *tg)
{
	bool alive;

	pthread_mutex_lock(&tg->lock);
	alive = !tg->exiting || tg->nr_tasks > 0;
	pthread_mutex_unlock(&tg->lock);
	return alive;
}

/* The live thread group pid (tg_put() it), or NULL. */
static struct thread_group *get_tg(pid_t pid)
{
	struct thread_group *tg = pid > 0 ? tg_find(pid) : NULL;

	if (tg && !tg_alive(tg)) {
		tg_put(tg);
		return NULL;
	}
	return tg;
}

/* With tg->lock held: thread tid, or for 0 the leader (else any thread). */
static struct task *node_task(struct thread_group *tg, pid_t tid)
{
	pid_t want = tid ? tid : tg->pid;

	for (struct task *t = tg->tasks; t; t = t->next)
		if (t->tid == want)
			return t;
	return tid ? NULL : tg->tasks;
}

static bool has_task(pid_t pid, pid_t tid)
{
	struct thread_group *tg = get_tg(pid);
	bool found;

	if (!tg)
		return false;
	pthread_mutex_lock(&tg->lock);
	found = node_task(tg, tid) != NULL;
	pthread_mutex_unlock(&tg->lock);
	tg_put(tg);
	return found;
}

/* The thread group that has thread tid (/proc/<tid> works for threads too). */
static pid_t tgid_of(pid_t tid)
{
	pid_t *pids = NULL, found = 0;
	long n = all_pids(&pids);

	for (long i = 0; i < n && !found; i++)
		if (pids[i] != tid && has_task(pids[i], tid))
			found = pids[i];
	free(pids);
	return found;
}

static bool get_creds(pid_t pid, struct creds *c)
{
	struct thread_group *tg = get_tg(pid);

	if (!tg)
		return false;
	pthread_mutex_lock(&tg->lock);
	*c = tg->cred;
	pthread_mutex_unlock(&tg->lock);
	tg_put(tg);
	return true;
}

/* Who may see another process's memory, files and links. */
static bool may_access(struct task *reader, pid_t pid)
{
	struct thread_group *tg;
	struct creds r, c;
	bool undumpable;

	if (!reader || reader->tg->pid == pid)
		return true;            /* the sentry itself, or one's own process */
	pthread_mutex_lock(&reader->tg->lock);
	r = reader->tg->cred;
	pthread_mutex_unlock(&reader->tg->lock);
	tg = get_tg(pid);
	if (!tg)
		return false;
	pthread_mutex_lock(&tg->lock);
	c = tg->cred;
	undumpable = tg->undumpable;
	pthread_mutex_unlock(&tg->lock);
	tg_put(tg);
	return ptrace_may_read(&r, &c, undumpable);
}

/* What the per-process files show, copied out under tg->lock. */
struct pinfo {
	pid_t pid, tid, ppid, pgid, sid;
	char comm[16];
	struct creds cred;
	bool no_new_privs;
	int threads, fd_size;
	mode_t umask;
	uint64_t pending, shpending, blocked, ignored, caught;
	struct rlimit rlim[RLIM_NLIMITS];
	struct mm *mm;
};

static void sig_dispositions(struct thread_group *tg, uint64_t *ign, uint64_t *cgt)
{
	*ign = *cgt = 0;
	for (int s = 1; s <= NSIG_LINUX; s++) {
		uint64_t h = tg->sigaction[s - 1].handler;

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
	pthread_mutex_lock(&fdt->lock);
	for (int i = 0; i < FD_MAX; i++)
		if (fdt->fd[i])
			top = i;
	pthread_mutex_unlock(&fdt->lock);
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

static void fill_pinfo(struct thread_group *tg, pid_t tid, struct pinfo *pi)
{
	struct task *t = node_task(tg, tid);

	pi->pid = tg->pid;
	pi->tid = tid ? tid : tg->pid;
	pi->ppid = tg->ppid;
	pi->pgid = tg->pgid;
	pi->sid = tg->sid;
	memcpy(pi->comm, tg->comm, sizeof(pi->comm) - 1);
	pi->cred = tg->cred;
	pi->no_new_privs = tg->no_new_privs;
	pi->threads = tg->nr_tasks;
	pi->shpending = tg->shared_pending;
	memcpy(pi->rlim, tg->rlim, sizeof(pi->rlim));
	pi->mm = tg->mm;
	sig_dispositions(tg, &pi->ignored, &pi->caught);
	pi->fd_size = fd_size(tg->fdt);
	pi->umask = t ? task_umask(t) : 022;
	if (t) {
		pi->pending = t->pending;
		pi->blocked = t->sigmask;
	}
}

static int get_pinfo(const struct pnode *n, struct pinfo *pi)
{
	struct thread_group *tg = get_tg(n->pid);

	if (!tg)
		return -ESRCH;
	memset(pi, 0, sizeof(*pi));
	pthread_mutex_lock(&tg->lock);
	fill_pinfo(tg, n->tid, pi);
	pthread_mutex_unlock(&tg->lock);
	tg_put(tg);
	return 0;
}

/* Address-space totals, in Linux's classes. */
struct vmstat {
	uint64_t size, data, stk, exec;
	uint64_t start_code, end_code;  /* the first executable file mapping */
	uint64_t start_stack, start_brk;
	uint64_t arg_start, arg_end, env_start, env_end;
};

static bool vma_shared(const struct vma *v)
{
	return (v->flags & MAP_TYPE) != MAP_PRIVATE;
}

static void account_vma(struct vmstat *vs, const struct vma *v)
{
	uint64_t len = v->end - v->start;

	vs->size += len;
	if (v->kind == VMA_STACK)
		vs->stk += len;
	else if ((v->prot & PROT_WRITE) && !vma_shared(v))
		vs->data += len;
	if (v->kind == VMA_FILE && (v->prot & PROT_EXEC)) {
		vs->exec += len;
		/* the lowest one is the program's text, the rest libraries */
		if (!vs->end_code) {
			vs->start_code = v->start;
			vs->end_code = v->end;
		}
	}
}

static void get_vmstat(struct mm *mm, struct vmstat *vs)
{
	memset(vs, 0, sizeof(*vs));
	if (!mm)
		return;
	pthread_mutex_lock(&mm->lock);
	for (size_t i = 0; i < mm->vmas.n; i++)
		account_vma(vs, &mm->vmas.v[i]);
	vs->start_stack = mm->stack_top;
	vs->start_brk = mm->brk_start;
	vs->arg_start = mm->arg_start;
	vs->arg_end = mm->arg_end;
	vs->env_start = mm->env_start;
	vs->env_end = mm->env_end;
	pthread_mutex_unlock(&mm->lock);
}

/* Host CPUs online: what sysfs, /proc/stat and Cpus_allowed all show. */
static int ncpus(void)
{
	long n = sysconf(_SC_NPROCESSORS_ONLN);

	return n > 0 ? (int)n : 1;
}

static void cpu_list(struct sbuf *b)
{
	int n = ncpus();

	if (n == 1)
		sb_printf(b, "0");
	else
		sb_printf(b, "0-%d", n - 1);
}

/* A cpumask as Linux prints it: 32-bit hex groups, the first unpadded. */
static void cpu_mask(struct sbuf *b)
{
	int n = ncpus(), first = n % 32 ? n % 32 : 32;

	sb_printf(b, "%0*lx", (first + 3) / 4, (1UL << first) - 1);
	for (n -= first; n > 0; n -= 32)
		sb_printf(b, ",ffffffff");
}

/* Time since the sandbox started. */
static struct timespec uptime(void)
{
	struct timespec now, up;

	clock_gettime(CLOCK_MONOTONIC, &now);
	up.tv_sec = now.tv_sec - sandbox.boot_time.tv_sec;
	up.tv_nsec = now.tv_nsec - sandbox.boot_time.tv_nsec;
	if (up.tv_nsec < 0) {
		up.tv_sec--;
		up.tv_nsec += 1000000000L;
	}
	return up;
}

/* ---------- /proc/<pid> files ---------- */

static int show_text(struct sbuf *b, const struct pnode *n)
{
	sb_printf(b, "%s", n->e->text);
	return 0;
}

static int show_stat(struct sbuf *b, const struct pnode *n)
{
	struct pinfo pi;
	struct vmstat vs;
	int err = get_pinfo(n, &pi);

	if (err)
		return err;
	get_vmstat(pi.mm, &vs);
	/* starttime 0: the sentry does not record when a process started */
	sb_printf(b, "%d (%s) R %d %d %d 0 -1 4194304 0 0 0 0 0 0 0 0 20 0 %d 0 0 %lu 0 %lu",
		  pi.tid, pi.comm, pi.ppid, pi.pgid, pi.sid, pi.threads, vs.size,
		  (uint64_t)pi.rlim[RLIMIT_RSS].rlim_cur);
	sb_printf(b, " %lu %lu %lu 0 0 %lu %lu %lu %lu 0 0 0 17 0 0 0 0 0 0",
		  vs.start_code, vs.end_code, vs.start_stack, pi.pending & 0x7fffffff,
		  pi.blocked & 0x7fffffff, pi.ignored & 0x7fffffff, pi.caught & 0x7fffffff);
	sb_printf(b, " 0 0 %lu %lu %lu %lu %lu 0\n", vs.start_brk, vs.arg_start,
		  vs.arg_end, vs.env_start, vs.env_end);
	return 0;
}

static void status_ids(struct sbuf *b, const struct pinfo *pi)
{
	const struct creds *c = &pi->cred;

	sb_printf(b, "Name:\t%s\nUmask:\t%04o\nState:\tR (running)\n", pi->comm, pi->umask);
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

static void status_vm(struct sbuf *b, const struct vmstat *vs)
{
	uint64_t text = vs->end_code - vs->start_code;

	/* no peak or resident-set tracking: peak is current, RSS unknown (0) */
	sb_printf(b, "VmPeak:\t%8lu kB\nVmSize:\t%8lu kB\nVmLck:\t%8d kB\nVmPin:\t%8d kB\n",
		  vs->size >> 10, vs->size >> 10, 0, 0);
	sb_printf(b, "VmHWM:\t%8d kB\nVmRSS:\t%8d kB\nRssAnon:\t%8d kB\nRssFile:\t%8d kB\n"
		  "RssShmem:\t%8d kB\n", 0, 0, 0, 0, 0);
	sb_printf(b, "VmData:\t%8lu kB\nVmStk:\t%8lu kB\nVmExe:\t%8lu kB\nVmLib:\t%8lu kB\n",
		  vs->data >> 10, vs->stk >> 10, text >> 10, (vs->exec - text) >> 10);
	sb_printf(b, "VmPTE:\t%8d kB\nVmSwap:\t%8d kB\nHugetlbPages:\t%8d kB\n"
		  "CoreDumping:\t0\nTHP_enabled:\t1\n", 0, 0, 0);
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
	 * process's filter as under runc; the sandbox's own filters are not */
	sb_printf(b, "NoNewPrivs:\t%d\nSeccomp:\t%d\nSeccomp_filters:\t%d\n"
		  "Speculation_Store_Bypass:\tthread vulnerable\n"
		  "SpeculationIndirectBranch:\tconditional enabled\n", pi->no_new_privs,
		  app_seccomp_active() ? 2 : 0, app_seccomp_active());
}

static int show_status(struct sbuf *b, const struct pnode *n)
{
	struct pinfo pi;
	struct vmstat vs;
	int err = get_pinfo(n, &pi);

	if (err)
		return err;
	get_vmstat(pi.mm, &vs);
	status_ids(b, &pi);
	status_vm(b, &vs);
	status_sig(b, &pi);
	sb_printf(b, "Cpus_allowed:\t");
	cpu_mask(b);
	sb_printf(b, "\nCpus_allowed_list:\t");
	cpu_list(b);
	sb_printf(b, "\nMems_allowed:\t00000001\nMems_allowed_list:\t0\n"
		  "voluntary_ctxt_switches:\t0\nnonvoluntary_ctxt_switches:\t0\n");
	return 0;
}

static int show_statm(struct sbuf *b, const struct pnode *n)
{
	struct pinfo pi;
	struct vmstat vs;
	int err = get_pinfo(n, &pi);

	if (err)
		return err;
	get_vmstat(pi.mm, &vs);
	sb_printf(b, "%lu 0 0 %lu 0 %lu 0\n", vs.size / PAGE_SIZE,
		  (vs.end_code - vs.start_code) / PAGE_SIZE, (vs.data + vs.stk) / PAGE_SIZE);
	return 0;
}

static int show_comm(struct sbuf *b, const struct pnode *n)
{
	struct pinfo pi;
	int err = get_pinfo(n, &pi);

	if (!err)
		sb_printf(b, "%s\n", pi.comm);
	return err;
}

/* Application memory [start, end), page by page, up to the first hole. */
static void sb_user(struct sbuf *b, struct mm *mm, uint64_t start, uint64_t end)
{
	if (!mm || end <= start)
		return;
	if (end - start > USER_MEM_MAX)
		end = start + USER_MEM_MAX;
	while (start < end && !b->oom) {
		size_t n = PAGE_SIZE - (start & (PAGE_SIZE - 1));

		if (n > end - start)
			n = end - start;
		if (!sb_reserve(b, n) || copy_from_user(mm, b->p + b->len, start, n))
			return;
		b->len += n;
		start += n;
	}
}

/*
 * argv as the process has it now.  When the NUL that ends argv is gone the
 * process rewrote it (setproctitle): Linux then shows one string, from
 * arg_start to its NUL, within a page.
 */
static int show_cmdline(struct sbuf *b, const struct pnode *n)
{
	struct pinfo pi;
	struct vmstat vs;
	char last = 0;
	int err = get_pinfo(n, &pi);

	if (err || !pi.mm)
		return err;
	get_vmstat(pi.mm, &vs);
	if (vs.arg_end <= vs.arg_start)
		return 0;
	if (copy_from_user(pi.mm, &last, vs.arg_end - 1, 1) || !last) {
		sb_user(b, pi.mm, vs.arg_start, vs.arg_end);
		return 0;
	}
	sb_user(b, pi.mm, vs.arg_start, vs.arg_start + PAGE_SIZE);
	size_t len = b->len ? strnlen(b->p, b->len) : 0;
	b->len = len < b->len ? len + 1 : len;
	return 0;
}

static int show_environ(struct sbuf *b, const struct pnode *n)
{
	struct pinfo pi;
	struct vmstat vs;
	int err = get_pinfo(n, &pi);

	if (err)
		return err;
	get_vmstat(pi.mm, &vs);
	sb_user(b, pi.mm, vs.env_start, vs.env_end);
	return 0;
}

static int show_auxv(struct sbuf *b, const struct pnode *n)
{
	struct pinfo pi;
	int err = get_pinfo(n, &pi);

	if (err || !pi.mm)
		return err;
	pthread_mutex_lock(&pi.mm->lock);
	sb_add(b, pi.mm->auxv, pi.mm->auxv_len * sizeof(uint64_t));
	pthread_mutex_unlock(&pi.mm->lock);
	return 0;
}

static const char *vma_name(const struct vma *v)
{
	switch (v->kind) {
	case VMA_HEAP: return "[heap]";
	case VMA_STACK: return "[stack]";
	case VMA_VDSO: return "[vdso]";
	case VMA_VVAR: return "[vvar]";
	default: return NULL;   /* file paths are not known to the mm yet */
	}
}

/* One maps line: "start-end perms offset major:minor inode", pad, name. */
static void show_vma(struct sbuf *b, const struct vma *v)
{
	size_t start = b->len;
	const char *name = vma_name(v);
	struct stat st = { 0 };

	/* the backing file as the sandbox stats it: hostfs shows host numbers */
	if (v->kind == VMA_FILE && v->host_fd >= 0 && fstat(v->host_fd, &st))
		memset(&st, 0, sizeof(st));
	sb_printf(b, "%08lx-%08lx %c%c%c%c %08lx %02x:%02x %lu ", v->start, v->end,
		  v->prot & PROT_READ ? 'r' : '-', v->prot & PROT_WRITE ? 'w' : '-',
		  v->prot & PROT_EXEC ? 'x' : '-', vma_shared(v) ? 's' : 'p',
		  v->kind == VMA_FILE ? v->off : 0, major(st.st_dev), minor(st.st_dev),
		  (unsigned long)st.st_ino);
	if (name) {
		sb_pad(b, start, 25 + sizeof(void *) * 6 - 1);
		sb_printf(b, " %s", name);
	}
	sb_add(b, "\n", 1);
}

static int show_maps(struct sbuf *b, const struct pnode *n)
{
	struct pinfo pi;
	int err = get_pinfo(n, &pi);

	if (err || !pi.mm)
		return err;
	pthread_mutex_lock(&pi.mm->lock);
	for (size_t i = 0; i < pi.mm->vmas.n; i++)
		show_vma(b, &pi.mm->vmas.v[i]);
	pthread_mutex_unlock(&pi.mm->lock);
	/* the kernel's vDSO, vvar and vsyscall pages, above every VMA */
	for (int i = 0; i < platform_nr_kernel_maps; i++) {
		const struct platform_mapping *m = &platform_kernel_maps[i];
		size_t start = b->len;

		sb_printf(b, "%08lx-%08lx %s 00000000 00:00 0 ", m->start, m->end, m->perms);
		sb_pad(b, start, 25 + sizeof(void *) * 6 - 1);
		sb_printf(b, " %s\n", m->name);
	}
	return 0;
}

static void limit_value(struct sbuf *b, rlim_t v)
{
	if (v == RLIM_INFINITY)
		sb_printf(b, "%-20s ", "unlimited");
	else
		sb_printf(b, "%-20lu ", (uint64_t)v);
}

static int show_limits(struct sbuf *b, const struct pnode *n)
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
	int err = get_pinfo(n, &pi);

	if (err)
		return err;
	sb_printf(b, "%-25s %-20s %-20s %-10s\n", "Limit", "Soft Limit", "Hard Limit", "Units");
	for (int i = 0; i < RLIM_NLIMITS; i++) {
		sb_printf(b, "%-25s ", lim[i].name);
		limit_value(b, pi.rlim[i].rlim_cur);
		limit_value(b, pi.rlim[i].rlim_max);
		if (lim[i].unit)
			sb_printf(b, "%-10s", lim[i].unit);
		sb_add(b, "\n", 1);
	}
	return 0;
}

/*
 * Where a mount is attached.  The mount records only (parent, inode key);
 * vfs_mount_path sets m->path.  Mounts are never removed while the sandbox
 * runs and only appended to, so the list is walked without its lock.
 */
static const char *mount_path(const struct mount *m)
{
	return m->parent ? m->path : "/";
}

static const char *mount_opts(const struct mount *m)
{
	return m->readonly ? "ro,relatime" : "rw,relatime";
}

static int show_mounts(struct sbuf *b, const struct pnode *n)
{
	(void)n;
	for (struct mount *m = vfs_mounts(); m; m = m->next) {
		if (!mount_path(m))
			continue;       /* unknown: better absent than wrong */
		sb_escape(b, m->source ? m->source : "none");
		sb_add(b, " ", 1);
		sb_escape(b, mount_path(m));
		sb_printf(b, " %s %s 0 0\n", m->fstype, mount_opts(m));
	}
	return 0;
}

/* The sandbox's processes are the sentry's and its stubs on the host: one
 * oom_score_adj for all, the config's (set on the sentry at create). */
static int show_oom_score_adj(struct sbuf *b, const struct pnode *n)
{
	(void)n;
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

static int show_uid_map(struct sbuf *b, const struct pnode *n)
{
	(void)n;
	show_idmap(b, sandbox.uid_map);
	return 0;
}

static int show_gid_map(struct sbuf *b, const struct pnode *n)
{
	(void)n;
	show_idmap(b, sandbox.gid_map);
	return 0;
}

static int show_mountinfo(struct sbuf *b, const struct pnode *n)
{
	(void)n;
	for (struct mount *m = vfs_mounts(); m; m = m->next) {
		if (!mount_path(m))
			continue;
		/* the root mount's parent is outside the sandbox: itself */
		sb_printf(b, "%d %d %u:%u ", m->id, m->parent ? m->parent->id : m->id,
			  major(m->root->dev), minor(m->root->dev));
		/* a bind mount's root is the host directory it shows, not
		 * its file system's root (engines check it, as Linux has it) */
		sb_escape(b, strcmp(m->fstype, "hostfs") || !m->parent || !m->source ? "/" : m->source);
		sb_add(b, " ", 1);
		sb_escape(b, mount_path(m));
		sb_printf(b, " %s - %s ", mount_opts(m), m->fstype);
		sb_escape(b, m->source ? m->source : "none");
		sb_printf(b, " %s\n", m->readonly ? "ro" : "rw");
	}
	return 0;
}

/* ---------- fd/, fdinfo/, exe, cwd, root ---------- */

/* The file at fd n->fd of n's process (file_put it), or NULL. */
static struct file *node_file(const struct pnode *n, bool *cloexec)
{
	struct thread_group *tg = get_tg(n->pid);
	struct file *f = NULL;

	if (!tg)
		return NULL;
	pthread_mutex_lock(&tg->lock);
	if (tg->fdt) {
		f = fdt_get(tg->fdt, n->fd);
		if (f && cloexec)
			*cloexec = tg->fdt->cloexec[n->fd];
	}
	pthread_mutex_unlock(&tg->lock);
	tg_put(tg);
	return f;
}

/* Linux's names for files without a path. */
static void anon_name(struct file *f, char *name, size_t len)
{
	struct stat st = { 0 };
	int err = f->inode ? vfs_getattr(f->inode, &st)
			   : f->ops->fstat ? f->ops->fstat(f, &st) : -EINVAL;

	if (!err && S_ISFIFO(st.st_mode))
		snprintf(name, len, "pipe:[%lu]", (unsigned long)st.st_ino);
	else if (!err && S_ISSOCK(st.st_mode))
		snprintf(name, len, "socket:[%lu]", (unsigned long)st.st_ino);
	else
		snprintf(name, len, "anon_inode:[file]");
}

static int link_fd(const struct pnode *n, struct dentry **out, char *name, size_t len)
{
	struct file *f = node_file(n, NULL);

	if (!f)
		return -ENOENT;
	*out = dentry_get(f->dentry);
	if (!*out)
		anon_name(f, name, len);
	file_put(f);
	return 0;
}

static int show_fdinfo(struct sbuf *b, const struct pnode *n)
{
	bool cloexec = false;
	struct file *f = node_file(n, &cloexec);

	if (!f)
		return -ENOENT;
	sb_printf(b, "pos:\t%ld\nflags:\t0%o\nmnt_id:\t%d\nino:\t%lu\n", (long)f->pos,
		  (unsigned)(f->flags | (cloexec ? O_CLOEXEC : 0)),
		  f->dentry && f->dentry->mnt ? f->dentry->mnt->id : 0,
		  f->inode ? f->inode->ino : 0);
	file_put(f);
	return 0;
}

static int link_exe(const struct pnode *n, struct dentry **out, char *name, size_t len)
{
	struct thread_group *tg = get_tg(n->pid);

	(void)name;
	(void)len;
	if (!tg)
		return -ENOENT;
	pthread_mutex_lock(&tg->lock);
	*out = dentry_get(tg->exe);
	pthread_mutex_unlock(&tg->lock);
	tg_put(tg);
	return *out ? 0 : -ENOENT;
}

/* The task's root (want_root) or cwd. */
static struct dentry *task_fs_dentry(struct task *t, bool want_root)
{
	struct dentry *d = NULL;

	if (t && t->fs) {
		pthread_mutex_lock(&t->fs->lock);
		d = dentry_get(want_root ? t->fs->root : t->fs->cwd);
		pthread_mutex_unlock(&t->fs->lock);
	}
	return d;
}

static int link_fs(const struct pnode *n, struct dentry **out, bool want_root)
{
	struct thread_group *tg = get_tg(n->pid);

	if (!tg)
		return -ENOENT;
	pthread_mutex_lock(&tg->lock);
	*out = task_fs_dentry(node_task(tg, n->tid), want_root);
	pthread_mutex_unlock(&tg->lock);
	tg_put(tg);
	return *out ? 0 : -ENOENT;
}

static int link_cwd(const struct pnode *n, struct dentry **out, char *name, size_t len)
{
	(void)name;
	(void)len;
	return link_fs(n, out, false);
}

static int link_root(const struct pnode *n, struct dentry **out, char *name, size_t len)
{
	(void)name;
	(void)len;
	return link_fs(n, out, true);
}

/* ---------- /proc/self, /proc/thread-self ---------- */

static long link_text(char *buf, size_t len, const char *s)
{
	size_t n = strlen(s);

	if (n > len)
		n = len;
	memcpy(buf, s, n);
	return (long)n;
}

/* Relative targets: the walk resolves them under /proc, as Linux's do. */
static long readlink_self(const struct pnode *n, char *buf, size_t len)
{
	struct task *t = current_task;
	char s[16];

	(void)n;
	if (!t)
		return -ENOENT;
	snprintf(s, sizeof(s), "%d", t->tg->pid);
	return link_text(buf, len, s);
}

static long readlink_thread_self(const struct pnode *n, char *buf, size_t len)
{
	struct task *t = current_task;
	char s[40];

	(void)n;
	if (!t)
		return -ENOENT;
	snprintf(s, sizeof(s), "%d/task/%d", t->tg->pid, t->tid);
	return link_text(buf, len, s);
}

/* ---------- host-wide and sandbox-wide files ---------- */

static int show_cpuinfo(struct sbuf *b, const struct pnode *n)
{
	(void)n;
	return sb_host_file(b, "cpuinfo");
}

static int show_meminfo(struct sbuf *b, const struct pnode *n)
{
	(void)n;
	return sb_host_file(b, "meminfo");
}

/* Idle as if every CPU were idle all along: Linux's sum over CPUs. */
static int show_uptime(struct sbuf *b, const struct pnode *n)
{
	struct timespec up = uptime();
	unsigned long long cs = (unsigned long long)up.tv_sec * 100 + up.tv_nsec / 10000000;
	unsigned long long idle = cs * (unsigned)ncpus();

	(void)n;
	sb_printf(b, "%llu.%02llu %llu.%02llu\n", cs / 100, cs % 100, idle / 100, idle % 100);
	return 0;
}

/* Live threads, and the live thread groups' count in *groups. */
static int count_tasks(int *groups)
{
	pid_t *pids = NULL;
	long n = all_pids(&pids);
	int tasks = 0;

	*groups = 0;
	for (long i = 0; i < n; i++) {
		struct thread_group *tg = get_tg(pids[i]);

		if (!tg)
			continue;
		pthread_mutex_lock(&tg->lock);
		tasks += tg->nr_tasks;
		pthread_mutex_unlock(&tg->lock);
		tg_put(tg);
		++*groups;
	}
	free(pids);
	return tasks;
}

static pid_t last_pid(void)
{
	pid_t p;

	pthread_mutex_lock(&sandbox.lock);
	p = sandbox.next_pid - 1;
	pthread_mutex_unlock(&sandbox.lock);
	return p;
}

static int show_loadavg(struct sbuf *b, const struct pnode *n)
{
	int groups, tasks = count_tasks(&groups);

	(void)n;
	sb_printf(b, "0.00 0.00 0.00 1/%d %d\n", tasks, last_pid());
	return 0;
}

/* Ticks: every CPU idle since the sandbox started; btime from the same clock. */
static int show_stat_top(struct sbuf *b, const struct pnode *n)
{
	struct timespec up = uptime(), now;
	unsigned long idle = (unsigned long)up.tv_sec * USER_HZ +
			     (unsigned long)up.tv_nsec / (1000000000UL / USER_HZ);
	int cpus = ncpus(), groups, tasks = count_tasks(&groups);

	(void)n;
	clock_gettime(CLOCK_REALTIME, &now);
	sb_printf(b, "cpu  0 0 0 %lu 0 0 0 0 0 0\n", idle * (unsigned long)cpus);
	for (int i = 0; i < cpus; i++)
		sb_printf(b, "cpu%d 0 0 0 %lu 0 0 0 0 0 0\n", i, idle);
	sb_printf(b, "intr 0\nctxt 0\nbtime %ld\nprocesses %d\nprocs_running %d\n"
		  "procs_blocked 0\nsoftirq 0 0 0 0 0 0 0 0 0 0 0\n",
		  (long)(now.tv_sec - up.tv_sec), last_pid(), tasks ? tasks : 1);
	return 0;
}

/* A UTS name of the sandbox (sethostname changes them under its lock). */
static int show_uts_name(struct sbuf *b, const char *name)
{
	pthread_mutex_lock(&sandbox.lock);
	sb_printf(b, "%s\n", name);
	pthread_mutex_unlock(&sandbox.lock);
	return 0;
}

static int show_hostname(struct sbuf *b, const struct pnode *n)
{
	(void)n;
	return show_uts_name(b, sandbox.hostname);
}

static int show_domainname(struct sbuf *b, const struct pnode *n)
{
	(void)n;
	return show_uts_name(b, sandbox.domainname);
}

static void make_uuid(char out[37])
{
	unsigned char u[16];

	if (getrandom(u, sizeof(u), 0) != (ssize_t)sizeof(u))
		memset(u, 0, sizeof(u));
	u[6] = (u[6] & 0x0f) | 0x40;    /* version 4 */
	u[8] = (u[8] & 0x3f) | 0x80;    /* RFC 4122 variant */
	snprintf(out, 37, "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-"
		 "%02x%02x%02x%02x%02x%02x", u[0], u[1], u[2], u[3], u[4], u[5], u[6],
		 u[7], u[8], u[9], u[10], u[11], u[12], u[13], u[14], u[15]);
}

static int show_uuid(struct sbuf *b, const struct pnode *n)
{
	char u[37];

	(void)n;
	make_uuid(u);
	sb_printf(b, "%s\n", u);
	return 0;
}

static int show_boot_id(struct sbuf *b, const struct pnode *n)
{
	(void)n;
	sb_printf(b, "%s\n", boot_id);
	return 0;
}

/* ---------- the tree ---------- */

#define P_REG(nm, fn)   { .name = nm, .mode = S_IFREG | 0444, .show = fn }
#define P_PRIV(nm, fn)  { .name = nm, .mode = S_IFREG | 0400, .show = fn, .priv = true }
#define P_TXT(nm, s)    { .name = nm, .mode = S_IFREG | 0444, .show = show_text, .text = s }
#define P_DIR(nm, ents) { .name = nm, .mode = S_IFDIR | 0555, .sub = ents }
#define P_LNK(nm, t)    { .name = nm, .mode = S_IFLNK | 0777, .target = t }
#define P_RDLNK(nm, fn) { .name = nm, .mode = S_IFLNK | 0777, .readlink = fn }
#define P_MAGIC(nm, fn) { .name = nm, .mode = S_IFLNK | 0777, .link = fn, .priv = true }

#define TID_ENTS \
	P_REG("stat", show_stat), \
	P_REG("status", show_status), \
	P_REG("statm", show_statm), \
	P_REG("comm", show_comm), \
	P_REG("cmdline", show_cmdline), \
	P_PRIV("environ", show_environ), \
	P_PRIV("auxv", show_auxv), \
	{ .name = "maps", .mode = S_IFREG | 0444, .show = show_maps, .priv = true }, \
	P_REG("limits", show_limits), \
	P_REG("mounts", show_mounts), \
	P_REG("mountinfo", show_mountinfo), \
	P_TXT("cgroup", "0::/\n"), \
	P_TXT("oom_score", "0\n"), \
	P_REG("oom_score_adj", show_oom_score_adj), \
	P_REG("uid_map", show_uid_map), \
	P_REG("gid_map", show_gid_map), \
	{ .name = "fd", .mode = S_IFDIR | 0500, .dyn = DYN_FDS, .priv = true }, \
	{ .name = "fdinfo", .mode = S_IFDIR | 0500, .dyn = DYN_FDINFO, .priv = true }, \
	P_MAGIC("exe", link_exe), \
	P_MAGIC("cwd", link_cwd), \
	P_MAGIC("root", link_root)

static const struct pent tid_ents[] = { TID_ENTS, { 0 } };
static const struct pent pid_ents[] = {
	TID_ENTS,
	{ .name = "task", .mode = S_IFDIR | 0555, .dyn = DYN_TIDS },
	{ 0 }
};

/* Templates for the children of dynamic directories. */
static const struct pent pid_dir = P_DIR("<pid>", pid_ents);
static const struct pent tid_dir = P_DIR("<tid>", tid_ents);
/* fd links' permission bits follow the open mode: see fd_link_mode */
static const struct pent fd_link = { .mode = S_IFLNK | 0700, .link = link_fd, .priv = true };
static const struct pent fdinfo_file = { .mode = S_IFREG | 0444, .show = show_fdinfo,
					 .priv = true };

static const struct pent random_ents[] = {
	P_REG("boot_id", show_boot_id),
	P_REG("uuid", show_uuid),
	{ 0 }
};

static const struct pent kernel_ents[] = {
	P_TXT("pid_max", "4194304\n"),
	P_TXT("ostype", "Linux\n"),
	P_TXT("osrelease", PROC_RELEASE "\n"),
	P_TXT("version", PROC_VERSION "\n"),
	P_REG("hostname", show_hostname),
	P_REG("domainname", show_domainname),
	P_TXT("ngroups_max", "65536\n"),
	P_TXT("cap_last_cap", "40\n"),
	P_DIR("random", random_ents),
	{ 0 }
};

#define STR2(x) #x
#define STR(x) STR2(x)

static const struct pent vm_ents[] = {
	P_TXT("overcommit_memory", "0\n"),
	P_TXT("max_map_count", "65530\n"),
	P_TXT("mmap_min_addr", "65536\n"),
	{ 0 }
};

static const struct pent fs_ents[] = {
	P_TXT("file-max", "9223372036854775807\n"),
	P_TXT("nr_open", STR(FD_MAX) "\n"),     /* the most RLIMIT_NOFILE can be */
	{ 0 }
};

static const struct pent net_core_ents[] = { P_TXT("somaxconn", "4096\n"), { 0 } };
static const struct pent net_ents[] = { P_DIR("core", net_core_ents), { 0 } };

static const struct pent sys_ents[] = {
	P_DIR("kernel", kernel_ents),
	P_DIR("vm", vm_ents),
	P_DIR("fs", fs_ents),
	P_DIR("net", net_ents),
	{ 0 }
};

/* The file system types the sentry registered (vfs/fstype.c). */
static int show_filesystems(struct sbuf *b, const struct pnode *n)
{
	char buf[4096];

	(void)n;
	vfs_filesystems(buf, sizeof(buf));
	sb_printf(b, "%s", buf);
	return 0;
}

static struct inode *proc_mount(const struct fs_mount *m)
{
	(void)m;
	return procfs_root();
}

static struct fs_type proc_type = { .name = "proc", .mount = proc_mount };
FS_REGISTER(proc_type)

static const struct pent root_ents[] = {
	P_RDLNK("self", readlink_self),
	P_RDLNK("thread-self", readlink_thread_self),
	P_REG("cpuinfo", show_cpuinfo),
	P_REG("meminfo", show_meminfo),
	P_REG("uptime", show_uptime),
	P_REG("loadavg", show_loadavg),
	P_TXT("version", "Linux version " PROC_RELEASE " (cvisor) " PROC_VERSION "\n"),
	P_REG("filesystems", show_filesystems),
	P_LNK("mounts", "self/mounts"),
	P_REG("stat", show_stat_top),
	P_DIR("sys", sys_ents),
	{ 0 }
};

static const struct pent root_ent = {
	.name = "/", .mode = S_IFDIR | 0555, .sub = root_ents, .dyn = DYN_PIDS
};

/* ---------- inodes ---------- */

static const struct inode_ops proc_iops;
static const struct inode_ops proc_magic_iops;

static void pnode_release(struct inode *ino)
{
	free(PN(ino));
}

static struct pnode *pnode_new(uint64_t dev, uint64_t ino, const struct pent *e,
			       pid_t pid, pid_t tid, int fd)
{
	struct pnode *n = calloc(1, sizeof(*n));

	if (!n)
		return NULL;
	/* magic links need their own ops: the walk treats get_link as magic */
	inode_init(&n->vfs, e->link ? &proc_magic_iops : &proc_iops, e->mode, dev, ino,
		   pnode_release);
	n->e = e;
	n->pid = pid;
	n->tid = tid;
	n->fd = fd;
	return n;
}

static int new_child(struct pnode *dir, const struct pent *e, const char *name,
		     pid_t pid, pid_t tid, int fd, struct inode **out)
{
	struct pnode *n = pnode_new(dir->vfs.dev, child_ino(dir->vfs.ino, name), e, pid,
				    tid, fd);

	if (!n)
		return -ENOMEM;
	*out = &n->vfs;
	return 0;
}

/* Linux's fd links: r-x for reading, -wx for writing, for the owner. */
static mode_t fd_link_mode(const struct pnode *n)
{
	struct file *f = node_file(n, NULL);
	mode_t m = 0;

	if (!f)
		return S_IFLNK;
	if ((f->flags & O_ACCMODE) != O_WRONLY)
		m |= S_IRUSR | S_IXUSR;
	if ((f->flags & O_ACCMODE) != O_RDONLY)
		m |= S_IWUSR | S_IXUSR;
	file_put(f);
	return S_IFLNK | m;
}

static bool fd_open(pid_t pid, int fd)
{
	struct pnode n = { .pid = pid, .fd = fd };
	struct file *f = fd < FD_MAX ? node_file(&n, NULL) : NULL;

	file_put(f);
	return f != NULL;
}

/* /proc/<n>: a thread group, or any thread of one (hidden from readdir). */
static int lookup_pid(struct pnode *dir, const char *name, struct inode **out)
{
	int id = parse_num(name);
	pid_t tgid;

	if (id <= 0)
		return -ENOENT;
	if (has_task(id, 0))
		return new_child(dir, &pid_dir, name, id, 0, -1, out);
	tgid = tgid_of(id);
	if (!tgid)
		return -ENOENT;
	return new_child(dir, &pid_dir, name, tgid, id, -1, out);
}

static int lookup_dyn(struct pnode *dir, const char *name, struct inode **out)
{
	int id = parse_num(name), err;

	switch (dir->e->dyn) {
	case DYN_PIDS:
		return lookup_pid(dir, name, out);
	case DYN_TIDS:
		if (id <= 0 || !has_task(dir->pid, id))
			return -ENOENT;
		return new_child(dir, &tid_dir, name, dir->pid, id, -1, out);
	case DYN_FDS:
		if (id < 0 || !fd_open(dir->pid, id))
			return -ENOENT;
		err = new_child(dir, &fd_link, name, dir->pid, dir->tid, id, out);
		if (!err)
			(*out)->mode = fd_link_mode(PN(*out));
		return err;
	case DYN_FDINFO:
		if (id < 0 || !fd_open(dir->pid, id))
			return -ENOENT;
		return new_child(dir, &fdinfo_file, name, dir->pid, dir->tid, id, out);
	default:
		return -ENOENT;
	}
}

static int proc_lookup(struct inode *dino, const char *name, struct inode **out)
{
	struct pnode *dir = PN(dino);

	/* a process that has gone takes its directory's contents with it */
	if (dir->pid && !has_task(dir->pid, dir->tid))
		return -ENOENT;
	for (const struct pent *e = dir->e->sub; e && e->name; e++)
		if (!strcmp(e->name, name))
			return new_child(dir, e, name, dir->pid, dir->tid, dir->fd, out);
	return lookup_dyn(dir, name, out);
}

static int proc_getattr(struct inode *ino, struct stat *st)
{
	struct pnode *n = PN(ino);
	struct creds c;

	memset(st, 0, sizeof(*st));
	st->st_dev = ino->dev;
	st->st_ino = ino->ino;
	st->st_mode = ino->mode;
	st->st_nlink = S_ISDIR(ino->mode) ? 2 : 1;
	st->st_blksize = 1024;
	st->st_atim = st->st_mtim = st->st_ctim = proc_time;
	/* a process's entries belong to its effective ids */
	if (n->pid && get_creds(n->pid, &c)) {
		st->st_uid = c.euid;
		st->st_gid = c.egid;
	}
	return 0;
}

static int proc_setattr(struct inode *ino, const struct iattr *ia)
{
	(void)ino;
	(void)ia;
	return -EPERM;
}

static int proc_statfs(struct inode *ino, struct statfs *sf)
{
	(void)ino;
	memset(sf, 0, sizeof(*sf));
	sf->f_type = PROC_SUPER_MAGIC;
	sf->f_bsize = sf->f_frsize = 4096;
	sf->f_namelen = 255;
	return 0;
}

/* A path for readlink, as the reader sees it (from its root). */
static long dentry_path(struct dentry *d, char *buf, size_t len)
{
	struct dentry *root, *top = d;
	long n;

	/* memfd: a file on no mount, which Linux shows as "/memfd:x (deleted)" */
	if (!d->parent && strcmp(d->name, "/")) {
		n = snprintf(buf, len, "/%s (deleted)", d->name);
		return n >= 0 && (size_t)n < len ? n : -ENAMETOOLONG;
	}
	root = task_fs_dentry(current_task, true);
	while (top->parent)
		top = top->parent;
	n = vfs_path(root ? root : top, d, buf, len);
	dentry_put(root);
	return n;
}

static long magic_readlink(const struct pnode *n, char *buf, size_t len)
{
	struct dentry *d = NULL;
	int err;

	if (!may_access(current_task, n->pid))
		return -EACCES;
	err = n->e->link(n, &d, buf, len);
	if (err)
		return err;
	if (!d)
		return (long)strlen(buf);
	long r = dentry_path(d, buf, len);
	dentry_put(d);
	return r;
}

static long proc_readlink(struct inode *ino, char *buf, size_t len)
{
	struct pnode *n = PN(ino);
	char tmp[PATH_MAX];
	long r;

	if (n->e->target)
		return link_text(buf, len, n->e->target);
	if (n->e->readlink)
		return n->e->readlink(n, buf, len);
	if (!n->e->link)
		return -EINVAL;
	r = magic_readlink(n, tmp, sizeof(tmp));
	return r < 0 ? r : link_text(buf, len, tmp);
}

static int proc_get_link(struct task *t, struct inode *ino, struct dentry **out)
{
	struct pnode *n = PN(ino);
	char name[64];
	int err;

	if (!may_access(t ? t : current_task, n->pid))
		return -EACCES;
	*out = NULL;
	err = n->e->link(n, out, name, sizeof(name));
	if (!err && !*out)
		err = -ENOENT;  /* a pipe or anonymous file: no dentry to reopen */
	return err;
}

/* ---------- open files ---------- */

static const struct file_ops proc_file_fops;
static const struct file_ops proc_dir_fops;

static int open_file(struct pnode *n, struct file *f)
{
	struct sbuf *b = calloc(1, sizeof(*b));
	int err;

	if (!b)
		return -ENOMEM;
	err = n->e->show(b, n);
	if (!err && b->oom)
		err = -ENOMEM;
	if (err) {
		sb_free(b);
		free(b);
		return err;
	}
	f->ops = &proc_file_fops;
	f->priv = b;
	return 0;
}

static int proc_open(struct inode *ino, struct file *f)
{
	struct pnode *n = PN(ino);

	if ((f->flags & O_ACCMODE) != O_RDONLY)
		return -EACCES;
	if (n->e->priv && !may_access(current_task, n->pid))
		return -EACCES;
	if (S_ISDIR(ino->mode)) {
		f->ops = &proc_dir_fops;
		f->priv = NULL;         /* the listing is taken at the first getdents */
		return 0;
	}
	if (S_ISREG(ino->mode) && n->e->show)
		return open_file(n, f);
	return -ENXIO;
}

static const struct inode_ops proc_iops = {
	.lookup = proc_lookup,
	.readlink = proc_readlink,
	.getattr = proc_getattr,
	.setattr = proc_setattr,
	.open = proc_open,
	.statfs = proc_statfs,
};

static const struct inode_ops proc_magic_iops = {
	.readlink = proc_readlink,
	.getattr = proc_getattr,
	.setattr = proc_setattr,
	.statfs = proc_statfs,
	.get_link = proc_get_link,
};

static ssize_t pf_read(struct task *t, struct file *f, void *buf, size_t len, off_t *pos)
{
	struct sbuf *b = f->priv;
	size_t n;

	(void)t;
	if (*pos < 0)
		return -EINVAL;
	if ((size_t)*pos >= b->len)
		return 0;
	n = b->len - (size_t)*pos;
	if (n > len)
		n = len;
	memcpy(buf, b->p + *pos, n);
	*pos += (off_t)n;
	return (ssize_t)n;
}

static off_t pf_llseek(struct file *f, off_t off, int whence)
{
	return generic_llseek(f, off, whence, (off_t)((struct sbuf *)f->priv)->len);
}

static int proc_fstat(struct file *f, struct stat *st)
{
	return vfs_getattr(f->inode, st);
}

static void pf_release(struct file *f)
{
	sb_free(f->priv);
	free(f->priv);
}

static const struct file_ops proc_file_fops = {
	.read = pf_read,
	.fstat = proc_fstat,
	.llseek = pf_llseek,
	.release = pf_release,
};

/* ---------- directory listings ---------- */

struct pdirent {
	uint64_t ino;
	unsigned char type;
	char name[32];
};

struct dsnap {
	size_t n, cap;
	struct pdirent *e;
};

static void snap_add(struct dsnap *s, uint64_t ino, mode_t mode, const char *name)
{
	if (s->n == s->cap) {
		size_t cap = s->cap ? 2 * s->cap : 32;
		struct pdirent *e = realloc(s->e, cap * sizeof(*e));

		if (!e)
			return;         /* a shorter listing, not a failure */
		s->e = e;
		s->cap = cap;
	}
	s->e[s->n].ino = ino;
	s->e[s->n].type = dt_type(mode);
	snprintf(s->e[s->n].name, sizeof(s->e[s->n].name), "%s", name);
	s->n++;
}

static void snap_num(struct dsnap *s, const struct pnode *dir, int id, mode_t mode)
{
	char name[16];

	snprintf(name, sizeof(name), "%d", id);
	snap_add(s, child_ino(dir->vfs.ino, name), mode, name);
}

static void list_pids(struct dsnap *s, const struct pnode *dir)
{
	pid_t *pids = NULL;
	long n = all_pids(&pids);

	for (long i = 0; i < n; i++)
		if (has_task(pids[i], 0))
			snap_num(s, dir, pids[i], S_IFDIR);
	free(pids);
}

static void list_tids(struct dsnap *s, const struct pnode *dir)
{
	struct thread_group *tg = get_tg(dir->pid);
	pid_t *tids;
	int n = 0;

	if (!tg)
		return;
	pthread_mutex_lock(&tg->lock);
	tids = malloc(((size_t)tg->nr_tasks + 1) * sizeof(*tids));
	for (struct task *t = tg->tasks; tids && t && n <= tg->nr_tasks; t = t->next)
		tids[n++] = t->tid;
	pthread_mutex_unlock(&tg->lock);
	tg_put(tg);
	if (n)
		qsort(tids, (size_t)n, sizeof(*tids), cmp_pid);
	for (int i = 0; i < n; i++)
		snap_num(s, dir, tids[i], S_IFDIR);
	free(tids);
}

static void list_fds(struct dsnap *s, const struct pnode *dir, mode_t mode)
{
	struct thread_group *tg = get_tg(dir->pid);
	bool used[FD_MAX] = { false };

	if (!tg)
		return;
	pthread_mutex_lock(&tg->lock);
	if (tg->fdt) {
		pthread_mutex_lock(&tg->fdt->lock);
		for (int i = 0; i < FD_MAX; i++)
			used[i] = tg->fdt->fd[i] != NULL;
		pthread_mutex_unlock(&tg->fdt->lock);
	}
	pthread_mutex_unlock(&tg->lock);
	tg_put(tg);
	for (int i = 0; i < FD_MAX; i++)
		if (used[i])
			snap_num(s, dir, i, mode);
}

static struct dsnap *take_snapshot(struct file *f)
{
	struct pnode *dir = PN(f->inode);
	struct dsnap *s = calloc(1, sizeof(*s));
	struct dentry *d = f->dentry;

	if (!s)
		return NULL;
	snap_add(s, dir->vfs.ino, S_IFDIR, ".");
	snap_add(s, d && d->parent ? d->parent->inode->ino : dir->vfs.ino, S_IFDIR, "..");
	for (const struct pent *e = dir->e->sub; e && e->name; e++)
		snap_add(s, child_ino(dir->vfs.ino, e->name), e->mode, e->name);
	switch (dir->e->dyn) {
	case DYN_PIDS: list_pids(s, dir); break;
	case DYN_TIDS: list_tids(s, dir); break;
	case DYN_FDS: list_fds(s, dir, S_IFLNK); break;
	case DYN_FDINFO: list_fds(s, dir, S_IFREG); break;
	default: break;
	}
	return s;
}

static void snap_free(struct dsnap *s)
{
	if (s)
		free(s->e);
	free(s);
}

/* Offsets are indexes into a listing taken when reading starts (pos 0). */
static long pd_getdents(struct file *f, void *buf, size_t len, off_t *pos)
{
	struct dsnap *s = f->priv;
	size_t used = 0;

	if (!s || *pos == 0) {
		snap_free(s);
		s = f->priv = take_snapshot(f);
		if (!s)
			return -ENOMEM;
	}
	while (*pos >= 0 && (size_t)*pos < s->n) {
		struct pdirent *e = &s->e[*pos];

		if (dirent_emit(buf, len, &used, e->ino, *pos + 1, e->type, e->name))
			break;
		(*pos)++;
	}
	if (!used && *pos >= 0 && (size_t)*pos < s->n)
		return -EINVAL;         /* buffer too small for one record */
	return (long)used;
}

static off_t pd_llseek(struct file *f, off_t off, int whence)
{
	if (whence != SEEK_SET && whence != SEEK_CUR)
		return -EINVAL;
	return generic_llseek(f, off, whence, 0);
}

static void pd_release(struct file *f)
{
	snap_free(f->priv);
}

static const struct file_ops proc_dir_fops = {
	.fstat = proc_fstat,
	.llseek = pd_llseek,
	.getdents = pd_getdents,
	.release = pd_release,
};

/* ---------- the root ---------- */

struct inode *procfs_root(void)
{
	struct pnode *root;

	clock_gettime(CLOCK_REALTIME, &proc_time);
	make_uuid(boot_id);
	root = pnode_new(vfs_new_dev(), PROC_ROOT_INO, &root_ent, 0, 0, -1);
	return root ? &root->vfs : NULL;
}
