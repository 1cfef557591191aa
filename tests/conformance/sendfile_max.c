/* sendfile moves at most MAX_RW_COUNT (2 GiB - 4 KiB) per call, as every
 * read and write does in Linux (rw_verify_area): a count of 2^40 from
 * /dev/zero returns after that much.  Found by make fuzz (trinity): the
 * sentry copied until the count was spent, filling the host's memory with
 * a tmpfs file, deaf to SIGKILL while it did. */
#include <fcntl.h>
#include <sys/sendfile.h>
#include "check.h"

#define MAX_RW_COUNT 0x7ffff000L

int main(void)
{
	int zero = open("/dev/zero", O_RDONLY), null = open("/dev/null", O_WRONLY);

	CHECK(zero >= 0 && null >= 0, "open: %s", strerror(errno));
	long n = sendfile(null, zero, NULL, 1UL << 40);
	CHECK(n == MAX_RW_COUNT, "sendfile(2^40) = %ld, want %ld", n, MAX_RW_COUNT);
	n = sendfile(null, zero, NULL, 4096);
	CHECK(n == 4096, "sendfile(4096) = %ld", n);
	return 0;
}
