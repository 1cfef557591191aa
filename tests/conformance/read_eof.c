/* read(2) on stdin at EOF (the harness runs tests with </dev/null). */
#include "check.h"

int main(void)
{
	char buf[64];

	memset(buf, 'x', sizeof(buf));
	CHECK(read(0, buf, 0) == 0, "zero-length read");
	CHECK(read(0, buf, sizeof(buf)) == 0, "read at EOF must return 0");
	CHECK(read(0, buf, sizeof(buf)) == 0, "EOF is sticky");
	CHECK(buf[0] == 'x', "EOF read wrote into the buffer");
	return 0;
}
