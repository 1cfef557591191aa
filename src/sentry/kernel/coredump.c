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
 * RLIMIT_CORE (under a page: none).  Its wait status then carries
 * WCOREDUMP, which it never did before, once the file was made.  The file has: a PT_NOTE with the dying thread's
 * NT_PRSTATUS (its registers), NT_PRPSINFO and NT_AUXV; one PT_LOAD per
 * VMA, with the contents of anonymous, heap and stack memory, and of
 * private file mappings the pages written and the ELF header (Linux's
 * default coredump_filter 0x33; which pages were written the host's
 * pagemap of the stub process says), and none of shared file mappings,
 * PROT_NONE ones, the vDSO or vvar.  RLIMIT_CORE counts what is written.
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
#include <stdio.h>
#include <string.h>
#include <sys/procfs.h>
#undef PAGE_SIZE                 /* sys/user.h's; mm.h has the sandbox's */
#undef PAGE_MASK

#include "kernel/kernel.h"
#include "mm/mm.h"
#include "platform/platform.h"
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
	uint64_t written, limit;        /* bytes written (holes are not), RLIMIT_CORE */
	bool hole_last;                 /* the file must still grow to pos */
	int pagemap;                    /* the stub process's host pagemap, or -1 */
	int err;
};

/* Append len bytes at pos; writing past RLIMIT_CORE stops the dump (the
 * limit counts what is written, as Linux's dump_emit). */
static void core_write(struct core_out *o, const void *buf, size_t len)
{
	while (!o->err && len) {
		ssize_t n;

		if (o->written + len > o->limit) {
			o->err = -EFBIG;
			return;
		}
		n = o->f->ops->write(o->t, o->f, buf, len, &o->pos);
		if (n <= 0)
			o->err = n < 0 ? (int)n : -EIO;
		buf = (const char *)buf + (n > 0 ? n : 0);
		len -= n > 0 ? (size_t)n : len;
		o->written += n > 0 ? (uint64_t)n : 0;
		o->hole_last = false;
	}
}

static void core_skip(struct core_out *o, size_t len)
{
	o->pos += (off_t)len;
	o->hole_last = true;
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
	/* private file mappings: the pages written (data, the RELRO pages
	 * that hold the dynamic section gdb finds the libraries by) and ELF
	 * headers, page by page in dump_vma() */
	return !vma_shared(v);
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

#define CHUNK_PAGES (CORE_CHUNK / PAGE_SIZE)

/* Which pages of [a, a + len) of a private file mapping were written:
 * a private copy on the host (present and not a file page, or swapped
 * out), by the stub process's pagemap, read once for the chunk; all of
 * them if the host does not say. */
static void written_pages(struct core_out *o, uint64_t a, size_t len, bool *w)
{
	uint64_t e[CHUNK_PAGES];
	size_t n = len / PAGE_SIZE;

	if (o->pagemap < 0 ||
	    pread(o->pagemap, e, n * 8, (off_t)(a / PAGE_SIZE) * 8) != (ssize_t)(n * 8)) {
		for (size_t i = 0; i < n; i++)
			w[i] = true;
		return;
	}
	for (size_t i = 0; i < n; i++)
		w[i] = ((e[i] >> 63) & 1 && !((e[i] >> 61) & 1)) || ((e[i] >> 62) & 1);
}

/* One VMA's memory, a page at a time: pages of zeros and file pages not
 * written are holes (skipped), as Linux's dump_skip; runs of pages
 * wanted go out in one write. */
static void dump_vma(struct core_out *o, struct mm *mm, const struct vma *v, char *buf)
{
	static const char zero[PAGE_SIZE];
	bool file = v->kind == VMA_FILE && !v->shm_id, w[CHUNK_PAGES];

	for (uint64_t a = v->start; !o->err && a < v->end; a += CORE_CHUNK) {
		size_t len = v->end - a < CORE_CHUNK ? v->end - a : CORE_CHUNK, run = 0;

		if (copy_from_user(mm, buf, a, len))
			memset(buf, 0, len);    /* unreadable after all: zeros, as Linux */
		if (file)
			written_pages(o, a, len, w);
		for (size_t p = 0; p < len && !o->err; p += PAGE_SIZE) {
			/* of a file mapping: the pages written, and the ELF
			 * header of the file's first page (Linux's default
			 * filter) */
			bool header = a + p == v->start && v->off == 0 &&
				      !memcmp(buf, ELFMAG, SELFMAG);
			bool want = memcmp(buf + p, zero, PAGE_SIZE) &&
				    (!file || header || w[p / PAGE_SIZE]);

			if (want) {
				run += PAGE_SIZE;
				continue;
			}
			core_write(o, buf + p - run, run);
			run = 0;
			core_skip(o, PAGE_SIZE);
		}
		core_write(o, buf + len - run, run);
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
	if (o->hole_last && !o->err) {          /* the file ends where the dump does */
		o->pos--;
		core_write(o, "", 1);
	}
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
	struct core_out o = { .t = t, .limit = tg->rlim[RLIMIT_CORE].rlim_cur, .pagemap = -1 };
	char path[32];
	struct core_vmas c = { 0 };
	int err;

	if (!sig_dumps_core(sig) || !core_wanted(tg))
		return -EPERM;
	if (o.limit < PAGE_SIZE)                /* binfmt_elf's min_coredump */
		return -EFBIG;
	err = mm_for_each_vma(tg->mm, collect_vma, &c);
	if (!err)
		err = core_open(t, &o.f);
	if (!err) {
		snprintf(path, sizeof(path), "%d/pagemap", stub_proc_host_pid(tg->mm->proc));
		o.pagemap = openat(host_proc_fd, path, O_RDONLY | O_CLOEXEC);
		/* once begun, it is a core, even cut short at RLIMIT_CORE or by
		 * a failed write (binfmt_elf's has_dumped is set before the
		 * first write) */
		write_core(&o, t, sig, &c);
		file_put(o.f);
		if (o.pagemap >= 0)
			close(o.pagemap);
	}
	free(c.v);
	return err;
}
