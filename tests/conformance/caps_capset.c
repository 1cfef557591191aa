/* capget and capset (kernel/capability.c, cap_capset in commoncap.c): the
 * header versions, the subset rules and each EPERM, the bits past the last
 * capability, ambient following permitted and inheritable.  The changes
 * happen in a child; the parent's sets are checked unchanged after.
 * Needs root (as another user it checks what needs no capability). */
#include <linux/capability.h>
#include <stdint.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include "check.h"

#define BIT(c) (1ULL << (c))

struct sets {
	uint64_t eff, perm, inh;
};

static int get_v(uint32_t version, int pid, struct __user_cap_data_struct *d)
{
	struct __user_cap_header_struct h = { version, pid };

	return (int)syscall(SYS_capget, &h, d);
}

static struct sets get(int pid)
{
	struct __user_cap_data_struct d[2];
	struct sets s;

	CHECK(get_v(_LINUX_CAPABILITY_VERSION_3, pid, d) == 0, "capget: %s", strerror(errno));
	s.eff = d[0].effective | (uint64_t)d[1].effective << 32;
	s.perm = d[0].permitted | (uint64_t)d[1].permitted << 32;
	s.inh = d[0].inheritable | (uint64_t)d[1].inheritable << 32;
	return s;
}

static int set(uint64_t eff, uint64_t perm, uint64_t inh)
{
	struct __user_cap_header_struct h = { _LINUX_CAPABILITY_VERSION_3, 0 };
	struct __user_cap_data_struct d[2] = {
		{ (uint32_t)eff, (uint32_t)perm, (uint32_t)inh },
		{ (uint32_t)(eff >> 32), (uint32_t)(perm >> 32), (uint32_t)(inh >> 32) },
	};

	return (int)syscall(SYS_capset, &h, d);
}

static void headers(void)
{
	struct __user_cap_header_struct h;
	struct __user_cap_data_struct d[2];
	struct sets s = get(0);

	/* v1 fills one word and leaves the second alone; v2 is v3 */
	memset(d, 0xa5, sizeof(d));
	CHECK_OK(get_v(_LINUX_CAPABILITY_VERSION_1, 0, d));
	CHECK(d[0].effective == (uint32_t)s.eff && d[1].effective == 0xa5a5a5a5,
	      "v1 capget: %#x %#x", d[0].effective, d[1].effective);
	memset(d, 0xa5, sizeof(d));
	CHECK_OK(get_v(_LINUX_CAPABILITY_VERSION_2, 0, d));
	CHECK(d[1].permitted == (uint32_t)(s.perm >> 32), "v2 capget: high word %#x", d[1].permitted);
	/* an unknown version: EINVAL and the preferred one written back;
	 * with no data pointer that is how to ask, and returns 0 */
	h = (struct __user_cap_header_struct){ 0x12345678, 0 };
	CHECK_ERRNO(syscall(SYS_capget, &h, d), EINVAL);
	CHECK(h.version == _LINUX_CAPABILITY_VERSION_3, "version written back: %#x", h.version);
	h.version = 1;
	CHECK(syscall(SYS_capget, &h, NULL) == 0, "capget(bad version, NULL): %s", strerror(errno));
	CHECK(h.version == _LINUX_CAPABILITY_VERSION_3, "version written back: %#x", h.version);
	h.version = 1;
	CHECK_ERRNO(syscall(SYS_capset, &h, d), EINVAL);
	CHECK_ERRNO(syscall(SYS_capget, KERNEL_PTR, d), EFAULT);
	h.version = _LINUX_CAPABILITY_VERSION_3;
	CHECK_ERRNO(syscall(SYS_capget, &h, KERNEL_PTR), EFAULT);
	CHECK_ERRNO(syscall(SYS_capset, &h, KERNEL_PTR), EFAULT);
	/* pids: negative EINVAL, none ESRCH; capset only on oneself */
	CHECK_ERRNO(get_v(_LINUX_CAPABILITY_VERSION_3, -1, d), EINVAL);
	CHECK_ERRNO(get_v(_LINUX_CAPABILITY_VERSION_3, 4000000, d), ESRCH);
	h = (struct __user_cap_header_struct){ _LINUX_CAPABILITY_VERSION_3, getpid() + 1 };
	CHECK_ERRNO(syscall(SYS_capset, &h, d), EPERM);
	h.pid = getpid();
	CHECK_OK(get_v(_LINUX_CAPABILITY_VERSION_3, 0, d));
	CHECK(syscall(SYS_capset, &h, d) == 0, "capset on its own pid: %s", strerror(errno));
}

static void subsets(void)
{
	struct sets s = get(0), p = get(getppid());
	uint64_t perm = s.perm & ~BIT(CAP_NET_RAW);

	CHECK(p.eff == s.eff && p.perm == s.perm, "capget(parent) %llx, ours %llx",
	      (unsigned long long)p.eff, (unsigned long long)s.eff);
	/* effective within permitted; permitted only shrinks */
	CHECK_ERRNO(set(s.perm | BIT(CAP_NET_RAW), perm, 0), EPERM);
	CHECK_OK(set(perm, perm, 0));
	CHECK_ERRNO(set(perm, s.perm, 0), EPERM);
	CHECK(get(0).perm == perm, "a refused capset changed permitted");
	/* bits past the last capability are dropped, not refused */
	CHECK_OK(set(perm | BIT(63), perm | BIT(63), 0));
	CHECK(get(0).perm == perm, "bit 63 kept: %llx", (unsigned long long)get(0).perm);
	/* a v1 capset writes the first word only: the upper capabilities go */
	struct __user_cap_header_struct h1 = { _LINUX_CAPABILITY_VERSION_1, 0 };
	struct __user_cap_data_struct d1 = { (uint32_t)perm, (uint32_t)perm, 0 };
	CHECK_OK(syscall(SYS_capset, &h1, &d1));
	CHECK(get(0).perm == (perm & 0xffffffffULL), "v1 capset: %llx",
	      (unsigned long long)get(0).perm);
	perm &= 0xffffffff;
	/* inheritable: within permitted, or anything in bounding with CAP_SETPCAP */
	CHECK_OK(set(perm, perm, BIT(CAP_NET_RAW)));
	CHECK_OK(set(perm & ~BIT(CAP_SETPCAP), perm, BIT(CAP_NET_RAW)));
	/* (it is the old effective set that counts) */
	CHECK_ERRNO(set(perm, perm, BIT(CAP_NET_RAW) | BIT(CAP_SYSLOG)), EPERM);
	CHECK_OK(set(perm, perm, BIT(CAP_NET_RAW)));
	CHECK_OK(set(perm, perm, BIT(CAP_NET_RAW) | BIT(CAP_SYSLOG)));
	/* never beyond the bounding set, CAP_SETPCAP or not */
	CHECK_OK(prctl(PR_CAPBSET_DROP, CAP_NET_ADMIN, 0, 0, 0));
	CHECK_ERRNO(set(perm, perm, BIT(CAP_NET_ADMIN)), EPERM);
	/* ambient stays within permitted and inheritable */
	CHECK_OK(set(perm, perm, BIT(CAP_KILL)));
	CHECK_OK(prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_RAISE, CAP_KILL, 0, 0));
	CHECK_OK(set(perm, perm, BIT(CAP_KILL)));
	CHECK(prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_IS_SET, CAP_KILL, 0, 0) == 1, "ambient lost");
	CHECK_OK(set(perm, perm, 0));
	CHECK(prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_IS_SET, CAP_KILL, 0, 0) == 0,
	      "ambient kept without inheritable");
	/* with nothing left: no way back */
	CHECK_OK(set(0, 0, 0));
	CHECK_ERRNO(set(0, BIT(CAP_KILL), 0), EPERM);
	CHECK_ERRNO(prctl(PR_CAPBSET_DROP, CAP_KILL, 0, 0, 0), EPERM);
}

int main(void)
{
	struct sets before = get(0);
	pid_t c;
	int st;

	headers();
	if (geteuid() != 0)
		return 0;
	c = fork();
	CHECK(c >= 0, "fork");
	if (c == 0) {
		subsets();
		_exit(0);
	}
	CHECK(waitpid(c, &st, 0) == c && WIFEXITED(st) && WEXITSTATUS(st) == 0,
	      "the child failed (status %#x)", st);
	CHECK(get(0).eff == before.eff && get(0).perm == before.perm, "the parent's sets changed");
	return 0;
}
