/* set_robust_list(2): accepts a head of the right size, EINVAL otherwise. */
#include <linux/futex.h>
#include "check.h"

/* An empty robust list: the list points at its own head. */
static struct robust_list_head head = { .list = { &head.list } };

int main(void)
{
	CHECK_ERRNO(syscall(SYS_set_robust_list, &head, sizeof(head) - 1), EINVAL);
	CHECK_ERRNO(syscall(SYS_set_robust_list, &head, sizeof(head) + 8), EINVAL);
	CHECK_ERRNO(syscall(SYS_set_robust_list, &head, 0), EINVAL);
	CHECK(syscall(SYS_set_robust_list, &head, sizeof(head)) == 0,
	      "set_robust_list: %s", strerror(errno));
	/* The kernel only records the pointer; it is read at exit. */
	CHECK(head.list.next == &head.list, "head modified");
	return 0;
}
