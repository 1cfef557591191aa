/* process_vm_readv/writev between two processes: data both ways through
 * several iovecs; a fault on either side ends the transfer at the page
 * where it is (the bytes so far, EFAULT if none); a read-only remote page
 * is EFAULT for a write; EINVAL, ESRCH, 0 for an empty transfer, and
 * EPERM for a process the caller may not attach to.  (The sentry had
 * neither call: ENOSYS.) */
#define _GNU_SOURCE
#include <signal.h>
#include <sys/mman.h>
#include <sys/uio.h>
#include <sys/wait.h>
#include "check.h"

static char data[3 * PAGE];

struct remote {
	char *data, *half, *ro;         /* half: one page, then a hole */
};

static void child(int rd, int wr)
{
	struct remote r = { data, NULL, NULL };
	char c;

	for (size_t i = 0; i < sizeof(data); i++)
		data[i] = (char)(i * 7 + 1);
	r.half = mmap(NULL, 2 * PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	r.ro = mmap(NULL, PAGE, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (r.half == MAP_FAILED || r.ro == MAP_FAILED || munmap(r.half + PAGE, PAGE))
		_exit(2);
	memset(r.half, 'h', PAGE);
	if (write(wr, &r, sizeof(r)) != sizeof(r) || read(rd, &c, 1) != 1)
		_exit(3);
	/* the parent wrote "WXYZ" at data + 10 and 'w' over the first half page */
	_exit(memcmp(data + 10, "WXYZ", 4) == 0 && r.half[0] == 'w' && r.half[PAGE - 1] == 'w' ?
	      0 : 4);
}

int main(void)
{
	int to_child[2], to_parent[2], st;
	struct remote r;
	char a[5], b[7], big[2 * PAGE];
	char *mine = mmap(NULL, 2 * PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	pid_t pid;

	CHECK(mine != MAP_FAILED, "mmap");
	CHECK_OK(munmap(mine + PAGE, PAGE));
	CHECK_OK(pipe(to_child));
	CHECK_OK(pipe(to_parent));
	pid = fork();
	CHECK_OK(pid);
	if (pid == 0)
		child(to_child[0], to_parent[1]);
	CHECK(read(to_parent[0], &r, sizeof(r)) == sizeof(r), "the child's addresses");

	/* two local pieces from three remote ones, in order */
	struct iovec lv[2] = { { a, sizeof(a) }, { b, sizeof(b) } };
	struct iovec rv[3] = { { r.data + 100, 3 }, { r.data + 200, 0 }, { r.data + 300, 20 } };

	CHECK(process_vm_readv(pid, lv, 2, rv, 3, 0) == 12, "readv: %s", strerror(errno));
	for (int i = 0; i < 12; i++) {
		char want = i < 3 ? (char)((100 + i) * 7 + 1) : (char)((300 + i - 3) * 7 + 1);
		char got = i < 5 ? a[i] : b[i - 5];

		CHECK(got == want, "byte %d: %d, want %d", i, got, want);
	}

	/* the remote hole: one page, then nothing; and nothing at all */
	struct iovec l1 = { big, sizeof(big) }, r1 = { r.half, 2 * PAGE };

	CHECK(process_vm_readv(pid, &l1, 1, &r1, 1, 0) == PAGE, "remote hole");
	CHECK(big[0] == 'h' && big[PAGE - 1] == 'h', "what was read");
	r1.iov_base = r.half + PAGE;
	CHECK_ERRNO(process_vm_readv(pid, &l1, 1, &r1, 1, 0), EFAULT);
	r1.iov_base = (void *)0x7e0000000000UL;         /* a sandbox's stub region */
	r1.iov_len = 16;
	CHECK_ERRNO(process_vm_readv(pid, &l1, 1, &r1, 1, 0), EFAULT);
	/* the local hole */
	struct iovec l2 = { mine, 2 * PAGE }, r2 = { r.data, 2 * PAGE };

	CHECK(process_vm_readv(pid, &l2, 1, &r2, 1, 0) == PAGE, "local hole");
	CHECK(mine[1] == (char)(1 * 7 + 1), "the page read");

	/* writes */
	struct iovec l3 = { "WXYZ", 4 }, r3 = { r.data + 10, 4 };

	CHECK(process_vm_writev(pid, &l3, 1, &r3, 1, 0) == 4, "writev: %s", strerror(errno));
	memset(big, 'w', sizeof(big));
	r1 = (struct iovec){ r.half, 2 * PAGE };
	CHECK(process_vm_writev(pid, &l1, 1, &r1, 1, 0) == PAGE, "a write into the hole");
	r1 = (struct iovec){ r.ro, 1 };
	CHECK_ERRNO(process_vm_writev(pid, &l1, 1, &r1, 1, 0), EFAULT);

	/* argument checks */
	CHECK_ERRNO(process_vm_readv(pid, &l1, 1, &r1, 1, 1), EINVAL);
	CHECK_ERRNO(process_vm_readv(pid, &l1, 1025, &r1, 1, 0), EINVAL);
	CHECK_ERRNO(process_vm_readv(999999, &l1, 1, &r1, 1, 0), ESRCH);
	l1.iov_len = 0;
	CHECK(process_vm_readv(999999, &l1, 1, &r1, 1, 0) == 0, "an empty local vector");
	l1.iov_len = 1;
	r1.iov_len = 0;
	CHECK(process_vm_readv(999999, &l1, 1, &r1, 1, 0) == 0, "an empty remote vector");
	l1.iov_base = KERNEL_PTR;
	r1.iov_len = 1;
	CHECK_ERRNO(process_vm_readv(pid, &l1, 1, &r1, 1, 0), EFAULT);

	CHECK(write(to_child[1], "x", 1) == 1, "go");
	CHECK(waitpid(pid, &st, 0) == pid && WIFEXITED(st) && WEXITSTATUS(st) == 0,
	      "the child saw %#x", st);

	/* nobody may not read root's memory */
	pid_t me = getpid(), nobody = fork();

	CHECK_OK(nobody);
	if (nobody == 0) {
		struct iovec l = { a, 1 }, rr = { data, 1 };

		if (setresgid(65534, 65534, 65534) || setresuid(65534, 65534, 65534))
			_exit(2);
		_exit(process_vm_readv(me, &l, 1, &rr, 1, 0) == -1 && errno == EPERM ? 0 : 3);
	}
	CHECK(waitpid(nobody, &st, 0) == nobody && WIFEXITED(st) && WEXITSTATUS(st) == 0,
	      "the unprivileged child: status %#x", st);
	return 0;
}
