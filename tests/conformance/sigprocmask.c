/* rt_sigprocmask(2) with 64-bit kernel masks: SIG_BLOCK, SIG_UNBLOCK,
 * SIG_SETMASK, old-mask reporting, and SIGKILL/SIGSTOP being unblockable. */
#include <signal.h>
#include <stdint.h>
#include "check.h"

#define BIT(s) (1ULL << ((s) - 1))

static long pm(int how, const uint64_t *set, uint64_t *old, size_t sz)
{
	return syscall(SYS_rt_sigprocmask, how, set, old, sz);
}

int main(void)
{
	uint64_t orig, cur, old, set;

	CHECK(pm(SIG_BLOCK, NULL, &orig, 8) == 0, "query: %s", strerror(errno));
	CHECK(!(orig & BIT(SIGUSR1)), "SIGUSR1 blocked at start");

	set = BIT(SIGUSR1) | BIT(SIGKILL) | BIT(SIGSTOP);
	CHECK(pm(SIG_BLOCK, &set, &old, 8) == 0 && old == orig, "block");
	CHECK(pm(SIG_BLOCK, NULL, &cur, 8) == 0, "query");
	CHECK(cur == (orig | BIT(SIGUSR1)), "after block %#llx (SIGKILL/SIGSTOP must "
	      "stay unblocked)", (unsigned long long)cur);

	set = BIT(SIGUSR1);
	CHECK(pm(SIG_UNBLOCK, &set, &old, 8) == 0 && old == cur, "unblock");
	CHECK(pm(SIG_BLOCK, NULL, &cur, 8) == 0 && cur == orig, "after unblock %#llx",
	      (unsigned long long)cur);

	set = BIT(SIGUSR2) | BIT(SIGTERM) | BIT(SIGRTMIN + 1) | BIT(64) | BIT(SIGKILL);
	CHECK(pm(SIG_SETMASK, &set, NULL, 8) == 0, "setmask");
	CHECK(pm(SIG_SETMASK, NULL, &cur, 8) == 0, "query");
	CHECK(cur == (set & ~BIT(SIGKILL)), "setmask read back %#llx",
	      (unsigned long long)cur);

	CHECK_ERRNO(pm(3, &set, NULL, 8), EINVAL);   /* bad how */
	CHECK_ERRNO(pm(SIG_BLOCK, &set, NULL, 4), EINVAL); /* bad sigsetsize */
	CHECK_ERRNO(pm(SIG_BLOCK, KERNEL_PTR, NULL, 8), EFAULT);
	CHECK_ERRNO(pm(SIG_BLOCK, NULL, KERNEL_PTR, 8), EFAULT);

	CHECK(pm(SIG_SETMASK, &orig, NULL, 8) == 0, "restore");
	CHECK(pm(SIG_BLOCK, NULL, &cur, 8) == 0 && cur == orig, "restored");
	return 0;
}
