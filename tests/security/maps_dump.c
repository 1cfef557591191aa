/*
 * Prints the sandbox's view of its own address space (/proc/self/maps),
 * after mapping a few things of its own, then waits to be looked at from
 * the host (address_space.bats) until it is killed.
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

int main(void)
{
	char buf[4096];
	ssize_t n;
	int fd;
	char *p = mmap(NULL, 3 * 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS,
		       -1, 0);
	char *q = malloc(1 << 20);

	if (p == MAP_FAILED || !q)
		return 1;
	memset(q, 1, 1 << 20);
	mprotect(p + 4096, 4096, PROT_READ);    /* three VMAs of one mapping */
	fd = open("/proc/self/maps", O_RDONLY);
	if (fd < 0)
		return 1;
	while ((n = read(fd, buf, sizeof(buf))) > 0)
		if (write(1, buf, (size_t)n) != n)
			return 1;
	close(fd);
	if (write(1, "END\n", 4) != 4)
		return 1;
	for (;;)
		pause();
}
