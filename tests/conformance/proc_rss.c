/* The resident set in /proc: VmRSS grows by what the process touches
 * (8 MiB of anonymous memory: RssAnon with it, and back down after
 * munmap), statm's resident and stat's rss agree with it, and stat's
 * starttime is a child's start after its parent's, within the uptime. */
#define _GNU_SOURCE
#include <fcntl.h>
#include <sys/mman.h>
#include "check.h"

#define MB (1024UL * 1024)

static void slurp(const char *path, char *buf, size_t len)
{
	int fd = open(path, O_RDONLY);
	ssize_t n;

	CHECK(fd >= 0, "open %s: %s", path, strerror(errno));
	n = read(fd, buf, len - 1);
	CHECK(n > 0, "read %s: %s", path, strerror(errno));
	buf[n] = 0;
	close(fd);
}

static unsigned long status_kb(const char *key)
{
	char buf[8192], *p;

	slurp("/proc/self/status", buf, sizeof(buf));
	p = strstr(buf, key);
	CHECK(p, "no %s in /proc/self/status", key);
	return strtoul(p + strlen(key), NULL, 10);
}

/* field n (1-based) of /proc/PID/stat, after the command's ")" */
static unsigned long stat_field(pid_t pid, int n)
{
	char path[64], buf[4096], *p;

	snprintf(path, sizeof(path), "/proc/%d/stat", pid);
	slurp(path, buf, sizeof(buf));
	p = strrchr(buf, ')');
	CHECK(p, "no ) in %s", path);
	p += 2;                 /* field 3 */
	for (int i = 3; i < n; i++) {
		p = strchr(p, ' ');
		CHECK(p, "short %s", path);
		p++;
	}
	return strtoul(p, NULL, 10);
}

int main(void)
{
	unsigned long before, after, anon0, anon1, resident, size, up_ticks;
	char buf[256];
	double up;
	char *m;
	int st;
	pid_t pid;

	before = status_kb("VmRSS:");
	anon0 = status_kb("RssAnon:");
	m = mmap(NULL, 8 * MB, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	CHECK(m != MAP_FAILED, "mmap: %s", strerror(errno));
	for (size_t i = 0; i < 8 * MB; i += PAGE)
		m[i] = 1;
	after = status_kb("VmRSS:");
	anon1 = status_kb("RssAnon:");
	CHECK(after >= before + 7 * 1024, "VmRSS %lu kB -> %lu kB after touching 8 MiB", before, after);
	CHECK(anon1 >= anon0 + 7 * 1024, "RssAnon %lu kB -> %lu kB after touching 8 MiB", anon0, anon1);
	CHECK(status_kb("VmHWM:") >= after, "VmHWM under VmRSS");

	slurp("/proc/self/statm", buf, sizeof(buf));
	CHECK(sscanf(buf, "%lu %lu", &size, &resident) == 2, "statm: %s", buf);
	CHECK(resident * 4 + 1024 >= after && resident * 4 <= after + 1024,
	      "statm resident %lu pages, VmRSS %lu kB", resident, after);
	CHECK(stat_field(getpid(), 24) * 4 + 1024 >= after, "stat rss %lu pages, VmRSS %lu kB",
	      stat_field(getpid(), 24), after);

	CHECK_OK(munmap(m, 8 * MB));
	CHECK(status_kb("VmRSS:") + 7 * 1024 <= after, "VmRSS %lu kB after munmap (was %lu)",
	      status_kb("VmRSS:"), after);

	/* starttime: the child's after ours, both within the uptime */
	pid = fork();
	CHECK(pid >= 0, "fork: %s", strerror(errno));
	if (pid == 0) {
		pause();
		_exit(0);
	}
	slurp("/proc/uptime", buf, sizeof(buf));
	CHECK(sscanf(buf, "%lf", &up) == 1, "uptime: %s", buf);
	up_ticks = (unsigned long)(up * 100) + 1;
	CHECK(stat_field(pid, 22) >= stat_field(getpid(), 22), "child started %lu, parent %lu",
	      stat_field(pid, 22), stat_field(getpid(), 22));
	CHECK(stat_field(pid, 22) <= up_ticks, "child started %lu, uptime %lu ticks",
	      stat_field(pid, 22), up_ticks);
	kill(pid, SIGKILL);
	CHECK(waitpid(pid, &st, 0) == pid, "waitpid: %s", strerror(errno));
	return 0;
}
