/* getdents64(2) on a fresh directory lists exactly ".", "..", and what we
 * made, each once with the right d_type; a tiny buffer is EINVAL; lseek
 * to 0 rewinds; a file fd is ENOTDIR. */
#define _GNU_SOURCE
#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include "check.h"

static char dir[] = "/tmp/cvt.XXXXXX";

static const struct { const char *name; unsigned char type; } want[] = {
	{ ".", DT_DIR }, { "..", DT_DIR }, { "file", DT_REG },
	{ "sub", DT_DIR }, { "link", DT_LNK }, { "a-much-longer-file-name.txt", DT_REG },
};
#define NWANT (sizeof(want) / sizeof(want[0]))

/* Reads the whole directory with a buffer of bufsz; returns entries. */
static int list(int fd, size_t bufsz, int seen[NWANT])
{
	char buf[4096];
	int total = 0;
	long n;

	memset(seen, 0, NWANT * sizeof(int));
	while ((n = syscall(SYS_getdents64, fd, buf, bufsz)) > 0) {
		for (long off = 0; off < n;) {
			struct dirent64 *d = (struct dirent64 *)(buf + off);
			CHECK(d->d_reclen > 0 && off + d->d_reclen <= n, "bad d_reclen");
			CHECK(d->d_ino != 0, "%s: d_ino 0", d->d_name);
			size_t i;
			for (i = 0; i < NWANT; i++)
				if (strcmp(d->d_name, want[i].name) == 0)
					break;
			CHECK(i < NWANT, "unexpected entry '%s'", d->d_name);
			CHECK(d->d_type == want[i].type, "%s: d_type %d, want %d",
			      d->d_name, d->d_type, want[i].type);
			seen[i]++;
			total++;
			off += d->d_reclen;
		}
	}
	CHECK(n == 0, "getdents64: %s", strerror(errno));
	return total;
}

int main(void)
{
	char path[512];
	int seen[NWANT];

	CHECK(mkdtemp(dir), "mkdtemp: %s", strerror(errno));
	int dfd = open(dir, O_RDONLY | O_DIRECTORY);
	CHECK(dfd >= 0, "open dir");
	for (size_t i = 2; i < NWANT; i++) {
		if (want[i].type == DT_DIR)
			CHECK_OK(mkdirat(dfd, want[i].name, 0755));
		else if (want[i].type == DT_LNK)
			CHECK_OK(symlinkat("file", dfd, want[i].name));
		else
			CHECK_OK(close(openat(dfd, want[i].name, O_CREAT | O_WRONLY, 0644)));
	}

	CHECK(list(dfd, 4096, seen) == NWANT, "wrong entry count");
	for (size_t i = 0; i < NWANT; i++)
		CHECK(seen[i] == 1, "'%s' seen %d times", want[i].name, seen[i]);

	/* At the end it keeps returning 0; lseek(0) starts over, and a
	 * buffer that fits only one entry at a time still sees all. */
	CHECK(syscall(SYS_getdents64, dfd, path, sizeof(path)) == 0, "after end");
	CHECK(lseek(dfd, 0, SEEK_SET) == 0, "rewind: %s", strerror(errno));
	CHECK(list(dfd, 64, seen) == NWANT, "small-buffer listing");
	for (size_t i = 0; i < NWANT; i++)
		CHECK(seen[i] == 1, "small buffer: '%s' seen %d times", want[i].name,
		      seen[i]);

	/* Too small for even one entry. */
	CHECK(lseek(dfd, 0, SEEK_SET) == 0, "rewind");
	CHECK_ERRNO(syscall(SYS_getdents64, dfd, path, 8), EINVAL);
	CHECK_ERRNO(syscall(SYS_getdents64, dfd, KERNEL_PTR, 4096), EFAULT);
	CHECK_ERRNO(syscall(SYS_getdents64, 4321, path, sizeof(path)), EBADF);
	int fd = openat(dfd, "file", O_RDONLY);
	CHECK(fd >= 0, "open file");
	CHECK_ERRNO(syscall(SYS_getdents64, fd, path, sizeof(path)), ENOTDIR);
	CHECK_OK(close(fd));

	/* A removed entry disappears from a fresh listing. */
	CHECK_OK(unlinkat(dfd, "link", 0));
	CHECK(lseek(dfd, 0, SEEK_SET) == 0, "rewind");
	CHECK(list(dfd, 4096, seen) == NWANT - 1 && seen[4] == 0,
	      "unlinked entry still listed");
	CHECK_OK(symlinkat("file", dfd, "link"));

	for (size_t i = 2; i < NWANT; i++)
		CHECK_OK(unlinkat(dfd, want[i].name,
				  want[i].type == DT_DIR ? AT_REMOVEDIR : 0));
	CHECK(lseek(dfd, 0, SEEK_SET) == 0, "rewind");
	CHECK(list(dfd, 4096, seen) == 2, "emptied dir must list only . and ..");
	CHECK_OK(close(dfd));
	CHECK_OK(rmdir(dir));
	return 0;
}
