/* exit(2) (just the thread) in the main thread does not end the process:
 * the other threads run on, and the last exit_group sets the status.
 * EXPECT_EXIT: 6
 * EXPECT_STDOUT: worker done */
#include <pthread.h>
#include "check.h"

static void *worker(void *a)
{
	(void)a;
	usleep(100000); /* well after the main thread has gone */
	CHECK(getpid() > 0, "getpid");
	CHECK(write(1, "worker done\n", 12) == 12, "write");
	syscall(SYS_exit_group, 6);
	return NULL;
}

int main(void)
{
	pthread_t t;
	CHECK(pthread_create(&t, NULL, worker, NULL) == 0, "create");
	syscall(SYS_exit, 0);
	CHECK(0, "SYS_exit returned");
}
