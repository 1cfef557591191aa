/* A MAP_SHARED writable mapping of a /tmp file is the file: stores show
 * up in read() and in other mappings, write()s show up in the mapping,
 * and the data outlives munmap. Offsets select the right pages. */
#define _GNU_SOURCE
#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
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
	for (int i = 0; i < 3; i++) { /* pages filled with 'A', 'B', 'C' */
		memset(page, 'A' + i, PAGE);
		CHECK(write(fd, page, PAGE) == PAGE, "write page %d", i);
	}

	char *p = mmap(NULL, 3 * PAGE, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	CHECK(p != MAP_FAILED, "mmap: %s", strerror(errno));
	for (int i = 0; i < 3; i++)
		CHECK(p[i * PAGE] == 'A' + i && p[i * PAGE + PAGE - 1] == 'A' + i,
		      "page %d content", i);

	/* mapping -> read() */
	memcpy(p + PAGE + 10, "stored", 6);
	BARRIER();
	CHECK(pread(fd, buf, 6, PAGE + 10) == 6 && memcmp(buf, "stored", 6) == 0,
	      "read() does not see a store");
	/* write() -> mapping */
	CHECK(pwrite(fd, "written", 7, 2 * PAGE + 5) == 7, "pwrite");
	BARRIER();
	CHECK(memcmp(p + 2 * PAGE + 5, "written", 7) == 0,
	      "mapping does not see write()");

	/* A second mapping at an offset shares the same pages. */
	char *q = mmap(NULL, PAGE, PROT_READ | PROT_WRITE, MAP_SHARED, fd, PAGE);
	CHECK(q != MAP_FAILED, "mmap at offset: %s", strerror(errno));
	CHECK(q[0] == 'B' && memcmp(q + 10, "stored", 6) == 0, "offset mapping");
	q[0] = 'q';
	BARRIER();
	CHECK(p[PAGE] == 'q', "two shared mappings are not coherent");

	/* Growing the file with write() and remapping sees the new page. */
	CHECK(lseek(fd, 0, SEEK_END) == 3 * PAGE, "size");
	memset(page, 'D', PAGE);
	CHECK(write(fd, page, PAGE) == PAGE, "append page");
	char *r = mmap(NULL, 4 * PAGE, PROT_READ, MAP_SHARED, fd, 0);
	CHECK(r != MAP_FAILED && r[3 * PAGE] == 'D' && r[PAGE] == 'q',
	      "remap after growth");

	/* Data stays after every mapping is gone. */
	CHECK_OK(munmap(r, 4 * PAGE));
	CHECK_OK(munmap(q, PAGE));
	CHECK_OK(munmap(p, 3 * PAGE));
	CHECK(pread(fd, buf, 1, PAGE) == 1 && buf[0] == 'q', "lost after munmap");
	CHECK_OK(close(fd));

	/* And the mapping need not keep the fd open. */
	fd = open(path, O_RDWR);
	p = mmap(NULL, PAGE, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	CHECK(fd >= 0 && p != MAP_FAILED, "reopen+mmap");
	CHECK_OK(close(fd));
	p[0] = 'z';
	CHECK_OK(munmap(p, PAGE));
	fd = open(path, O_RDONLY);
	CHECK(fd >= 0 && read(fd, buf, 1) == 1 && buf[0] == 'z',
	      "store after close(fd) was lost");
	CHECK_OK(close(fd));

	CHECK_OK(unlink(path));
	CHECK_OK(rmdir(dir));
	return 0;
}
