/*
 * Ways out of the root through /proc and "..", kept as a regression test
 * (issue 12: "/proc/PID/root", /proc/PID/cwd, /proc/self/fd/N, /proc/1/root/..,
 * openat through them, ".." past the root).  Run under `cvisor do --root R`
 * (or in a container) where R/marker reads "inside" and the host's R/../marker
 * reads anything else: every path below must give "inside" or fail.
 *
 *   proc_root
 *
 * One line per path, "ok PATH: inside" or "ok PATH: ERROR"; "ESCAPE PATH:
 * TEXT" when a read returned something else; then "done N".  Exit 1 on an
 * escape, 2 if the paths that must work inside the root did not.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

static int escapes, insides, tries;

/* Read what fd holds: "inside", or the error. */
static void check_fd(const char *what, int fd)
{
	char buf[256];
	ssize_t n;

	tries++;
	if (fd < 0) {
		printf("ok %s: %s\n", what, strerror(errno));
		return;
	}
	n = pread(fd, buf, sizeof(buf) - 1, 0);
	close(fd);
	if (n < 0) {
		printf("ok %s: read: %s\n", what, strerror(errno));
		return;
	}
	buf[n] = 0;
	buf[strcspn(buf, "\n")] = 0;
	if (!strcmp(buf, "inside")) {
		printf("ok %s: inside\n", what);
		insides++;
	} else {
		printf("ESCAPE %s: %s\n", what, buf);
		escapes++;
	}
}

static void check_path(const char *p)
{
	check_fd(p, open(p, O_RDONLY));
}

static void check_at(const char *dir, int flags, const char *rel)
{
	char what[512];
	int d = open(dir, flags);

	snprintf(what, sizeof(what), "openat(%s%s, %s)", dir,
		 flags & O_PATH ? " O_PATH" : "", rel);
	if (d < 0) {
		tries++;
		printf("ok %s: open dir: %s\n", what, strerror(errno));
		return;
	}
	check_fd(what, openat(d, rel, O_RDONLY));
	close(d);
}

/* The value of a magic link: "/" for every root and cwd here. */
static void check_link(const char *p)
{
	char buf[4096];
	ssize_t n = readlink(p, buf, sizeof(buf) - 1);

	tries++;
	if (n < 0) {
		printf("ok readlink %s: %s\n", p, strerror(errno));
		return;
	}
	buf[n] = 0;
	if (strcmp(buf, "/")) {
		printf("ESCAPE readlink %s: %s\n", p, buf);
		escapes++;
	} else {
		printf("ok readlink %s: /\n", p);
	}
}

int main(void)
{
	static const char *const paths[] = {
		"/marker", "/../marker", "/../../../../../marker", "../../../../marker",
		"/proc/self/root/marker", "/proc/self/root/../marker",
		"/proc/1/root/../marker", "/proc/1/root/../../../marker",
		"/proc/self/root/proc/self/root/../marker",
		"/proc/self/cwd/../marker", "/proc/1/cwd/../../marker",
		"/proc/self/task/1/root/../marker", "/proc/thread-self/root/../marker",
		"/dev/../../marker", "/proc/../../marker", "/sys/../../marker",
	};
	char p[256];
	int root, rootpath, file, w;

	setvbuf(stdout, NULL, _IOLBF, 0);
	if (chdir("/"))
		return 2;
	for (size_t i = 0; i < sizeof(paths) / sizeof(paths[0]); i++)
		check_path(paths[i]);

	check_at("/", O_RDONLY | O_DIRECTORY, "../marker");
	check_at("/", O_PATH, "../../marker");
	check_at("/proc/self/root", O_RDONLY | O_DIRECTORY, "../marker");
	check_at("/proc/1/root", O_PATH, "../../marker");
	check_at("/proc/self/cwd", O_PATH, "../marker");
	check_at("/proc", O_RDONLY | O_DIRECTORY, "../../marker");

	/* through /proc/self/fd: a directory's and a host-backed file's */
	root = open("/", O_RDONLY | O_DIRECTORY);
	rootpath = open("/", O_PATH);
	file = open("/marker", O_RDONLY);
	snprintf(p, sizeof(p), "/proc/self/fd/%d/../marker", root);
	check_path(p);
	snprintf(p, sizeof(p), "/proc/self/fd/%d/../../marker", rootpath);
	check_path(p);
	snprintf(p, sizeof(p), "/proc/self/fd/%d", file);
	check_path(p);
	snprintf(p, sizeof(p), "/proc/self/fd/%d/../marker", file);
	check_path(p);
	snprintf(p, sizeof(p), "/proc/1/fd/%d/../../marker", root);
	check_path(p);

	/* fchdir to the root, then climb */
	if (fchdir(root) == 0) {
		for (int i = 0; i < 8; i++)
			if (chdir(".."))
				break;
		check_path("marker");
		check_link("/proc/self/cwd");
		if (chdir("/"))
			return 2;
	}
	check_link("/proc/self/root");
	check_link("/proc/1/root");
	check_link("/proc/1/cwd");

	/* the classic chroot escape, if chroot exists here */
	mkdir("/tmp", 0755);
	mkdir("/tmp/jail", 0755);
	if (syscall(SYS_chroot, "/tmp/jail") == 0) {
		for (int i = 0; i < 8; i++)
			if (chdir(".."))
				break;
		if (syscall(SYS_chroot, ".") == 0)
			check_path("/marker");
		else
			printf("ok chroot escape: second chroot: %s\n", strerror(errno));
	} else {
		printf("ok chroot: %s\n", strerror(errno));
	}

	/* last: a re-open for writing: lands in the sandbox's copy, never on R */
	snprintf(p, sizeof(p), "/proc/self/fd/%d", file);
	w = open(p, O_WRONLY);
	if (w >= 0) {
		if (write(w, "written through /proc/self/fd\n", 30) < 0)
			perror("write");
		close(w);
	}
	printf("done %d\n", tries);
	if (escapes)
		return 1;
	return insides >= 3 ? 0 : 2;
}
