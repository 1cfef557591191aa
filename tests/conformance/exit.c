/* exit(2) (SYS_exit, thread exit) in the only thread ends the process, and
 * its status is the process exit status. run.sh checks the status.
 * EXPECT_EXIT: 3 */
#include "check.h"

int main(void)
{
	syscall(SYS_exit, 3);
	/* Not reached; if it were, returning 1 fails the test. */
	return 1;
}
