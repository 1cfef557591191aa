/* write(2) to stdout: byte count and content (run.sh compares stdout).
 * EXPECT_STDOUT: hello from cvisor */
#include "check.h"

int main(void)
{
	static const char msg[] = "hello from cvisor\n";

	/* A zero-length write must not touch the buffer, even a bad one. */
	CHECK(write(1, (void *)1, 0) == 0, "zero-length write");
	CHECK(write(1, msg, 6) == 6, "first part");
	CHECK(write(1, msg + 6, sizeof(msg) - 7) == (ssize_t)sizeof(msg) - 7,
	      "second part");
	return 0;
}
