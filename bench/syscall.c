/*
 * bench/syscall.c - time the round trip of a trivial system call.
 *
 * Usage: syscall [N] [raw|mmap]
 *   N    number of timed calls (default 1000000); N/10 untimed warm-up calls
 *        are made first.
 *   raw  issue the `syscall` instruction with inline asm instead of going
 *        through glibc's syscall(2) wrapper.
 *   mmap time instead one mmap of 4 KiB of private anonymous memory, one
 *        write to it (the first touch: a page fault) and its munmap.
 *
 * Prints one line: "getppid_ns <ns per call>" (or "mmap_ns <ns per round>").
 *
 * Only getppid, clock_gettime (normally served by the vDSO, so it may or may
 * not trap depending on the sandbox) and write are used, so the program runs
 * inside minimal sandboxes.  Build static: gcc -static -O2.
 */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "bench.h"

static long raw_getppid(void)
{
#if defined(__x86_64__)
	long ret;
	__asm__ volatile("syscall"
			 : "=a"(ret)
			 : "a"((long)SYS_getppid)
			 : "rcx", "r11", "memory");
	return ret;
#else
	return syscall(SYS_getppid);
#endif
}

static long libc_getppid(void)
{
	return syscall(SYS_getppid);
}

/* One round of the mmap row: map, first touch, unmap; 0 if all worked. */
static long mmap_touch_unmap(void)
{
	volatile char *p = mmap(NULL, 4096, PROT_READ | PROT_WRITE,
				MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (p == MAP_FAILED)
		return -1;
	p[0] = 1;
	return p[1] != 0 || munmap((void *)p, 4096) ? -1 : 0;
}

static void unexpected(void)
{
	errno = 0;
	die("getppid: unexpected result");
}

int main(int argc, char **argv)
{
	long n = 1000000;
	long (*call)(void) = libc_getppid;
	long expect, i;
	double t0, t1;

	bench_name = "syscall";
	if (argc > 1 && (n = parse_count(argv[1])) < 0) {
		errno = 0;
		die("usage: syscall [N>0] [raw|mmap]");
	}
	if (argc > 2) {
		if (strcmp(argv[2], "raw") == 0)
			call = raw_getppid;
		else if (strcmp(argv[2], "mmap") == 0)
			call = mmap_touch_unmap;
		else
			die("usage: syscall [N>0] [raw|mmap]");
	}

	expect = call();
	for (i = 0; i < n / 10; i++)
		if (call() != expect)
			unexpected();

	t0 = now_ns();
	for (i = 0; i < n; i++)
		if (call() != expect)
			unexpected();
	t1 = now_ns();

	return report(call == mmap_touch_unmap ? "mmap_ns %.1f\n" : "getppid_ns %.1f\n",
		      (t1 - t0) / (double)n);
}
