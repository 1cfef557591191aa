/* SPDX-License-Identifier: MIT */
/*
 * Address spaces (DESIGN.md §4): the sentry keeps every VMA of every
 * application address space, decides every placement, and has the stub's
 * syscall thread carry the result out with MAP_FIXED host calls.
 */
#ifndef CVISOR_MM_H
#define CVISOR_MM_H

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/mman.h>
#include <sys/types.h>

#include "platform/platform.h"

#define PAGE_SIZE 4096UL
#define PAGE_ALIGN(x) (((x) + PAGE_SIZE - 1) & ~(PAGE_SIZE - 1))
#define PAGE_DOWN(x) ((x) & ~(PAGE_SIZE - 1))

/* Applications may map in [MMAP_MIN_ADDR, TASK_SIZE): above is the stub,
 * below the table of patched syscall sites (docs/syscall-patching.md). */
#define MMAP_MIN_ADDR PATCH_TABLE_END
#define TASK_SIZE STUB_BASE

enum vma_kind { VMA_ANON, VMA_FILE, VMA_STACK, VMA_HEAP, VMA_VDSO, VMA_VVAR };

/*
 * How the host backs a private anonymous VMA (mm/memfile.c): its own
 * anonymous memory; a MAP_SHARED range of the address space's memory
 * file at mf_off, which the sentry reaches with memcpy; or a private
 * (copy-on-write) map of a memory file the sentry let go, at fork or
 * mremap, which reads like anonymous memory but for what the host does
 * on MADV_DONTNEED, MADV_FREE and MADV_WIPEONFORK (mm.c stands in).
 */
enum vma_backing { BACK_HOST, BACK_MF, BACK_COW };

struct vma {
	uint64_t start, end;
	int prot;
	int flags;                      /* MAP_SHARED / MAP_PRIVATE | MAP_ANONYMOUS */
	enum vma_kind kind;
	int host_fd;                    /* VMA_FILE: the backing host fd, or -1 */
	uint64_t off;                   /* VMA_FILE, shm_id: offset of start in the object */
	uint64_t shm_id;                /* shared anonymous memory: its object, else 0 */
	uint64_t file_id;               /* shared VMA_FILE: the host file's (dev, ino),
					 * hashed (futex keys; fd numbers are reused) */
	bool nowrite;                   /* shared map of a read-only fd: no PROT_WRITE */
	bool locked;                    /* mlock: counted in VmLck (the host pins nothing) */
	bool dontfork;                  /* MADV_DONTFORK: a child does not get it */
	bool wipe;                      /* MADV_WIPEONFORK kept by the sentry (BACK_MF,
					 * BACK_COW: the host refuses it on file maps) */
	enum vma_backing backing;
	uint64_t mf_off;                /* BACK_MF: offset of start in the memory file */
};

/* Whether off means something: file mappings and shared anonymous memory. */
static inline bool vma_has_off(const struct vma *v)
{
	return v->kind == VMA_FILE || v->shm_id;
}

/* mm_mmap flag (above the MAP_* bits): the file was not opened for writing */
#define MM_NOWRITE (1 << 30)

struct vma_list {
	struct vma *v;                  /* sorted by start, non-overlapping */
	size_t n, cap;
};

struct mm {
	struct stub_proc *proc;
	int users;                      /* thread groups in it (CLONE_VM shares) */
	pthread_mutex_t lock;
	struct vma_list vmas;
	uint64_t mmap_base;             /* top-down placement starts here */
	uint64_t brk_start, brk;
	uint64_t stack_top;
	uint64_t arg_start, arg_end, env_start, env_end;
	uint64_t auxv[64];
	size_t auxv_len;
	bool lock_future;               /* mlockall(MCL_FUTURE): new mappings are locked */
	int membarrier_reg;             /* MEMBARRIER_CMD_REGISTER_* done in it */
	struct aio_ctx *aio;            /* io_setup's contexts (syscalls/sys_aio.c) */
	struct memfile *mf;             /* private anonymous memory (mm/memfile.c) */
	bool mf_failed;                 /* no memory file could be made: host memory */
};

/* memfile.c: the memory file, under mm->lock */
int memfile_alloc(struct mm *mm, uint64_t len, int *fd, uint64_t *off);
void memfile_punch(struct mm *mm, uint64_t off, uint64_t len);
int memfile_fd(struct mm *mm);
char *memfile_ptr(struct mm *mm, uint64_t off);
void memfile_retire(struct mm *mm);
void memfile_release(struct mm *mm, uint64_t start, uint64_t end);
bool memfile_in_range(struct mm *mm, uint64_t start, uint64_t end);
long memfile_back_host(struct mm *mm, const struct vma *v, uint64_t s, uint64_t e);
long memfile_grow(struct mm *mm, struct vma *v, uint64_t old, uint64_t old_len,
		  uint64_t new_len, uint64_t to);
long memfile_cow_vma(struct mm *mm, struct vma *v);
int memfile_fork(struct mm *mm);
int memfile_wipe_child(struct mm *mm);
long memfile_madvise(struct mm *mm, uint64_t start, uint64_t end, int advice);

/* syscalls/sys_aio.c: the address space's AIO contexts die with it. */
void aio_mm_exit(struct mm *mm);

/* vma.c: the VMA list, no host calls (unit tested) */
size_t vma_index(const struct vma_list *l, uint64_t addr);
struct vma *vma_lookup(const struct vma_list *l, uint64_t addr);
int vma_insert(struct vma_list *l, const struct vma *v);
int vma_remove_range(struct vma_list *l, uint64_t start, uint64_t end);
int vma_protect_range(struct vma_list *l, uint64_t start, uint64_t end, int prot);
int vma_lock_range(struct vma_list *l, uint64_t start, uint64_t end, bool locked);
int vma_dontfork_range(struct vma_list *l, uint64_t start, uint64_t end, bool dontfork);
/* A forked child's copy of the list: the MADV_DONTFORK VMAs go. */
void vma_drop_dontfork(struct vma_list *l);
int vma_backing_range(struct vma_list *l, uint64_t start, uint64_t end, enum vma_backing b);
int vma_wipe_range(struct vma_list *l, uint64_t start, uint64_t end, bool wipe);
bool vma_continues(const struct vma *a, const struct vma *b);
/* Bytes of [start, end) (every VMA if start == end == 0) not yet locked. */
uint64_t vma_unlocked_bytes(const struct vma_list *l, uint64_t start, uint64_t end);
bool vma_range_free(const struct vma_list *l, uint64_t start, uint64_t end);
bool vma_range_mapped(const struct vma_list *l, uint64_t start, uint64_t end);
uint64_t vma_find_gap(const struct vma_list *l, uint64_t len, uint64_t top,
		      uint64_t bottom);
void vma_list_free(struct vma_list *l);

/* mm.c: address-space operations, carried out by host calls */
struct mm *mm_new(void);
struct mm *mm_fork(struct mm *from);
/* Drop a user; the last one kills the stub process and frees the mm. */
void mm_put(struct mm *mm);
static inline bool mm_shared(struct mm *mm)
{
	return __atomic_load_n(&mm->users, __ATOMIC_ACQUIRE) > 1;
}
long mm_mmap(struct mm *mm, uint64_t addr, uint64_t len, int prot, int flags,
	     int host_fd, uint64_t off, enum vma_kind kind);
long mm_mmap_obj(struct mm *mm, uint64_t addr, uint64_t len, int prot, int flags,
		 int host_fd, uint64_t obj);
long mm_munmap(struct mm *mm, uint64_t addr, uint64_t len);
long mm_mprotect(struct mm *mm, uint64_t addr, uint64_t len, int prot);
long mm_mremap(struct mm *mm, uint64_t old, uint64_t old_len, uint64_t new_len,
	       int flags, uint64_t new_addr);
long mm_madvise(struct mm *mm, uint64_t addr, uint64_t len, int advice);
/* mlock.c: mlock(2) and its kin as sandbox accounting; limit is the
 * RLIMIT_MEMLOCK in bytes (UINT64_MAX with CAP_IPC_LOCK). */
long mm_mlock(struct mm *mm, uint64_t addr, uint64_t len, bool lock, uint64_t limit);
long mm_mlockall(struct mm *mm, int flags, uint64_t limit);
long mm_munlockall(struct mm *mm);
long mm_msync(struct mm *mm, uint64_t addr, uint64_t len, int flags);
/* mincore: 0 if [addr, addr + len) is mapped, else -ENOMEM */
long mm_mincore(struct mm *mm, uint64_t addr, uint64_t len);
uint64_t mm_brk(struct mm *mm, uint64_t addr);

/*
 * What /proc shows of an address space (Linux's task_mem and the mm
 * fields of /proc/PID/stat), in bytes and addresses, taken under
 * mm->lock so the numbers agree with each other.
 */
struct mm_stat {
	uint64_t size;                  /* VmSize: every VMA */
	uint64_t data, stk;             /* VmData (private writable), VmStk */
	uint64_t locked;                /* VmLck */
	uint64_t exec;                  /* executable file mappings (VmExe + VmLib) */
	uint64_t start_code, end_code;  /* the lowest executable file mapping */
	uint64_t start_stack, start_brk;
	uint64_t arg_start, arg_end, env_start, env_end;
};
void mm_stat(struct mm *mm, struct mm_stat *st);
static inline bool vma_shared(const struct vma *v)
{
	return (v->flags & MAP_TYPE) != MAP_PRIVATE;
}
/* fn on each VMA in address order, under mm->lock (so fn must not take
 * it); stops at fn's first nonzero return, which it returns. */
int mm_for_each_vma(struct mm *mm, int (*fn)(const struct vma *v, void *arg), void *arg);
/* The auxiliary vector the loader put on the stack: its bytes in buf, up
 * to len; the whole vector's size is returned. */
size_t mm_auxv(struct mm *mm, void *buf, size_t len);

/* patch.c: syscall patching, where the mapping allows it */
void mm_patch_syscall(struct mm *mm, struct stub_thread *st, uint64_t rip, uint64_t nr);
/* A SIGILL at a patched site: 1 if regs are now a trapped syscall's. */
int mm_patch_fault(struct mm *mm, struct stub_regs *regs);

/* usercopy.c: application memory, a bad address is -EFAULT */
bool access_ok(uint64_t addr, size_t len);
int copy_from_user(struct mm *mm, void *dst, uint64_t src, size_t len);
int copy_to_user(struct mm *mm, uint64_t dst, const void *src, size_t len);
long strncpy_from_user(struct mm *mm, char *dst, uint64_t src, size_t max);
int clear_user(struct mm *mm, uint64_t dst, size_t len);
int copy_from_user_raw(struct mm *mm, void *dst, uint64_t src, size_t len);
size_t mm_user_room(struct mm *mm, uint64_t addr, size_t len, bool write);
/* fn on the sentry's view of memory-file memory, -ENODEV if it is not. */
long mm_direct(struct mm *mm, uint64_t addr, size_t len, bool write,
	       long (*fn)(void *p, size_t len, void *arg), void *arg);

/*
 * Many small reads of the same few pages (execve's argv and envp: a
 * pointer, then a string, for each of dozens of entries) through a
 * one-page copy: one host call per page instead of two per entry.
 */
struct user_reader {
	struct mm *mm;
	uint64_t page;                  /* the page in buf, if valid */
	bool valid;
	char buf[PAGE_SIZE];
};
int reader_copy(struct user_reader *r, void *dst, uint64_t src, size_t len);
long reader_strncpy(struct user_reader *r, char *dst, uint64_t src, size_t max);
int copy_to_user_raw(struct mm *mm, uint64_t dst, const void *src, size_t len);

#endif
