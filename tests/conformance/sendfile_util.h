/* What the sendfile tests share: the input file, size bytes of a pattern
 * that no shift of a block repeats (a byte sent twice or skipped shows),
 * in a fresh directory under /tmp (or $SENDFILE_DIR: tests/integration
 * points it at a --rw host directory, where cvisor's sendfile from a
 * host file to a host socket is one host sendfile), and the tests' copy
 * of its bytes. */
#ifndef CVISOR_CONFORMANCE_SENDFILE_UTIL_H
#define CVISOR_CONFORMANCE_SENDFILE_UTIL_H

#include <fcntl.h>
#include <stdlib.h>
#include "check.h"

static char dir[256] = "/tmp/cvt.XXXXXX";
static char in_path[512];

/* The input's fd (O_RDWR); *bytes: its content, malloc'd. */
static int make_input(size_t size, unsigned char **bytes)
{
	int in;

	if (getenv("SENDFILE_DIR"))
		snprintf(dir, sizeof(dir), "%s/cvt.XXXXXX", getenv("SENDFILE_DIR"));
	CHECK(mkdtemp(dir), "mkdtemp: %s", strerror(errno));
	snprintf(in_path, sizeof(in_path), "%s/in", dir);
	in = open(in_path, O_RDWR | O_CREAT, 0644);
	CHECK(in >= 0, "create: %s", strerror(errno));
	*bytes = malloc(size);
	CHECK(*bytes, "malloc");
	for (size_t i = 0; i < size; i++)
		(*bytes)[i] = (unsigned char)(i * 7 + i / 4093);
	CHECK(write(in, *bytes, size) == (ssize_t)size, "write the input");
	return in;
}

static void remove_input(int in)
{
	close(in);
	unlink(in_path);
	rmdir(dir);
}

#endif
