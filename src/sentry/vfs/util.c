/* SPDX-License-Identifier: MIT */
/* Helpers file systems share: directory records, lseek. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#include "vfs/vfs.h"

unsigned char dt_type(mode_t mode)
{
	return (unsigned char)((mode & S_IFMT) >> 12);
}

/* Append one linux_dirent64; returns 0, or 1 when buf is full. */
long dirent_emit(void *buf, size_t len, size_t *used, uint64_t ino, off_t next,
		 unsigned char type, const char *name)
{
	size_t nlen = strlen(name);
	size_t reclen = (19 + nlen + 1 + 7) & ~7UL;
	char *p = (char *)buf + *used;

	if (*used + reclen > len)
		return 1;
	memset(p, 0, reclen);
	memcpy(p, &ino, 8);
	memcpy(p + 8, &next, 8);
	unsigned short rl = (unsigned short)reclen;
	memcpy(p + 16, &rl, 2);
	p[18] = (char)type;
	memcpy(p + 19, name, nlen);
	*used += reclen;
	return 0;
}

off_t generic_llseek(struct file *f, off_t off, int whence, off_t size)
{
	off_t pos;

	switch (whence) {
	case SEEK_SET: pos = off; break;
	case SEEK_CUR: pos = f->pos + off; break;
	case SEEK_END: pos = size + off; break;
	case SEEK_DATA: if (off >= size) return -ENXIO; pos = off; break;
	case SEEK_HOLE: if (off >= size) return -ENXIO; pos = size; break;
	default: return -EINVAL;
	}
	if (pos < 0)
		return -EINVAL;
	f->pos = pos;
	return pos;
}
