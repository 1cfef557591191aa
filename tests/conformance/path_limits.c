/* Path resolution limits: ".." at the root stays at the root; a 255-byte
 * component is fine but 256 is ENAMETOOLONG; a 4095-byte path is fine
 * but 4096 (no room for the NUL in PATH_MAX) is ENAMETOOLONG; a path
 * pointer that is wild, or runs off the end of mapped memory, is EFAULT. */
#define _GNU_SOURCE
#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include "check.h"

static char dir[] = "/tmp/cvt.XXXXXX";

static void same_as_root(const char *path, const struct stat *root)
{
	struct stat st;
	CHECK(stat(path, &st) == 0, "stat %s: %s", path, strerror(errno));
	CHECK(st.st_ino == root->st_ino && st.st_dev == root->st_dev,
	      "%s is not / (ino %lu vs %lu)", path, (unsigned long)st.st_ino,
	      (unsigned long)root->st_ino);
}

int main(void)
{
	static char path[8192];
	struct stat root, st;

	CHECK(stat("/", &root) == 0, "stat /");
	same_as_root("/..", &root);
	same_as_root("/../../..", &root);
	same_as_root("/tmp/../..", &root);
	CHECK_OK(chdir("/"));
	same_as_root("..", &root);
	int rfd = open("/", O_RDONLY | O_DIRECTORY);
	CHECK(rfd >= 0 && fstatat(rfd, "..", &st, 0) == 0 && st.st_ino == root.st_ino,
	      "openat(/, ..)");
	CHECK_OK(close(rfd));

	CHECK(mkdtemp(dir), "mkdtemp: %s", strerror(errno));
	/* Component length: 255 ok, 256 too long, also for lookups. */
	int n = snprintf(path, sizeof(path), "%s/", dir);
	memset(path + n, 'c', 255);
	path[n + 255] = 0;
	int fd = open(path, O_RDWR | O_CREAT, 0644);
	CHECK(fd >= 0, "255-byte name: %s", strerror(errno));
	CHECK_OK(close(fd));
	CHECK_OK(unlink(path));
	path[n + 255] = 'c';
	path[n + 256] = 0;
	CHECK_ERRNO(open(path, O_RDWR | O_CREAT, 0644), ENAMETOOLONG);
	CHECK_ERRNO(stat(path, &st), ENAMETOOLONG);
	CHECK_ERRNO(mkdir(path, 0755), ENAMETOOLONG);
	/* Even as an intermediate component of a missing path. */
	strcat(path, "/x");
	CHECK_ERRNO(stat(path, &st), ENAMETOOLONG);

	/* Whole-path length: "/" + "./" * 2045 + "/tmp" is 4095 bytes. */
	memset(path, 0, sizeof(path));
	path[0] = '/';
	for (int i = 0; i < 2045; i++)
		memcpy(path + 1 + 2 * i, "./", 2);
	strcat(path, "/tmp");
	CHECK(strlen(path) == 4095, "built %zu bytes", strlen(path));
	CHECK(stat(path, &st) == 0 && S_ISDIR(st.st_mode), "4095-byte path: %s",
	      strerror(errno));
	memmove(path + 1, path, 4096); /* one more '/' in front: 4096 bytes */
	CHECK_ERRNO(stat(path, &st), ENAMETOOLONG);
	memset(path, '/', 6000);
	path[6000] = 0;
	CHECK_ERRNO(open(path, O_RDONLY), ENAMETOOLONG);

	/* Bad path pointers. */
	CHECK_ERRNO(syscall(SYS_stat, KERNEL_PTR, &st), EFAULT);
	CHECK_ERRNO(syscall(SYS_open, (void *)1, O_RDONLY), EFAULT);
	CHECK_ERRNO(syscall(SYS_mkdir, NULL, 0755), EFAULT);
	/* A string with no NUL before an unmapped page. */
	char *pg = mmap(NULL, 2 * PAGE, PROT_READ | PROT_WRITE,
			MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	CHECK(pg != MAP_FAILED && munmap(pg + PAGE, PAGE) == 0, "mmap");
	memset(pg, '/', PAGE);
	CHECK_ERRNO(stat(pg + PAGE - 10, &st), EFAULT);
	pg[PAGE - 1] = 0; /* now terminated: a valid "/////////" */
	CHECK(stat(pg + PAGE - 10, &st) == 0 && st.st_ino == root.st_ino,
	      "terminated path at a page end");

	CHECK_OK(rmdir(dir));
	return 0;
}
