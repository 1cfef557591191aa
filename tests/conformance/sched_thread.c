/* Scheduling calls on another thread of the process, named by its tid
 * (Java's pthread_getattr_np asks sched_getaffinity of each new thread):
 * affinity, nice, policy and priority are per thread and read back;
 * SCHED_RESET_ON_FORK; bad input; the permission rules for a user without
 * CAP_SYS_NICE and RLIMIT_NICE/RLIMIT_RTPRIO of 0. */
#define _GNU_SOURCE
#include <pthread.h>
#include <sched.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include "check.h"

static pid_t tid;
static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t cv = PTHREAD_COND_INITIALIZER;
static int state;

static void *thread(void *arg)
{
	(void)arg;
	pthread_mutex_lock(&mu);
	tid = (pid_t)syscall(SYS_gettid);
	state = 1;
	pthread_cond_broadcast(&cv);
	while (state != 2)
		pthread_cond_wait(&cv, &mu);
	pthread_mutex_unlock(&mu);
	return NULL;
}

static void check_thread(void)
{
	cpu_set_t all, one, got;
	struct sched_param sp = { 0 };
	struct timespec ts;
	int first = -1;

	CHECK_OK(sched_getaffinity(0, sizeof(all), &all));
	CHECK_OK(sched_getaffinity(tid, sizeof(got), &got));
	CHECK(CPU_EQUAL(&all, &got), "a new thread has its creator's affinity");
	for (int i = 0; i < CPU_SETSIZE && first < 0; i++)
		if (CPU_ISSET(i, &all))
			first = i;
	CPU_ZERO(&one);
	CPU_SET(first, &one);
	CHECK_OK(sched_setaffinity(tid, sizeof(one), &one));
	CHECK_OK(sched_getaffinity(tid, sizeof(got), &got));
	CHECK(CPU_EQUAL(&one, &got), "affinity of the thread not kept");
	CHECK_OK(sched_getaffinity(0, sizeof(got), &got));
	CHECK(CPU_EQUAL(&all, &got), "setting a thread's affinity changed the caller's");
	/* the raw call answers the bytes it wrote: a 64-CPU mask fits 8 */
	CHECK(syscall(SYS_sched_getaffinity, tid, 8, &got) == 8, "raw size");

	CHECK_OK(setpriority(PRIO_PROCESS, (id_t)tid, 7));
	errno = 0;
	CHECK(getpriority(PRIO_PROCESS, (id_t)tid) == 7 && !errno, "thread nice");
	CHECK(getpriority(PRIO_PROCESS, 0) == 0, "caller's nice changed");

	CHECK_OK(sched_setscheduler(tid, SCHED_BATCH, &sp));
	CHECK(sched_getscheduler(tid) == SCHED_BATCH, "policy of the thread");
	CHECK(sched_getscheduler(0) == SCHED_OTHER, "caller's policy changed");
	sp.sched_priority = 10;
	CHECK_OK(sched_setscheduler(tid, SCHED_RR, &sp));
	sp.sched_priority = 0;
	CHECK_OK(sched_getparam(tid, &sp));
	CHECK(sp.sched_priority == 10, "priority %d", sp.sched_priority);
	CHECK_OK(sched_rr_get_interval(tid, &ts));
	CHECK(ts.tv_sec == 0 && ts.tv_nsec == 100000000, "RR slice %ld", ts.tv_nsec);
	sp.sched_priority = 20;
	CHECK_OK(sched_setparam(tid, &sp));
	CHECK(sched_getscheduler(tid) == SCHED_RR, "setparam kept the policy");
	sp.sched_priority = 0;
	CHECK_OK(sched_setscheduler(tid, SCHED_OTHER, &sp));

	/* bad input */
	CHECK_ERRNO(sched_getscheduler(-1), EINVAL);
	CHECK_ERRNO(syscall(SYS_sched_getparam, tid, NULL), EINVAL);
	CHECK_ERRNO(sched_setscheduler(tid, 12345, &sp), EINVAL);
	CHECK_ERRNO(sched_setscheduler(tid, SCHED_FIFO, &sp), EINVAL);  /* prio 0 */
	sp.sched_priority = 5;
	CHECK_ERRNO(sched_setscheduler(tid, SCHED_OTHER, &sp), EINVAL);
	sp.sched_priority = 100;
	CHECK_ERRNO(sched_setscheduler(tid, SCHED_RR, &sp), EINVAL);
	CHECK_ERRNO(syscall(SYS_sched_setscheduler, tid, SCHED_OTHER, KERNEL_PTR), EFAULT);
	CHECK_ERRNO(syscall(SYS_sched_getaffinity, tid, 4, &got), EINVAL);
	CHECK_ERRNO(syscall(SYS_sched_getaffinity, tid, 12, &got), EINVAL);
	CHECK_ERRNO(syscall(SYS_sched_getaffinity, tid, 8, KERNEL_PTR), EFAULT);
	CHECK_ERRNO(syscall(SYS_sched_setaffinity, tid, 8, KERNEL_PTR), EFAULT);
	CPU_ZERO(&got);
	CHECK_ERRNO(sched_setaffinity(tid, sizeof(got), &got), EINVAL);
	CHECK_ERRNO(sched_getaffinity(0x3fffffff, sizeof(got), &got), ESRCH);
	CHECK_ERRNO(sched_getscheduler(0x3fffffff), ESRCH);
	CHECK_ERRNO(getpriority(PRIO_PROCESS, 0x3fffffff), ESRCH);
	CHECK_ERRNO(getpriority(42, 0), EINVAL);
	CHECK_ERRNO(sched_get_priority_max(12345), EINVAL);
	CHECK(sched_get_priority_max(SCHED_FIFO) == 99 && sched_get_priority_min(SCHED_RR) == 1,
	      "RT priority range");

	unsigned cpu = 99, node = 99;
	CHECK_OK(syscall(SYS_getcpu, &cpu, &node, NULL));
	CHECK(cpu < CPU_SETSIZE && CPU_ISSET(cpu, &all) && node == 0, "getcpu %u %u", cpu, node);
	CHECK_ERRNO(syscall(SYS_getcpu, KERNEL_PTR, NULL, NULL), EFAULT);
}

/* SCHED_RESET_ON_FORK: a child starts as SCHED_OTHER, nice 0, no flag. */
static void check_reset_on_fork(void)
{
	struct sched_param sp = { .sched_priority = 3 };
	int st;

	CHECK_OK(sched_setscheduler(0, SCHED_FIFO | SCHED_RESET_ON_FORK, &sp));
	CHECK(sched_getscheduler(0) == (SCHED_FIFO | SCHED_RESET_ON_FORK), "flag read back");
	CHECK_OK(setpriority(PRIO_PROCESS, 0, -3));
	pid_t pid = fork();
	CHECK(pid >= 0, "fork");
	if (!pid) {
		struct sched_param p;

		errno = 0;
		_exit(sched_getscheduler(0) != SCHED_OTHER || getpriority(PRIO_PROCESS, 0) != 0 ||
		      sched_getparam(0, &p) || p.sched_priority ? 1 : 0);
	}
	CHECK(waitpid(pid, &st, 0) == pid && WIFEXITED(st) && !WEXITSTATUS(st),
	      "child of a reset-on-fork parent");
	sp.sched_priority = 0;
	CHECK_OK(sched_setscheduler(0, SCHED_OTHER | SCHED_RESET_ON_FORK, &sp));
	CHECK_OK(setpriority(PRIO_PROCESS, 0, 0));
	/* a plain policy clears the flag only with CAP_SYS_NICE (we have it) */
	CHECK_OK(sched_setscheduler(0, SCHED_OTHER, &sp));
	CHECK(sched_getscheduler(0) == SCHED_OTHER, "flag cleared");
}

/* Without CAP_SYS_NICE, with RLIMIT_NICE and RLIMIT_RTPRIO 0. */
static int unprivileged(void)
{
	struct rlimit zero = { 0, 0 };
	struct sched_param sp = { .sched_priority = 1 };

	if (setrlimit(RLIMIT_NICE, &zero) || setrlimit(RLIMIT_RTPRIO, &zero) ||
	    setresgid(65534, 65534, 65534) || setresuid(65534, 65534, 65534))
		return 10;
	if (setpriority(PRIO_PROCESS, 0, 5))
		return 11;
	if (setpriority(PRIO_PROCESS, 0, 2) != -1 || errno != EACCES)
		return 12;      /* lowering nice is raising priority */
	if (sched_setscheduler(0, SCHED_FIFO, &sp) != -1 || errno != EPERM)
		return 13;
	if (setpriority(PRIO_PROCESS, (id_t)getppid(), 10) != -1 || errno != EPERM)
		return 14;      /* another user's process */
	cpu_set_t s;
	CPU_ZERO(&s);
	CPU_SET(0, &s);
	if (sched_setaffinity(getppid(), sizeof(s), &s) != -1 || errno != EPERM)
		return 15;
	sp.sched_priority = 0;
	if (sched_setscheduler(0, SCHED_IDLE, &sp))
		return 16;
	if (sched_setscheduler(0, SCHED_OTHER, &sp) != -1 || errno != EPERM)
		return 17;      /* leaving SCHED_IDLE needs RLIMIT_NICE */
	return 0;
}

int main(void)
{
	pthread_t th;
	int st;

	CHECK(!pthread_create(&th, NULL, thread, NULL), "pthread_create");
	pthread_mutex_lock(&mu);
	while (state != 1)
		pthread_cond_wait(&cv, &mu);
	pthread_mutex_unlock(&mu);
	check_thread();
	pthread_mutex_lock(&mu);
	state = 2;
	pthread_cond_broadcast(&cv);
	pthread_mutex_unlock(&mu);
	pthread_join(th, NULL);

	check_reset_on_fork();
	pid_t pid = fork();
	CHECK(pid >= 0, "fork");
	if (!pid)
		_exit(unprivileged());
	CHECK(waitpid(pid, &st, 0) == pid && WIFEXITED(st), "unprivileged child");
	CHECK(!WEXITSTATUS(st), "unprivileged check %d failed", WEXITSTATUS(st));
	return 0;
}
