/* SPDX-License-Identifier: MIT */
/*
 * Tasks, thread groups and the sandbox (DESIGN.md §4).
 *
 * One sentry thread runs each task (application thread) in blocking style,
 * as Linux does: a task that waits, waits in its own sentry thread.
 */
#ifndef CVISOR_KERNEL_H
#define CVISOR_KERNEL_H

#include <pthread.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <poll.h>
#include <sys/resource.h>
#include <sys/types.h>
#include <time.h>

#include "platform/platform.h"
#include "kernel/waitq.h"

struct mm;
struct task;
struct fd_table;
struct fs_struct;
struct dentry;

#define NSIG_LINUX 64
#define SIGBIT(s) (1ULL << ((s) - 1))
#define SIGRT_FIRST 32          /* the kernel's SIGRTMIN: these queue */

/* Queued instances of a real-time signal beyond the first (kernel/signal.c) */
struct sigq {
	siginfo_t info;
	struct sigq *next;
};

/* struct sigaction as the x86_64 kernel ABI has it */
struct k_sigaction {
	uint64_t handler;
	uint64_t flags;
	uint64_t restorer;
	uint64_t mask;
};

/*
 * A process's signal handlers: its own, or shared with the processes made
 * by clone(CLONE_VM|CLONE_SIGHAND) (Linux's sighand_struct).  lock guards
 * action[] across the groups that share it and is taken last: nothing is
 * locked while it is held.
 */
struct sighand {
	int refs;
	pthread_mutex_t lock;
	struct k_sigaction action[NSIG_LINUX];
};

/*
 * The application's credentials, in the sandbox's ids (uid 0 is the root
 * of its user namespace).  Kept per thread group; Linux's rules for them
 * are in kernel/cred.c.
 */
struct creds {
	uint32_t uid, euid, suid, fsuid;
	uint32_t gid, egid, sgid, fsgid;
	uint32_t ngroups;
	uint32_t groups[32];
	/* capabilities: sandbox state only (the stubs hold none on the host) */
	uint64_t cap_eff, cap_perm, cap_inh, cap_bnd, cap_amb;
	uint32_t securebits;            /* SECBIT_*: prctl(PR_SET_SECUREBITS) */
};

#define CAP_ALL_MASK ((1ULL << 41) - 1)         /* CAP_CHOWN .. CAP_CHECKPOINT_RESTORE */

/* Does the group hold capability cap in its effective set? */
static inline bool capable(const struct creds *c, int cap)
{
	return (c->cap_eff >> cap) & 1;
}

struct thread_group {
	pid_t pid, ppid, pgid, sid;
	pid_t parent_tid;               /* the parent's thread that made it (0: its main) */
	struct mm *mm;
	struct fd_table *fdt;
	pthread_mutex_t lock;
	struct sighand *sighand;        /* signal handlers (kernel/signal.c) */
	uint64_t shared_pending;        /* process-directed signals */
	siginfo_t shared_info[NSIG_LINUX];
	struct sigq *shared_rtq;
	struct rlimit rlim[RLIM_NLIMITS];
	struct creds cred;
	char comm[16];                  /* the main thread's: the process's name */
	struct dentry *exe;             /* the program, for /proc/[pid]/exe */
	struct thread_group *next_tg;   /* in sandbox.tgs */
	/* References: one for being unreaped, one per task, one per holder
	 * (tg_find, tg_get); the last tg_put() unlinks and frees it. */
	int refs;
	bool mm_user_dropped;           /* tg_release_mm() gave a shared mm back */
	bool exiting;
	int exit_status;                /* a wait(2) status */
	bool zombie;                    /* exited, not yet waited for */
	bool reaped;
	int exit_signal;                /* sent to the parent at exit (SIGCHLD) */
	int exit_notify_fd;             /* cvisor exec: the status goes here, or -1 */
	bool mm_released;               /* tg_release_mm() ran */
	bool vfork_done;                /* a vfork child exec'ed or exited */
	bool stopped;                   /* job control: stopped by a signal */
	int stop_sig;
	unsigned cont_count, stop_cont;   /* a SIGCONT sent after a stop cancels it */
	int wait_report;                /* for WUNTRACED/WCONTINUED: 1 stop, 2 cont */
	int pdeathsig;                  /* prctl state */
	bool subreaper, no_new_privs, undumpable;
	int32_t session_keyring;        /* keys (sys_keys.c): 0 none; fork copies it */
	int32_t process_keyring;        /* not inherited */
	unsigned personality;           /* personality(2): kept, not acted on */
	int nr_tasks;
	struct task *group_exec_task;   /* exec waits for the other threads to leave */
	struct waitq signalfd_wq;       /* woken by each signal sent to the group or a thread */
	struct task *tasks;
	struct rusage ru_self;          /* the stub's usage, sampled before it is killed */
	struct rusage ru_children;      /* of reaped children and their reaped ones */
};

struct syscall_args {
	long nr;
	uint64_t a[6];
};

/* Argument helpers: the kernel reads int arguments as 32 bits. */
#define ARG_INT(a, i) ((int)(a)->a[i])
#define ARG_UINT(a, i) ((unsigned)(a)->a[i])

/*
 * Where the task loop sends a system call: syscalls/table.c's dispatcher,
 * registered by boot/ before the first task runs, so that kernel/ never
 * calls up into syscalls/ (gVisor's kernel.RegisterSyscallTable).
 */
void task_set_syscall_entry(void (*entry)(struct task *t));

/*
 * Linux's restart codes (include/linux/errno.h).  A handler a signal
 * interrupted returns one of them, and handle_signals() turns it into
 * what the application sees, by Linux's rules: ERESTARTSYS is run again
 * if no handler runs or the handler has SA_RESTART, else EINTR;
 * ERESTARTNOHAND is run again only if no handler runs; ERESTARTNOINTR is
 * always run again; ERESTART_RESTARTBLOCK continues in restart_syscall(2)
 * (t->restart) if no handler runs.  The application never sees them.
 */
#define ERESTARTSYS 512
#define ERESTARTNOINTR 513
#define ERESTARTNOHAND 514
#define ERESTART_RESTARTBLOCK 516

/* How restart_syscall(2) goes on with a call (Linux's struct restart_block). */
struct restart_block {
	long (*fn)(struct task *t);     /* NULL: restart_syscall fails with EINTR */
	struct syscall_args args;       /* the interrupted call's, or its own state */
	struct timespec deadline;       /* CLOCK_MONOTONIC */
};

/*
 * A thread's scheduling parameters (sched_setscheduler, setpriority,
 * sched_setaffinity): sandbox state, kept per thread as Linux keeps them
 * and read back; the host schedules every stub thread the same.
 */
struct task_sched {
	int policy;                     /* SCHED_OTHER, _FIFO, _RR, _BATCH, _IDLE */
	int rt_priority;                /* 1..99 under FIFO and RR, else 0 */
	int nice;                       /* -20..19 */
	bool reset_on_fork;             /* SCHED_RESET_ON_FORK */
	int ioprio;                     /* ioprio_set's value, kept across fork and exec */
	uint64_t cpus;                  /* affinity: within sandbox.cpu_mask */
	/* PR_SET_TIMERSLACK's (ns) and what 0 resets it to: the creator's
	 * slack at the thread's creation (Linux's default_timer_slack_ns).
	 * Sleeps in the sandbox are the host's, so it is kept, not applied. */
	uint64_t slack, default_slack;
	/* set_mempolicy's mode (MPOL_*), mode flags and the nodes it was
	 * given (bit 0: the sandbox's one node); kept and reported, and
	 * there is no other node to place memory on */
	int mempolicy, mempolicy_flags;
	uint64_t mempolicy_nodes;
};
#define TIMER_SLACK_NS 50000ULL         /* init's, as Linux's init_task */

struct task {
	pid_t tid;
	struct thread_group *tg;
	char comm[16];                  /* this thread's name (tg->lock) */
	struct task *next;              /* in tg->tasks */
	struct stub_thread *st;
	struct timespec start_time;     /* CLOCK_MONOTONIC: /proc/PID/stat's starttime */
	struct fs_struct *fs;           /* root, cwd, umask */
	const struct creds *cred_override; /* access(2): the real ids, for one call */
	pthread_t thread;
	struct stub_regs regs;          /* a snapshot while the sentry runs it */
	uint64_t sigmask;
	uint64_t real_blocked;          /* rt_sigtimedwait: the mask before it */
	uint64_t pending;               /* thread-directed signals */
	uint64_t clear_child_tid;
	uint64_t robust_list, robust_len;
	volatile bool kicked;           /* a signal arrived: stop blocking */
	/* The waker (task.c): wakes since the task began to wait are counted
	 * in wake_seq; wait_mode says how it sleeps (futex, or ppoll on
	 * wake_fd with host fds) so that the waker makes the one host call
	 * that ends that sleep, and none when it is not asleep. */
	uint32_t wake_seq, wait_seen;
	int wait_mode;
	int wake_fd;
	/* Linux's TIF_SIGPENDING: woken for a signal (or unblocked a pending
	 * one), so it may take the group's signals (kernel/signal.c) */
	volatile bool sigpending;
	bool exit_thread;               /* exit(2) with other threads left */
	volatile bool zap;              /* another thread execs: leave at once */
	uint64_t ss_sp, ss_size;        /* sigaltstack */
	int ss_flags;
	uint64_t saved_mask;            /* sigsuspend: the mask to restore */
	bool restore_mask;
	int last_event;                 /* EV_SYSCALL...: what the task stopped for */
	siginfo_t pending_info[NSIG_LINUX]; /* the siginfo of each pending signal */
	struct sigq *rtq;
	struct syscall_args args;       /* the syscall being serviced */
	struct restart_block restart;
	struct task_sched sched;
	/* seccomp(2) of the application (kernel/seccomp.c): SECCOMP_MODE_*,
	 * and the filters, newest first, shared with the threads and children
	 * that inherited them; changed by other threads only under tg->lock
	 * (SECCOMP_FILTER_FLAG_TSYNC) */
	int seccomp_mode;
	struct seccomp_filter *seccomp;
};

struct sentry_opts {
	bool strace;
	bool stats;
	int log_fd;                     /* where strace and reports go */
};

struct sandbox {
	pthread_mutex_t lock;
	pid_t next_pid;
	struct thread_group *init;
	bool done;
	int exit_status;                /* init's wait(2) status */
	int event_fd;                   /* wakes the sentry's main thread */
	struct thread_group *tgs;       /* every live thread group */
	struct waitq child_wq;          /* a thread group exited, stopped, continued, exec'ed */
	struct timespec boot_time;      /* CLOCK_MONOTONIC at start: /proc/uptime */
	struct sentry_opts opts;
	char hostname[65];
	char domainname[65];            /* setdomainname; "(none)" at start */
	struct fs_struct *root_fs;      /* init's at start: where exec'd processes begin */
	int pids_max;                   /* the config's pids limit (tasks), 0: none */
	/* The CPUs the sandbox may run on (taskset, a cpuset cgroup), as the
	 * sentry found them at start: what sched_getaffinity shows, and what
	 * the spin policy counts (spinning on the only CPU starves the side
	 * it waits for). */
	uint64_t cpu_mask;              /* CPUs 0-63 */
	int ncpus;
	int oom_score_adj;              /* the sentry's own, as the host's OOM killer sees it */
	const char *uid_map, *gid_map;  /* the sandbox's id mappings (NULL: identity) */
	bool container;                 /* an OCI container, not cvisor do (init's signals) */
};

extern struct sandbox sandbox;

/* The sentry's /proc, opened before it pivots into an empty root. */
extern int host_proc_fd;

/* The task the calling sentry thread runs (NULL on the main thread). */
extern __thread struct task *current_task;

/* kernel/coredump.c */
bool sig_dumps_core(int sig);
/* Would tg's death by such a signal write a core (RLIMIT_CORE, dumpable)? */
bool core_wanted(struct thread_group *tg);
/* Write t's process's core for sig ("core" in its cwd): 0 if written. */
int do_coredump(struct task *t, int sig);

/* kernel/task.c */
pid_t alloc_pid(void);
/* The thread group with this pid, locked out of exit while in use: the
 * caller must call tg_put().  NULL if none. */
struct thread_group *tg_find(pid_t pid);
/* One more reference to a group the caller can reach safely: one it holds
 * a reference to, or an unreaped one found with sandbox.lock held. */
struct thread_group *tg_get(struct thread_group *tg);
void tg_put(struct thread_group *tg);
/* Does a live task of the sandbox have id tid (a thread's, or a leader's)? */
bool tid_alive(pid_t tid);
struct thread_group *tg_find_tid(pid_t tid, const struct fs_struct **fs);
/* Every unreaped process match() selects, held: the caller tgs_put()s them. */
struct thread_group **tgs_collect(bool (*match)(struct thread_group *tg, const void *arg),
				  const void *arg, int *n);
void tgs_put(struct thread_group **v, int n);
/* wait(2) reaped it (sandbox.lock held): the unreaped reference goes; the
 * caller holds another, so the group outlives the call. */
void tg_reap_locked(struct thread_group *tg);
int task_start(struct task *t);
struct task *task_new(struct thread_group *tg, struct stub_thread *st);
void task_kick(struct task *t);
/* Name thread t (PR_SET_NAME, /proc/.../comm); the main thread names the
 * process too.  tg->lock held. */
void task_set_comm(struct task *t, const char *name);
bool task_interrupted(struct task *t);
void task_long_wait(struct task *t);
/* Linux's state letter of one task: 'S' asleep in task_block(), else 'R'. */
char task_state_char(struct task *t);
bool task_limit_reached(void);
/* One sleep for every wait (task.c): see task_block(). */
void task_prepare_wait(struct task *t);
void task_wake(struct task *t);
int task_block(struct task *t, const struct timespec *deadline, struct pollfd *fds,
	       unsigned n);
int task_block_nosig(struct task *t, const struct timespec *deadline);
int task_sleep_on(struct task *t, struct waitq *q, uint32_t events, pthread_mutex_t *lock,
		  const struct timespec *deadline);
void wait_entry_task(struct wait_entry *e, struct task *t, uint32_t mask);
int task_block_fd(struct task *t, int hostfd, short events, int timeout_ms);
int task_block_fds(struct task *t, struct pollfd *pfd, unsigned n,
		   const struct timespec *ts);
int task_sleep(struct task *t, const struct timespec *ts, struct timespec *rem);
struct timespec ts_deadline(const struct timespec *rel);
struct timespec ts_left(const struct timespec *deadline);
struct timespec ts_sub(struct timespec a, struct timespec b);

/* kernel/sched.c: a new thread's scheduling parameters, its creator's
 * (creator NULL: the defaults), as Linux's sched_fork(). */
void sched_fork(struct task *child, const struct task *creator);

/* kernel/cred.c uses it; boot/spawn.c starts processes with it. */
/* A process started from outside (init, cvisor exec): the config's
 * process, which runc would set up before its execve (cred_oci_init). */
struct spawn {
	const char *prog;               /* PATH is searched if it has no '/' */
	uint64_t cap_eff, cap_perm, cap_bnd, cap_inh, cap_amb;
	bool no_new_privs;
	char *const *argv, *const *envp;
	const char *cwd;                /* NULL: stay where fs says */
	uint32_t uid, gid;
	const uint32_t *gids;
	int ngids;
	int umask;                      /* process.user.umask, or -1: 022 */
};

/* kernel/cred.c: Linux's rules for credentials and capabilities */

/* What execve needs to know of the program file for the new credentials. */
struct exec_file {
	mode_t mode;
	uint32_t uid, gid;              /* its owner, as the sandbox sees it */
	bool nosuid;                    /* on a nosuid mount */
	int caps_len;                   /* size of its security.capability, or -errno */
	uint8_t caps[24];               /* struct vfs_ns_cap_data */
};

bool id_mapped(const char *map, uint32_t id);
bool uid_valid(uint32_t uid);
bool gid_valid(uint32_t gid);
bool in_group(const struct creds *c, uint32_t gid);
void cred_set_groups(struct creds *c, const uint32_t *gids, int n);
bool capable_wrt_ids(const struct creds *c, int cap, uint32_t uid, uint32_t gid);
void cred_fix_setuid(struct creds *new, const struct creds *old, bool fs);
int cred_capset(struct creds *c, uint64_t eff, uint64_t inh, uint64_t perm);
long cred_prctl(struct thread_group *tg, int option, const uint64_t arg[4]);
void cred_commit(struct thread_group *tg, const struct creds *new);
int cred_exec(const struct creds *old, bool nnp, const struct exec_file *f,
	      struct creds *new, bool *secure);
void cred_exec_commit(struct thread_group *tg, const struct creds *new, bool secure);
void cred_access(const struct creds *c, struct creds *out);
bool may_signal(const struct thread_group *from, const struct thread_group *to, int sig);
bool ptrace_may_read(const struct creds *c, const struct creds *tc, bool undumpable);
bool ptrace_may_access_real(struct task *t, struct thread_group *tg);
struct spawn;
int cred_oci_init(struct creds *c, const struct spawn *sp);

/* kernel/seccomp.c: the container's profile and the application's own
 * filters (seccomp(2), PR_SET_SECCOMP), run by the sentry */
struct sock_filter;
void app_seccomp_set(const struct sock_filter *prog, size_t n);
bool app_seccomp_active(void);
enum { SECCOMP_GO_ON, SECCOMP_SKIP, SECCOMP_KILL_THREAD, SECCOMP_KILL_PROCESS };
/* t's current call against its filters: SECCOMP_GO_ON to run it, else
 * it is not run: SKIP returns *ret (ERRNO's, even 0; TRAP's SIGSYS is
 * sent), the KILLs end the thread or the process. */
int app_seccomp_check(struct task *t, const struct syscall_args *a, long *ret);
long seccomp_set_strict(struct task *t);
/* A new filter of len instructions (the sentry's copy) on t; flags as
 * seccomp(2)'s.  0, a thread id that TSYNC could not change, or -errno. */
long seccomp_set_filter(struct task *t, unsigned flags, const struct sock_filter *prog,
			size_t len);
void seccomp_fork(struct task *child, const struct task *parent);
void seccomp_exit(struct task *t);
/* Mode and number of filters, as /proc/PID/status shows them (the
 * container's profile counts as the first filter). */
void seccomp_state(struct task *t, int *mode, int *nfilters);

/* kernel/exit.c */
void do_exit_group(struct task *t, int status);
void tg_exit_group(struct thread_group *tg, int status, struct task *self);
void tg_exited(struct thread_group *tg);
/* What parts above kernel/ keep per process and undo at its exit (SysV
 * semaphore undos: Linux's exit_sem), registered by boot/. */
void tg_set_exit_hook(void (*fn)(struct thread_group *tg));
void tg_release_mm(struct thread_group *tg);
/* Sleep (sandbox.lock held, dropped meanwhile) until a child changes state:
 * the caller's entry is on sandbox.child_wq; task_block()'s result. */
int child_wait(struct task *t);
/* kernel/rusage.c: record the usage of tg's stub process before it is killed */
void tg_account_exit(struct thread_group *tg);
/* RUSAGE_SELF, RUSAGE_THREAD or RUSAGE_CHILDREN of t, as of now. */
void task_usage(struct task *t, int who, struct rusage *ru);
/* tg's usage (its thread tid's, if not 0) and its reaped children's, as
 * /proc shows them; no lock held. */
void tg_usage(struct thread_group *tg, pid_t tid, struct rusage *self, struct rusage *children);
/* A CPU-time clock (Linux's CPUCLOCK_*): of process pid, or of its thread tid. */
enum { CPUCLOCK_PROF, CPUCLOCK_VIRT, CPUCLOCK_SCHED };
struct cpu_clock {
	pid_t pid, tid;                 /* tid 0: the whole process */
	int which;                      /* user + system, user, or scheduled time */
};
int cpu_clock_resolve(struct task *t, clockid_t id, struct cpu_clock *c);
/* Its time now, in ns; -ESRCH once its thread or process is gone. */
int cpu_clock_sample(const struct cpu_clock *c, int64_t *ns);

/* kernel/exec.c: execve with the arguments in the sentry */
struct exec_at;
long kernel_execve(struct task *t, const struct exec_at *at, char *const *argv,
		   char *const *envp);

/* kernel/wait.c: wait for a child of t, selected by pid, process group or any */
enum { CHILD_ANY, CHILD_PID, CHILD_PGID };
long wait_child(struct task *t, int by, pid_t id, int options, bool nohang, bool nowait,
		struct thread_group **out, int *status, struct rusage *ru);

/* syscalls/sys_proc.c: PR_SET_TIMERSLACK's rule, for /proc too */
void timer_slack_set(struct task *t, uint64_t ns);

/* kernel/futex.c */
void exit_robust_list(struct task *t);
long do_futex(struct task *t, uint64_t addr, int op, uint32_t val,
	      const struct timespec *deadline, uint32_t val2, uint64_t addr2, uint32_t val3);
/* one word of the futex2 calls: its address, expected value, private flag */
struct futex_vec {
	uint64_t addr;
	uint32_t val;
	bool shared;
};
long futex2_wait(struct task *t, const struct futex_vec *f, uint32_t mask,
		 const struct timespec *deadline);
long futex2_wake(struct task *t, const struct futex_vec *f, uint32_t mask, int nr);
long futex2_requeue(struct task *t, const struct futex_vec f[2], int nr, int nr2);
long futex_wait_multiple(struct task *t, const struct futex_vec *f, unsigned n,
			 const struct timespec *deadline);

/* kernel/timer.c */
void timers_exit(struct thread_group *tg, bool keep_alarm);
/* ITIMER_REAL, ITIMER_VIRTUAL, ITIMER_PROF of the group */
int itimer_set(struct thread_group *tg, int which, const struct itimerspec *v,
	       struct itimerspec *old);
void itimer_get(struct thread_group *tg, int which, struct itimerspec *cur);
/* A POSIX timer's struct sigevent, as far as the sandbox reads it. */
struct timer_event {
	uint64_t value;
	int32_t signo, notify, tid;
};
/* ev NULL: SIGALRM, its value the timer's id (timer_create(2) without one).
 * cpu: the CPU clock it counts (clock is then not looked at), or NULL. */
struct cpu_clock;
int posix_timer_create(struct thread_group *tg, clockid_t clock, const struct cpu_clock *cpu,
		       const struct timer_event *ev, int *id);
int posix_timer_settime(struct thread_group *tg, int id, int flags,
			const struct itimerspec *v, struct itimerspec *old);
int posix_timer_gettime(struct thread_group *tg, int id, struct itimerspec *cur);
int posix_timer_getoverrun(struct thread_group *tg, int id);
void posix_timer_delivered(struct thread_group *tg, int id, int overrun);
int posix_timer_delete(struct thread_group *tg, int id);
struct ktimer;
struct ktimer *wake_timer_new(void (*fn)(void *arg), void *arg);
void wake_timer_arm(struct ktimer *k, int64_t rel_ns, int64_t interval_ns);
void wake_timer_free(struct ktimer *k);

/* kernel/fork.c */
struct thread_group *tg_alloc(void);
void tg_link(struct thread_group *tg);
void sandbox_finish(int status);
/* clone(2) with its x86_64 arguments: the child's pid or tid, or -errno.
 * With CLONE_PIDFD, *child is the new process, held (tg_put it), for the
 * caller to make its pidfd: a child that exits and is reaped at once is
 * still there to name. */
long do_clone(struct task *t, uint64_t flags, uint64_t stack, uint64_t ptid,
	      uint64_t ctid, uint64_t tls, struct thread_group **child);
long do_unshare(struct task *t, uint64_t flags);

/* kernel/tty.c: the sandbox's terminal's session and foreground group */
void tty_set_console(int host_fd);
/* The terminal's host fd if it is tg's controlling terminal, else -1. */
int tty_console_fd(struct thread_group *tg);
bool tty_signal(int sig);
/* POSIX's orphaned process group: no member has a parent in another group
 * of its session (no shell is left to continue it if it stops). */
bool pgrp_orphaned(pid_t pgrp);
/* Job control at a process's exit: orphaned groups, its session's terminal. */
void tty_exit(struct thread_group *tg);
/* the rest, and the pty slaves' job control: kernel/tty.h */

/* kernel/signal.c */
void send_signal_tg(struct thread_group *tg, int sig);
int dequeue_signal(struct task *t, uint64_t mask, siginfo_t *info);
void job_stop(struct task *t, int sig);
void job_continue(struct thread_group *tg);
void stop_wait(struct task *t);
/* 0, or -EAGAIN: a process's real-time signal over RLIMIT_SIGPENDING */
int send_signal_info(struct thread_group *tg, struct task *to, const siginfo_t *info);
void signal_parent(struct thread_group *child, struct thread_group *parent,
		   const siginfo_t *info, bool cldstop);
void sigpend_discard(uint64_t *set, struct sigq **q, int sig);
int setup_sigframe(struct task *t, int sig, const struct k_sigaction *act,
		   const siginfo_t *info);
/* rt_sigreturn: the registers, mask and altstack of the frame at the stack
 * pointer; the interrupted rax.  A bad frame is SIGSEGV. */
long restore_sigframe(struct task *t);
/* The kernel's stack_t (sigaltstack(2)). */
struct k_stack {
	uint64_t sp;
	int32_t flags, pad;
	uint64_t size;
};
/* Set the alternate stack to *ss (if not NULL); the one before in *old. */
int do_sigaltstack(struct task *t, const struct k_stack *ss, struct k_stack *old);
bool handle_signals(struct task *t);
bool sig_default_ignored(int sig);
struct sighand *sighand_new(struct sighand *from);
void sighand_put(struct sighand *sh);
int sighand_unshare(struct thread_group *tg);
struct k_sigaction sig_action(struct thread_group *tg, int sig);
uint64_t sig_handler(struct thread_group *tg, int sig);
bool sig_default_fatal(int sig);
bool signal_pending(struct task *t);
void set_sigmask(struct task *t, uint64_t mask);
void signal_retarget_exit(struct task *t);
int sigwait_take(struct task *t, uint64_t set, const struct timespec *ts, siginfo_t *info);
int sigmask_enter(struct task *t, uint64_t umask, size_t size, uint64_t *saved);
void sigmask_leave(struct task *t, uint64_t umask, long ret, uint64_t saved);
void signal_fault(struct task *t, int sig);

#ifndef W_EXITCODE
#define W_EXITCODE(ret, sig) ((ret) << 8 | (sig))
#endif

#endif
