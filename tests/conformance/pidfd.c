/* Process handles: pidfd_open (flags, ESRCH, a thread's id EINVAL,
 * close-on-exec), poll and epoll readable when the process exits,
 * pidfd_send_signal (SIGKILL, with a siginfo to oneself, ESRCH once
 * reaped, EBADF for another file), waitid(P_PIDFD) (ECHILD for a non-child,
 * EAGAIN on a nonblocking pidfd), clone3 and clone with CLONE_PIDFD
 * (EINVAL with CLONE_PARENT_SETTID), pidfd_getfd (a dup of another
 * process's fd), read EINVAL, /proc/self/fd's name. */
#define _GNU_SOURCE
#include <fcntl.h>
#include <linux/sched.h>
#include <poll.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdint.h>
#include <sys/epoll.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include "check.h"

#ifndef P_PIDFD
#define P_PIDFD 3
#endif
#define PIDFD_NONBLOCK O_NONBLOCK

static int pidfd_open(pid_t pid, unsigned flags)
{
	return (int)syscall(SYS_pidfd_open, pid, flags);
}

static int pidfd_send_signal(int fd, int sig, siginfo_t *si, unsigned flags)
{
	return (int)syscall(SYS_pidfd_send_signal, fd, sig, si, flags);
}

static int pidfd_getfd(int fd, int target, unsigned flags)
{
	return (int)syscall(SYS_pidfd_getfd, fd, target, flags);
}

static short revents(int fd)
{
	struct pollfd p = { fd, POLLIN, 0 };

	CHECK(poll(&p, 1, 0) >= 0, "poll: %s", strerror(errno));
	return p.revents;
}

/* A child blocked reading a pipe nobody writes; its pid. */
static pid_t sleeper(int *wr)
{
	int p[2];
	char c;

	CHECK_OK(pipe(p));
	pid_t pid = fork();
	CHECK(pid >= 0, "fork");
	if (pid == 0) {
		close(p[1]);
		(void)!read(p[0], &c, 1);
		_exit(3);
	}
	close(p[0]);
	*wr = p[1];
	return pid;
}

static void *idle_thread(void *arg)
{
	*(pid_t *)arg = gettid();
	pause();
	return NULL;
}

static volatile sig_atomic_t got_value;

static void on_usr1(int sig, siginfo_t *si, void *uc)
{
	(void)sig, (void)uc;
	if (si->si_code == SI_QUEUE)
		got_value = si->si_value.sival_int;
}

static void open_errors(void)
{
	pthread_t th;
	volatile pid_t tid = 0;
	int fd;

	CHECK_ERRNO(pidfd_open(getpid(), 1), EINVAL);
	CHECK_ERRNO(pidfd_open(0, 0), EINVAL);
	CHECK_ERRNO(pidfd_open(-1, 0), EINVAL);
	CHECK_ERRNO(pidfd_open(4000000, 0), ESRCH);
	CHECK(pthread_create(&th, NULL, idle_thread, (void *)&tid) == 0, "thread");
	while (!tid)
		usleep(1000);
	CHECK_ERRNO(pidfd_open(tid, 0), ENOENT);        /* not a process (6.9 on; EINVAL before) */
	fd = pidfd_open(getpid(), 0);
	CHECK(fd >= 0, "pidfd_open(self): %s", strerror(errno));
	CHECK(fcntl(fd, F_GETFD) == FD_CLOEXEC, "close-on-exec");
	char buf[64], link[64];
	snprintf(link, sizeof(link), "/proc/self/fd/%d", fd);
	ssize_t n = readlink(link, buf, sizeof(buf) - 1);
	CHECK(n > 0, "readlink %s", link);
	buf[n] = 0;
	CHECK(!strcmp(buf, "anon_inode:[pidfd]"), "fd link %s", buf);
	CHECK_ERRNO(read(fd, buf, 8), EINVAL);
	CHECK(revents(fd) == 0, "self is running: %#x", revents(fd));
	close(fd);
}

static void kill_and_wait(void)
{
	int wr, fd, ep;
	pid_t pid = sleeper(&wr);
	struct epoll_event ev = { .events = EPOLLIN };
	siginfo_t si;

	fd = pidfd_open(pid, 0);
	CHECK(fd >= 0, "pidfd_open(child): %s", strerror(errno));
	CHECK(revents(fd) == 0, "running child: %#x", revents(fd));
	ep = epoll_create1(0);
	CHECK_OK(epoll_ctl(ep, EPOLL_CTL_ADD, fd, &ev));
	CHECK(epoll_wait(ep, &ev, 1, 0) == 0, "epoll before exit");
	CHECK_ERRNO(waitid(P_PIDFD, (id_t)ep, &si, WEXITED), EBADF);   /* not a pidfd */
	CHECK_OK(pidfd_send_signal(fd, SIGKILL, NULL, 0));
	CHECK(epoll_wait(ep, &ev, 1, 10000) == 1 && (ev.events & EPOLLIN), "epoll at exit");
	CHECK(revents(fd) & POLLIN, "exited child: %#x", revents(fd));
	memset(&si, 0, sizeof(si));
	CHECK_OK(waitid(P_PIDFD, (id_t)fd, &si, WEXITED));
	CHECK(si.si_pid == pid && si.si_code == CLD_KILLED && si.si_status == SIGKILL,
	      "waitid: pid %d code %d status %d", si.si_pid, si.si_code, si.si_status);
	CHECK_ERRNO(pidfd_send_signal(fd, SIGTERM, NULL, 0), ESRCH);
	CHECK_ERRNO(pidfd_send_signal(ep, SIGTERM, NULL, 0), EBADF);
	CHECK_ERRNO(pidfd_send_signal(fd, SIGTERM, NULL, 8), EINVAL);   /* no such flag */
	CHECK(revents(fd) & POLLIN, "reaped: %#x", revents(fd));
	close(ep);
	close(fd);
	close(wr);
}

static void nonblocking(void)
{
	int wr, fd;
	pid_t pid = sleeper(&wr);
	siginfo_t si;

	fd = pidfd_open(pid, PIDFD_NONBLOCK);
	CHECK(fd >= 0, "pidfd_open(NONBLOCK): %s", strerror(errno));
	CHECK(fcntl(fd, F_GETFL) & O_NONBLOCK, "O_NONBLOCK");
	CHECK_ERRNO(waitid(P_PIDFD, (id_t)fd, &si, WEXITED), EAGAIN);
	close(wr);                      /* the child reads EOF and exits 3 */
	fcntl(fd, F_SETFL, 0);
	memset(&si, 0, sizeof(si));
	CHECK_OK(waitid(P_PIDFD, (id_t)fd, &si, WEXITED));
	CHECK(si.si_code == CLD_EXITED && si.si_status == 3, "exit %d/%d", si.si_code, si.si_status);
	close(fd);
}

static void clone_pidfd(void)
{
	int pidfd = -1;
	struct clone_args ca = { .flags = CLONE_PIDFD, .pidfd = (uint64_t)(uintptr_t)&pidfd,
				 .exit_signal = SIGCHLD };
	siginfo_t si;
	long pid = syscall(SYS_clone3, &ca, sizeof(ca));

	CHECK(pid >= 0, "clone3(CLONE_PIDFD): %s", strerror(errno));
	if (pid == 0)
		_exit(5);
	CHECK(pidfd >= 0 && fcntl(pidfd, F_GETFD) == FD_CLOEXEC, "clone3 pidfd %d", pidfd);
	memset(&si, 0, sizeof(si));
	CHECK_OK(waitid(P_PIDFD, (id_t)pidfd, &si, WEXITED));
	CHECK(si.si_pid == pid && si.si_code == CLD_EXITED && si.si_status == 5,
	      "clone3 child: pid %d code %d status %d", si.si_pid, si.si_code, si.si_status);
	close(pidfd);

	int fd2 = -1;
	pid = syscall(SYS_clone, CLONE_PIDFD | SIGCHLD, 0, &fd2, 0, 0);
	CHECK(pid >= 0, "clone(CLONE_PIDFD): %s", strerror(errno));
	if (pid == 0)
		_exit(6);
	CHECK(fd2 >= 0, "clone pidfd %d", fd2);
	CHECK_OK(waitid(P_PIDFD, (id_t)fd2, &si, WEXITED));
	CHECK(si.si_status == 6, "clone child status %d", si.si_status);
	close(fd2);
	CHECK_ERRNO(syscall(SYS_clone, CLONE_PIDFD | CLONE_PARENT_SETTID | SIGCHLD, 0, &fd2, 0, 0),
		    EINVAL);
}

static void self_handle(void)
{
	int fd = pidfd_open(getpid(), 0), p[2], dup_fd;
	struct sigaction sa = { .sa_sigaction = on_usr1, .sa_flags = SA_SIGINFO };
	siginfo_t si;
	char c = 0;

	CHECK(fd >= 0, "pidfd_open(self)");
	/* a non-child: waitid has nothing to wait for */
	CHECK_ERRNO(waitid(P_PIDFD, (id_t)fd, &si, WEXITED | WNOHANG), ECHILD);
	/* a signal with its siginfo, to oneself */
	CHECK_OK(sigaction(SIGUSR1, &sa, NULL));
	memset(&si, 0, sizeof(si));
	si.si_signo = SIGUSR1;
	si.si_code = SI_QUEUE;
	si.si_pid = getpid();
	si.si_uid = getuid();
	si.si_value.sival_int = 77;
	CHECK_OK(pidfd_send_signal(fd, SIGUSR1, &si, 0));
	for (int i = 0; i < 1000 && !got_value; i++)
		usleep(1000);
	CHECK(got_value == 77, "siginfo value %d", (int)got_value);
	si.si_signo = SIGUSR2;
	CHECK_ERRNO(pidfd_send_signal(fd, SIGUSR1, &si, 0), EINVAL);    /* signo differs */
	/* pidfd_getfd: a second fd on the same pipe */
	CHECK_OK(pipe(p));
	CHECK_ERRNO(pidfd_getfd(fd, p[1], 1), EINVAL);
	CHECK_ERRNO(pidfd_getfd(fd, 1000, 0), EBADF);
	CHECK_ERRNO(pidfd_getfd(p[0], p[1], 0), EBADF);
	dup_fd = pidfd_getfd(fd, p[1], 0);
	CHECK(dup_fd >= 0, "pidfd_getfd: %s", strerror(errno));
	CHECK(fcntl(dup_fd, F_GETFD) == FD_CLOEXEC, "getfd close-on-exec");
	CHECK(write(dup_fd, "x", 1) == 1 && read(p[0], &c, 1) == 1 && c == 'x', "through the dup");
	close(dup_fd);
	close(p[0]);
	close(p[1]);
	close(fd);
}

/* pidfd_getfd from a child: its fd 0..2 are ours, its own pipe is not */
static void getfd_child(void)
{
	int wr, fd, got;
	pid_t pid = sleeper(&wr);

	fd = pidfd_open(pid, 0);
	CHECK(fd >= 0, "pidfd_open(child)");
	got = pidfd_getfd(fd, 1, 0);
	CHECK(got >= 0, "pidfd_getfd(child, 1): %s", strerror(errno));
	close(got);
	close(wr);
	waitpid(pid, NULL, 0);
	/* reaped: no files to take any more */
	CHECK_ERRNO(pidfd_getfd(fd, 1, 0), ESRCH);
	close(fd);
}

int main(void)
{
	open_errors();
	kill_and_wait();
	nonblocking();
	clone_pidfd();
	self_handle();
	getfd_child();
	return 0;
}
