/* exit_group(2): ends the process with the low 8 bits of the status
 * (0x107 -> 7). Output written before exiting must not be lost.
 * EXPECT_EXIT: 7
 * EXPECT_STDOUT: bye */
#include "check.h"

int main(void)
{
	CHECK(write(1, "bye\n", 4) == 4, "write");
	syscall(SYS_exit_group, 0x107);
	return 1; /* not reached */
}
