/* SPDX-License-Identifier: MIT */
/*
 * The sentry's main thread: starts the platform and the sandbox's first
 * process, then reaps stub processes and forwards the host signals that
 * are meant for the application until init exits.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/random.h>
#include <sys/signalfd.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "kernel/kernel.h"
#include "loader/loader.h"
#include "fs/memfs.h"
#include "mm/mm.h"
#include "sentry.h"
#include "syscalls/syscalls.h"
#include "vfs/vfs.h"

static int std_files(struct fd_table *fdt)
{
	for (int fd = 0; fd < 3; fd++) {
		int fl = fcntl(fd, F_GETFL);
		int h;
		struct file *f;

		if (fl < 0)
			continue;       /* not open: not open in the sandbox either */
		h = fcntl(fd, F_DUPFD_CLOEXEC, 3);
		if (h < 0)
			return -errno;
		f = hostfd_file(h, fl & (O_ACCMODE | O_APPEND | O_NONBLOCK));
		if (!f || fdt_install(fdt, fd, f, false) < 0)
			return -ENOMEM;
	}
	return 0;
}

static struct thread_group *tg_new(const char *path)
{
	struct thread_group *tg = calloc(1, sizeof(*tg));
	const char *base = strrchr(path, '/');

	if (!tg)
		return NULL;
	pthread_mutex_init(&tg->lock, NULL);
	tg->pid = tg->pgid = tg->sid = alloc_pid();
	tg->ppid = 0;
	tg->exit_signal = SIGCHLD;
	for (int r = 0; r < RLIM_NLIMITS; r++)
		getrlimit(r, &tg->rlim[r]);
	snprintf(tg->comm, sizeof(tg->comm), "%s", base ? base + 1 : path);
	pthread_mutex_lock(&sandbox.lock);
	tg->next_tg = sandbox.tgs;
	sandbox.tgs = tg;
	pthread_mutex_unlock(&sandbox.lock);
	return tg;
}

/* mkdir -p inside the sandbox: mountpoints the root file system lacks. */
static int make_path(struct fs_struct *fs, const char *path)
{
	struct dentry *d = dentry_get(fs->root), *next;
	char buf[4096], *save, *name;
	int err = 0;

	snprintf(buf, sizeof(buf), "%s", path);
	for (name = strtok_r(buf, "/", &save); name && !err;
	     name = strtok_r(NULL, "/", &save)) {
		err = vfs_lookup_one(d, name, &next);
		if (err == -ENOENT && d->inode->ops->mkdir) {
			err = d->inode->ops->mkdir(d->inode, name, 0755, 0, 0);
			if (!err)
				err = vfs_lookup_one(d, name, &next);
		}
		if (!err) {
			dentry_put(d);
			d = next;
		}
	}
	dentry_put(d);
	return err;
}

static int mount_at(struct fs_struct *fs, const char *path, struct inode *root,
		    const char *fstype, const char *source, bool ro)
{
	int err;

	if (!root)
		return -ENOMEM;
	err = vfs_mount_path(fs, path, root, fstype, source, ro);
	if (err == -ENOENT && !make_path(fs, path))
		err = vfs_mount_path(fs, path, root, fstype, source, ro);
	if (err)
		fprintf(stderr, "cvisor: cannot mount %s on %s: %s\n", fstype, path,
			strerror(-err));
	return err;
}

/*
 * cvisor do's file system: the host's / (or --root) as the read-only lower layer of an
 * in-memory overlay, the sentry's own /proc, /dev, /sys, tmpfs on /tmp and
 * /dev/shm, and each --rw directory bind-mounted writable at its own path.
 */
static struct fs_struct *build_root(const struct sentry_run *r)
{
	int hfd = open(r->root ? r->root : "/", O_PATH | O_DIRECTORY | O_CLOEXEC);
	struct inode *lower = hfd >= 0 ? hostfs_root(hfd, true) : NULL;
	struct inode *root = lower ? memfs_root(lower, 0755) : NULL;
	struct mount *m = root ? vfs_mount(NULL, root, "overlay", "/", false) : NULL;
	struct dentry *rd = m ? vfs_root_dentry(m) : NULL;
	struct fs_struct *fs = rd ? fs_new(rd) : NULL;

	dentry_put(rd);
	if (!fs) {
		fprintf(stderr, "cvisor: cannot open the root %s\n", r->root ? r->root : "/");
		return NULL;
	}
	struct inode *sys = sysfs_root();

	if (sys)
		memfs_set_magic(sys, 0x62656572);       /* SYSFS_MAGIC */
	if (mount_at(fs, "/proc", procfs_root(), "proc", "proc", false) ||
	    mount_at(fs, "/dev", devfs_root(), "devtmpfs", "dev", false) ||
	    mount_at(fs, "/dev/shm", memfs_root(NULL, 01777), "tmpfs", "shm", false) ||
	    mount_at(fs, "/sys", sys, "sysfs", "sysfs", true) ||
	    mount_at(fs, "/tmp", memfs_root(NULL, 01777), "tmpfs", "tmpfs", false))
		return NULL;
	for (int i = 0; i < r->nr_rw; i++) {
		int fd = open(r->rw[i], O_PATH | O_DIRECTORY | O_CLOEXEC);

		if (fd < 0) {
			fprintf(stderr, "cvisor: --rw %s: %s\n", r->rw[i], strerror(errno));
			return NULL;
		}
		if (mount_at(fs, r->rw[i], hostfs_root(fd, false), "bind", r->rw[i], false))
			return NULL;
	}
	return fs;
}

/* The sandbox starts where cvisor was started, if that path exists in it. */
static void set_cwd(struct task *t)
{
	char cwd[4096];
	struct walk_result w;

	if (!getcwd(cwd, sizeof(cwd)) ||
	    vfs_walk(t, AT_FDCWD, cwd, WALK_FOLLOW | WALK_DIRECTORY, &w))
		return;
	dentry_put(t->fs->cwd);
	t->fs->cwd = w.d;
}

/* Load the program and give the first thread its registers. */
static int start_init(const struct sentry_run *r, struct thread_group *tg)
{
	struct stub_thread *st;
	struct task *t;
	const char *why = NULL;
	uint64_t sp, entry;
	int err;

	tg->mm = mm_new();
	tg->fdt = fdt_new();
	if (!tg->mm || !tg->fdt)
		return -ENOMEM;
	err = std_files(tg->fdt);
	if (err)
		return err;
	t = task_new(tg, NULL);
	if (!t)
		return -ENOMEM;
	t->fs = build_root(r);
	if (!t->fs)
		return -EIO;
	set_cwd(t);
	err = exec_load(t, r->prog_path, r->argv, r->envp, &entry, &sp, &why);
	if (err) {
		fprintf(stderr, "cvisor: %s: %s\n", r->prog_path, why ? why : strerror(-err));
		return err;
	}
	err = stub_thread_create(tg->mm->proc, &st);
	if (err)
		return err;
	t->st = st;
	memset(&t->regs, 0, sizeof(t->regs));
	t->regs.rip = entry;
	t->regs.rsp = sp;
	t->regs.eflags = 0x202;
	memcpy(&st->msg->regs, &t->regs, sizeof(t->regs));
	stub_thread_resume(st);
	return task_start(t);
}

static void reap(void)
{
	int status;
	pid_t pid;

	while ((pid = waitpid(-1, &status, WNOHANG | __WALL)) > 0)
		stub_proc_exited(pid);
}

/* Every stub process was killed: wait for each, so none outlives cvisor. */
static void reap_all(void)
{
	while (waitpid(-1, NULL, __WALL) > 0 || errno == EINTR)
		;
}

/* Wait for init to exit, serving the host's signals meanwhile. */
static void main_loop(int sfd)
{
	struct pollfd p[2] = { { sfd, POLLIN, 0 }, { sandbox.event_fd, POLLIN, 0 } };

	while (!__atomic_load_n(&sandbox.done, __ATOMIC_ACQUIRE)) {
		struct signalfd_siginfo si;

		if (poll(p, 2, -1) < 0 && errno != EINTR)
			break;
		while (read(sfd, &si, sizeof(si)) == sizeof(si)) {
			if (si.ssi_signo == SIGCHLD)
				reap();
			else
				send_signal_tg(sandbox.init, (int)si.ssi_signo);
		}
	}
}

int sentry_main(const struct sentry_run *r)
{
	sigset_t set;
	int sfd, err;

	sandbox.opts.strace = r->strace;
	sandbox.opts.stats = r->stats;
	sandbox.opts.log_fd = 2;
	clock_gettime(CLOCK_MONOTONIC, &sandbox.boot_time);
	sigemptyset(&set);
	sigaddset(&set, SIGCHLD);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGHUP);
	sigaddset(&set, SIGQUIT);
	sigaddset(&set, SIGUSR1);       /* the kick, unblocked only in ppoll */
	pthread_sigmask(SIG_BLOCK, &set, NULL);
	sigdelset(&set, SIGUSR1);
	install_kick_handler();
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
	if (!sandbox.init)
		return -ENOMEM;
	err = start_init(r, sandbox.init);
	if (err) {
		if (sandbox.init->mm)
			stub_proc_kill(sandbox.init->mm->proc);
		platform_fini();
		return err;
	}
	main_loop(sfd);
	if (sandbox.opts.stats)
		syscall_print_stats(2);
	platform_fini();
	reap_all();
	return sandbox.exit_status;
}
