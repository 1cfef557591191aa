/* syscall_rate N [SECONDS]: N getppid() calls, spread evenly over SECONDS
 * (busy-waiting between them), or back to back.  A workload whose system
 * calls are known exactly, for the profile tests. */
#include <stdlib.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec * 1e-9;
}

int main(int argc, char **argv)
{
	long n = argc > 1 ? atol(argv[1]) : 100000;
	double secs = argc > 2 ? atof(argv[2]) : 0, t0 = now();

	for (long i = 0; i < n; i++) {
		while (secs > 0 && now() - t0 < secs * (double)i / (double)n)
			;
		syscall(SYS_getppid);
	}
	return 0;
}
