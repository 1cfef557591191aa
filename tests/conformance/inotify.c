/* inotify: the events of a directory watch (create, open, modify, close,
 * move with one cookie, delete, mkdir), of a file watch (modify, attrib,
 * delete: IN_ATTRIB, IN_DELETE_SELF, IN_IGNORED), merging of equal events,
 * IN_ONESHOT, rm_watch, and the errors of each call.
 * EXPECT_STDOUT: ok */
#define _GNU_SOURCE
#include <fcntl.h>
#include <poll.h>
#include <sys/inotify.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include "check.h"

static char evbuf[8192];
static struct { int wd; uint32_t mask, cookie; char name[64]; } got[64];
static int ngot;

/* Read every queued event (non-blocking fd). */
static void drain(int in)
{
	ngot = 0;
	for (;;) {
		ssize_t n = read(in, evbuf, sizeof(evbuf));
		if (n < 0) {
			CHECK(errno == EAGAIN, "read: %s", strerror(errno));
			return;
		}
		for (char *p = evbuf; p < evbuf + n;) {
			struct inotify_event *e = (struct inotify_event *)p;
			CHECK(ngot < 64, "too many events");
			got[ngot].wd = e->wd;
			got[ngot].mask = e->mask;
			got[ngot].cookie = e->cookie;
			snprintf(got[ngot].name, sizeof(got[ngot].name), "%s", e->len ? e->name : "");
			ngot++;
			p += sizeof(*e) + e->len;
		}
	}
}

static void expect(int i, int wd, uint32_t mask, const char *name)
{
	if (i == 0 && getenv("INOTIFY_DEBUG"))
		for (int k = 0; k < ngot; k++)
			fprintf(stderr, "  %d: wd %d mask %#x '%s'\n", k, got[k].wd, got[k].mask,
				got[k].name);
	CHECK(i < ngot, "event %d missing (have %d)", i, ngot);
	CHECK(got[i].wd == wd && got[i].mask == mask && !strcmp(got[i].name, name),
	      "event %d: wd %d mask %#x name '%s', want wd %d mask %#x name '%s'", i, got[i].wd,
	      got[i].mask, got[i].name, wd, mask, name);
}

int main(void)
{
	char dir[] = "/tmp/inotXXXXXX", f[80], g[80], sub[80];
	int in, wd, fwd, fd, n;

	CHECK(mkdtemp(dir), "mkdtemp");
	snprintf(f, sizeof(f), "%s/a", dir);
	snprintf(g, sizeof(g), "%s/b", dir);
	snprintf(sub, sizeof(sub), "%s/sub", dir);

	CHECK(inotify_init1(0x12345) == -1 && errno == EINVAL, "init1 bad flags");
	in = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
	CHECK(in >= 0, "inotify_init1: %s", strerror(errno));
	CHECK(fcntl(in, F_GETFD) == FD_CLOEXEC, "IN_CLOEXEC");
	CHECK(inotify_add_watch(in, dir, 0) == -1 && errno == EINVAL, "mask 0");
	CHECK(inotify_add_watch(0x7ff, dir, IN_ALL_EVENTS) == -1 && errno == EBADF, "bad fd");
	CHECK(inotify_add_watch(1, dir, IN_ALL_EVENTS) == -1 && errno == EINVAL,
	      "not an inotify fd: %s", strerror(errno));
	CHECK(inotify_add_watch(in, "/nonexistent/x", IN_ALL_EVENTS) == -1 && errno == ENOENT,
	      "ENOENT");
	CHECK(inotify_add_watch(in, (char *)8, IN_ALL_EVENTS) == -1 && errno == EFAULT, "EFAULT");
	CHECK(read(in, evbuf, sizeof(evbuf)) == -1 && errno == EAGAIN, "empty: EAGAIN");

	wd = inotify_add_watch(in, dir, IN_CREATE | IN_OPEN | IN_MODIFY | IN_CLOSE_WRITE |
				IN_MOVED_FROM | IN_MOVED_TO | IN_DELETE);
	CHECK(wd > 0, "add_watch dir: %s", strerror(errno));
	CHECK(inotify_add_watch(in, dir, IN_CREATE | IN_MASK_CREATE) == -1 && errno == EEXIST,
	      "IN_MASK_CREATE on a watched inode");

	fd = open(f, O_CREAT | O_WRONLY, 0644);
	CHECK(fd >= 0, "create");
	CHECK(write(fd, "x", 1) == 1 && write(fd, "y", 1) == 1, "write");
	close(fd);
	CHECK(ioctl(in, FIONREAD, &n) == 0 && n > 0, "FIONREAD %d", n);
	struct pollfd p = { .fd = in, .events = POLLIN };
	CHECK(poll(&p, 1, 0) == 1 && (p.revents & POLLIN), "poll");
	CHECK(read(in, evbuf, 8) == -1 && errno == EINVAL, "read into 8 bytes: %s",
	      strerror(errno));
	drain(in);
	CHECK(ngot == 4, "%d events for create/write/write/close (two writes merge)", ngot);
	expect(0, wd, IN_CREATE, "a");
	expect(1, wd, IN_OPEN, "a");
	expect(2, wd, IN_MODIFY, "a");
	expect(3, wd, IN_CLOSE_WRITE, "a");

	CHECK(rename(f, g) == 0, "rename");
	CHECK(mkdir(sub, 0755) == 0, "mkdir");
	drain(in);
	CHECK(ngot == 3, "%d events for rename + mkdir", ngot);
	expect(0, wd, IN_MOVED_FROM, "a");
	expect(1, wd, IN_MOVED_TO, "b");
	CHECK(got[0].cookie && got[0].cookie == got[1].cookie, "move cookies %u %u",
	      got[0].cookie, got[1].cookie);
	expect(2, wd, IN_CREATE | IN_ISDIR, "sub");

	/* a watch on the file itself */
	fwd = inotify_add_watch(in, g, IN_MODIFY | IN_ATTRIB | IN_DELETE_SELF | IN_ONLYDIR);
	CHECK(fwd == -1 && errno == ENOTDIR, "IN_ONLYDIR on a file");
	fwd = inotify_add_watch(in, g, IN_MODIFY | IN_ATTRIB | IN_DELETE_SELF);
	CHECK(fwd > 0 && fwd != wd, "add_watch file: %s", strerror(errno));
	CHECK(chmod(g, 0600) == 0, "chmod");
	CHECK(unlink(g) == 0, "unlink");
	drain(in);
	/* chmod's IN_ATTRIB and the link count's merge: equal and in a row */
	CHECK(ngot == 4, "%d events for chmod + unlink", ngot);
	expect(0, fwd, IN_ATTRIB, "");
	expect(1, fwd, IN_DELETE_SELF, "");
	expect(2, fwd, IN_IGNORED, "");
	expect(3, wd, IN_DELETE, "b");
	CHECK(inotify_rm_watch(in, fwd) == -1 && errno == EINVAL, "rm of an ended watch");

	/* one-shot, then rm_watch */
	CHECK(rmdir(sub) == 0, "rmdir");
	drain(in);
	CHECK(ngot == 1, "%d events for rmdir", ngot);
	expect(0, wd, IN_DELETE | IN_ISDIR, "sub");
	fwd = inotify_add_watch(in, dir, IN_CREATE | IN_ONESHOT);
	CHECK(fwd == wd, "the same inode keeps its wd: %d", fwd);
	CHECK(close(open(f, O_CREAT | O_RDONLY, 0644)) == 0, "create 2");
	CHECK(close(open(g, O_CREAT | O_RDONLY, 0644)) == 0, "create 3");
	drain(in);
	CHECK(ngot == 2, "%d events after a one-shot", ngot);
	expect(0, wd, IN_CREATE, "a");
	expect(1, wd, IN_IGNORED, "");
	CHECK(inotify_rm_watch(in, wd) == -1 && errno == EINVAL, "rm after one-shot");

	wd = inotify_add_watch(in, dir, IN_DELETE);
	CHECK(inotify_rm_watch(in, wd) == 0, "rm_watch: %s", strerror(errno));
	CHECK(unlink(f) == 0 && unlink(g) == 0 && rmdir(dir) == 0, "cleanup");
	drain(in);
	CHECK(ngot == 1, "%d events after rm_watch", ngot);
	expect(0, wd, IN_IGNORED, "");
	puts("ok");
	return 0;
}
