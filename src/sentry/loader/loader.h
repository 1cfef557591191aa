/* SPDX-License-Identifier: MIT */
#ifndef CVISOR_LOADER_H
#define CVISOR_LOADER_H

#include <stddef.h>
#include <stdint.h>

#include "mm/mm.h"

struct elf_image {
	uint64_t entry;                 /* e_entry + bias */
	uint64_t phdr, phent, phnum;    /* for the auxiliary vector */
	uint64_t bias;
	uint64_t end;                   /* highest mapped address: brk starts above */
};

/*
 * Load a static executable from an open host fd into mm.  *why gets a
 * human-readable reason on failure (e.g. "dynamic executables are not
 * supported yet").
 */
int load_elf(struct mm *mm, int fd, struct elf_image *img, const char **why);
/* Check that fd holds something load_elf can run, without loading it. */
int check_elf(int fd, const char **why);

/* Build the initial stack (argv, envp, auxv); returns the stack pointer. */
long setup_stack(struct mm *mm, const struct elf_image *img, const char *execfn,
		 char *const argv[], char *const envp[], uint64_t *sp);

#endif
