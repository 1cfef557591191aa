/* uname(2) describes a Linux x86-64 system. */
#include <ctype.h>
#include <sys/utsname.h>
#include "check.h"

int main(void)
{
	struct utsname u, v;

	memset(&u, 0x7f, sizeof(u)); /* catch fields left unterminated */
	CHECK(syscall(SYS_uname, &u) == 0, "uname: %s", strerror(errno));
#define TERMINATED(f) (memchr(u.f, 0, sizeof(u.f)) != NULL)
	CHECK(TERMINATED(sysname) && TERMINATED(nodename) && TERMINATED(release) &&
		      TERMINATED(version) && TERMINATED(machine),
	      "unterminated utsname field");
	CHECK(strcmp(u.sysname, "Linux") == 0, "sysname '%s'", u.sysname);
	CHECK(strcmp(u.machine, "x86_64") == 0, "machine '%s'", u.machine);
	CHECK(u.nodename[0] != 0, "empty nodename");
	CHECK(u.version[0] != 0, "empty version");
	/* glibc and others parse "major.minor..." out of the release. */
	CHECK(isdigit((unsigned char)u.release[0]) && strchr(u.release, '.'),
	      "release '%s'", u.release);

	CHECK(uname(&v) == 0 && memcmp(u.release, v.release, sizeof(u.release)) == 0,
	      "second call differs");
	return 0;
}
