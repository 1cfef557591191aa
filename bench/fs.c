/*
 * bench/fs.c - time file-system system calls on one existing file.
 *
 * Usage: fs FILE MODE N
 *   openclose  N x open(FILE, O_RDONLY) + close; ns per open+close pair.
 *   stat       N x stat(FILE); ns per call.
 *   pread4k    N x pread of 4 KiB at a random 4 KiB-aligned offset in FILE
 *              (xorshift64, fixed seed, so every run reads the same blocks);
 *              ns per call.
 *   read       N sequential passes over the whole FILE with read(2) in 1 MiB
 *              chunks (lseek to 0 between passes); ns per 4 KiB read and the
 *              throughput in MB/s (10^6 bytes per second).
 *
 * Before the timed loop, N/10 (at least 1) untimed warm-up operations are
 * made; for read, one whole untimed pass, which also brings FILE into the
 * page cache and faults in the buffer.  Only the timed loop is measured,
 * with clock_gettime(CLOCK_MONOTONIC).
 *
 * Prints one line: "MODE ns_per_op <ns>", for read followed by " MB/s <MB/s>".
 * Exits 2 on bad usage or any failed or short call.  Build static:
 * gcc -static -O2 (make build/bench/fs, or see bench/fs.sh).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "bench.h"

#define BLK 4096L
#define CHUNK (1L << 20)

static const char *file;

static void usage(void)
{
	errno = 0;
	die("usage: fs FILE openclose|stat|pread4k|read N>0");
}

static void do_openclose(long n)
{
	for (long i = 0; i < n; i++) {
		int fd = open(file, O_RDONLY);

		if (fd < 0)
			die("open");
		if (close(fd) != 0)
			die("close");
	}
}

static void do_stat(long n)
{
	struct stat st;

	for (long i = 0; i < n; i++)
		if (stat(file, &st) != 0)
			die("stat");
}

static int rfd = -1;
static long nblocks;
static uint64_t rng = 0x9e3779b97f4a7c15ULL;
static char *buf;

static uint64_t xorshift64(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return rng;
}

static void do_pread4k(long n)
{
	for (long i = 0; i < n; i++) {
		off_t off = (off_t)(xorshift64() % (uint64_t)nblocks) * BLK;

		errno = 0;
		if (pread(rfd, buf, BLK, off) != BLK)
			die("pread");
	}
}

static long long file_size;

static void do_read(long passes)
{
	for (long p = 0; p < passes; p++) {
		long long total = 0;
		ssize_t r;

		if (lseek(rfd, 0, SEEK_SET) != 0)
			die("lseek");
		while ((r = read(rfd, buf, CHUNK)) > 0)
			total += r;
		if (r < 0)
			die("read");
		if (total != file_size) {
			errno = 0;
			die("read: short pass (file changed?)");
		}
	}
}

int main(int argc, char **argv)
{
	void (*op)(long);
	const char *mode;
	double t0, t1, ns;
	long n, warm;

	bench_name = "fs";
	if (argc != 4)
		usage();
	file = argv[1];
	mode = argv[2];
	n = parse_count(argv[3]);
	if (n < 0)
		usage();

	if (strcmp(mode, "openclose") == 0) {
		op = do_openclose;
	} else if (strcmp(mode, "stat") == 0) {
		op = do_stat;
	} else if (strcmp(mode, "pread4k") == 0 || strcmp(mode, "read") == 0) {
		struct stat st;

		op = mode[0] == 'p' ? do_pread4k : do_read;
		rfd = open(file, O_RDONLY);
		if (rfd < 0)
			die("open");
		if (fstat(rfd, &st) != 0)
			die("fstat");
		file_size = st.st_size;
		nblocks = (long)(st.st_size / BLK);
		if (nblocks < 1) {
			errno = 0;
			die("file smaller than 4 KiB");
		}
		buf = aligned_alloc(BLK, CHUNK);
		if (!buf)
			die("aligned_alloc");
		memset(buf, 0, CHUNK);
	} else {
		usage();
	}

	warm = op == do_read ? 1 : (n / 10 > 0 ? n / 10 : 1);
	op(warm);

	t0 = now_ns();
	op(n);
	t1 = now_ns();

	if (op == do_read) {
		double bytes = (double)file_size * (double)n;

		ns = (t1 - t0) / (bytes / (double)BLK);
		return report("read ns_per_op %.1f MB/s %.1f\n", ns, bytes / 1e6 / ((t1 - t0) / 1e9));
	}
	ns = (t1 - t0) / (double)n;
	return report("%s ns_per_op %.1f\n", mode, ns);
}
