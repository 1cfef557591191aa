/* Forks until fork fails (the sandbox limits processes); children pause. */
#include <stdio.h>
#include <unistd.h>
#include <sys/wait.h>
#include <errno.h>
#include <string.h>
int main(void) {
  int n = 0;
  for (;;) { pid_t p = fork(); if (p < 0) { printf("fork failed after %d: %s\n", n, strerror(errno)); break; } if (p == 0) { pause(); _exit(0); } n++; if (n > 5000) break; }
  return 0; }
