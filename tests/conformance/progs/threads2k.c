/* Starts 2,000 threads that pause, then exits (exit_group ends them). */
#include <pthread.h>
#include <stdio.h>
#include <unistd.h>
static void *w(void *a) { (void)a; pause(); return 0; }
int main(void) { int n = 0; pthread_attr_t at; pthread_attr_init(&at); pthread_attr_setstacksize(&at, 65536);
  for (int i = 0; i < 2000; i++) { pthread_t t; if (pthread_create(&t, &at, w, 0)) break; n++; }
  printf("threads %d\n", n); return 0; }
