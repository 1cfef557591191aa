/*
 * Many ready sockets, wakes arriving while epoll_wait reports: a server
 * thread serves 16 socket pairs through one level-triggered epoll while
 * four client threads keep requests in flight on all of them.  Every
 * request must be seen: a wake that lands while epoll_wait walks its
 * ready list must not cost another item its place on it (the sentry lost
 * the rest of the list that way, and redis-server stopped answering
 * redis-benchmark over a unix socket).  A request not seen within 10 s is
 * a lost wake-up: the test fails instead of hanging.
 */
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <sys/epoll.h>
#include <sys/socket.h>

#include "check.h"

#define PAIRS 16
#define CLIENTS 4
#define ROUNDS 3000

static int srv[PAIRS], cli[PAIRS];
static int done_clients;

static void *client(void *arg)
{
	int first = (int)(long)arg * (PAIRS / CLIENTS);

	for (int r = 0; r < ROUNDS; r++) {
		for (int i = first; i < first + PAIRS / CLIENTS; i++)
			CHECK(write(cli[i], "q", 1) == 1, "write: %s", strerror(errno));
		for (int i = first; i < first + PAIRS / CLIENTS; i++) {
			struct pollfd p = { cli[i], POLLIN, 0 };
			char c;

			CHECK(poll(&p, 1, 10000) == 1, "no answer on pair %d in round %d: "
			      "the server never saw the request", i, r);
			CHECK(read(cli[i], &c, 1) == 1 && c == 'a', "read: %s", strerror(errno));
		}
	}
	__atomic_add_fetch(&done_clients, 1, __ATOMIC_SEQ_CST);
	return NULL;
}

/* Answer every byte waiting on pair i; how many were there. */
static int serve(int i)
{
	char buf[64];
	ssize_t n = read(srv[i], buf, sizeof(buf));

	CHECK(n > 0, "read of a reported socket: %zd (%s)", n, strerror(errno));
	memset(buf, 'a', (size_t)n);
	CHECK(write(srv[i], buf, (size_t)n) == n, "write: %s", strerror(errno));
	return (int)n;
}

int main(void)
{
	pthread_t th[CLIENTS];
	long served = 0;
	int ep = epoll_create1(0);

	CHECK_OK(ep);
	for (int i = 0; i < PAIRS; i++) {
		int sv[2];

		CHECK_OK(socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK, 0, sv));
		srv[i] = sv[0];
		cli[i] = sv[1];
		CHECK_OK(fcntl(cli[i], F_SETFL, 0));
		CHECK_OK(epoll_ctl(ep, EPOLL_CTL_ADD, srv[i],
				   &(struct epoll_event){ .events = EPOLLIN, .data.u32 = (uint32_t)i }));
	}
	for (long c = 0; c < CLIENTS; c++)
		CHECK(pthread_create(&th[c], NULL, client, (void *)c) == 0, "pthread_create");
	while (served < (long)PAIRS * ROUNDS) {
		struct epoll_event evs[PAIRS];
		int n = epoll_wait(ep, evs, PAIRS, 10000);

		CHECK(n >= 0, "epoll_wait: %s", strerror(errno));
		CHECK(n > 0, "nothing ready for 10 s with %ld of %d requests served: "
		      "a wake-up was lost", served, PAIRS * ROUNDS);
		for (int k = 0; k < n; k++)
			served += serve((int)evs[k].data.u32);
	}
	for (int c = 0; c < CLIENTS; c++)
		pthread_join(th[c], NULL);
	CHECK(done_clients == CLIENTS, "%d clients finished", done_clients);
	CHECK(served == (long)PAIRS * ROUNDS, "served %ld", served);
	return 0;
}
