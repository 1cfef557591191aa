// Eight threads each sum their share of 1..8000000 and meet at a latch;
// the total, and how many distinct threads did the work, are printed.
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicLong;

public class Threads {
	public static void main(String[] args) throws Exception {
		final int n = 8;
		final long per = 1000000;
		AtomicLong total = new AtomicLong();
		Set<Long> ids = ConcurrentHashMap.newKeySet();
		CountDownLatch done = new CountDownLatch(n);
		for (int i = 0; i < n; i++) {
			final long from = i * per + 1;
			Thread th = new Thread(() -> {
				long s = 0;
				for (long k = from; k < from + per; k++)
					s += k;
				total.addAndGet(s);
				ids.add(Thread.currentThread().getId());
				done.countDown();
			});
			th.start();
		}
		done.await();
		System.out.println("threads=" + ids.size() + " sum=" + total.get());
	}
}
