/* set_tid_address(2) always succeeds and returns the caller's TID. */
#include "check.h"

static int ctid = -1;

int main(void)
{
	long tid = syscall(SYS_gettid);
	CHECK(tid > 0, "gettid = %ld", tid);
	long r = syscall(SYS_set_tid_address, &ctid);
	CHECK(r == tid, "set_tid_address returned %ld, want tid %ld", r, tid);
	/* It does not write to the address now, only at thread exit. */
	CHECK(ctid == -1, "clear_child_tid word written early: %d", ctid);
	r = syscall(SYS_set_tid_address, NULL);
	CHECK(r == tid, "set_tid_address(NULL) returned %ld", r);
	return 0;
}
