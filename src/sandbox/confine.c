/* SPDX-License-Identifier: MIT */
/* Namespaces, the empty root, capabilities and seccomp for the sentry (see confine.h). */
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <net/if.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/socket.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "sandbox/confine.h"
#include "sentry.h"
#include "sandbox/seccomp.h"

#include <sys/capability.h>

static int write_file(const char *path, const char *s)
{
	int fd = open(path, O_WRONLY | O_CLOEXEC);
	ssize_t n;

	if (fd < 0)
		return -errno;
	n = write(fd, s, strlen(s));
	close(fd);
	return n == (ssize_t)strlen(s) ? 0 : -(errno ? errno : EIO);
}

/* By default every uid and gid maps to itself: files keep their owners on
 * the host.  A container's linux.uidMappings/gidMappings replace that. */
static int write_maps(pid_t pid, const struct confine *c)
{
	char path[64];
	int err;

	snprintf(path, sizeof(path), "/proc/%d/uid_map", pid);
	err = write_file(path, c->uid_map ? c->uid_map : "0 0 4294967295\n");
	if (err)
		return err;
	snprintf(path, sizeof(path), "/proc/%d/gid_map", pid);
	return write_file(path, c->gid_map ? c->gid_map : "0 0 4294967295\n");
}

static pid_t sentry_pid;

void confine_forward(pid_t pid, int sig, const siginfo_t *si)
{
	if (si->si_code == SI_KERNEL ||
	    (si->si_code == SI_QUEUE && si->si_value.sival_int == SIG_FROM_TTY))
		sigqueue(pid, sig, (union sigval){ .sival_int = SIG_FROM_TTY });
	else
		kill(pid, sig);
}

static void forward(int sig, siginfo_t *si, void *uc)
{
	(void)uc;
	if (sentry_pid > 0)
		confine_forward(sentry_pid, sig, si);
}

/* The supervisor: forward signals, then exit as the sentry did. */
static void supervise(pid_t pid, const sigset_t *mask)
{
	struct sigaction sa = { .sa_sigaction = forward, .sa_flags = SA_RESTART | SA_SIGINFO };
	int status;

	sentry_pid = pid;
	for (int s = 1; s < 32; s++)
		if (s != SIGKILL && s != SIGSTOP && s != SIGCHLD)
			sigaction(s, &sa, NULL);
	sigprocmask(SIG_SETMASK, mask, NULL);
	for (int fd = 3; fd < 1024; fd++)
		close(fd);
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			_exit(125);
	/* The sandbox's exit status cannot tell a sentry that died of a
	 * signal from an application that did: say which it was. */
	if (WIFSIGNALED(status))
		fprintf(stderr, "cvisor: the sentry died of signal %d (%s)\n",
			WTERMSIG(status), strsignal(WTERMSIG(status)));
	_exit(WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status));
}

/* A new network namespace has its loopback down: bring it up, as runc's
 * engines do, so that 127.0.0.1 works in the sandbox. */
static void loopback_up(void)
{
	struct ifreq ifr = { .ifr_name = "lo" };
	int s = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);

	if (s < 0)
		return;
	if (!ioctl(s, SIOCGIFFLAGS, &ifr)) {
		ifr.ifr_flags |= IFF_UP | IFF_RUNNING;
		ioctl(s, SIOCSIFFLAGS, &ifr);
	}
	close(s);
}

/*
 * The sentry binds the application's sockets without CAP_NET_BIND_SERVICE
 * on the host: low ports are opened to it in the sandbox's network
 * namespace (and to nothing else), and the sentry itself checks the
 * sandbox's own CAP_NET_BIND_SERVICE (net/hostinet.c).
 */
static void low_ports_open(void)
{
	int fd = open("/proc/sys/net/ipv4/ip_unprivileged_port_start", O_WRONLY | O_CLOEXEC);

	if (fd >= 0) {
		if (write(fd, "0", 1) != 1) {
			/* binding below 1024 will fail with EACCES */
		}
		close(fd);
	}
}

/* In the new namespaces: a private mount tree and a proc of our pid namespace. */
static int sentry_setup(void)
{
	/* (getppid() is 0 here: the supervisor is outside our pid namespace) */
	if (prctl(PR_SET_PDEATHSIG, SIGKILL))
		return -errno;
	if (mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL))
		return -errno;
	if (mount("proc", "/proc", "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL))
		return -errno;
	loopback_up();
	low_ports_open();
	return 0;
}

/*
 * linux.sysctl's net.* keys, in the network namespace we are in now (the
 * sandbox's): /proc/sys/net is the opener's namespace's.  The sentry's
 * procfs reads them back from there.  A refusal is named here, where it
 * happens; keys are names the config parser checked.
 */
static int set_net_sysctls(const struct confine *c)
{
	for (char *const *kv = c->sysctl; kv && *kv; kv++) {
		const char *eq = strchr(*kv, '=');
		char path[256];
		int fd, err = 0;

		/* ip_unprivileged_port_start is the sentry's (fs/proc/sysctl.c):
		 * here it stays 0 (low_ports_open) */
		if (strncmp(*kv, "net.", 4) || !eq ||
		    !strncmp(*kv, "net.ipv4.ip_unprivileged_port_start=", 36))
			continue;
		snprintf(path, sizeof(path), "/proc/sys/%.*s", (int)(eq - *kv), *kv);
		for (char *p = path + strlen("/proc/sys/"); *p; p++)
			if (*p == '.')
				*p = '/';
		fd = open(path, O_WRONLY | O_CLOEXEC);
		if (fd < 0 || write(fd, eq + 1, strlen(eq + 1)) < 0)
			err = -errno;
		if (fd >= 0)
			close(fd);
		if (err) {
			fprintf(stderr, "cvisor: linux.sysctl %.*s = \"%s\": %s\n", (int)(eq - *kv),
				*kv, eq + 1, strerror(-err));
			return err;
		}
	}
	return 0;
}

/* Join the namespace at path (its type checked by the config parser). */
static int join_ns(const char *path, int type)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC), err = 0;

	if (fd < 0 || setns(fd, type))
		err = -errno;
	if (fd >= 0)
		close(fd);
	return err;
}

static int enter_namespaces(const struct confine *c, int ready_fd, int go_fd)
{
	/* a cgroup namespace too: the sentry sees no host cgroup paths */
	int flags = CLONE_NEWNS | CLONE_NEWIPC | CLONE_NEWPID | CLONE_NEWCGROUP, err;
	char b = 0;

	if (!c->host_uts && !c->utsns_path)
		flags |= CLONE_NEWUTS;
	if (c->new_net && !c->netns_path)
		flags |= CLONE_NEWNET;
	/* paths are joined as the host's root, before our own user namespace */
	if (c->utsns_path && (err = join_ns(c->utsns_path, CLONE_NEWUTS)))
		return err;
	if (c->netns_path) {
		if ((err = join_ns(c->netns_path, CLONE_NEWNET)))
			return err;
		low_ports_open();       /* still the host's root: allowed here */
		if ((err = set_net_sysctls(c)))
			return err;
	}
	if (unshare(CLONE_NEWUSER))
		return -errno;
	if (write(ready_fd, &b, 1) != 1 || read(go_fd, &b, 1) != 1 || b)
		return -EPERM;  /* the CLI could not write our id maps */
	if (setresgid(0, 0, 0) || setresuid(0, 0, 0))
		return -errno;
	if (unshare(flags))
		return -errno;
	/* our own network namespace: root of our user namespace may */
	return flags & CLONE_NEWNET ? set_net_sysctls(c) : 0;
}

/*
 * fork(), the child in a new pid namespace with c->new_pidns: after
 * unshare our next child is the init of one, and our own later children
 * (hooks) must not be in it, so the CLI goes back to its own at once.
 * The child's pid, 0 in the child, or -errno.
 */
static pid_t fork_supervisor(const struct confine *c)
{
	int self, err = 0;
	pid_t pid;

	if (!c->new_pidns)
		return (pid = fork()) < 0 ? -errno : pid;
	self = open("/proc/self/ns/pid", O_RDONLY | O_CLOEXEC);
	if (self < 0 || unshare(CLONE_NEWPID)) {
		err = -errno;
		if (self >= 0)
			close(self);
		return err;
	}
	pid = fork();
	if (pid < 0)
		err = -errno;
	if (pid != 0 && setns(self, CLONE_NEWPID) && !err) {
		err = -errno;
		kill(pid, SIGKILL);
		waitpid(pid, NULL, 0);
	}
	close(self);
	return err ? err : pid;
}

pid_t confine_spawn(const struct confine *c)
{
	int ready[2], go[2], err;
	sigset_t all, old;
	char b;
	pid_t sup, pid;

	if (pipe2(ready, O_CLOEXEC) || pipe2(go, O_CLOEXEC))
		return -errno;
	pid_t cli = getpid();

	fflush(NULL);
	sup = fork_supervisor(c);
	if (sup < 0)
		return sup;
	if (sup == 0) {
		close(ready[0]);
		close(go[1]);
		if (c->stdio_fd >= 0)
			for (int fd = 0; fd < 3; fd++)
				dup2(c->stdio_fd, fd);
		/* (in a pid namespace of our own the parent is 0: a CLI gone
		 * before this is seen when the handshake below fails) */
		if (c->die_with_parent &&
		    (prctl(PR_SET_PDEATHSIG, SIGKILL) || getppid() != (c->new_pidns ? 0 : cli)))
			_exit(125);     /* the CLI is already gone */
		if (!c->keep_session)
			setsid();
		err = enter_namespaces(c, ready[1], go[0]);
		if (err) {
			fprintf(stderr, "cvisor: cannot make the sandbox's namespaces: %s\n",
				strerror(-err));
			_exit(125);
		}
		close(ready[1]);
		close(go[0]);
		/* signals wait until the supervisor forwards them: as a pid
		 * namespace's init it would drop them, having no handler yet */
		sigfillset(&all);
		sigprocmask(SIG_SETMASK, &all, &old);
		pid = fork();
		if (pid < 0)
			_exit(125);
		if (pid > 0)
			supervise(pid, &old);
		sigprocmask(SIG_SETMASK, &old, NULL);
		err = sentry_setup();
		if (err) {
			fprintf(stderr, "cvisor: cannot set up the sandbox: %s\n", strerror(-err));
			_exit(125);
		}
		return 0;
	}
	close(ready[1]);
	close(go[0]);
	err = read(ready[0], &b, 1) == 1 ? write_maps(sup, c) : -ECHILD;
	if (!err && c->place)
		err = c->place(sup, c->place_arg);
	b = err ? 1 : 0;
	if (write(go[1], &b, 1) != 1 && !err)
		err = -EPIPE;
	close(ready[0]);
	close(go[1]);
	if (err) {
		kill(sup, SIGKILL);
		waitpid(sup, NULL, 0);
		return err;
	}
	return sup;
}

/* An empty, read-only root: only the fds opened before it reach the host. */
static int pivot_to_empty(void)
{
	const char *new = "/tmp";

	if (access(new, F_OK))
		new = "/mnt";
	if (mount("cvisor-root", new, "tmpfs", MS_NOSUID | MS_NODEV | MS_NOEXEC, "size=16k,mode=0755"))
		return -errno;
	if (chdir(new) || mkdir(".old", 0700))
		return -errno;
	if (syscall(SYS_pivot_root, ".", ".old"))
		return -errno;
	if (chdir("/") || umount2("/.old", MNT_DETACH) || rmdir("/.old"))
		return -errno;
	if (mount(NULL, "/", NULL, MS_REMOUNT | MS_BIND | MS_RDONLY, NULL))
		return -errno;
	return 0;
}

/*
 * Capabilities: none in the host's user namespace (we are in our own), and
 * in ours only those that let the sentry serve the sandbox's file
 * operations on files it does not own (as gVisor gives them to its gofer),
 * and CAP_SYS_PTRACE, to reach the memory of its stub processes, which are
 * not dumpable (sandbox/sentry_exec.h); its filter allows no ptrace(2).
 */
static int drop_caps(void)
{
	static const cap_value_t keep[] = {
		CAP_CHOWN, CAP_DAC_OVERRIDE, CAP_DAC_READ_SEARCH, CAP_FOWNER, CAP_FSETID,
		CAP_SYS_PTRACE,
	};
	cap_t caps;
	int err = 0;

	for (cap_value_t c = 0; c <= CAP_LAST_CAP; c++) {
		bool kept = false;

		for (size_t i = 0; i < sizeof(keep) / sizeof(keep[0]); i++)
			kept |= keep[i] == c;
		if (!kept && prctl(PR_CAPBSET_DROP, c, 0, 0, 0) && errno != EINVAL)
			return -errno;
	}
	if (prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0) && errno != EINVAL)
		return -errno;
	caps = cap_init();
	if (!caps)
		return -ENOMEM;
	if (cap_set_flag(caps, CAP_EFFECTIVE, sizeof(keep) / sizeof(keep[0]), keep, CAP_SET) ||
	    cap_set_flag(caps, CAP_PERMITTED, sizeof(keep) / sizeof(keep[0]), keep, CAP_SET) ||
	    cap_set_proc(caps))
		err = -errno;
	cap_free(caps);
	return err;
}

int confine_lockdown(int uds_dir)
{
	int err = pivot_to_empty();

	if (err) {
		fprintf(stderr, "cvisor: cannot pivot into an empty root: %s\n", strerror(-err));
		return err;
	}
	/* now, since the filter allows no fchdir (net/unix/host.c) */
	if (uds_dir >= 0 && fchdir(uds_dir))
		return -errno;
	err = drop_caps();
	if (err) {
		fprintf(stderr, "cvisor: cannot drop capabilities: %s\n", strerror(-err));
		return err;
	}
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0))
		return -errno;
	err = sentry_seccomp_install(uds_dir >= 0);
	if (err)
		fprintf(stderr, "cvisor: cannot install the sentry's seccomp filter: %s\n",
			strerror(-err));
	return err;
}
