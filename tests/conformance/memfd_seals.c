/* memfd seals (fcntl F_GET_SEALS / F_ADD_SEALS), in stress-ng's seal
 * stressor's order: a sealable memfd starts with no seals, others with
 * F_SEAL_SEAL; SHRINK and GROW refuse truncates and writes that would
 * change the size; WRITE is EBUSY while a writable shared mapping exists,
 * then refuses write() and writable shared mmap(); FUTURE_WRITE leaves an
 * existing mapping writable; SEAL stops further seals.  (The sentry
 * answered EINVAL to both commands.) */
#define _GNU_SOURCE
#include <fcntl.h>
#include <sys/mman.h>
#include <unistd.h>
#include "check.h"

static void sealable(void)
{
	char buf[PAGE] = { 1 };
	int fd = memfd_create("seal", MFD_ALLOW_SEALING);
	char *p;

	CHECK_OK(fd);
	CHECK_OK(ftruncate(fd, PAGE));
	CHECK(fcntl(fd, F_GET_SEALS) == 0, "new seals %d", fcntl(fd, F_GET_SEALS));
	CHECK_ERRNO(fcntl(fd, F_ADD_SEALS, 0x4000), EINVAL);

	CHECK_OK(fcntl(fd, F_ADD_SEALS, F_SEAL_SHRINK));
	CHECK_ERRNO(ftruncate(fd, 0), EPERM);
	CHECK_OK(ftruncate(fd, 2 * PAGE));      /* growing is still allowed */

	CHECK_OK(fcntl(fd, F_ADD_SEALS, F_SEAL_GROW));
	CHECK_ERRNO(ftruncate(fd, 3 * PAGE), EPERM);
	CHECK_ERRNO(pwrite(fd, buf, 1, 2 * PAGE), EPERM);
	CHECK(pwrite(fd, buf, 1, 0) == 1, "a write inside the size");
	CHECK(fcntl(fd, F_GET_SEALS) == (F_SEAL_SHRINK | F_SEAL_GROW), "seals %d",
	      fcntl(fd, F_GET_SEALS));

	p = mmap(NULL, PAGE, PROT_WRITE, MAP_SHARED, fd, 0);
	CHECK(p != MAP_FAILED, "mmap: %s", strerror(errno));
	p[0] = 0x5a;
	CHECK_ERRNO(fcntl(fd, F_ADD_SEALS, F_SEAL_WRITE), EBUSY);
	CHECK_OK(munmap(p, PAGE));
	CHECK_OK(fcntl(fd, F_ADD_SEALS, F_SEAL_WRITE));
	CHECK_ERRNO(write(fd, buf, sizeof(buf)), EPERM);
	CHECK_ERRNO(mmap(NULL, PAGE, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0), EPERM);
	CHECK(pread(fd, buf, 1, 0) == 1 && buf[0] == 0x5a, "the mapped write is lost");
	p = mmap(NULL, PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, 0);
	CHECK(p != MAP_FAILED, "a private mapping: %s", strerror(errno));
	CHECK_OK(munmap(p, PAGE));

	CHECK_OK(fcntl(fd, F_ADD_SEALS, F_SEAL_SEAL));
	CHECK_ERRNO(fcntl(fd, F_ADD_SEALS, F_SEAL_FUTURE_WRITE), EPERM);
	CHECK(fcntl(fd, F_GET_SEALS) == (F_SEAL_SEAL | F_SEAL_SHRINK | F_SEAL_GROW |
					 F_SEAL_WRITE), "final seals %d", fcntl(fd, F_GET_SEALS));
	CHECK_OK(close(fd));
}

static void future_write(void)
{
	char c = 7;
	int fd = memfd_create("future", MFD_ALLOW_SEALING);
	char *p;

	CHECK_OK(fd);
	CHECK_OK(ftruncate(fd, PAGE));
	p = mmap(NULL, PAGE, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	CHECK(p != MAP_FAILED, "mmap: %s", strerror(errno));
	CHECK_OK(fcntl(fd, F_ADD_SEALS, F_SEAL_FUTURE_WRITE));
	p[1] = 9;                               /* the old mapping stays writable */
	CHECK_ERRNO(pwrite(fd, &c, 1, 0), EPERM);
	CHECK_ERRNO(mmap(NULL, PAGE, PROT_WRITE, MAP_SHARED, fd, 0), EPERM);
	CHECK(pread(fd, &c, 1, 1) == 1 && c == 9, "the mapped write is lost");
	CHECK_OK(munmap(p, PAGE));
	CHECK_OK(close(fd));
}

static void not_sealable(void)
{
	int fd = memfd_create("plain", 0), pfd[2];

	CHECK_OK(fd);
	CHECK(fcntl(fd, F_GET_SEALS) == F_SEAL_SEAL, "seals %d", fcntl(fd, F_GET_SEALS));
	CHECK_ERRNO(fcntl(fd, F_ADD_SEALS, F_SEAL_WRITE), EPERM);
	CHECK_OK(close(fd));
	CHECK_OK(pipe(pfd));
	CHECK_ERRNO(fcntl(pfd[0], F_GET_SEALS), EINVAL);
	CHECK_ERRNO(fcntl(pfd[1], F_ADD_SEALS, F_SEAL_WRITE), EINVAL);
}

/* Adding seals needs the file open for writing. */
static void read_only(void)
{
	char path[64];
	int fd = memfd_create("ro", MFD_ALLOW_SEALING), ro;

	CHECK_OK(fd);
	snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	ro = open(path, O_RDONLY);
	CHECK_OK(ro);
	CHECK(fcntl(ro, F_GET_SEALS) == 0, "seals %d", fcntl(ro, F_GET_SEALS));
	CHECK_ERRNO(fcntl(ro, F_ADD_SEALS, F_SEAL_GROW), EPERM);
	CHECK_OK(fcntl(fd, F_ADD_SEALS, F_SEAL_GROW));
	CHECK(fcntl(ro, F_GET_SEALS) == F_SEAL_GROW, "seals through the other open");
	close(ro);
	close(fd);
}

int main(void)
{
	sealable();
	future_write();
	not_sealable();
	read_only();
	return 0;
}
