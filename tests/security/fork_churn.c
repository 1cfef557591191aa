/*
 * A process that makes and reaps children for ever (a shell script, a
 * build, a pre-forking server): fork_churn DIR N1 N2 [PROG] forks and
 * reaps N1 children (each execs PROG when given), makes DIR/1 and waits
 * for DIR/go; then forks and reaps N2 more, makes DIR/2 and waits for
 * DIR/end.  The test reads the sentry's
 * memory at DIR/1 and DIR/2: what a reaped child leaves behind in the
 * sentry must not add up.
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

static const char *prog;

static int churn(long n)
{
	for (long i = 0; i < n; i++) {
		pid_t p = fork();
		int st;

		if (p < 0) {
			perror("fork");
			return 1;
		}
		if (p == 0 && prog) {
			execl(prog, prog, (char *)NULL);
			_exit(6);
		}
		if (p == 0)
			_exit(7);
		if (waitpid(p, &st, 0) != p || !WIFEXITED(st) ||
		    WEXITSTATUS(st) != (prog ? 0 : 7)) {
			fprintf(stderr, "child %d: bad wait\n", (int)p);
			return 1;
		}
	}
	return 0;
}

/* Say phase is done (DIR/phase), then wait for DIR/next. */
static void mark_and_wait(const char *dir, const char *phase, const char *next)
{
	char path[4096];

	snprintf(path, sizeof(path), "%s/%s", dir, phase);
	close(open(path, O_CREAT | O_WRONLY, 0644));
	snprintf(path, sizeof(path), "%s/%s", dir, next);
	while (access(path, F_OK))
		usleep(50000);
}

int main(int argc, char **argv)
{
	if (argc != 4 && argc != 5) {
		fprintf(stderr, "usage: fork_churn DIR N1 N2 [PROG]\n");
		return 2;
	}
	prog = argc == 5 ? argv[4] : NULL;
	if (churn(atol(argv[2])))
		return 1;
	mark_and_wait(argv[1], "1", "go");
	if (churn(atol(argv[3])))
		return 1;
	mark_and_wait(argv[1], "2", "end");
	return 0;
}
