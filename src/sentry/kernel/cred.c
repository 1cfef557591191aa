/* SPDX-License-Identifier: MIT */
/*
 * The application's credentials, with Linux's rules (kernel/sys.c,
 * kernel/capability.c, security/commoncap.c): what set*uid does to the
 * capability sets, capset's subset rules, the capability prctls and the
 * securebits, the credentials execve gives a program from its set-id bits
 * and file capabilities, who may signal whom or read another process's
 * /proc files, and what runc's init leaves a container's process.
 *
 * Linux keeps credentials per thread; the sentry keeps them per thread
 * group (glibc and libcap apply set*id and capset to every thread anyway).
 * Ids are the sandbox's own: "root" is uid 0 of its user namespace, and an
 * id the sandbox's id map does not map is invalid, as in the kernel.
 */
#include <endian.h>
#include <errno.h>
#include <linux/capability.h>
#include <linux/securebits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>

#include "kernel/kernel.h"

#define BIT(c) (1ULL << (c))

/* The capabilities that follow fsuid (CAP_FS_MASK of the kernel's
 * linux/capability.h, as a 6.18 host drops them). */
#define CAP_FS_MASK (BIT(CAP_CHOWN) | BIT(CAP_MKNOD) | BIT(CAP_DAC_OVERRIDE) | \
		     BIT(CAP_DAC_READ_SEARCH) | BIT(CAP_FOWNER) | BIT(CAP_FSETID) | \
		     BIT(CAP_LINUX_IMMUTABLE) | BIT(CAP_MAC_OVERRIDE))

/* What the host kernel shows for an id its user namespace does not map. */
#define OVERFLOW_ID 65534

static bool issecure(const struct creds *c, int bit)
{
	return (c->securebits >> bit) & 1;
}

/* Is id (of the sandbox's view) in map, /proc's "inside outside count"
 * lines?  A NULL map is the identity over every id. */
bool id_mapped(const char *map, uint32_t id)
{
	const char *p = map;

	if (id == (uint32_t)-1)
		return false;
	if (!map)
		return true;
	for (;;) {
		unsigned long in, out, n;
		int len = 0;

		if (sscanf(p, " %lu %lu %lu%n", &in, &out, &n, &len) != 3 || !len)
			return false;
		if (id >= in && id - in < n)
			return true;
		p += len;
	}
}

bool uid_valid(uint32_t uid)
{
	return id_mapped(sandbox.uid_map, uid);
}

bool gid_valid(uint32_t gid)
{
	return id_mapped(sandbox.gid_map, gid);
}

static int cmp_gid(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;

	return x < y ? -1 : x > y;
}

/* set_groups(): the supplementary groups, kept sorted as getgroups shows
 * them (at most 32 here; Linux allows 65536). */
void cred_set_groups(struct creds *c, const uint32_t *gids, int n)
{
	c->ngroups = 0;
	for (int i = 0; i < n && i < 32; i++)
		c->groups[c->ngroups++] = gids[i];
	qsort(c->groups, c->ngroups, sizeof(c->groups[0]), cmp_gid);
}

/* in_group_p(): the fsgid or a supplementary group. */
bool in_group(const struct creds *c, uint32_t gid)
{
	if (gid == c->fsgid)
		return true;
	for (uint32_t i = 0; i < c->ngroups && i < 32; i++)
		if (c->groups[i] == gid)
			return true;
	return false;
}

/*
 * capable_wrt_inode_uidgid(): a capability over a file counts only if the
 * file's owner and group are mapped in the sandbox.  The host shows an
 * unmapped owner as the overflow id, so that one is unmapped unless the
 * map itself has it.
 */
bool capable_wrt_ids(const struct creds *c, int cap, uint32_t uid, uint32_t gid)
{
	return capable(c, cap) && (uid != OVERFLOW_ID || uid_valid(uid)) &&
	       (gid != OVERFLOW_ID || gid_valid(gid));
}

/*
 * cap_task_fix_setuid(): the capability sets follow uid changes unless
 * SECBIT_NO_SETUID_FIXUP.  Leaving uid 0 in all of real, effective and
 * saved clears permitted and effective (not with SECBIT_KEEP_CAPS) and
 * always ambient; effective follows euid leaving or reaching 0.  A change
 * of fsuid (fs) moves only the file-system capabilities in effective.
 */
void cred_fix_setuid(struct creds *new, const struct creds *old, bool fs)
{
	if (issecure(old, SECURE_NO_SETUID_FIXUP))
		return;
	if (fs) {
		if (!old->fsuid && new->fsuid)
			new->cap_eff &= ~CAP_FS_MASK;
		if (old->fsuid && !new->fsuid)
			new->cap_eff |= new->cap_perm & CAP_FS_MASK;
		return;
	}
	if ((!old->uid || !old->euid || !old->suid) && new->uid && new->euid && new->suid) {
		if (!issecure(old, SECURE_KEEP_CAPS)) {
			new->cap_perm = 0;
			new->cap_eff = 0;
		}
		/* programs from before ambient expect setuid+exec to drop all */
		new->cap_amb = 0;
	}
	if (!old->euid && new->euid)
		new->cap_eff = 0;
	if (old->euid && !new->euid)
		new->cap_eff = new->cap_perm;
}

/*
 * cap_capset(): inheritable grows only within permitted (unless
 * CAP_SETPCAP) and never beyond the bounding set; permitted only shrinks;
 * effective stays within the new permitted; ambient within both.
 */
int cred_capset(struct creds *c, uint64_t eff, uint64_t inh, uint64_t perm)
{
	if (!capable(c, CAP_SETPCAP) && (inh & ~(c->cap_inh | c->cap_perm)))
		return -EPERM;
	if (inh & ~(c->cap_inh | c->cap_bnd))
		return -EPERM;
	if (perm & ~c->cap_perm)
		return -EPERM;
	if (eff & ~perm)
		return -EPERM;
	c->cap_eff = eff;
	c->cap_inh = inh;
	c->cap_perm = perm;
	c->cap_amb &= perm & inh;
	return 0;
}

/* Did ids or capabilities change as commit_creds() counts it? */
static bool dumpability_changed(const struct creds *old, const struct creds *new)
{
	return old->euid != new->euid || old->egid != new->egid ||
	       old->fsuid != new->fsuid || old->fsgid != new->fsgid ||
	       (new->cap_perm & ~old->cap_perm);
}

/*
 * commit_creds(): install new credentials.  A process whose ids or
 * permitted set change this way is no longer dumpable (fs.suid_dumpable
 * is 0) and loses its parent-death signal.
 */
void cred_commit(struct thread_group *tg, const struct creds *new)
{
	pthread_mutex_lock(&tg->lock);
	if (dumpability_changed(&tg->cred, new)) {
		tg->undumpable = true;
		tg->pdeathsig = 0;
	}
	tg->cred = *new;
	pthread_mutex_unlock(&tg->lock);
}

/* SECURE_ALL_BITS of Linux 6.1, the kernel the sandbox reports */
#define SECURE_BITS (SECURE_ALL_BITS | SECURE_ALL_LOCKS)

static long set_securebits(struct creds *c, uint64_t bits)
{
	/* no change of a locked bit, no unlock, no unknown bit, and
	 * CAP_SETPCAP for anything (the "sendmail capabilities bug") */
	if ((((c->securebits & SECURE_ALL_LOCKS) >> 1) & (c->securebits ^ bits)) ||
	    (c->securebits & SECURE_ALL_LOCKS & ~bits) || (bits & ~(uint64_t)SECURE_BITS) ||
	    !capable(c, CAP_SETPCAP))
		return -EPERM;
	c->securebits = (uint32_t)bits;
	return 0;
}

static long ambient(struct creds *c, uint64_t op, uint64_t cap, uint64_t a4, uint64_t a5)
{
	if (op == PR_CAP_AMBIENT_CLEAR_ALL) {
		if (cap || a4 || a5)
			return -EINVAL;
		c->cap_amb = 0;
		return 0;
	}
	if (cap > CAP_LAST_CAP || a4 || a5)
		return -EINVAL;
	switch (op) {
	case PR_CAP_AMBIENT_IS_SET:
		return (c->cap_amb >> cap) & 1;
	case PR_CAP_AMBIENT_RAISE:
		if (!((c->cap_perm & c->cap_inh) >> cap & 1) ||
		    issecure(c, SECURE_NO_CAP_AMBIENT_RAISE))
			return -EPERM;
		c->cap_amb |= BIT(cap);
		return 0;
	case PR_CAP_AMBIENT_LOWER:
		c->cap_amb &= ~BIT(cap);
		return 0;
	}
	return -EINVAL;
}

/*
 * cap_task_prctl(): PR_CAPBSET_READ/DROP, PR_GET/SET_SECUREBITS,
 * PR_GET/SET_KEEPCAPS and PR_CAP_AMBIENT, arg[] being arg2..arg5.
 */
long cred_prctl(struct thread_group *tg, int option, const uint64_t arg[4])
{
	struct creds c;
	long ret;

	pthread_mutex_lock(&tg->lock);
	c = tg->cred;
	pthread_mutex_unlock(&tg->lock);
	switch (option) {
	case PR_CAPBSET_READ:
		return arg[0] > CAP_LAST_CAP ? -EINVAL : (long)((c.cap_bnd >> arg[0]) & 1);
	case PR_CAPBSET_DROP:
		if (!capable(&c, CAP_SETPCAP))
			return -EPERM;
		if (arg[0] > CAP_LAST_CAP)
			return -EINVAL;
		c.cap_bnd &= ~BIT(arg[0]);
		ret = 0;
		break;
	case PR_GET_SECUREBITS:
		return c.securebits;
	case PR_SET_SECUREBITS:
		ret = set_securebits(&c, arg[0]);
		break;
	case PR_GET_KEEPCAPS:
		return issecure(&c, SECURE_KEEP_CAPS);
	case PR_SET_KEEPCAPS:
		if (arg[0] > 1)
			return -EINVAL;
		if (issecure(&c, SECURE_KEEP_CAPS_LOCKED))
			return -EPERM;
		c.securebits = arg[0] ? c.securebits | SECBIT_KEEP_CAPS
				      : c.securebits & ~SECBIT_KEEP_CAPS;
		ret = 0;
		break;
	case PR_CAP_AMBIENT:
		ret = ambient(&c, arg[0], arg[1], arg[2], arg[3]);
		if (arg[0] == PR_CAP_AMBIENT_IS_SET)
			return ret;
		break;
	default:
		return -EINVAL;
	}
	if (!ret)
		cred_commit(tg, &c);
	return ret;
}

/*
 * get_vfs_caps_from_disk(): the program's file capabilities from its
 * security.capability (v1, v2 or v3), as the host shows it to the sentry,
 * which shares the sandbox's user namespace: a v3 whose root id is the
 * sandbox's root comes as v2, so a v3 left belongs to another root and
 * gives nothing here.  0 with the sets, -ENODATA for none, -EINVAL.
 */
static int file_caps(const struct exec_file *f, uint64_t *fp, uint64_t *fi, bool *fe)
{
	const struct vfs_ns_cap_data *d = (const void *)f->caps;
	uint32_t magic;
	int words;

	if (f->caps_len < 0 || f->nosuid)
		return -ENODATA;
	if (f->caps_len < 4)
		return -EINVAL;
	magic = le32toh(d->magic_etc);
	switch (magic & VFS_CAP_REVISION_MASK) {
	case VFS_CAP_REVISION_1:
		words = VFS_CAP_U32_1;
		if (f->caps_len != XATTR_CAPS_SZ_1)
			return -EINVAL;
		break;
	case VFS_CAP_REVISION_2:
		words = VFS_CAP_U32_2;
		if (f->caps_len != XATTR_CAPS_SZ_2)
			return -EINVAL;
		break;
	case VFS_CAP_REVISION_3:
		if (f->caps_len != XATTR_CAPS_SZ_3)
			return -EINVAL;
		if (le32toh(d->rootid))
			return -ENODATA;
		words = VFS_CAP_U32_3;
		break;
	default:
		return -EINVAL;
	}
	*fp = *fi = 0;
	for (int i = 0; i < words; i++) {
		*fp |= (uint64_t)le32toh(d->data[i].permitted) << (32 * i);
		*fi |= (uint64_t)le32toh(d->data[i].inheritable) << (32 * i);
	}
	*fp &= CAP_ALL_MASK;
	*fi &= CAP_ALL_MASK;
	*fe = magic & VFS_CAP_FLAGS_EFFECTIVE;
	return 0;
}

/*
 * bprm_fill_uid(): a set-user-ID (set-group-ID with group execute) program
 * runs with its owner (group) as effective id, unless the caller has
 * no_new_privs, the mount is nosuid, or the sandbox does not map the
 * file's owner and group.
 */
static void fill_uid(struct creds *new, bool nnp, const struct exec_file *f)
{
	if (nnp || f->nosuid || !(f->mode & (S_ISUID | S_ISGID)))
		return;
	if ((f->uid == OVERFLOW_ID && !uid_valid(f->uid)) ||
	    (f->gid == OVERFLOW_ID && !gid_valid(f->gid)))
		return;
	if (f->mode & S_ISUID)
		new->euid = f->uid;
	if ((f->mode & (S_ISGID | S_IXGRP)) == (S_ISGID | S_IXGRP))
		new->egid = f->gid;
}

/*
 * handle_privileged_root(): unless SECBIT_NOROOT, uid 0 (real or
 * effective) gets bounding | inheritable as if the file had every
 * capability, and an effective uid 0 makes them effective.  Not for a
 * set-user-ID-root program that also has file capabilities, run by
 * someone else: then only the file capabilities count.
 */
static void privileged_root(const struct creds *old, struct creds *new, bool has_fcap,
			    bool *effective)
{
	if (issecure(old, SECURE_NOROOT))
		return;
	if (has_fcap && new->uid && !new->euid)
		return;
	if (!new->euid || !new->uid)
		new->cap_perm = old->cap_bnd | old->cap_inh;
	if (!new->euid)
		*effective = true;
}

/*
 * cap_bprm_creds_from_file() with bprm_fill_uid(): the credentials after
 * exec of the program f.  Returns -EPERM for a program whose file
 * capabilities the bounding set would cut while it counts on them (fE),
 * -EINVAL for a malformed security.capability.  *secure: AT_SECURE.
 */
int cred_exec(const struct creds *old, bool nnp, const struct exec_file *f,
	      struct creds *new, bool *secure)
{
	uint64_t fp = 0, fi = 0;
	bool effective = false, has_fcap, id_changed;
	int err;

	*new = *old;
	fill_uid(new, nnp, f);
	new->cap_perm = 0;
	err = file_caps(f, &fp, &fi, &effective);
	if (err == -EINVAL)
		return err;
	has_fcap = !err;
	if (has_fcap) {
		/* pP' = (X & fP) | (pI & fI) */
		new->cap_perm = (old->cap_bnd & fp) | (old->cap_inh & fi);
		if (effective && (fp & ~new->cap_perm))
			return -EPERM;
	}
	privileged_root(old, new, has_fcap, &effective);
	/* no_new_privs: no more than before (there is no tracer to check) */
	id_changed = new->euid != old->euid || !in_group(new, new->egid);
	if ((id_changed || (new->cap_perm & ~old->cap_perm)) && nnp) {
		new->euid = new->uid;
		new->egid = new->gid;
		new->cap_perm &= old->cap_perm;
	}
	new->suid = new->fsuid = new->euid;
	new->sgid = new->fsgid = new->egid;
	if (has_fcap || id_changed)
		new->cap_amb = 0;
	new->cap_perm |= new->cap_amb;
	new->cap_eff = effective ? new->cap_perm : new->cap_amb;
	new->securebits &= ~SECBIT_KEEP_CAPS;
	*secure = id_changed || new->euid != old->uid || new->egid != old->gid ||
		  (new->uid && (effective || (new->cap_perm & ~new->cap_amb)));
	return 0;
}

/*
 * begin_new_exec() and commit_creds() for the new credentials: the new
 * program is dumpable unless it is privileged or was started by a set-id
 * process; a privileged one loses the parent-death signal.
 */
void cred_exec_commit(struct thread_group *tg, const struct creds *new, bool secure)
{
	pthread_mutex_lock(&tg->lock);
	tg->undumpable = dumpability_changed(&tg->cred, new) ||
			 tg->cred.euid != tg->cred.uid || tg->cred.egid != tg->cred.gid;
	if (secure || dumpability_changed(&tg->cred, new))
		tg->pdeathsig = 0;
	tg->cred = *new;
	pthread_mutex_unlock(&tg->lock);
}

/*
 * access() and faccessat() without AT_EACCESS check with the real ids:
 * fsuid and fsgid become uid and gid, and a non-root caller's capabilities
 * are cleared (root's are its permitted set), unless SECBIT_NO_SETUID_FIXUP.
 */
void cred_access(const struct creds *c, struct creds *out)
{
	*out = *c;
	out->fsuid = c->uid;
	out->fsgid = c->gid;
	if (issecure(c, SECURE_NO_SETUID_FIXUP))
		return;
	if (c->uid)
		out->cap_eff = 0;
	else if (!issecure(c, SECURE_NOROOT))
		out->cap_eff = c->cap_perm;
}

/*
 * kill_ok_by_cred(): a signal from outside the process needs the sender's
 * real or effective uid to be the target's real or saved uid, or
 * CAP_KILL; SIGCONT is allowed within a session.
 */
bool may_signal(const struct thread_group *from, const struct thread_group *to, int sig)
{
	const struct creds *c = &from->cred, *tc = &to->cred;

	if (from == to || c->euid == tc->suid || c->euid == tc->uid || c->uid == tc->suid ||
	    c->uid == tc->uid || capable(c, CAP_KILL))
		return true;
	return sig == SIGCONT && from->sid == to->sid;
}

/*
 * __ptrace_may_access(PTRACE_MODE_READ_FSCREDS) with cap_ptrace_access_check():
 * reading another process's memory, fds and links takes the same uid and
 * gid as all of its own and at least its permitted capabilities, a
 * dumpable target, or else CAP_SYS_PTRACE.
 */
bool ptrace_may_read(const struct creds *c, const struct creds *tc, bool undumpable)
{
	bool same = c->fsuid == tc->uid && c->fsuid == tc->euid && c->fsuid == tc->suid &&
		    c->fsgid == tc->gid && c->fsgid == tc->egid && c->fsgid == tc->sgid;

	if (capable(c, CAP_SYS_PTRACE))
		return true;
	return same && !undumpable && !(tc->cap_perm & ~c->cap_eff);
}

/*
 * __ptrace_may_access(PTRACE_MODE_*_REALCREDS) of t on tg: the rule above
 * with the caller's real ids for its fs ones (kcmp, process_vm_readv).
 */
bool ptrace_may_access_real(struct task *t, struct thread_group *tg)
{
	struct creds c, tc;
	bool undumpable;

	if (t->tg == tg)
		return true;
	pthread_mutex_lock(&t->tg->lock);
	c = t->tg->cred;
	pthread_mutex_unlock(&t->tg->lock);
	c.fsuid = c.uid;
	c.fsgid = c.gid;
	pthread_mutex_lock(&tg->lock);
	tc = tg->cred;
	undumpable = tg->undumpable;
	pthread_mutex_unlock(&tg->lock);
	return ptrace_may_read(&c, &tc, undumpable);
}

/*
 * The credentials runc's init leaves for the config's process before its
 * execve (libcontainer's finalizeNamespace): starting as root with every
 * capability, the bounding set is applied, the user set with
 * PR_SET_KEEPCAPS (setgroups, setgid, setuid), KEEPCAPS cleared, then
 * effective, permitted and inheritable set by capset (an impossible
 * combination is runc's "unable to apply caps": EPERM) and each ambient
 * capability raised where Linux lets it be (runc ignores the others).
 */
int cred_oci_init(struct creds *c, const struct spawn *sp)
{
	struct creds old;

	memset(c, 0, sizeof(*c));
	c->cap_eff = c->cap_perm = CAP_ALL_MASK;
	c->cap_bnd = sp->cap_bnd & CAP_ALL_MASK;
	if (!uid_valid(sp->uid) || !gid_valid(sp->gid))
		return -EINVAL;
	cred_set_groups(c, sp->gids, sp->ngids);
	c->gid = c->egid = c->sgid = c->fsgid = sp->gid;
	c->securebits = SECBIT_KEEP_CAPS;
	old = *c;
	c->uid = c->euid = c->suid = c->fsuid = sp->uid;
	cred_fix_setuid(c, &old, false);
	c->securebits = 0;
	if (cred_capset(c, sp->cap_eff & CAP_ALL_MASK, sp->cap_inh & CAP_ALL_MASK,
			sp->cap_perm & CAP_ALL_MASK))
		return -EPERM;
	for (int cap = 0; cap <= CAP_LAST_CAP; cap++)
		if ((sp->cap_amb >> cap) & 1)
			ambient(c, PR_CAP_AMBIENT_RAISE, (uint64_t)cap, 0, 0);
	return 0;
}
