/* kcmp: 0 when two processes share the object, else 1 or 2 in a stable
 * order (kcmp(a, b) == 1 exactly when kcmp(b, a) == 2); KCMP_FILE by fd,
 * KCMP_EPOLL_TFD through an epoll's item; ESRCH, EBADF, EINVAL, and EPERM
 * for a process the caller may not read.  (The sentry had no kcmp.) */
#define _GNU_SOURCE
#include <fcntl.h>
#include <linux/kcmp.h>
#include <sched.h>
#include <signal.h>
#include <sys/epoll.h>
#include <sys/wait.h>
#include "check.h"

static long kcmp(pid_t a, pid_t b, int type, unsigned long i1, unsigned long i2)
{
	return syscall(SYS_kcmp, a, b, type, i1, i2);
}

static volatile int stop;
static char stack[64 * 1024] __attribute__((aligned(16)));

static int sharer(void *arg)
{
	(void)arg;
	while (!stop)
		usleep(1000);
	return 0;
}

/* a and b differ in type's object, and the order is one order */
static void differ(pid_t a, pid_t b, int type)
{
	long ab = kcmp(a, b, type, 0, 0), ba = kcmp(b, a, type, 0, 0);

	CHECK((ab == 1 && ba == 2) || (ab == 2 && ba == 1), "type %d: %ld / %ld", type, ab, ba);
}

int main(void)
{
	pid_t me = getpid(), child, shared;
	int pfd[2], fd, dup_fd, other, ep = epoll_create1(0), st;
	struct epoll_event ev = { .events = EPOLLIN };
	struct kcmp_epoll_slot slot;

	CHECK_OK(pipe(pfd));
	fd = pfd[0];
	other = pfd[1];
	dup_fd = dup(fd);
	slot = (struct kcmp_epoll_slot){ .efd = (unsigned)ep, .tfd = (unsigned)fd, .toff = 0 };
	CHECK(fd >= 0 && dup_fd >= 0 && other >= 0 && ep >= 0, "setup: %s", strerror(errno));
	for (int type = KCMP_FILE + 1; type <= KCMP_SYSVSEM; type++)
		CHECK(kcmp(me, me, type, 0, 0) == 0, "self, type %d: %s", type, strerror(errno));
	CHECK(kcmp(me, me, KCMP_FILE, fd, dup_fd) == 0, "a dup is the same file");
	{
		long x = kcmp(me, me, KCMP_FILE, fd, other), y = kcmp(me, me, KCMP_FILE, other, fd);

		CHECK((x == 1 && y == 2) || (x == 2 && y == 1), "two opens: %ld / %ld", x, y);
	}
	CHECK_ERRNO(kcmp(me, me, KCMP_FILE, fd, 999), EBADF);
	CHECK_ERRNO(kcmp(me, me, 99, 0, 0), EINVAL);
	CHECK_ERRNO(kcmp(me, 999999, KCMP_VM, 0, 0), ESRCH);

	CHECK_OK(epoll_ctl(ep, EPOLL_CTL_ADD, fd, &ev));
	CHECK(kcmp(me, me, KCMP_EPOLL_TFD, fd, (unsigned long)&slot) == 0, "epoll target");
	CHECK(kcmp(me, me, KCMP_EPOLL_TFD, other, (unsigned long)&slot) != 0, "not the target");
	slot.tfd = (unsigned)other;
	CHECK_ERRNO(kcmp(me, me, KCMP_EPOLL_TFD, fd, (unsigned long)&slot), ENOENT);
	slot.efd = (unsigned)fd;
	CHECK_ERRNO(kcmp(me, me, KCMP_EPOLL_TFD, fd, (unsigned long)&slot), EINVAL);

	child = fork();
	CHECK_OK(child);
	if (child == 0) {
		pause();
		_exit(0);
	}
	differ(me, child, KCMP_VM);
	differ(me, child, KCMP_FILES);
	differ(me, child, KCMP_FS);
	differ(me, child, KCMP_SIGHAND);
	CHECK(kcmp(me, child, KCMP_SYSVSEM, 0, 0) == 0, "neither has undo lists");
	CHECK(kcmp(me, child, KCMP_FILE, fd, fd) == 0, "fork shares the open files");

	shared = clone(sharer, stack + sizeof(stack),
		       CLONE_VM | CLONE_SIGHAND | CLONE_FS | CLONE_IO | SIGCHLD, NULL);
	CHECK_OK(shared);
	CHECK(kcmp(me, shared, KCMP_IO, 0, 0) == 0, "CLONE_IO");     /* LTP's kcmp03 */
	CHECK(kcmp(me, shared, KCMP_VM, 0, 0) == 0, "CLONE_VM");
	CHECK(kcmp(me, shared, KCMP_SIGHAND, 0, 0) == 0, "CLONE_SIGHAND");
	CHECK(kcmp(me, shared, KCMP_FS, 0, 0) == 0, "CLONE_FS");
	differ(me, shared, KCMP_FILES);
	stop = 1;
	CHECK(waitpid(shared, &st, 0) == shared, "waitpid");

	/* a child that is nobody may not look at its root parent */
	pid_t nobody = fork();

	CHECK_OK(nobody);
	if (nobody == 0) {
		if (setresgid(65534, 65534, 65534) || setresuid(65534, 65534, 65534))
			_exit(2);
		_exit(kcmp(getpid(), me, KCMP_VM, 0, 0) == -1 && errno == EPERM ? 0 : 3);
	}
	CHECK(waitpid(nobody, &st, 0) == nobody && WIFEXITED(st) && WEXITSTATUS(st) == 0,
	      "the unprivileged child: status %#x", st);
	kill(child, SIGKILL);
	waitpid(child, &st, 0);
	return 0;
}
