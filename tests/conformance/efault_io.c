/* read/write with bad buffers fail with EFAULT instead of killing the
 * process, and the process carries on. stdout must be a file or pipe
 * (run.sh uses a file): /dev/null would accept any buffer unread. */
#include <sys/mman.h>
#include "check.h"

int main(void)
{
	char buf[8];

	/* Raw syscall: gcc rejects the obviously bad pointer at compile time. */
	CHECK_ERRNO(syscall(SYS_write, 1, (void *)1, 10), EFAULT);
	CHECK_ERRNO(write(2, KERNEL_PTR, 10), EFAULT);

	/* A freshly unmapped page is as bad as a wild pointer. */
	char *p = mmap(NULL, PAGE, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	CHECK(p != MAP_FAILED && munmap(p, PAGE) == 0, "mmap/munmap");
	CHECK_ERRNO(write(1, p, 10), EFAULT);
	/* PROT_NONE memory cannot be read by the kernel either. */
	p = mmap(NULL, PAGE, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	CHECK(p != MAP_FAILED, "mmap PROT_NONE");
	CHECK_ERRNO(write(1, p, 10), EFAULT);

	/* stdin is at EOF, so only an address the kernel refuses up front
	 * (kernel half) is guaranteed to give EFAULT. */
	CHECK_ERRNO(read(0, KERNEL_PTR, sizeof(buf)), EFAULT);

	/* Still alive and able to do I/O. */
	CHECK(read(0, buf, sizeof(buf)) == 0, "read after EFAULT");
	return 0;
}
