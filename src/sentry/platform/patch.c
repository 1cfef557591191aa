/* SPDX-License-Identifier: MIT */
/*
 * Syscall patching (docs/syscall-patching.md, DESIGN.md §3): after a
 * syscall instruction trapped, the 7 bytes that end with it, "INSN;
 * syscall", become "jmp *CELL", CELL the first word of a trampoline in a
 * per-process table at PATCH_TABLE.  The trampoline replays INSN and jumps
 * to the stub's fast entry (stub/entry.S), which hands the call to the
 * sentry through the sysmsg page without a signal.
 *
 * The table is a memfd the sentry writes through its own mapping; stubs map
 * it read+exec, shared, so a fork's copy of patched code finds the same
 * trampolines (the table is shared by the fork family and only grows).
 * Patched code is the application's and it can see it: /proc/PID/mem of the
 * host writes it (FOLL_FORCE, a private copy of the page), one byte at a
 * time where a thread could be executing it, so that every state another
 * thread can fetch is the old instruction, the new one, or 0x06 (invalid)
 * at an instruction start: SIGILL, which stub_proc_patch_fault() turns into
 * the system call the thread was about to make.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "stub_syms.h"
#include "platform/internal.h"

bool platform_patching;
static uint64_t nr_patched, nr_fast;     /* for --stats */
static bool patch_first_trap;

struct patch_site {
	uint64_t site;                  /* address of the replaced bytes */
	uint8_t orig[PATCH_LEN];
};

struct patch_table {
	int refs;
	pthread_mutex_t lock;           /* used and sites[] */
	uint8_t *map;                   /* the sentry's mapping, read-write */
	unsigned used;
	struct patch_site sites[PATCH_ENTRIES];
};

void patch_init(void)
{
	const char *off = getenv("CVISOR_NOPATCH");

	platform_patching = platform_fsgsbase && !(off && *off && strcmp(off, "0"));
	patch_first_trap = getenv("CVISOR_PATCH_FIRST") != NULL;
}

/* The instruction before the syscall that a trampoline can replay. */
enum insn { INSN_NONE, INSN_MOV_EAX, INSN_MOV_R9_RSP8 };

static const uint8_t mov_r9_rsp8[5] = { 0x4c, 0x8b, 0x4c, 0x24, 0x08 };

static uint32_t imm32(const uint8_t *b)
{
	return (uint32_t)b[1] | (uint32_t)b[2] << 8 | (uint32_t)b[3] << 16 |
	       (uint32_t)b[4] << 24;
}

/*
 * b[0] is the byte before the 7 (a prefix there would make b[1] part of a
 * longer instruction), b[1..8) the candidates.  x86 cannot be decoded
 * backwards: like gVisor, this trusts that a matching window is the two
 * instructions it looks like; "mov $nr, %eax" must also load the number
 * that trapped.  rt_sigreturn always needs its frame: not worth a patch.
 */
static enum insn patchable(const uint8_t *b, uint64_t nr)
{
	static const uint8_t prefixes[] = { 0x26, 0x2e, 0x36, 0x3e, 0x64, 0x65, 0x66,
					    0x67, 0xf0, 0xf2, 0xf3 };

	if (b[6] != 0x0f || b[7] != 0x05 || (b[0] & 0xf0) == 0x40 ||
	    memchr(prefixes, b[0], sizeof(prefixes)))
		return INSN_NONE;
	if (b[1] == 0xb8 && imm32(b + 1) == nr && nr != 15 /* rt_sigreturn */)
		return INSN_MOV_EAX;
	if (!memcmp(b + 1, mov_r9_rsp8, sizeof(mov_r9_rsp8)))
		return INSN_MOV_R9_RSP8;
	return INSN_NONE;
}

static enum insn site_insn(const struct patch_site *s)
{
	return s->orig[0] == 0xb8 ? INSN_MOV_EAX : INSN_MOV_R9_RSP8;
}

static void put64(uint8_t *p, uint64_t v)
{
	memcpy(p, &v, sizeof(v));
}

/* The bytes that replace a site: jmp *CELL. */
static void jmp_bytes(uint8_t out[PATCH_LEN], unsigned entry)
{
	uint32_t cell = (uint32_t)(PATCH_TABLE + entry * PATCH_ENTRY_SIZE);

	out[0] = 0xff;
	out[1] = 0x24;
	out[2] = 0x25;
	memcpy(out + 3, &cell, sizeof(cell));
}

/*
 * Entry i: its cell (the address of its code), then the displaced
 * instruction, rcx = the return address, and a jump to the fast entry.
 */
static void write_trampoline(uint8_t *e, unsigned i, const struct patch_site *s)
{
	uint64_t code = PATCH_TABLE + i * PATCH_ENTRY_SIZE + 8;

	memset(e, 0xcc, PATCH_ENTRY_SIZE);              /* int3 */
	put64(e, code);
	memcpy(e + 8, s->orig, 5);
	e[13] = 0x48;                                   /* movabs $ret, %rcx */
	e[14] = 0xb9;
	put64(e + 15, s->site + PATCH_LEN);
	e[23] = 0x49;                                   /* movabs $entry, %r11 */
	e[24] = 0xbb;
	put64(e + 25, STUB_CODE + STUB_SYM_stub_fast_entry);
	e[33] = 0x41;                                   /* jmp *%r11 */
	e[34] = 0xff;
	e[35] = 0xe3;
}

/* The table of p, made and mapped in the stub on first use. */
static struct patch_table *table_get(struct stub_proc *p)
{
	struct patch_table *t = p->patch;
	long ret;
	int fd;

	if (t)
		return t;
	t = calloc(1, sizeof(*t));
	if (!t)
		return NULL;
	fd = memfd_create("cvisor-patch", MFD_CLOEXEC);
	if (fd < 0 || ftruncate(fd, PATCH_TABLE_SIZE) < 0)
		goto fail;
	t->map = mmap(NULL, PATCH_TABLE_SIZE, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	if (t->map == MAP_FAILED)
		goto fail;
	/* read+exec in the stub: the application cannot write its trampolines */
	ret = hostcall(p, __NR_mmap, PATCH_TABLE, PATCH_TABLE_SIZE, PROT_READ | PROT_EXEC,
		       MAP_SHARED | MAP_FIXED, (uint64_t)fd, 0);
	if (ret != (long)PATCH_TABLE)
		goto fail;
	close(fd);
	t->refs = 1;
	pthread_mutex_init(&t->lock, NULL);
	__atomic_store_n(&p->patch, t, __ATOMIC_RELEASE);
	return t;
fail:
	if (t->map && t->map != MAP_FAILED)
		munmap(t->map, PATCH_TABLE_SIZE);
	if (fd >= 0)
		close(fd);
	free(t);
	return NULL;
}

/* A fork's child maps the parent's table (the host copied the mapping). */
void patch_fork(struct stub_proc *child, struct stub_proc *parent)
{
	child->mem_fd = -1;
	child->patch = parent ? parent->patch : NULL;
	child->traps = parent ? parent->traps : 0;      /* a busy parent's child is */
	if (child->patch)
		__atomic_add_fetch(&child->patch->refs, 1, __ATOMIC_ACQ_REL);
}

void patch_put(struct stub_proc *p)
{
	struct patch_table *t = p->patch;

	if (p->mem_fd > 0)
		close(p->mem_fd);
	if (!t || __atomic_sub_fetch(&t->refs, 1, __ATOMIC_ACQ_REL))
		return;
	munmap(t->map, PATCH_TABLE_SIZE);
	free(t);
}

/* Writes code of p, read-only to it, as the host's /proc/PID/mem allows. */
static int poke(struct stub_proc *p, uint64_t addr, const uint8_t *b, size_t len)
{
	if (p->mem_fd <= 0) {
		p->mem_fd = hostproc_open_mem(p->host_pid);
		if (p->mem_fd < 0)
			return p->mem_fd;
	}
	return pwrite(p->mem_fd, b, len, (off_t)addr) == (ssize_t)len ? 0 : -EFAULT;
}

/*
 * Rips already looked at: found not patchable (nopatch), or trapped once so
 * far (once).  A site is patched on its second trap: one that runs once
 * (start-up code, most of a short process's) is not worth the writes.
 *
 * Nor is a short process: nothing is patched before the process has
 * trapped PATCH_MIN_TRAPS times (a fork's child counts on from its
 * parent's count).  A process's first patch costs the table mapped in it
 * (a round trip to its syscall thread), /proc/PID/mem opened and four
 * writes (the host's private copy of the code page): about 95 us of a
 * fork+exec+wait of a static program that makes 15 calls and exits, which
 * its one patched call (the fifth brk) never paid back
 * (docs/performance.md, "Fork and exec").  A long-lived process traps at
 * most PATCH_MIN_TRAPS more times, once.
 */
#define PATCH_MIN_TRAPS 64
static unsigned hash_rip(uint64_t rip)
{
	return (unsigned)((rip * 0x9e3779b97f4a7c15ULL) >> 56) % PATCH_NOPATCH;
}

bool stub_proc_patch_skip(struct stub_proc *p, uint64_t rip)
{
	unsigned h = hash_rip(rip);
	bool young;

	if (__atomic_load_n(&p->nopatch[h], __ATOMIC_RELAXED) == rip)
		return true;
	young = !patch_first_trap &&
		__atomic_load_n(&p->traps, __ATOMIC_RELAXED) < PATCH_MIN_TRAPS;
	if (young)
		__atomic_add_fetch(&p->traps, 1, __ATOMIC_RELAXED);
	if (__atomic_exchange_n(&p->once[h], rip, __ATOMIC_RELAXED) != rip)
		return !patch_first_trap;
	return young;
}

void stub_proc_patch_refuse(struct stub_proc *p, uint64_t rip)
{
	__atomic_store_n(&p->nopatch[hash_rip(rip)], rip, __ATOMIC_RELAXED);
}

/*
 * Four writes, each leaving code that any thread may run: 0x06 at the
 * syscall (one that already ran INSN faults there), 0x06 at INSN (one that
 * arrives faults there), the rest of the jump behind them, its first byte.
 */
static int patch_write(struct stub_proc *p, uint64_t site, const uint8_t j[PATCH_LEN])
{
	const uint8_t bad = PATCH_FAULT_BYTE;
	int err = poke(p, site + 5, &bad, 1);

	if (!err)
		err = poke(p, site, &bad, 1);
	if (!err)
		err = poke(p, site + 1, j + 1, PATCH_LEN - 1);
	if (!err)
		err = poke(p, site, j, 1);
	return err;
}

/* The entry of site with these original bytes (any, if orig is NULL). */
static const struct patch_site *find_site(struct patch_table *t, uint64_t site,
					  const uint8_t *orig, unsigned from)
{
	unsigned n = __atomic_load_n(&t->used, __ATOMIC_ACQUIRE);

	for (unsigned i = from; i < n; i++)
		if (t->sites[i].site == site &&
		    (!orig || !memcmp(t->sites[i].orig, orig, PATCH_LEN)))
			return &t->sites[i];
	return NULL;
}

/*
 * Patch the site that ends at rip, if it is the pattern.  The caller holds
 * the address space's lock and has checked the mapping (mm/patch.c): the
 * bytes are read again here, under it.  0, or why not.
 */
int stub_proc_patch(struct stub_proc *p, uint64_t rip, uint64_t nr)
{
	uint8_t b[PATCH_LEN + 1], j[PATCH_LEN];
	struct patch_table *t;
	struct patch_site *s;
	unsigned i;
	int err;

	if (stub_proc_copy_in(p, b, rip - PATCH_LEN - 1, sizeof(b)) ||
	    patchable(b, nr) == INSN_NONE) {
		stub_proc_patch_refuse(p, rip);
		return -EINVAL;
	}
	t = table_get(p);
	if (!t)
		return -ENOMEM;
	pthread_mutex_lock(&t->lock);
	/* a fork's child, or a process after unpatching, patches the same
	 * site again: one trampoline does for all */
	s = (struct patch_site *)find_site(t, rip - PATCH_LEN, b + 1, 0);
	if (s) {
		i = (unsigned)(s - t->sites);
		pthread_mutex_unlock(&t->lock);
		goto write;
	}
	if (t->used == PATCH_ENTRIES) {
		pthread_mutex_unlock(&t->lock);
		stub_proc_patch_refuse(p, rip);
		return -ENOSPC;
	}
	i = t->used;
	s = &t->sites[i];
	s->site = rip - PATCH_LEN;
	memcpy(s->orig, b + 1, PATCH_LEN);
	write_trampoline(t->map + i * PATCH_ENTRY_SIZE, i, s);
	/* the site is known (for a SIGILL on it) before its first byte changes */
	__atomic_store_n(&t->used, i + 1, __ATOMIC_RELEASE);
	pthread_mutex_unlock(&t->lock);
write:
	jmp_bytes(j, i);
	err = patch_write(p, s->site, j);
	if (err)
		stub_proc_patch_refuse(p, rip);
	else
		__atomic_add_fetch(&nr_patched, 1, __ATOMIC_RELAXED);
	return err;
}

bool stub_proc_patch_mapped(const struct stub_proc *p)
{
	return __atomic_load_n(&p->patch, __ATOMIC_ACQUIRE) != NULL;
}

bool stub_thread_fast_call(const struct stub_thread *t)
{
	if (__atomic_load_n(&t->msg->fpstate, __ATOMIC_RELAXED) != SYSMSG_FAST_FP)
		return false;
	__atomic_add_fetch(&nr_fast, 1, __ATOMIC_RELAXED);
	return true;
}

void patch_print_stats(int fd)
{
	dprintf(fd, "sentry: %s, %lu syscall sites patched, %lu calls through them\n",
		platform_patching ? "syscall patching on" : "syscall patching off",
		__atomic_load_n(&nr_patched, __ATOMIC_RELAXED),
		__atomic_load_n(&nr_fast, __ATOMIC_RELAXED));
}

/*
 * Whether a SIGILL at s's byte off (0 or 5) came from a 0x06 the patch
 * put there: the byte is 0x06 now, or it was when the thread fetched it
 * and the bytes are the whole jump or the original ones since (neither of
 * which raises #UD there).
 */
static bool ours(struct stub_proc *p, const struct patch_site *s, unsigned off)
{
	uint8_t cur[PATCH_LEN], j[PATCH_LEN];

	if (stub_proc_copy_in(p, cur, s->site, PATCH_LEN))
		return false;
	jmp_bytes(j, (unsigned)(s - p->patch->sites));
	return cur[off] == PATCH_FAULT_BYTE || !memcmp(cur, j, PATCH_LEN) ||
	       !memcmp(cur, s->orig, PATCH_LEN);
}

/* The entry whose patch put the 0x06 at rip: site + off == rip. */
static const struct patch_site *faulted(struct stub_proc *p, uint64_t rip, unsigned off)
{
	const struct patch_site *s;
	unsigned next = 0;

	while ((s = find_site(p->patch, rip - off, NULL, next))) {
		if (ours(p, s, off))
			return s;
		next = (unsigned)(s - p->patch->sites) + 1;
	}
	return NULL;
}

/*
 * A SIGILL on the 0x06 of a site being patched, unpatched or restarted
 * (the sentry's syscall restart moves rip back onto the syscall
 * instruction, which is 0x06 now): the thread was about to run INSN (at
 * the site) or the syscall instruction (at site + 5).  Do what they would
 * have done and make the registers those of a trapped syscall.  1 if so,
 * 0 if the SIGILL is the application's own.
 */
int stub_proc_patch_fault(struct stub_proc *p, struct stub_regs *r)
{
	const struct patch_site *s;

	if (!p->patch)
		return 0;
	s = faulted(p, r->rip, 0);
	if (s) {
		if (site_insn(s) == INSN_MOV_EAX)
			r->rax = imm32(s->orig);
		else if (stub_proc_copy_in(p, &r->r9, r->rsp + 8, sizeof(r->r9)))
			return 0;
	} else {
		s = faulted(p, r->rip, 5);
		if (!s)
			return 0;
	}
	r->orig_rax = r->rax;
	r->rip = s->site + PATCH_LEN;
	r->rcx = r->rip;
	r->r11 = r->eflags;
	r->rax = (uint64_t)-ENOSYS;
	return 1;
}

/*
 * The application is about to write [start, end) (mprotect with
 * PROT_WRITE, mremap): its patched sites there get their own bytes back,
 * in the reverse order of patch_write(), so that what it writes and reads
 * is its code as it made it.  The caller holds the address space's lock.
 */
void stub_proc_unpatch(struct stub_proc *p, uint64_t start, uint64_t end)
{
	struct patch_table *t = p->patch;
	const uint8_t bad = PATCH_FAULT_BYTE;
	unsigned n;

	if (!t)
		return;
	n = __atomic_load_n(&t->used, __ATOMIC_ACQUIRE);
	for (unsigned i = 0; i < n; i++) {
		const struct patch_site *s = &t->sites[i];
		uint8_t cur[PATCH_LEN], j[PATCH_LEN];

		if (s->site + PATCH_LEN <= start || s->site >= end)
			continue;
		jmp_bytes(j, i);
		if (stub_proc_copy_in(p, cur, s->site, PATCH_LEN) || memcmp(cur, j, PATCH_LEN))
			continue;       /* not patched in this process */
		if (poke(p, s->site, &bad, 1) ||
		    poke(p, s->site + 1, s->orig + 1, 4) ||
		    poke(p, s->site + 6, s->orig + 6, 1) ||
		    poke(p, s->site + 5, s->orig + 5, 1) ||
		    poke(p, s->site, s->orig, 1))
			continue;
	}
}
