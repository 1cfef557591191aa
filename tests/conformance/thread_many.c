/* A process may start threads without end, one after another (a thread
 * per connection): 8,500 here, each joined before the next.  In the
 * sandbox each thread took one of its stub process's 8,183 slots and never
 * gave it back: the 8,184th pthread_create failed with EAGAIN. */
#include <pthread.h>
#include "check.h"

static void *run(void *arg)
{
	return arg;
}

int main(void)
{
	for (long i = 0; i < 8500; i++) {
		pthread_t th;
		void *ret;
		int err = pthread_create(&th, NULL, run, (void *)i);

		CHECK(!err, "pthread_create #%ld: %s", i, strerror(err));
		CHECK(!pthread_join(th, &ret) && ret == (void *)i, "join #%ld", i);
	}
	return 0;
}
