/* SPDX-License-Identifier: MIT */
/*
 * fuzz: random system calls against the sentry (tests/fuzz/run.sh, make fuzz).
 *
 *   fuzz [--seed N] [--calls N] [--procs N] [--threads N] [--per-child N]
 *        [--tick-us N] [--stall-ms N] [--kill-ms N] [--log FILE]
 *   fuzz --replay CHILD_SEED [--threads N] [--calls N]
 *
 * The supervisor (this process) keeps --procs children (4) running, each of
 * --threads threads (2) that share its memory and fds, so that one thread's
 * calls race with the other's in the sentry.  A child makes up to
 * --per-child (1000) random calls over the whole x86_64 table (every number
 * of syscalls.def, some beyond it, x32 numbers, odd values), with arguments
 * drawn from values that reach error paths and edge cases: 0, -1, small
 * integers, fds it opened, pointers into its own memory (aligned, unaligned,
 * straddling an unmapped page, read-only), kernel-half addresses, addresses
 * in the stub region, huge sizes, flags with every bit.  A timer (SIGALRM
 * every --tick-us, 5 ms) interrupts calls that block.  A child that dies is
 * replaced; one that stops making progress (it blocked with its timer
 * disabled, or stopped itself) for --stall-ms (2000) is killed with SIGKILL
 * and replaced; one that SIGKILL has not ended after --kill-ms (10000) is
 * *unkillable*: a sentry bug, counted and logged.
 *
 * Every thread's calls follow from its child's seed, which follows from
 * --seed and the child's index, so a run is replayed with the same --seed,
 * and one child with --replay SEED (printed in the log for every child that
 * did not end normally): it runs that child in the foreground and prints
 * each call before making it.  Each thread's calls and arguments repeat
 * exactly; their interleaving and the results (times, pids, what earlier
 * calls wrote into memory) may differ.  --threads 1 replays exactly.
 *
 * Calls never made, because they would only end the run early:
 *   exit, exit_group    end the child at once (a child ends after its quota);
 *   rt_sigreturn        nine times in ten: with what is on the stack it kills
 *                       the child most times, and children should live long
 *                       enough to build up state;
 *   335 (uretprobe)     the host kernel runs it past every seccomp filter
 *                       (kernel/seccomp.c, seccomp_uprobe_exception) and
 *                       kills the caller with SIGILL, in the sandbox as
 *                       natively (docs/security.md, Fuzzing);
 * and pid arguments of calls that signal or change another process (kill,
 * tkill, tgkill, rt_[tg]sigqueueinfo, pidfd_open, ptrace, process_vm_*,
 * prlimit64, sched_set*) are drawn only from the child's own pid, 0, its own
 * group and pids that do not exist, so that no child kills the supervisor
 * (a child is the leader of a session of its own, so it cannot join the
 * supervisor's group either).  Lengths that make the host allocate memory or
 * disk are cut (bound_sizes).  A child made by a random fork/vfork/clone/
 * clone3 exits at once, without touching its (possibly shared) stack.
 *
 * Output: one line per abnormal child end in --log, and one summary line:
 *   fuzz: seed S: N calls in N children, N normal, N by signal (...), N stalled, N unkillable
 * Exit status 0 unless a child was unkillable (1) or the run could not start (2).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <sched.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/mman.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <sys/timerfd.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <netinet/in.h>
#include <arpa/inet.h>
#include <time.h>
#include <unistd.h>

#include "stub_abi.h"

/* Names of the calls, from the sentry's own table. */
static const char *const names[] = {
#define SYS(nr, name, fmt) [nr] = #name,
#define NOSYS(nr, name, fmt) [nr] = #name,
#include "syscalls/syscalls.def"
#undef SYS
#undef NOSYS
};
#define NR_TABLE ((long)(sizeof(names) / sizeof(names[0])))

/* --- random numbers (splitmix64: small, seedable, good enough) --- */

static uint64_t mix(uint64_t z)
{
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

/* Each thread of a child draws from a stream of its own. */
struct rng {
	uint64_t s;
};

static uint64_t rnd(struct rng *r)
{
	r->s += 0x9e3779b97f4a7c15ULL;
	return mix(r->s);
}

static uint64_t below(struct rng *r, uint64_t n)
{
	return n ? rnd(r) % n : 0;
}

/* --- the raw call --- */

/*
 * long fuzz_call(long nr, long a1, ..., long a6): the syscall instruction
 * with nothing of libc around it.  In the child of a fork, vfork, clone or
 * clone3 (rax 0) it exits that thread at once: the child may run on a
 * random stack, or on ours while we wait (vfork), so it must not touch it.
 */
long fuzz_call(long nr, long a1, long a2, long a3, long a4, long a5, long a6);
__asm__(".text\n"
	".globl fuzz_call\n"
	"fuzz_call:\n"
	"	push %rbx\n"
	"	mov %rdi, %rbx\n"
	"	mov %rdi, %rax\n"
	"	mov %rsi, %rdi\n"
	"	mov %rdx, %rsi\n"
	"	mov %rcx, %rdx\n"
	"	mov %r8, %r10\n"
	"	mov %r9, %r8\n"
	"	mov 16(%rsp), %r9\n"
	"	syscall\n"
	"	test %rax, %rax\n"
	"	jnz 1f\n"
	"	cmp $56, %rbx\n"        /* clone */
	"	je 2f\n"
	"	cmp $57, %rbx\n"        /* fork */
	"	je 2f\n"
	"	cmp $58, %rbx\n"        /* vfork */
	"	je 2f\n"
	"	cmp $435, %rbx\n"       /* clone3 */
	"	je 2f\n"
	"1:	pop %rbx\n"
	"	ret\n"
	"2:	mov $60, %eax\n"        /* exit(0), this thread only */
	"	xor %edi, %edi\n"
	"	syscall\n"
	"	hlt\n");

/* --- the child's world: its memory and its fds --- */

#define PAGE 4096UL
#define ARENA ((uint64_t)0x10000000)      /* fixed, so that replays match */
#define ARENA_RW 16                       /* pages read-write, then ... */
#define ARENA_GUARD (ARENA + ARENA_RW * PAGE)        /* one unmapped page */
#define ARENA_RO (ARENA_GUARD + PAGE)                /* one read-only page */

/* Strings at fixed places in the arena's first page (64 bytes each). */
static const char *const paths[] = {
	".", "/", "..", "", "fuzzfile", "fuzzdir", "fuzzdir/x", "fuzzlink",
	"/tmp", "/tmp/fuzz", "/dev/null", "/dev/zero", "/dev/urandom", "/dev/shm/f",
	"/proc/self/maps", "/proc/self/mem", "/proc/self/fd/0", "/proc/self/status",
	"/proc/1/root", "/proc/self/cwd/..", "/proc/self/exe", "/sys",
	"/etc/passwd", "/nonexistent/x", "a/b/../../..", "/bin/true",
	"/proc/sys/kernel/hostname", "/proc/self/task", "//..//..//etc//.",
	"fuzzdir/../fuzzfile", "/dev/ptmx", "/proc/self/fd",
};
#define NPATHS (sizeof(paths) / sizeof(paths[0]))

static int fds[32];
static int nfds;

static void add_fd(int fd)
{
	if (fd >= 0 && nfds < (int)(sizeof(fds) / sizeof(fds[0])))
		fds[nfds++] = fd;
}

/* The arena: random bytes with some well-formed structures, so that calls
 * get past their first checks (paths, iovecs, timespecs, addresses). */
static int make_arena(struct rng *r)
{
	uint64_t *w;
	char *p = (char *)ARENA;

	if (mmap(p, (ARENA_RW + 2) * PAGE, PROT_READ | PROT_WRITE,
		 MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0) != p)
		return -1;
	munmap((void *)ARENA_GUARD, PAGE);
	w = (uint64_t *)ARENA;
	for (unsigned i = 0; i < ARENA_RW * PAGE / 8; i++)
		w[i] = rnd(r);
	for (unsigned i = 0; i < NPATHS; i++)
		snprintf(p + 64 * i, 64, "%s", paths[i]);
	/* page 1: a long path; page 2: iovecs; page 3: timespecs, sockaddrs */
	memset(p + PAGE, 'a', PAGE - 1);
	p[PAGE - 1] = 0;
	for (unsigned i = 0; i < 16; i++) {
		w[2 * PAGE / 8 + 2 * i] = ARENA + 4 * PAGE + below(r, 8 * PAGE);
		w[2 * PAGE / 8 + 2 * i + 1] = below(r, 4) ? below(r, 512) : rnd(r);
	}
	/* the last words before the hole: pointers to those strings, so that
	 * an array (argv, envp) runs from good entries into the hole */
	for (unsigned i = 0; i < 64; i++)
		w[ARENA_RW * PAGE / 8 - 64 + i] = ARENA + 64 * (i % NPATHS);
	static const long ts[] = { 0, 0, 0, 1000, 0, 999999999, -1, -1, 1, 0 };
	memcpy(p + 3 * PAGE, ts, sizeof(ts));
	struct sockaddr_in *in = (void *)(p + 3 * PAGE + 256);
	*in = (struct sockaddr_in){ .sin_family = AF_INET, .sin_port = htons(7777),
				    .sin_addr.s_addr = htonl(0x7f000001) };
	struct sockaddr_un *un = (void *)(p + 3 * PAGE + 512);
	un->sun_family = AF_UNIX;
	snprintf(un->sun_path, sizeof(un->sun_path), "fuzzsock");
	if (mmap((void *)ARENA_RO, PAGE, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED,
		 -1, 0) != (void *)ARENA_RO)
		return -1;
	return 0;
}

/* A few fds of every kind the sentry serves. */
static void open_fds(void)
{
	int p[2];

	nfds = 0;
	for (int i = 0; i < 3; i++)
		add_fd(i);
	add_fd(open("fuzzfile", O_RDWR | O_CREAT, 0644));
	add_fd(open(".", O_RDONLY | O_DIRECTORY));
	add_fd(open("/", O_PATH));
	add_fd(open("/proc/self/maps", O_RDONLY));
	add_fd(open("/etc/passwd", O_RDONLY));
	if (!pipe(p)) {
		add_fd(p[0]);
		add_fd(p[1]);
	}
	add_fd(eventfd(0, 0));
	add_fd((int)syscall(SYS_memfd_create, "fuzz", 0));
	add_fd(epoll_create1(0));
	add_fd(timerfd_create(CLOCK_MONOTONIC, 0));
	sigset_t all;
	sigfillset(&all);
	add_fd(signalfd(-1, &all, 0));
	add_fd(socket(AF_INET, SOCK_STREAM, 0));
	add_fd(socket(AF_INET, SOCK_DGRAM, 0));
	add_fd(socket(AF_INET6, SOCK_STREAM, 0));
	add_fd(socket(AF_UNIX, SOCK_STREAM, 0));
	add_fd(open("/dev/zero", O_RDWR));
	add_fd(open("/tmp", O_RDONLY | O_DIRECTORY));
}

/* --- arguments --- */

static pid_t self;

static uint64_t pointer(struct rng *r)
{
	switch (below(r, 10)) {
	case 0: return ARENA + below(r, ARENA_RW) * PAGE;             /* aligned */
	case 1: return ARENA + below(r, ARENA_RW * PAGE);             /* unaligned */
	case 2: return below(r, 2) ? ARENA_GUARD - 1 - below(r, 64)   /* straddles */
			           : ARENA_GUARD - 8 * (1 + below(r, 64)); /* an array into the hole */
	case 3: return ARENA_GUARD + below(r, PAGE);                  /* unmapped */
	case 4: return ARENA_RO + below(r, PAGE);                     /* read-only */
	case 5: return ARENA + 64 * below(r, NPATHS);                 /* a path */
	case 6: return ARENA + 2 * PAGE + 16 * below(r, 16);          /* iovecs */
	case 7: return ARENA + 3 * PAGE + 16 * below(r, 5);           /* timespecs */
	case 8: return ARENA + 3 * PAGE + 256 * below(r, 3);          /* sockaddrs */
	default: return ARENA + PAGE;                              /* long path */
	}
}

static uint64_t stub_address(struct rng *r)
{
	static const uint64_t fixed[] = {
		STUB_CODE, STUB_GLOBAL, STUB_CTL_REQ, STUB_CTL_RESP, STUB_INIT_STACK,
		STUB_SLOT_MSG(0), STUB_SLOT_STACK(0), STUB_SLOT_MSG(1), STUB_END - PAGE,
	};

	if (below(r, 2))
		return fixed[below(r, sizeof(fixed) / sizeof(fixed[0]))] + (below(r, 2) ? 0 : below(r, PAGE));
	return STUB_BASE + below(r, STUB_SIZE);
}

static uint64_t arg(struct rng *r)
{
	static const uint64_t kernel[] = {
		0xffff800000000000ULL, 0xffffffffff600000ULL, 0x8000000000000000ULL,
		0x800000000000ULL, 0x7ffffffff000ULL, 0xfffffffffffff000ULL,
		0xffffffff80000000ULL,
	};
	static const uint64_t huge[] = {
		1ULL << 40, 0x7fffffffffffffffULL, 0x80000000ULL, 0xffffffffULL,
		0x100000000ULL, 0x7ffff000ULL, 1ULL << 62, 0xfffffffffffffffeULL,
	};

	switch (below(r, 16)) {
	case 0: return 0;
	case 1: return (uint64_t)-1;
	case 2: case 3: return below(r, 17);                          /* small */
	case 4: case 5: return (uint64_t)fds[below(r, nfds)];         /* our fds */
	case 6: case 7: case 8: return pointer(r);
	case 9: return kernel[below(r, sizeof(kernel) / sizeof(kernel[0]))];
	case 10: return stub_address(r);
	case 11: return huge[below(r, sizeof(huge) / sizeof(huge[0]))];
	case 12: return below(r, 2) ? ~0ULL >> below(r, 64) : 1ULL << below(r, 64);  /* flags */
	case 13: return rnd(r) & rnd(r);                             /* some bits */
	case 14: return PAGE << below(r, 9);                          /* sizes */
	default: return rnd(r);
	}
}

/* A pid that is not the supervisor's, its group's or a sibling's. */
static uint64_t safe_pid(struct rng *r)
{
	static const int64_t other[] = { 0, 0x3ffffff0, -0x3ffffff0, INT32_MIN, 99999 };

	switch (below(r, 3)) {
	case 0: return (uint64_t)(int64_t)self;
	case 1: return (uint64_t)-(int64_t)self;   /* our own group: we lead it */
	default: return (uint64_t)other[below(r, sizeof(other) / sizeof(other[0]))];
	}
}

/* Calls whose pid arguments reach other processes: which arguments. */
static unsigned pid_args(long nr)
{
	switch (nr) {
	case SYS_kill: case SYS_tkill: case SYS_rt_sigqueueinfo: case SYS_pidfd_open:
	case SYS_process_vm_readv: case SYS_process_vm_writev: case SYS_prlimit64:
	case SYS_sched_setaffinity: case SYS_sched_setscheduler: case SYS_sched_setparam:
	case SYS_sched_setattr: case SYS_migrate_pages: case SYS_move_pages:
		return 1 << 0;
	case SYS_tgkill: case SYS_rt_tgsigqueueinfo:
		return 1 << 0 | 1 << 1;
	case SYS_ptrace:
		return 1 << 1;
	}
	return 0;
}

/*
 * Lengths that make the host allocate what they say (memory behind the
 * sentry's memfds, disk behind a --rw directory) are cut to below 64 MiB,
 * unless offset + length overflows (the sentry's checks must catch that):
 * the fuzzer tests the sentry, not how the host runs out of memory.  Large
 * mappings lose MAP_POPULATE and MAP_LOCKED for the same reason.
 */
#define BIG (64UL << 20)

static void cut(uint64_t *len, uint64_t off)
{
	if (*len > BIG && off + *len >= off && (int64_t)(off + *len) >= 0)
		*len &= BIG - 1;
}

static void bound_sizes(long nr, uint64_t *a)
{
	switch (nr) {
	case SYS_fallocate: cut(&a[3], a[2]); break;
	case SYS_sendfile: cut(&a[3], 0); break;
	case SYS_copy_file_range: case SYS_splice: cut(&a[4], 0); break;
	case SYS_mmap:
		if (a[1] > BIG)
			a[3] &= ~(uint64_t)(MAP_POPULATE | MAP_LOCKED);
		break;
	}
}

static long pick_nr(struct rng *r)
{
	static const long odd[] = { -1, 0x7fffffff, 1000, 0xffffffffL, 0x100000027L, INT64_MIN };
	long nr;

	do {
		switch (below(r, 20)) {
		case 0: nr = 0x40000000L | (long)below(r, 548); break;   /* x32 */
		case 1: nr = odd[below(r, sizeof(odd) / sizeof(odd[0]))]; break;
		default: nr = (long)below(r, NR_TABLE + 16); break;
		}
		/* rt_sigreturn with what is on our stack kills the child most
		 * times: one in ten, so that children live long enough to
		 * build up state */
	} while (nr == SYS_exit || nr == SYS_exit_group || nr == 335 ||
		 (nr == SYS_rt_sigreturn && below(r, 10)));
	return nr;
}

/* --- a child --- */

/* What a child shares with the supervisor: progress, and the calls in flight. */
#define MAX_THREADS 8
struct slot {
	volatile uint64_t calls;
	struct {
		volatile long nr;
		volatile uint64_t args[6];
	} cur[MAX_THREADS];
};

static void on_tick(int sig)
{
	(void)sig;
}

/* The timer that interrupts blocking calls; a random call may have
 * changed its action, the mask or the timer, so it is set again now and then. */
static void arm_tick(long tick_us)
{
	struct sigaction sa = { .sa_handler = on_tick };   /* no SA_RESTART */
	struct itimerval it = { { 0, tick_us }, { 0, tick_us } };
	sigset_t s;

	sigaction(SIGALRM, &sa, NULL);
	sigemptyset(&s);
	sigaddset(&s, SIGALRM);
	sigprocmask(SIG_UNBLOCK, &s, NULL);
	setitimer(ITIMER_REAL, &it, NULL);
}

static const char *name_of(long nr)
{
	return nr >= 0 && nr < NR_TABLE && names[nr] ? names[nr] : "?";
}

/* One child: its threads share its memory, fds and quota. */
static struct {
	struct slot *slot;
	uint64_t budget;
	long tick_us;
	int trace_fd;
	struct rng rng[MAX_THREADS];
} kid;

/*
 * Thread k's calls, until the child's quota is spent: then the whole child
 * ends (exit_group), whichever thread gets there, so that a thread blocked
 * for good does not keep it.  Calls are counted before they are made.
 */
static void fuzz_loop(long k)
{
	struct rng *r = &kid.rng[k];
	struct slot *s = kid.slot;

	for (;;) {
		uint64_t i = __atomic_add_fetch(&s->calls, 1, __ATOMIC_SEQ_CST), a[6];
		unsigned pids;
		long nr, ret;

		if (i > kid.budget)
			syscall(SYS_exit_group, 0);
		if (i % 64 == 0)
			arm_tick(kid.tick_us);
		nr = pick_nr(r);
		for (int j = 0; j < 6; j++)
			a[j] = arg(r);
		pids = pid_args(nr);
		for (int j = 0; j < 6; j++)
			if (pids & (1U << j))
				a[j] = safe_pid(r);
		bound_sizes(nr, a);
		s->cur[k].nr = nr;
		for (int j = 0; j < 6; j++)
			s->cur[k].args[j] = a[j];
		if (kid.trace_fd >= 0)
			dprintf(kid.trace_fd, "[%" PRIu64 " t%ld] %s(%ld) %#" PRIx64 " %#" PRIx64
			      " %#" PRIx64 " %#" PRIx64 " %#" PRIx64 " %#" PRIx64 "\n", i, k,
			      name_of(nr), nr, a[0], a[1], a[2], a[3], a[4], a[5]);
		ret = fuzz_call(nr, (long)a[0], (long)a[1], (long)a[2], (long)a[3], (long)a[4],
				(long)a[5]);
		if (kid.trace_fd >= 0)
			dprintf(kid.trace_fd, "[%" PRIu64 " t%ld]   = %ld\n", i, k, ret);
	}
}

/*
 * long spawn_thread(unsigned long flags, void *sp): a raw clone whose
 * child pops a function and its argument from its new stack, calls it,
 * and exits.  (pthread_create would put the thread's TLS where a random
 * arch_prctl can move it; these threads need none.)
 */
long spawn_thread(unsigned long flags, void *sp);
__asm__(".text\n"
	".globl spawn_thread\n"
	"spawn_thread:\n"
	"	mov $56, %eax\n"
	"	xor %edx, %edx\n"
	"	xor %r10d, %r10d\n"
	"	xor %r8d, %r8d\n"
	"	syscall\n"
	"	test %rax, %rax\n"
	"	jnz 1f\n"
	"	pop %rax\n"
	"	pop %rdi\n"
	"	call *%rax\n"
	"	mov $60, %eax\n"
	"	xor %edi, %edi\n"
	"	syscall\n"
	"	hlt\n"
	"1:	ret\n");

#define THREAD_STACK (256UL << 10)

static void start_thread(long k)
{
	char *st = mmap(NULL, THREAD_STACK, PROT_READ | PROT_WRITE,
			MAP_PRIVATE | MAP_ANONYMOUS | MAP_STACK, -1, 0);
	uint64_t *top;

	if (st == MAP_FAILED)
		return;
	top = (uint64_t *)(st + THREAD_STACK);
	top[-2] = (uint64_t)(uintptr_t)fuzz_loop;
	top[-1] = (uint64_t)k;
	spawn_thread(CLONE_VM | CLONE_FS | CLONE_FILES | CLONE_SIGHAND | CLONE_THREAD |
		     CLONE_SYSVSEM, top - 2);
}

/* Set up the child's world from its seed, then make up to n calls in
 * `threads` threads.  trace_fd >= 0 (a replay): print each call first. */
static void child(uint64_t seed, uint64_t n, struct slot *s, long tick_us, int threads,
		  int trace_fd)
{
	int devnull;

	kid.slot = s;
	kid.budget = n;
	kid.tick_us = tick_us;
	kid.trace_fd = trace_fd;
	kid.rng[0].s = seed;
	for (int k = 1; k < threads; k++)
		kid.rng[k].s = mix(seed + (uint64_t)k);
	setsid();
	self = getpid();
	syscall(SYS_close_range, 3, trace_fd >= 0 ? (unsigned)trace_fd - 1 : ~0U, 0);
	devnull = open("/dev/null", O_RDWR);
	for (int i = 0; i < 3; i++)
		dup2(devnull, i);
	if (devnull > 2)
		close(devnull);
	signal(SIGPIPE, SIG_IGN);
	signal(SIGXFSZ, SIG_IGN);
	if (make_arena(&kid.rng[0]))
		_exit(3);
	open_fds();
	arm_tick(tick_us);
	for (int k = 1; k < threads; k++)
		start_thread(k);
	fuzz_loop(0);
}

/* --- the supervisor --- */

struct opts {
	uint64_t seed, calls, per_child;
	long procs, threads, tick_us, stall_ms, kill_ms;
	const char *log;
};

struct worker {
	pid_t pid;
	uint64_t seed, budget, last_calls;
	struct timespec progress, killed;
	int kill_sent, unkillable;
	struct slot *slot;
};

struct tally {
	uint64_t calls, children, normal, signaled, stalled, unkillable, by_sig[65];
};

static long ms_since(const struct timespec *t)
{
	struct timespec now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	return (now.tv_sec - t->tv_sec) * 1000 + (now.tv_nsec - t->tv_nsec) / 1000000;
}

static FILE *logfp;

/* Calls a child made: its counter runs past the quota by a call per thread. */
static uint64_t calls_of(const struct worker *w)
{
	return w->slot->calls < w->budget ? w->slot->calls : w->budget;
}

static void log_end(const struct worker *w, const struct opts *o, const char *how)
{
	const struct slot *s = w->slot;

	fprintf(logfp, "child seed %#" PRIx64 ": %s after %" PRIu64 " calls (replay: fuzz "
		"--replay %#" PRIx64 " --threads %ld --calls %" PRIu64 ")\n", w->seed, how,
		calls_of(w), w->seed, o->threads, calls_of(w));
	for (long k = 0; k < o->threads; k++) {
		long nr = s->cur[k].nr;

		fprintf(logfp, "  t%ld last %s(%ld) %#" PRIx64 " %#" PRIx64 " %#" PRIx64 " %#"
			PRIx64 " %#" PRIx64 " %#" PRIx64 "\n", k, name_of(nr), nr,
			s->cur[k].args[0], s->cur[k].args[1], s->cur[k].args[2],
			s->cur[k].args[3], s->cur[k].args[4], s->cur[k].args[5]);
	}
	fflush(logfp);
}

static void spawn(struct worker *w, const struct opts *o, uint64_t index, uint64_t budget)
{
	pid_t pid;

	memset((void *)w->slot, 0, sizeof(*w->slot));
	w->seed = mix(o->seed ^ mix(index + 1));
	w->budget = budget;
	w->last_calls = 0;
	w->kill_sent = 0;
	clock_gettime(CLOCK_MONOTONIC, &w->progress);
	fflush(NULL);
	pid = fork();
	if (pid == 0)
		child(w->seed, budget, w->slot, o->tick_us, (int)o->threads, -1);
	w->pid = pid > 0 ? pid : 0;
}

/* A child ended: count it, log it unless it ended as planned. */
static void ended(struct worker *w, const struct opts *o, int status, struct tally *t)
{
	char how[64];

	t->calls += calls_of(w);
	t->children++;
	if (w->kill_sent) {
		t->stalled++;
		log_end(w, o, "stalled, killed");
	} else if (WIFSIGNALED(status)) {
		t->signaled++;
		t->by_sig[WTERMSIG(status) & 63]++;
		snprintf(how, sizeof(how), "died of signal %d", WTERMSIG(status));
		log_end(w, o, how);
	} else if (WEXITSTATUS(status) == 0 || w->slot->calls) {
		t->normal++;   /* its quota, or an exec of /bin/true */
	} else {
		t->signaled++;
		snprintf(how, sizeof(how), "exited %d before its first call", WEXITSTATUS(status));
		log_end(w, o, how);
	}
	w->pid = 0;
}

/* Kill a child that makes no progress; give up on one SIGKILL cannot end. */
static void watch(struct worker *w, const struct opts *o, struct tally *t)
{
	if (!w->pid || w->unkillable)
		return;
	if (w->slot->calls != w->last_calls) {
		w->last_calls = w->slot->calls;
		clock_gettime(CLOCK_MONOTONIC, &w->progress);
		return;
	}
	if (!w->kill_sent && ms_since(&w->progress) > o->stall_ms) {
		kill(w->pid, SIGKILL);
		w->kill_sent = 1;
		clock_gettime(CLOCK_MONOTONIC, &w->killed);
	} else if (w->kill_sent && ms_since(&w->killed) > o->kill_ms) {
		w->unkillable = 1;
		t->unkillable++;
		t->calls += calls_of(w);
		log_end(w, o, "UNKILLABLE: SIGKILL did not end it");
	}
}

static int supervise(const struct opts *o)
{
	struct worker *w = calloc((size_t)o->procs, sizeof(*w));
	struct slot *slots = mmap(NULL, (size_t)o->procs * sizeof(*slots), PROT_READ | PROT_WRITE,
				  MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	struct tally t = { 0 };
	struct timespec start;
	uint64_t committed = 0, index = 0;
	int live;

	if (!w || slots == MAP_FAILED)
		return 2;
	setsid();
	clock_gettime(CLOCK_MONOTONIC, &start);
	for (long i = 0; i < o->procs; i++)
		w[i].slot = &slots[i];
	do {
		int status;
		pid_t pid;

		while ((pid = waitpid(-1, &status, WNOHANG)) > 0)
			for (long i = 0; i < o->procs; i++)
				if (w[i].pid == pid && !w[i].unkillable) {
					committed -= w[i].budget - calls_of(&w[i]);
					ended(&w[i], o, status, &t);
				}
		live = 0;
		for (long i = 0; i < o->procs; i++) {
			watch(&w[i], o, &t);
			if (!w[i].pid && committed < o->calls) {
				uint64_t b = o->calls - committed;

				b = b < o->per_child ? b : o->per_child;
				spawn(&w[i], o, index++, b);
				if (w[i].pid)
					committed += b;
			}
			live += w[i].pid && !w[i].unkillable;
		}
		nanosleep(&(struct timespec){ 0, 5 * 1000 * 1000 }, NULL);
	} while (live);

	printf("fuzz: seed %" PRIu64 ": %" PRIu64 " calls in %" PRIu64 " children (%.0f s), "
	       "%" PRIu64 " normal, %" PRIu64 " by signal (", o->seed, t.calls, t.children,
	       ms_since(&start) / 1000.0, t.normal, t.signaled);
	for (int s = 1, first = 1; s < 65; s++)
		if (t.by_sig[s]) {
			printf("%s%s %" PRIu64, first ? "" : ", ", sigabbrev_np(s) ? sigabbrev_np(s) : "?",
			       t.by_sig[s]);
			first = 0;
		}
	printf("), %" PRIu64 " stalled, %" PRIu64 " unkillable\n", t.stalled, t.unkillable);
	fflush(stdout);
	return t.unkillable ? 1 : 0;
}

static uint64_t num(const char *s)
{
	return strtoull(s, NULL, 0);
}

int main(int argc, char **argv)
{
	struct opts o = { .seed = (uint64_t)time(NULL), .calls = 1000000, .per_child = 1000,
			  .procs = 4, .threads = 2, .tick_us = 5000, .stall_ms = 2000, .kill_ms = 10000 };
	uint64_t replay = 0;
	int replaying = 0;

	for (int i = 1; i < argc; i++) {
		const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;

		if (!v && strcmp(a, "--help")) {
			fprintf(stderr, "fuzz: %s needs a value\n", a);
			return 2;
		}
		if (!strcmp(a, "--seed")) o.seed = num(v);
		else if (!strcmp(a, "--calls")) o.calls = num(v);
		else if (!strcmp(a, "--procs")) o.procs = (long)num(v);
		else if (!strcmp(a, "--threads")) o.threads = (long)num(v);
		else if (!strcmp(a, "--per-child")) o.per_child = num(v);
		else if (!strcmp(a, "--tick-us")) o.tick_us = (long)num(v);
		else if (!strcmp(a, "--stall-ms")) o.stall_ms = (long)num(v);
		else if (!strcmp(a, "--kill-ms")) o.kill_ms = (long)num(v);
		else if (!strcmp(a, "--log")) o.log = v;
		else if (!strcmp(a, "--replay")) { replay = num(v); replaying = 1; }
		else {
			fprintf(stderr, "usage: fuzz [--seed N] [--calls N] [--procs N] "
				"[--threads N] [--per-child N] [--tick-us N] [--stall-ms N] [--kill-ms N] "
				"[--log FILE] | --replay SEED [--threads N] [--calls N]\n");
			return 2;
		}
		i++;
	}
	if (o.threads < 1 || o.threads > MAX_THREADS)
		return 2;
	if (replaying) {
		/* Above the fds a child opens, so that the numbers match a run's. */
		int fd = fcntl(2, F_DUPFD, 900);

		child(replay, o.calls, &(struct slot){ 0 }, o.tick_us, (int)o.threads, fd);
	}
	if (o.procs < 1 || !o.per_child)
		return 2;
	logfp = o.log ? fopen(o.log, "w") : stderr;
	if (!logfp) {
		perror(o.log);
		return 2;
	}
	return supervise(&o);
}
