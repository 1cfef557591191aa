/* clone(CLONE_VM|CLONE_SIGHAND|SIGCHLD) makes a process, not a thread,
 * that shares its parent's signal handlers (Linux's sighand_struct): a
 * handler one installs is the other's, and each takes its own signals
 * through it (stress-ng's sigpipe stressor; the sentry answered EINVAL).
 * Without CLONE_VM, CLONE_SIGHAND stays EINVAL, and so is unshare(CLONE_SIGHAND)
 * in a process that shares them. */
#define _GNU_SOURCE
#include <sched.h>
#include <signal.h>
#include <sys/wait.h>
#include "check.h"

static volatile int hits;
static char stack[64 * 1024] __attribute__((aligned(16)));

static void handler(int sig)
{
	(void)sig;
	hits++;                 /* the memory is shared too */
}

static int child(void *arg)
{
	struct sigaction sa = { .sa_handler = handler };

	(void)arg;
	sigemptyset(&sa.sa_mask);
	if (sigaction(SIGUSR1, &sa, NULL))
		return 2;
	if (raise(SIGUSR2))             /* the parent's SIG_IGN: ignored here too */
		return 4;
	/* shared handlers cannot be unshared (check_unshare_flags) */
	if (unshare(CLONE_SIGHAND) != -1 || errno != EINVAL)
		return 5;
	if (raise(SIGUSR1) || hits != 1)
		return 3;
	return 0;
}

int main(void)
{
	struct sigaction sa = { .sa_handler = SIG_IGN }, now;
	int st;
	pid_t pid;

	sigemptyset(&sa.sa_mask);
	CHECK_OK(sigaction(SIGUSR2, &sa, NULL));
	pid = clone(child, stack + sizeof(stack), CLONE_VM | CLONE_FS | CLONE_SIGHAND | SIGCHLD,
		    NULL);
	CHECK_OK(pid);
	CHECK(waitpid(pid, &st, 0) == pid, "waitpid: %s", strerror(errno));
	CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 0, "child status %#x", st);
	CHECK_OK(sigaction(SIGUSR1, NULL, &now));
	CHECK(now.sa_handler == handler, "the child's handler is not the parent's");
	CHECK_OK(raise(SIGUSR1));
	CHECK(hits == 2, "hits %d", hits);

	CHECK_ERRNO(clone(child, stack + sizeof(stack), CLONE_SIGHAND | SIGCHLD, NULL), EINVAL);
	return 0;
}
