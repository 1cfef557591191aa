/* SPDX-License-Identifier: MIT */
/*
 * Taking a path apart one name at a time, as every walk here does: the
 * sentry's (vfs/namei.c), the making of mountpoints (boot/rootfs.c) and
 * the cgroup path's (sandbox/cgroup.c).
 */
#ifndef CVISOR_PATHNAME_H
#define CVISOR_PATHNAME_H

#include <errno.h>
#include <limits.h>
#include <string.h>

/*
 * The next name of the path at *p into name (NAME_MAX + 1 bytes), past
 * any "/" before it; *p moves past the name.  Its length, 0 at the end of
 * the path, or -ENAMETOOLONG (*p past the slashes only).  "." and ".." are
 * names like any other here: each walk decides what they mean.
 */
static inline int path_next_name(const char **p, char *name)
{
	size_t n;

	*p += strspn(*p, "/");
	n = strcspn(*p, "/");
	if (n > NAME_MAX)
		return -ENAMETOOLONG;
	memcpy(name, *p, n);
	name[n] = 0;
	*p += n;
	return (int)n;
}

#endif
