/* execve(2) and signals: handled signals are reset to SIG_DFL, ignored
 * ones stay ignored, the signal mask and pending signals are kept. */
#include <signal.h>
#include "check.h"

static void handler(int s) { (void)s; }

int main(int argc, char **argv)
{
	if (argc > 1 && strcmp(argv[1], "after") == 0) {
		struct sigaction sa;
		CHECK_OK(sigaction(SIGUSR1, NULL, &sa));
		CHECK(sa.sa_handler == SIG_DFL, "handled SIGUSR1 not reset to SIG_DFL");
		CHECK_OK(sigaction(SIGUSR2, NULL, &sa));
		CHECK(sa.sa_handler == SIG_IGN, "ignored SIGUSR2 not kept ignored");
		sigset_t m, pend;
		CHECK_OK(sigprocmask(SIG_SETMASK, NULL, &m));
		CHECK(sigismember(&m, SIGTERM), "signal mask lost across exec");
		CHECK(!sigismember(&m, SIGUSR1), "SIGUSR1 became blocked");
		CHECK_OK(sigpending(&pend));
		CHECK(sigismember(&pend, SIGTERM), "pending SIGTERM lost across exec");
		/* Accept it now, or unblocking would kill us. */
		int sig = 0;
		CHECK(sigwait(&m, &sig) == 0 && sig == SIGTERM, "sigwait got %d", sig);
		return 0;
	}

	struct sigaction sa = { .sa_handler = handler };
	CHECK_OK(sigaction(SIGUSR1, &sa, NULL));
	sa.sa_handler = SIG_IGN;
	CHECK_OK(sigaction(SIGUSR2, &sa, NULL));
	sigset_t m;
	sigemptyset(&m);
	sigaddset(&m, SIGTERM);
	CHECK_OK(sigprocmask(SIG_BLOCK, &m, NULL));
	CHECK_OK(kill(getpid(), SIGTERM)); /* stays pending */

	char *args[] = { argv[0], "after", NULL };
	execv(argv[0], args);
	CHECK(0, "execv: %s", strerror(errno));
}
