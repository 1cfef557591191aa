/* SPDX-License-Identifier: MIT */
/*
 * /proc/config.gz (Linux's CONFIG_IKCONFIG_PROC): the configuration of the
 * kernel the sandbox runs, which is the sentry, not the host's.  It lists
 * the options whose features the sentry implements, so that a program that
 * checks the kernel's configuration (LTP's tst_kconfig, scripts/extract-
 * ikconfig users) learns what it may use here: an option left out reads as
 * "not set" (namespaces, loop devices, userfaultfd, io_uring...).  Add an
 * option here when its feature lands in the sentry.
 *
 * The file is gzip as Linux's, made of stored (uncompressed) deflate
 * blocks: any gunzip reads it, and no compressor is needed.
 */
#include <stdint.h>
#include <string.h>

#include "fs/proc/internal.h"

static const char kconfig[] =
	"#\n# cvisor sentry: the features of the sandbox's kernel\n#\n"
	"CONFIG_64BIT=y\nCONFIG_X86_64=y\nCONFIG_MMU=y\n"
	"CONFIG_MULTIUSER=y\nCONFIG_SYSVIPC=y\nCONFIG_POSIX_MQUEUE=y\n"
	"CONFIG_FUTEX=y\nCONFIG_EPOLL=y\nCONFIG_SIGNALFD=y\nCONFIG_TIMERFD=y\n"
	"CONFIG_EVENTFD=y\nCONFIG_SHMEM=y\nCONFIG_MEMFD_CREATE=y\n"
	"CONFIG_FILE_LOCKING=y\nCONFIG_INOTIFY_USER=y\nCONFIG_KEYS=y\n"
	"CONFIG_PROC_FS=y\nCONFIG_SYSFS=y\nCONFIG_TMPFS=y\n"
	"CONFIG_NET=y\nCONFIG_UNIX=y\nCONFIG_INET=y\n"
	"CONFIG_HIGH_RES_TIMERS=y\nCONFIG_POSIX_TIMERS=y\n"
	"CONFIG_AIO=y\nCONFIG_SECCOMP=y\nCONFIG_SECCOMP_FILTER=y\n"
	"CONFIG_UNIX98_PTYS=y\nCONFIG_DEVPTS_MULTIPLE_INSTANCES=y\n";

/* CRC-32 (IEEE 802.3, reflected), as gzip's trailer needs it. */
static uint32_t crc32(const unsigned char *p, size_t n)
{
	uint32_t c = 0xffffffffu;

	while (n--) {
		c ^= *p++;
		for (int k = 0; k < 8; k++)
			c = c & 1 ? (c >> 1) ^ 0xedb88320u : c >> 1;
	}
	return ~c;
}

static void put_le32(struct sbuf *b, uint32_t v)
{
	unsigned char le[4] = { v, v >> 8, v >> 16, v >> 24 };

	sb_add(b, le, sizeof(le));
}

int proc_show_config_gz(struct sbuf *b)
{
	/* magic, deflate, no flags, no mtime, no extra flags, OS unix */
	static const unsigned char header[10] = { 0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 3 };
	const unsigned char *p = (const unsigned char *)kconfig;
	size_t len = sizeof(kconfig) - 1, off = 0;

	sb_add(b, header, sizeof(header));
	do {    /* stored blocks of at most 65535 bytes; the last has BFINAL */
		size_t n = len - off > 65535 ? 65535 : len - off;
		unsigned char hdr[5] = { off + n == len, n, n >> 8, ~n, ~n >> 8 };

		sb_add(b, hdr, sizeof(hdr));
		sb_add(b, p + off, n);
		off += n;
	} while (off < len);
	put_le32(b, crc32(p, len));
	put_le32(b, (uint32_t)len);
	return 0;
}
