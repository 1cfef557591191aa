/* SPDX-License-Identifier: MIT */
/*
 * systrap: stub processes and their threads (DESIGN.md §3).
 *
 * platform_init() maps the stub region in the sentry and clones the stub
 * template from it.  Every application address space is a clone of the
 * template made by the template's syscall thread (CLONE_PARENT, so the
 * sentry stays the parent of all of them; CLONE_FILES, so the stub can map
 * any file the sentry opened and no fd is ever passed over a socket).
 */
#include <errno.h>
#include <signal.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/auxv.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/uio.h>
#include <sys/rseq.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "stub_syms.h"
#include "platform/internal.h"

extern const char stub_blob_start[], stub_blob_end[];

static struct stub_proc template;
bool platform_fsgsbase;
static struct stub_proc *procs;          /* live stub processes */
static pthread_mutex_t procs_lock = PTHREAD_MUTEX_INITIALIZER;

#ifndef HWCAP2_FSGSBASE
#define HWCAP2_FSGSBASE (1 << 1)
#endif

static int ctl_pages(struct stub_proc *p)
{
	void *m;

	p->ctl_fd = memfd_create("cvisor-ctl", MFD_CLOEXEC);
	if (p->ctl_fd < 0 || ftruncate(p->ctl_fd, STUB_CTL_SIZE) < 0)
		return -errno;
	m = mmap(NULL, STUB_CTL_SIZE, PROT_READ | PROT_WRITE, MAP_SHARED, p->ctl_fd, 0);
	if (m == MAP_FAILED)
		return -errno;
	p->req = m;
	p->resp = (struct stub_resp *)((char *)m + 0x1000);
	pthread_mutex_init(&p->lock, NULL);
	return 0;
}

/*
 * The highest address a mapping can have with 4-level page tables.  The
 * vsyscall page above it is the kernel's, the same in every process, and
 * cannot be unmapped: munmap of a range that reaches it fails as a whole,
 * which once left every page of the sentry's in every stub.
 */
#define USER_TOP 0x7ffffffff000UL

/* What a stub process keeps of the sentry's address space: the stub
 * region and the kernel's vDSO, vvar and vsyscall pages. */
static bool keep_mapping(const char *name, uint64_t start)
{
	return (start >= STUB_BASE && start < STUB_END) ||
	       strstr(name, "[vdso]") || strstr(name, "[vvar") ||
	       strstr(name, "[vsyscall]");
}

/*
 * Call fn for each line of a /proc/PID/maps file; stop at its first
 * non-zero answer and return it.
 */
static int maps_each(const char *path, int (*fn)(void *arg, uint64_t start, uint64_t end,
						 const char *line), void *arg)
{
	FILE *f = fopen(path, "re");
	char line[512];
	int ret = 0;

	if (!f)
		return -errno;
	while (!ret && fgets(line, sizeof(line), f)) {
		unsigned long start, end;

		if (sscanf(line, "%lx-%lx", &start, &end) == 2)
			ret = fn(arg, start, end, line);
	}
	fclose(f);
	return ret;
}

struct gaps {
	struct stub_global *g;
	uint64_t prev;          /* end of the last kept mapping */
	uint64_t top;           /* end of the highest user mapping */
};

static void add_gap(struct stub_global *g, uint64_t start, uint64_t end)
{
	if (end <= start)
		return;
	if (g->nr_unmap < STUB_MAX_UNMAP) {
		g->unmap[g->nr_unmap][0] = start;
		g->unmap[g->nr_unmap][1] = end;
	}
	g->nr_unmap++;
}

struct platform_mapping platform_kernel_maps[PLATFORM_MAX_KERNEL_MAPS];
int platform_nr_kernel_maps;

/* The kernel's own mappings stay in every stub: shown in /proc/PID/maps. */
static void note_kernel_mapping(uint64_t start, uint64_t end, const char *line)
{
	struct platform_mapping *m = &platform_kernel_maps[platform_nr_kernel_maps];
	const char *name = strchr(line, '[');

	if (!name || platform_nr_kernel_maps >= PLATFORM_MAX_KERNEL_MAPS)
		return;
	m->start = start;
	m->end = end;
	sscanf(line, "%*s %4s", m->perms);
	snprintf(m->name, sizeof(m->name), "%.*s", (int)strcspn(name, "\n"), name);
	platform_nr_kernel_maps++;
}

static int gap_before(void *arg, uint64_t start, uint64_t end, const char *line)
{
	struct gaps *x = arg;

	if (keep_mapping(line, start) && !(start >= STUB_BASE && start < STUB_END))
		note_kernel_mapping(start, end, line);
	if (strstr(line, "[vsyscall]"))
		return 0;               /* above USER_TOP: nothing to do */
	if (end > x->top)
		x->top = end;
	if (!keep_mapping(line, start))
		return 0;
	add_gap(x->g, x->prev, start);
	if (end > x->prev)
		x->prev = end;
	return 0;
}

/* The template unmaps everything of the sentry's but what it keeps. */
static int unmap_list(struct stub_global *g)
{
	struct gaps x = { .g = g, .top = USER_TOP };
	int err;

	g->nr_unmap = 0;
	platform_nr_kernel_maps = 0;
	err = maps_each("/proc/self/maps", gap_before, &x);
	if (err)
		return err;
	add_gap(g, x.prev, x.top);
	return g->nr_unmap <= STUB_MAX_UNMAP ? 0 : -E2BIG;
}

static int foreign_mapping(void *arg, uint64_t start, uint64_t end, const char *line)
{
	(void)arg;
	(void)end;
	if (keep_mapping(line, start))
		return 0;
	fprintf(stderr, "cvisor: the stub template still maps %s", line);
	return -EIO;
}

/*
 * Every stub process is a copy of the template: check from outside that
 * nothing of the sentry's (its stack and environment, heap, libraries,
 * ld.so) is left in it before an application runs there, and that the
 * sentry can reach its memory although it is not dumpable.
 */
static int template_check(pid_t pid)
{
	char path[64], byte;
	struct iovec local = { &byte, 1 }, remote = { (void *)STUB_CODE, 1 };
	int err;

	snprintf(path, sizeof(path), "/proc/%d/maps", pid);
	err = maps_each(path, foreign_mapping, NULL);
	if (!err && process_vm_readv(pid, &local, 1, &remote, 1, 0) != 1) {
		err = -errno;
		fprintf(stderr, "cvisor: the sentry cannot reach its stubs' memory: %s "
			"(is the cvisor binary readable by the sandbox's root?)\n", strerror(errno));
	}
	return err;
}

/*
 * No core file of a stub process, nor of the sentry, ever: they hold the
 * application's memory, and a host signal can kill a stub process (an
 * application that blocks every host signal and then traps).  Not dumpable
 * also covers a core_pattern pipe, which RLIMIT_CORE does not.  Stubs are
 * copies of the sentry and inherit both; the sentry keeps CAP_SYS_PTRACE in
 * its own user namespace to reach their memory (sandbox/sentry_exec.h).
 */
static int no_core_dumps(void)
{
	const struct rlimit zero = { 0, 0 };

	if (setrlimit(RLIMIT_CORE, &zero) || prctl(PR_SET_DUMPABLE, 0))
		return -errno;
	return 0;
}

static int map_stub_region(struct stub_global **gout)
{
	size_t blob = (size_t)(stub_blob_end - stub_blob_start);
	size_t len = STUB_CODE_SIZE + STUB_GLOBAL_SIZE;
	int fd;
	char *w;

	if (blob > STUB_CODE_SIZE)
		return -E2BIG;
	if (mmap((void *)STUB_BASE, STUB_SIZE, PROT_NONE,
		 MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE | MAP_FIXED_NOREPLACE,
		 -1, 0) != (void *)STUB_BASE)
		return -EADDRINUSE;
	fd = memfd_create("cvisor-stub", MFD_CLOEXEC);
	if (fd < 0 || ftruncate(fd, (off_t)len) < 0)
		return -errno;
	/* The sentry writes through its own mapping; stubs see it read-only. */
	w = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	if (w == MAP_FAILED)
		return -errno;
	memcpy(w, stub_blob_start, blob);
	if (mmap((void *)STUB_CODE, STUB_CODE_SIZE, PROT_READ | PROT_EXEC,
		 MAP_SHARED | MAP_FIXED, fd, 0) == MAP_FAILED ||
	    mmap((void *)STUB_GLOBAL, STUB_GLOBAL_SIZE, PROT_READ,
		 MAP_SHARED | MAP_FIXED, fd, STUB_CODE_SIZE) == MAP_FAILED)
		return -errno;
	*gout = (struct stub_global *)(w + STUB_CODE_SIZE);
	return 0;
}

static int fill_global(struct stub_global *g)
{
	int n;

	n = build_sys_filter(g->sys_filter, STUB_MAX_FILTER);
	if (n < 0)
		return -E2BIG;
	g->sys_prog.len = (uint16_t)n;
	g->sys_prog.filter = STUB_GLOBAL + offsetof(struct stub_global, sys_filter);
	n = build_app_filter(g->app_filter, STUB_MAX_FILTER);
	if (n < 0)
		return -E2BIG;
	g->app_prog.len = (uint16_t)n;
	g->app_prog.filter = STUB_GLOBAL + offsetof(struct stub_global, app_filter);
	g->use_fsgsbase = (getauxval(AT_HWCAP2) & HWCAP2_FSGSBASE) != 0;
	platform_fsgsbase = g->use_fsgsbase;
	g->interrupt_signo = INTERRUPT_SIGNO;
	g->cpu_insn = handoff_init();
	g->template_ctl_fd = (uint32_t)template.ctl_fd;
	if (__rseq_size) {
		g->rseq_addr = (uint64_t)__builtin_thread_pointer() + (uint64_t)__rseq_offset;
		g->rseq_len[0] = 32;
		g->rseq_len[1] = __rseq_size;
		g->rseq_sig = 0x53053053;       /* glibc's RSEQ_SIG on x86 */
	}
	return 0;
}

int platform_init(void)
{
	struct stub_global *g = NULL;
	int (*entry)(void *) = (int (*)(void *))(STUB_CODE + STUB_SYM_stub_template_main);
	int err;
	pid_t pid;

	err = no_core_dumps();
	if (!err)
		err = hostproc_init();
	if (!err)
		err = map_stub_region(&g);
	if (!err)
		err = ctl_pages(&template);
	if (!err)
		err = fill_global(g);
	if (err)
		return err;
	patch_init();
	if (mmap((void *)STUB_INIT_STACK, STUB_INIT_STACK_SIZE, PROT_READ | PROT_WRITE,
		 MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0) == MAP_FAILED)
		return -errno;
	err = unmap_list(g);
	if (err)
		return err;
	pid = clone(entry, (void *)(STUB_INIT_STACK + STUB_INIT_STACK_SIZE),
		    CLONE_FILES | SIGCHLD, NULL);
	if (pid < 0)
		return -errno;
	template.host_pid = pid;
	template.refs = 1;
	/* The stubs (its clones) in a process group of their own: a terminal
	 * whose foreground group is the sentry's (a container's pty) signals
	 * the sentry only, which passes the signal on (kernel/tty.c). */
	setpgid(pid, pid);
	/* Give the set-up stack back to the reservation. */
	mmap((void *)STUB_INIT_STACK, STUB_INIT_STACK_SIZE, PROT_NONE,
	     MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED | MAP_NORESERVE, -1, 0);
	/* The first host call proves the template is up and serving. */
	err = (int)hostcall(&template, __NR_sched_yield, 0, 0, 0, 0, 0, 0);
	return err < 0 ? err : template_check(pid);
}

static void spare_stop(void);

void platform_fini(void)
{
	spare_stop();
	stub_proc_kill(&template);
	pthread_mutex_lock(&procs_lock);
	for (struct stub_proc *p = procs; p; p = p->next)
		stub_proc_kill(p);
	pthread_mutex_unlock(&procs_lock);
}

/* Pids the reaper saw exit before they were in the list (procs_lock held). */
static pid_t unknown[64];
static unsigned nr_unknown;

static bool take_unknown(pid_t pid)
{
	for (unsigned i = 0; i < 64; i++)
		if (unknown[i] == pid) {
			unknown[i] = 0;
			return true;
		}
	return false;
}

/*
 * A slot an ended thread left (procs_lock held), or -1.  Its host thread
 * must be gone: the kernel cleared the state word at its exit
 * (CLONE_CHILD_CLEARTID) and the host knows the thread no more.  The word
 * alone is not proof, as the application can write it; a host tid taken
 * again by a newer thread only keeps the slot out of use a while longer.
 */
static int slot_reuse(struct stub_proc *p)
{
	for (uint32_t i = 0; i < p->nr_free; i++) {
		struct free_slot *f = &p->free_slots[i];

		if (__atomic_load_n(&p->msgs[f->slot]->state, __ATOMIC_ACQUIRE) != 0 ||
		    syscall(SYS_tgkill, p->host_pid, f->host_tid, 0) == 0 || errno != ESRCH)
			continue;
		int slot = (int)f->slot;

		*f = p->free_slots[--p->nr_free];
		return slot;
	}
	return -1;
}

/*
 * A thread slot of p: its sysmsg page, a page of the control memfd past
 * the request and response pages, mapped in the sentry.  The stub maps the
 * same page at STUB_SLOT_MSG(slot) in its own address space.  An ended
 * thread's slot is taken again (its pages are mapped on both sides
 * already), so that a process that starts threads without end (a thread
 * per connection) never runs out of the STUB_MAX_THREADS slots and the
 * sentry does not keep a page for every thread it ever ran.
 */
static int slot_alloc(struct stub_proc *p, struct stub_thread **out)
{
	struct stub_thread *t = calloc(1, sizeof(*t));
	struct sysmsg **msgs;
	int err = -ENOMEM, slot;

	if (!t)
		return -ENOMEM;
	pthread_mutex_lock(&procs_lock);
	if ((slot = slot_reuse(p)) >= 0) {
		pthread_mutex_unlock(&procs_lock);
		t->slot = (uint32_t)slot;
		t->msg = p->msgs[slot];
		t->reused = true;
		memset(t->msg, 0, sizeof(*t->msg));
		goto ready;
	}
	if (p->nr_slots >= STUB_MAX_THREADS) {
		err = -EAGAIN;
		goto fail;
	}
	msgs = realloc(p->msgs, (p->nr_slots + 1) * sizeof(*msgs));
	if (!msgs)
		goto fail;
	p->msgs = msgs;
	t->slot = p->nr_slots;
	t->msg = MAP_FAILED;
	if (ftruncate(p->ctl_fd, (off_t)STUB_CTL_MSG_OFF(t->slot + 1)) == 0)
		t->msg = mmap(NULL, 0x1000, PROT_READ | PROT_WRITE, MAP_SHARED, p->ctl_fd,
			      (off_t)STUB_CTL_MSG_OFF(t->slot));
	if (t->msg == MAP_FAILED) {
		err = -errno;
		goto fail;
	}
	p->msgs[p->nr_slots++] = t->msg;
	pthread_mutex_unlock(&procs_lock);
ready:
	t->proc = p;
	t->msg->spin = stub_spin_iters;
	t->msg->state = SYSMSG_NEW;     /* until the kernel clears it at exit */
	t->posted = SYSMSG_NEW;
	*out = t;
	return 0;
fail:
	pthread_mutex_unlock(&procs_lock);
	free(t);
	return err;
}

/*
 * A new stub process: a clone of the template (an empty address space), or
 * of from (fork: the host copies the address space copy-on-write).  Its
 * syscall thread makes the first application thread in slot 0 on its own
 * (stub/entry.S); stub_thread_create() hands it out.
 */
static int stub_proc_clone(struct stub_proc *from, struct stub_proc **out)
{
	const uint64_t args[6] = { STUB_CLONE_PROCESS };
	struct stub_proc *p = calloc(1, sizeof(*p));
	long pid;
	int err;

	if (!p)
		return -ENOMEM;
	patch_fork(p, from);
	err = ctl_pages(p);
	if (!err)
		err = slot_alloc(p, &p->first);
	if (err)
		goto fail;
	/* its registers come after the fork's or exec's other work: sleep */
	p->first->msg->spin = 0;
	p->batching = !from;    /* an empty address space: exec maps it */
	p->forked_from = from;
	/*
	 * No lock is held across the host call: the process cloning may die
	 * meanwhile, and the reaper must be able to take procs_lock to say so
	 * (else this call would wait for ever).  A child reaped before it is
	 * in the list is found in the reaper's note of unknown pids.
	 */
	pid = hostcall_child(from ? from : &template, __NR_clone, args,
			     CHILD_PROCESS(p->ctl_fd));
	pthread_mutex_lock(&procs_lock);
	if (pid > 0) {
		p->host_pid = (pid_t)pid;
		p->refs = 2;    /* the caller's, and the live list's (the reaper's) */
		p->next = procs;
		procs = p;
		if (take_unknown((pid_t)pid)) {
			procs = p->next;
			p->refs = 1;
			p->dead = true;         /* it is gone already */
		}
	}
	pthread_mutex_unlock(&procs_lock);
	if (pid <= 0) {
		err = pid < 0 ? (int)pid : -EIO;
		goto fail;
	}
	/* (a fork's copy of the parent's thread slots is unmapped by the
	 * child itself, before it serves a request: stub/entry.S) */
	*out = p;
	return 0;
fail:
	p->refs = 1;
	stub_proc_put(p);
	return err;
}

/*
 * An empty address space made ahead of time: execve takes it and a helper
 * thread makes the next one while the new program runs, so the clone of
 * the template (two round trips between processes, ~200 us here) is off
 * the exec's path.  platform_spare_start() starts the helper once the
 * sentry has confined itself: capabilities are dropped per thread, so a
 * thread started earlier would keep them.
 */
static struct {
	pthread_mutex_t lock;
	pthread_cond_t cv;
	struct stub_proc *proc;     /* ready, or NULL */
	bool wanted;                /* the helper should make one */
	bool started;
	bool busy;                  /* it is making one */
	bool stopping;              /* the sandbox ends: make no more */
} spare = { .lock = PTHREAD_MUTEX_INITIALIZER, .cv = PTHREAD_COND_INITIALIZER };

static void *spare_main(void *arg)
{
	(void)arg;
	pthread_mutex_lock(&spare.lock);
	for (;;) {
		struct stub_proc *p = NULL;

		while (!spare.stopping && (!spare.wanted || spare.proc))
			pthread_cond_wait(&spare.cv, &spare.lock);
		if (spare.stopping)
			break;
		spare.wanted = false;
		spare.busy = true;
		pthread_mutex_unlock(&spare.lock);
		if (stub_proc_clone(NULL, &p))
			p = NULL;       /* the next exec clones on its own path */
		pthread_mutex_lock(&spare.lock);
		spare.busy = false;
		spare.proc = p;
		pthread_cond_broadcast(&spare.cv);
	}
	pthread_mutex_unlock(&spare.lock);
	return NULL;
}

/*
 * No spare may be in the making while platform_fini() kills the stub
 * processes: one cloned just after would outlive the sandbox, and the
 * sentry would wait for it for ever.
 */
static void spare_stop(void)
{
	pthread_mutex_lock(&spare.lock);
	spare.stopping = true;
	pthread_cond_broadcast(&spare.cv);
	while (spare.busy)
		pthread_cond_wait(&spare.cv, &spare.lock);
	pthread_mutex_unlock(&spare.lock);
}

void platform_spare_start(void)
{
	pthread_attr_t attr;
	pthread_t th;

	pthread_attr_init(&attr);
	pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
	pthread_attr_setstacksize(&attr, 64 << 10);
	pthread_mutex_lock(&spare.lock);
	spare.started = pthread_create(&th, &attr, spare_main, NULL) == 0;
	spare.wanted = true;
	pthread_mutex_unlock(&spare.lock);
	pthread_attr_destroy(&attr);
}

/* --stats: empty address spaces execve took, and how many found no spare */
static unsigned long nr_empty, nr_no_spare;

/* Take the spare (NULL if none), and ask for the next one. */
static struct stub_proc *spare_take(void)
{
	struct stub_proc *p;

	pthread_mutex_lock(&spare.lock);
	nr_empty++;
	nr_no_spare += !spare.proc;
	p = spare.proc;
	spare.proc = NULL;
	spare.wanted = spare.started;
	pthread_cond_signal(&spare.cv);
	pthread_mutex_unlock(&spare.lock);
	if (p && __atomic_load_n(&p->dead, __ATOMIC_ACQUIRE)) {
		stub_proc_put(p);       /* killed on the host meanwhile */
		p = NULL;
	}
	return p;
}

int stub_proc_create(struct stub_proc *from, struct stub_proc **out)
{
	if (!from) {
		struct stub_proc *p = spare_take();

		if (p) {
			*out = p;
			return 0;
		}
	}
	return stub_proc_clone(from, out);
}

void stub_proc_kill(struct stub_proc *p)
{
	/* a reaped stub's pid may name another process by now */
	if (p->host_pid > 0 && !__atomic_load_n(&p->dead, __ATOMIC_ACQUIRE))
		kill(p->host_pid, SIGKILL);
}

void stub_proc_kill_broken(struct stub_proc *p)
{
	__atomic_store_n(&p->broken, true, __ATOMIC_SEQ_CST);
	stub_proc_kill(p);
}

pid_t stub_proc_host_pid(const struct stub_proc *p)
{
	return p->host_pid;
}

/* The reaper saw the host process exit: wake everything waiting on it. */
void stub_proc_exited(pid_t pid, int status)
{
	if (pid == template.host_pid) {
		/* killed on the host: a clone in progress must not wait for ever */
		__atomic_store_n(&template.dead, true, __ATOMIC_SEQ_CST);
		futex_wake_word(&template.resp->seq);
		return;
	}
	pthread_mutex_lock(&procs_lock);
	for (struct stub_proc **pp = &procs; *pp; pp = &(*pp)->next) {
		struct stub_proc *p = *pp;

		if (p->host_pid != pid)
			continue;
		p->host_status = status;
		__atomic_store_n(&p->reaped, 1, __ATOMIC_RELEASE);
		futex_wake_all(&p->reaped);
		__atomic_store_n(&p->dead, true, __ATOMIC_SEQ_CST);
		*pp = p->next;
		futex_wake_word(&p->resp->seq);
		for (uint32_t i = 0; i < p->nr_slots; i++) {
			uint32_t *w = (uint32_t *)((char *)p->msgs[i]);

			futex_wake_word(w);
		}
		pthread_mutex_unlock(&procs_lock);
		stub_proc_put(p);
		return;
	}
	unknown[nr_unknown++ % 64] = pid;       /* a clone not yet listed */
	pthread_mutex_unlock(&procs_lock);
}

int stub_proc_wait(struct stub_proc *p)
{
	while (!__atomic_load_n(&p->reaped, __ATOMIC_ACQUIRE))
		futex_wait_word(&p->reaped, 0);
	return p->host_status;
}

void stub_proc_put(struct stub_proc *p)
{
	if (__atomic_sub_fetch(&p->refs, 1, __ATOMIC_ACQ_REL) != 0)
		return;
	for (uint32_t i = 0; i < p->nr_slots; i++)
		munmap(p->msgs[i], 0x1000);
	free(p->msgs);
	free(p->free_slots);
	free(p->first);
	if (p->req) {
		hostcall_batch_drop(p);
		munmap(p->req, STUB_CTL_SIZE);
	}
	if (p->ctl_fd > 0)
		close(p->ctl_fd);
	patch_put(p);
	free(p);
}

/*
 * A fork's pid came back in its parent's response page, which the parent's
 * application can write: a forged one would aim process_vm_readv/writev and
 * kill at another process (pid 1 is the sentry itself).  The first thread's
 * id comes from the child's own page, which only the child and the sentry
 * map, written before any application code runs there: the pid is right if
 * that thread is in it.  If not, the parent broke the protocol and dies; the
 * real child, known by its thread only, goes too.
 */
static int check_forked_pid(struct stub_proc *p, pid_t tid)
{
	if (syscall(SYS_tgkill, p->host_pid, tid, 0) == 0 || kill(tid, 0) != 0)
		return 0;       /* the pid is right, or the child is gone */
	kill(tid, SIGKILL);
	if (p->forked_from)
		stub_proc_kill_broken(p->forked_from);
	pthread_mutex_lock(&procs_lock);
	for (struct stub_proc **pp = &procs; *pp; pp = &(*pp)->next)
		if (*pp == p) {
			*pp = p->next;
			p->refs--;      /* the live list's */
			break;
		}
	p->host_pid = 0;
	__atomic_store_n(&p->dead, true, __ATOMIC_SEQ_CST);
	pthread_mutex_unlock(&procs_lock);
	return -EIO;
}

/*
 * The first thread, which the process made itself: once it is ready.  If
 * the host refused the thread (EAGAIN under a pids limit), the stub left
 * the error in first_tid and died.
 */
static int take_first(struct stub_proc *p, struct stub_thread *t)
{
	int32_t tid;
	int err;

	if (stub_thread_wait(t, NULL) != EV_READY) {
		tid = (int32_t)__atomic_load_n(&p->resp->first_tid, __ATOMIC_ACQUIRE);
		free(t);
		return tid < 0 && tid > -4096 ? tid : -EIO;
	}
	t->host_tid = (pid_t)__atomic_load_n(&p->resp->first_tid, __ATOMIC_ACQUIRE);
	err = check_forked_pid(p, t->host_tid);
	p->forked_from = NULL;
	if (err)
		free(t);
	return err;
}

int stub_thread_create(struct stub_proc *p, struct stub_thread **out)
{
	struct stub_thread *t = __atomic_exchange_n(&p->first, NULL, __ATOMIC_ACQ_REL);
	uint64_t args[6] = { STUB_CLONE_THREAD };
	long ret;
	int err;

	if (t) {
		err = hostcall_batch_end(p);
		if (err) {
			free(t);
			return err;
		}
		err = take_first(p, t);
		if (!err)
			*out = t;
		return err;
	}
	err = slot_alloc(p, &t);
	if (err)
		return err;
	ret = (long)STUB_SLOT_STACK(t->slot);
	if (!t->reused) {
		ret = hostcall(p, __NR_mmap, STUB_SLOT_MSG(t->slot), 0x1000,
			       PROT_READ | PROT_WRITE, MAP_SHARED | MAP_FIXED,
			       (uint64_t)p->ctl_fd, STUB_CTL_MSG_OFF(t->slot));
		if (ret == (long)STUB_SLOT_MSG(t->slot))
			ret = hostcall(p, __NR_mmap, STUB_SLOT_STACK(t->slot),
				       STUB_SIGSTACK_SIZE, PROT_READ | PROT_WRITE,
				       MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, (uint64_t)-1, 0);
	}
	if (ret != (long)STUB_SLOT_STACK(t->slot))
		goto fail;
	args[1] = STUB_SLOT_STACK(t->slot) + STUB_SIGSTACK_SIZE;
	args[3] = STUB_SLOT_MSG(t->slot);       /* cleared when the thread exits */
	ret = hostcall_child(p, __NR_clone, args, CHILD_THREAD(t->slot));
	if (ret <= 0)
		goto fail;
	t->host_tid = (pid_t)ret;
	if (stub_thread_wait(t, NULL) != EV_READY)
		goto fail;
	*out = t;
	return 0;
fail:
	free(t);
	return ret < 0 ? (int)ret : -EIO;
}

/*
 * The thread is stopped in the fast entry of a patched syscall site, with
 * no signal frame: let it go with need_frame, and its stub stops again at
 * once with one (stub.c, fast_stop) and the same registers.
 */
static void take_frame(struct stub_thread *t)
{
	struct stub_regs r;

	memcpy(&r, &t->msg->regs, sizeof(r));
	__atomic_store_n(&t->msg->need_frame, 1, __ATOMIC_RELAXED);
	stub_thread_resume(t, &r);
	/* EV_INTERRUPT; anything else is the application's doing, and the
	 * frame it gets is what its page says */
	stub_thread_wait(t, &r);
}

uint64_t stub_thread_fpstate(struct stub_thread *t)
{
	uint64_t fp, lo = STUB_SLOT_STACK(t->slot), hi = lo + STUB_SIGSTACK_SIZE;

	if (__atomic_load_n(&t->msg->fpstate, __ATOMIC_RELAXED) == SYSMSG_FAST_FP)
		take_frame(t);
	fp = __atomic_load_n(&t->msg->fpstate, __ATOMIC_RELAXED);

	/* (the legacy area, 512 bytes, at least; xstate_size() reads its end) */
	return fp >= lo && fp < hi && hi - fp >= 512 ? fp : 0;
}

void stub_thread_set_exit(struct stub_regs *regs)
{
	regs->rip = STUB_CODE + STUB_SYM_stub_thread_exit;
}

/* t's host thread has been told to end (or has): its slot waits for that. */
void stub_thread_free(struct stub_thread *t)
{
	struct stub_proc *p = t ? t->proc : NULL;

	if (!t)
		return;
	handoff_flush(&t->handoff);
	if (p && t->host_tid > 0) {
		pthread_mutex_lock(&procs_lock);
		if (p->nr_free == p->cap_free) {
			uint32_t cap = p->cap_free ? 2 * p->cap_free : 16;
			struct free_slot *v = realloc(p->free_slots, cap * sizeof(*v));

			if (v) {
				p->free_slots = v;
				p->cap_free = cap;
			}
		}
		if (p->nr_free < p->cap_free)
			p->free_slots[p->nr_free++] = (struct free_slot){ t->slot, t->host_tid };
		pthread_mutex_unlock(&procs_lock);
	}
	free(t);
}

struct stub_proc *stub_thread_proc(const struct stub_thread *t)
{
	return t->proc;
}

void platform_print_stats(int fd)
{
	patch_print_stats(fd);
	batch_print_stats(fd);
	hostcall_print_rtt(fd);
	pthread_mutex_lock(&spare.lock);
	dprintf(fd, "sentry: %lu empty address spaces (execve), %lu of them made on the exec's path (no spare ready)\n",
		nr_empty, nr_no_spare);
	pthread_mutex_unlock(&spare.lock);
	handoff_print_stats(fd);
}
