/* The key retention service as PAM's pam_keyinit and libkeyutils use it:
 * the session keyring defaults to the user-session keyring until the
 * process joins a new one, which a child inherits; add_key, request_key,
 * KEYCTL_SEARCH/READ/DESCRIBE/LINK/UNLINK/UPDATE/REVOKE; bad input. */
#define _GNU_SOURCE
#include <linux/keyctl.h>
#include <sys/wait.h>
#include "check.h"

static long keyctl(int cmd, long a, long b, long c, long d)
{
	return syscall(SYS_keyctl, cmd, a, b, c, d);
}

static long add_key(const char *type, const char *desc, const void *p, size_t n, long ring)
{
	return syscall(SYS_add_key, type, desc, p, n, ring);
}

static long request_key(const char *type, const char *desc, long dest)
{
	return syscall(SYS_request_key, type, desc, NULL, dest);
}

int main(void)
{
	char buf[512];
	int32_t ids[64];
	long s, u, ns, k, k2, n, st;

	s = keyctl(KEYCTL_GET_KEYRING_ID, KEY_SPEC_SESSION_KEYRING, 0, 0, 0);
	u = keyctl(KEYCTL_GET_KEYRING_ID, KEY_SPEC_USER_SESSION_KEYRING, 0, 0, 0);
	CHECK(s > 0 && u > 0, "keyring ids %ld %ld: %s", s, u, strerror(errno));

	/* pam_keyinit: a new anonymous session, holding the user keyring */
	ns = keyctl(KEYCTL_JOIN_SESSION_KEYRING, 0, 0, 0, 0);
	CHECK(ns > 0 && ns != u, "join: %ld %s", ns, strerror(errno));
	CHECK(keyctl(KEYCTL_GET_KEYRING_ID, KEY_SPEC_SESSION_KEYRING, 0, 0, 0) == ns,
	      "the joined keyring is the session keyring");
	CHECK_OK(keyctl(KEYCTL_LINK, KEY_SPEC_USER_KEYRING, KEY_SPEC_SESSION_KEYRING, 0, 0));
	n = keyctl(KEYCTL_DESCRIBE, ns, (long)buf, sizeof(buf), 0);
	CHECK(n > 0 && n == (long)strlen(buf) + 1, "describe length %ld", n);
	CHECK(!strncmp(buf, "keyring;", 8) && strstr(buf, ";_ses"), "describe: %s", buf);
	CHECK(keyctl(KEYCTL_DESCRIBE, ns, 0, 0, 0) == n, "describe without a buffer");

	/* a user key: added, read, updated in place by a second add_key */
	k = add_key("user", "cvisor:test", "hello", 5, KEY_SPEC_SESSION_KEYRING);
	CHECK(k > 0, "add_key: %s", strerror(errno));
	memset(buf, 0, sizeof(buf));
	CHECK(keyctl(KEYCTL_READ, k, (long)buf, sizeof(buf), 0) == 5 && !strcmp(buf, "hello"),
	      "read: %s", buf);
	CHECK(add_key("user", "cvisor:test", "world!", 6, KEY_SPEC_SESSION_KEYRING) == k,
	      "a second add_key updates the key");
	memset(buf, '.', sizeof(buf));
	CHECK(keyctl(KEYCTL_READ, k, (long)buf, 3, 0) == 6 && !memcmp(buf, "...", 3),
	      "a short read answers the size and copies nothing");
	CHECK(keyctl(KEYCTL_READ, k, (long)buf, sizeof(buf), 0) == 6 && !memcmp(buf, "world!", 6),
	      "read after update");
	CHECK_OK(keyctl(KEYCTL_UPDATE, k, (long)"abc", 3, 0));
	CHECK(keyctl(KEYCTL_READ, k, (long)buf, sizeof(buf), 0) == 3, "update");

	CHECK(request_key("user", "cvisor:test", 0) == k, "request_key finds it");
	CHECK(keyctl(KEYCTL_SEARCH, ns, (long)"user", (long)"cvisor:test", 0) == k, "search");
	n = keyctl(KEYCTL_READ, ns, (long)ids, sizeof(ids), 0);
	CHECK(n >= 8 && n % 4 == 0, "read keyring: %ld", n);
	int found = 0;
	for (long i = 0; i < n / 4; i++)
		found |= ids[i] == k;
	CHECK(found, "the keyring lists the key");

	/* a child shares the session keyring and finds the key */
	pid_t pid = fork();
	CHECK(pid >= 0, "fork");
	if (!pid)
		_exit(keyctl(KEYCTL_GET_KEYRING_ID, KEY_SPEC_SESSION_KEYRING, 0, 0, 0) == ns &&
		      request_key("user", "cvisor:test", 0) == k ? 0 : 1);
	CHECK(waitpid(pid, (int *)&st, 0) == pid && WIFEXITED(st) && !WEXITSTATUS(st),
	      "the child's session keyring");

	CHECK_OK(keyctl(KEYCTL_UNLINK, k, ns, 0, 0));
	CHECK_ERRNO(request_key("user", "cvisor:test", 0), ENOKEY);
	CHECK_ERRNO(keyctl(KEYCTL_UNLINK, k, ns, 0, 0), ENOENT);

	k2 = add_key("user", "cvisor:revoked", "x", 1, KEY_SPEC_SESSION_KEYRING);
	CHECK(k2 > 0, "add_key 2");
	CHECK_OK(keyctl(KEYCTL_REVOKE, k2, 0, 0, 0));
	CHECK_ERRNO(keyctl(KEYCTL_READ, k2, (long)buf, sizeof(buf), 0), EKEYREVOKED);
	/* an invalidated key is never found again (Linux: revoked until its
	 * garbage collector runs, then gone; the sandbox: gone at once) */
	long k4 = add_key("user", "cvisor:invalid", "x", 1, KEY_SPEC_SESSION_KEYRING);
	CHECK(k4 > 0, "add_key 4");
	CHECK_OK(keyctl(KEYCTL_INVALIDATE, k4, 0, 0, 0));
	errno = 0;
	CHECK(request_key("user", "cvisor:invalid", 0) == -1 &&
	      (errno == ENOKEY || errno == EKEYREVOKED), "invalidated key found: %s",
	      strerror(errno));

	/* a named session keyring */
	long named = keyctl(KEYCTL_JOIN_SESSION_KEYRING, (long)"cvisor-named", 0, 0, 0);
	CHECK(named > 0 && named != ns, "join named");
	CHECK(keyctl(KEYCTL_DESCRIBE, named, (long)buf, sizeof(buf), 0) > 0 &&
	      strstr(buf, ";cvisor-named"), "named: %s", buf);

	/* another user, in a session of its own, may not look at root's key */
	long k3 = add_key("user", "cvisor:root", "secret", 6, KEY_SPEC_SESSION_KEYRING);
	CHECK(k3 > 0, "add_key 3");
	pid = fork();
	CHECK(pid >= 0, "fork");
	if (!pid) {
		if (setresgid(65534, 65534, 65534) || setresuid(65534, 65534, 65534))
			_exit(2);
		if (request_key("user", "cvisor:root", 0) != k3)
			_exit(3);       /* still in root's session: possessed */
		if (keyctl(KEYCTL_JOIN_SESSION_KEYRING, 0, 0, 0, 0) <= 0)
			_exit(4);
		_exit(keyctl(KEYCTL_READ, k3, (long)buf, sizeof(buf), 0) == -1 &&
		      errno == EACCES ? 0 : 1);
	}
	CHECK(waitpid(pid, (int *)&st, 0) == pid && WIFEXITED(st), "child");
	CHECK(!WEXITSTATUS(st), "another user's access: step %ld", (long)WEXITSTATUS(st));

	/* bad input */
	CHECK_ERRNO(add_key("nosuchtype", "d", "x", 1, KEY_SPEC_SESSION_KEYRING), ENODEV);
	CHECK_ERRNO(add_key(".internal", "d", "x", 1, KEY_SPEC_SESSION_KEYRING), EPERM);
	CHECK_ERRNO(add_key("user", "", "x", 1, KEY_SPEC_SESSION_KEYRING), EINVAL);
	CHECK_ERRNO(add_key("user", "d", NULL, 0, KEY_SPEC_SESSION_KEYRING), EINVAL);
	CHECK_ERRNO(add_key("keyring", "d", "x", 1, KEY_SPEC_SESSION_KEYRING), EINVAL);
	CHECK_ERRNO(add_key("user", KERNEL_PTR, "x", 1, KEY_SPEC_SESSION_KEYRING), EFAULT);
	CHECK_ERRNO(add_key("user", "d", KERNEL_PTR, 1, KEY_SPEC_SESSION_KEYRING), EFAULT);
	CHECK_ERRNO(add_key("user", "d", "x", 1, 0), EINVAL);
	CHECK_ERRNO(keyctl(KEYCTL_DESCRIBE, 0x7ffffff0, (long)buf, sizeof(buf), 0), ENOKEY);
	CHECK_ERRNO(keyctl(KEYCTL_DESCRIBE, ns, (long)KERNEL_PTR, sizeof(buf), 0), EFAULT);
	CHECK_ERRNO(keyctl(KEYCTL_GET_KEYRING_ID, 0, 0, 0, 0), EINVAL);
	CHECK_ERRNO(keyctl(9999, 0, 0, 0, 0), EOPNOTSUPP);
	CHECK_ERRNO(request_key("keyring", "cvisor-none", 0), ENOKEY);
	return 0;
}
