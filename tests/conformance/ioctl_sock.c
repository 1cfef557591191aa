/* ioctls on inet sockets: FIONREAD (SIOCINQ), SIOCOUTQ, SIOCATMARK on
 * the queues, SIOCGIF* and SIOCGIFCONF on the interfaces (lo, which
 * every network namespace has), EFAULT for bad pointers, ENODEV for an
 * interface that is not there, ENOTTY for what is not a socket ioctl.
 * The sandbox copies each argument through the sentry: the answers must
 * be Linux's. */
#include <arpa/inet.h>
#include <linux/sockios.h>
#include <net/if.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include "check.h"

static void queues(void)
{
	struct sockaddr_in sa = { .sin_family = AF_INET,
				  .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	socklen_t len = sizeof(sa);
	int l = socket(AF_INET, SOCK_STREAM, 0), c = socket(AF_INET, SOCK_STREAM, 0), s, n = -1;
	int u = socket(AF_INET, SOCK_DGRAM, 0);
	struct pollfd p;

	CHECK_OK(bind(l, (struct sockaddr *)&sa, sizeof(sa)));
	CHECK_OK(getsockname(l, (struct sockaddr *)&sa, &len));
	CHECK_OK(listen(l, 1));
	CHECK_ERRNO(ioctl(l, SIOCOUTQ, &n), EINVAL);    /* a listener has no queues */
	CHECK_OK(connect(c, (struct sockaddr *)&sa, sizeof(sa)));
	s = accept(l, NULL, NULL);
	CHECK(s >= 0, "accept");
	CHECK_OK(ioctl(s, FIONREAD, &n));
	CHECK(n == 0, "FIONREAD with nothing sent: %d", n);
	CHECK(send(c, "hello", 5, 0) == 5, "send");
	p = (struct pollfd){ .fd = s, .events = POLLIN };
	CHECK(poll(&p, 1, -1) == 1, "poll");
	CHECK_OK(ioctl(s, SIOCINQ, &n));
	CHECK(n == 5, "SIOCINQ: %d", n);
	CHECK_OK(ioctl(s, SIOCATMARK, &n));
	CHECK(n == 0, "SIOCATMARK: %d", n);
	CHECK_OK(ioctl(u, SIOCOUTQ, &n));
	CHECK(n == 0, "SIOCOUTQ of an idle UDP socket: %d", n);
	CHECK_ERRNO(ioctl(s, FIONREAD, KERNEL_PTR), EFAULT);
	CHECK_ERRNO(ioctl(s, TCGETS, &n), ENOTTY);
	close(s);
	close(c);
	close(l);
	close(u);
}

static void interfaces(void)
{
	int s = socket(AF_INET, SOCK_DGRAM, 0), found = 0;
	struct ifreq ifr = { .ifr_name = "lo" }, list[64];
	struct ifconf ic = { .ifc_len = 0, .ifc_buf = NULL };
	struct sockaddr_in *sin = (struct sockaddr_in *)&ifr.ifr_addr;

	CHECK_OK(ioctl(s, SIOCGIFINDEX, &ifr));
	CHECK(ifr.ifr_ifindex == 1, "lo's index %d", ifr.ifr_ifindex);
	memset(ifr.ifr_name, 0, sizeof(ifr.ifr_name));
	CHECK_OK(ioctl(s, SIOCGIFNAME, &ifr));
	CHECK(!strcmp(ifr.ifr_name, "lo"), "index 1 is %s", ifr.ifr_name);
	CHECK_OK(ioctl(s, SIOCGIFFLAGS, &ifr));
	CHECK((ifr.ifr_flags & (IFF_UP | IFF_LOOPBACK)) == (IFF_UP | IFF_LOOPBACK), "flags %#x",
	      ifr.ifr_flags);
	CHECK_OK(ioctl(s, SIOCGIFADDR, &ifr));
	CHECK(sin->sin_family == AF_INET && sin->sin_addr.s_addr == htonl(INADDR_LOOPBACK),
	      "lo's address");
	CHECK_OK(ioctl(s, SIOCGIFNETMASK, &ifr));
	CHECK(sin->sin_addr.s_addr == htonl(0xff000000), "lo's netmask");
	CHECK_OK(ioctl(s, SIOCGIFMTU, &ifr));
	CHECK(ifr.ifr_mtu > 0, "lo's mtu");
	CHECK_OK(ioctl(s, SIOCGIFTXQLEN, &ifr));
	CHECK_OK(ioctl(s, SIOCGIFHWADDR, &ifr));
	strcpy(ifr.ifr_name, "nosuchif0");
	CHECK_ERRNO(ioctl(s, SIOCGIFINDEX, &ifr), ENODEV);
	CHECK_ERRNO(ioctl(s, SIOCGIFFLAGS, KERNEL_PTR), EFAULT);

	/* SIOCGIFCONF: the length alone, then the list */
	CHECK_OK(ioctl(s, SIOCGIFCONF, &ic));
	CHECK(ic.ifc_len >= (int)sizeof(struct ifreq) && ic.ifc_len % sizeof(struct ifreq) == 0,
	      "SIOCGIFCONF length %d", ic.ifc_len);
	ic = (struct ifconf){ .ifc_len = sizeof(list), .ifc_req = list };
	CHECK_OK(ioctl(s, SIOCGIFCONF, &ic));
	for (int i = 0; i < ic.ifc_len / (int)sizeof(struct ifreq); i++) {
		sin = (struct sockaddr_in *)&list[i].ifr_addr;
		found |= !strcmp(list[i].ifr_name, "lo") &&
			 sin->sin_addr.s_addr == htonl(INADDR_LOOPBACK);
	}
	CHECK(found, "lo not in SIOCGIFCONF's %d bytes", ic.ifc_len);
	ic = (struct ifconf){ .ifc_len = sizeof(struct ifreq) - 1, .ifc_req = list };
	CHECK_OK(ioctl(s, SIOCGIFCONF, &ic));
	CHECK(ic.ifc_len == 0, "SIOCGIFCONF into a short buffer: %d", ic.ifc_len);
	ic = (struct ifconf){ .ifc_len = sizeof(list), .ifc_buf = KERNEL_PTR };
	CHECK_ERRNO(ioctl(s, SIOCGIFCONF, &ic), EFAULT);
	CHECK_ERRNO(ioctl(s, SIOCGIFCONF, KERNEL_PTR), EFAULT);
	close(s);
}

int main(void)
{
	queues();
	interfaces();
	return 0;
}
