/* statx(2): the basic fields agree with stat(2), the mask reports what
 * was filled, AT_EMPTY_PATH / AT_SYMLINK_NOFOLLOW work, and reserved mask
 * bits or contradictory sync flags are EINVAL. */
#define _GNU_SOURCE
#include <fcntl.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include "check.h"

static char dir[] = "/tmp/cvt.XXXXXX";

int main(void)
{
	char path[512], link[512];
	struct stat st;
	struct statx sx;

	CHECK(mkdtemp(dir), "mkdtemp: %s", strerror(errno));
	snprintf(path, sizeof(path), "%s/f", dir);
	snprintf(link, sizeof(link), "%s/l", dir);
	int fd = open(path, O_RDWR | O_CREAT, 0600);
	CHECK(fd >= 0 && write(fd, "abcdefg", 7) == 7, "create");
	CHECK_OK(symlink("f", link));
	CHECK_OK(stat(path, &st));

	memset(&sx, 0xa5, sizeof(sx));
	CHECK(statx(AT_FDCWD, path, 0, STATX_BASIC_STATS, &sx) == 0, "statx: %s",
	      strerror(errno));
	CHECK((sx.stx_mask & STATX_BASIC_STATS) == STATX_BASIC_STATS,
	      "stx_mask %#x lacks basic stats", sx.stx_mask);
	CHECK(sx.stx_size == 7 && sx.stx_ino == st.st_ino &&
		      sx.stx_mode == st.st_mode && sx.stx_nlink == st.st_nlink &&
		      sx.stx_uid == st.st_uid && sx.stx_gid == st.st_gid,
	      "statx fields disagree with stat");
	CHECK(makedev(sx.stx_dev_major, sx.stx_dev_minor) == st.st_dev,
	      "device number");
	CHECK(sx.stx_mtime.tv_sec == st.st_mtim.tv_sec &&
		      sx.stx_mtime.tv_nsec == (unsigned)st.st_mtim.tv_nsec,
	      "mtime");
	CHECK(sx.stx_blksize > 0, "stx_blksize 0");

	/* Through an fd, and on the link itself. */
	CHECK(statx(fd, "", AT_EMPTY_PATH, STATX_INO, &sx) == 0 &&
		      sx.stx_ino == st.st_ino,
	      "AT_EMPTY_PATH: %s", strerror(errno));
	CHECK(statx(AT_FDCWD, link, 0, STATX_TYPE, &sx) == 0 &&
		      S_ISREG(sx.stx_mode),
	      "statx follows links");
	CHECK(statx(AT_FDCWD, link, AT_SYMLINK_NOFOLLOW, STATX_TYPE | STATX_SIZE,
		    &sx) == 0 &&
		      S_ISLNK(sx.stx_mode) && sx.stx_size == 1,
	      "AT_SYMLINK_NOFOLLOW");
	/* mask 0 is legal (caller wants nothing in particular). */
	CHECK(statx(AT_FDCWD, path, 0, 0, &sx) == 0, "mask 0");
	/* The sync hints are accepted. */
	CHECK(statx(AT_FDCWD, path, AT_STATX_DONT_SYNC, STATX_SIZE, &sx) == 0,
	      "AT_STATX_DONT_SYNC");

	CHECK_ERRNO(statx(AT_FDCWD, path, 0, 0x80000000U, &sx), EINVAL);
	CHECK_ERRNO(statx(AT_FDCWD, path, AT_STATX_FORCE_SYNC | AT_STATX_DONT_SYNC,
			  STATX_SIZE, &sx), EINVAL);
	CHECK_ERRNO(statx(AT_FDCWD, path, 0x40000000, STATX_SIZE, &sx), EINVAL);
	CHECK_ERRNO(statx(AT_FDCWD, "/nonexistent/x", 0, STATX_SIZE, &sx), ENOENT);
	CHECK_ERRNO(statx(AT_FDCWD, "", 0, STATX_SIZE, &sx), ENOENT);
	CHECK_ERRNO(statx(4321, "", AT_EMPTY_PATH, STATX_SIZE, &sx), EBADF);
	CHECK_ERRNO(syscall(SYS_statx, AT_FDCWD, path, 0, STATX_SIZE, KERNEL_PTR),
		    EFAULT);

	CHECK_OK(close(fd));
	CHECK_OK(unlink(link));
	CHECK_OK(unlink(path));
	CHECK_OK(rmdir(dir));
	return 0;
}
