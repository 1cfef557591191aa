/* SPDX-License-Identifier: MIT */
/*
 * The ELF loader (DESIGN.md §4): ET_EXEC and ET_DYN images, with PT_INTERP.
 * Segments are mapped from the host fd (the stub shares the sentry's fd
 * table), the part of a page past p_filesz is zeroed and the bss mapped
 * anonymous, as binfmt_elf does.
 */
#include <elf.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/random.h>
#include <unistd.h>

#include "loader/loader.h"

#define ET_DYN_BASE 0x555555554000UL

int elf_read(int fd, struct elf_file *f, const char **why)
{
	size_t phsz;

	if (pread(fd, &f->eh, sizeof(f->eh), 0) != sizeof(f->eh) ||
	    memcmp(f->eh.e_ident, ELFMAG, SELFMAG) != 0) {
		*why = "not an ELF executable";
		return -ENOEXEC;
	}
	if (f->eh.e_ident[EI_CLASS] != ELFCLASS64 ||
	    f->eh.e_ident[EI_DATA] != ELFDATA2LSB || f->eh.e_machine != EM_X86_64) {
		*why = "not an x86_64 ELF executable";
		return -ENOEXEC;
	}
	if (f->eh.e_type != ET_EXEC && f->eh.e_type != ET_DYN) {
		*why = "not an executable ELF file";
		return -ENOEXEC;
	}
	if (f->eh.e_phentsize != sizeof(Elf64_Phdr) || f->eh.e_phnum == 0 ||
	    f->eh.e_phnum > ELF_MAX_PHDRS) {
		*why = "bad ELF program headers";
		return -ENOEXEC;
	}
	phsz = f->eh.e_phnum * sizeof(Elf64_Phdr);
	if (pread(fd, f->ph, phsz, (off_t)f->eh.e_phoff) != (ssize_t)phsz) {
		*why = "truncated ELF program headers";
		return -ENOEXEC;
	}
	for (unsigned i = 0; i < f->eh.e_phnum; i++) {
		if (f->ph[i].p_type == PT_LOAD &&
		    (f->ph[i].p_filesz > f->ph[i].p_memsz ||
		     (f->ph[i].p_vaddr - f->ph[i].p_offset) % PAGE_SIZE)) {
			*why = "bad ELF segment";
			return -ENOEXEC;
		}
	}
	return 0;
}

static int prot_of(uint32_t pf)
{
	return (pf & PF_R ? PROT_READ : 0) | (pf & PF_W ? PROT_WRITE : 0) |
	       (pf & PF_X ? PROT_EXEC : 0);
}

static int finish_tail(struct mm *mm, const struct elf_tail *t)
{
	if (clear_user(mm, t->zero, t->end - t->zero))
		return -EFAULT;
	if (!(t->prot & PROT_WRITE) && mm_mprotect(mm, t->start, t->end - t->start, t->prot) < 0)
		return -ENOMEM;
	return 0;
}

int elf_finish(struct mm *mm, const struct elf_image *img)
{
	int err = 0;

	for (unsigned i = 0; i < img->ntail && !err; i++)
		err = finish_tail(mm, &img->tail[i]);
	return err;
}

/* Later if there is room, else now (more than ELF_MAX_TAILS: rare). */
static int add_tail(struct mm *mm, struct elf_image *img, const struct elf_tail *t)
{
	if (img->ntail == ELF_MAX_TAILS)
		return finish_tail(mm, t);
	img->tail[img->ntail++] = *t;
	return 0;
}

int elf_take_tails(struct mm *mm, struct elf_image *img, const struct elf_image *interp)
{
	int err = 0;

	for (unsigned i = 0; i < interp->ntail && !err; i++)
		err = add_tail(mm, img, &interp->tail[i]);
	return err;
}

static int map_segment(struct mm *mm, int fd, const Elf64_Phdr *ph, uint64_t bias,
		       struct elf_image *img)
{
	uint64_t start = PAGE_DOWN(ph->p_vaddr + bias);
	uint64_t file_end = ph->p_vaddr + bias + ph->p_filesz;
	uint64_t mem_end = PAGE_ALIGN(ph->p_vaddr + bias + ph->p_memsz);
	int prot = prot_of(ph->p_flags);
	/* The rest of the last file page belongs to the bss: it is zeroed
	 * through a writable mapping (elf_finish).  Only then: a segment
	 * mapped writable and protected again costs a host call more. */
	bool tail = ph->p_memsz > ph->p_filesz && (file_end & (PAGE_SIZE - 1));
	int wprot = tail ? prot | PROT_WRITE : prot;
	long ret;

	if (ph->p_filesz) {
		ret = mm_mmap(mm, start, PAGE_ALIGN(file_end) - start, wprot,
			      MAP_PRIVATE | MAP_FIXED, fd, PAGE_DOWN(ph->p_offset),
			      VMA_FILE);
		if (ret < 0)
			return (int)ret;
		if (tail) {
			const struct elf_tail t = { start, file_end, PAGE_ALIGN(file_end), prot };

			ret = add_tail(mm, img, &t);
			if (ret < 0)
				return (int)ret;
		}
		start = PAGE_ALIGN(file_end);
	}
	if (mem_end > start) {
		ret = mm_mmap(mm, start, mem_end - start, prot,
			      MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0, VMA_ANON);
		if (ret < 0)
			return (int)ret;
	}
	return 0;
}

static uint64_t random_pages(unsigned bits)
{
	uint64_t r = 0;

	if (getrandom(&r, sizeof(r), 0) != sizeof(r))
		r = 0;
	return (r & ((1ULL << bits) - 1)) * PAGE_SIZE;
}

/* The PT_INTERP path of an executable, if it has one. */
static int read_interp(int fd, const struct elf_file *f, char *interp, size_t len,
		       const char **why)
{
	interp[0] = 0;
	for (unsigned i = 0; i < f->eh.e_phnum; i++) {
		const Elf64_Phdr *ph = &f->ph[i];

		if (ph->p_type != PT_INTERP)
			continue;
		if (ph->p_filesz < 2 || ph->p_filesz > len ||
		    pread(fd, interp, ph->p_filesz, (off_t)ph->p_offset) != (ssize_t)ph->p_filesz ||
		    interp[ph->p_filesz - 1]) {
			*why = "bad PT_INTERP";
			return -ENOEXEC;
		}
		return 0;
	}
	return 0;
}

/*
 * Load an ELF image.  ET_DYN images go at a randomised base: the main
 * program near ELF_ET_DYN_BASE (as Linux), an interpreter (interp_load)
 * wherever mmap would put it.
 */
int load_elf(struct mm *mm, int fd, const struct elf_file *f, bool interp_load,
	     struct elf_image *img, const char **why)
{
	uint64_t lo = UINT64_MAX, hi = 0;
	int err;

	for (unsigned i = 0; i < f->eh.e_phnum; i++) {
		if (f->ph[i].p_type != PT_LOAD)
			continue;
		if (f->ph[i].p_vaddr < lo)
			lo = f->ph[i].p_vaddr;
		if (f->ph[i].p_vaddr + f->ph[i].p_memsz > hi)
			hi = f->ph[i].p_vaddr + f->ph[i].p_memsz;
	}
	if (hi <= lo || hi - lo > TASK_SIZE / 4) {
		*why = "no loadable segments";
		return -ENOEXEC;
	}
	memset(img, 0, sizeof(*img));
	err = read_interp(fd, f, img->interp, sizeof(img->interp), why);
	if (err)
		return err;
	if (f->eh.e_type == ET_DYN && interp_load) {
		uint64_t span = PAGE_ALIGN(hi) - PAGE_DOWN(lo);
		uint64_t at = vma_find_gap(&mm->vmas, span, mm->mmap_base, MMAP_MIN_ADDR);

		if (!at) {
			*why = "no room for the interpreter";
			return -ENOMEM;
		}
		img->bias = at - PAGE_DOWN(lo);
	} else if (f->eh.e_type == ET_DYN) {
		img->bias = ET_DYN_BASE + random_pages(28) - PAGE_DOWN(lo);
	}
	if (lo + img->bias < MMAP_MIN_ADDR || hi + img->bias > TASK_SIZE) {
		*why = "ELF segments outside the address space";
		return -ENOEXEC;
	}
	for (unsigned i = 0; i < f->eh.e_phnum; i++) {
		if (f->ph[i].p_type == PT_LOAD &&
		    (err = map_segment(mm, fd, &f->ph[i], img->bias, img))) {
			*why = "cannot map an ELF segment";
			return err;
		}
		if (f->ph[i].p_type == PT_PHDR)
			img->phdr = f->ph[i].p_vaddr + img->bias;
	}
	if (!img->phdr) {
		/* No PT_PHDR: the headers are inside the first segment's file image. */
		for (unsigned i = 0; i < f->eh.e_phnum; i++)
			if (f->ph[i].p_type == PT_LOAD && f->ph[i].p_offset <= f->eh.e_phoff &&
			    f->eh.e_phoff < f->ph[i].p_offset + f->ph[i].p_filesz) {
				img->phdr = f->ph[i].p_vaddr + img->bias +
					    (f->eh.e_phoff - f->ph[i].p_offset);
				break;
			}
	}
	img->entry = f->eh.e_entry + img->bias;
	img->phent = sizeof(Elf64_Phdr);
	img->phnum = f->eh.e_phnum;
	img->end = PAGE_ALIGN(hi + img->bias);
	return 0;
}
