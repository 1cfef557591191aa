/* SPDX-License-Identifier: MIT */
/*
 * Core dumps (Linux's fs/coredump.c and binfmt_elf.c's elf_core_dump).
 *
 * A process that dies of a signal whose default action dumps core, while
 * its RLIMIT_CORE is above 0 and it is dumpable, has an ELF core file
 * written as Linux writes it with core_pattern "core": "core" in its
 * working directory, an existing one unlinked first, created 0600 for
 * the process's fs ids through the sandbox's VFS (so the file is where
 * the application's view says, never a host path it named), cut at
 * RLIMIT_CORE.  Its wait status then carries WCOREDUMP, which it never
 * did before.  The file has: a PT_NOTE with the dying thread's
 * NT_PRSTATUS (its registers), NT_PRPSINFO and NT_AUXV; one PT_LOAD per
 * VMA, with the contents of anonymous, heap, stack memory and of private
 * file mappings that are not code (Linux's default coredump_filter 0x33
 * dumps anonymous memory and what was written of private file mappings,
 * with their ELF headers: the sentry does not know which pages were
 * written, so all of a data or read-only one goes in), and none of code,
 * shared file mappings, PROT_NONE ones, the vDSO or vvar.
 * A range of zeros is left as a hole, as Linux's dump_skip does.
 *
 * Left out: other threads' NT_PRSTATUS (gdb shows the dying thread), the
 * FPU state, NT_SIGINFO and NT_FILE, core_pattern other than "core" (a
 * pipe would run a host program), core_uses_pid.  Other threads keep
 * running while the memory is read, where Linux stops them first.
 */
#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/procfs.h>
#undef PAGE_SIZE                 /* sys/user.h's; mm.h has the sandbox's */
#undef PAGE_MASK

#include "kernel/kernel.h"
#include "mm/mm.h"
#include "vfs/vfs.h"

#define CORE_CHUNK 65536

bool sig_dumps_core(int sig)
{
	switch (sig) {
	case SIGQUIT: case SIGILL: case SIGTRAP: case SIGABRT: case SIGBUS:
	case SIGFPE: case SIGSEGV: case SIGXCPU: case SIGXFSZ: case SIGSYS:
		return true;
	}
	return false;
}

/* Would a core be written for tg (RLIMIT_CORE above 0, dumpable)? */
bool core_wanted(struct thread_group *tg)
{
	return tg->rlim[RLIMIT_CORE].rlim_cur > 0 && !tg->undumpable && tg->mm;
}

struct core_out {
	struct task *t;
	struct file *f;
	off_t pos;
	uint64_t limit;
	int err;
};

/* Append len bytes at pos; a write past RLIMIT_CORE stops the dump. */
static void core_write(struct core_out *o, const void *buf, size_t len)
{
	while (!o->err && len) {
		ssize_t n;

		if ((uint64_t)o->pos + len > o->limit) {
			o->err = -EFBIG;
			return;
		}
		n = o->f->ops->write(o->t, o->f, buf, len, &o->pos);
		if (n <= 0)
			o->err = n < 0 ? (int)n : -EIO;
		buf = (const char *)buf + (n > 0 ? n : 0);
		len -= n > 0 ? (size_t)n : len;
	}
}

static void core_note(struct core_out *o, int type, const void *desc, size_t len)
{
	Elf64_Nhdr nh = { .n_namesz = 5, .n_descsz = (Elf64_Word)len, .n_type = (Elf64_Word)type };
	static const char pad[4];

	core_write(o, &nh, sizeof(nh));
	core_write(o, "CORE\0\0\0", 8);
	core_write(o, desc, len);
	core_write(o, pad, (4 - len % 4) % 4);
}

static size_t note_size(size_t len)
{
	return sizeof(Elf64_Nhdr) + 8 + ((len + 3) & ~(size_t)3);
}

/* The VMAs of the dump, in address order. */
struct core_vmas {
	struct vma *v;
	size_t n, cap;
};

static int collect_vma(const struct vma *v, void *arg)
{
	struct core_vmas *c = arg;

	if (v->kind == VMA_VDSO || v->kind == VMA_VVAR)
		return 0;
	if (c->n == c->cap) {
		size_t cap = c->cap ? 2 * c->cap : 64;
		struct vma *nv = realloc(c->v, cap * sizeof(*nv));

		if (!nv)
			return -ENOMEM;
		c->v = nv;
		c->cap = cap;
	}
	c->v[c->n++] = *v;
	return 0;
}

/* Is v's memory in the dump (coredump_filter 0x33)? */
static bool vma_dumped(const struct vma *v)
{
	if (!(v->prot & PROT_READ))
		return false;
	if (v->kind != VMA_FILE || v->shm_id)
		return true;                    /* anonymous, shared anonymous, heap, stack */
	/* private file mappings that are not code: data, bss, and the RELRO
	 * pages relocated then made read-only, which hold the dynamic
	 * section gdb finds the shared libraries by (Linux dumps what was
	 * written of them; the sentry does not know which pages were) */
	return !vma_shared(v) && !(v->prot & PROT_EXEC);
}

static void prstatus(struct task *t, int sig, struct elf_prstatus *ps)
{
	memset(ps, 0, sizeof(*ps));
	ps->pr_info.si_signo = sig;
	ps->pr_cursig = (short)sig;
	ps->pr_sigpend = t->pending | t->tg->shared_pending;
	ps->pr_sighold = t->sigmask;
	ps->pr_pid = t->tid;
	ps->pr_ppid = t->tg->ppid;
	ps->pr_pgrp = t->tg->pgid;
	ps->pr_sid = t->tg->sid;
	_Static_assert(sizeof(ps->pr_reg) == sizeof(t->regs), "user_regs_struct");
	memcpy(&ps->pr_reg, &t->regs, sizeof(t->regs));
}

static void prpsinfo(struct task *t, struct elf_prpsinfo *pi)
{
	struct mm *mm = t->tg->mm;
	size_t n = mm->arg_end > mm->arg_start ? mm->arg_end - mm->arg_start : 0;

	memset(pi, 0, sizeof(*pi));
	pi->pr_state = 0;
	pi->pr_sname = 'R';
	pi->pr_uid = t->tg->cred.uid;
	pi->pr_gid = t->tg->cred.gid;
	pi->pr_pid = t->tg->pid;
	pi->pr_ppid = t->tg->ppid;
	pi->pr_pgrp = t->tg->pgid;
	pi->pr_sid = t->tg->sid;
	memcpy(pi->pr_fname, t->tg->comm, sizeof(pi->pr_fname));
	if (n > sizeof(pi->pr_psargs) - 1)
		n = sizeof(pi->pr_psargs) - 1;
	if (n && !copy_from_user(mm, pi->pr_psargs, mm->arg_start, n))
		for (size_t i = 0; i + 1 < n; i++)
			if (!pi->pr_psargs[i])
				pi->pr_psargs[i] = ' ';
}

/* One VMA's memory: chunks of zeros become a hole (skipped, not
 * written), as Linux's dump_skip; a VMA's last chunk is always written,
 * so that the file ends where the dump does. */
static void dump_vma(struct core_out *o, struct mm *mm, const struct vma *v, char *buf)
{
	static const char zero[CORE_CHUNK];

	for (uint64_t a = v->start; !o->err && a < v->end; a += CORE_CHUNK) {
		size_t len = v->end - a < CORE_CHUNK ? v->end - a : CORE_CHUNK;

		if (copy_from_user(mm, buf, a, len))
			memset(buf, 0, len);    /* unreadable after all: zeros, as Linux */
		if (memcmp(buf, zero, len) || a + len == v->end)
			core_write(o, buf, len);
		else if ((uint64_t)o->pos + len > o->limit)
			o->err = -EFBIG;
		else
			o->pos += (off_t)len;
	}
}

static void write_core(struct core_out *o, struct task *t, int sig, struct core_vmas *c)
{
	struct elf_prstatus ps;
	struct elf_prpsinfo pi;
	uint8_t auxv[1024];
	size_t nauxv = mm_auxv(t->tg->mm, auxv, sizeof(auxv));
	size_t notes = note_size(sizeof(ps)) + note_size(sizeof(pi)) + note_size(nauxv);
	Elf64_Ehdr eh = {
		.e_ident = { ELFMAG0, ELFMAG1, ELFMAG2, ELFMAG3, ELFCLASS64, ELFDATA2LSB,
			     EV_CURRENT, ELFOSABI_NONE },
		.e_type = ET_CORE, .e_machine = EM_X86_64, .e_version = EV_CURRENT,
		.e_phoff = sizeof(Elf64_Ehdr), .e_ehsize = sizeof(Elf64_Ehdr),
		.e_phentsize = sizeof(Elf64_Phdr), .e_phnum = (Elf64_Half)(c->n + 1),
	};
	uint64_t off = sizeof(eh) + (c->n + 1) * sizeof(Elf64_Phdr) + notes;
	Elf64_Phdr note = { .p_type = PT_NOTE, .p_offset = off - notes, .p_filesz = notes };
	char *buf;

	if (nauxv > sizeof(auxv))
		nauxv = sizeof(auxv);
	prstatus(t, sig, &ps);
	prpsinfo(t, &pi);
	off = (off + 4095) & ~4095UL;           /* memory starts page-aligned */
	core_write(o, &eh, sizeof(eh));
	core_write(o, &note, sizeof(note));
	for (size_t i = 0; i < c->n; i++) {
		const struct vma *v = &c->v[i];
		uint64_t size = vma_dumped(v) ? v->end - v->start : 0;
		Elf64_Phdr ph = {
			.p_type = PT_LOAD, .p_offset = off, .p_vaddr = v->start,
			.p_filesz = size, .p_memsz = v->end - v->start, .p_align = 4096,
			.p_flags = ((v->prot & PROT_READ) ? PF_R : 0) |
				   ((v->prot & PROT_WRITE) ? PF_W : 0) |
				   ((v->prot & PROT_EXEC) ? PF_X : 0),
		};

		core_write(o, &ph, sizeof(ph));
		off += size;
	}
	core_note(o, NT_PRSTATUS, &ps, sizeof(ps));
	core_note(o, NT_PRPSINFO, &pi, sizeof(pi));
	core_note(o, NT_AUXV, auxv, nauxv);
	o->pos = (o->pos + 4095) & ~4095L;
	if (!(buf = malloc(CORE_CHUNK)))
		o->err = -ENOMEM;
	for (size_t i = 0; i < c->n && !o->err; i++)
		if (vma_dumped(&c->v[i]))
			dump_vma(o, t->tg->mm, &c->v[i], buf);
	free(buf);
}

/* "core" in t's working directory: an old one unlinked, a new one made
 * 0600 (O_EXCL, no symlink followed), open for writing. */
static int core_open(struct task *t, struct file **out)
{
	struct walk_result w;
	struct dentry *d;
	int err = vfs_walk(t, AT_FDCWD, "core", WALK_PARENT, &w);

	if (err)
		return err;
	vfs_unlink(t, w.d, w.last);
	err = vfs_create(t, w.d, w.last, S_IFREG | 0600, &d);
	dentry_put(w.d);
	if (err)
		return err;
	err = S_ISREG(d->inode->mode) ? vfs_open(t, d, O_WRONLY, out) : -EINVAL;
	dentry_put(d);
	return err;
}

int do_coredump(struct task *t, int sig)
{
	struct thread_group *tg = t->tg;
	struct core_out o = { .t = t, .limit = tg->rlim[RLIMIT_CORE].rlim_cur };
	struct core_vmas c = { 0 };
	int err;

	if (!sig_dumps_core(sig) || !core_wanted(tg))
		return -EPERM;
	err = mm_for_each_vma(tg->mm, collect_vma, &c);
	if (!err)
		err = core_open(t, &o.f);
	if (!err) {
		/* a dump cut at RLIMIT_CORE stays, but is no core (Linux) */
		write_core(&o, t, sig, &c);
		err = o.err;
		file_put(o.f);
	}
	free(c.v);
	return err;
}
