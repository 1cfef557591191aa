/* exit(3) from libc: atexit handlers run, stdio is flushed, and the status
 * reaches the parent.
 * EXPECT_EXIT: 42
 * EXPECT_STDOUT: flushed by exit */
#include "check.h"

static void at_exit(void) { fputs("by exit\n", stdout); }

int main(void)
{
	CHECK(atexit(at_exit) == 0, "atexit");
	fputs("flushed ", stdout); /* buffered: stdout is not a tty */
	exit(42);
}
