/* System V semaphores: semget, semop and semtimedop (all or nothing,
 * IPC_NOWAIT, a timeout, blocking until another process changes a value),
 * every semctl command, SEM_UNDO applied at exit, EIDRM and EINTR to a
 * blocked waiter, bad input and permissions as another user.  Needs root
 * (it drops to uid 65534 in a child). */
#define _GNU_SOURCE
#include <signal.h>
#include <stdint.h>
#include <sys/ipc.h>
#include <sys/sem.h>
#include <sys/wait.h>
#include <time.h>
#include "check.h"

union semun {
	int val;
	struct semid_ds *buf;
	unsigned short *array;
	struct seminfo *__buf;
};

static int op(int id, unsigned short num, short val, short flg)
{
	struct sembuf b = { num, val, flg };

	return semop(id, &b, 1);
}

static int getval(int id, int num)
{
	int v = semctl(id, num, GETVAL);

	CHECK(v >= 0, "GETVAL %d: %s", num, strerror(errno));
	return v;
}

static void setval(int id, int num, int v)
{
	CHECK(semctl(id, num, SETVAL, (union semun){ .val = v }) == 0, "SETVAL: %s",
	      strerror(errno));
}

static int wait_child(pid_t pid)
{
	int st;

	CHECK(waitpid(pid, &st, 0) == pid, "waitpid: %s", strerror(errno));
	return st;
}

/* Until a process sleeps on semaphore num (no timing: it gets there). */
static void wait_sleeper(int id, int num, int cmd)
{
	while (semctl(id, num, cmd) < 1)
		usleep(1000);
}

static void bad_input(void)
{
	struct sembuf b = { 0, -1, 0 };
	struct sembuf many[600];
	int id;

	CHECK_ERRNO(semget(IPC_PRIVATE, -1, 0600), EINVAL);
	CHECK_ERRNO(semget(IPC_PRIVATE, 0, 0600), EINVAL);
	CHECK_ERRNO(semget(IPC_PRIVATE, 1 << 20, 0600), EINVAL);
	CHECK_ERRNO(semop(-1, &b, 1), EINVAL);
	CHECK_ERRNO(semctl(-1, 0, GETVAL), EINVAL);
	id = semget(IPC_PRIVATE, 2, 0600);
	CHECK(id >= 0, "semget: %s", strerror(errno));
	CHECK_ERRNO(semop(id, &b, 0), EINVAL);
	memset(many, 0, sizeof(many));
	CHECK_ERRNO(semop(id, many, 600), E2BIG);
	CHECK_ERRNO(op(id, 2, 1, 0), EFBIG);
	CHECK_ERRNO(semop(id, KERNEL_PTR, 1), EFAULT);
	CHECK_ERRNO(semtimedop(id, &b, 1, KERNEL_PTR), EFAULT);
	CHECK_ERRNO(semtimedop(id, &b, 1, &(struct timespec){ 0, 1000000000 }), EINVAL);
	CHECK_ERRNO(semctl(id, 0, 12345), EINVAL);
	CHECK_ERRNO(semctl(id, 2, GETVAL), EINVAL);
	CHECK_ERRNO(semctl(id, -1, GETVAL), EINVAL);
	CHECK_ERRNO(semctl(id, 0, SETVAL, (union semun){ .val = -1 }), ERANGE);
	CHECK_ERRNO(semctl(id, 0, SETVAL, (union semun){ .val = 40000 }), ERANGE);
	CHECK_ERRNO(semctl(id, 0, GETALL, (union semun){ .array = KERNEL_PTR }), EFAULT);
	CHECK_ERRNO(semctl(id, 0, SETALL, (union semun){ .array = KERNEL_PTR }), EFAULT);
	CHECK_ERRNO(semctl(id, 0, IPC_STAT, (union semun){ .buf = KERNEL_PTR }), EFAULT);
	CHECK_ERRNO(op(id, 0, 32767, 0) == 0 ? op(id, 0, 1, 0) : -2, ERANGE);
	CHECK_OK(semctl(id, 0, IPC_RMID));
	CHECK_ERRNO(semctl(id, 0, GETVAL), EINVAL);
	CHECK_ERRNO(op(id, 0, 1, 0), EINVAL);
}

static void values(void)
{
	key_t key = 0x5e5a0000 | (getpid() & 0xffff);
	unsigned short all[3] = { 1, 2, 3 }, got[3];
	struct sembuf two[2] = { { 0, -1, IPC_NOWAIT }, { 1, -5, IPC_NOWAIT } };
	struct semid_ds ds;
	int id;

	semctl(semget(key, 0, 0), 0, IPC_RMID);         /* a failed run's */
	id = semget(key, 3, IPC_CREAT | IPC_EXCL | 0600);
	CHECK(id >= 0, "semget: %s", strerror(errno));
	CHECK_ERRNO(semget(key, 3, IPC_CREAT | IPC_EXCL | 0600), EEXIST);
	CHECK_ERRNO(semget(key, 4, 0), EINVAL);         /* more than it has */
	CHECK(semget(key, 2, 0) == id, "semget(key, fewer)");
	CHECK_OK(semctl(id, 0, IPC_STAT, (union semun){ .buf = &ds }));
	CHECK(ds.sem_nsems == 3 && (ds.sem_perm.mode & 0777) == 0600 && ds.sem_otime == 0,
	      "IPC_STAT: nsems %lu mode %o", (unsigned long)ds.sem_nsems, ds.sem_perm.mode);
	CHECK(getval(id, 0) == 0, "new semaphores are 0");

	CHECK_OK(semctl(id, 0, SETALL, (union semun){ .array = all }));
	CHECK_OK(semctl(id, 0, GETALL, (union semun){ .array = got }));
	CHECK(got[0] == 1 && got[1] == 2 && got[2] == 3, "GETALL %u %u %u", got[0], got[1], got[2]);
	/* all or nothing: the second cannot go, so the first does not either */
	CHECK_ERRNO(semop(id, two, 2), EAGAIN);
	CHECK(getval(id, 0) == 1 && getval(id, 1) == 2, "a failed semop changed values");
	two[1].sem_op = -2;
	CHECK_OK(semop(id, two, 2));
	CHECK(getval(id, 0) == 0 && getval(id, 1) == 0, "semop of two");
	CHECK(semctl(id, 1, GETPID) == getpid(), "GETPID");
	CHECK_OK(semctl(id, 0, IPC_STAT, (union semun){ .buf = &ds }));
	CHECK(ds.sem_otime >= time(NULL) - 5, "otime after semop");
	CHECK_OK(op(id, 0, 0, 0));                      /* wait-for-zero: already */
	CHECK_ERRNO(op(id, 2, 0, IPC_NOWAIT), EAGAIN);  /* 3 is not zero */
	CHECK_ERRNO(semtimedop(id, &(struct sembuf){ 0, -1, 0 }, 1,
			       &(struct timespec){ 0, 10000000 }), EAGAIN);
	setval(id, 2, 7);
	CHECK(getval(id, 2) == 7, "SETVAL");

	ds.sem_perm.mode = 0640;
	CHECK_OK(semctl(id, 0, IPC_SET, (union semun){ .buf = &ds }));
	CHECK_OK(semctl(id, 0, IPC_STAT, (union semun){ .buf = &ds }));
	CHECK((ds.sem_perm.mode & 0777) == 0640, "IPC_SET mode %o", ds.sem_perm.mode);

	struct seminfo si;
	int max = semctl(0, 0, IPC_INFO, (union semun){ .__buf = &si }), found = 0;
	CHECK(max >= 0 && si.semmsl > 0 && si.semvmx == 32767, "IPC_INFO %d", max);
	max = semctl(0, 0, SEM_INFO, (union semun){ .__buf = &si });
	CHECK(max >= 0 && si.semusz >= 1, "SEM_INFO %d: semusz %d", max, si.semusz);
	for (int i = 0; i <= max; i++)
		found |= semctl(i, 0, SEM_STAT, (union semun){ .buf = &ds }) == id;
	CHECK(found, "SEM_STAT did not find %d", id);
	CHECK_OK(semctl(id, 0, IPC_RMID));
}

/* A child blocks; the parent's change lets it go. */
static void blocking(void)
{
	int id = semget(IPC_PRIVATE, 2, 0600);
	pid_t pid;

	CHECK(id >= 0, "semget: %s", strerror(errno));
	pid = fork();
	if (pid == 0)
		_exit(op(id, 0, -2, 0) == 0 ? 0 : 1);
	wait_sleeper(id, 0, GETNCNT);
	CHECK(semctl(id, 0, GETZCNT) == 0, "GETZCNT with a decrement waiting");
	CHECK_OK(op(id, 0, 1, 0));                      /* not enough yet */
	CHECK(semctl(id, 0, GETNCNT) == 1, "still waiting at 1");
	CHECK_OK(op(id, 0, 1, 0));
	CHECK(wait_child(pid) == 0, "the sleeper's semop failed");
	CHECK(getval(id, 0) == 0, "the sleeper took 2");
	CHECK(semctl(id, 0, GETPID) == pid, "GETPID: the sleeper's op");

	/* waiting for zero */
	setval(id, 1, 1);
	pid = fork();
	if (pid == 0)
		_exit(op(id, 1, 0, 0) == 0 ? 0 : 1);
	wait_sleeper(id, 1, GETZCNT);
	setval(id, 1, 0);
	CHECK(wait_child(pid) == 0, "the zero-waiter failed");
	CHECK_OK(semctl(id, 0, IPC_RMID));
}

static void undo(void)
{
	int id = semget(IPC_PRIVATE, 2, 0600);
	pid_t pid;

	CHECK(id >= 0, "semget: %s", strerror(errno));
	setval(id, 0, 5);
	pid = fork();
	if (pid == 0) {
		if (op(id, 0, -2, SEM_UNDO) || op(id, 1, 3, SEM_UNDO) || op(id, 1, 1, 0))
			_exit(1);
		_exit(getval(id, 0) == 3 && getval(id, 1) == 4 ? 0 : 2);
	}
	CHECK(wait_child(pid) == 0, "child's ops");
	CHECK(getval(id, 0) == 5, "SEM_UNDO at exit: %d, want 5", getval(id, 0));
	CHECK(getval(id, 1) == 1, "SEM_UNDO at exit: %d, want 1", getval(id, 1));
	CHECK(semctl(id, 0, GETPID) == pid, "the undo is the exiting process's op");

	/* the exit's undo wakes a waiter: a child holds the semaphore */
	setval(id, 0, 1);
	int p[2];
	CHECK_OK(pipe(p));
	pid = fork();
	if (pid == 0) {
		char c;

		if (op(id, 0, -1, SEM_UNDO))
			_exit(1);
		close(p[1]);
		_exit(read(p[0], &c, 1) == 0 ? 0 : 2);  /* until the parent closes */
	}
	close(p[0]);
	while (getval(id, 0) != 0)
		usleep(1000);
	pid_t w = fork();
	if (w == 0) {
		close(p[1]);
		_exit(op(id, 0, -1, 0) == 0 ? 0 : 1);
	}
	wait_sleeper(id, 0, GETNCNT);
	close(p[1]);                                    /* the holder exits */
	CHECK(wait_child(pid) == 0, "holder");
	CHECK(wait_child(w) == 0, "the waiter did not get the undone semaphore");
	CHECK_OK(semctl(id, 0, IPC_RMID));
}

static void on_usr1(int sig)
{
	(void)sig;
}

/* Removal wakes a sleeper with EIDRM; a signal with EINTR, SA_RESTART or not. */
static void eidrm_eintr(void)
{
	int id = semget(IPC_PRIVATE, 1, 0600);
	pid_t pid;

	CHECK(id >= 0, "semget: %s", strerror(errno));
	pid = fork();
	if (pid == 0) {
		errno = 0;
		_exit(op(id, 0, -1, 0) == -1 && errno == EIDRM ? 0 : 1);
	}
	wait_sleeper(id, 0, GETNCNT);
	CHECK_OK(semctl(id, 0, IPC_RMID));
	CHECK(wait_child(pid) == 0, "the sleeper did not get EIDRM");

	id = semget(IPC_PRIVATE, 1, 0600);
	CHECK(id >= 0, "semget: %s", strerror(errno));
	pid = fork();
	if (pid == 0) {
		struct sigaction sa = { .sa_handler = on_usr1, .sa_flags = SA_RESTART };

		sigaction(SIGUSR1, &sa, NULL);
		errno = 0;
		_exit(op(id, 0, -1, 0) == -1 && errno == EINTR ? 0 : 1);
	}
	wait_sleeper(id, 0, GETNCNT);
	CHECK_OK(kill(pid, SIGUSR1));
	CHECK(wait_child(pid) == 0, "semop was not interrupted with EINTR");
	CHECK(semctl(id, 0, GETNCNT) == 0, "the interrupted waiter is still counted");
	CHECK_OK(semctl(id, 0, IPC_RMID));
}

static void permissions(void)
{
	int ro = semget(IPC_PRIVATE, 1, 0644), priv = semget(IPC_PRIVATE, 1, 0600);
	pid_t pid;

	CHECK(ro >= 0 && priv >= 0, "semget: %s", strerror(errno));
	pid = fork();
	if (pid == 0) {
		CHECK_OK(setgid(65534));
		CHECK_OK(setuid(65534));
		CHECK(semctl(ro, 0, GETVAL) == 0, "GETVAL of a 0644 set");
		CHECK_OK(op(ro, 0, 0, 0));              /* wait-for-zero reads */
		CHECK_ERRNO(op(ro, 0, 1, 0), EACCES);
		CHECK_ERRNO(semctl(ro, 0, SETVAL, (union semun){ .val = 1 }), EACCES);
		CHECK_ERRNO(semctl(ro, 0, IPC_RMID), EPERM);
		CHECK_ERRNO(semctl(priv, 0, GETVAL), EACCES);
		CHECK_ERRNO(op(priv, 0, 0, 0), EACCES);
		_exit(0);
	}
	CHECK(wait_child(pid) == 0, "the unprivileged child failed");
	CHECK_OK(semctl(ro, 0, IPC_RMID));
	CHECK_OK(semctl(priv, 0, IPC_RMID));
}

int main(void)
{
	bad_input();
	values();
	blocking();
	undo();
	eidrm_eintr();
	permissions();
	return 0;
}
