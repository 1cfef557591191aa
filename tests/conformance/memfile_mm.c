/* Private anonymous memory under the calls that change it, with the
 * sentry's copies (read/write of a pipe) in between: mremap keeps the
 * contents and zero-fills what it adds, MADV_DONTNEED reads back zero
 * (before and after a fork), protections still give EFAULT, MAP_SHARED
 * memory stays shared with a child, and two adjacent anonymous mappings
 * are one line of /proc/self/maps.  (In cvisor this memory is backed by
 * the sentry's memory file, docs/memory.md.) */
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdio.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>
#include "check.h"

#define RW (PROT_READ | PROT_WRITE)
#define ANON (MAP_PRIVATE | MAP_ANONYMOUS)

static int pfd[2];

/* the sentry writes len bytes of c at dst (read(2) from a pipe) */
static ssize_t fill(char *dst, int c, size_t len)
{
	char buf[4096];

	memset(buf, c, sizeof(buf));
	CHECK(len <= sizeof(buf) && write(pfd[1], buf, len) == (ssize_t)len, "write pipe");
	return read(pfd[0], dst, len);
}

/* the sentry reads len bytes at src (write(2) to a pipe): all equal c? */
static int all(const char *src, int c, size_t len)
{
	char buf[4096];

	CHECK(len <= sizeof(buf) && write(pfd[1], src, len) == (ssize_t)len, "write from");
	CHECK(read(pfd[0], buf, len) == (ssize_t)len, "read back");
	for (size_t i = 0; i < len; i++)
		if (buf[i] != c)
			return 0;
	return 1;
}

static int maps_lines_in(unsigned long lo, unsigned long hi)
{
	FILE *f = fopen("/proc/self/maps", "r");
	unsigned long s, e;
	char line[512];
	int n = 0;

	CHECK(f, "open maps");
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "%lx-%lx", &s, &e) == 2 && s < hi && e > lo)
			n++;
	fclose(f);
	return n;
}

int main(void)
{
	CHECK_OK(pipe(pfd));

	/* mremap: grow in place, then move; contents kept, tail zero */
	char *p = mmap(NULL, 4 * PAGE, RW, ANON, -1, 0);
	CHECK(p != MAP_FAILED, "mmap");
	CHECK_OK(munmap(p + 2 * PAGE, 2 * PAGE));
	CHECK(fill(p, 'a', PAGE) == PAGE && fill(p + PAGE, 'b', PAGE) == PAGE, "fill");
	CHECK(mremap(p, 2 * PAGE, 4 * PAGE, 0) == p, "grow in place: %s", strerror(errno));
	CHECK(all(p, 'a', PAGE) && all(p + PAGE, 'b', PAGE), "grow lost contents");
	CHECK(all(p + 2 * PAGE, 0, PAGE) && all(p + 3 * PAGE, 0, PAGE), "grown tail not zero");
	CHECK(p[3 * PAGE] == 0, "grown tail not zero (load)");
	char *q = mremap(p, 4 * PAGE, 8 * PAGE, MREMAP_MAYMOVE);
	CHECK(q != MAP_FAILED, "mremap move: %s", strerror(errno));
	CHECK(all(q, 'a', PAGE) && all(q + PAGE, 'b', PAGE) && all(q + 7 * PAGE, 0, PAGE),
	      "moved contents");
	CHECK(fill(q + 7 * PAGE, 'c', PAGE) == PAGE && q[8 * PAGE - 1] == 'c', "write moved");

	/* grow in place a mapping made just before another one: what it
	 * gains is zero, not the other one's data */
	char *f = mmap(NULL, 8 * PAGE, RW, ANON, -1, 0);
	CHECK(f != MAP_FAILED && !munmap(f, 8 * PAGE), "reserve");
	char *a1 = mmap(f, 2 * PAGE, RW, ANON | MAP_FIXED, -1, 0);
	char *b1 = mmap(f + 6 * PAGE, 2 * PAGE, RW, ANON, -1, 0);
	CHECK(a1 == f && b1 != MAP_FAILED, "mmap a1 b1");
	CHECK(fill(a1, 'A', PAGE) == PAGE && fill(b1, 'B', PAGE) == PAGE, "fill a1 b1");
	if (mremap(a1, 2 * PAGE, 4 * PAGE, 0) == a1) {  /* else: taken meanwhile */
		CHECK(all(a1, 'A', PAGE), "grown a1 lost its data");
		CHECK(a1[2 * PAGE] == 0 && all(a1 + 2 * PAGE, 0, PAGE),
		      "grown a1 shows another mapping's data");
	}
	CHECK(all(b1, 'B', PAGE), "b1 changed");

	/* MADV_DONTNEED: zero, also of pages written by the sentry */
	CHECK_OK(madvise(q, 2 * PAGE, MADV_DONTNEED));
	CHECK(all(q, 0, PAGE) && q[PAGE] == 0, "MADV_DONTNEED left data");
	char *r = mmap(NULL, 2 * PAGE, RW, ANON, -1, 0);
	CHECK(r != MAP_FAILED && fill(r, 'd', PAGE) == PAGE, "mmap r");
	pid_t pid = fork();
	if (pid == 0) {
		/* the child's copy: dropping it gives zeros here only */
		if (madvise(r, PAGE, MADV_DONTNEED) || r[0] != 0 || !all(r, 0, PAGE))
			_exit(1);
		_exit(fill(r, 'e', PAGE) == PAGE && r[1] == 'e' ? 0 : 2);
	}
	int st;
	CHECK(waitpid(pid, &st, 0) == pid && WIFEXITED(st) && !WEXITSTATUS(st),
	      "child MADV_DONTNEED: %#x", st);
	CHECK(all(r, 'd', PAGE), "the child's MADV_DONTNEED reached the parent");
	CHECK_OK(madvise(r, PAGE, MADV_DONTNEED));
	CHECK(r[0] == 0 && all(r, 0, PAGE), "MADV_DONTNEED after fork left data");

	/* protections: the sentry's copies fault where the host's would */
	char *g = mmap(NULL, 2 * PAGE, RW, ANON, -1, 0);
	CHECK(g != MAP_FAILED && fill(g, 'g', PAGE) == PAGE, "mmap g");
	CHECK_OK(mprotect(g, PAGE, PROT_READ));
	char path[] = "/tmp/memfile_mmXXXXXX";
	int fd = mkstemp(path);
	CHECK(fd >= 0 && pwrite(fd, "xxxxxxxxxxxxxxxx", 16, 0) == 16, "temp file");
	unlink(path);
	errno = 0;
	CHECK(pread(fd, g, 16, 0) == -1 && errno == EFAULT, "read into PROT_READ: %s",
	      strerror(errno));
	CHECK(g[0] == 'g', "read into PROT_READ changed it");
	CHECK_OK(mprotect(g, PAGE, PROT_NONE));
	errno = 0;
	CHECK(write(pfd[1], g, 16) == -1 && errno == EFAULT, "write from PROT_NONE: %s",
	      strerror(errno));
	CHECK_OK(mprotect(g, PAGE, RW));
	CHECK(all(g, 'g', PAGE), "mprotect lost data");
	CHECK_OK(munmap(g + PAGE, PAGE));
	errno = 0;
	CHECK(write(pfd[1], g + PAGE, 16) == -1 && errno == EFAULT, "write from unmapped");
	CHECK(write(pfd[1], g, 16) == 16 && read(pfd[0], g + 16, 16) == 16, "after EFAULT");

	/* MAP_SHARED anonymous memory is still shared with a child */
	char *sh = mmap(NULL, PAGE, RW, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	CHECK(sh != MAP_FAILED, "mmap shared");
	pid = fork();
	if (pid == 0)
		_exit(fill(sh, 's', 64) == 64 ? 0 : 1);
	CHECK(waitpid(pid, &st, 0) == pid && WIFEXITED(st) && !WEXITSTATUS(st), "shared child");
	CHECK(sh[0] == 's' && sh[63] == 's', "MAP_SHARED write of the child not seen");

	/* two adjacent anonymous mappings (one above the other) are one VMA */
	char *hi = mmap(NULL, 2 * PAGE, RW, ANON, -1, 0);
	CHECK(hi != MAP_FAILED && fill(hi, 'h', PAGE) == PAGE, "mmap hi");
	char *lo = mmap(hi - 2 * PAGE, 2 * PAGE, RW, ANON | MAP_FIXED_NOREPLACE, -1, 0);
	if (lo == MAP_FAILED && errno == EEXIST) {
		puts("ok");             /* something already there: nothing to see */
		return 0;
	}
	CHECK(lo == hi - 2 * PAGE, "mmap lo: %s", strerror(errno));
	CHECK(fill(lo, 'l', PAGE) == PAGE, "fill lo");
	CHECK(maps_lines_in((unsigned long)lo, (unsigned long)(hi + 2 * PAGE)) == 1,
	      "adjacent anonymous mappings: %d lines in maps",
	      maps_lines_in((unsigned long)lo, (unsigned long)(hi + 2 * PAGE)));
	puts("ok");
	return 0;
}
