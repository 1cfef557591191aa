/* A pty pair's master for the pty tests, unlocked, and its slave's path. */
#ifndef CVISOR_CONFORMANCE_PTY_UTIL_H
#define CVISOR_CONFORMANCE_PTY_UTIL_H

#include <fcntl.h>
#include <stdlib.h>
#include "check.h"

static inline int open_master(char *path, size_t len)
{
	int m = posix_openpt(O_RDWR | O_NOCTTY);

	CHECK(m >= 0 && grantpt(m) == 0 && unlockpt(m) == 0, "posix_openpt: %s", strerror(errno));
	snprintf(path, len, "%s", ptsname(m));
	return m;
}

#endif
