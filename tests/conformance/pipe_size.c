/* F_SETPIPE_SZ as Linux checks it: the size is fcntl's unsigned int, so
 * 2^31+1 is EINVAL (not a negative "get"); a size over
 * /proc/sys/fs/pipe-max-size is EPERM without CAP_SYS_RESOURCE; below
 * what the pipe holds, EBUSY; otherwise rounded up to a power of two
 * pages.  The sysctl exists, as do /proc/sys/fs/inotify's limits (LTP's
 * fcntl30, fcntl37, inotify05). */
#define _GNU_SOURCE
#include <fcntl.h>
#include <linux/capability.h>
#include <sys/syscall.h>
#include "check.h"

static long read_num(const char *path)
{
	char buf[64] = "";
	FILE *f = fopen(path, "r");

	CHECK(f && fgets(buf, sizeof(buf), f), "read %s: %s", path, strerror(errno));
	fclose(f);
	return atol(buf);
}

static int has_sys_resource(void)
{
	struct __user_cap_header_struct h = { _LINUX_CAPABILITY_VERSION_3, 0 };
	struct __user_cap_data_struct d[2];

	CHECK_OK(syscall(SYS_capget, &h, d));
	return !!(d[CAP_SYS_RESOURCE / 32].effective & (1u << (CAP_SYS_RESOURCE % 32)));
}

int main(void)
{
	long max = read_num("/proc/sys/fs/pipe-max-size");
	char buf[65536];
	int p[2];

	CHECK(max >= 65536, "pipe-max-size %ld", max);
	CHECK(read_num("/proc/sys/fs/inotify/max_queued_events") > 0, "max_queued_events");
	CHECK(read_num("/proc/sys/fs/inotify/max_user_watches") > 0, "max_user_watches");

	CHECK_OK(pipe(p));
	CHECK(fcntl(p[1], F_GETPIPE_SZ) == 65536, "default size %d", fcntl(p[1], F_GETPIPE_SZ));
	CHECK_ERRNO(fcntl(p[1], F_SETPIPE_SZ, (1U << 31) + 1), EINVAL);
	if (!has_sys_resource())
		CHECK_ERRNO(fcntl(p[1], F_SETPIPE_SZ, (int)max + 1), EPERM);
	CHECK(fcntl(p[1], F_SETPIPE_SZ, 5000) == 8192, "5000 rounds to 8192: %s", strerror(errno));
	CHECK(fcntl(p[1], F_SETPIPE_SZ, 65536) == 65536, "back to 64 KiB");
	memset(buf, 'x', sizeof(buf));
	CHECK(write(p[1], buf, sizeof(buf)) == (ssize_t)sizeof(buf), "fill");
	CHECK_ERRNO(fcntl(p[1], F_SETPIPE_SZ, 32768), EBUSY);
	CHECK(fcntl(p[1], F_SETPIPE_SZ, 131072) == 131072, "grow a full pipe");
	CHECK(read(p[0], buf, sizeof(buf)) == (ssize_t)sizeof(buf), "data kept");
	return 0;
}
