/* socket(2)'s errors for an unsupported type/protocol pair, as Linux's
 * inet_create() gives them: UDP over a stream, TCP over datagrams, ICMP
 * over a stream, and a raw socket with protocol 0 (no raw protocol is
 * the wildcard 0) are EPROTONOSUPPORT; an unknown type is EINVAL; an
 * unknown family EAFNOSUPPORT (LTP's socket01, socketpair01). */
#include <netinet/in.h>
#include <sys/socket.h>
#include "check.h"

int main(void)
{
	int sv[2];

	CHECK_ERRNO(socket(AF_INET, SOCK_STREAM, IPPROTO_UDP), EPROTONOSUPPORT);
	CHECK_ERRNO(socket(AF_INET, SOCK_DGRAM, IPPROTO_TCP), EPROTONOSUPPORT);
	CHECK_ERRNO(socket(AF_INET, SOCK_STREAM, IPPROTO_ICMP), EPROTONOSUPPORT);
	CHECK_ERRNO(socket(AF_INET, SOCK_RAW, 0), EPROTONOSUPPORT);
	CHECK_ERRNO(socketpair(AF_INET, SOCK_RAW, 0, sv), EPROTONOSUPPORT);
	CHECK_ERRNO(socket(AF_INET, 75, 0), EINVAL);
	CHECK_ERRNO(socket(9999, SOCK_STREAM, 0), EAFNOSUPPORT);
	return 0;
}
