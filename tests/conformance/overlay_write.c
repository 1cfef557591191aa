/* Writing under a host directory: in cvisor / is the host's tree as a
 * read-only lower layer under an in-memory overlay, so creating, reading
 * back, listing, renaming and deleting a new file in /etc must all work
 * (and vanish at exit). Natively this touches the real /etc, so the name
 * is unique and everything is removed again. */
#define _GNU_SOURCE
#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <time.h>
#include "check.h"

/* Does directory path list name (via getdents64)? */
static int listed(const char *path, const char *name)
{
	char buf[8192];
	long n;
	int found = 0, fd = open(path, O_RDONLY | O_DIRECTORY);
	CHECK(fd >= 0, "open %s: %s", path, strerror(errno));
	while ((n = syscall(SYS_getdents64, fd, buf, sizeof(buf))) > 0)
		for (long off = 0; off < n;) {
			struct dirent64 *d = (struct dirent64 *)(buf + off);
			found += strcmp(d->d_name, name) == 0;
			off += d->d_reclen;
		}
	CHECK(n == 0, "getdents64 %s: %s", path, strerror(errno));
	close(fd);
	return found;
}

int main(void)
{
	char name[64], path[128], path2[160], buf[64];
	struct stat st;

	snprintf(name, sizeof(name), "cvisor-conformance-probe.%d.%ld", getpid(),
		 (long)time(NULL));
	snprintf(path, sizeof(path), "/etc/%s", name);
	snprintf(path2, sizeof(path2), "%s.renamed", path);

	/* The lower layer is visible. */
	int fd = open("/etc/passwd", O_RDONLY);
	CHECK(fd >= 0 && read(fd, buf, 5) == 5 && memcmp(buf, "root:", 5) == 0,
	      "/etc/passwd: %s", strerror(errno));
	CHECK_OK(close(fd));

	fd = open(path, O_RDWR | O_CREAT | O_EXCL, 0600);
	CHECK(fd >= 0, "create %s: %s", path, strerror(errno));
	CHECK(write(fd, "probe", 5) == 5, "write: %s", strerror(errno));
	CHECK_OK(close(fd));
	fd = open(path, O_RDONLY);
	CHECK(fd >= 0 && read(fd, buf, sizeof(buf)) == 5 && memcmp(buf, "probe", 5) == 0,
	      "read back");
	CHECK_OK(close(fd));
	CHECK(stat(path, &st) == 0 && S_ISREG(st.st_mode) && st.st_size == 5 &&
		      (st.st_mode & 0777) == 0600,
	      "stat: mode %#o size %ld", (unsigned)st.st_mode, (long)st.st_size);

	/* Host entries and the new one are listed together. */
	CHECK(listed("/etc", name) == 1, "new file not listed once in /etc");
	CHECK(listed("/etc", "passwd") == 1, "host file missing from /etc listing");

	CHECK_OK(rename(path, path2));
	CHECK_ERRNO(stat(path, &st), ENOENT);
	CHECK(stat(path2, &st) == 0 && st.st_size == 5, "renamed");
	CHECK_OK(unlink(path2));
	CHECK_ERRNO(stat(path2, &st), ENOENT);
	CHECK(listed("/etc", name) == 0, "deleted file still listed");
	CHECK(listed("/etc", "passwd") == 1, "passwd lost");

	/* A new directory at the top of the host tree. */
	snprintf(path, sizeof(path), "/%s.d", name);
	CHECK(mkdir(path, 0755) == 0, "mkdir %s: %s", path, strerror(errno));
	snprintf(path2, sizeof(path2), "%s/inner", path);
	fd = open(path2, O_WRONLY | O_CREAT, 0644);
	CHECK(fd >= 0, "create %s: %s", path2, strerror(errno));
	CHECK_OK(close(fd));
	CHECK_ERRNO(rmdir(path), ENOTEMPTY);
	CHECK_OK(unlink(path2));
	CHECK_OK(rmdir(path));
	CHECK_ERRNO(stat(path, &st), ENOENT);
	return 0;
}
