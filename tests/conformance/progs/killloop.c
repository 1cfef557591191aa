/* Sends itself SIGUSR1 20,000 times with a handler installed. */
#include <signal.h>
#include <stdio.h>
#include <unistd.h>
static volatile long c;
static void h(int s) { (void)s; c++; }
int main(void) { signal(SIGUSR1, h); for (int i = 0; i < 20000; i++) kill(getpid(), SIGUSR1); printf("handled %ld\n", c); return 0; }
