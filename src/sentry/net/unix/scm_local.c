/* SPDX-License-Identifier: MIT */
/*
 * A STAND-IN for net/unix/scm.c (branch wt-scm), SCM_CREDENTIALS only, so
 * that AF_UNIX builds and runs before that branch is merged.  Delete this
 * file when merging wt-scm (both define the functions of scm.h).
 */
#include <errno.h>
#include <string.h>

#include "net/unix/scm.h"

int scm_send(struct task *t, struct socket *s, const struct sock_msg *m, struct scm *out)
{
	const struct creds *c = &t->tg->cred;
	size_t off;

	(void)s;
	memset(out, 0, sizeof(*out));
	for (off = 0; off + sizeof(struct cmsghdr) <= m->ctllen;) {
		const struct cmsghdr *h = (const struct cmsghdr *)(m->ctl + off);
		struct ucred u;

		if (h->cmsg_level != SOL_SOCKET || h->cmsg_type != SCM_CREDENTIALS ||
		    h->cmsg_len != CMSG_LEN(sizeof(u)))
			return -EINVAL;
		memcpy(&u, CMSG_DATA(h), sizeof(u));
		if ((u.pid != t->tg->pid && !capable(c, 21 /* CAP_SYS_ADMIN */)) ||
		    (u.uid != c->uid && u.uid != c->euid && u.uid != c->suid &&
		     !capable(c, 7 /* CAP_SETUID */)) ||
		    (u.gid != c->gid && u.gid != c->egid && u.gid != c->sgid &&
		     !capable(c, 6 /* CAP_SETGID */)))
			return -EPERM;
		out->has_creds = true;
		out->creds = u;
		off += CMSG_ALIGN(h->cmsg_len);
	}
	return 0;
}

void scm_recv(struct task *t, struct socket *s, struct scm *scm, struct sock_msg *m,
	      int flags, bool passcred)
{
	struct ucred u = { 0, 65534, 65534 };
	struct cmsghdr h = { .cmsg_len = CMSG_LEN(sizeof(u)), .cmsg_level = SOL_SOCKET,
			     .cmsg_type = SCM_CREDENTIALS };

	(void)t, (void)s, (void)flags;
	if (!passcred || !m->ctl) {
		m->ctllen = 0;
		return;
	}
	if (m->ctllen < CMSG_SPACE(sizeof(u))) {
		m->msg_flags |= MSG_CTRUNC;
		m->ctllen = 0;
		return;
	}
	if (scm && scm->has_creds)
		u = scm->creds;
	memcpy(m->ctl, &h, sizeof(h));
	memcpy(CMSG_DATA((struct cmsghdr *)m->ctl), &u, sizeof(u));
	m->ctllen = CMSG_SPACE(sizeof(u));
}

void scm_destroy(struct scm *scm)
{
	(void)scm;
}

void unix_gc(void)
{
}
