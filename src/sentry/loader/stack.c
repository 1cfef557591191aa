/* SPDX-License-Identifier: MIT */
/*
 * The initial stack, laid out as Linux's create_elf_tables() does:
 *
 *   argc, argv[], NULL, envp[], NULL, auxv pairs, AT_NULL,
 *   padding, AT_RANDOM bytes, "x86_64", strings (argv, envp, execfn)
 */
#include <elf.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/auxv.h>
#include <sys/mman.h>
#include <sys/random.h>

#include "loader/loader.h"

#define STACK_SIZE (8UL << 20)          /* RLIMIT_STACK's default */
#define STACK_MAX_STRINGS (1UL << 20)

static size_t count(char *const v[])
{
	size_t n = 0;

	while (v && v[n])
		n++;
	return n;
}

/* The stack image is built in a buffer mirroring [base, top). */
struct image {
	char *buf;
	uint64_t top, sp;
};

static uint64_t push(struct image *im, const void *data, size_t len)
{
	im->sp -= len;
	memcpy(im->buf + (im->sp - (im->top - STACK_MAX_STRINGS * 2)), data, len);
	return im->sp;
}

static uint64_t push_str(struct image *im, const char *s)
{
	return push(im, s, strlen(s) + 1);
}

long setup_stack(struct mm *mm, const struct elf_image *img, const char *execfn,
		 char *const argv[], char *const envp[], struct exec_result *res)
{
	const struct creds *c = &res->cred;
	const uint64_t image_size = STACK_MAX_STRINGS * 2;
	size_t argc = count(argv), envc = count(envp), nw = 0;
	uint64_t *words, rnd_addr, plat_addr, execfn_addr;
	uint64_t *argp, *envpp, rnd[2];
	struct image im;
	long ret;

	ret = mm_mmap(mm, mm->stack_top - STACK_SIZE, STACK_SIZE,
		      PROT_READ | PROT_WRITE,
		      MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED | MAP_NORESERVE, -1, 0,
		      VMA_STACK);
	if (ret < 0)
		return ret;
	im.buf = malloc(image_size);
	words = calloc(argc + envc + 2 * 32 + 8, sizeof(uint64_t));
	argp = calloc(argc + 1, sizeof(uint64_t));
	envpp = calloc(envc + 1, sizeof(uint64_t));
	if (!im.buf || !words || !argp || !envpp) {
		ret = -ENOMEM;
		goto out;
	}
	im.top = im.sp = mm->stack_top;

	/* Strings: they must fit in the first half of the image. */
	size_t strbytes = strlen(execfn) + 1;
	for (size_t i = 0; i < argc; i++)
		strbytes += strlen(argv[i]) + 1;
	for (size_t i = 0; i < envc; i++)
		strbytes += strlen(envp[i]) + 1;
	if (strbytes > STACK_MAX_STRINGS) {
		ret = -E2BIG;
		goto out;
	}
	execfn_addr = push_str(&im, execfn);
	for (size_t i = envc; i-- > 0;)
		envpp[i] = push_str(&im, envp[i]);
	mm->env_start = im.sp;
	for (size_t i = argc; i-- > 0;)
		argp[i] = push_str(&im, argv[i]);
	mm->arg_start = im.sp;
	mm->arg_end = mm->env_start;
	mm->env_end = execfn_addr;
	plat_addr = push_str(&im, "x86_64");
	if (getrandom(rnd, sizeof(rnd), 0) != sizeof(rnd)) {
		ret = -EIO;
		goto out;
	}
	im.sp &= ~15UL;
	rnd_addr = push(&im, rnd, sizeof(rnd));

	/* The auxiliary vector, kept in mm for /proc/[pid]/auxv later. */
	uint64_t aux[] = {
		AT_SYSINFO_EHDR, getauxval(AT_SYSINFO_EHDR),
		AT_MINSIGSTKSZ, getauxval(AT_MINSIGSTKSZ),
		AT_HWCAP, getauxval(AT_HWCAP),
		AT_PAGESZ, PAGE_SIZE,
		AT_CLKTCK, 100,
		AT_PHDR, img->phdr,
		AT_PHENT, img->phent,
		AT_PHNUM, img->phnum,
		AT_BASE, img->interp_base,
		AT_FLAGS, 0,
		AT_ENTRY, img->entry,
		AT_UID, c->uid, AT_EUID, c->euid, AT_GID, c->gid, AT_EGID, c->egid,
		AT_SECURE, res->secure,
		AT_RANDOM, rnd_addr,
		AT_HWCAP2, getauxval(AT_HWCAP2),
		AT_EXECFN, execfn_addr,
		AT_PLATFORM, plat_addr,
		AT_NULL, 0,
	};
	memcpy(mm->auxv, aux, sizeof(aux));
	mm->auxv_len = sizeof(aux) / sizeof(aux[0]);

	words[nw++] = argc;
	for (size_t i = 0; i < argc; i++)
		words[nw++] = argp[i];
	words[nw++] = 0;
	for (size_t i = 0; i < envc; i++)
		words[nw++] = envpp[i];
	words[nw++] = 0;
	/* argc must end up 16-byte aligned, as the ABI requires at entry */
	size_t total = (nw + mm->auxv_len) * sizeof(uint64_t);
	im.sp = (im.sp - total) & ~15UL;
	im.sp += total;
	push(&im, aux, sizeof(aux));
	push(&im, words, nw * sizeof(uint64_t));

	uint64_t base = im.top - image_size;
	ret = copy_to_user(mm, im.sp, im.buf + (im.sp - base), im.top - im.sp);
	res->sp = im.sp;
out:
	free(im.buf);
	free(words);
	free(argp);
	free(envpp);
	return ret;
}
