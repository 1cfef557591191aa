/* argv/envp reach main: run.sh runs every test as `NAME a b` with
 * CVISOR_TEST=1 in the environment. */
#include "check.h"

extern char **environ;

int main(int argc, char **argv, char **envp)
{
	CHECK(argc == 3, "argc %d", argc);
	CHECK(argv[0] != NULL && argv[0][0] != 0, "empty argv[0]");
	CHECK(strcmp(argv[1], "a") == 0 && strcmp(argv[2], "b") == 0,
	      "argv '%s' '%s'", argv[1], argv[2]);
	CHECK(argv[3] == NULL, "argv not NULL-terminated");
	/* envp follows argv's NULL on the initial stack. */
	CHECK(envp == argv + argc + 1, "envp %p not after argv", (void *)envp);
	CHECK(envp == environ, "environ differs from envp");
	const char *v = getenv("CVISOR_TEST");
	CHECK(v != NULL && strcmp(v, "1") == 0, "CVISOR_TEST=%s", v ? v : "(unset)");
	int n = 0;
	for (char **e = envp; *e; e++, n++)
		CHECK(strchr(*e, '=') != NULL, "env entry without '=': %s", *e);
	CHECK(n >= 1, "empty environment");
	return 0;
}
