/* SPDX-License-Identifier: MIT */
/*
 * Ancillary data of AF_UNIX messages (net/unix/scm.c), as Linux's
 * net/core/scm.c and net/unix/scm.c + garbage.c: SCM_RIGHTS (sentry files,
 * host-backed or not, with in-flight accounting and a collector of
 * unreachable cycles, Linux's unix_gc) and SCM_CREDENTIALS.
 *
 * The AF_UNIX family (net/unix/) keeps a struct scm with each queued
 * message that carried one; scm.c never looks inside a queue except
 * through the walkers below, which the family provides.
 */
#ifndef CVISOR_NET_UNIX_SCM_H
#define CVISOR_NET_UNIX_SCM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>

#include "net/socket.h"

#define SCM_MAX_FD 253          /* Linux's: more in one message is EINVAL */

struct scm {
	struct file **fp;       /* references, taken at send */
	int nfp;
	uint32_t user;          /* the uid charged for fp (Linux's fpl->user) */
	bool has_creds;
	struct ucred creds;     /* pid, uid, gid, as the sandbox numbers them */
};

/*
 * Parse the control messages of a send on s (m->ctl, m->ctllen, well formed
 * by net/socket.c): SCM_RIGHTS fds of t (EBADF, EINVAL past SCM_MAX_FD,
 * ETOOMANYREFS past the sender's in-flight limit), SCM_CREDENTIALS checked
 * as Linux's scm_check_creds (EPERM); any other level/type: EINVAL.
 * *out holds the references (scm_destroy drops them); the files are
 * in flight from scm_send until they are received or destroyed.
 */
int scm_send(struct task *t, struct socket *s, const struct sock_msg *m, struct scm *out);

/*
 * Deliver scm to a receiver: write SCM_CREDENTIALS (when passcred: the
 * receiving socket asked with SO_PASSCRED, Linux's rule) and SCM_RIGHTS
 * into m->ctl (room m->ctllen in, bytes written out), installing the
 * files in t's fd table (O_CLOEXEC with MSG_CMSG_CLOEXEC); what does not
 * fit is dropped and MSG_CTRUNC set in m->rflags.  With MSG_PEEK the
 * files are installed but stay in flight (scm is kept).
 */
void scm_recv(struct task *t, struct socket *s, struct scm *scm, struct sock_msg *m,
	      int flags, bool passcred);

/* Drop the references of scm (a message freed unread). */
void scm_destroy(struct scm *scm);

/* --- the collector's view of AF_UNIX, provided by net/unix/ --- */

/* The AF_UNIX socket of f, NULL if f is not one. */
struct socket *unix_sock_of(struct file *f);
/* Call fn for every struct scm queued on s (its receive queue, and for a
 * listener the receive queues of its not yet accepted connections). */
void unix_for_each_scm(struct socket *s, void (*fn)(struct scm *scm, void *arg), void *arg);
/* Free every queued message of s (a cycle found unreachable). */
void unix_purge_queue(struct socket *s);

/* Run the collector (after a release of an AF_UNIX socket that had files
 * in flight, as unix_release_sock does). */
void unix_gc(void);

#endif
