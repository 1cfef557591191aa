/* Helper (not a test): prints "ready", then sleeps argv[1] seconds (default
 * 30) with nanosleep(2), so an integration test can inspect or signal a
 * sandbox while its program runs. Exits 0 after a full sleep. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

int main(int argc, char **argv)
{
	struct timespec ts = { .tv_sec = argc > 1 ? atol(argv[1]) : 30 };

	puts("ready");
	fflush(stdout);
	while (nanosleep(&ts, &ts) && errno == EINTR)
		;
	return 0;
}
