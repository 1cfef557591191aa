/* openat2(2) resolve flags: RESOLVE_BENEATH refuses to escape dirfd
 * (EXDEV), RESOLVE_NO_SYMLINKS refuses any symlink (ELOOP), RESOLVE_IN_ROOT
 * treats dirfd as "/" (".." clamps, absolute symlinks stay inside), and
 * the struct/flag validation errors. Magic links: openat2_magic.c. */
#define _GNU_SOURCE
#include <fcntl.h>
#include <linux/openat2.h>
#include <sys/stat.h>
#include "check.h"

static char dir[] = "/tmp/cvt.XXXXXX";
static int dfd;

static long o2(int fd, const char *path, unsigned long long flags,
	       unsigned long long resolve)
{
	struct open_how how = { .flags = flags, .resolve = resolve };
	return syscall(SYS_openat2, fd, path, &how, sizeof(how));
}

/* path opened under resolve must be dir/f (ino of f). */
static void opens_f(const char *path, unsigned long long resolve, ino_t ino)
{
	struct stat st;
	long fd = o2(dfd, path, O_RDONLY, resolve);
	CHECK(fd >= 0, "openat2(%s, %#llx): %s", path, resolve, strerror(errno));
	CHECK(fstat(fd, &st) == 0 && st.st_ino == ino, "%s: wrong file", path);
	close(fd);
}

int main(void)
{
	struct stat st;

	CHECK(mkdtemp(dir), "mkdtemp: %s", strerror(errno));
	dfd = open(dir, O_RDONLY | O_DIRECTORY);
	CHECK(dfd >= 0, "open dir");
	int fd = openat(dfd, "f", O_RDWR | O_CREAT, 0644);
	CHECK(fd >= 0 && fstat(fd, &st) == 0, "create f");
	close(fd);
	CHECK_OK(mkdirat(dfd, "sub", 0755));
	CHECK_OK(symlinkat("../f", dfd, "sub/up"));  /* escapes sub, not dir */
	CHECK_OK(symlinkat("/f", dfd, "abs"));       /* absolute */
	CHECK_OK(symlinkat("..", dfd, "dotdot"));    /* escapes dir */

	/* Plain openat2 with resolve 0 behaves like openat. */
	opens_f("sub/../f", 0, st.st_ino);

	/* RESOLVE_BENEATH: staying inside is fine, even via "..". */
	opens_f("sub/../f", RESOLVE_BENEATH, st.st_ino);
	opens_f("sub/up", RESOLVE_BENEATH, st.st_ino);
	CHECK_ERRNO(o2(dfd, "..", O_RDONLY, RESOLVE_BENEATH), EXDEV);
	CHECK_ERRNO(o2(dfd, "sub/../../x", O_RDONLY, RESOLVE_BENEATH), EXDEV);
	CHECK_ERRNO(o2(dfd, "/etc", O_RDONLY, RESOLVE_BENEATH), EXDEV);
	CHECK_ERRNO(o2(dfd, "abs", O_RDONLY, RESOLVE_BENEATH), EXDEV);
	CHECK_ERRNO(o2(dfd, "dotdot/x", O_RDONLY, RESOLVE_BENEATH), EXDEV);

	/* RESOLVE_NO_SYMLINKS: any symlink, last or intermediate. */
	CHECK_ERRNO(o2(dfd, "sub/up", O_RDONLY, RESOLVE_NO_SYMLINKS), ELOOP);
	CHECK_ERRNO(o2(dfd, "dotdot/x", O_RDONLY, RESOLVE_NO_SYMLINKS), ELOOP);
	opens_f("sub/../f", RESOLVE_NO_SYMLINKS, st.st_ino);

	/* RESOLVE_IN_ROOT: dir is "/" for this lookup. */
	opens_f("/f", RESOLVE_IN_ROOT, st.st_ino);
	opens_f("../../../f", RESOLVE_IN_ROOT, st.st_ino);
	opens_f("abs", RESOLVE_IN_ROOT, st.st_ino);
	opens_f("dotdot/dotdot/f", RESOLVE_IN_ROOT, st.st_ino);
	/* /etc/passwd exists on the host, but not inside dir. */
	CHECK_ERRNO(o2(dfd, "/etc/passwd", O_RDONLY, RESOLVE_IN_ROOT), ENOENT);

	/* Validation. */
	struct open_how how = { .flags = O_RDONLY };
	CHECK_ERRNO(syscall(SYS_openat2, dfd, "f", &how, 8), EINVAL);
	CHECK_ERRNO(syscall(SYS_openat2, dfd, "f", KERNEL_PTR, sizeof(how)), EFAULT);
	char big[64] = { 0 };
	memcpy(big, &how, sizeof(how));
	big[40] = 1; /* unknown trailing field set */
	CHECK_ERRNO(syscall(SYS_openat2, dfd, "f", big, sizeof(big)), E2BIG);
	big[40] = 0; /* ...but zeroes there are fine */
	fd = syscall(SYS_openat2, dfd, "f", big, sizeof(big));
	CHECK(fd >= 0, "larger zero-padded open_how: %s", strerror(errno));
	close(fd);
	CHECK_ERRNO(o2(dfd, "f", O_RDONLY, 1ULL << 40), EINVAL);
	CHECK_ERRNO(o2(dfd, "f", O_RDONLY, RESOLVE_BENEATH | RESOLVE_IN_ROOT), EINVAL);
	CHECK_ERRNO(o2(dfd, "f", 1ULL << 40, 0), EINVAL); /* unknown O_ bit */
	how = (struct open_how){ .flags = O_RDONLY, .mode = 0644 };
	CHECK_ERRNO(syscall(SYS_openat2, dfd, "f", &how, sizeof(how)), EINVAL);

	CHECK_OK(unlinkat(dfd, "dotdot", 0));
	CHECK_OK(unlinkat(dfd, "abs", 0));
	CHECK_OK(unlinkat(dfd, "sub/up", 0));
	CHECK_OK(unlinkat(dfd, "sub", AT_REMOVEDIR));
	CHECK_OK(unlinkat(dfd, "f", 0));
	CHECK_OK(close(dfd));
	CHECK_OK(rmdir(dir));
	return 0;
}
