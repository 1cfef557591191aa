/* SPDX-License-Identifier: MIT */
/*
 * The sentry's main thread: starts the platform and the sandbox's first
 * process, then reaps stub processes and forwards the host signals that
 * are meant for the application until init exits.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/random.h>
#include <sys/signalfd.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "ipc/ipc.h"
#include "kernel/kernel.h"
#include "loader/loader.h"
#include "fs/memfs.h"
#include "mm/mm.h"
#include "net/net.h"
#include "sentry.h"
#include "syscalls/syscalls.h"
#include "vfs/vfs.h"
#include "boot/boot.h"
#include "fs/proc/sysctl.h"

/* The CPUs the sentry may run on (else, if the host will not say, all online). */
static void find_cpus(void)
{
	cpu_set_t set;

	if (sched_getaffinity(0, sizeof(set), &set)) {
		long online = sysconf(_SC_NPROCESSORS_ONLN);

		CPU_ZERO(&set);
		for (long i = 0; i < (online > 0 ? online : 1) && i < CPU_SETSIZE; i++)
			CPU_SET(i, &set);
	}
	sandbox.ncpus = CPU_COUNT(&set);
	sandbox.cpu_mask = 0;
	for (int i = 0; i < 64; i++)
		if (CPU_ISSET(i, &set))
			sandbox.cpu_mask |= 1ULL << i;
}

static void apply_limits(struct thread_group *tg, const struct sentry_run *r)
{
	find_cpus();
	for (int i = 0; i < r->nrlimits; i++)
		if (r->rlimits[i].resource >= 0 && r->rlimits[i].resource < RLIM_NLIMITS) {
			tg->rlim[r->rlimits[i].resource] = r->rlimits[i].rlim;
			spawn_cap_rlimit(r->rlimits[i].resource, &tg->rlim[r->rlimits[i].resource]);
		}
	if (r->hostname)
		snprintf(sandbox.hostname, sizeof(sandbox.hostname), "%s", r->hostname);
	snprintf(sandbox.domainname, sizeof(sandbox.domainname), "(none)");
	sandbox.pids_max = r->pids_max > 0 && r->pids_max < INT32_MAX ? (int)r->pids_max : 0;
	sandbox.oom_score_adj = r->oom_score_adj;
	sandbox.uid_map = r->uid_map;
	sandbox.container = r->container;
	sandbox.gid_map = r->gid_map;
	for (char *const *kv = r->sysctl; kv && *kv; kv++) {
		const char *eq = strchr(*kv, '=');
		char key[128];

		snprintf(key, sizeof(key), "%.*s", eq ? (int)(eq - *kv) : 0, *kv);
		if (eq)
			proc_sysctl_set(key, eq + 1);
	}
}

/* The sandbox's first process, stopped before its first instruction. */
static int start_init(const struct sentry_run *r, struct thread_group *tg, struct task **out)
{
	struct spawn sp = {
		.prog = r->prog_path, .argv = r->argv, .envp = r->envp, .cwd = r->cwd,
		.uid = r->uid, .gid = r->gid, .gids = r->gids, .ngids = r->ngids,
		/* cvisor do: root with every capability, as on the host */
		.cap_eff = r->caps_set ? r->cap_eff : ~0ULL,
		.cap_perm = r->caps_set ? r->cap_perm : ~0ULL,
		.cap_bnd = r->caps_set ? r->cap_bnd : ~0ULL,
		.cap_inh = r->caps_set ? r->cap_inh : 0, .cap_amb = r->caps_set ? r->cap_amb : 0,
		.no_new_privs = r->no_new_privs, .umask = r->umask,
	};
	struct fs_struct *fs = build_root(r);
	int err;

	if (!fs)
		return -EIO;
	sandbox.root_fs = fs;
	apply_limits(tg, r);
	err = spawn_process(tg, fs, &sp, NULL, out);
	if (!err) {
		/* runc makes these mounts as root, before it takes the user's
		 * ids: the walks must not depend on what the user may reach */
		struct creds user = tg->cred;

		memset(&tg->cred, 0, sizeof(tg->cred));
		tg->cred.cap_eff = CAP_ALL_MASK;
		apply_path_rules(*out, r);
		tg->cred = user;
	}
	return err;
}

static void reap(void)
{
	int status;
	pid_t pid;

	while ((pid = waitpid(-1, &status, WNOHANG | __WALL)) > 0)
		stub_proc_exited(pid, status);
}

/*
 * Every stub process the sentry knows was killed; one it lost track of (a
 * fork whose host clone made the child but never answered: the forking
 * process was killed in between) is killed here, as the sentry is its pid
 * namespace's init.  Then wait for each, so none outlives cvisor.
 */
static void reap_all(void)
{
	kill(-1, SIGKILL);
	while (waitpid(-1, NULL, __WALL) > 0 || errno == EINTR)
		;
}

/*
 * A signal for the application from outside the sandbox (the supervisor,
 * forwarding the engine's or the user's), not one the host raised for the
 * sentry's own doing (SIGPIPE on a write of its own, say: its pid is ours).
 */
static bool forwarded(const struct signalfd_siginfo *si)
{
	return si->ssi_pid != (uint32_t)getpid();
}

/*
 * Did the host terminal raise it?  For a container's pty the sentry is
 * the terminal's foreground process group and the kernel sends it
 * (SI_KERNEL); for cvisor do's terminal the CLI and the supervisor pass it
 * on, marked (confine_forward()).
 */
static bool from_terminal(const struct signalfd_siginfo *si)
{
	return si->ssi_code == SI_KERNEL ||
	       (si->ssi_code == SI_QUEUE && si->ssi_int == SIG_FROM_TTY);
}

/* A signal from outside: the terminal's go to its foreground group,
 * the others to init. */
static void host_signal(const struct signalfd_siginfo *si)
{
	if (from_terminal(si) && tty_signal((int)si->ssi_signo))
		return;
	send_signal_tg(sandbox.init, (int)si->ssi_signo);
}

/* Wait for init to exit, serving the host's signals and the CLI meanwhile. */
static void main_loop(int sfd, int ctl_fd)
{
	struct pollfd p[3] = { { sfd, POLLIN, 0 }, { sandbox.event_fd, POLLIN, 0 },
			       { ctl_fd, POLLIN, 0 } };
	bool started = true;

	while (!__atomic_load_n(&sandbox.done, __ATOMIC_ACQUIRE)) {
		struct signalfd_siginfo si;

		if (poll(p, ctl_fd >= 0 ? 3 : 2, -1) < 0 && errno != EINTR)
			break;
		while (read(sfd, &si, sizeof(si)) == sizeof(si)) {
			if (si.ssi_signo == SIGCHLD)
				reap();
			else if (forwarded(&si))
				host_signal(&si);
		}
		if (ctl_fd >= 0 && (p[2].revents & POLLIN))
			control_serve(ctl_fd, &started);
	}
}

/*
 * cvisor create: tell the CLI the sandbox is ready (or why not), then
 * serve requests until "start" lets init go.  A signal or a kill before
 * that ends the sandbox with init never having run.
 */
static int wait_for_start(const struct sentry_run *r, int sfd, int err)
{
	struct pollfd p[2] = { { sfd, POLLIN, 0 }, { r->ctl_fd, POLLIN, 0 } };
	bool started = false;

	if (r->ready_fd >= 0) {
		char msg[32];
		int n = snprintf(msg, sizeof(msg), "%d\n", err);

		if (write(r->ready_fd, msg, (size_t)n) != n) {
			/* the CLI is gone: nobody will start us */
			return -EPIPE;
		}
		close(r->ready_fd);
	}
	if (err)
		return err;
	while (!started) {
		struct signalfd_siginfo si;

		if (poll(p, 2, -1) < 0 && errno != EINTR)
			return -errno;
		if (read(sfd, &si, sizeof(si)) == sizeof(si) && forwarded(&si) &&
		    sig_default_fatal((int)si.ssi_signo))
			return W_EXITCODE(0, (int)si.ssi_signo);
		if ((p[1].revents & POLLIN) && control_serve(r->ctl_fd, &started) > 0)
			return sandbox.exit_status;     /* killed before start */
	}
	return 0;
}

int sentry_main(const struct sentry_run *r)
{
	struct task *init = NULL;
	sigset_t set;
	int sfd, err;

	spawn_save_rlimits();
	task_set_syscall_entry(syscall_dispatch);
	tg_set_exit_hook(ipc_exit);
	sandbox.opts.strace = r->strace;
	sandbox.opts.stats = r->stats;
	net_host_uds = r->host_uds;
	sandbox.opts.log_fd = 2;
	clock_gettime(CLOCK_MONOTONIC, &sandbox.boot_time);
	host_proc_fd = open("/proc", O_PATH | O_DIRECTORY | O_CLOEXEC);
	/* the application's umask is applied by the VFS; the host's own must
	 * not cut a host file's mode once more */
	umask(0);
	app_seccomp_set(r->seccomp, r->seccomp_len);
	/*
	 * Every standard signal is read from a signalfd: SIGCHLD (a stub
	 * process ended) and those the supervisor forwards, for init.  They
	 * must be caught, not left to their default: as the init of its pid
	 * namespace the sentry would never see one it has no handler for.
	 * (A sleeping sentry thread is woken by its waker, kernel/task.c,
	 * never by a signal.)
	 */
	sigemptyset(&set);
	for (int s = 1; s < __SIGRTMIN; s++)
		if (s != SIGKILL && s != SIGSTOP)
			sigaddset(&set, s);
	pthread_sigmask(SIG_BLOCK, &set, NULL);
	sfd = signalfd(-1, &set, SFD_CLOEXEC | SFD_NONBLOCK);
	sandbox.event_fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	if (sfd < 0 || sandbox.event_fd < 0)
		return -errno;
	err = platform_init();
	if (err) {
		fprintf(stderr, "cvisor: cannot start the platform: %s\n", strerror(-err));
		return err;
	}
	sandbox.init = tg_new(r->prog_path);
	err = sandbox.init ? start_init(r, sandbox.init, &init) : -ENOMEM;
	if (!err && r->lockdown)
		err = r->lockdown(r->host_uds ? host_proc_fd : -1);
	/* unconfined, the cwd is the host's /proc all the same (net/unix/host.c) */
	else if (!err && r->host_uds && fchdir(host_proc_fd))
		err = -errno;
	/* (not under a pids limit: the spare's host threads would count) */
	if (!err && !r->pids_max)
		platform_spare_start();
	if (r->ctl_fd >= 0)
		err = wait_for_start(r, sfd, err);
	if (!err)
		err = task_release(init);
	if (err) {
		if (sandbox.init && sandbox.init->mm)
			stub_proc_kill(sandbox.init->mm->proc);
		platform_fini();
		reap_all();
		return err;
	}
	main_loop(sfd, r->ctl_fd);
	if (sandbox.opts.stats) {
		/* open files the exited application left: a leak shows here */
		dprintf(2, "sentry: %ld files open at exit\n", vfs_files_live());
		platform_print_stats(2);        /* before: readers take the
						 * syscall table to the end */
		syscall_print_stats(2);
	}
	platform_fini();
	reap_all();
	return sandbox.exit_status;
}
