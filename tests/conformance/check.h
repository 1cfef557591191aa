/* Minimal assertion helpers for the conformance tests.
 * Tests print nothing on success and exit 0; on failure they print one
 * "FAIL file:line: message" line to stderr and exit 1. */
#ifndef CVISOR_CONFORMANCE_CHECK_H
#define CVISOR_CONFORMANCE_CHECK_H

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/syscall.h>
#include <sys/wait.h>

#define CHECK(cond, ...)                                                   \
	do {                                                               \
		if (!(cond)) {                                             \
			fprintf(stderr, "FAIL %s:%d: ", __FILE__, __LINE__); \
			fprintf(stderr, __VA_ARGS__);                      \
			fputc('\n', stderr);                               \
			exit(1);                                           \
		}                                                          \
	} while (0)

/* expr must return -1 (or MAP_FAILED) and set errno to e. The cast to long
 * lets this work for int, ssize_t and pointer-returning calls alike. */
#define CHECK_ERRNO(expr, e)                                               \
	do {                                                               \
		errno = 0;                                                 \
		long r_ = (long)(expr);                                    \
		int err_ = errno;                                          \
		CHECK(r_ == -1 && err_ == (e),                             \
		      "%s: want -1/%s, got %ld errno %d (%s)", #expr, #e, \
		      r_, err_, strerror(err_));                           \
	} while (0)

/* expr must succeed (not return -1). */
#define CHECK_OK(expr)                                                     \
	do {                                                               \
		errno = 0;                                                 \
		long r_ = (long)(expr);                                    \
		CHECK(r_ != -1, "%s failed: %s", #expr, strerror(errno));  \
	} while (0)

#define PAGE 4096UL

/* Forces later reads to really load from memory, so a readback right
 * after a write tests the mapping rather than the compiler. */
#define BARRIER() __asm__ volatile("" ::: "memory")

/* An address no user-space pointer can have (kernel half), so every
 * syscall must reject it with EFAULT, even when it has nothing to copy. */
#define KERNEL_PTR ((void *)0xffffffffff000000UL)

/* fn() run in a child, its exit status returned: the sandbox's first
 * process leads its session, and a session leader may not make a process
 * group of its own (setpgid(0, 0) is EPERM for it). */
static inline int run_in_child(int (*fn)(void))
{
	pid_t pid = fork();
	int st;

	CHECK(pid >= 0, "fork: %s", strerror(errno));
	if (pid == 0)
		_exit(fn());
	CHECK(waitpid(pid, &st, 0) == pid, "wait: %s", strerror(errno));
	return WIFEXITED(st) ? WEXITSTATUS(st) : 1;
}


/* A copy of this program at to (mode 0755, made with O_EXCL); its fd,
 * still open for writing (close-on-exec), is returned. */
static inline int copy_self_open(const char *to)
{
	char buf[65536];
	int in = open("/proc/self/exe", O_RDONLY), out;
	ssize_t n;

	CHECK(in >= 0, "open /proc/self/exe: %s", strerror(errno));
	out = open(to, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0755);
	CHECK(out >= 0, "create %s: %s", to, strerror(errno));
	while ((n = read(in, buf, sizeof(buf))) > 0)
		CHECK(write(out, buf, (size_t)n) == n, "write: %s", strerror(errno));
	CHECK(n == 0, "read: %s", strerror(errno));
	close(in);
	return out;
}

#endif
