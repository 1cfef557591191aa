/* fork(2) copies the address space: writes by the child to globals, heap
 * and private mappings are not seen by the parent (and vice versa), while
 * a MAP_SHARED anonymous mapping is really shared. */
#include <sys/mman.h>
#include <sys/wait.h>
#include "check.h"

static volatile int global = 1;

int main(void)
{
	volatile int *heap = malloc(64 * 1024);
	CHECK(heap, "malloc");
	heap[0] = 2;
	heap[16383] = 2;
	volatile int *priv = mmap(NULL, PAGE, PROT_READ | PROT_WRITE,
				  MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	volatile int *shared = mmap(NULL, PAGE, PROT_READ | PROT_WRITE,
				    MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	CHECK(priv != MAP_FAILED && shared != MAP_FAILED, "mmap");
	priv[0] = 3;
	shared[0] = 4;

	int go[2], done[2];
	CHECK_OK(pipe(go));
	CHECK_OK(pipe(done));
	pid_t c = fork();
	CHECK(c >= 0, "fork");
	if (c == 0) {
		/* The child starts with the parent's values... */
		if (global != 1 || heap[0] != 2 || heap[16383] != 2 ||
		    priv[0] != 3 || shared[0] != 4)
			_exit(10);
		global = 11;
		heap[0] = heap[16383] = 12;
		priv[0] = 13;
		shared[0] = 14;
		CHECK(write(done[1], "x", 1) == 1, "child write");
		/* ...and later parent writes to private memory stay invisible. */
		char b;
		CHECK(read(go[0], &b, 1) == 1, "child read");
		BARRIER();
		if (global != 11 || priv[0] != 13)
			_exit(20);
		if (shared[0] != 24) /* the parent's write to shared memory */
			_exit(21);
		_exit(0);
	}
	char b;
	CHECK(read(done[0], &b, 1) == 1, "parent read");
	BARRIER();
	CHECK(global == 1, "parent's global became %d", global);
	CHECK(heap[0] == 2 && heap[16383] == 2, "parent's heap became %d/%d",
	      heap[0], heap[16383]);
	CHECK(priv[0] == 3, "parent's MAP_PRIVATE page became %d", priv[0]);
	CHECK(shared[0] == 14, "MAP_SHARED page is %d, want the child's 14", shared[0]);
	global = 21;
	priv[0] = 23;
	shared[0] = 24;
	CHECK(write(go[1], "x", 1) == 1, "parent write");
	int st;
	CHECK(waitpid(c, &st, 0) == c, "waitpid");
	CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 0, "child status %#x "
	      "(10: bad initial copy, 20: saw parent's private write, 21: "
	      "shared write lost)", st);
	return 0;
}
