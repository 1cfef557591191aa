/* mmap of files needs the right access: MAP_SHARED+PROT_WRITE of an
 * O_RDONLY fd is EACCES (also later via mprotect), any mapping of an
 * O_WRONLY fd is EACCES; EBADF, ENODEV (directory), EINVAL (offset,
 * length, no map type), EOPNOTSUPP (MAP_SHARED_VALIDATE, unknown flag). */
#define _GNU_SOURCE
#include <fcntl.h>
#include <sys/mman.h>
#include "check.h"

static char dir[] = "/tmp/cvt.XXXXXX";

#define RW (PROT_READ | PROT_WRITE)

int main(void)
{
	char path[512];

	CHECK(mkdtemp(dir), "mkdtemp: %s", strerror(errno));
	snprintf(path, sizeof(path), "%s/f", dir);
	int rw = open(path, O_RDWR | O_CREAT, 0644);
	CHECK(rw >= 0 && ftruncate(rw, 2 * PAGE) == 0, "create: %s", strerror(errno));
	int ro = open(path, O_RDONLY), wo = open(path, O_WRONLY);
	CHECK(ro >= 0 && wo >= 0, "reopen");

	/* Read-only fd: shared read mapping yes, shared writable no. */
	void *p = mmap(NULL, PAGE, PROT_READ, MAP_SHARED, ro, 0);
	CHECK(p != MAP_FAILED, "shared read-only map: %s", strerror(errno));
	/* ...and it cannot be made writable later. */
	CHECK_ERRNO(mprotect(p, PAGE, RW), EACCES);
	CHECK_OK(munmap(p, PAGE));
	CHECK_ERRNO(mmap(NULL, PAGE, RW, MAP_SHARED, ro, 0), EACCES);
	CHECK_ERRNO(mmap(NULL, PAGE, PROT_WRITE, MAP_SHARED, ro, 0), EACCES);

	/* Write-only fd: no mapping at all (mapping implies reading). */
	CHECK_ERRNO(mmap(NULL, PAGE, PROT_READ, MAP_SHARED, wo, 0), EACCES);
	CHECK_ERRNO(mmap(NULL, PAGE, PROT_READ, MAP_PRIVATE, wo, 0), EACCES);

	/* The right fd works. */
	p = mmap(NULL, PAGE, RW, MAP_SHARED, rw, PAGE);
	CHECK(p != MAP_FAILED, "RW shared map: %s", strerror(errno));
	CHECK_OK(munmap(p, PAGE));

	CHECK_ERRNO(mmap(NULL, PAGE, PROT_READ, MAP_SHARED, rw, 100), EINVAL);
	CHECK_ERRNO(mmap(NULL, 0, PROT_READ, MAP_SHARED, rw, 0), EINVAL);
	CHECK_ERRNO(mmap(NULL, PAGE, PROT_READ, 0, rw, 0), EINVAL); /* no type */
	/* ...before the fd's access mode: also for a write-only fd */
	CHECK_ERRNO(mmap(NULL, 0, PROT_READ, MAP_SHARED, wo, 0), EINVAL);
	CHECK_ERRNO(mmap(NULL, PAGE, PROT_READ, 0, wo, 0), EINVAL);
	/* /dev/zero shared from a read-only fd: readable, never writable */
	{
		int z = open("/dev/zero", O_RDONLY);
		char *zp;

		CHECK(z >= 0, "/dev/zero: %s", strerror(errno));
		CHECK_ERRNO(mmap(NULL, PAGE, RW, MAP_SHARED, z, 0), EACCES);
		zp = mmap(NULL, PAGE, PROT_READ, MAP_SHARED, z, 0);
		CHECK(zp != MAP_FAILED, "shared read map of /dev/zero: %s", strerror(errno));
		CHECK(zp[0] == 0, "/dev/zero's map reads %d", zp[0]);
		CHECK_ERRNO(mprotect(zp, PAGE, RW), EACCES);
		CHECK_OK(munmap(zp, PAGE));
		close(z);
	}
	/* past the top of the address space: no room, ENOMEM */
	CHECK_ERRNO(mmap((void *)-PAGE, PAGE, PROT_READ, MAP_SHARED | MAP_FIXED, rw, 0), ENOMEM);
	/* MAP_SHARED_VALIDATE rejects flags it does not know. */
	CHECK_ERRNO(mmap(NULL, PAGE, PROT_READ, MAP_SHARED_VALIDATE | 0x800000, rw, 0),
		    EOPNOTSUPP);
	CHECK_ERRNO(mmap(NULL, PAGE, PROT_READ, MAP_SHARED, 4321, 0), EBADF);
	int pfd = open(path, O_PATH);
	CHECK(pfd >= 0, "O_PATH");
	CHECK_ERRNO(mmap(NULL, PAGE, PROT_READ, MAP_SHARED, pfd, 0), EBADF);
	int dfd = open(dir, O_RDONLY | O_DIRECTORY);
	CHECK(dfd >= 0, "open dir");
	CHECK_ERRNO(mmap(NULL, PAGE, PROT_READ, MAP_PRIVATE, dfd, 0), ENODEV);

	const int fds[] = { dfd, pfd, wo, ro, rw };
	for (unsigned i = 0; i < sizeof(fds) / sizeof(*fds); i++)
		CHECK_OK(close(fds[i]));
	CHECK_OK(unlink(path));
	CHECK_OK(rmdir(dir));
	return 0;
}
