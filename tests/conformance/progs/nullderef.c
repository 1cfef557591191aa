/* Helper (not a test): dereferences NULL and must die of SIGSEGV. */
#include <stdio.h>

int main(void)
{
	/* Volatile pointer to volatile: the compiler can neither drop the
	 * store nor prove the pointer NULL and emit a trap (SIGILL) instead. */
	volatile int *volatile p = NULL;
	*p = 1;
	puts("survived NULL dereference"); /* not reached */
	return 0;
}
