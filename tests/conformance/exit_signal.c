/* The signal that tells a parent of a child's exit, in two of Linux's rules
 * that make fuzz found broken (both killed the fuzzer's supervisor, the
 * sandbox's init, with a signal the flags had asked for):
 *  - clone(CLONE_PARENT | sig) makes a sibling of the caller, which tells
 *    their parent with the caller's own exit signal (SIGCHLD), not with
 *    the flags' (copy_process);
 *  - a child whose parent dies is reparented to init (or a subreaper) and
 *    from then on exits with SIGCHLD, whatever its clone asked
 *    (reparent_leader: "We don't want people slaying init").
 * A child whose exit signal is not SIGCHLD would also be a "clone" child
 * that waitpid without __WCLONE does not see.  The sandbox's init may not
 * use CLONE_PARENT (it has no parent): EINVAL. */
#define _GNU_SOURCE
#include <sched.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include "check.h"

static volatile sig_atomic_t usr1;

static void on_usr1(int sig)
{
	(void)sig;
	usr1++;
}

/*
 * A middle child makes a raw clone(flags) (no new stack: the clone runs on
 * a copy of ours), passes its pid up and exits.  The clone exits 7, after
 * a byte on go if go >= 0.  Returns the clone's pid, the middle reaped.
 */
static pid_t clone_via_middle(unsigned long flags, int go)
{
	int p[2], st;
	long c = 0;
	char b;

	CHECK_OK(pipe(p));
	pid_t mid = fork();
	CHECK(mid >= 0, "fork: %s", strerror(errno));
	if (mid == 0) {
		long k = syscall(SYS_clone, flags, 0, 0, 0, 0);

		if (k == 0)
			_exit(go < 0 || read(go, &b, 1) == 1 ? 7 : 1);
		_exit(k > 0 && write(p[1], &k, sizeof(k)) == sizeof(k) ? 0 : 1);
	}
	CHECK(waitpid(mid, &st, 0) == mid && WIFEXITED(st) && WEXITSTATUS(st) == 0,
	      "the middle child: status %#x", st);
	CHECK(read(p[0], &c, sizeof(c)) == sizeof(c), "read the clone's pid");
	close(p[0]);
	close(p[1]);
	return (pid_t)c;
}

static void reap(pid_t pid, const char *what)
{
	int st;

	CHECK(waitpid(pid, &st, 0) == pid, "%s: waitpid(%d): %s", what, pid, strerror(errno));
	CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 7, "%s: status %#x, want exit 7", what, st);
	CHECK(usr1 == 0, "%s: its exit sent SIGUSR1 %d times, want SIGCHLD", what, (int)usr1);
}

int main(void)
{
	int go[2];

	/* natively an orphan comes to us; in the sandbox we are init */
	CHECK_OK(prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0));
	CHECK_OK(signal(SIGUSR1, on_usr1) == SIG_ERR ? -1 : 0);

	reap(clone_via_middle(CLONE_PARENT | SIGUSR1, -1), "a CLONE_PARENT sibling");

	CHECK_OK(pipe(go));
	pid_t orphan = clone_via_middle(SIGUSR1, go[0]);
	CHECK(write(go[1], "x", 1) == 1, "write: %s", strerror(errno));
	reap(orphan, "an orphan");

	if (getpid() == 1)
		CHECK_ERRNO(syscall(SYS_clone, CLONE_PARENT | SIGCHLD, 0, 0, 0, 0), EINVAL);
	return 0;
}
