/* SPDX-License-Identifier: MIT */
/* epoll objects (fs/epoll.c), for the handlers of syscalls/sys_epoll.c. */
#ifndef CVISOR_FS_EPOLL_H
#define CVISOR_FS_EPOLL_H

#include <stdbool.h>
#include <sys/epoll.h>

struct file;
struct task;

struct file *epoll_file_new(void);
bool is_epoll(struct file *f);
long epoll_ctl_file(struct file *epf, int op, int fd, struct file *f,
		    const struct epoll_event *ev);
long epoll_wait_file(struct task *t, struct file *f, struct epoll_event *evs, int max, int ms);

#endif
