/* SPDX-License-Identifier: MIT */
/*
 * Processes started from outside the sandbox (init, cvisor exec): a fresh
 * thread group with the config's process, as runc would set it up before
 * its execve.
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

#include "kernel/kernel.h"
#include "loader/loader.h"
#include "fs/memfs.h"
#include "mm/mm.h"
#include "sentry.h"
#include "vfs/vfs.h"
#include "boot/boot.h"

/* Host fds 0-2 (the CLI's, or those an exec request passed) as the
 * process's stdin, stdout and stderr. */
static int std_files(struct fd_table *fdt, const int stdio[3])
{
	for (int fd = 0; fd < 3; fd++) {
		int src = stdio ? stdio[fd] : fd;
		int fl = src >= 0 ? fcntl(src, F_GETFL) : -1;
		int h;
		struct file *f;

		if (fl < 0)
			continue;       /* not open: not open in the sandbox either */
		h = fcntl(src, F_DUPFD_CLOEXEC, 3);
		if (h < 0)
			return -errno;
		if (isatty(h))          /* the sandbox's terminal: /dev/tty's */
			tty_set_console(fcntl(h, F_DUPFD_CLOEXEC, 3));
		f = hostfd_file(h, fl & (O_ACCMODE | O_APPEND | O_NONBLOCK));
		if (!f || fdt_install(fdt, fd, f, false) < 0)
			return -ENOMEM;
	}
	return 0;
}

/* The sentry's limits as it started, before the platform lowered its own
 * (no core files): what the sandbox's processes start with. */
static struct rlimit host_rlim[RLIM_NLIMITS];

static rlim_t nofile_ceiling = RLIM_INFINITY;

/* Saved before the sentry raises its own RLIMIT_NOFILE (vfs/host_fds.c),
 * whose reserve caps the application's. */
void spawn_save_rlimits(void)
{
	for (int i = 0; i < RLIM_NLIMITS; i++)
		getrlimit(i, &host_rlim[i]);
	nofile_ceiling = host_fds_init();
	spawn_cap_rlimit(RLIMIT_NOFILE, &host_rlim[RLIMIT_NOFILE]);
}

/* A limit the sandbox can honour: RLIMIT_NOFILE no higher than the share
 * of the sentry's host fds the application may have. */
void spawn_cap_rlimit(int resource, struct rlimit *rl)
{
	if (resource != RLIMIT_NOFILE)
		return;
	if (rl->rlim_max > nofile_ceiling)
		rl->rlim_max = nofile_ceiling;
	if (rl->rlim_cur > rl->rlim_max)
		rl->rlim_cur = rl->rlim_max;
}

/* A new session leader with no parent in the sandbox (init, exec'd ones). */
struct thread_group *tg_new(const char *path)
{
	struct thread_group *tg = tg_alloc();
	const char *base = strrchr(path, '/');

	if (!tg)
		return NULL;
	tg->pgid = tg->sid = tg->pid;
	memcpy(tg->rlim, host_rlim, sizeof(host_rlim));
	snprintf(tg->comm, sizeof(tg->comm), "%s", base ? base + 1 : path);
	tg_link(tg);
	return tg;
}

/* Start in dir (made if missing, as runc does), or where cvisor was
 * started if that path exists in the sandbox. */
static int set_cwd(struct task *t, const char *dir)
{
	char cwd[4096];
	struct walk_result w;
	int err;

	if (!dir && !getcwd(cwd, sizeof(cwd)))
		return 0;
	err = vfs_walk(t, AT_FDCWD, dir ? dir : cwd, WALK_FOLLOW | WALK_DIRECTORY, &w);
	if (err == -ENOENT && dir) {
		struct walk_result p;

		if (!vfs_walk(t, AT_FDCWD, dir, WALK_PARENT | WALK_FOLLOW, &p)) {
			if (p.d->inode->ops->mkdir)
				p.d->inode->ops->mkdir(p.d->inode, p.last, 0755, 0, 0);
			dentry_put(p.d);
		}
		err = vfs_walk(t, AT_FDCWD, dir, WALK_FOLLOW | WALK_DIRECTORY, &w);
	}
	if (err)
		return dir ? err : 0;
	dentry_put(t->fs->cwd);
	t->fs->cwd = w.d;
	return 0;
}

/* execvp's search, inside the sandbox: PATH from the new environment. */
static const char *find_prog(struct task *t, const struct spawn *sp, char *buf, size_t len)
{
	const char *path = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

	if (strchr(sp->prog, '/'))
		return sp->prog;
	for (char *const *e = sp->envp; e && *e; e++)
		if (!strncmp(*e, "PATH=", 5))
			path = *e + 5;
	for (const char *p = path; *p;) {
		size_t n = strcspn(p, ":");
		struct walk_result w;

		snprintf(buf, len, "%.*s/%s", (int)n, n ? p : ".", sp->prog);
		if (!vfs_walk(t, AT_FDCWD, buf, WALK_FOLLOW, &w)) {
			bool reg = S_ISREG(w.d->inode->mode);

			dentry_put(w.d);
			if (reg)
				return buf;
		}
		p += n + (p[n] == ':');
	}
	return sp->prog;        /* exec_load reports ENOENT */
}

/*
 * A new process in the sandbox running sp->prog, its first thread ready
 * but not yet let go: the caller resumes it with task_release().  As runc
 * does it: the working directory is entered as root, then the process
 * takes the config's user and capabilities and execs the program.
 */
int spawn_process(struct thread_group *tg, struct fs_struct *fs, const struct spawn *sp,
		  const int stdio[3], struct task **out)
{
	struct exec_result res;
	struct stub_thread *st;
	struct creds cred;
	struct task *t;
	const char *why = NULL, *prog;
	char buf[4096];
	int err;

	tg->cred.cap_eff = tg->cred.cap_perm = tg->cred.cap_bnd = CAP_ALL_MASK;
	tg->mm = mm_new();
	tg->fdt = fdt_new();
	if (!tg->mm || !tg->fdt)
		return -ENOMEM;
	err = std_files(tg->fdt, stdio);
	if (err)
		return err;
	t = task_new(tg, NULL);
	if (!t)
		return -ENOMEM;
	t->fs = fs;
	if (sp->umask >= 0)
		fs->umask = (mode_t)sp->umask & 0777;
	err = set_cwd(t, sp->cwd);
	if (err) {
		fprintf(stderr, "cvisor: cwd %s: %s\n", sp->cwd, strerror(-err));
		return err;
	}
	err = cred_oci_init(&cred, sp);
	if (err == -EINVAL)
		fprintf(stderr, "cvisor: user %u:%u is not mapped in the sandbox's user namespace\n",
			sp->uid, sp->gid);
	else if (err)
		fprintf(stderr, "cvisor: process.capabilities: cannot apply them "
			"(effective beyond permitted?)\n");
	if (err)
		return err;
	tg->cred = cred;
	tg->no_new_privs = sp->no_new_privs;
	prog = find_prog(t, sp, buf, sizeof(buf));
	err = exec_load(t, tg->mm, prog, sp->argv, sp->envp, &res, &why);
	if (err) {
		fprintf(stderr, "cvisor: %s: %s\n", prog, why ? why : strerror(-err));
		return err;
	}
	cred_exec_commit(tg, &res.cred, res.secure);
	dentry_put(tg->exe);
	tg->exe = res.exe;
	err = stub_thread_create(tg->mm->proc, &st);
	if (err)
		return err;
	t->st = st;
	memset(&t->regs, 0, sizeof(t->regs));
	t->regs.rip = res.entry;
	t->regs.rsp = res.sp;
	t->regs.eflags = 0x202;
	*out = t;
	return 0;
}

/* Let a spawned process run its first instruction. */
int task_release(struct task *t)
{
	stub_thread_resume(t->st, &t->regs);
	return task_start(t);
}
