/* Helper (not a test): exits with the status given as argv[1] (default 42)
 * through exit_group(2), so a test can check that the sandbox passes it on. */
#include <stdlib.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	_exit(argc > 1 ? atoi(argv[1]) : 42);
}
