/* Named pipes (FIFOs): open rules (readers wait for a writer, O_NONBLOCK
 * writers without a reader get ENXIO, O_RDWR never waits), one buffer for
 * every open of the FIFO across processes, EOF, stat of the node, the
 * buffer dropped when the last opener closes, F_GETPIPE_SZ.
 * EXPECT_STDOUT: ok */
#define _GNU_SOURCE
#include <fcntl.h>
#include <poll.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include "check.h"

int main(void)
{
	char dir[] = "/tmp/fifoXXXXXX", path[64], buf[16];
	struct stat st, fst;
	int r, w, n;

	CHECK(mkdtemp(dir), "mkdtemp: %s", strerror(errno));
	snprintf(path, sizeof(path), "%s/f", dir);
	CHECK(mkfifo(path, 0600) == 0, "mkfifo: %s", strerror(errno));
	CHECK(stat(path, &st) == 0 && S_ISFIFO(st.st_mode), "stat: not a FIFO");
	CHECK(mkfifo(path, 0600) == -1 && errno == EEXIST, "mkfifo again: %s", strerror(errno));

	/* no reader: a non-blocking writer is refused, a non-blocking reader is not */
	CHECK(open(path, O_WRONLY | O_NONBLOCK) == -1 && errno == ENXIO,
	      "O_WRONLY|O_NONBLOCK without a reader: %s", strerror(errno));
	r = open(path, O_RDONLY | O_NONBLOCK);
	CHECK(r >= 0, "O_RDONLY|O_NONBLOCK: %s", strerror(errno));
	CHECK(fstat(r, &fst) == 0 && S_ISFIFO(fst.st_mode) && fst.st_ino == st.st_ino,
	      "fstat of the open FIFO is not its node");
	CHECK(read(r, buf, sizeof(buf)) == 0, "read with no writer: not EOF");
	w = open(path, O_WRONLY | O_NONBLOCK);
	CHECK(w >= 0, "O_WRONLY|O_NONBLOCK with a reader: %s", strerror(errno));
	CHECK(write(w, "abc", 3) == 3, "write");
	CHECK(ioctl(r, FIONREAD, &n) == 0 && n == 3, "FIONREAD %d", n);
	CHECK(fcntl(w, F_GETPIPE_SZ) >= 4096, "F_GETPIPE_SZ: %s", strerror(errno));
	CHECK(read(r, buf, sizeof(buf)) == 3 && memcmp(buf, "abc", 3) == 0, "read back");
	close(w);
	CHECK(read(r, buf, sizeof(buf)) == 0, "EOF after the writer closed");
	struct pollfd p = { .fd = r, .events = POLLIN };
	CHECK(poll(&p, 1, 0) == 1 && (p.revents & POLLHUP), "POLLHUP after the writer: %#x",
	      p.revents);
	close(r);

	/* blocking opens meet: the parent's read open waits for the child's writer */
	pid_t pid = fork();
	if (pid == 0) {
		usleep(100 * 1000);
		int cw = open(path, O_WRONLY);
		_exit(cw >= 0 && write(cw, "hello", 5) == 5 ? 0 : 1);
	}
	r = open(path, O_RDONLY);
	CHECK(r >= 0, "blocking O_RDONLY: %s", strerror(errno));
	CHECK(read(r, buf, 5) == 5 && memcmp(buf, "hello", 5) == 0, "read the child's data");
	int status;
	CHECK(waitpid(pid, &status, 0) == pid && WIFEXITED(status) && !WEXITSTATUS(status),
	      "child writer failed");
	CHECK(read(r, buf, sizeof(buf)) == 0, "EOF after the child exited");
	close(r);

	/* O_RDWR never waits; the buffer goes with the last close */
	int rw = open(path, O_RDWR);
	CHECK(rw >= 0, "O_RDWR: %s", strerror(errno));
	CHECK(write(rw, "xyz", 3) == 3, "write O_RDWR");
	close(rw);
	rw = open(path, O_RDWR | O_NONBLOCK);
	CHECK(rw >= 0, "O_RDWR again");
	CHECK(ioctl(rw, FIONREAD, &n) == 0 && n == 0, "%d bytes survived the last close", n);
	CHECK(read(rw, buf, sizeof(buf)) == -1 && errno == EAGAIN, "read of empty O_RDWR FIFO: %s",
	      strerror(errno));
	close(rw);

	CHECK(unlink(path) == 0 && rmdir(dir) == 0, "cleanup: %s", strerror(errno));
	puts("ok");
	return 0;
}
