/* The fd table is bounded by RLIMIT_NOFILE, not by a fixed size: with a
 * limit of 2100 the 2100 fds 0..2099 can be open and the next open is
 * EMFILE; dup2 to a high fd below the limit works and shows in
 * /proc/self/fd; at or past the limit dup2 is EBADF and F_DUPFD EINVAL;
 * a lower limit makes open fail at that fd (LTP's dup03, dup06, dup205,
 * creat05, getdtablesize01).  fs.nr_open is Linux's default. */
#include <dirent.h>
#include <fcntl.h>
#include <sys/resource.h>
#include "check.h"

#define LIMIT 2100

static int open_until_emfile(void)
{
	int fd, last = -1;

	while ((fd = open("/dev/null", O_RDONLY)) >= 0)
		last = fd;
	CHECK(errno == EMFILE, "open stopped with %s, want EMFILE", strerror(errno));
	return last;
}

static int listed_in_proc(int want)
{
	DIR *d = opendir("/proc/self/fd");
	struct dirent *e;
	int found = 0;

	CHECK(d, "opendir /proc/self/fd: %s", strerror(errno));
	while ((e = readdir(d)))
		found |= atoi(e->d_name) == want;
	closedir(d);
	return found;
}

int main(void)
{
	struct rlimit orig, r;
	char buf[64] = "";
	FILE *f;

	CHECK_OK(getrlimit(RLIMIT_NOFILE, &orig));
	if (orig.rlim_max < LIMIT)
		return 0;       /* the hard limit leaves nothing to test */
	r = (struct rlimit){ LIMIT, orig.rlim_max };
	CHECK_OK(setrlimit(RLIMIT_NOFILE, &r));
	CHECK(getdtablesize() == LIMIT, "getdtablesize %d", getdtablesize());

	CHECK(dup2(0, LIMIT - 1) == LIMIT - 1, "dup2 to %d: %s", LIMIT - 1, strerror(errno));
	CHECK(fcntl(LIMIT - 1, F_GETFD) == 0, "F_GETFD on %d: %s", LIMIT - 1, strerror(errno));
	CHECK(listed_in_proc(LIMIT - 1), "fd %d not in /proc/self/fd", LIMIT - 1);
	CHECK_ERRNO(dup2(0, LIMIT), EBADF);
	CHECK_ERRNO(fcntl(0, F_DUPFD, LIMIT), EINVAL);
	CHECK_OK(close(LIMIT - 1));

	/* every fd below the limit can be open, and no more */
	CHECK(open_until_emfile() == LIMIT - 1, "the last fd is not %d", LIMIT - 1);
	CHECK_ERRNO(dup(0), EMFILE);
	CHECK_ERRNO(fcntl(0, F_DUPFD, 100), EMFILE);
	int p[2];
	CHECK_ERRNO(pipe(p), EMFILE);
	for (int fd = 3; fd < LIMIT; fd++)
		close(fd);

	/* a lower limit: open fails at it, fds above it stay usable */
	CHECK(dup2(0, 50) == 50, "dup2 to 50: %s", strerror(errno));
	r.rlim_cur = 20;
	CHECK_OK(setrlimit(RLIMIT_NOFILE, &r));
	CHECK(open_until_emfile() == 19, "with a limit of 20, the last fd is not 19");
	CHECK(fcntl(50, F_GETFD) == 0, "fd 50, above the new limit, was lost");
	for (int fd = 3; fd < 20; fd++)
		close(fd);
	CHECK_OK(setrlimit(RLIMIT_NOFILE, &orig));

	f = fopen("/proc/sys/fs/nr_open", "r");
	CHECK(f && fgets(buf, sizeof(buf), f), "read /proc/sys/fs/nr_open");
	CHECK(atoi(buf) == 1048576, "nr_open %s", buf);
	fclose(f);
	return 0;
}
