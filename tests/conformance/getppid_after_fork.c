/* getppid(2): a child's parent is the forker. When the parent dies first
 * the orphan is re-parented (to init or a subreaper), so getppid changes.
 * The grandchild reports both values through a pipe. */
#include <sys/wait.h>
#include "check.h"

int main(void)
{
	pid_t me = getpid();
	int p[2], q[2];
	CHECK_OK(pipe(p));
	CHECK_OK(pipe(q));

	pid_t c = fork();
	CHECK(c >= 0, "fork");
	if (c == 0) {
		if (getppid() != me)
			_exit(2);
		pid_t mid = getpid();
		pid_t g = fork();
		if (g < 0)
			_exit(3);
		if (g == 0) {
			pid_t before = getppid();
			close(q[1]); /* lets the parent exit */
			/* Wait until our parent has exited and been reparented away:
			 * poll getppid (at most ~10 s). */
			pid_t after = before;
			for (int i = 0; i < 1000 && after == mid; i++) {
				usleep(10000);
				after = getppid();
			}
			pid_t r[3] = { mid, before, after };
			(void)!write(p[1], r, sizeof(r));
			_exit(0);
		}
		char b;
		close(q[1]);
		(void)!read(q[0], &b, 1); /* EOF once g has read getppid */
		_exit(0); /* orphans g */
	}
	close(p[1]);
	close(q[1]);
	int st;
	CHECK(waitpid(c, &st, 0) == c, "waitpid");
	CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 0, "child status %#x (2: bad getppid)", st);

	pid_t r[3];
	CHECK(read(p[0], r, sizeof(r)) == sizeof(r), "read from grandchild: %s", strerror(errno));
	CHECK(r[1] == r[0], "grandchild's getppid %d, want its parent %d", r[1], r[0]);
	CHECK(r[2] != r[0], "getppid still %d after the parent exited", r[2]);
	CHECK(r[2] > 0, "getppid %d after re-parenting", r[2]);
	/* In the sandbox the test itself is pid 1 (init) and inherits the orphan;
	 * natively it goes to whatever init or subreaper is above us. */
	if (me == 1) {
		CHECK(r[2] == 1, "orphan re-parented to %d, not init", r[2]);
		CHECK(wait(&st) > 0, "init could not reap the orphan: %s", strerror(errno));
	}
	return 0;
}
