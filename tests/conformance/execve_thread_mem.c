/* execve(2) from a thread while the other threads are busy in system calls
 * that write to their memory: no such write may land in the new program.
 * The program execs itself (static, not PIE: its .bss is at the same
 * address in the new image), so a late uname() of an old thread into `buf`
 * would show up as non-zero .bss in the new one.
 * EXPECT_STDOUT: clean */
#include <pthread.h>
#include <sys/utsname.h>
#include "check.h"

#define HAMMERS 4

static struct utsname buf[HAMMERS];
static char **args;

static void *hammer(void *a)
{
	struct utsname *u = a;

	for (;;)
		uname(u);
	return NULL;
}

static void *execer(void *a)
{
	(void)a;
	usleep(2000);           /* the hammers are running */
	char *nargs[] = { args[0], "after", NULL };
	execv(args[0], nargs);
	CHECK(0, "execv from a thread: %s", strerror(errno));
	return NULL;
}

int main(int argc, char **argv)
{
	if (argc > 1 && strcmp(argv[1], "after") == 0) {
		const unsigned char *p = (const unsigned char *)buf;

		for (size_t i = 0; i < sizeof(buf); i++)
			CHECK(p[i] == 0, "byte %zu of .bss is %#x after exec: an old thread's "
			      "write reached the new program", i, p[i]);
		puts("clean");
		return 0;
	}
	args = argv;
	pthread_t t;
	for (int i = 0; i < HAMMERS; i++)
		CHECK(pthread_create(&t, NULL, hammer, &buf[i]) == 0, "pthread_create");
	CHECK(pthread_create(&t, NULL, execer, NULL) == 0, "pthread_create");
	pthread_join(t, NULL); /* never returns: the exec replaces us */
	CHECK(0, "join returned");
}
