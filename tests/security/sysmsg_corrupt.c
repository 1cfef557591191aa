/*
 * Writes garbage into the stub's shared pages from application code, as
 * the fuzzer of the security review did (issue 12, finding 9: "one
 * corruption of another thread's message page hung the process until
 * SIGTERM").  Only the sandbox has these pages: this runs under cvisor.
 *
 *   sysmsg_corrupt [CASE...]        (no CASE: all of them)
 *
 * Each case runs in a child process of its own: a victim thread makes
 * system calls in a loop (getppid; mmap and munmap, which are host calls in
 * the stub; or fork) while the main thread writes one value into one field
 * of the victim's sysmsg page (slot 1), of its own (slot 0), or of the
 * process's response page, again and again; then it stops and joins the
 * victim.  The application may only hurt itself: each child ends on its
 * own, by exiting or by a signal (the sandbox kills a process that breaks
 * the protocol), within 30 s of the end of the writes (it takes well under
 * one).  Only a register the garbage went into may send the victim into an
 * endless loop of its own (its rip into the stub's loop, say): such a
 * child is killed after 2 s, and must die of it.  A fork whose child's
 * memory went anywhere but the child (a forged host pid) exits 3.
 *
 * One line per case: "NAME: exit N", "NAME: signal N", "NAME: looped,
 * killed" (a register case) or "NAME: HUNG" (a failure; the child is
 * killed); then "done".  Exit 1 if a case hung or exited non-zero.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <pthread.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <signal.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "../../src/common/stub_abi.h"

enum victim { V_SYSCALL, V_HOSTCALL, V_FORK };
enum page { P_SIBLING, P_OWN, P_RESP };

struct kase {
	const char *name;
	enum page page;
	size_t off;             /* of the field in its page */
	int size;               /* 4 or 8 */
	uint64_t value;
	enum victim victim;
	int may_loop;           /* the value steers the victim's code */
};

#define MSG(f) offsetof(struct sysmsg, f)
#define REG(f) (offsetof(struct sysmsg, regs) + offsetof(struct stub_regs, f))
#define RESP(f) offsetof(struct stub_resp, f)
#define SEQ_NEXT (~0ULL)        /* the request's seq + 1 */
#define SEQ_SAME (~0ULL - 1)    /* the request's seq, with ret = value below */

static const struct kase cases[] = {
	{ "sibling-state-gone", P_SIBLING, MSG(state), 4, SYSMSG_GONE, V_SYSCALL, 0 },
	{ "sibling-state-event", P_SIBLING, MSG(state), 4, SYSMSG_EVENT, V_SYSCALL, 0 },
	{ "sibling-state-done", P_SIBLING, MSG(state), 4, SYSMSG_DONE, V_SYSCALL, 0 },
	{ "sibling-state-new", P_SIBLING, MSG(state), 4, SYSMSG_NEW, V_SYSCALL, 0 },
	{ "sibling-state-garbage", P_SIBLING, MSG(state), 4, 0xdeadbeef, V_SYSCALL, 0 },
	{ "sibling-event-0", P_SIBLING, MSG(event), 4, 0, V_SYSCALL, 0 },
	{ "sibling-event-fault", P_SIBLING, MSG(event), 4, EV_FAULT, V_SYSCALL, 0 },
	{ "sibling-event-garbage", P_SIBLING, MSG(event), 4, 0xffffffff, V_SYSCALL, 0 },
	{ "sibling-sentry-waiting-0", P_SIBLING, MSG(sentry_waiting), 4, 0, V_SYSCALL, 0 },
	{ "sibling-stub-waiting-0", P_SIBLING, MSG(stub_waiting), 4, 0, V_SYSCALL, 0 },
	{ "sibling-interrupt-0", P_SIBLING, MSG(interrupt), 4, 0, V_SYSCALL, 0 },
	{ "sibling-interrupt-1", P_SIBLING, MSG(interrupt), 4, 1, V_SYSCALL, 0 },
	{ "sibling-spin-0", P_SIBLING, MSG(spin), 4, 0, V_SYSCALL, 0 },
	{ "sibling-spin-max", P_SIBLING, MSG(spin), 4, 0xffffffff, V_SYSCALL, 0 },
	{ "sibling-signo", P_SIBLING, MSG(signo), 4, 0x7fffffff, V_SYSCALL, 0 },
	{ "sibling-fpstate-0", P_SIBLING, MSG(fpstate), 8, 0, V_SYSCALL, 0 },
	{ "sibling-fpstate-req", P_SIBLING, MSG(fpstate), 8, STUB_CTL_REQ, V_SYSCALL, 0 },
	{ "sibling-fpstate-code", P_SIBLING, MSG(fpstate), 8, STUB_CODE, V_SYSCALL, 0 },
	{ "sibling-fpstate-garbage", P_SIBLING, MSG(fpstate), 8, 0x4141414141414141, V_SYSCALL, 0 },
	{ "sibling-rip-0", P_SIBLING, REG(rip), 8, 0, V_SYSCALL, 1 },
	{ "sibling-rip-stub", P_SIBLING, REG(rip), 8, STUB_CODE, V_SYSCALL, 1 },
	{ "sibling-rsp-req", P_SIBLING, REG(rsp), 8, STUB_CTL_REQ + 0x800, V_SYSCALL, 1 },
	{ "sibling-eflags", P_SIBLING, REG(eflags), 8, ~0ULL, V_SYSCALL, 1 },
	{ "sibling-cs", P_SIBLING, REG(cs), 8, 0x23, V_SYSCALL, 1 },
	{ "sibling-fs-base", P_SIBLING, REG(fs_base), 8, 0x8000000000000000, V_SYSCALL, 1 },
	{ "sibling-orig-rax", P_SIBLING, REG(orig_rax), 8, 0xffffffff, V_SYSCALL, 1 },
	{ "sibling-siginfo", P_SIBLING, MSG(siginfo), 8, ~0ULL, V_SYSCALL, 0 },
	{ "own-state-event", P_OWN, MSG(state), 4, SYSMSG_EVENT, V_SYSCALL, 0 },
	{ "own-state-garbage", P_OWN, MSG(state), 4, 0xdeadbeef, V_SYSCALL, 0 },
	{ "own-event-garbage", P_OWN, MSG(event), 4, 77, V_SYSCALL, 0 },
	{ "own-fpstate", P_OWN, MSG(fpstate), 8, STUB_CTL_REQ, V_SYSCALL, 0 },
	{ "resp-seq-next", P_RESP, RESP(seq), 4, SEQ_NEXT, V_HOSTCALL, 0 },
	{ "resp-seq-ret", P_RESP, RESP(seq), 4, SEQ_SAME, V_HOSTCALL, 0 },
	{ "resp-sentry-waiting-0", P_RESP, RESP(sentry_waiting), 4, 0, V_HOSTCALL, 0 },
	{ "resp-stub-waiting-0", P_RESP, RESP(stub_waiting), 4, 0, V_HOSTCALL, 0 },
	{ "resp-first-tid", P_RESP, RESP(first_tid), 4, 1, V_FORK, 0 },
	{ "resp-fork-pid-1", P_RESP, RESP(seq), 4, SEQ_SAME, V_FORK, 0 },
};

static volatile int stop;
static volatile long calls;
static int pipefd[2];

/* A fork whose child must write "child!!" into the pipe: anything else means
 * the child's memory was read somewhere else. */
static int fork_once(void)
{
	char buf[8] = { 0 };
	int st;
	pid_t c = fork();

	if (c < 0)
		return 0;               /* refused: not an escape */
	if (c == 0)
		_exit(write(pipefd[1], "child!!", 8) == 8 ? 0 : 1);
	if (waitpid(c, &st, 0) != c)
		return 1;
	if (WIFEXITED(st) && WEXITSTATUS(st) == 0 &&
	    (read(pipefd[0], buf, 8) != 8 || memcmp(buf, "child!!", 8) != 0))
		return 1;
	if (WIFEXITED(st) && WEXITSTATUS(st) == 1)
		return 1;               /* its write read the wrong memory */
	return 0;
}

static void *victim(void *arg)
{
	enum victim v = (enum victim)(intptr_t)arg;

	while (!stop) {
		if (v == V_SYSCALL) {
			syscall(SYS_getppid);
		} else if (v == V_HOSTCALL) {
			char *p = mmap(NULL, 4096, PROT_READ | PROT_WRITE,
				       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

			if (p != MAP_FAILED) {
				p[0] = 1;
				munmap(p, 4096);
			}
		} else if (fork_once()) {
			_exit(3);
		}
		calls++;
	}
	return NULL;
}

static void poke(volatile char *page, const struct kase *k)
{
	volatile struct stub_req *rq = (struct stub_req *)STUB_CTL_REQ;
	volatile struct stub_resp *rs = (struct stub_resp *)STUB_CTL_RESP;

	if (k->value == SEQ_NEXT) {
		rs->seq = rq->seq + 1;
	} else if (k->value == SEQ_SAME) {
		rs->ret = 1;            /* pid 1: the sentry, for a clone */
		rs->seq = rq->seq;
	} else if (k->size == 4) {
		*(volatile uint32_t *)(page + k->off) = (uint32_t)k->value;
	} else {
		*(volatile uint64_t *)(page + k->off) = k->value;
	}
}

static int run_case(const struct kase *k, int done_fd)
{
	volatile char *page = k->page == P_SIBLING ? (char *)STUB_SLOT_MSG(1)
			    : k->page == P_OWN ? (char *)STUB_SLOT_MSG(0)
					       : (char *)STUB_CTL_RESP;
	pthread_t th;

	if (pipe(pipefd) || pthread_create(&th, NULL, victim, (void *)(intptr_t)k->victim))
		return 2;
	while (calls < 3)
		sched_yield();
	for (long i = 0; i < 300000; i++)
		poke(page, k);
	stop = 1;
	close(done_fd);         /* the writes are over */
	pthread_join(th, NULL);
	return 0;
}

/*
 * Wait for the child: once its writes are over, for `secs` seconds, then
 * SIGKILL, which must end it.  1 if it had to be killed.
 */
static int wait_case(pid_t c, int done_fd, int *st, int secs)
{
	char b;

	if (read(done_fd, &b, 1) < 0)
		return -1;
	for (int i = 0; i < secs * 100; i++) {
		pid_t w = waitpid(c, st, WNOHANG);

		if (w != 0)
			return w == c ? 0 : -1;
		usleep(10000);
	}
	kill(c, SIGKILL);
	return waitpid(c, st, 0) == c ? 1 : -1;
}

int main(int argc, char **argv)
{
	size_t n = sizeof(cases) / sizeof(cases[0]);
	int bad = 0, ran = 0;

	setvbuf(stdout, NULL, _IOLBF, 0);
	for (size_t i = 0; i < n; i++) {
		const struct kase *k = &cases[i];
		int st, want = argc < 2, done[2], looped;
		pid_t c;

		for (int a = 1; a < argc; a++)
			want |= !strcmp(argv[a], k->name);
		if (!want)
			continue;
		ran++;
		if (pipe(done) || (c = fork()) < 0) {
			perror("fork");
			return 1;
		}
		if (c == 0) {
			close(done[0]);
			_exit(run_case(k, done[1]));
		}
		close(done[1]);
		looped = wait_case(c, done[0], &st, k->may_loop ? 2 : 30);
		close(done[0]);
		if (looped < 0) {
			perror("waitpid");
			return 1;
		}
		if (looped) {
			printf("%s: %s\n", k->name, k->may_loop ? "looped, killed" : "HUNG");
			bad |= !k->may_loop;
		} else if (WIFEXITED(st)) {
			printf("%s: exit %d\n", k->name, WEXITSTATUS(st));
			bad |= WEXITSTATUS(st) != 0;
		} else {
			printf("%s: signal %d\n", k->name, WTERMSIG(st));
		}
	}
	if (!ran) {
		fprintf(stderr, "no such case\n");
		return 2;
	}
	printf("done\n");
	return bad;
}
