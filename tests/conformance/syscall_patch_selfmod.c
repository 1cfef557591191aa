/* A program that writes its own "mov $nr, %eax; syscall" code, runs it
 * (in cvisor: until it is patched), then makes the page writable again,
 * reads its code back and changes it, in part and whole: it must read
 * what it wrote and run what it changed, as natively. The same code run
 * through a second, shared mapping of the same memory, written through a
 * writable one, must never be seen changed under the writer. */
#define _GNU_SOURCE
#include <sys/mman.h>
#include "check.h"

/* nop; mov $NR, %eax; syscall; ret */
static const unsigned char code[] = { 0x90, 0xb8, 0, 0, 0, 0, 0x0f, 0x05, 0xc3 };

static void put(unsigned char *p, int nr)
{
	memcpy(p, code, sizeof(code));
	memcpy(p + 2, &nr, sizeof(nr));
}

static long run(void *fn, int times)
{
	long r = 0;

	for (int i = 0; i < times; i++)
		r = ((long (*)(void))fn)();
	return r;
}

static void private_page(void)
{
	unsigned char *p = mmap(NULL, PAGE, PROT_READ | PROT_WRITE,
				MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	unsigned char want[sizeof(code)];
	int nr = SYS_getppid;

	CHECK(p != MAP_FAILED, "mmap: %s", strerror(errno));
	put(p, SYS_getpid);
	CHECK_OK(mprotect(p, PAGE, PROT_READ | PROT_EXEC));
	CHECK(run(p, 100) == getpid(), "getpid through the page");

	/* writable again: the code reads back as written, and a change of
	 * the number alone takes effect */
	CHECK_OK(mprotect(p, PAGE, PROT_READ | PROT_WRITE | PROT_EXEC));
	put(want, SYS_getpid);
	CHECK(memcmp(p, want, sizeof(want)) == 0, "the code reads back changed");
	memcpy(p + 2, &nr, sizeof(nr));
	CHECK_OK(mprotect(p, PAGE, PROT_READ | PROT_EXEC));
	CHECK(run(p, 100) == getppid(), "getppid after changing the number");

	CHECK_OK(mprotect(p, PAGE, PROT_READ | PROT_WRITE));
	put(want, SYS_getppid);
	CHECK(memcmp(p, want, sizeof(want)) == 0, "the changed code reads back changed");
	put(p, SYS_gettid);
	CHECK_OK(mprotect(p, PAGE, PROT_READ | PROT_EXEC));
	CHECK(run(p, 100) == syscall(SYS_gettid), "gettid after rewriting it whole");
	CHECK_OK(munmap(p, PAGE));
}

static void shared_alias(void)
{
	int fd = memfd_create("code", 0), nr = SYS_getppid;
	unsigned char *w, *x, want[sizeof(code)];

	CHECK(fd >= 0, "memfd_create: %s", strerror(errno));
	CHECK_OK(ftruncate(fd, PAGE));
	w = mmap(NULL, PAGE, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	x = mmap(NULL, PAGE, PROT_READ | PROT_EXEC, MAP_SHARED, fd, 0);
	CHECK(w != MAP_FAILED && x != MAP_FAILED, "mmap: %s", strerror(errno));
	put(w, SYS_getpid);
	CHECK(run(x, 100) == getpid(), "getpid through the shared page");
	put(want, SYS_getpid);
	CHECK(memcmp(w, want, sizeof(want)) == 0, "shared code changed under its writer");
	memcpy(w + 2, &nr, sizeof(nr));
	CHECK(run(x, 100) == getppid(), "getppid after changing the shared number");
	close(fd);
}

int main(void)
{
	private_page();
	shared_alias();
	return 0;
}
