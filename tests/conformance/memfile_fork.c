/* Private memory stays private across fork: heap (brk), anonymous mmap and
 * stack pages written before fork keep their values in both processes,
 * and a write after fork (by a store or by read(2) into the page) shows
 * only in the process that made it.  Then the same after a second fork,
 * and for memory mapped after the first one.  (In cvisor this memory is
 * backed by the sentry's memory file, docs/memory.md: fork must turn it
 * copy-on-write.) */
#define _GNU_SOURCE
#include <fcntl.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>
#include "check.h"

/* read(2) of "child"/"parent" from a pipe into dst: the sentry's copy */
static void read_into(char *dst, const char *s)
{
	int p[2];

	CHECK_OK(pipe(p));
	CHECK(write(p[1], s, strlen(s) + 1) == (ssize_t)strlen(s) + 1, "write pipe");
	CHECK(read(p[0], dst, 64) == (ssize_t)strlen(s) + 1, "read pipe");
	close(p[0]);
	close(p[1]);
}

/* fork; the child writes its marks and checks the parent's are not there */
static void round_trip(char *heap, char *anon, char *stack, const char *before)
{
	int go[2], done[2], st;
	char c;

	CHECK_OK(pipe(go));
	CHECK_OK(pipe(done));
	pid_t pid = fork();
	CHECK(pid >= 0, "fork: %s", strerror(errno));
	if (pid == 0) {
		/* what was there at fork */
		if (strcmp(heap, before) || strcmp(anon, before) || strcmp(stack, before))
			_exit(10);
		/* the parent writes now; the child must not see it */
		if (read(go[0], &c, 1) != 1)
			_exit(11);
		if (strcmp(heap, before) || strcmp(anon, before) || strcmp(stack, before))
			_exit(12);
		read_into(heap, "child");
		strcpy(anon, "child");
		read_into(stack, "child");
		if (strcmp(heap, "child") || strcmp(anon, "child") || strcmp(stack, "child"))
			_exit(13);
		_exit(write(done[1], "x", 1) == 1 ? 0 : 14);
	}
	strcpy(heap, "parent");
	read_into(anon, "parent");
	read_into(stack, "parent");
	CHECK(write(go[1], "x", 1) == 1, "write go");
	CHECK(read(done[0], &c, 1) == 1, "the child did not finish");
	CHECK(waitpid(pid, &st, 0) == pid, "waitpid");
	CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 0, "child: status %#x", st);
	CHECK(!strcmp(heap, "parent") && !strcmp(anon, "parent") && !strcmp(stack, "parent"),
	      "the child's writes reached the parent: %s %s %s", heap, anon, stack);
	close(go[0]);
	close(go[1]);
	close(done[0]);
	close(done[1]);
}

int main(void)
{
	char stack[64];
	char *heap = sbrk(8192);
	char *anon = mmap(NULL, 8192, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS,
			  -1, 0);

	CHECK(heap != (void *)-1, "sbrk: %s", strerror(errno));
	CHECK(anon != MAP_FAILED, "mmap: %s", strerror(errno));
	read_into(heap, "before");
	strcpy(anon, "before");
	read_into(stack, "before");
	round_trip(heap, anon, stack, "before");
	/* again, from memory the first fork left copy-on-write */
	round_trip(heap, anon, stack, "parent");

	/* memory mapped after a fork: private too at the next one */
	char *heap2 = sbrk(8192);
	char *anon2 = mmap(NULL, 8192, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS,
			   -1, 0);
	CHECK(heap2 != (void *)-1 && anon2 != MAP_FAILED, "second maps");
	read_into(heap2, "parent");
	read_into(anon2, "parent");
	round_trip(heap2, anon2, stack, "parent");
	CHECK(!strcmp(heap, "parent") && !strcmp(anon, "parent"), "first maps changed");

	/* a read(2) of a file lands in the right process's page */
	char path[] = "/tmp/memfile_forkXXXXXX";
	int fd = mkstemp(path);
	CHECK(fd >= 0, "mkstemp: %s", strerror(errno));
	unlink(path);
	CHECK(pwrite(fd, "fromfile", 9, 0) == 9, "pwrite");
	pid_t pid = fork();
	if (pid == 0)
		_exit(pread(fd, anon2, 9, 0) == 9 && !strcmp(anon2, "fromfile") ? 0 : 1);
	int st;
	CHECK(waitpid(pid, &st, 0) == pid && WIFEXITED(st) && !WEXITSTATUS(st), "child pread");
	CHECK(!strcmp(anon2, "parent"), "the child's pread reached the parent: %s", anon2);
	CHECK(pread(fd, heap2, 9, 0) == 9 && !strcmp(heap2, "fromfile"), "parent pread");
	puts("ok");
	return 0;
}
