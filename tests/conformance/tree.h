/* A conformance test's scratch tree: a new directory in $ENV if set
 * (tests/integration/fs.bats points it at a --rw host directory, where
 * hostfs is) or under /tmp; at(rel) names dir/rel, in one of two buffers
 * (rename(at(x), at(y)) needs both). */
#ifndef CVISOR_CONFORMANCE_TREE_H
#define CVISOR_CONFORMANCE_TREE_H

#include <limits.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>
#include "check.h"

static char dir[PATH_MAX - 64];

static const char *at(const char *rel)
{
	static char p[2][PATH_MAX];
	static int i;

	i ^= 1;
	snprintf(p[i], sizeof(p[i]), "%s/%s", dir, rel);
	return p[i];
}

/* Make dir: NAME.PID in $env, else /tmp/NAME.XXXXXX; mode 0755. */
static void tree_make(const char *env, const char *name)
{
	const char *base = getenv(env);

	if (base && *base) {
		snprintf(dir, sizeof(dir), "%s/%s.%d", base, name, (int)getpid());
		CHECK(mkdir(dir, 0755) == 0, "mkdir %s: %s", dir, strerror(errno));
	} else {
		snprintf(dir, sizeof(dir), "/tmp/%s.XXXXXX", name);
		CHECK(mkdtemp(dir), "mkdtemp: %s", strerror(errno));
	}
	CHECK_OK(chmod(dir, 0755));
}

#endif
