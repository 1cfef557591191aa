/* SPDX-License-Identifier: MIT */
/*
 * The sentry's control socket (cvisor create/start/kill/exec): a
 * SOCK_SEQPACKET unix socket in the container's state directory, one
 * request per connection, one message per request:
 *
 *   start                     let init run its first instruction
 *   kill SIG ALL              SIG to init, or (ALL=1) to every process
 *   exec JSON + 3 fds         a new process: {"args","env","cwd","uid","gid",
 *                             "gids","umask","noNewPrivileges","caps":{"eff",
 *                             "perm","bnd","inh","amb"}} with the caller's
 *                             stdio (SCM_RIGHTS); replies
 *                             "ok PID", later "exit STATUS" at its exit
 *
 * Replies are "ok ..." or "err MESSAGE".  Requests come from the CLI run by
 * the engine on the host (the socket is 0600 in a 0700 directory).
 */
#include <errno.h>
#include <jansson.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include "boot/boot.h"
#include "kernel/kernel.h"
#include "mm/mm.h"
#include "vfs/vfs.h"

#define MAX_REQ 65536

static void reply(int fd, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void reply(int fd, const char *fmt, ...)
{
	char buf[4096];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	if (n > (int)sizeof(buf) - 1)
		n = sizeof(buf) - 1;
	if (send(fd, buf, (size_t)n, MSG_NOSIGNAL) < 0) {
		/* the CLI went away: nothing to tell */
	}
}

/* Read one request and the fds that came with it. */
static ssize_t recv_req(int fd, char *buf, size_t len, int fds[3])
{
	char cbuf[CMSG_SPACE(3 * sizeof(int))];
	struct iovec iov = { buf, len - 1 };
	struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1,
			     .msg_control = cbuf, .msg_controllen = sizeof(cbuf) };
	ssize_t n = recvmsg(fd, &mh, MSG_CMSG_CLOEXEC);

	fds[0] = fds[1] = fds[2] = -1;
	if (n < 0)
		return -errno;
	buf[n] = 0;
	for (struct cmsghdr *c = CMSG_FIRSTHDR(&mh); c; c = CMSG_NXTHDR(&mh, c))
		if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_RIGHTS) {
			size_t k = (c->cmsg_len - CMSG_LEN(0)) / sizeof(int);

			memcpy(fds, CMSG_DATA(c), (k > 3 ? 3 : k) * sizeof(int));
			for (size_t i = 3; i < k; i++)
				close(((int *)CMSG_DATA(c))[i]);
		}
	return n;
}

/* Returns 1 when the sandbox ends here (a fatal signal before start). */
static int do_kill(int fd, const char *args, bool started)
{
	int sig = 0, all = 0;

	if (sscanf(args, "%d %d", &sig, &all) < 1 || sig < 1 || sig > NSIG_LINUX) {
		reply(fd, "err invalid signal");
		return 0;
	}
	if (!started) {
		reply(fd, "ok");
		if (!sig_default_fatal(sig))
			return 0;
		sandbox.exit_status = W_EXITCODE(0, sig);
		return 1;
	}
	if (!all) {
		send_signal_tg(sandbox.init, sig);
	} else {
		/* by pid, so that no sandbox lock is held while signalling */
		for (pid_t pid = 1; pid < sandbox.next_pid; pid++) {
			struct thread_group *tg = tg_find(pid);

			if (tg && !tg->zombie)
				send_signal_tg(tg, sig);
			if (tg)
				tg_put(tg);
		}
	}
	reply(fd, "ok");
	return 0;
}

static char **json_strv(json_t *a)
{
	size_t i, n = json_is_array(a) ? json_array_size(a) : 0;
	char **v = calloc(n + 1, sizeof(char *));
	json_t *e;

	if (!v)
		return NULL;
	json_array_foreach(a, i, e) {
		if (!json_is_string(e)) {
			free(v);
			return NULL;
		}
		v[i] = (char *)json_string_value(e);
	}
	return v;
}

/* The request's "gids" array, at most 32 of them. */
static int json_gids(json_t *a, uint32_t gids[32])
{
	size_t i, n = 0;
	json_t *e;

	json_array_foreach(a, i, e)
		if (json_is_integer(e) && n < 32)
			gids[n++] = (uint32_t)json_integer_value(e);
	return (int)n;
}

/* The request's "caps" masks, or init's sets if it has none. */
static void json_caps(json_t *c, struct spawn *sp)
{
	const struct creds *ic = &sandbox.init->cred;

	sp->cap_eff = c ? (uint64_t)json_integer_value(json_object_get(c, "eff")) : ic->cap_eff;
	sp->cap_perm = c ? (uint64_t)json_integer_value(json_object_get(c, "perm")) : ic->cap_perm;
	sp->cap_bnd = c ? (uint64_t)json_integer_value(json_object_get(c, "bnd")) : ic->cap_bnd;
	sp->cap_inh = c ? (uint64_t)json_integer_value(json_object_get(c, "inh")) : ic->cap_inh;
	sp->cap_amb = c ? (uint64_t)json_integer_value(json_object_get(c, "amb")) : ic->cap_amb;
}

/* A new process in the running sandbox; fd becomes its exit report. */
static void do_exec(int fd, const char *args, const int stdio[3])
{
	json_t *j = json_loads(args, 0, NULL);
	char **argv = j ? json_strv(json_object_get(j, "args")) : NULL;
	char **envp = j ? json_strv(json_object_get(j, "env")) : NULL;
	json_t *umask = json_object_get(j, "umask");
	uint32_t gids[32];
	struct spawn sp = {
		.argv = argv, .envp = envp,
		.cwd = json_string_value(json_object_get(j, "cwd")),
		.uid = (uint32_t)json_integer_value(json_object_get(j, "uid")),
		.gid = (uint32_t)json_integer_value(json_object_get(j, "gid")),
		.gids = gids, .ngids = json_gids(json_object_get(j, "gids"), gids),
		.no_new_privs = json_is_true(json_object_get(j, "noNewPrivileges")),
		.umask = umask ? (int)json_integer_value(umask) : -1,
	};
	struct thread_group *tg = NULL;
	struct task *t = NULL;
	int err = -EINVAL;

	json_caps(json_object_get(j, "caps"), &sp);
	if (argv && argv[0] && envp) {
		sp.prog = argv[0];
		tg = tg_new(argv[0]);
		err = tg ? spawn_process(tg, fs_new(sandbox.root_fs->root), &sp, stdio, &t)
			 : -ENOMEM;
	}
	if (!err) {
		tg->exit_notify_fd = fd;
		reply(fd, "ok %d", tg->pid);
		err = task_release(t);
	}
	if (err) {
		reply(fd, "err %s: %s", argv && argv[0] ? argv[0] : "exec", strerror(-err));
		if (tg && tg->mm)
			stub_proc_kill(tg->mm->proc);
		if (tg) {
			/* its files go back now: the caller's stdio kept open
			 * here would keep an engine reading it waiting for ever
			 * (as fork_undo() does for a fork) */
			struct fd_table *fdt;

			pthread_mutex_lock(&tg->lock);
			fdt = tg->fdt;
			tg->fdt = NULL;
			pthread_mutex_unlock(&tg->lock);
			fdt_put(fdt);
			tg->reaped = true;
		}
		close(fd);
	}
	free(argv);
	free(envp);
	json_decref(j);
}

int control_serve(int listen_fd, bool *started)
{
	struct timeval tv = { 2, 0 };
	char *buf = malloc(MAX_REQ);
	int fd = accept4(listen_fd, NULL, NULL, SOCK_CLOEXEC), stdio[3], ret = 0;
	bool keep = false;

	if (fd < 0 || !buf) {
		free(buf);
		if (fd >= 0)
			close(fd);
		return 0;
	}
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	if (recv_req(fd, buf, MAX_REQ, stdio) <= 0) {
		/* nothing read */
	} else if (!strcmp(buf, "start")) {
		if (*started)
			reply(fd, "err the container is already running");
		else
			reply(fd, "ok");
		*started = true;
	} else if (!strncmp(buf, "kill ", 5)) {
		ret = do_kill(fd, buf + 5, *started);
	} else if (!strncmp(buf, "pids ", 5)) {
		/* cvisor update --pids-limit: the count fork and clone check */
		long n = strtol(buf + 5, NULL, 10);

		__atomic_store_n(&sandbox.pids_max, n > 0 && n < INT32_MAX ? (int)n : 0,
				 __ATOMIC_RELAXED);
		reply(fd, "ok");
	} else if (!strncmp(buf, "exec ", 5) && *started) {
		do_exec(fd, buf + 5, stdio);
		keep = true;
	} else {
		reply(fd, "err unknown request");
	}
	for (int i = 0; i < 3; i++)
		if (stdio[i] >= 0)
			close(stdio[i]);
	if (!keep)
		close(fd);
	free(buf);
	return ret;
}
