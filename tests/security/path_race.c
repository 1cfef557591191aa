/*
 * Symlink and rename races on the path walk (issue 12: "symlink and rename
 * races", kept as a regression test).  The sentry walks every path itself,
 * one component at a time with O_NOFOLLOW (DESIGN.md §4): a component that
 * turns from a directory into a symlink between two steps must be followed
 * in the sandbox's view, never by the host.
 *
 *   path_race [--reads] DIR SECRET_INO TARGET...
 *
 * In DIR (a host-backed directory: a --rw directory of cvisor do, or the
 * rootfs of an OCI container) it makes d/ (a directory holding "secret",
 * which reads "inside") and, for each TARGET in turn, a symlink to it (to
 * "/", to the outside directory by a relative path that climbs out of DIR,
 * by its absolute host path: that one last).  A swapper thread swaps d and
 * the symlink (renameat2 RENAME_EXCHANGE), again and again, while two
 * workers go through
 * d/SUFFIX/secret (SUFFIX: the rest of the outside directory's absolute
 * path when TARGET is "/", else nothing): open and read "secret", stat
 * it, link to it, create "created" and write to it, mkdir, and rename a
 * file of DIR to "planted".
 *
 * The outside directory holds a file "secret" whose inode number is
 * SECRET_INO.  The caller checks on the host that nothing there was
 * written, created, moved or removed.  The program fails (ESCAPE line, exit
 * 1) if a stat saw SECRET_INO, or, with --reads (a sandbox that does not
 * see the host's files at all), if a read returned anything but "inside".
 * It fails (exit 2) if the race never let a worker through the directory.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define OPS 1500

static const char *dir;
static char suffix[1024];
static unsigned long secret_ino;
static int reads_are_escapes;
static volatile int stop;
static int escapes, inside;
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;

static void path(char *buf, size_t n, const char *a, const char *b)
{
	snprintf(buf, n, "%s/%s%s%s", dir, a, b ? "/" : "", b ? b : "");
}

static void escape(const char *what, const char *detail)
{
	pthread_mutex_lock(&lock);
	printf("ESCAPE %s: %s\n", what, detail);
	escapes++;
	pthread_mutex_unlock(&lock);
}

/* d: a directory, then the symlink, then the directory... (always there) */
static void *swapper(void *arg)
{
	char d[4096], dl[4096];

	(void)arg;
	path(d, sizeof(d), "d", NULL);
	path(dl, sizeof(dl), "d.link", NULL);
	while (!stop) {
		if (renameat2(AT_FDCWD, d, AT_FDCWD, dl, RENAME_EXCHANGE)) {
			perror("renameat2");
			exit(2);
		}
		sched_yield();
	}
	return NULL;
}

static void one_round(void)
{
	char secret[4096], created[4096], newdir[4096], stolen[4096], buf[64];
	char mine[4096], planted[4096];
	struct stat st;
	ssize_t n;
	int fd;

	snprintf(secret, sizeof(secret), "%s/d%s/secret", dir, suffix);
	snprintf(created, sizeof(created), "%s/d%s/created", dir, suffix);
	snprintf(newdir, sizeof(newdir), "%s/d%s/newdir", dir, suffix);
	snprintf(stolen, sizeof(stolen), "%s/stolen.%d", dir, gettid());
	snprintf(mine, sizeof(mine), "%s/mine.%d", dir, gettid());
	snprintf(planted, sizeof(planted), "%s/d%s/planted", dir, suffix);

	fd = open(secret, O_RDONLY);
	if (fd >= 0) {
		n = read(fd, buf, sizeof(buf) - 1);
		close(fd);
		buf[n > 0 ? n : 0] = 0;
		buf[strcspn(buf, "\n")] = 0;
		if (!strcmp(buf, "inside")) {
			__atomic_add_fetch(&inside, 1, __ATOMIC_RELAXED);
		} else if (reads_are_escapes) {
			escape("read", buf);
		}
	}
	if (stat(secret, &st) == 0 && st.st_ino == secret_ino)
		escape("stat", "the outside file's inode");
	fd = open(created, O_WRONLY | O_CREAT, 0644);
	if (fd >= 0) {
		if (write(fd, "written from the sandbox\n", 25) < 0)
			perror("write");
		close(fd);
		unlink(created);
	}
	if (mkdir(newdir, 0755) == 0)
		rmdir(newdir);
	/* a hard link to the outside file, a file moved into it */
	if (link(secret, stolen) == 0)
		unlink(stolen);
	fd = open(mine, O_WRONLY | O_CREAT, 0644);
	if (fd >= 0)
		close(fd);
	if (rename(mine, planted))
		unlink(mine);
}

static void *worker(void *arg)
{
	(void)arg;
	for (int i = 0; i < OPS; i++)
		one_round();
	return NULL;
}

static int setup(const char *target)
{
	char p[4096];
	FILE *f;

	path(p, sizeof(p), "d", NULL);
	if (mkdir(p, 0755) && errno != EEXIST)
		return -1;
	path(p, sizeof(p), "d", "secret");
	f = fopen(p, "w");
	if (!f)
		return -1;
	fputs("inside\n", f);
	fclose(f);
	path(p, sizeof(p), "d.link", NULL);
	unlink(p);
	return symlink(target, p);
}

/* Put the directory back at d (never remove through the symlink). */
static void cleanup(void)
{
	static const char *const left[] = { "created", "planted", "secret" };
	char d[4096], dl[4096], p[4096];
	struct stat st;

	path(d, sizeof(d), "d", NULL);
	path(dl, sizeof(dl), "d.link", NULL);
	if (lstat(d, &st) == 0 && S_ISLNK(st.st_mode))
		renameat2(AT_FDCWD, d, AT_FDCWD, dl, RENAME_EXCHANGE);
	unlink(dl);
	path(p, sizeof(p), "d", "newdir");
	rmdir(p);
	for (size_t i = 0; i < sizeof(left) / sizeof(left[0]); i++) {
		path(p, sizeof(p), "d", left[i]);
		unlink(p);
	}
	rmdir(d);
}

int main(int argc, char **argv)
{
	int a = 1;

	setvbuf(stdout, NULL, _IOLBF, 0);
	if (a < argc && !strcmp(argv[a], "--reads")) {
		reads_are_escapes = 1;
		a++;
	}
	if (argc - a < 3) {
		fprintf(stderr, "usage: %s [--reads] DIR SECRET_INO TARGET...\n", argv[0]);
		return 2;
	}
	dir = argv[a++];
	secret_ino = strtoul(argv[a++], NULL, 10);
	for (; a < argc; a++) {
		const char *target = argv[a];
		pthread_t s, w[2];
		int before = inside;

		/* through "/", climb to the outside directory by its full path */
		snprintf(suffix, sizeof(suffix), "%s", !strcmp(target, "/") ? argv[argc - 1] : "");
		if (setup(target)) {
			perror("setup");
			return 2;
		}
		stop = 0;
		pthread_create(&s, NULL, swapper, NULL);
		pthread_create(&w[0], NULL, worker, NULL);
		pthread_create(&w[1], NULL, worker, NULL);
		pthread_join(w[0], NULL);
		pthread_join(w[1], NULL);
		stop = 1;
		pthread_join(s, NULL);
		cleanup();
		printf("target %s: %d reads through the directory\n", target, inside - before);
	}
	if (!inside) {
		printf("the race never let a worker through the directory\n");
		return 2;
	}
	printf("%d escapes\n", escapes);
	return escapes ? 1 : 0;
}
