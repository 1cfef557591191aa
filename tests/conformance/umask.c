/* umask(2): returns the previous mask, only the 0777 bits count, and the
 * mask clears permission bits of files and directories made by open and
 * mkdir (but not chmod's, and not symlinks', which are always 0777). */
#define _GNU_SOURCE
#include <fcntl.h>
#include <sys/stat.h>
#include "check.h"

static char dir[] = "/tmp/cvt.XXXXXX";
static int dfd;

static mode_t perm(const char *name)
{
	struct stat st;
	CHECK(fstatat(dfd, name, &st, AT_SYMLINK_NOFOLLOW) == 0, "stat %s: %s",
	      name, strerror(errno));
	return st.st_mode & 07777;
}

int main(void)
{
	umask(022);
	CHECK(umask(077) == 022, "umask did not return the previous mask");
	CHECK(umask(077) == 077, "second umask");
	/* Bits outside 0777 are dropped. */
	umask(07777);
	CHECK(umask(022) == 0777, "umask kept bits above 0777");

	CHECK(mkdtemp(dir), "mkdtemp: %s", strerror(errno));
	dfd = open(dir, O_RDONLY | O_DIRECTORY);
	CHECK(dfd >= 0, "open dir");

	umask(027);
	CHECK_OK(close(openat(dfd, "f", O_WRONLY | O_CREAT, 0777)));
	CHECK(perm("f") == 0750, "file: %#o, want 0750", (unsigned)perm("f"));
	CHECK_OK(mkdirat(dfd, "d", 0777));
	CHECK(perm("d") == 0750, "dir: %#o, want 0750", (unsigned)perm("d"));
	/* Special bits pass through mkdir's mask (sticky) untouched. */
	CHECK_OK(mkdirat(dfd, "s", 01777));
	CHECK(perm("s") == 01750, "sticky dir: %#o", (unsigned)perm("s"));

	/* The mask applies only at creation: chmod sets what it is told,
	 * and an existing file opened with O_CREAT keeps its mode. */
	CHECK_OK(fchmodat(dfd, "f", 0777, 0));
	CHECK(perm("f") == 0777, "chmod is masked: %#o", (unsigned)perm("f"));
	umask(0777);
	CHECK_OK(close(openat(dfd, "f", O_WRONLY | O_CREAT, 0600)));
	CHECK(perm("f") == 0777, "O_CREAT on an existing file changed its mode");
	/* A full mask makes a mode-0 file, which root can still open. */
	int fd = openat(dfd, "z", O_RDWR | O_CREAT, 0666);
	CHECK(fd >= 0 && perm("z") == 0, "mask 0777: %#o", (unsigned)perm("z"));
	CHECK(write(fd, "x", 1) == 1, "write through the creating fd");
	CHECK_OK(close(fd));
	/* Symlinks ignore the mask. */
	CHECK_OK(symlinkat("f", dfd, "l"));
	CHECK(perm("l") == 0777, "symlink mode %#o", (unsigned)perm("l"));

	umask(022);
	CHECK_OK(unlinkat(dfd, "l", 0));
	CHECK_OK(unlinkat(dfd, "z", 0));
	CHECK_OK(unlinkat(dfd, "f", 0));
	CHECK_OK(unlinkat(dfd, "d", AT_REMOVEDIR));
	CHECK_OK(unlinkat(dfd, "s", AT_REMOVEDIR));
	CHECK_OK(close(dfd));
	CHECK_OK(rmdir(dir));
	return 0;
}
