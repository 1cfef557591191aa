/* sigaltstack(2) + SA_ONSTACK: the handler runs on the alternate stack
 * (a local's address lies inside it) and sees SS_ONSTACK; without
 * SA_ONSTACK it runs on the normal stack; bad sizes and flags fail. */
#include <signal.h>
#include <stdint.h>
#include "check.h"

#define ALT_SIZE (64 * 1024)
static char *alt;
static volatile uintptr_t local_addr;
static volatile int flags_in_handler;

static void handler(int s)
{
	volatile char here = (char)s;
	local_addr = (uintptr_t)&here;
	stack_t cur;
	sigaltstack(NULL, &cur);
	flags_in_handler = cur.ss_flags;
}

static int on_alt(void)
{
	return local_addr >= (uintptr_t)alt && local_addr < (uintptr_t)alt + ALT_SIZE;
}

int main(void)
{
	alt = malloc(ALT_SIZE);
	CHECK(alt, "malloc");
	stack_t ss = { .ss_sp = alt, .ss_size = ALT_SIZE }, old;
	CHECK_OK(sigaltstack(&ss, &old));
	CHECK(old.ss_flags & SS_DISABLE, "an alternate stack was set at start (flags %#x)", old.ss_flags);
	CHECK_OK(sigaltstack(NULL, &old));
	CHECK(old.ss_sp == alt && old.ss_size == ALT_SIZE && old.ss_flags == 0,
	      "read back: sp %p size %zu flags %#x", old.ss_sp, old.ss_size, old.ss_flags);

	struct sigaction sa = { .sa_handler = handler, .sa_flags = SA_ONSTACK };
	CHECK_OK(sigaction(SIGUSR1, &sa, NULL));
	CHECK_OK(kill(getpid(), SIGUSR1));
	CHECK(local_addr != 0, "handler did not run");
	CHECK(on_alt(), "SA_ONSTACK handler's local at %#lx, alt stack %p..+%#x",
	      (unsigned long)local_addr, alt, ALT_SIZE);
	CHECK(flags_in_handler == SS_ONSTACK, "ss_flags in the handler %#x, want SS_ONSTACK",
	      flags_in_handler);
	/* Outside the handler we are off it again. */
	CHECK_OK(sigaltstack(NULL, &old));
	CHECK(old.ss_flags == 0, "ss_flags after the handler %#x", old.ss_flags);

	sa.sa_flags = 0;
	CHECK_OK(sigaction(SIGUSR2, &sa, NULL));
	local_addr = 0;
	CHECK_OK(kill(getpid(), SIGUSR2));
	CHECK(local_addr != 0 && !on_alt(), "handler without SA_ONSTACK ran on the alt stack");
	CHECK(flags_in_handler == 0, "ss_flags %#x in a handler on the normal stack", flags_in_handler);

	/* SS_DISABLE: SA_ONSTACK handlers use the normal stack again. */
	ss.ss_flags = SS_DISABLE;
	CHECK_OK(sigaltstack(&ss, NULL));
	local_addr = 0;
	CHECK_OK(kill(getpid(), SIGUSR1));
	CHECK(local_addr != 0 && !on_alt(), "disabled alt stack still used");

	ss.ss_flags = 0;
	ss.ss_size = MINSIGSTKSZ - 1;
	CHECK_ERRNO(sigaltstack(&ss, NULL), ENOMEM);
	ss.ss_size = ALT_SIZE;
	ss.ss_flags = 0x1234;
	CHECK_ERRNO(sigaltstack(&ss, NULL), EINVAL);
	CHECK_ERRNO(sigaltstack(KERNEL_PTR, NULL), EFAULT);
	return 0;
}
