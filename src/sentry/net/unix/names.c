/* SPDX-License-Identifier: MIT */
/*
 * AF_UNIX addresses (Linux's unix_bind_bsd, unix_bind_abstract,
 * unix_autobind, unix_find_other):
 *
 *  - a path name is a socket inode that bind() makes in the sentry's VFS
 *    (vfs_mknod, so on any mount whose file system makes nodes), found
 *    again by connect() through a walk of the path, with Linux's checks:
 *    search permission along the path (the walk), write permission on the
 *    socket file (EACCES), a file that is no socket (ECONNREFUSED).  A
 *    socket is found by the identity (dev, ino) of its inode.
 *  - an abstract name (sun_path[0] == 0) lives in one namespace per
 *    sandbox: the sentry's.
 *  - an empty address (bind with only the family, or a send that needs a
 *    name with SO_PASSCRED) takes an abstract "\0XXXXX" name.
 *
 * A socket file that the sentry did not bind, on a host-backed mount
 * (hostfs, or the host's lower layer of the overlay), is a host socket:
 * connecting to it is refused with a line on the sentry's stderr, unless
 * --host-uds lets a stream or seqpacket socket connect to it (host.c;
 * docs/networking.md, "Host unix sockets").
 */
#include <errno.h>
#include <fcntl.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fs/memfs.h"
#include "net/net.h"
#include "net/unix/unix.h"

#define SUN_OFF offsetof(struct sockaddr_un, sun_path)

/* Linux's unix_validate_addr; *autob for the family alone (bind's autobind). */
static int unix_addr_check(const struct sockaddr_storage *ss, socklen_t len, bool *autob)
{
	*autob = len == SUN_OFF && ss->ss_family == AF_UNIX;
	if (*autob)
		return 0;
	if (len <= SUN_OFF || len > sizeof(struct sockaddr_un) || ss->ss_family != AF_UNIX)
		return -EINVAL;
	return 0;
}

int unix_dest_check(struct unix_sock *u, const struct sockaddr_storage *ss, socklen_t len)
{
	bool autob;
	int err = unix_addr_check(ss, len, &autob);

	if (!err && autob)
		err = -EINVAL;
	if (!err && u->passcred && !u->addr) {
		pthread_mutex_lock(&unix_lock);
		err = unix_autobind(u);
		pthread_mutex_unlock(&unix_lock);
	}
	return err;
}

/* The path of a path address, NUL-terminated (unix_mkname_bsd). */
static void addr_path(const struct sockaddr_storage *ss, socklen_t len, char *path)
{
	memcpy(path, ((const struct sockaddr_un *)ss)->sun_path, len - SUN_OFF);
	path[len - SUN_OFF] = 0;
}

static bool is_abstract(const struct sockaddr_storage *ss)
{
	return ((const struct sockaddr_un *)ss)->sun_path[0] == 0;
}

struct unix_addr *unix_addr_dup(const struct unix_addr *a)
{
	struct unix_addr *n = malloc(sizeof(*n));

	if (n)
		*n = *a;
	return n;
}

/* The live socket bound to an abstract name (unix_lock held). */
static struct unix_sock *find_abstract(const struct sockaddr_un *sun, socklen_t len)
{
	for (struct unix_sock *u = unix_all; u; u = u->all_next)
		if (u->bound && !u->addr->path && u->addr->len == len &&
		    !memcmp(&u->addr->sun, sun, len))
			return u;
	return NULL;
}

static struct unix_sock *find_inode(uint64_t dev, uint64_t ino)
{
	for (struct unix_sock *u = unix_all; u; u = u->all_next)
		if (u->bound && u->addr->path && u->addr->dev == dev && u->addr->ino == ino)
			return u;
	return NULL;
}

/* Give u the name a (taken); unix_lock held. */
static void set_addr(struct unix_sock *u, struct unix_addr *a)
{
	u->addr = a;
	u->bound = true;
}

int unix_autobind(struct unix_sock *u)
{
	static unsigned order;
	struct unix_addr *a;

	if (u->addr)
		return 0;
	a = calloc(1, sizeof(*a));
	if (!a)
		return -ENOMEM;
	a->sun.sun_family = AF_UNIX;
	a->len = SUN_OFF + 6;
	for (unsigned tries = 0; tries <= 0xfffff; tries++) {
		snprintf(a->sun.sun_path + 1, sizeof(a->sun.sun_path) - 1, "%05x",
			 order++ & 0xfffff);
		if (!find_abstract(&a->sun, a->len)) {
			set_addr(u, a);
			return 0;
		}
	}
	free(a);
	return -ENOSPC;
}

void unix_unbind(struct unix_sock *u)
{
	u->bound = false;
}

static int bind_abstract(struct unix_sock *u, struct unix_addr *a)
{
	int err = 0;

	pthread_mutex_lock(&unix_lock);
	if (u->addr)
		err = -EINVAL;
	else if (find_abstract(&a->sun, a->len))
		err = -EADDRINUSE;
	else
		set_addr(u, a);
	pthread_mutex_unlock(&unix_lock);
	return err;
}

/* A socket inode at path, made as mknod(S_IFSOCK) with the umask. */
static int bind_path(struct task *t, struct unix_sock *u, struct unix_addr *a)
{
	char path[sizeof(a->sun.sun_path) + 1];
	struct walk_result w;
	struct dentry *d;
	int err;

	addr_path((const struct sockaddr_storage *)&a->sun, a->len, path);
	a->len = (socklen_t)(SUN_OFF + strlen(path) + 1);
	a->path = true;
	pthread_mutex_lock(&unix_lock);
	err = u->addr ? -EINVAL : 0;
	pthread_mutex_unlock(&unix_lock);
	if (!err)
		err = vfs_walk(t, AT_FDCWD, path, WALK_PARENT, &w);
	if (err)
		return err;
	err = vfs_mknod(t, w.d, w.last, S_IFSOCK | (0777 & ~t->fs->umask), 0);
	if (err == -EEXIST)
		err = -EADDRINUSE;
	if (!err)
		err = vfs_lookup_one(w.d, w.last, &d);
	if (!err) {
		a->dev = d->inode->dev;
		a->ino = d->inode->ino;
		dentry_put(d);
		pthread_mutex_lock(&unix_lock);
		if (u->addr)
			err = -EINVAL;
		else
			set_addr(u, a);
		pthread_mutex_unlock(&unix_lock);
	}
	dentry_put(w.d);
	return err;
}

int unix_bind(struct task *t, struct socket *s, const struct sockaddr_storage *ss,
	      socklen_t len)
{
	struct unix_sock *u = unix_sk(s);
	struct unix_addr *a;
	bool autob;
	int err = unix_addr_check(ss, len, &autob);

	if (err)
		return err;
	if (autob) {            /* a bound socket keeps its name: 0, as Linux */
		pthread_mutex_lock(&unix_lock);
		err = unix_autobind(u);
		pthread_mutex_unlock(&unix_lock);
		return err;
	}
	a = calloc(1, sizeof(*a));
	if (!a)
		return -ENOMEM;
	memcpy(&a->sun, ss, len);
	a->len = len;
	err = is_abstract(ss) ? bind_abstract(u, a) : bind_path(t, u, a);
	if (err)
		free(a);
	return err;
}

/* Is an unbound socket file the host's (see the head of this file)? */
static bool host_backed(struct dentry *d)
{
	struct inode *ino = d->inode;

	if (d->mnt && d->mnt->fstype && !strcmp(d->mnt->fstype, "hostfs"))
		return true;
	return is_memfs(ino) && ((struct mnode *)ino)->lower;
}

/* A host socket file: its O_PATH fd if --host-uds lets this caller connect
 * to it, else ECONNREFUSED and a line that says why. */
static int host_socket(struct dentry *d, const char *path, int *host_pfd)
{
	struct inode *ino = d->inode;
	int fd;

	if (!net_host_uds || !host_pfd) {
		fprintf(stderr, net_host_uds ?
			"cvisor: datagrams to the host's unix socket %s refused "
			"(--host-uds connects stream and seqpacket sockets only)\n" :
			"cvisor: connect to the host's unix socket %s refused "
			"(use --host-uds to allow it)\n", path);
		return -ECONNREFUSED;
	}
	if (is_memfs(ino))              /* the overlay's host layer */
		ino = ((struct mnode *)ino)->lower;
	fd = hostfs_sock_fd(ino);
	if (fd < 0)
		return fd == -ENOTSOCK ? -ECONNREFUSED : fd;
	*host_pfd = fd;
	return 0;
}

/* Linux's unix_find_bsd: the walk, write permission, a socket inode, its socket. */
static int find_path(struct task *t, const struct sockaddr_storage *ss, socklen_t len,
		     struct unix_sock **out, int *host_pfd)
{
	char path[sizeof(((struct sockaddr_un *)0)->sun_path) + 1];
	struct walk_result w;
	struct inode *ino;
	int err;

	addr_path(ss, len, path);
	err = vfs_walk(t, AT_FDCWD, path, WALK_FOLLOW, &w);
	if (err)
		return err;
	ino = w.d->inode;
	err = vfs_may(t, ino, W_OK);
	if (!err && !S_ISSOCK(ino->mode))
		err = -ECONNREFUSED;
	if (!err) {
		pthread_mutex_lock(&unix_lock);
		*out = find_inode(ino->dev, ino->ino);
		if (*out)
			(*out)->refs++;
		pthread_mutex_unlock(&unix_lock);
		if (!*out)
			err = host_backed(w.d) ? host_socket(w.d, path, host_pfd) : -ECONNREFUSED;
	}
	dentry_put(w.d);
	return err;
}

int unix_find(struct task *t, const struct sockaddr_storage *ss, socklen_t len, int type,
	      struct unix_sock **out, int *host_pfd)
{
	int err = 0;

	*out = NULL;
	if (is_abstract(ss)) {
		pthread_mutex_lock(&unix_lock);
		*out = find_abstract((const struct sockaddr_un *)ss, len);
		if (*out)
			(*out)->refs++;
		pthread_mutex_unlock(&unix_lock);
		if (!*out)
			return -ECONNREFUSED;
	} else {
		err = find_path(t, ss, len, out, host_pfd);
		if (err || !*out)       /* !*out: a host socket, its type the host's to check */
			return err;
	}
	if ((*out)->type != type) {
		pthread_mutex_lock(&unix_lock);
		unix_sock_put(*out);
		pthread_mutex_unlock(&unix_lock);
		*out = NULL;
		return -EPROTOTYPE;
	}
	return 0;
}

size_t unix_addr_show(const struct unix_addr *a, char *buf, size_t len)
{
	size_t n = a->len - SUN_OFF, i;

	if (a->path)
		return (size_t)snprintf(buf, len, "%s", a->sun.sun_path);
	for (i = 0; i < n && i + 1 < len; i++)
		buf[i] = a->sun.sun_path[i] ? a->sun.sun_path[i] : '@';
	buf[i] = 0;
	return i;
}
