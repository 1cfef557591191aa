/*
 * unshare(2): flags Linux does not know are EINVAL; CLONE_FS and
 * CLONE_FILES give the caller its own cwd and fd table, leaving the
 * process it shared them with as it was; CLONE_THREAD, CLONE_SIGHAND and
 * CLONE_VM are accepted alone and EINVAL once the process has a second
 * thread; a namespace without CAP_SYS_ADMIN is EPERM.
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include "caps.h"

static char stack[64 * 1024] __attribute__((aligned(16)));
static int shared_fd;

/* A clone(CLONE_FS) child that unshares it, then moves: the parent stays. */
static int fs_child(void *arg)
{
	(void)arg;
	if (unshare(CLONE_FS))
		return 1;
	return chdir("/") ? 2 : 0;
}

/* A clone(CLONE_FILES) child that unshares them, then closes: the parent keeps it. */
static int files_child(void *arg)
{
	(void)arg;
	if (unshare(CLONE_FILES))
		return 1;
	return close(shared_fd) ? 2 : 0;
}

static void run_clone(int (*fn)(void *), int flags, const char *what)
{
	int st;
	pid_t p = clone(fn, stack + sizeof(stack), flags | SIGCHLD, NULL);

	CHECK(p > 0, "clone for %s: %s", what, strerror(errno));
	CHECK(waitpid(p, &st, 0) == p, "waitpid");
	CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 0, "%s child: status %#x", what, st);
}

static void *idle(void *arg)
{
	pause();
	return arg;
}

static void no_sys_admin(void)
{
	struct sets s = caps();

	CHECK_OK(caps_set(s.eff & ~BIT(CAP_SYS_ADMIN), s.perm & ~BIT(CAP_SYS_ADMIN), 0));
	CHECK_ERRNO(unshare(CLONE_NEWUTS), EPERM);
	CHECK_ERRNO(unshare(CLONE_NEWIPC | CLONE_FILES), EPERM);
	CHECK_ERRNO(unshare(CLONE_NEWNS), EPERM);
}

int main(void)
{
	struct stat a, b;
	pthread_t th;

	CHECK_OK(unshare(0));
	CHECK_ERRNO(unshare(CLONE_PTRACE), EINVAL);
	CHECK_ERRNO(unshare(CLONE_VFORK), EINVAL);
	CHECK_OK(unshare(CLONE_FS | CLONE_FILES | CLONE_SYSVSEM));
	CHECK_OK(unshare(CLONE_THREAD | CLONE_SIGHAND | CLONE_VM));

	CHECK_OK(mkdir("/tmp/unshare-cwd", 0700) == 0 || errno == EEXIST ? 0 : -1);
	CHECK_OK(chdir("/tmp/unshare-cwd"));
	run_clone(fs_child, CLONE_FS, "CLONE_FS");
	CHECK_OK(stat(".", &a));
	CHECK_OK(stat("/tmp/unshare-cwd", &b));
	CHECK(a.st_ino == b.st_ino, "the child's chdir after unshare(CLONE_FS) moved the parent");
	CHECK_OK(chdir("/"));
	CHECK_OK(rmdir("/tmp/unshare-cwd"));

	CHECK_OK(shared_fd = open("/", O_RDONLY | O_DIRECTORY));
	run_clone(files_child, CLONE_FILES, "CLONE_FILES");
	CHECK(fcntl(shared_fd, F_GETFD) >= 0, "the child's close after unshare(CLONE_FILES) "
	      "closed the parent's fd");

	in_child(no_sys_admin, "no CAP_SYS_ADMIN");

	CHECK(pthread_create(&th, NULL, idle, NULL) == 0, "pthread_create");
	CHECK_ERRNO(unshare(CLONE_THREAD), EINVAL);
	CHECK_ERRNO(unshare(CLONE_SIGHAND), EINVAL);
	CHECK_ERRNO(unshare(CLONE_VM), EINVAL);
	return 0;
}
