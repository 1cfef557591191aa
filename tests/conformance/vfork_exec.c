/* vfork(2): the parent is suspended until the child execs or exits, and
 * the child runs in the parent's memory until then (Linux semantics). The
 * exec'd image (this test again, with argv[1] = "vforked") exits 5. */
#include <sys/wait.h>
#include "check.h"

static volatile int shared_var;

int main(int argc, char **argv)
{
	if (argc > 1 && strcmp(argv[1], "vforked") == 0)
		return argc == 3 && strcmp(argv[2], "arg") == 0 ? 5 : 6;

	pid_t c = vfork();
	CHECK(c >= 0, "vfork: %s", strerror(errno));
	if (c == 0) {
		/* Seen by the parent: same memory, and the parent does not run
		 * before we exec, so it cannot miss it. */
		shared_var = 42;
		char *args[] = { argv[0], "vforked", "arg", NULL };
		execv(argv[0], args);
		_exit(127);
	}
	CHECK(shared_var == 42, "vfork child's write not seen (got %d)", shared_var);
	int st;
	CHECK(waitpid(c, &st, 0) == c, "waitpid: %s", strerror(errno));
	CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 5, "status %#x, want exit 5 "
	      "(127: exec failed, 6: bad argv)", st);

	/* vfork + _exit without exec. */
	shared_var = 0;
	c = vfork();
	CHECK(c >= 0, "vfork 2");
	if (c == 0) {
		shared_var = 7;
		_exit(9);
	}
	CHECK(shared_var == 7, "second vfork child's write not seen");
	CHECK(waitpid(c, &st, 0) == c, "waitpid 2");
	CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 9, "status %#x, want exit 9", st);
	return 0;
}
