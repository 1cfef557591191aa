/* /proc/config.gz, the kernel's configuration (CONFIG_IKCONFIG_PROC), as
 * programs that check for a feature read it (LTP's tst_kconfig runs
 * `zcat /proc/config.gz`): a gzip file whose lines are comments or
 * CONFIG_NAME=value, naming the features this kernel has, among them
 * System V IPC and eventfd, which both Linux and the sentry have.  A
 * host kernel built without CONFIG_IKCONFIG_PROC has no such file (Debian's):
 * natively the test then has nothing to check; the sentry always has it. */
#include <sys/utsname.h>
#include "check.h"

int main(void)
{
	unsigned char magic[3];
	char line[512];
	int eventfd = 0, sysvipc = 0, n = 0;
	FILE *f = fopen("/proc/config.gz", "r");
	struct utsname u;

	CHECK_OK(uname(&u));
	if (!f && errno == ENOENT && !strstr(u.release, "-cvisor"))
		return 0;
	CHECK(f, "open /proc/config.gz: %s", strerror(errno));
	CHECK(fread(magic, 1, 3, f) == 3, "read the gzip header");
	CHECK(magic[0] == 0x1f && magic[1] == 0x8b && magic[2] == 8, "not gzip (deflate)");
	fclose(f);

	f = popen("zcat /proc/config.gz", "r");
	CHECK(f, "popen zcat: %s", strerror(errno));
	while (fgets(line, sizeof(line), f)) {
		n++;
		CHECK(line[0] == '#' || line[0] == '\n' ||
			      (!strncmp(line, "CONFIG_", 7) && strchr(line, '=')),
		      "line %d: %s", n, line);
		eventfd |= !strcmp(line, "CONFIG_EVENTFD=y\n");
		sysvipc |= !strcmp(line, "CONFIG_SYSVIPC=y\n");
	}
	CHECK(pclose(f) == 0, "zcat failed");
	CHECK(eventfd && sysvipc, "CONFIG_EVENTFD=y %d, CONFIG_SYSVIPC=y %d", eventfd, sysvipc);
	return 0;
}
