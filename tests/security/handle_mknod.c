/*
 * File handles and device nodes, the ways around the path walk (issue 12:
 * "open_by_handle_at", "mknod of a host disk", kept as regression tests).
 *
 *   handle_mknod MAJOR MINOR DIR...
 *
 * name_to_handle_at and open_by_handle_at (the "shocker" escape: a handle
 * made up for inode 2, the root of the host's file system, opened against
 * any directory) must fail without reaching the host: the sentry has no
 * file handles (ESTALE, Linux's answer on a file system without export
 * operations, for a caller with CAP_DAC_READ_SEARCH; EPERM without it;
 * ENOSYS and EOPNOTSUPP would be refusals too).
 * Then, in each DIR, mknod of a block device with the host disk's numbers
 * MAJOR:MINOR (and of a character device with /dev/mem's), and an open and
 * read of it, if it was made, must give nothing of the device; /dev/vda, /dev/sda and /dev/nvme0n1 must not be
 * there to open.  The caller checks on the host that no device node
 * appeared in a host-backed DIR.
 *
 * One line per attempt, "ok WHAT: ERROR", or "FAIL WHAT: ..."; "done N".
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <unistd.h>

static int fails, tries;

static void refused(const char *what, long ret, const int *ok_errnos)
{
	tries++;
	if (ret >= 0) {
		printf("FAIL %s: returned %ld\n", what, ret);
		fails++;
		return;
	}
	for (const int *e = ok_errnos; *e; e++)
		if (errno == *e) {
			printf("ok %s: %s\n", what, strerror(errno));
			return;
		}
	printf("FAIL %s: %s, not a refusal\n", what, strerror(errno));
	fails++;
}

/* A device node that exists must still give nothing of the disk. */
static void open_device(const char *what, const char *path)
{
	static const int no_device[] = { ENOENT, ENXIO, EPERM, EACCES, ENODEV, EROFS, 0 };
	char buf[512];
	int fd = open(path, O_RDONLY);

	if (fd < 0) {
		refused(what, fd, no_device);
		return;
	}
	tries++;
	ssize_t n = read(fd, buf, sizeof(buf));
	close(fd);
	if (n > 0) {
		printf("FAIL %s: read %zd bytes of the device\n", what, n);
		fails++;
	} else {
		printf("ok %s: opened, read %zd (%s)\n", what, n, n < 0 ? strerror(errno) : "");
	}
}

/* mknod DIR/NAME; if the sandbox made it, opening it must give nothing. */
static void try_mknod(const char *dir, const char *name, mode_t type, unsigned maj,
		      unsigned min)
{
	static const int no_mknod[] = { EPERM, EACCES, EROFS, EOPNOTSUPP, ENOSYS, 0 };
	char p[4096], what[4200];
	long r;

	snprintf(p, sizeof(p), "%s/%s", dir, name);
	unlink(p);
	r = syscall(SYS_mknodat, AT_FDCWD, p, type | 0600, makedev(maj, min));
	snprintf(what, sizeof(what), "mknod %s %c %u %u", p, type == S_IFBLK ? 'b' : 'c',
		 maj, min);
	if (r) {
		refused(what, r, no_mknod);
		return;
	}
	printf("ok %s: made (a node of the sandbox's)\n", what);
	snprintf(what, sizeof(what), "open %s", p);
	open_device(what, p);
	unlink(p);
}

int main(int argc, char **argv)
{
	static const int no_handles[] = { ESTALE, ENOSYS, EPERM, EOPNOTSUPP, 0 };
	struct {
		unsigned int bytes;
		int type;
		unsigned char f[128];
	} fh = { .bytes = 8, .type = 1 /* FILEID_INO32_GEN */ };
	int mount_id, dirfd;

	setvbuf(stdout, NULL, _IOLBF, 0);
	if (argc < 4) {
		fprintf(stderr, "usage: %s MAJOR MINOR DIR...\n", argv[0]);
		return 2;
	}
	unsigned maj = (unsigned)atoi(argv[1]), min = (unsigned)atoi(argv[2]);

	fh.bytes = 128;
	refused("name_to_handle_at /", syscall(SYS_name_to_handle_at, AT_FDCWD, "/", &fh,
						  &mount_id, 0), no_handles);
	refused("name_to_handle_at /proc/self/exe",
		syscall(SYS_name_to_handle_at, AT_FDCWD, "/proc/self/exe", &fh, &mount_id,
			AT_SYMLINK_FOLLOW), no_handles);
	/* the shocker handle: inode 2, generation 0 */
	memset(&fh, 0, sizeof(fh));
	fh.bytes = 8;
	fh.type = 1;
	fh.f[0] = 2;
	dirfd = open("/", O_RDONLY | O_DIRECTORY);
	refused("open_by_handle_at(/, inode 2)",
		syscall(SYS_open_by_handle_at, dirfd, &fh, O_RDONLY), no_handles);
	refused("open_by_handle_at(AT_FDCWD, inode 2)",
		syscall(SYS_open_by_handle_at, AT_FDCWD, &fh, O_RDONLY | O_DIRECTORY), no_handles);

	for (int a = 3; a < argc; a++) {
		try_mknod(argv[a], "disk", S_IFBLK, maj, min);
		try_mknod(argv[a], "mem", S_IFCHR, 1, 1);      /* /dev/mem's numbers */
	}
	open_device("open /dev/vda", "/dev/vda");
	open_device("open /dev/sda", "/dev/sda");
	open_device("open /dev/nvme0n1", "/dev/nvme0n1");
	open_device("open /dev/mem", "/dev/mem");
	printf("done %d\n", tries);
	return fails ? 1 : 0;
}
