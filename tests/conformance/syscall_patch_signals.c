/* Signals that arrive while a patched syscall site is in use (in cvisor:
 * a call through the stub's fast entry, which has no signal frame of its
 * own): a blocking read interrupted by a handler with and without
 * SA_RESTART, and handlers that clobber the SSE registers while the
 * interrupted code keeps a value in one across its system calls. */
#define _GNU_SOURCE
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <sys/time.h>
#include "check.h"
#include "patch_sites.h"

PATCH_SITE(site_read, 0);
PATCH_SITE(site_getppid, 110);

/* getppid with a value in xmm0 around it: returns xmm0 after the call */
__asm__(".text\n.globl site_xmm\n.type site_xmm, @function\nsite_xmm:\n"
	"\tmovq %rdi, %xmm0\n\tnop\n\tmov $110, %eax\n\tsyscall\n"
	"\tmovq %xmm0, %rax\n\tret\n.size site_xmm, . - site_xmm\n");
long site_xmm(long v);

static atomic_int handled;
static pid_t main_tid;
static int pipefd[2];

static void on_signal(int sig)
{
	(void)sig;
	/* what any handler may do: use the SSE registers */
	__asm__ volatile("pxor %%xmm0, %%xmm0" ::: "xmm0");
	atomic_fetch_add(&handled, 1);
}

static void *interrupt_then_write(void *arg)
{
	(void)arg;
	usleep(20000);          /* into the read */
	syscall(SYS_tgkill, getpid(), main_tid, SIGUSR1);
	while (atomic_load(&handled) == 0)
		usleep(1000);
	usleep(20000);
	CHECK(write(pipefd[1], "x", 1) == 1, "write");
	return NULL;
}

/* A blocked read that a handler interrupts: restarted or EINTR. */
static void read_interrupted(int restart)
{
	struct sigaction sa = { .sa_handler = on_signal, .sa_flags = restart ? SA_RESTART : 0 };
	pthread_t th;
	char c;
	long r;

	CHECK_OK(sigaction(SIGUSR1, &sa, NULL));
	atomic_store(&handled, 0);
	CHECK(pthread_create(&th, NULL, interrupt_then_write, NULL) == 0, "create");
	r = site_read(pipefd[0], (long)&c, 1, 0);
	if (restart)
		CHECK(r == 1 && c == 'x', "read with SA_RESTART: %ld, want 1", r);
	else
		CHECK(r == -EINTR, "read without SA_RESTART: %ld, want -EINTR", r);
	CHECK(pthread_join(th, NULL) == 0, "join");
	if (!restart)
		CHECK(site_read(pipefd[0], (long)&c, 1, 0) == 1, "the byte left");
}

/* Signals at syscall returns: the interrupted xmm0 must survive. */
static void sse_survives(void)
{
	struct sigaction sa = { .sa_handler = on_signal, .sa_flags = SA_RESTART };
	struct itimerval it = { { 0, 500 }, { 0, 500 } };
	long i;

	CHECK_OK(sigaction(SIGALRM, &sa, NULL));
	atomic_store(&handled, 0);
	CHECK_OK(setitimer(ITIMER_REAL, &it, NULL));
	for (i = 0; i < 50000000 && atomic_load(&handled) < 200; i++) {
		long v = 0x1234567800000000L | i;

		CHECK(site_xmm(v) == v, "xmm0 lost across a signal (call %ld, %d handled)",
		      i, atomic_load(&handled));
	}
	memset(&it, 0, sizeof(it));
	CHECK_OK(setitimer(ITIMER_REAL, &it, NULL));
	CHECK(atomic_load(&handled) >= 200, "%d signals in %ld calls", atomic_load(&handled), i);
}

int main(void)
{
	char c;

	main_tid = gettid();
	CHECK_OK(pipe(pipefd));
	/* each site traps once (and is patched), then goes through the patch */
	CHECK(write(pipefd[1], "ab", 2) == 2, "write");
	CHECK(site_read(pipefd[0], (long)&c, 1, 0) == 1 && c == 'a', "read a");
	CHECK(site_read(pipefd[0], (long)&c, 1, 0) == 1 && c == 'b', "read b");
	CHECK(site_getppid(0, 0, 0, 0) == getppid(), "getppid");
	read_interrupted(1);
	read_interrupted(0);
	sse_survives();
	return 0;
}
