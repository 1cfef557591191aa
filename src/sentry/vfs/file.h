/* SPDX-License-Identifier: MIT */
/*
 * Open files and fd tables (DESIGN.md §4).  A file is an object with
 * operations, as in Linux; the VFS proper (dentries, mounts, path walk)
 * builds on this.
 */
#ifndef CVISOR_FILE_H
#define CVISOR_FILE_H

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/stat.h>
#include <sys/types.h>

struct task;
struct file;

struct file_ops {
	/* buf is a sentry buffer: the caller copies to and from the application */
	ssize_t (*read)(struct task *t, struct file *f, void *buf, size_t len);
	ssize_t (*write)(struct task *t, struct file *f, const void *buf, size_t len);
	int (*fstat)(struct file *f, struct stat *st);
	long (*ioctl)(struct task *t, struct file *f, unsigned cmd, uint64_t arg);
	void (*release)(struct file *f);
};

struct file {
	const struct file_ops *ops;
	int refs;
	int flags;                      /* O_ACCMODE | O_APPEND | O_NONBLOCK ... */
	void *priv;
};

#define FD_MAX 1024

struct fd_table {
	pthread_mutex_t lock;
	struct file *fd[FD_MAX];
	bool cloexec[FD_MAX];
	int refs;
};

struct file *file_new(const struct file_ops *ops, int flags, void *priv);
struct file *file_get(struct file *f);
void file_put(struct file *f);

struct fd_table *fdt_new(void);
void fdt_put(struct fd_table *t);
/* Take a reference to the file at fd, or NULL (EBADF). */
struct file *fdt_get(struct fd_table *t, int fd);
int fdt_install(struct fd_table *t, int fd, struct file *f, bool cloexec);
int fdt_close(struct fd_table *t, int fd);

/* fs/hostfd.c: a host fd the sandbox was handed (cvisor do's stdio). */
struct file *hostfd_file(int host_fd, int flags);

#endif
