/*
 * The sandbox's share of the sentry's host fds.
 *
 * Every open file of a host-backed file system, every host socket, tmpfs
 * file and host epoll holds a host fd in the sentry, and the sentry's
 * host RLIMIT_NOFILE is one budget for the whole sandbox.  Left alone, one
 * process opening files up to its own limit exhausts it: its opens fail
 * with the host's EMFILE short of its own limit, and the sentry's own work
 * (the stub pages of a fork, a new thread) fails after that.
 *
 * So, at boot, the sentry raises its own soft limit to its hard one (the
 * budget is what the runtime was started with: containerd's and docker's
 * units give runtimes a high one; a higher hard limit would need
 * CAP_SYS_RESOURCE and would make the budget depend on how cvisor was
 * started) and keeps a reserve
 * for itself: a host fd made for the application at or above the ceiling
 * is closed again and the call fails with ENFILE, Linux's "the system's
 * file table is full".  The host hands out the lowest free fd, so an fd
 * at the ceiling means every fd below it is taken: the check costs one
 * comparison.  The application's processes start with an RLIMIT_NOFILE
 * no higher than the ceiling, so that one process meets its own EMFILE
 * first, as on Linux: the ceiling less the reserve again.
 */
#include <errno.h>
#include <limits.h>
#include <sys/resource.h>
#include <unistd.h>

#include "vfs/vfs.h"

static int ceiling = INT_MAX;

/* The reserve: an eighth of the budget, between 64 and 4,096 fds. */
static rlim_t reserve_of(rlim_t limit)
{
	rlim_t r = limit / 8;

	return r < 64 ? 64 : r > 4096 ? 4096 : r;
}

rlim_t host_fds_init(void)
{
	struct rlimit rl;

	if (getrlimit(RLIMIT_NOFILE, &rl))
		return RLIM_INFINITY;
	if (rl.rlim_cur < rl.rlim_max && !setrlimit(RLIMIT_NOFILE, &(struct rlimit){ rl.rlim_max, rl.rlim_max }))
		rl.rlim_cur = rl.rlim_max;
	if (rl.rlim_cur == RLIM_INFINITY || rl.rlim_cur > INT_MAX)
		return RLIM_INFINITY;
	ceiling = (int)(rl.rlim_cur - reserve_of(rl.rlim_cur));
	/* a process's own limit leaves the reserve once more for what the
	 * sentry holds beside its files (directories of the lookup cache,
	 * stub pages): one process alone meets EMFILE, not ENFILE */
	return (rlim_t)ceiling - reserve_of(rl.rlim_cur);
}

int host_fd_admit(int fd)
{
	if (fd < 0)
		return errno == EMFILE ? -ENFILE : -errno;
	if (fd >= ceiling) {
		close(fd);
		return -ENFILE;
	}
	return fd;
}
