/* SPDX-License-Identifier: MIT */
/*
 * The socket layer (Linux's net/socket.c): the one socket file, the table
 * of families, and what is common to every family's calls.  Addresses,
 * msghdrs, iovecs and control messages are copied and checked here into
 * a struct sock_msg; the family (s->ops, net/socket.h) does the rest.
 *
 * Two file_ops tables, the same functions: epoll and poll tell a file
 * served by a host fd (->wait_fd, host-mode inet) from one with wait
 * queues (AF_UNIX, netlink) by whether the table has wait_fd, so a
 * socket's table follows its family's ops.
 */
#include <errno.h>
#include <unistd.h>
#include <linux/sockios.h>
#include <netinet/in.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>

#include "mm/mm.h"
#include "net/net.h"
#include "net/socket.h"

#define SOCK_TYPE_MASK 0xf
#define SOCK_TYPE_MAX 11                /* SOCK_MAX: past it, Linux says EINVAL */
#define MAX_RW 0x7ffff000L              /* MAX_RW_COUNT */
#define CTL_SEND_MAX (128 << 10)        /* net.core.optmem_max: past it ENOBUFS */
#define CTL_RECV_MAX (64 << 10)         /* room the sentry gives a receive's cmsgs */

static const struct file_ops sock_fops, sock_host_fops;

/* ---------- families ---------- */

static const struct net_proto_family *families[AF_MAX];

void sock_register(const struct net_proto_family *fam)
{
	if (fam->family > 0 && fam->family < AF_MAX)
		families[fam->family] = fam;
}

struct socket *sock_of(struct file *f)
{
	return f && (f->ops == &sock_fops || f->ops == &sock_host_fops) ? f->priv : NULL;
}

struct file *sock_fget(struct task *t, int fd, long *err)
{
	struct file *f = fget(t, fd);

	*err = !f ? -EBADF : !sock_of(f) ? -ENOTSOCK : 0;
	if (*err) {
		file_put(f);
		return NULL;
	}
	return f;
}

/* The file's table follows the family's ops (see the head of this file):
 * a family whose wait_fd says -1 serves this socket with wait queues. */
static void sock_set_fops(struct socket *s)
{
	s->file->ops = s->ops && s->ops->wait_fd && s->ops->wait_fd(s) >= 0 ? &sock_host_fops
									    : &sock_fops;
}

void sock_now_host(struct socket *s)
{
	__atomic_store_n(&s->file->ops, &sock_host_fops, __ATOMIC_RELEASE);
}

int sock_alloc(int family, int type, int protocol, int fflags, struct socket **out)
{
	struct socket *s = calloc(1, sizeof(*s));
	struct file *f = s ? file_new(&sock_fops,
				      O_RDWR | (fflags & SOCK_NONBLOCK ? O_NONBLOCK : 0), s) : NULL;

	if (!f) {
		free(s);
		return -ENOMEM;
	}
	*s = (struct socket){ .family = family, .type = type, .protocol = protocol, .file = f };
	*out = s;
	return 0;
}

/* Linux's __sock_create(): flags, family and type ranges, then the family. */
static int sock_new(struct task *t, int domain, int type, int protocol, struct socket **out)
{
	int base = type & SOCK_TYPE_MASK, err;
	const struct net_proto_family *fam;
	struct socket *s;

	if (type & ~(SOCK_TYPE_MASK | SOCK_NONBLOCK | SOCK_CLOEXEC))
		return -EINVAL;
	if (domain < 0 || domain >= AF_MAX)
		return -EAFNOSUPPORT;
	if (base >= SOCK_TYPE_MAX)
		return -EINVAL;
	fam = families[domain];
	if (!fam)
		return -EAFNOSUPPORT;
	err = sock_alloc(domain, base, protocol, type, &s);
	if (err)
		return err;
	err = fam->create(t, s, base, protocol);
	if (err) {
		file_put(s->file);
		return err;
	}
	sock_set_fops(s);
	*out = s;
	return 0;
}

int sock_create(struct task *t, int domain, int type, int protocol, struct file **out)
{
	struct socket *s;
	int err = sock_new(t, domain, type, protocol, &s);

	if (!err)
		*out = s->file;
	return err;
}

/* socketpair(2): two new sockets the family joins (EOPNOTSUPP without). */
int sock_socketpair(struct task *t, int domain, int type, int protocol, struct file *out[2])
{
	struct socket *a, *b = NULL;
	int err = sock_new(t, domain, type, protocol, &a);

	if (err)
		return err;
	err = a->ops->socketpair ? sock_new(t, domain, type, protocol, &b) : -EOPNOTSUPP;
	if (!err)
		err = a->ops->socketpair(t, a, b);
	if (err) {
		file_put(a->file);
		if (b)
			file_put(b->file);
		return err;
	}
	out[0] = a->file;
	out[1] = b->file;
	return 0;
}

int sock_accept(struct task *t, struct file *f, int flags, struct sockaddr_storage *ss,
		socklen_t *len, struct file **out)
{
	struct socket *s = sock_of(f), *ns;
	int err;

	if (!s->ops->accept)
		return -EOPNOTSUPP;
	err = s->ops->accept(t, s, flags & SOCK_NONBLOCK, &ns, ss, len);
	if (err)
		return err;
	sock_set_fops(ns);
	*out = ns->file;
	return 0;
}

/* ---------- addresses ---------- */

/* An address from the application (move_addr_to_kernel): its length
 * checked, the rest zeroed; its family is the socket's family's concern. */
int addr_in(struct task *t, uint64_t uaddr, uint64_t len, struct sockaddr_storage *ss)
{
	if (len > sizeof(*ss))
		return -EINVAL;
	memset(ss, 0, sizeof(*ss));
	if (len && copy_from_user(t->tg->mm, ss, uaddr, len))
		return -EFAULT;
	return 0;
}

/* An address to the application, with the value-result length the kernel's way. */
int addr_out(struct task *t, uint64_t uaddr, uint64_t ulen, const struct sockaddr_storage *ss,
	     socklen_t len)
{
	uint32_t room;

	/* no NULL address is skipped here: getsockname's is EFAULT (with
	 * room), accept's and recvfrom's callers leave it out themselves */
	if (copy_from_user(t->tg->mm, &room, ulen, sizeof(room)))
		return -EFAULT;
	if ((int32_t)room < 0)
		return -EINVAL;
	if (copy_to_user(t->tg->mm, uaddr, ss, room < len ? room : len) ||
	    copy_to_user(t->tg->mm, ulen, &len, sizeof(len)))
		return -EFAULT;
	return 0;
}

/* ---------- calls that go straight to the family ---------- */

int sock_bind(struct task *t, struct file *f, const struct sockaddr_storage *ss,
	      socklen_t len)
{
	struct socket *s = sock_of(f);

	return s->ops->bind ? s->ops->bind(t, s, ss, len) : -EOPNOTSUPP;
}

int sock_listen(struct task *t, struct file *f, int backlog)
{
	struct socket *s = sock_of(f);

	return s->ops->listen ? s->ops->listen(t, s, backlog) : -EOPNOTSUPP;
}

int sock_connect(struct task *t, struct file *f, const struct sockaddr_storage *ss,
		 socklen_t len)
{
	struct socket *s = sock_of(f);

	return s->ops->connect ? s->ops->connect(t, s, ss, len) : -EOPNOTSUPP;
}

int sock_getname(struct task *t, struct file *f, bool peer, struct sockaddr_storage *ss,
		 socklen_t *len)
{
	struct socket *s = sock_of(f);

	return s->ops->getname ? s->ops->getname(t, s, peer, ss, len) : -EOPNOTSUPP;
}

int sock_shutdown(struct task *t, struct file *f, int how)
{
	struct socket *s = sock_of(f);

	if (how < SHUT_RD || how > SHUT_RDWR)
		return -EINVAL;
	return s->ops->shutdown ? s->ops->shutdown(t, s, how) : -EOPNOTSUPP;
}

int sock_setsockopt(struct task *t, struct file *f, int level, int name, uint64_t uval,
		    int len)
{
	struct socket *s = sock_of(f);

	if (len < 0)
		return -EINVAL;
	return s->ops->setsockopt ? s->ops->setsockopt(t, s, level, name, uval, len)
				  : -ENOPROTOOPT;
}

int sock_getsockopt(struct task *t, struct file *f, int level, int name, uint64_t uval,
		    uint64_t ulen)
{
	struct socket *s = sock_of(f);

	return s->ops->getsockopt ? s->ops->getsockopt(t, s, level, name, uval, ulen)
				  : -ENOPROTOOPT;
}

/* ---------- waiting ---------- */

struct sock_wait sock_wait_init(struct socket *s, int flags, int dir)
{
	int64_t ns = __atomic_load_n(&s->timeo[dir], __ATOMIC_RELAXED);
	struct sock_wait w = { .wait = !(flags & MSG_DONTWAIT) && ns >= 0, .forever = ns == 0 };

	if (w.wait && !w.forever) {
		struct timespec rel = { ns / 1000000000, ns % 1000000000 };

		w.end = ts_deadline(&rel);
	}
	return w;
}

int sock_wait_deadline(const struct sock_wait *w, const struct timespec **deadline)
{
	*deadline = NULL;
	if (!w->wait)
		return -EAGAIN;
	if (w->forever)
		return 0;
	if (ts_left(&w->end).tv_sec < 0)
		return -EAGAIN;
	*deadline = &w->end;
	return 0;
}

void sock_set_timeo(struct socket *s, int name, const struct timeval *tv)
{
	int64_t ns = tv->tv_sec < 0 ? -1 :
		     tv->tv_sec >= INT64_MAX / 1000000000LL - 1 ? 0 :
		     tv->tv_sec * 1000000000LL + tv->tv_usec * 1000LL;

	__atomic_store_n(&s->timeo[name == SO_RCVTIMEO ? RCV : SND], ns, __ATOMIC_RELAXED);
}

/* setsockopt of SO_RCVTIMEO / SO_SNDTIMEO from the application, for the
 * sentry's own families: the timeval checked as sock_set_timeout() does. */
int sock_setsockopt_timeo(struct task *t, struct socket *s, int name, uint64_t uval, int len)
{
	struct timeval tv;

	if (len < (int)sizeof(tv))
		return -EINVAL;
	if (copy_from_user(t->tg->mm, &tv, uval, sizeof(tv)))
		return -EFAULT;
	if (tv.tv_usec < 0 || tv.tv_usec >= 1000000)
		return -EDOM;
	sock_set_timeo(s, name, &tv);
	return 0;
}

/* ---------- data ---------- */

int sock_msg_copy(struct task *t, const struct sock_msg *m, size_t off, void *buf, size_t len,
		  bool to_msg)
{
	char *p = buf;

	for (size_t i = 0; i < m->iovcnt && len; i++) {
		uint64_t base = (uint64_t)m->iov[i].iov_base;
		size_t n;

		if (off >= m->iov[i].iov_len) {
			off -= m->iov[i].iov_len;
			continue;
		}
		n = m->iov[i].iov_len - off < len ? m->iov[i].iov_len - off : len;
		if (m->kernel)
			memcpy(to_msg ? (void *)(base + off) : p, to_msg ? p : (void *)(base + off), n);
		else if (to_msg ? copy_to_user(t->tg->mm, base + off, p, n)
				: copy_from_user(t->tg->mm, p, base + off, n))
			return -EFAULT;
		p += n;
		len -= n;
		off = 0;
	}
	return 0;
}

/* Linux's ____sys_sendmsg/recvmsg: an O_NONBLOCK file never waits. */
static int io_flags(struct socket *s, int flags)
{
	return s->file->flags & O_NONBLOCK ? flags | MSG_DONTWAIT : flags;
}

static long do_send(struct task *t, struct socket *s, struct sock_msg *m, int flags)
{
	return s->ops->sendmsg ? s->ops->sendmsg(t, s, m, io_flags(s, flags)) : -EOPNOTSUPP;
}

static long do_recv(struct task *t, struct socket *s, struct sock_msg *m, int flags)
{
	return s->ops->recvmsg ? s->ops->recvmsg(t, s, m, io_flags(s, flags)) : -EOPNOTSUPP;
}

long sock_sendto(struct task *t, struct file *f, uint64_t buf, size_t len, int flags,
		 struct sockaddr_storage *to, socklen_t tolen)
{
	struct iovec iov = { (void *)buf, len < MAX_RW ? len : MAX_RW };
	struct sock_msg m = { .iov = &iov, .iovcnt = 1, .len = iov.iov_len,
			      .name = to, .namelen = to ? tolen : 0 };

	if (!access_ok(buf, iov.iov_len))
		return -EFAULT;
	return do_send(t, sock_of(f), &m, flags);
}

long sock_recvfrom(struct task *t, struct file *f, uint64_t buf, size_t len, int flags,
		   struct sockaddr_storage *from, socklen_t *fromlen)
{
	struct iovec iov = { (void *)buf, len < MAX_RW ? len : MAX_RW };
	struct sock_msg m = { .iov = &iov, .iovcnt = 1, .len = iov.iov_len, .name = from };
	long ret;

	if (!access_ok(buf, iov.iov_len))
		return -EFAULT;
	ret = do_recv(t, sock_of(f), &m, flags);
	*fromlen = m.namelen;
	return ret;
}

/* The application's msghdr, its iovecs and control bytes, in the sentry. */
struct umsg {
	struct msghdr h;        /* its pointers are the application's: read, never passed */
	struct iovec *iov;
	struct sockaddr_storage name;
	char *ctl;
	struct sock_msg m;
};

/* Copy and check a msghdr and its iovecs, as copy_msghdr_from_user and
 * import_iovec do: EMSGSIZE past UIO_MAXIOV iovecs, EINVAL for a negative
 * length, EFAULT for a range outside the application's memory. */
static long msg_in(struct task *t, uint64_t umsg, struct umsg *u)
{
	size_t cnt;

	memset(u, 0, sizeof(*u));
	if (copy_from_user(t->tg->mm, &u->h, umsg, sizeof(u->h)))
		return -EFAULT;
	if ((int)u->h.msg_namelen < 0)          /* the kernel's is an int */
		return -EINVAL;
	cnt = u->h.msg_iovlen;
	if (cnt > IOV_MAX)
		return -EMSGSIZE;
	u->iov = calloc(cnt ? cnt : 1, sizeof(*u->iov));
	if (!u->iov)
		return -ENOMEM;
	if (copy_from_user(t->tg->mm, u->iov, (uint64_t)u->h.msg_iov, cnt * sizeof(*u->iov)))
		return -EFAULT;
	u->m.iov = u->iov;
	u->m.iovcnt = cnt;
	for (size_t i = 0; i < cnt; i++) {
		if ((ssize_t)u->iov[i].iov_len < 0)
			return -EINVAL;
		if (!access_ok((uint64_t)u->iov[i].iov_base, u->iov[i].iov_len))
			return -EFAULT;
		if (u->iov[i].iov_len > (size_t)MAX_RW - u->m.len)
			u->iov[i].iov_len = (size_t)MAX_RW - u->m.len;
		u->m.len += u->iov[i].iov_len;
	}
	return 0;
}

/* The control messages of a message to send: copied, each cmsg_len
 * within the buffer (Linux's CMSG_OK, in __scm_send); what they say is
 * the family's to check. */
static long ctl_in(struct task *t, struct umsg *u)
{
	size_t len = u->h.msg_controllen, off;

	if (!len)
		return 0;
	if (len > CTL_SEND_MAX)
		return -ENOBUFS;
	u->ctl = malloc(len);
	if (!u->ctl)
		return -ENOMEM;
	if (copy_from_user(t->tg->mm, u->ctl, (uint64_t)u->h.msg_control, len))
		return -EFAULT;
	for (off = 0; off + sizeof(struct cmsghdr) <= len;) {
		struct cmsghdr *c = (struct cmsghdr *)(u->ctl + off);

		if (c->cmsg_len < sizeof(*c) || c->cmsg_len > len - off)
			return -EINVAL;
		off += CMSG_ALIGN(c->cmsg_len);
	}
	u->m.ctl = u->ctl;
	u->m.ctllen = len;
	return 0;
}

static void umsg_free(struct umsg *u)
{
	free(u->iov);
	free(u->ctl);
}

long sock_sendmsg(struct task *t, struct file *f, uint64_t umsg, int flags)
{
	struct umsg *u = malloc(sizeof(*u));
	long err = u ? msg_in(t, umsg, u) : -ENOMEM;

	if (!err && u->h.msg_name && u->h.msg_namelen) {
		/* Linux cuts a long name to a sockaddr_storage */
		u->m.namelen = u->h.msg_namelen < sizeof(u->name) ? u->h.msg_namelen
								  : sizeof(u->name);
		u->m.name = &u->name;
		err = addr_in(t, (uint64_t)u->h.msg_name, u->m.namelen, &u->name);
	}
	if (!err)
		err = ctl_in(t, u);
	if (!err)
		err = do_send(t, sock_of(f), &u->m, flags);
	if (u)
		umsg_free(u);
	free(u);
	return err;
}

/* Give the application what a recvmsg brought: the address (cut to its
 * room, its length whole, as move_addr_to_user), the control messages,
 * the flags. */
static long msg_out(struct task *t, uint64_t umsg, const struct umsg *u)
{
	struct mm *mm = t->tg->mm;
	const struct sock_msg *m = &u->m;
	socklen_t namelen = u->h.msg_name ? m->namelen : 0;
	size_t ctllen = m->ctllen;

	if (u->h.msg_name &&
	    (copy_to_user(mm, (uint64_t)u->h.msg_name, m->name,
			  u->h.msg_namelen < namelen ? u->h.msg_namelen : namelen) ||
	     copy_to_user(mm, umsg + offsetof(struct msghdr, msg_namelen), &namelen,
			  sizeof(namelen))))
		return -EFAULT;
	if (ctllen && copy_to_user(mm, (uint64_t)u->h.msg_control, m->ctl, ctllen))
		return -EFAULT;
	if (copy_to_user(mm, umsg + offsetof(struct msghdr, msg_controllen), &ctllen,
			 sizeof(ctllen)) ||
	    copy_to_user(mm, umsg + offsetof(struct msghdr, msg_flags), &m->rflags,
			 sizeof(m->rflags)))
		return -EFAULT;
	return 0;
}

long sock_recvmsg(struct task *t, struct file *f, uint64_t umsg, int flags)
{
	struct umsg *u = malloc(sizeof(*u));
	long ret = u ? msg_in(t, umsg, u) : -ENOMEM;

	if (!ret) {
		u->m.name = &u->name;
		u->m.ctllen = u->h.msg_control ? (u->h.msg_controllen < CTL_RECV_MAX
						  ? u->h.msg_controllen : CTL_RECV_MAX) : 0;
		if (u->m.ctllen && !(u->ctl = u->m.ctl = calloc(1, u->m.ctllen)))
			ret = -ENOMEM;
	}
	if (!ret)
		ret = do_recv(t, sock_of(f), &u->m, flags);
	if (ret >= 0) {
		long err = msg_out(t, umsg, u);

		ret = err ? err : ret;
	}
	if (u)
		umsg_free(u);
	free(u);
	return ret;
}

/* ---------- the socket as a file ---------- */

static ssize_t sock_read(struct task *t, struct file *f, void *buf, size_t len, off_t *pos)
{
	struct iovec v = { buf, len };
	struct sock_msg m = { .iov = &v, .iovcnt = 1, .len = len, .kernel = true };

	(void)pos;
	return do_recv(t, sock_of(f), &m, 0);
}

static ssize_t sock_write(struct task *t, struct file *f, const void *buf, size_t len,
			  off_t *pos)
{
	struct iovec v = { (void *)buf, len };
	struct sock_msg m = { .iov = &v, .iovcnt = 1, .len = len, .kernel = true };

	(void)pos;
	return do_send(t, sock_of(f), &m, 0);
}

/* readv and writev: one message, as recvmsg and sendmsg without flags */
static long sock_rw_iov(struct task *t, struct file *f, const struct iovec *iov, size_t cnt,
			bool write)
{
	struct sock_msg m = { .iov = iov, .iovcnt = cnt };

	for (size_t i = 0; i < cnt; i++)
		m.len += iov[i].iov_len < (size_t)MAX_RW - m.len ? iov[i].iov_len
								 : (size_t)MAX_RW - m.len;
	return write ? do_send(t, sock_of(f), &m, 0) : do_recv(t, sock_of(f), &m, 0);
}

static uint64_t next_ino = 10000;

/* A socket without a family's fstat: sockfs's inode, as Linux shows it. */
static int sock_fstat(struct file *f, struct stat *st)
{
	struct socket *s = sock_of(f);

	if (s->ops->fstat)
		return s->ops->fstat(s, st);
	memset(st, 0, sizeof(*st));
	st->st_mode = S_IFSOCK | 0777;
	st->st_ino = sock_ino(s);
	st->st_nlink = 1;
	st->st_blksize = 4096;
	st->st_dev = 0x8;               /* sockfs */
	return 0;
}

uint64_t sock_ino(struct socket *s)
{
	uint64_t ino = __atomic_load_n(&s->ino, __ATOMIC_RELAXED);

	if (!ino) {
		uint64_t n = __atomic_add_fetch(&next_ino, 1, __ATOMIC_RELAXED);

		if (__atomic_compare_exchange_n(&s->ino, &ino, n, false, __ATOMIC_RELAXED,
						__ATOMIC_RELAXED))
			ino = n;
	}
	return ino;
}

/*
 * The network-device ioctls (SIOCGIFINDEX, SIOCGIFCONF, SIOCGIFFLAGS, ...)
 * answer on a socket of any family, as Linux's sock_do_ioctl falls back on
 * dev_ioctl: glibc's if_nametoindex and busybox's ip ask an AF_UNIX
 * datagram socket.  A family without a host socket asks through a UDP
 * socket of the sentry's own in the sandbox's network namespace, with the
 * ioctl list of common/hostnet.def (host_ioctl refuses the rest).
 */
static long dev_ioctl(struct task *t, unsigned cmd, uint64_t arg)
{
	int fd = socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, IPPROTO_UDP);
	long r;

	if (fd < 0)
		return -ENOTTY;
	r = host_ioctl(t, fd, HOST_FD_SOCK, cmd, arg);
	close(fd);
	return r;
}

/* FIOASYNC, like every generic ioctl, is sys_ioctl's (vfs/fasync.c). */
static long sock_ioctl(struct task *t, struct file *f, unsigned cmd, uint64_t arg)
{
	struct socket *s = sock_of(f);
	long r = s->ops->ioctl ? s->ops->ioctl(t, s, cmd, arg) : -ENOTTY;

	if (r == -ENOTTY && cmd >= SIOCGIFNAME && cmd <= 0x89ff && s->family != AF_INET &&
	    s->family != AF_INET6)
		r = dev_ioctl(t, cmd, arg);
	return r;
}

static short sock_poll(struct file *f, short events, struct poll_table *pt)
{
	struct socket *s = sock_of(f);

	return s->ops->poll ? s->ops->poll(s, events, pt) : (short)(POLLIN | POLLOUT);
}

static int sock_wait_fd(struct file *f)
{
	return sock_of(f)->ops->wait_fd(sock_of(f));
}

static void sock_release(struct file *f)
{
	struct socket *s = f->priv;

	if (s->ops && s->ops->release)
		s->ops->release(s);
	free(s);
}

static const struct file_ops sock_fops = {
	.read = sock_read,
	.write = sock_write,
	.fstat = sock_fstat,
	.ioctl = sock_ioctl,
	.poll = sock_poll,
	.rw_iov = sock_rw_iov,
	.release = sock_release,
};

static const struct file_ops sock_host_fops = {
	.read = sock_read,
	.write = sock_write,
	.fstat = sock_fstat,
	.ioctl = sock_ioctl,
	.poll = sock_poll,
	.wait_fd = sock_wait_fd,
	.rw_iov = sock_rw_iov,
	.release = sock_release,
};
