/* SPDX-License-Identifier: MIT */
/*
 * The sandbox's cgroup (see cgroup.h): its directories in each hierarchy,
 * the record of which levels create made, their removal, and the freezer.
 * What is written to the files is cgroup_res.c's.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "pathname.h"
#include "sandbox/cgroup_internal.h"
#include "sandbox/pidfd.h"

int cg_write_at(int dir, const char *file, const char *val)
{
	int fd = openat(dir, file, O_WRONLY | O_NOFOLLOW | O_CLOEXEC);
	ssize_t n;

	if (fd < 0)
		return -errno;
	n = write(fd, val, strlen(val));
	close(fd);
	return n < 0 ? -errno : 0;
}

ssize_t cg_read_at(int dir, const char *file, char *buf, size_t len)
{
	int fd = openat(dir, file, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	ssize_t n;

	if (fd < 0)
		return -errno;
	n = read(fd, buf, len - 1);
	close(fd);
	buf[n > 0 ? n : 0] = 0;
	return n;
}

void cg_why(struct cgroup *cg, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(cg->why, sizeof(cg->why), fmt, ap);
	va_end(ap);
}

/*
 * The next name of a cgroup path (path_next_name), where "." and ".."
 * are -EINVAL: they would leave the directory being walked.
 */
static int next_name(const char **p, char *name)
{
	int n = path_next_name(p, name);

	if (n > 0 && (!strcmp(name, ".") || !strcmp(name, "..")))
		return -EINVAL;
	return n;
}

/* How far a walk that makes levels got: the levels that were there
 * before the first one it made, and the levels reached (made or not). */
struct walk {
	int existed, depth;
};

/*
 * The cgroup path's directory in the hierarchy mounted at root (with
 * create, made first), opened one name at a time beneath it: no name is
 * "." or "..", none is followed if it is a symlink, so no spelling of the
 * path reaches outside the hierarchy or names its root.  The config
 * parser refuses such paths too; this does not depend on it.  With
 * create, made(parent, dir) runs on each level and *w says which levels
 * this call made, even when it fails half way.  An O_PATH fd or -errno.
 */
static int cg_open(const char *root, const char *path, bool create,
		   void (*made)(int parent, int dir), struct walk *w)
{
	char name[NAME_MAX + 1];
	int fd = open(root, O_PATH | O_DIRECTORY | O_CLOEXEC), next, n = 0, levels = 0, err = 0;
	int first_made = -1;

	if (fd < 0)
		return -errno;
	while (!err && (n = next_name(&path, name)) > 0) {
		if (create && !mkdirat(fd, name, 0755)) {
			if (first_made < 0)
				first_made = levels;
			if (w)
				w->depth = levels + 1;  /* made, even if it cannot be opened */
		} else if (create && errno != EEXIST) {
			err = -errno;
			break;
		}
		next = openat(fd, name, O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		if (next < 0) {
			err = -errno;
			break;
		}
		if (create && made)
			made(fd, next);
		close(fd);
		fd = next;
		levels++;
		if (w)
			w->depth = levels;
	}
	if (w)
		w->existed = first_made < 0 ? w->depth : first_made;
	if (!err)
		err = n < 0 ? n : !levels ? -EINVAL : 0;
	if (err) {
		close(fd);
		return err;
	}
	return fd;
}

int cg_find(const char *root, const char *path)
{
	return cg_open(root, path, false, NULL, NULL);
}

/* Does the v2 hierarchy offer every controller we need? */
const char *cg_v2_root(void)
{
	static const char *roots[] = { CG_ROOT, CG_ROOT "/unified" };
	char buf[512];

	for (size_t i = 0; i < 2; i++) {
		char path[128];
		int fd;
		ssize_t n;

		snprintf(path, sizeof(path), "%s/cgroup.controllers", roots[i]);
		fd = open(path, O_RDONLY | O_CLOEXEC);
		if (fd < 0)
			continue;
		n = read(fd, buf, sizeof(buf) - 1);
		close(fd);
		buf[n > 0 ? n : 0] = 0;
		if (strstr(buf, "memory") && strstr(buf, "pids") && strstr(buf, "cpu"))
			return roots[i];
	}
	return NULL;
}

/* ---- making the cgroup, and the record of what was made ---- */

/*
 * cg->path in the hierarchy at root, made where it is missing; the levels
 * this made are added to cg->made.  An O_PATH fd, or -errno and cg->why.
 */
static int make_in(struct cgroup *cg, const char *root, void (*made)(int parent, int dir))
{
	struct walk w = { 0, 0 };
	int dir = cg_open(root, cg->path, true, made, &w);
	size_t len = strlen(cg->made);

	if (w.existed < w.depth)
		snprintf(cg->made + len, sizeof(cg->made) - len, "%s %d %d\n", root, w.existed,
			 w.depth);
	if (dir < 0)
		cg_why(cg, "%s/%s: %s", root, cg->path, strerror(-dir));
	return dir;
}

static int join(struct cgroup *cg, const char *root, int dir, pid_t pid)
{
	char v[32];
	int err;

	snprintf(v, sizeof(v), "%d", pid);
	err = cg_write_at(dir, "cgroup.procs", v);
	if (err)
		cg_why(cg, "%s/%s/cgroup.procs: cannot write %s: %s", root,
			 cg->path, v, strerror(-err));
	return err;
}

/* cpuset needs cpus and mems before it takes a task: the parent's.  (An
 * empty one reads as "\n".) */
static void cpuset_inherit(int parent, int dir)
{
	static const char *files[] = { "cpuset.cpus", "cpuset.mems" };
	char buf[256];

	for (int i = 0; i < 2; i++)
		if (cg_read_at(dir, files[i], buf, sizeof(buf)) <= 1 &&
		    cg_read_at(parent, files[i], buf, sizeof(buf)) > 0)
			cg_write_at(dir, files[i], buf);
}

static const char *const v1_ctls[] = { "cpu", "cpuacct", "cpuset", "memory", "pids", "blkio",
				       "hugetlb", "devices", "freezer", "net_cls", "net_prio",
				       NULL };

/* v1: the directory in every mounted controller's hierarchy (all) or the
 * freezer's alone, the resources, then pid joins each. */
static int create_v1(struct cgroup *cg, const char *resources, bool all, pid_t pid)
{
	char root[64];
	int err = 0, dir, joined = 0;

	for (int i = 0; v1_ctls[i] && !err; i++) {
		if (!all && strcmp(v1_ctls[i], "freezer"))
			continue;
		snprintf(root, sizeof(root), CG_ROOT "/%s", v1_ctls[i]);
		if (access(root, F_OK))
			continue;
		/* cpuset: every level, top down, from its parent */
		dir = make_in(cg, root, strcmp(v1_ctls[i], "cpuset") ? NULL : cpuset_inherit);
		if (dir < 0)
			err = dir;
		else
			close(dir);
	}
	if (!err && all)
		err = cg_res_v1(cg, resources);
	for (int i = 0; v1_ctls[i] && !err; i++) {
		if (!all && strcmp(v1_ctls[i], "freezer"))
			continue;
		snprintf(root, sizeof(root), CG_ROOT "/%s", v1_ctls[i]);
		if ((dir = cg_find(root, cg->path)) >= 0) {
			err = join(cg, root, dir, pid);
			close(dir);
			joined++;
		}
	}
	return err ? err : joined ? 0 : -EOPNOTSUPP;
}

/* v2: a level's controllers are its parent's subtree_control (a parent
 * with processes of its own refuses: then they stay off). */
static void subtree_enable(int parent, int dir)
{
	(void)dir;
	cg_write_at(parent, "cgroup.subtree_control", "+memory +pids +cpu");
}

static int create_v2(struct cgroup *cg, const char *root, const char *resources, pid_t pid)
{
	int dir = make_in(cg, root, subtree_enable), err;

	if (dir < 0)
		return dir;
	err = cg_res_v2(cg, dir, resources);
	if (!err)
		err = join(cg, root, dir, pid);
	close(dir);
	return err;
}

int cgroup_create(struct cgroup *cg, const char *resources, bool all, pid_t pid)
{
	const char *v2 = cg_v2_root();
	int err;

	cg->made[0] = cg->why[0] = 0;
	if (access(CG_ROOT "/memory", F_OK) == 0)              /* v1 (or hybrid) */
		err = create_v1(cg, resources, all, pid);
	else
		err = v2 ? create_v2(cg, v2, resources, pid) : -EOPNOTSUPP;
	if (err)
		cgroup_destroy(cg->path, cg->made);
	return err;
}

int cgroup_set(struct cgroup *cg, const char *resources)
{
	const char *v2 = cg_v2_root();
	int dir, err;

	cg->why[0] = 0;
	if (access(CG_ROOT "/memory", F_OK) == 0)
		return cg_res_v1(cg, resources);
	if (!v2)
		return -EOPNOTSUPP;
	if ((dir = cg_find(v2, cg->path)) < 0) {
		cg_why(cg, "%s/%s: %s", v2, cg->path, strerror(-dir));
		return dir;
	}
	err = cg_res_v2(cg, dir, resources);
	close(dir);
	return err;
}

/* ---- removal: leaf first, only what was made ---- */

static long ms_left(const struct timespec *deadline)
{
	struct timespec now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	return (deadline->tv_sec - now.tv_sec) * 1000 +
	       (deadline->tv_nsec - now.tv_nsec) / 1000000;
}

#define REMOVE_TIMEOUT_MS 2000

/*
 * Wait until the cgroup dir (an O_PATH fd) has no process left, at most
 * until deadline: on a pidfd of each process cgroup.procs lists, read
 * again once one has exited.  A process leaves the list when its last
 * thread exits, which is when its pidfd becomes readable.
 */
static void wait_empty(int dir, const struct timespec *deadline)
{
	char buf[4096];
	int fds[64];
	long left;

	while ((left = ms_left(deadline)) > 0 &&
	       cg_read_at(dir, "cgroup.procs", buf, sizeof(buf)) > 0) {
		int n = 0, r;

		for (char *p = buf, *end; *p && n < 64; p = end) {
			long pid = strtol(p, &end, 10);

			if (end == p || *end != '\n')
				break;  /* the end, or a line cut off by the buffer */
			end++;
			if ((fds[n] = pidfd_of((pid_t)pid)) >= 0)
				n++;
		}
		/* none opened: they exited between the read and the open */
		r = n ? pidfd_wait_any(fds, n, left) : 1;
		while (n)
			close(fds[--n]);
		if (r <= 0)
			return;
	}
}

/* The first levels names of path, and the next one's name in leaf. */
static int split_at(const char *path, int levels, char *up, size_t len, char *leaf)
{
	const char *p = path;
	int n = 0;

	for (int i = 0; i <= levels; i++)
		if ((n = next_name(&p, leaf)) <= 0)
			return n < 0 ? n : -EINVAL;
	snprintf(up, len, "%.*s", (int)(p - n - path), path);
	return 0;
}

/*
 * Remove level `level` (1: the path's first name) of path in the
 * hierarchy at root.  The sandbox's last tasks may still be exiting when
 * it is taken down (the sentry ends after the supervisor, the stubs with
 * the sentry): with a deadline, the cgroup is waited on until it is
 * empty.  0 if it is gone, else -errno: a cgroup still in use (another
 * container's below it) is left, and so are the levels above it.
 */
static int remove_level(const char *root, const char *path, int level,
			const struct timespec *deadline)
{
	char up[PATH_MAX], leaf[NAME_MAX + 1];
	int dir, cg, err = split_at(path, level - 1, up, sizeof(up), leaf);

	if (err)
		return err;
	dir = up[strspn(up, "/")] ? cg_find(root, up) : open(root, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (dir < 0)
		return dir == -ENOENT ? 0 : dir;
	cg = openat(dir, leaf, O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (cg >= 0) {
		if (deadline)
			wait_empty(cg, deadline);
		close(cg);
		err = unlinkat(dir, leaf, AT_REMOVEDIR) ? -errno : 0;
	}
	close(dir);
	return err;
}

static int path_levels(const char *path)
{
	char name[NAME_MAX + 1];
	int n = 0;

	while (next_name(&path, name) > 0)
		n++;
	return n;
}

/* A record's hierarchy must be one of ours: under CG_ROOT, no "..". */
static bool our_root(const char *root)
{
	return !strncmp(root, CG_ROOT, strlen(CG_ROOT)) && !strstr(root, "..");
}

void cgroup_destroy(const char *path, const char *made)
{
	const char *v2 = cg_v2_root();
	int levels = path_levels(path);
	struct timespec deadline;
	char root[128];

	clock_gettime(CLOCK_MONOTONIC, &deadline);
	deadline.tv_sec += REMOVE_TIMEOUT_MS / 1000;
	if (!made) {
		if (v2)
			remove_level(v2, path, levels, &deadline);
		for (int i = 0; v1_ctls[i]; i++) {
			snprintf(root, sizeof(root), CG_ROOT "/%s", v1_ctls[i]);
			remove_level(root, path, levels, &deadline);
		}
		return;
	}
	for (const char *p = made; *p; p += strcspn(p, "\n"), p += *p == '\n') {
		int existed, depth;

		if (sscanf(p, "%127s %d %d", root, &existed, &depth) != 3 || !our_root(root) ||
		    depth > levels)
			continue;
		for (int k = depth; k > existed && k > 0; k--)
			if (remove_level(root, path, k, k == levels ? &deadline : NULL))
				break;
	}
}

/* ---- the freezer: cvisor pause and resume ---- */

#include <poll.h>

#define FREEZE_TIMEOUT_MS 10000

struct freezer {
	int dir;                        /* the cgroup's directory, O_PATH */
	bool v2;
};

/* Which freezer holds the cgroup at path: the v1 hierarchy's, else v2's
 * (alone at the root, or beside v1 at unified/). */
static int find(const char *path, struct freezer *f)
{
	static const char *roots[] = { CG_ROOT "/freezer", CG_ROOT, CG_ROOT "/unified" };
	static const char *files[] = { "freezer.state", "cgroup.freeze", "cgroup.freeze" };

	for (size_t i = 0; i < sizeof(roots) / sizeof(roots[0]); i++) {
		f->dir = cg_find(roots[i], path);
		if (f->dir < 0)
			continue;
		if (!faccessat(f->dir, files[i], F_OK, AT_SYMLINK_NOFOLLOW)) {
			f->v2 = i > 0;
			return 0;
		}
		close(f->dir);
	}
	return -ENOENT;
}

/* The file's first line, without its newline. */
static int read_word(int dir, const char *file, char *out, size_t len)
{
	ssize_t n = cg_read_at(dir, file, out, len);

	if (n < 0)
		return (int)n;
	out[strcspn(out, "\n")] = 0;
	return 0;
}

/*
 * v1: the state goes FREEZING until every task is frozen.  It is asked
 * again on every turn, as runc does: a task that joined the cgroup (a
 * fork) meanwhile is frozen too.  There is no notification of the change,
 * so the state is read again after a short, growing sleep.
 */
static int v1_set(int dir, bool frozen, const struct timespec *deadline)
{
	const char *want = frozen ? "FROZEN" : "THAWED";
	struct timespec nap = { 0, 100000 };
	char state[32];
	int err;

	for (;;) {
		err = cg_write_at(dir, "freezer.state", want);
		if (!err)
			err = read_word(dir, "freezer.state", state, sizeof(state));
		if (err || !strcmp(state, want))
			return err;
		if (ms_left(deadline) <= 0)
			return -EBUSY;
		nanosleep(&nap, NULL);
		if (nap.tv_nsec < 50000000)
			nap.tv_nsec *= 2;
	}
}

/* v2: cgroup.events says "frozen 1" once every task is; the kernel wakes
 * a poll for POLLPRI when the file changes. */
static int v2_set(int dir, bool frozen, const struct timespec *deadline)
{
	int fd, err = cg_write_at(dir, "cgroup.freeze", frozen ? "1" : "0");
	char buf[256], *p;
	ssize_t n;
	long left;

	if (err)
		return err;
	fd = openat(dir, "cgroup.events", O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	for (;;) {
		n = pread(fd, buf, sizeof(buf) - 1, 0);
		if (n < 0) {
			err = -errno;
			break;
		}
		buf[n] = 0;
		p = strstr(buf, "frozen ");
		if (!p) {
			err = -EIO;
			break;
		}
		if ((p[7] == '1') == frozen)
			break;
		if ((left = ms_left(deadline)) <= 0) {
			err = -EBUSY;
			break;
		}
		poll(&(struct pollfd){ fd, POLLPRI, 0 }, 1, (int)left);
	}
	close(fd);
	return err;
}

static int set(const struct freezer *f, bool frozen)
{
	struct timespec deadline;

	clock_gettime(CLOCK_MONOTONIC, &deadline);
	deadline.tv_sec += FREEZE_TIMEOUT_MS / 1000;
	return f->v2 ? v2_set(f->dir, frozen, &deadline) : v1_set(f->dir, frozen, &deadline);
}

int cgroup_freeze(const char *path, bool frozen)
{
	struct freezer f;
	int err = find(path, &f);

	if (err)
		return err;
	err = set(&f, frozen);
	if (err == -EBUSY && frozen)
		set(&f, false);         /* half frozen is the worst state to leave it in */
	close(f.dir);
	return err;
}

int cgroup_frozen(const char *path)
{
	struct freezer f;
	char v[32];
	int err = find(path, &f);

	if (err)
		return err;
	if (f.v2)
		err = read_word(f.dir, "cgroup.freeze", v, sizeof(v));
	else if ((err = read_word(f.dir, "freezer.self_freezing", v, sizeof(v))) == -ENOENT) {
		/* an old kernel: no telling whether an ancestor froze it */
		err = read_word(f.dir, "freezer.state", v, sizeof(v));
		if (!err)
			v[0] = strcmp(v, "THAWED") ? '1' : '0';
	}
	close(f.dir);
	return err ? err : v[0] == '1';
}
