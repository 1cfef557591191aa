/* SPDX-License-Identifier: MIT */
/*
 * Unit tests for net/unix/scm.c alone: SCM_RIGHTS and SCM_CREDENTIALS
 * through scm_send and scm_recv on real files and fd tables (vfs/file.c),
 * the in-flight accounting, and the collector on graphs of sockets made
 * here: a small AF_UNIX stand-in whose queue is a list of struct scm and
 * whose release purges it and runs unix_gc, as the family does.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include <cmocka.h>

/* the code under test, and the real open files and fd tables */
#include "net/unix/scm.c"
#include "vfs/file.c"

/* --- what scm.c and file.c call elsewhere in the sentry --- */
struct sandbox sandbox;
void locks_release(const void *owner) { (void)owner; }
void lease_release(struct file *f) { (void)f; }
void fsnotify_close(struct file *f) { (void)f; }
void fasync_release(struct file *f) { (void)f; }
void dentry_put(struct dentry *d) { (void)d; }
void inode_put(struct inode *ino) { (void)ino; }
struct dentry *dentry_get(struct dentry *d) { return d; }
struct inode *inode_get(struct inode *ino) { return ino; }
bool uid_valid(uint32_t uid) { return uid != (uint32_t)-1; }
bool gid_valid(uint32_t gid) { return gid != (uint32_t)-1; }

static struct thread_group other_tg = { .pid = 7 };
struct thread_group *tg_find(pid_t pid) { return pid == other_tg.pid ? &other_tg : NULL; }
void tg_put(struct thread_group *tg) { (void)tg; }

/* --- an AF_UNIX stand-in: a queue of messages' scms --- */
#define QMAX 16
struct usock {
	struct socket s;
	struct scm q[QMAX];
	int n;
	pthread_mutex_t lock;
};

static const struct file_ops usock_ops;
static int released;

struct socket *unix_sock_of(struct file *f)
{
	return f->ops == &usock_ops ? &((struct usock *)f->priv)->s : NULL;
}

void unix_for_each_scm(struct socket *s, void (*fn)(struct scm *scm, void *arg), void *arg)
{
	struct usock *u = s->priv;

	pthread_mutex_lock(&u->lock);
	for (int i = 0; i < u->n; i++)
		fn(&u->q[i], arg);
	pthread_mutex_unlock(&u->lock);
}

/* Unlink under the queue lock, destroy outside it (scm.c's rule). */
void unix_purge_queue(struct socket *s)
{
	struct usock *u = s->priv;
	struct scm q[QMAX];
	int n;

	pthread_mutex_lock(&u->lock);
	n = u->n;
	memcpy(q, u->q, sizeof(q));
	u->n = 0;
	pthread_mutex_unlock(&u->lock);
	for (int i = 0; i < n; i++)
		scm_destroy(&q[i]);
}

static void usock_release(struct file *f)
{
	struct usock *u = f->priv;

	released++;
	unix_purge_queue(&u->s);
	free(u);
	unix_gc();
}

static const struct file_ops usock_ops = { .release = usock_release };

static struct file *usock_new(void)
{
	struct usock *u = calloc(1, sizeof(*u));
	struct file *f = file_new(&usock_ops, O_RDWR, u);

	u->s.family = AF_UNIX;
	u->s.type = SOCK_STREAM;
	u->s.priv = u;
	u->s.file = f;
	pthread_mutex_init(&u->lock, NULL);
	return f;
}

/* --- a task with a real fd table --- */
static struct thread_group tg;
static struct task task = { .tg = &tg };

static int setup(void **state)
{
	(void)state;
	memset(&tg, 0, sizeof(tg));
	pthread_mutex_init(&tg.lock, NULL);
	tg.pid = 3;
	tg.fdt = fdt_new();
	tg.cred = (struct creds){ .uid = 1000, .euid = 1000, .suid = 1000,
				  .gid = 100, .egid = 100, .sgid = 100 };
	tg.rlim[RLIMIT_NOFILE] = (struct rlimit){ 1024, 1024 };
	released = 0;
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	fdt_put(tg.fdt);
	unix_gc();
	assert_int_equal(vfs_files_live(), 0);
	assert_null(users);
	assert_int_equal(n_inflight_socks, 0);
	return 0;
}

static int install(struct file *f)
{
	long fd = fd_install_new(&task, f, false);

	assert_true(fd >= 0);
	return (int)fd;
}

/* A control buffer of one cmsg. */
struct ctl {
	union {
		struct cmsghdr h;
		char buf[CMSG_SPACE(256 * sizeof(int))];
	};
};

static struct sock_msg rights(struct ctl *c, const int *fds, int n)
{
	memset(c, 0, sizeof(*c));
	c->h.cmsg_len = CMSG_LEN((size_t)n * sizeof(int));
	c->h.cmsg_level = SOL_SOCKET;
	c->h.cmsg_type = SCM_RIGHTS;
	memcpy(CMSG_DATA(&c->h), fds, (size_t)n * sizeof(int));
	return (struct sock_msg){ .ctl = c->buf, .ctllen = CMSG_SPACE((size_t)n * sizeof(int)) };
}

/* Queue a message with fd on the socket file to's queue. */
static void send_to(struct file *to, int fd)
{
	struct usock *u = to->priv;
	struct ctl c;
	struct sock_msg m = rights(&c, &fd, 1);

	assert_int_equal(scm_send(&task, &u->s, &m, &u->q[u->n]), 0);
	u->n++;
}

static void test_send_recv(void **state)
{
	struct file *s = usock_new(), *ev = file_new(NULL, O_RDWR, NULL);
	int sfd = install(s), efd = install(file_get(ev));
	struct scm scm;
	struct ctl c, out;
	struct sock_msg m = rights(&c, (int[]){ efd, efd }, 2);
	int got[2];

	(void)state;
	assert_int_equal(scm_send(&task, unix_sock_of(s), &m, &scm), 0);
	assert_int_equal(scm.nfp, 2);
	assert_int_equal(ev->inflight, 2);
	assert_int_equal(user_inflight(1000), 2);
	assert_true(scm.has_creds);
	assert_int_equal(scm.creds.pid, 3);
	assert_int_equal(scm.creds.uid, 1000);

	/* peek: new fds, the scm kept; then the read */
	struct sock_msg r = { .ctl = out.buf, .ctllen = sizeof(out.buf) };
	scm_recv(&task, NULL, &scm, &r, MSG_PEEK, false);
	assert_int_equal(r.ctllen, CMSG_SPACE(2 * sizeof(int)));
	assert_int_equal(scm.nfp, 2);
	assert_int_equal(ev->inflight, 2);
	memcpy(got, CMSG_DATA(&out.h), sizeof(got));
	assert_ptr_equal(fdt_get(tg.fdt, got[0]), ev);
	file_put(ev);
	r = (struct sock_msg){ .ctl = out.buf, .ctllen = CMSG_LEN(sizeof(int)) };
	scm_recv(&task, NULL, &scm, &r, MSG_CMSG_CLOEXEC, true);
	assert_true(r.rflags & MSG_CTRUNC);          /* the creds took the room */
	assert_null(scm.fp);
	assert_int_equal(ev->inflight, 0);
	assert_int_equal(user_inflight(1000), 0);
	file_put(ev);
	(void)sfd;
}

static void test_bad(void **state)
{
	struct file *ev = file_new(NULL, O_RDWR, NULL);
	int efd = install(ev), fds[254];
	struct ctl c;
	struct scm scm;
	struct sock_msg m;
	struct socket unix_s = { .family = AF_UNIX }, inet_s = { .family = AF_INET };

	(void)state;
	m = rights(&c, (int[]){ efd, 999 }, 2);
	assert_int_equal(scm_send(&task, &unix_s, &m, &scm), -EBADF);
	assert_int_equal(ev->refs, 1);                  /* the first's reference dropped */
	for (int i = 0; i < 254; i++)
		fds[i] = efd;
	m = rights(&c, fds, 254);
	assert_int_equal(scm_send(&task, &unix_s, &m, &scm), -EINVAL);
	m = rights(&c, fds, 253);
	assert_int_equal(scm_send(&task, &inet_s, &m, &scm), -EINVAL);
	m = rights(&c, fds, 1);
	c.h.cmsg_len = 8;
	assert_int_equal(scm_send(&task, &unix_s, &m, &scm), -EINVAL);
	c.h.cmsg_len = sizeof(c.buf);
	assert_int_equal(scm_send(&task, &unix_s, &m, &scm), -EINVAL);
	assert_int_equal(ev->refs, 1);
	assert_int_equal(ev->inflight, 0);
}

static struct sock_msg creds_msg(struct ctl *c, pid_t pid, uid_t uid, gid_t gid)
{
	struct ucred u = { pid, uid, gid };

	memset(c, 0, sizeof(*c));
	c->h.cmsg_len = CMSG_LEN(sizeof(u));
	c->h.cmsg_level = SOL_SOCKET;
	c->h.cmsg_type = SCM_CREDENTIALS;
	memcpy(CMSG_DATA(&c->h), &u, sizeof(u));
	return (struct sock_msg){ .ctl = c->buf, .ctllen = CMSG_SPACE(sizeof(u)) };
}

static void test_creds(void **state)
{
	struct socket s = { .family = AF_UNIX };
	struct scm scm;
	struct ctl c;
	struct sock_msg m;

	(void)state;
	m = creds_msg(&c, 3, 1000, 100);
	assert_int_equal(scm_send(&task, &s, &m, &scm), 0);
	m = creds_msg(&c, 7, 1000, 100);
	assert_int_equal(scm_send(&task, &s, &m, &scm), -EPERM);
	m = creds_msg(&c, 3, 0, 100);
	assert_int_equal(scm_send(&task, &s, &m, &scm), -EPERM);
	m = creds_msg(&c, 3, 1000, 0);
	assert_int_equal(scm_send(&task, &s, &m, &scm), -EPERM);
	m = creds_msg(&c, 3, (uid_t)-1, 100);
	assert_int_equal(scm_send(&task, &s, &m, &scm), -EINVAL);
	tg.cred.cap_eff = 1ULL << CAP_SYS_ADMIN | 1ULL << CAP_SETUID | 1ULL << CAP_SETGID;
	m = creds_msg(&c, 7, 0, 0);
	assert_int_equal(scm_send(&task, &s, &m, &scm), 0);
	assert_int_equal(scm.creds.pid, 7);
	m = creds_msg(&c, 8, 0, 0);
	assert_int_equal(scm_send(&task, &s, &m, &scm), -ESRCH);
}

/* The per-user limit: more than RLIMIT_NOFILE in flight, ETOOMANYREFS. */
static void test_limit(void **state)
{
	struct file *ev = file_new(NULL, O_RDWR, NULL);
	int efd = install(ev);
	struct socket s = { .family = AF_UNIX };
	struct scm scm[4];
	struct ctl c;
	struct sock_msg m = rights(&c, (int[]){ efd, efd, efd }, 3);

	(void)state;
	tg.rlim[RLIMIT_NOFILE].rlim_cur = 5;
	assert_int_equal(scm_send(&task, &s, &m, &scm[0]), 0);
	assert_int_equal(scm_send(&task, &s, &m, &scm[1]), 0);    /* 3 <= 5: goes, 6 */
	assert_int_equal(scm_send(&task, &s, &m, &scm[2]), -ETOOMANYREFS);
	assert_int_equal(ev->inflight, 6);
	tg.cred.cap_eff = 1ULL << CAP_SYS_RESOURCE;
	assert_int_equal(scm_send(&task, &s, &m, &scm[3]), 0);
	for (int i = 0; i < 4; i++)
		if (i != 2)
			scm_destroy(&scm[i]);
	assert_int_equal(ev->inflight, 0);
	assert_int_equal(ev->refs, 1);
}

/* A socket whose fd is in its own queue, closed: collected when another
 * socket is released. */
static void test_gc_self(void **state)
{
	struct file *a = usock_new(), *b = usock_new();
	int afd = install(a), bfd = install(b);

	(void)state;
	send_to(a, afd);
	assert_int_equal(fdt_close(tg.fdt, afd), 0);
	assert_int_equal(a->refs, 1);
	unix_gc();
	assert_int_equal(released, 1);
	assert_int_equal(fdt_close(tg.fdt, bfd), 0);
}

/* Two in each other's queue, and a third reachable from the cycle;
 * a fourth in the cycle's queue but also held by an fd stays. */
static void test_gc_cycle(void **state)
{
	struct file *a = usock_new(), *b = usock_new(), *c = usock_new(), *d = usock_new();
	int afd = install(a), bfd = install(b), cfd = install(c), dfd = install(d);

	(void)state;
	send_to(a, bfd);
	send_to(b, afd);
	send_to(b, cfd);
	send_to(a, dfd);
	fdt_close(tg.fdt, afd);
	fdt_close(tg.fdt, bfd);
	fdt_close(tg.fdt, cfd);
	assert_int_equal(released, 0);
	unix_gc();
	assert_int_equal(released, 3);
	assert_int_equal(d->refs, 1);
	assert_int_equal(d->inflight, 0);
	fdt_close(tg.fdt, dfd);
	assert_int_equal(released, 4);
}

/* Reachable: a socket whose queue holds a closed one is open; and a
 * closed socket in an open one's queue is not garbage either. */
static void test_gc_reachable(void **state)
{
	struct file *a = usock_new(), *b = usock_new(), *c = usock_new();
	int afd = install(a), bfd = install(b), cfd = install(c);

	(void)state;
	send_to(a, bfd);        /* b in a's queue, a open */
	send_to(b, cfd);        /* c in b's queue: reached through b */
	send_to(c, bfd);        /* and b in c's: a cycle, reached from a */
	fdt_close(tg.fdt, bfd);
	fdt_close(tg.fdt, cfd);
	unix_gc();
	assert_int_equal(released, 0);
	assert_int_equal(b->inflight, 2);
	fdt_close(tg.fdt, afd); /* a's release purges its queue; then b and c are a cycle */
	assert_int_equal(released, 3);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_send_recv, setup, teardown),
		cmocka_unit_test_setup_teardown(test_bad, setup, teardown),
		cmocka_unit_test_setup_teardown(test_creds, setup, teardown),
		cmocka_unit_test_setup_teardown(test_limit, setup, teardown),
		cmocka_unit_test_setup_teardown(test_gc_self, setup, teardown),
		cmocka_unit_test_setup_teardown(test_gc_cycle, setup, teardown),
		cmocka_unit_test_setup_teardown(test_gc_reachable, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
