/* SPDX-License-Identifier: MIT */
/*
 * Time.  clock_gettime and gettimeofday normally run in the vDSO without a
 * trap; these handlers serve the fallback path and direct syscalls.  Clocks
 * are the host's: the sandbox has no clock of its own to offer.
 */
#include <errno.h>
#include <sys/time.h>
#include <sys/timex.h>
#include <time.h>

#include "mm/mm.h"
#include "syscalls/syscalls.h"

static bool clock_ok(clockid_t id)
{
	switch (id) {
	case CLOCK_REALTIME: case CLOCK_MONOTONIC: case CLOCK_MONOTONIC_RAW:
	case CLOCK_REALTIME_COARSE: case CLOCK_MONOTONIC_COARSE:
	case CLOCK_BOOTTIME: case CLOCK_PROCESS_CPUTIME_ID: case CLOCK_THREAD_CPUTIME_ID:
	case CLOCK_TAI:
		return true;
	}
	return false;
}

static bool is_cpu_clock(clockid_t id)
{
	return id < 0 || id == CLOCK_PROCESS_CPUTIME_ID || id == CLOCK_THREAD_CPUTIME_ID;
}

/* CPU-time clocks are the stubs' (kernel/rusage.c), not the sentry
 * thread's; the others the host's. */
static int read_clock(struct task *t, clockid_t id, struct timespec *ts)
{
	struct cpu_clock c;
	int64_t ns;
	int err;

	if (!is_cpu_clock(id))
		return clock_ok(id) ? (clock_gettime(id, ts) ? -errno : 0) : -EINVAL;
	err = cpu_clock_resolve(t, id, &c);
	if (!err)
		err = cpu_clock_sample(&c, &ns);
	if (err)
		return -EINVAL;         /* what Linux says of a clock whose owner is gone */
	*ts = (struct timespec){ ns / 1000000000LL, ns % 1000000000LL };
	return 0;
}

long sys_clock_gettime(struct task *t, const struct syscall_args *a)
{
	clockid_t id = ARG_INT(a, 0);
	struct timespec ts;
	int err;

	err = read_clock(t, id, &ts);
	if (err)
		return err;
	return copy_to_user(t->tg->mm, a->a[1], &ts, sizeof(ts));
}

long sys_clock_getres(struct task *t, const struct syscall_args *a)
{
	clockid_t id = ARG_INT(a, 0);
	struct timespec ts;
	struct cpu_clock c;

	if (is_cpu_clock(id) ? cpu_clock_resolve(t, id, &c) != 0 : !clock_ok(id))
		return -EINVAL;
	/* a CPU clock's resolution is the host's for its own */
	if (clock_getres(is_cpu_clock(id) ? CLOCK_PROCESS_CPUTIME_ID : id, &ts))
		return -errno;
	return a->a[1] ? copy_to_user(t->tg->mm, a->a[1], &ts, sizeof(ts)) : 0;
}

long sys_gettimeofday(struct task *t, const struct syscall_args *a)
{
	struct timeval tv;
	struct { int minuteswest, dsttime; } tz = { 0, 0 };

	gettimeofday(&tv, NULL);
	if (a->a[0] && copy_to_user(t->tg->mm, a->a[0], &tv, sizeof(tv)))
		return -EFAULT;
	if (a->a[1] && copy_to_user(t->tg->mm, a->a[1], &tz, sizeof(tz)))
		return -EFAULT;
	return 0;
}

long sys_time(struct task *t, const struct syscall_args *a)
{
	int64_t now = (int64_t)time(NULL);

	if (a->a[0] && copy_to_user(t->tg->mm, a->a[0], &now, sizeof(now)))
		return -EFAULT;
	return now;
}

static bool ts_valid(const struct timespec *ts)
{
	return ts->tv_sec >= 0 && ts->tv_nsec >= 0 && ts->tv_nsec < 1000000000L;
}

static long sleep_restart(struct task *t);

/*
 * Sleep until deadline (CLOCK_MONOTONIC).  Interrupted, the time left is
 * written to rem_addr, and the sleep fails with EINTR if a handler runs,
 * else goes on in restart_syscall to the same deadline (Linux's
 * hrtimer_nanosleep_restart()).
 */
static long sleep_until(struct task *t, const struct timespec *deadline, uint64_t rem_addr)
{
	struct timespec left = ts_left(deadline), rem;
	int err;

	if (left.tv_sec < 0)
		return 0;
	err = task_sleep(t, &left, &rem);
	if (err != -ERESTARTSYS)
		return err;
	if (rem_addr && copy_to_user(t->tg->mm, rem_addr, &rem, sizeof(rem)))
		return -EFAULT;
	t->restart = (struct restart_block){
		.fn = sleep_restart, .args = { .a = { rem_addr } }, .deadline = *deadline,
	};
	return -ERESTART_RESTARTBLOCK;
}

static long sleep_restart(struct task *t)
{
	struct restart_block r = t->restart;

	return sleep_until(t, &r.deadline, r.args.a[0]);
}

static long sleep_rel(struct task *t, const struct timespec *req, uint64_t rem_addr)
{
	struct timespec deadline = ts_deadline(req);

	return sleep_until(t, &deadline, rem_addr);
}

long sys_nanosleep(struct task *t, const struct syscall_args *a)
{
	struct timespec req;

	if (copy_from_user(t->tg->mm, &req, a->a[0], sizeof(req)))
		return -EFAULT;
	if (!ts_valid(&req))
		return -EINVAL;
	return sleep_rel(t, &req, a->a[1]);
}

long sys_clock_nanosleep(struct task *t, const struct syscall_args *a)
{
	clockid_t id = ARG_INT(a, 0);
	int flags = ARG_INT(a, 1);
	struct timespec req, now;

	if (!clock_ok(id))
		return -EINVAL;
	/* clocks Linux cannot sleep on (no nsleep: EOPNOTSUPP), and the
	 * process's CPU clock, which Linux can and the sentry cannot yet */
	if (id == CLOCK_THREAD_CPUTIME_ID || id == CLOCK_MONOTONIC_RAW ||
	    id == CLOCK_REALTIME_COARSE || id == CLOCK_MONOTONIC_COARSE ||
	    id == CLOCK_PROCESS_CPUTIME_ID)
		return -EOPNOTSUPP;
	if (copy_from_user(t->tg->mm, &req, a->a[2], sizeof(req)))
		return -EFAULT;
	if (!ts_valid(&req))
		return -EINVAL;
	if (flags & TIMER_ABSTIME) {
		clock_gettime(id, &now);
		req.tv_sec -= now.tv_sec;
		req.tv_nsec -= now.tv_nsec;
		if (req.tv_nsec < 0) {
			req.tv_sec--;
			req.tv_nsec += 1000000000L;
		}
		if (req.tv_sec < 0)
			return 0;
		/* an absolute sleep runs again as it was, never reports a remainder */
		long ret = sleep_rel(t, &req, 0);

		return ret == -ERESTART_RESTARTBLOCK ? -ERESTARTNOHAND : ret;
	}
	return sleep_rel(t, &req, a->a[3]);
}

/* The kernel's names for the adjtime modes (uapi gives user space 0x8001). */
#define ADJ_ADJTIME_K           0x8000
#define ADJ_OFFSET_SINGLESHOT_K 0x0001
#define ADJ_OFFSET_READONLY_K   0x2000

/*
 * adjtimex(2), clock_adjtime(CLOCK_REALTIME): the sandbox reads the clock's
 * state and never changes the host's clock.  A mode that would set
 * anything is EPERM, Linux's answer (timekeeping_validate_timex) to a
 * process without CAP_SYS_TIME in the initial user namespace, which a
 * container's root is; modes 0 and ADJ_OFFSET_SS_READ are reads.  The
 * state shown is an undisciplined clock (the host's NTP state is not the
 * sandbox's to see): STA_UNSYNC, Linux's defaults for the rest, and the
 * answer TIME_ERROR, as Linux gives for an unsynchronised clock.
 */
static long adjtimex_read(struct task *t, uint64_t addr)
{
	struct timex tx;
	struct timeval now;

	if (copy_from_user(t->tg->mm, &tx, addr, sizeof(tx)))
		return -EFAULT;
	if (tx.modes & ADJ_ADJTIME_K) {
		if (!(tx.modes & ADJ_OFFSET_SINGLESHOT_K))
			return -EINVAL;
		if (!(tx.modes & ADJ_OFFSET_READONLY_K))
			return -EPERM;
	} else if (tx.modes) {
		return -EPERM;
	}
	gettimeofday(&now, NULL);
	tx = (struct timex){
		.modes = tx.modes,
		.maxerror = 16000000,           /* NTP_PHASE_LIMIT */
		.esterror = 16000000,
		.status = STA_UNSYNC,
		.constant = 2,
		.precision = 1,
		.tolerance = 500 << 16,         /* MAXFREQ_SCALED: 500 ppm */
		.time = now,
		.tick = 1000000 / 100,          /* USER_HZ */
	};
	if (copy_to_user(t->tg->mm, addr, &tx, sizeof(tx)))
		return -EFAULT;
	return TIME_ERROR;
}

long sys_adjtimex(struct task *t, const struct syscall_args *a)
{
	return adjtimex_read(t, a->a[0]);
}

/* Only CLOCK_REALTIME can be adjusted; the other clocks Linux knows have
 * no clock_adj (EOPNOTSUPP), and any other id is EINVAL. */
long sys_clock_adjtime(struct task *t, const struct syscall_args *a)
{
	clockid_t id = ARG_INT(a, 0);

	if (id == CLOCK_REALTIME)
		return adjtimex_read(t, a->a[1]);
	if (id < 0)     /* a CPU clock, or a clock device the sandbox has none of */
		return (id & 7) == 3 ? -EINVAL : -EOPNOTSUPP;
	if (clock_ok(id) || id == CLOCK_TAI || id == CLOCK_REALTIME_ALARM ||
	    id == CLOCK_BOOTTIME_ALARM)
		return -EOPNOTSUPP;
	return -EINVAL;
}
