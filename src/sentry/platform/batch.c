/* SPDX-License-Identifier: MIT */
/*
 * Host calls batched into one request (stub_abi.h, STUB_NR_BATCH).
 *
 * A new address space (the first program, each execve) gets its ELF
 * segments, its bss and its stack mapped before any application code runs
 * in it: six to ten host calls, each a round trip to a syscall thread that
 * sleeps, that is a cross-CPU wake-up (20-40 us on the 2-vCPU VM).  While
 * no thread of the process has been handed out, mappings with a known
 * answer (a MAP_FIXED mmap answers its address; munmap and mprotect 0) are
 * written into the request page and run together when the sentry needs
 * the memory (a copy in or out), another kind of host call, or the first
 * thread.  No application code can observe the order: none runs there
 * yet.  A call of the batch that fails fails the rest: the error sticks to
 * the address space, whose bookkeeping no longer matches it, so that the
 * exec fails with it and the address space is thrown away.
 *
 * A file mapping names a host fd of the sentry's (the stubs share its fd
 * table), which its owner may close before the batch runs: the loader
 * closes a program's file once it has asked for its segments.  A batched
 * mapping takes a duplicate of the fd, closed once the batch has run.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <unistd.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>

#include "platform/internal.h"

/* --stats: every request to a syscall thread, and the batches among them */
uint64_t hostcall_requests;
static uint64_t nr_batches, nr_batched;

static bool batchable(long nr, const uint64_t args[6])
{
	switch (nr) {
	case __NR_mmap:
		return (args[3] & MAP_FIXED) != 0;
	case __NR_munmap:
	case __NR_mprotect:
		return true;
	default:
		return false;   /* clone above all: its child would run the batch */
	}
}

static int file_fd(const struct stub_call *c)
{
	return c->nr == __NR_mmap && !(c->args[3] & MAP_ANONYMOUS) ? (int)c->args[4] : -1;
}

/* The batched calls are gone (run or not): their fds go too. */
static void batch_clear(struct stub_proc *p)
{
	for (uint32_t i = 0; i < p->nr_batch; i++)
		if (file_fd(&p->req->batch[i]) >= 0)
			close(file_fd(&p->req->batch[i]));
	p->nr_batch = 0;
}

/* Run the calls batched so far: 0, or the error of the first that failed. */
static long batch_flush(struct stub_proc *p)
{
	const uint64_t args[6] = { p->nr_batch };
	long ret;

	if (p->batch_err || !p->nr_batch)
		return p->batch_err;
	__atomic_add_fetch(&nr_batches, 1, __ATOMIC_RELAXED);
	__atomic_add_fetch(&nr_batched, p->nr_batch, __ATOMIC_RELAXED);
	ret = hostcall_child(p, STUB_NR_BATCH, args, 0);
	batch_clear(p);
	if (ret < 0)
		p->batch_err = ret;
	return p->batch_err;
}

bool hostcall_batch(struct stub_proc *p, long nr, const uint64_t args[6], long *ret)
{
	struct stub_call *c;

	if (!batchable(nr, args)) {
		*ret = batch_flush(p);
		return *ret != 0;       /* else the call goes on its own */
	}
	if (p->nr_batch == STUB_BATCH_MAX && (*ret = batch_flush(p)))
		return true;
	if (p->batch_err) {
		*ret = p->batch_err;
		return true;
	}
	c = &p->req->batch[p->nr_batch];
	c->nr = (uint64_t)nr;
	memcpy(c->args, args, sizeof(c->args));
	if (file_fd(c) >= 0) {
		int fd = fcntl(file_fd(c), F_DUPFD_CLOEXEC, 0);

		if (fd < 0) {
			*ret = -errno;
			return true;
		}
		c->args[4] = (uint64_t)fd;
	}
	p->nr_batch++;
	*ret = nr == __NR_mmap ? (long)args[0] : 0;
	return true;
}

void hostcall_batch_drop(struct stub_proc *p)
{
	batch_clear(p);
}

void batch_print_stats(int fd)
{
	dprintf(fd, "sentry: %lu host calls by syscall threads, %lu of them batches of %lu\n",
		__atomic_load_n(&hostcall_requests, __ATOMIC_RELAXED),
		__atomic_load_n(&nr_batches, __ATOMIC_RELAXED),
		__atomic_load_n(&nr_batched, __ATOMIC_RELAXED));
}

int hostcall_batch_sync(struct stub_proc *p)
{
	return p->batching ? (int)batch_flush(p) : 0;
}

int hostcall_batch_end(struct stub_proc *p)
{
	int err = hostcall_batch_sync(p);

	p->batching = false;
	return err;
}
