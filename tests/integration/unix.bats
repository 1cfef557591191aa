#!/usr/bin/env bats
# AF_UNIX in the sentry (issue 14, docs/networking.md): real programs
# using socketpair and unix-domain servers in `cvisor do`, and host unix
# sockets, which the sandbox may not reach.

bats_require_minimum_version 1.5.0

BUILD=${BUILD:-build}
CVISOR=$(realpath "$BUILD/cvisor")

setup() {
	[ -x /usr/bin/python3 ] || skip "no /usr/bin/python3"
}

@test "python3: socket.socketpair(), an AF_UNIX server with a forked client, multiprocessing Pipe" {
	cat >"$BATS_TEST_TMPDIR/u.py" <<'PY'
import os, socket, multiprocessing as mp
a, b = socket.socketpair()
a.sendall(b"pair"); print(b.recv(10).decode())
path = "/tmp/cvisor-unix.sock"
srv = socket.socket(socket.AF_UNIX); srv.bind(path); srv.listen(8)
if os.fork() == 0:
    c = socket.socket(socket.AF_UNIX); c.connect(path)
    c.sendall(b"x" * 300000); c.close(); os._exit(0)
conn, _ = srv.accept(); n = 0
while True:
    d = conn.recv(65536)
    if not d: break
    n += len(d)
os.wait(); print(n)
r, w = mp.Pipe(); w.send({"k": [1, 2]}); print(r.recv())
PY
	run -0 --separate-stderr timeout 60 "$CVISOR" do --rw "$BATS_TEST_TMPDIR" -- \
		/usr/bin/python3 "$BATS_TEST_TMPDIR/u.py"
	[ "${lines[0]}" = pair ]
	[ "${lines[1]}" = 300000 ]
	[ "${lines[2]}" = "{'k': [1, 2]}" ]
}

@test "a host unix socket (an --rw directory, the host's root) is refused with ECONNREFUSED and a line naming it" {
	# not under /tmp: the sandbox has a fresh /tmp, and the second run
	# sees this directory through the host's root
	local d
	d=$(mktemp -d "$(realpath "$BUILD")/uds.XXXXXX")
	/usr/bin/python3 -c '
import socket, sys, time
s = socket.socket(socket.AF_UNIX); s.bind(sys.argv[1]); s.listen(1); time.sleep(60)' \
		"$d/h.sock" &
	local pid=$!
	for i in $(seq 50); do [ -S "$d/h.sock" ] && break; sleep 0.1; done
	local py='
import socket, sys, errno
c = socket.socket(socket.AF_UNIX)
try: c.connect(sys.argv[1]); print("connected")
except OSError as e: print(errno.errorcode[e.errno])'
	run -0 --separate-stderr timeout 30 "$CVISOR" do --rw "$d" -- /usr/bin/python3 -c "$py" "$d/h.sock"
	[ "$output" = ECONNREFUSED ]
	[[ "$stderr" == *"$d/h.sock"*"--host-uds"* ]]
	# seen through the overlay's read-only host layer, the same
	run -0 --separate-stderr timeout 30 "$CVISOR" do -- /usr/bin/python3 -c "$py" "$d/h.sock"
	[ "$output" = ECONNREFUSED ]
	[[ "$stderr" == *"$d/h.sock"*"--host-uds"* ]]
	kill $pid
	wait $pid || true
	rm -rf "$d"
}

@test "a path-bound socket on an --rw host directory: the socket file is made on the host, the sandbox's clients reach the sandbox's server" {
	local d=$BATS_TEST_TMPDIR/rw
	mkdir -p "$d"
	run -0 --separate-stderr timeout 30 "$CVISOR" do --rw "$d" -- /usr/bin/python3 -c '
import socket, sys
p = sys.argv[1] + "/s.sock"
s = socket.socket(socket.AF_UNIX); s.bind(p); s.listen(1)
c = socket.socket(socket.AF_UNIX); c.connect(p); a, _ = s.accept()
c.sendall(b"over hostfs"); print(a.recv(64).decode())' "$d"
	[ "$output" = "over hostfs" ]
	[ -S "$d/s.sock" ]
}
