/* rt_sigaction(2) with the kernel's struct layout: what goes in comes back
 * out (minus SIGKILL/SIGSTOP in the mask), and invalid requests fail. No
 * signal is ever delivered. */
#include <signal.h>
#include <stdint.h>
#include "check.h"

struct kact { void (*handler)(int); unsigned long flags; void (*restorer)(void); uint64_t mask; };
#define BIT(s) (1ULL << ((s) - 1))
#define SA_RESTORER_ 0x04000000UL

static void handler(int s) { (void)s; }
static void restorer(void) {}

static long sa(int sig, const struct kact *a, struct kact *o, size_t sz)
{
	return syscall(SYS_rt_sigaction, sig, a, o, sz);
}

int main(void)
{
	struct kact a = { handler, SA_RESTORER_ | SA_RESTART | SA_SIGINFO | SA_NODEFER,
			  restorer, BIT(SIGUSR2) | BIT(SIGTERM) | BIT(SIGKILL) | BIT(SIGSTOP) };
	struct kact o;

	memset(&o, 0x55, sizeof(o));
	CHECK(sa(SIGUSR1, &a, &o, 8) == 0, "install: %s", strerror(errno));
	CHECK(o.handler == SIG_DFL, "previous action not SIG_DFL");

	memset(&o, 0x55, sizeof(o));
	CHECK(sa(SIGUSR1, NULL, &o, 8) == 0, "read back: %s", strerror(errno));
	CHECK(o.handler == handler, "handler %p", (void *)o.handler);
	CHECK(o.flags == a.flags, "flags %#lx, want %#lx", o.flags, a.flags);
	CHECK(o.restorer == restorer, "restorer %p", (void *)o.restorer);
	CHECK(o.mask == (BIT(SIGUSR2) | BIT(SIGTERM)), "mask %#llx (SIGKILL/SIGSTOP "
	      "must be dropped)", (unsigned long long)o.mask);

	/* Replacing returns the old action in the same call. */
	struct kact ign = { SIG_IGN, SA_RESTORER_, restorer, 0 };
	CHECK(sa(SIGUSR1, &ign, &o, 8) == 0 && o.handler == handler, "replace");
	CHECK(sa(SIGUSR1, NULL, &o, 8) == 0 && o.handler == SIG_IGN, "SIG_IGN read back");
	/* Other signals are untouched. */
	CHECK(sa(SIGUSR2, NULL, &o, 8) == 0 && o.handler == SIG_DFL, "SIGUSR2 changed");

	/* SIGKILL/SIGSTOP may be queried but not changed, even to SIG_DFL. */
	CHECK(sa(SIGKILL, NULL, &o, 8) == 0 && o.handler == SIG_DFL, "query SIGKILL");
	struct kact dfl = { SIG_DFL, SA_RESTORER_, restorer, 0 };
	CHECK_ERRNO(sa(SIGKILL, &a, NULL, 8), EINVAL);
	CHECK_ERRNO(sa(SIGSTOP, &dfl, NULL, 8), EINVAL);
	CHECK_ERRNO(sa(0, &a, NULL, 8), EINVAL);
	CHECK_ERRNO(sa(65, NULL, &o, 8), EINVAL);
	CHECK_ERRNO(sa(SIGUSR1, &a, NULL, 4), EINVAL); /* wrong sigsetsize */
	CHECK_ERRNO(sa(SIGUSR1, KERNEL_PTR, NULL, 8), EFAULT);
	return 0;
}
