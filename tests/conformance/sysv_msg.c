/* System V message queues: msgget, msgsnd and msgrcv with message types
 * (0, > 0, < 0, MSG_EXCEPT), MSG_NOERROR, E2BIG, IPC_NOWAIT, MSG_COPY,
 * a receiver blocked until another process sends, a sender blocked on a
 * full queue, EIDRM to a sleeper, msgctl's commands, bad input and
 * permissions as another user.  Needs root (drops to 65534 in a child). */
#define _GNU_SOURCE
#include <signal.h>
#include <sys/ipc.h>
#include <sys/msg.h>
#include <sys/wait.h>
#include <time.h>
#include "check.h"

struct m {
	long type;
	char text[64];
};

static void snd(int id, long type, const char *s)
{
	struct m b = { .type = type };

	strcpy(b.text, s);
	CHECK(msgsnd(id, &b, strlen(s), IPC_NOWAIT) == 0, "msgsnd %ld: %s", type, strerror(errno));
}

/* Receive one: its text must be want (type want_type). */
static void rcv(int id, long type, int flg, long want_type, const char *want)
{
	struct m b;
	ssize_t n;

	memset(&b, 0, sizeof(b));
	n = msgrcv(id, &b, sizeof(b.text), type, flg | IPC_NOWAIT);
	CHECK(n == (ssize_t)strlen(want) && b.type == want_type && !strcmp(b.text, want),
	      "msgrcv(%ld): %zd type %ld '%s', want type %ld '%s' (%s)", type, n, b.type,
	      b.text, want_type, want, n < 0 ? strerror(errno) : "");
}

static struct msqid_ds stat_of(int id)
{
	struct msqid_ds ds;

	CHECK(msgctl(id, IPC_STAT, &ds) == 0, "IPC_STAT: %s", strerror(errno));
	return ds;
}

static int wait_child(pid_t pid)
{
	int st;

	CHECK(waitpid(pid, &st, 0) == pid, "waitpid: %s", strerror(errno));
	return st;
}

static void bad_input(void)
{
	struct m b = { .type = 1 };
	int id = msgget(IPC_PRIVATE, 0600);

	CHECK(id >= 0, "msgget: %s", strerror(errno));
	CHECK_ERRNO(msgsnd(-1, &b, 1, 0), EINVAL);
	CHECK_ERRNO(msgsnd(id, &b, 1 << 20, 0), EINVAL);        /* past msgmax */
	b.type = 0;
	CHECK_ERRNO(msgsnd(id, &b, 1, 0), EINVAL);
	CHECK_ERRNO(msgsnd(id, KERNEL_PTR, 1, 0), EFAULT);
	CHECK_ERRNO(msgrcv(-1, &b, 1, 0, 0), EINVAL);
	CHECK_ERRNO(msgrcv(id, &b, (size_t)-1, 0, 0), EINVAL);
	CHECK_ERRNO(msgrcv(id, &b, 1, 0, IPC_NOWAIT), ENOMSG);
	CHECK_ERRNO(msgrcv(id, &b, 1, 0, MSG_COPY), EINVAL);    /* needs IPC_NOWAIT */
	CHECK_ERRNO(msgctl(id, IPC_STAT, KERNEL_PTR), EFAULT);
	CHECK_ERRNO(msgctl(id, 12345, NULL), EINVAL);
	CHECK_ERRNO(msgctl(-1, IPC_STAT, NULL), EINVAL);
	/* a bad buffer loses the message, as Linux does */
	snd(id, 1, "lost");
	CHECK_ERRNO(msgrcv(id, KERNEL_PTR, 8, 0, IPC_NOWAIT), EFAULT);
	CHECK(stat_of(id).msg_qnum == 0, "the message stayed after EFAULT");
	CHECK_OK(msgctl(id, IPC_RMID, NULL));
	CHECK_ERRNO(msgsnd(id, &b, 1, 0), EINVAL);
}

static void types(void)
{
	key_t key = 0x5e5b0000 | (getpid() & 0xffff);
	struct m b;
	int id;

	msgctl(msgget(key, 0), IPC_RMID, NULL);
	CHECK_ERRNO(msgget(key, 0600), ENOENT);
	id = msgget(key, IPC_CREAT | IPC_EXCL | 0600);
	CHECK(id >= 0, "msgget: %s", strerror(errno));
	CHECK_ERRNO(msgget(key, IPC_CREAT | IPC_EXCL), EEXIST);
	CHECK(msgget(key, 0) == id, "msgget by key");

	snd(id, 3, "three");
	snd(id, 1, "one");
	snd(id, 2, "two");
	snd(id, 1, "uno");
	struct msqid_ds ds = stat_of(id);
	CHECK(ds.msg_qnum == 4 && ds.__msg_cbytes == 14, "qnum %lu cbytes %lu",
	      (unsigned long)ds.msg_qnum, (unsigned long)ds.__msg_cbytes);
	CHECK(ds.msg_lspid == getpid() && ds.msg_lrpid == 0 && ds.msg_stime >= time(NULL) - 5,
	      "lspid/lrpid/stime");
	CHECK(ds.msg_qbytes > 0, "qbytes");

	/* MSG_COPY takes nothing (index 1: "one") */
	memset(&b, 0, sizeof(b));
	CHECK(msgrcv(id, &b, sizeof(b.text), 1, MSG_COPY | IPC_NOWAIT) == 3 &&
	      !strcmp(b.text, "one"), "MSG_COPY");
	CHECK_ERRNO(msgrcv(id, &b, sizeof(b.text), 9, MSG_COPY | IPC_NOWAIT), ENOMSG);
	CHECK(stat_of(id).msg_qnum == 4, "MSG_COPY removed a message");

	rcv(id, 2, 0, 2, "two");                        /* that type */
	rcv(id, 1, MSG_EXCEPT, 3, "three");             /* the first not of it */
	CHECK_ERRNO(msgrcv(id, &b, 2, 0, IPC_NOWAIT), E2BIG);   /* "one" is 3 bytes */
	memset(&b, 0, sizeof(b));
	CHECK(msgrcv(id, &b, 2, 0, MSG_NOERROR | IPC_NOWAIT) == 2 && !strcmp(b.text, "on"),
	      "MSG_NOERROR truncates");
	snd(id, 5, "five");
	snd(id, 4, "four");
	rcv(id, -4, 0, 1, "uno");                       /* the lowest type <= 4 */
	rcv(id, -4, 0, 4, "four");
	CHECK_ERRNO(msgrcv(id, &b, 8, -4, IPC_NOWAIT), ENOMSG);
	rcv(id, 0, 0, 5, "five");
	ds = stat_of(id);
	CHECK(ds.msg_qnum == 0 && ds.__msg_cbytes == 0 && ds.msg_lrpid == getpid(),
	      "empty: qnum %lu", (unsigned long)ds.msg_qnum);

	/* IPC_SET: a smaller queue fills sooner */
	ds.msg_qbytes = 8;
	ds.msg_perm.mode = 0640;
	CHECK_OK(msgctl(id, IPC_SET, &ds));
	ds = stat_of(id);
	CHECK(ds.msg_qbytes == 8 && (ds.msg_perm.mode & 0777) == 0640, "IPC_SET");
	snd(id, 1, "1234567");
	b.type = 1;
	CHECK_ERRNO(msgsnd(id, &b, 2, IPC_NOWAIT), EAGAIN);

	struct msginfo mi;
	int max = msgctl(0, IPC_INFO, (struct msqid_ds *)&mi), found = 0;
	CHECK(max >= 0 && mi.msgmax > 0 && mi.msgmnb > 0, "IPC_INFO");
	max = msgctl(0, MSG_INFO, (struct msqid_ds *)&mi);
	CHECK(max >= 0 && mi.msgpool >= 1, "MSG_INFO: %d queues", mi.msgpool);
	for (int i = 0; i <= max; i++)
		found |= msgctl(i, MSG_STAT, &ds) == id;
	CHECK(found, "MSG_STAT did not find %d", id);
	CHECK_OK(msgctl(id, IPC_RMID, NULL));
	CHECK_ERRNO(msgget(key, 0), ENOENT);
}

static void blocking(void)
{
	int id = msgget(IPC_PRIVATE, 0600);
	pid_t pid;

	CHECK(id >= 0, "msgget: %s", strerror(errno));
	/* a receiver waits for its type; the parent sends another first */
	pid = fork();
	if (pid == 0) {
		struct m b;

		_exit(msgrcv(id, &b, sizeof(b.text), 7, 0) == 5 && !strcmp(b.text, "seven") ?
		      0 : 1);
	}
	snd(id, 6, "six");
	usleep(1000);
	snd(id, 7, "seven");
	CHECK(wait_child(pid) == 0, "the blocked receiver");
	CHECK(stat_of(id).msg_lrpid == pid, "lrpid: the receiver");
	rcv(id, 0, 0, 6, "six");

	/* a sender waits for room */
	struct msqid_ds ds = stat_of(id);
	ds.msg_qbytes = 4;
	CHECK_OK(msgctl(id, IPC_SET, &ds));
	snd(id, 1, "full");
	pid = fork();
	if (pid == 0) {
		struct m b = { .type = 2, .text = "more" };

		_exit(msgsnd(id, &b, 4, 0) == 0 ? 0 : 1);
	}
	usleep(1000);
	rcv(id, 0, 0, 1, "full");
	CHECK(wait_child(pid) == 0, "the blocked sender");
	rcv(id, 0, 0, 2, "more");

	CHECK_OK(msgctl(id, IPC_RMID, NULL));

	/* removal: EIDRM to a sleeping receiver.  Nothing shows that it
	 * sleeps yet: a receiver that came too late (EINVAL) is tried again,
	 * later; any other answer fails. */
	int st = 3;
	for (useconds_t delay = 1000; st == 3 << 8 || st == 3; delay *= 2) {
		CHECK(delay < 10000000, "the receiver never got to sleep");
		id = msgget(IPC_PRIVATE, 0600);
		pid = fork();
		if (pid == 0) {
			struct m b;

			errno = 0;
			msgrcv(id, &b, sizeof(b.text), 0, 0);
			_exit(errno == EIDRM ? 0 : errno == EINVAL ? 3 : 1);
		}
		usleep(delay);
		CHECK_OK(msgctl(id, IPC_RMID, NULL));
		st = wait_child(pid);
	}
	CHECK(st == 0, "the receiver did not get EIDRM: status %x", st);
}

static void permissions(void)
{
	int ro = msgget(IPC_PRIVATE, 0644), priv = msgget(IPC_PRIVATE, 0600);
	pid_t pid;

	CHECK(ro >= 0 && priv >= 0, "msgget: %s", strerror(errno));
	snd(ro, 1, "x");
	pid = fork();
	if (pid == 0) {
		struct m b = { .type = 1 };
		struct msqid_ds ds;

		CHECK_OK(setgid(65534));
		CHECK_OK(setuid(65534));
		CHECK_ERRNO(msgsnd(ro, &b, 1, IPC_NOWAIT), EACCES);
		CHECK(msgrcv(ro, &b, 8, 0, IPC_NOWAIT) == 1, "receive from a 0644 queue");
		CHECK_OK(msgctl(ro, IPC_STAT, &ds));
		CHECK_ERRNO(msgctl(ro, IPC_RMID, NULL), EPERM);
		CHECK_ERRNO(msgrcv(priv, &b, 8, 0, IPC_NOWAIT), EACCES);
		CHECK_ERRNO(msgctl(priv, IPC_STAT, &ds), EACCES);
		_exit(0);
	}
	CHECK(wait_child(pid) == 0, "the unprivileged child failed");
	CHECK_OK(msgctl(ro, IPC_RMID, NULL));
	CHECK_OK(msgctl(priv, IPC_RMID, NULL));
}

int main(void)
{
	bad_input();
	types();
	blocking();
	permissions();
	return 0;
}
