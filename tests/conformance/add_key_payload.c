/* add_key(2)'s payload as Linux checks it: plen bytes are copied first, so
 * a NULL or bad pointer with a length is EFAULT whatever the type; then
 * the type checks the length: a keyring takes none (a pointer with length
 * 0 is fine), "user" and "logon" keys 1 to 32767 bytes (LTP's add_key01,
 * add_key02). */
#define _GNU_SOURCE
#include <linux/keyctl.h>
#include "check.h"

static long add_key(const char *type, const char *desc, const void *p, size_t n)
{
	return syscall(SYS_add_key, type, desc, p, n, KEY_SPEC_PROCESS_KEYRING);
}

int main(void)
{
	static char big[32768];

	CHECK(add_key("keyring", "ring", big, 0) > 0, "keyring, pointer, plen 0: %s",
	      strerror(errno));
	CHECK_ERRNO(add_key("keyring", "ring", big, 1), EINVAL);
	CHECK(add_key("user", "u", big, 32767) > 0, "user, 32767 bytes: %s", strerror(errno));
	CHECK_ERRNO(add_key("user", "u", big, 32768), EINVAL);
	CHECK_ERRNO(add_key("user", "u", big, 0), EINVAL);
	CHECK_ERRNO(add_key("user", "abc:def", NULL, 64), EFAULT);
	CHECK_ERRNO(add_key("logon", "abc:def", NULL, 64), EFAULT);
	CHECK_ERRNO(add_key("user", "u", KERNEL_PTR, 64), EFAULT);
	CHECK(add_key("logon", "svc:name", big, 16) > 0, "logon key: %s", strerror(errno));
	return 0;
}
