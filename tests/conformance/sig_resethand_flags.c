/* SA_RESETHAND resets only the handler to SIG_DFL when the signal is
 * delivered: the other flags (SA_SIGINFO, SA_RESTART) and the mask stay,
 * as sigaction(sig, NULL, &old) shows inside the handler and after it
 * (Linux's get_signal; LTP's sigaction01). */
#define _GNU_SOURCE
#include <signal.h>
#include "check.h"

static struct sigaction seen;

static void handler(int sig, siginfo_t *si, void *uc)
{
	(void)si;
	(void)uc;
	sigaction(sig, NULL, &seen);
}

int main(void)
{
	struct sigaction sa = { .sa_sigaction = handler,
				.sa_flags = SA_SIGINFO | SA_RESETHAND | SA_RESTART }, after;

	sigemptyset(&sa.sa_mask);
	sigaddset(&sa.sa_mask, SIGUSR2);
	CHECK_OK(sigaction(SIGUSR1, &sa, NULL));
	CHECK_OK(raise(SIGUSR1));
	CHECK(seen.sa_handler == SIG_DFL, "the handler was not reset");
	CHECK(seen.sa_flags & SA_SIGINFO, "SA_SIGINFO was cleared (flags %#x)", seen.sa_flags);
	CHECK(seen.sa_flags & SA_RESTART, "SA_RESTART was cleared (flags %#x)", seen.sa_flags);
	CHECK(sigismember(&seen.sa_mask, SIGUSR2) == 1, "the mask was cleared");
	CHECK_OK(sigaction(SIGUSR1, NULL, &after));
	CHECK(after.sa_handler == SIG_DFL && (after.sa_flags & SA_SIGINFO), "after the handler");
	return 0;
}
