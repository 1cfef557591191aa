/* What a process was given: its ids, capability sets, no_new_privs and
 * AT_SECURE on one line, and whether it may open FILE (the arguments) for
 * reading.  caps.bats runs it natively, in the sandbox and under runc, set-
 * user-ID root or with file capabilities, and compares the lines. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <linux/capability.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/auxv.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	struct __user_cap_header_struct h = { _LINUX_CAPABILITY_VERSION_3, 0 };
	struct __user_cap_data_struct d[2];
	uid_t r, e, s;
	gid_t rg, eg, sg;
	uint64_t amb = 0;

	if (getresuid(&r, &e, &s) || getresgid(&rg, &eg, &sg) || syscall(SYS_capget, &h, d)) {
		perror("caps_id");
		return 1;
	}
	for (int c = 0; c <= CAP_LAST_CAP; c++)
		if (prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_IS_SET, c, 0, 0) == 1)
			amb |= 1ULL << c;
	printf("uid=%u/%u/%u gid=%u/%u/%u prm=%llx eff=%llx inh=%llx amb=%llx nnp=%d secure=%lu",
	       r, e, s, rg, eg, sg,
	       (unsigned long long)(d[0].permitted | (uint64_t)d[1].permitted << 32),
	       (unsigned long long)(d[0].effective | (uint64_t)d[1].effective << 32),
	       (unsigned long long)(d[0].inheritable | (uint64_t)d[1].inheritable << 32),
	       (unsigned long long)amb, prctl(PR_GET_NO_NEW_PRIVS, 0, 0, 0, 0),
	       getauxval(AT_SECURE));
	for (int i = 1; i < argc; i++) {
		int fd = open(argv[i], O_RDONLY);

		printf(" %s=%s", argv[i], fd >= 0 ? "ok" : strerror(errno));
		if (fd >= 0)
			close(fd);
	}
	putchar('\n');
	return 0;
}
