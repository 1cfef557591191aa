/* adjtimex and clock_adjtime read the clock's state with modes 0 (or
 * ADJ_OFFSET_SS_READ) and need CAP_SYS_TIME for any mode that sets
 * something (EPERM); only CLOCK_REALTIME can be adjusted (EOPNOTSUPP for
 * the others, EINVAL for no clock).  The capability is dropped first, so
 * that natively too nothing is ever set, and the modes tried would change
 * nothing if they were accepted.  (The sentry had neither call: ENOSYS.) */
#define _GNU_SOURCE
#include <sys/time.h>
#include <sys/timex.h>
#include <time.h>
#include "caps.h"

static long cadj(clockid_t id, struct timex *tx)
{
	return syscall(SYS_clock_adjtime, id, tx);
}

static void read_state(void)
{
	struct timex tx = { .modes = 0 };
	struct timeval now;
	long r = cadj(CLOCK_REALTIME, &tx);

	CHECK(r >= TIME_OK && r <= TIME_ERROR, "clock_adjtime: %ld (%s)", r, strerror(errno));
	gettimeofday(&now, NULL);
	CHECK(tx.time.tv_sec <= now.tv_sec && tx.time.tv_sec >= now.tv_sec - 2,
	      "time %ld, now %ld", (long)tx.time.tv_sec, (long)now.tv_sec);
	CHECK(tx.tick > 0 && tx.modes == 0, "tick %ld modes %#x", tx.tick, tx.modes);
	memset(&tx, 0, sizeof(tx));
	r = adjtimex(&tx);
	CHECK(r >= TIME_OK && r <= TIME_ERROR, "adjtimex: %ld (%s)", r, strerror(errno));
	tx = (struct timex){ .modes = ADJ_OFFSET_SS_READ };
	CHECK(adjtimex(&tx) >= 0, "ADJ_OFFSET_SS_READ: %s", strerror(errno));
}

static void no_setting(void)
{
	struct sets s = caps();
	struct timex cur = { .modes = 0 }, tx;

	CHECK_OK(caps_set(s.eff & ~BIT(CAP_SYS_TIME), s.perm, s.inh));
	CHECK(!(caps().eff & BIT(CAP_SYS_TIME)), "CAP_SYS_TIME is still effective");
	CHECK_OK(adjtimex(&cur));
	tx = (struct timex){ .modes = ADJ_TICK, .tick = cur.tick };
	CHECK_ERRNO(adjtimex(&tx), EPERM);
	tx = (struct timex){ .modes = ADJ_OFFSET_SINGLESHOT };
	CHECK_ERRNO(cadj(CLOCK_REALTIME, &tx), EPERM);
	tx = (struct timex){ .modes = ADJ_NANO };
	CHECK_ERRNO(cadj(CLOCK_REALTIME, &tx), EPERM);
	tx = (struct timex){ .modes = 0x8000 };  /* adjtime without its offset bit */
	CHECK_ERRNO(adjtimex(&tx), EINVAL);
}

int main(void)
{
	struct timex tx = { .modes = 0 };

	read_state();
	CHECK_ERRNO(cadj(CLOCK_MONOTONIC, &tx), EOPNOTSUPP);
	CHECK_ERRNO(cadj(CLOCK_BOOTTIME, &tx), EOPNOTSUPP);
	CHECK_ERRNO(cadj(100, &tx), EINVAL);
	CHECK_ERRNO(cadj(CLOCK_REALTIME, KERNEL_PTR), EFAULT);
	CHECK_ERRNO(adjtimex(KERNEL_PTR), EFAULT);
	in_child(no_setting, "no_setting");
	return 0;
}
