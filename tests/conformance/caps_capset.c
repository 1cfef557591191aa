/* capget and capset (kernel/capability.c, cap_capset in commoncap.c): the
 * header versions, the subset rules and each EPERM, the bits past the last
 * capability, ambient following permitted and inheritable.  The changes
 * happen in a child; the parent's sets are checked unchanged after.
 * Needs root (as another user it checks what needs no capability). */
#include "caps.h"

static int get_v(uint32_t version, int pid, struct __user_cap_data_struct *d)
{
	struct __user_cap_header_struct h = { version, pid };

	return (int)syscall(SYS_capget, &h, d);
}

static void headers(void)
{
	struct __user_cap_header_struct h;
	struct __user_cap_data_struct d[2];
	struct sets s = caps();

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
	struct sets s = caps(), p = caps_of(getppid());
	uint64_t perm = s.perm & ~BIT(CAP_NET_RAW);

	CHECK(p.eff == s.eff && p.perm == s.perm, "capget(parent) %llx, ours %llx",
	      (unsigned long long)p.eff, (unsigned long long)s.eff);
	/* effective within permitted; permitted only shrinks */
	CHECK_ERRNO(caps_set(s.perm | BIT(CAP_NET_RAW), perm, 0), EPERM);
	CHECK_OK(caps_set(perm, perm, 0));
	CHECK_ERRNO(caps_set(perm, s.perm, 0), EPERM);
	CHECK(caps().perm == perm, "a refused capset changed permitted");
	/* bits past the last capability are dropped, not refused */
	CHECK_OK(caps_set(perm | BIT(63), perm | BIT(63), 0));
	CHECK(caps().perm == perm, "bit 63 kept: %llx", (unsigned long long)caps().perm);
	/* a v1 capset writes the first word only: the upper capabilities go */
	struct __user_cap_header_struct h1 = { _LINUX_CAPABILITY_VERSION_1, 0 };
	struct __user_cap_data_struct d1 = { (uint32_t)perm, (uint32_t)perm, 0 };
	CHECK_OK(syscall(SYS_capset, &h1, &d1));
	CHECK(caps().perm == (perm & 0xffffffffULL), "v1 capset: %llx",
	      (unsigned long long)caps().perm);
	perm &= 0xffffffff;
	/* inheritable: within permitted, or anything in bounding with CAP_SETPCAP */
	CHECK_OK(caps_set(perm, perm, BIT(CAP_NET_RAW)));
	CHECK_OK(caps_set(perm & ~BIT(CAP_SETPCAP), perm, BIT(CAP_NET_RAW)));
	/* (it is the old effective set that counts) */
	CHECK_ERRNO(caps_set(perm, perm, BIT(CAP_NET_RAW) | BIT(CAP_SYSLOG)), EPERM);
	CHECK_OK(caps_set(perm, perm, BIT(CAP_NET_RAW)));
	CHECK_OK(caps_set(perm, perm, BIT(CAP_NET_RAW) | BIT(CAP_SYSLOG)));
	/* never beyond the bounding set, CAP_SETPCAP or not */
	CHECK_OK(prctl(PR_CAPBSET_DROP, CAP_NET_ADMIN, 0, 0, 0));
	CHECK_ERRNO(caps_set(perm, perm, BIT(CAP_NET_ADMIN)), EPERM);
	/* ambient stays within permitted and inheritable */
	CHECK_OK(caps_set(perm, perm, BIT(CAP_KILL)));
	CHECK_OK(prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_RAISE, CAP_KILL, 0, 0));
	CHECK_OK(caps_set(perm, perm, BIT(CAP_KILL)));
	CHECK(prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_IS_SET, CAP_KILL, 0, 0) == 1, "ambient lost");
	CHECK_OK(caps_set(perm, perm, 0));
	CHECK(prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_IS_SET, CAP_KILL, 0, 0) == 0,
	      "ambient kept without inheritable");
	/* with nothing left: no way back */
	CHECK_OK(caps_set(0, 0, 0));
	CHECK_ERRNO(caps_set(0, BIT(CAP_KILL), 0), EPERM);
	CHECK_ERRNO(prctl(PR_CAPBSET_DROP, CAP_KILL, 0, 0, 0), EPERM);
}

int main(void)
{
	struct sets before = caps();

	headers();
	if (geteuid() != 0)
		return 0;
	in_child(subsets, "subsets");
	CHECK(caps().eff == before.eff && caps().perm == before.perm, "the parent's sets changed");
	return 0;
}
