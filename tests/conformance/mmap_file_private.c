/* MAP_PRIVATE file mappings start with the file's data but writes to
 * them are copy-on-write: read(), the file and other mappings never see
 * them, and a page once written no longer follows the file. The tail of
 * the last page past EOF reads as zeroes. */
#define _GNU_SOURCE
#include <fcntl.h>
#include <sys/mman.h>
#include "check.h"

static char dir[] = "/tmp/cvt.XXXXXX";

int main(void)
{
	char path[512], buf[16];
	static char page[PAGE];

	CHECK(mkdtemp(dir), "mkdtemp: %s", strerror(errno));
	snprintf(path, sizeof(path), "%s/f", dir);
	int fd = open(path, O_RDWR | O_CREAT, 0644);
	CHECK(fd >= 0, "create: %s", strerror(errno));
	memset(page, 'A', PAGE);
	CHECK(write(fd, page, PAGE) == PAGE, "write page");
	CHECK(write(fd, "tail", 4) == 4, "write tail"); /* size PAGE + 4 */

	char *p = mmap(NULL, 2 * PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, 0);
	CHECK(p != MAP_FAILED, "mmap: %s", strerror(errno));
	CHECK(p[0] == 'A' && p[PAGE - 1] == 'A', "private mapping content");
	CHECK(memcmp(p + PAGE, "tail", 4) == 0, "last page content");
	for (size_t i = PAGE + 4; i < 2 * PAGE; i++)
		CHECK(p[i] == 0, "byte %zu past EOF is %#x", i, p[i]);

	/* Private writes stay private. */
	memcpy(p, "private", 7);
	p[PAGE + 100] = 'x'; /* past EOF, in the mapped page */
	BARRIER();
	CHECK(pread(fd, buf, 7, 0) == 7 && memcmp(buf, "AAAAAAA", 7) == 0,
	      "read() sees a MAP_PRIVATE store");
	CHECK(lseek(fd, 0, SEEK_END) == PAGE + 4, "private store grew the file");
	char *s = mmap(NULL, PAGE, PROT_READ, MAP_SHARED, fd, 0);
	CHECK(s != MAP_FAILED && s[0] == 'A', "shared mapping sees a private store");
	char *p2 = mmap(NULL, PAGE, PROT_READ, MAP_PRIVATE, fd, 0);
	CHECK(p2 != MAP_FAILED && p2[0] == 'A', "other private mapping sees it");

	/* The written (copied) page no longer follows the file. */
	CHECK(pwrite(fd, "FILE", 4, 0) == 4, "pwrite");
	BARRIER();
	CHECK(memcmp(p, "private", 7) == 0, "COW page changed under a write()");
	CHECK(memcmp(s, "FILE", 4) == 0, "shared mapping misses write()");

	/* Read-only private mapping of an O_RDONLY fd, and PROT_WRITE on a
	 * private mapping of an O_RDONLY fd (allowed: it is a copy). */
	int ro = open(path, O_RDONLY);
	CHECK(ro >= 0, "open O_RDONLY");
	char *w = mmap(NULL, PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE, ro, 0);
	CHECK(w != MAP_FAILED, "private writable map of O_RDONLY: %s",
	      strerror(errno));
	w[0] = 'w';
	CHECK(w[1] == 'I', "private copy content");
	CHECK(pread(fd, buf, 1, 0) == 1 && buf[0] == 'F', "private write reached file");

	CHECK_OK(munmap(w, PAGE));
	CHECK_OK(munmap(p2, PAGE));
	CHECK_OK(munmap(s, PAGE));
	CHECK_OK(munmap(p, 2 * PAGE));
	CHECK_OK(close(ro));
	CHECK_OK(close(fd));
	CHECK_OK(unlink(path));
	CHECK_OK(rmdir(dir));
	return 0;
}
