/* Helper (not a test): dereferences NULL and must die of SIGSEGV. */
#include <stdio.h>

int main(void)
{
	/* volatile pointer: the compiler cannot prove it is NULL and turn
	 * the store into a trap instruction (SIGILL). */
	int *volatile p = NULL;
	*p = 1;
	puts("survived NULL dereference"); /* not reached */
	return 0;
}
