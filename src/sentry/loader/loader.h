/* SPDX-License-Identifier: MIT */
#ifndef CVISOR_LOADER_H
#define CVISOR_LOADER_H

#include <elf.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "kernel/kernel.h"
#include "mm/mm.h"

/*
 * The end of a segment's last file page that belongs to its bss: zeroed
 * (and the segment protected as its flags say) by elf_finish(), once the
 * stack is built, so that the new process's mappings reach its syscall
 * thread in one batch (platform/batch.c) rather than two.
 */
struct elf_tail {
	uint64_t start, zero, end;      /* the segment's file pages; zero [zero, end) */
	int prot;                       /* its protection, after the zeroing */
};
#define ELF_MAX_TAILS 4

struct elf_image {
	uint64_t entry;                 /* e_entry + bias */
	uint64_t phdr, phent, phnum;    /* for the auxiliary vector */
	uint64_t bias;
	uint64_t end;                   /* highest mapped address: brk starts above */
	uint64_t interp_base;           /* AT_BASE: where the interpreter went */
	uint64_t interp_entry;
	char interp[256];               /* PT_INTERP, or "" */
	struct elf_tail tail[ELF_MAX_TAILS];    /* of the program and its interpreter */
	unsigned ntail;
};

/* An ELF file's headers, read and checked by elf_read(). */
#define ELF_MAX_PHDRS 64
struct elf_file {
	Elf64_Ehdr eh;
	Elf64_Phdr ph[ELF_MAX_PHDRS];
};

/*
 * Read and check the headers of the ELF file open at host fd: -ENOEXEC
 * (and *why) if it is not something load_elf() can run.  It needs no
 * address space, so that an exec of something that cannot run costs none.
 */
int elf_read(int fd, struct elf_file *f, const char **why);
/*
 * Load the ELF image f (elf_read's) from an open host fd into mm.  *why
 * gets a human-readable reason on failure.
 */
int load_elf(struct mm *mm, int fd, const struct elf_file *f, bool interp_load,
	     struct elf_image *img, const char **why);
/* Zero the bss tails load_elf left to do (after the stack is built). */
int elf_finish(struct mm *mm, const struct elf_image *img);
/* Move an interpreter's tails to its program's image (or finish them now). */
int elf_take_tails(struct mm *mm, struct elf_image *img, const struct elf_image *interp);

/* What execve's loading half gives besides the new address space. */
struct exec_result {
	uint64_t entry, sp;
	struct creds cred;              /* the program's credentials (cred_exec) */
	bool secure;                    /* a privileged exec: AT_SECURE */
	struct dentry *exe;             /* the program's file, a reference: /proc/PID/exe */
};

/*
 * execve's loading half: resolve path in the sandbox, follow #! scripts,
 * load the program and its interpreter into mm, work out its credentials
 * from the task's (set-id bits, file capabilities), build the stack.  It
 * changes nothing of t's thread group: mm is not yet the group's, so the
 * group's other threads go on in the old image until the caller commits.
 * On failure returns -errno and sets *why when it has a reason.
 */
int exec_load(struct task *t, struct mm *mm, const char *path, char *const argv[],
	      char *const envp[], struct exec_result *res, const char **why);
/* execveat's program: walked from dirfd with wflags; name is what the new
 * program is told (AT_EXECFN, a script's argument): Linux's filename,
 * "/dev/fd/N/path" for a path relative to a dirfd. */
struct exec_at {
	int dirfd;
	const char *path;
	unsigned wflags;
	const char *name;
};
/*
 * As exec_load, into *mm; if *mm is NULL, into a new address space made
 * once the program is found to be an ELF file (mm_new(): it takes the
 * platform's spare stub process), so that an exec that fails before, as
 * most of a shell's PATH search does (ENOENT, EACCES, ENOEXEC), costs no
 * stub process.  Whatever *mm holds at return, even on failure, is the
 * caller's to keep or put.
 */
int exec_load_at(struct task *t, struct mm **mm, const struct exec_at *at, char *const argv[],
		 char *const envp[], struct exec_result *res, const char **why);

/* Build the initial stack (argv, envp, auxv with the ids of res->cred and
 * res->secure); sets res->sp. */
long setup_stack(struct mm *mm, const struct elf_image *img, const char *execfn,
		 char *const argv[], char *const envp[], struct exec_result *res);

#endif
