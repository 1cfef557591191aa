#!/usr/bin/env bats
# Host-mode inet sockets (issue 5, DESIGN.md §4): the sentry owns a host
# socket in the sandbox's network namespace for each application socket.
#   cvisor do                 its own network namespace, loopback up
#   cvisor do --network=host  the host's: a server in the sandbox is
#                             reachable from the host

bats_require_minimum_version 1.5.0

BUILD=${BUILD:-build}
CVISOR=$(realpath "$BUILD/cvisor")

setup() {
	[ -x /bin/busybox ] || skip "no /bin/busybox (busybox-static)"
}

@test "in the sandbox's own network namespace: httpd and wget over loopback" {
	run -0 --separate-stderr timeout 30 "$CVISOR" do -- /bin/busybox sh -c \
		'/bin/busybox httpd -p 127.0.0.1:18090 -h /etc && /bin/busybox wget -q -O - http://127.0.0.1:18090/hostname'
	[ "$output" = "$(cat /etc/hostname)" ]
}

@test "--network=host: busybox httpd in the sandbox answers curl on the host" {
	command -v curl >/dev/null || skip "no curl"
	timeout 60 "$CVISOR" do --network=host -- /bin/busybox httpd -f -p 127.0.0.1:18091 -h /bin \
		>"$BATS_TEST_TMPDIR/out" 2>&1 &
	local pid=$!
	for i in $(seq 50); do curl -s -m 1 -o /dev/null http://127.0.0.1:18091/ && break; sleep 0.1; done
	run -0 curl -s -m 5 -o "$BATS_TEST_TMPDIR/got" -w '%{http_code}' http://127.0.0.1:18091/busybox
	[ "$output" = 200 ]
	cmp "$BATS_TEST_TMPDIR/got" /bin/busybox
	run curl -s -m 5 -o /dev/null -w '%{http_code}' http://127.0.0.1:18091/nonexistent
	[ "$output" = 404 ]
	kill -INT $pid
	wait $pid || true
}

@test "python sockets: AF_UNIX created in the sentry, TCP over loopback with options" {
	[ -x /usr/bin/python3 ] || skip "no python3"
	run -0 --separate-stderr "$CVISOR" do -- /usr/bin/python3 -c '
import socket, errno
try:
    socket.socket(socket.AF_UNIX, socket.SOCK_STREAM); print("unix ok")
except OSError as e: print("unix", errno.errorcode[e.errno])
s = socket.socket()
try: s.bind(("127.0.0.1", 99999))
except OverflowError: print("port range")
s.bind(("127.0.0.1", 0)); s.listen(1)
c = socket.create_connection(s.getsockname()); a, _ = s.accept()
c.sendall(b"ping"); print(a.recv(4).decode())
print(a.getsockopt(socket.SOL_SOCKET, socket.SO_TYPE) == socket.SOCK_STREAM)'
	[ "${lines[0]}" = "unix ok" ]
	[ "${lines[2]}" = ping ] && [ "${lines[3]}" = True ]
}

# sendfile from a host file to a host TCP socket is one host sendfile in
# the sentry (net/sockmsg.c, issue 16: nginx's pread64 + sendmsg before);
# the conformance programs check offsets, partial sends, the end of the
# file, SO_SNDTIMEO and EPIPE with the input on a --rw host directory,
# where it is a host file (in /tmp it would be the sandbox's own tmpfs).
@test "sendfile from a --rw host file to a TCP socket: host sendfiles, offsets and partial sends as Linux" {
	command -v strace >/dev/null || skip "no strace"
	local d=$BATS_TEST_TMPDIR/d prog
	mkdir "$d"
	run -0 --separate-stderr strace -f -qq -Y -e trace=sendfile -e signal=none \
		-o "$BATS_TEST_TMPDIR/trace" "$CVISOR" do --rw "$d" -- /usr/bin/env SENDFILE_DIR="$d" \
		"$BUILD/tests/conformance/sendfile_sock_edges"
	[ "$output" = ok ]
	echo "host sendfiles of the sentry: $(grep -c '<cvisor-sentry> sendfile(' "$BATS_TEST_TMPDIR/trace")"
	grep -q '<cvisor-sentry> sendfile(' "$BATS_TEST_TMPDIR/trace"
	for prog in sendfile_sock sendfile_timeo; do
		run -0 --separate-stderr "$CVISOR" do --rw "$d" -- /usr/bin/env SENDFILE_DIR="$d" \
			"$BUILD/tests/conformance/$prog"
	done
	[ -z "$(ls "$d")" ]
}
