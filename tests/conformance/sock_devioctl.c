/* The network-device ioctls answer on a socket of any family (Linux's
 * dev_ioctl): glibc's if_nametoindex asks an AF_UNIX datagram socket, and
 * busybox's ip too.
 * EXPECT_STDOUT: ok */
#include <net/if.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include "check.h"

int main(void)
{
	int fams[] = { AF_UNIX, AF_INET };

	for (int i = 0; i < 2; i++) {
		int s = socket(fams[i], SOCK_DGRAM | SOCK_CLOEXEC, 0);
		struct ifreq ifr = { 0 };

		CHECK(s >= 0, "socket(%d): %s", fams[i], strerror(errno));
		snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "lo");
		CHECK(ioctl(s, SIOCGIFINDEX, &ifr) == 0, "family %d: SIOCGIFINDEX lo: %s", fams[i],
		      strerror(errno));
		CHECK(ifr.ifr_ifindex == 1, "lo's index %d", ifr.ifr_ifindex);
		memset(ifr.ifr_name, 0, sizeof(ifr.ifr_name));
		CHECK(ioctl(s, SIOCGIFNAME, &ifr) == 0 && !strcmp(ifr.ifr_name, "lo"),
		      "family %d: SIOCGIFNAME 1: %s", fams[i], strerror(errno));
		CHECK(ioctl(s, SIOCGIFFLAGS, &ifr) == 0 && (ifr.ifr_flags & IFF_LOOPBACK),
		      "family %d: SIOCGIFFLAGS", fams[i]);
		snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "nosuchdev0");
		CHECK(ioctl(s, SIOCGIFINDEX, &ifr) == -1 && errno == ENODEV,
		      "family %d: SIOCGIFINDEX of no device: %s", fams[i], strerror(errno));
		close(s);
	}
	CHECK(if_nametoindex("lo") == 1, "if_nametoindex");
	puts("ok");
	return 0;
}
