// tests/apps/java.bats: what a Java server needs of the kernel, in one
// run (issue 15): 8 threads (pthread_getattr_np, sched_getaffinity per
// thread), a ServerSocket and a client on loopback, a ProcessBuilder child.
// Run with source launch: java /opt/apps/Apps.java
import java.io.*;
import java.net.*;

public class Apps {
	public static void main(String[] args) throws Exception {
		long[] sums = new long[8];
		Thread[] t = new Thread[8];
		for (int i = 0; i < 8; i++) {
			final int k = i;
			t[i] = new Thread(() -> {
				long s = 0;
				for (int j = 0; j < 1000000; j++)
					s += j % (k + 1);
				sums[k] = s;
			});
			t[i].start();
		}
		long sum = 0;
		for (int i = 0; i < 8; i++) {
			t[i].join();
			sum += sums[i];
		}
		System.out.println("threads: 8, sum " + sum);

		InetAddress lo = InetAddress.getLoopbackAddress();
		try (ServerSocket ss = new ServerSocket(0, 50, lo)) {
			Thread client = new Thread(() -> {
				try (Socket s = new Socket(lo, ss.getLocalPort())) {
					s.getOutputStream().write("ping\n".getBytes());
					BufferedReader in = new BufferedReader(new InputStreamReader(s.getInputStream()));
					System.out.println("client got: " + in.readLine());
				} catch (IOException e) {
					throw new UncheckedIOException(e);
				}
			});
			client.start();
			try (Socket s = ss.accept()) {
				BufferedReader in = new BufferedReader(new InputStreamReader(s.getInputStream()));
				String line = in.readLine();
				s.getOutputStream().write(("pong " + line + "\n").getBytes());
				s.getOutputStream().flush();
				client.join();
			}
		}

		Process p = new ProcessBuilder("sh", "-c", "echo child says $0; exit 3", "hi")
			.redirectErrorStream(true).start();
		String out = new String(p.getInputStream().readAllBytes()).trim();
		System.out.println("child: " + out + ", exit " + p.waitFor());
	}
}
