/* Each thread has its own name (issue 15 item 4): PR_SET_NAME and writes
 * to /proc/self/task/TID/comm rename one thread; /proc/TID/comm,
 * task/TID/comm and Name: in status show the thread asked about, and the
 * process's files its main thread's name. */
#include <fcntl.h>
#include <pthread.h>
#include <sys/prctl.h>
#include "check.h"

static pthread_barrier_t named, done;
static pid_t worker_tid;

static void read_file(const char *path, char *buf, size_t len)
{
	int fd = open(path, O_RDONLY);
	ssize_t n;

	CHECK(fd >= 0, "open %s: %s", path, strerror(errno));
	n = read(fd, buf, len - 1);
	CHECK(n >= 0, "read %s: %s", path, strerror(errno));
	buf[n] = 0;
	close(fd);
}

static void check_comm(const char *path, const char *want)
{
	char buf[64];

	read_file(path, buf, sizeof(buf));
	CHECK(!strcmp(buf, want), "%s: '%s', want '%s'", path, buf, want);
}

/* Name: in a status file */
static void check_status(const char *path, const char *want)
{
	char buf[4096], line[64];

	read_file(path, buf, sizeof(buf));
	snprintf(line, sizeof(line), "Name:\t%s\n", want);
	CHECK(!strncmp(buf, line, strlen(line)), "%s: starts '%.20s', want '%s'", path, buf,
	      want);
}

static void *worker(void *arg)
{
	char name[16];

	(void)arg;
	worker_tid = (pid_t)syscall(SYS_gettid);
	CHECK(prctl(PR_GET_NAME, name) == 0, "PR_GET_NAME");
	CHECK(!strcmp(name, "comm_main"), "a new thread has its creator's name: '%s'", name);
	CHECK_OK(prctl(PR_SET_NAME, "bio_lazy_free"));
	pthread_barrier_wait(&named);
	pthread_barrier_wait(&done);
	CHECK(prctl(PR_GET_NAME, name) == 0, "PR_GET_NAME");
	CHECK(!strcmp(name, "renamed"), "renamed by the main thread: '%s'", name);
	return NULL;
}

int main(void)
{
	char path[128], name[16];
	pthread_t th;
	int fd;

	CHECK_OK(prctl(PR_SET_NAME, "comm_main"));
	pthread_barrier_init(&named, NULL, 2);
	pthread_barrier_init(&done, NULL, 2);
	CHECK(pthread_create(&th, NULL, worker, NULL) == 0, "pthread_create");
	pthread_barrier_wait(&named);

	/* the worker renamed itself last: the process is still comm_main */
	check_comm("/proc/self/comm", "comm_main\n");
	check_status("/proc/self/status", "comm_main");
	snprintf(path, sizeof(path), "/proc/self/task/%d/comm", getpid());
	check_comm(path, "comm_main\n");
	snprintf(path, sizeof(path), "/proc/self/task/%d/comm", worker_tid);
	check_comm(path, "bio_lazy_free\n");
	snprintf(path, sizeof(path), "/proc/self/task/%d/status", worker_tid);
	check_status(path, "bio_lazy_free");
	snprintf(path, sizeof(path), "/proc/%d/comm", worker_tid);
	check_comm(path, "bio_lazy_free\n");
	snprintf(path, sizeof(path), "/proc/self/task/%d/stat", worker_tid);
	{
		char buf[512], want[64];

		read_file(path, buf, sizeof(buf));
		snprintf(want, sizeof(want), "%d (bio_lazy_free) ", worker_tid);
		CHECK(!strncmp(buf, want, strlen(want)), "%s: '%.40s'", path, buf);
	}
	CHECK(prctl(PR_GET_NAME, name) == 0, "PR_GET_NAME");
	CHECK(!strcmp(name, "comm_main"), "main thread: '%s'", name);

	/* a write names one thread, the bytes as written (a newline too) */
	snprintf(path, sizeof(path), "/proc/self/task/%d/comm", worker_tid);
	fd = open(path, O_WRONLY);
	CHECK(fd >= 0, "open %s for writing: %s", path, strerror(errno));
	CHECK(write(fd, "renamed", 7) == 7, "write comm: %s", strerror(errno));
	close(fd);
	check_comm(path, "renamed\n");
	check_comm("/proc/self/comm", "comm_main\n");
	pthread_barrier_wait(&done);
	pthread_join(th, NULL);

	/* the process's file names the main thread */
	fd = open("/proc/self/comm", O_WRONLY);
	CHECK(fd >= 0, "open /proc/self/comm for writing: %s", strerror(errno));
	CHECK(write(fd, "proc_name\n", 10) == 10, "write comm: %s", strerror(errno));
	close(fd);
	CHECK(prctl(PR_GET_NAME, name) == 0, "PR_GET_NAME");
	CHECK(!strcmp(name, "proc_name\n"), "main thread after a write: '%s'", name);
	check_comm("/proc/self/comm", "proc_name\n\n");
	return 0;
}
