#!/usr/bin/env bats
# Host unix sockets only on request (issue 14 item 4, docs/networking.md
# "Host unix sockets"): a server on the host, python3's socketserver on a
# path in an --rw directory; the sandbox's client is refused without
# --host-uds and served with it, as the same client natively.

bats_require_minimum_version 1.5.0

BUILD=${BUILD:-build}
CVISOR=$(realpath "$BUILD/cvisor")

setup() {
	[ -x /usr/bin/python3 ] || skip "no /usr/bin/python3"
	D=$BATS_TEST_TMPDIR/rw
	mkdir -p "$D"
	SERVERS=()
}

teardown() {
	local p
	for p in "${SERVERS[@]}"; do
		kill "$p" 2>/dev/null || true
		wait "$p" 2>/dev/null || true
	done
}

# serve KIND PATH: a host server on PATH, until teardown.  stream: an echo
# of lines, closing on "bye"; seqpacket: each message back reversed.
serve() {
	/usr/bin/python3 - "$@" <<'PY' &
import os, socket, socketserver, sys
kind, path = sys.argv[1], sys.argv[2]
if kind == "stream":
    class H(socketserver.StreamRequestHandler):
        def handle(self):
            for line in self.rfile:
                if line == b"bye\n":
                    return
                self.wfile.write(line)
    class S(socketserver.ThreadingMixIn, socketserver.UnixStreamServer):
        daemon_threads = True
    S(path, H).serve_forever()
s = socket.socket(socket.AF_UNIX, socket.SOCK_SEQPACKET)
s.bind(path); s.listen(4)
while True:
    c, _ = s.accept()
    while (m := c.recv(100)):
        c.send(m[::-1])
    c.close()
PY
	SERVERS+=($!)
	local i
	for i in $(seq 100); do [ -S "$2" ] && return 0; sleep 0.1; done
	return 1
}

# The client: an echo round trip with poll and epoll readiness (the epoll
# registered before the connect), its peer's name, and EOF when the server closes; with "rights", an
# SCM_RIGHTS message first.
CLIENT='
import array, errno, select, socket, sys
p = sys.argv[1]
c = socket.socket(socket.AF_UNIX)
ep = select.epoll()    # before the connect: the socket turns host-backed under it
ep.register(c, select.EPOLLIN | select.EPOLLRDHUP)
try:
    c.connect(p)
except OSError as e:
    print("connect", errno.errorcode[e.errno]); sys.exit(0)
print("peer", c.getpeername() == p)
print("idle", ep.poll(0))      # nothing comes before we send
c.sendall(b"ping\n")
print("epoll", ep.poll(-1) == [(c.fileno(), select.EPOLLIN)])
print(c.recv(64))
c.sendall(b"pong\n")
po = select.poll(); po.register(c, select.POLLIN)
print("poll", po.poll(-1) == [(c.fileno(), select.POLLIN)])
print(c.recv(64))
if sys.argv[2:] == ["rights"]:
    try:
        c.sendmsg([b"x"], [(socket.SOL_SOCKET, socket.SCM_RIGHTS, array.array("i", [0]))])
        print("rights sent")
    except OSError as e:
        print("rights", errno.errorcode[e.errno])
c.sendall(b"bye\n")
print("epoll at EOF", ep.poll(-1)[0][1] & select.EPOLLRDHUP != 0)
print("eof", c.recv(64))
'

@test "host-uds: a host stream socket on an --rw directory: refused without --host-uds, an echo with poll, epoll and EOF with it, as natively" {
	serve stream "$D/h.sock"
	run -0 --separate-stderr timeout 60 "$CVISOR" do --rw "$D" -- \
		/usr/bin/python3 -c "$CLIENT" "$D/h.sock"
	[ "$output" = "connect ECONNREFUSED" ]
	[[ "$stderr" == *"connect to the host's unix socket $D/h.sock refused (use --host-uds to allow it)"* ]]
	run -0 /usr/bin/python3 -c "$CLIENT" "$D/h.sock"
	local native=$output
	[ "${lines[0]}" = "peer True" ]
	[ "${lines[5]}" = "b'pong\n'" ]
	[ "${lines[6]}" = "epoll at EOF True" ]
	[ "${lines[7]}" = "eof b''" ]
	run -0 --separate-stderr timeout 60 "$CVISOR" do --host-uds --rw "$D" -- \
		/usr/bin/python3 -c "$CLIENT" "$D/h.sock"
	echo "$output"
	[ "$output" = "$native" ]
	[ -z "$stderr" ]
}

@test "host-uds: sentry files never cross to the host: SCM_RIGHTS is EINVAL and nothing of it is sent" {
	serve stream "$D/h.sock"
	run -0 --separate-stderr timeout 60 "$CVISOR" do --host-uds --rw "$D" -- \
		/usr/bin/python3 -c "$CLIENT" "$D/h.sock" rights
	echo "$output"
	[ "${lines[6]}" = "rights EINVAL" ]
	[ "${lines[8]}" = "eof b''" ]         # natively: b'xbye\n', the x went
}

@test "host-uds: a host seqpacket socket keeps message boundaries; a datagram connect stays refused" {
	serve seqpacket "$D/q.sock"
	run -0 --separate-stderr timeout 60 "$CVISOR" do --host-uds --rw "$D" -- /usr/bin/python3 -c '
import errno, socket, sys
c = socket.socket(socket.AF_UNIX, socket.SOCK_SEQPACKET); c.connect(sys.argv[1])
c.send(b"ab"); c.send(b"cde")
print(c.recv(100), c.recv(100))
d = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
try: d.connect(sys.argv[1])
except OSError as e: print(errno.errorcode[e.errno])' "$D/q.sock"
	[ "${lines[0]}" = "b'ba' b'edc'" ]
	[ "${lines[1]}" = ECONNREFUSED ]
	[[ "$stderr" == *"datagrams to the host's unix socket $D/q.sock refused"* ]]
}

@test "host-uds: symlinks are the sentry's to follow, in the sandbox's view: one to a host socket outside it is ENOENT, one inside it connects" {
	local out=$BATS_TEST_TMPDIR/out      # under /tmp: not in the sandbox
	mkdir -p "$out"
	serve stream "$D/h.sock"
	serve stream "$out/o.sock"
	ln -s "$out/o.sock" "$D/away.sock"
	ln -s h.sock "$D/near.sock"
	# natively the host follows both
	run -0 /usr/bin/python3 -c "$CLIENT" "$D/away.sock"
	[ "${lines[0]}" = "peer False" ]     # the peer is the server's own path
	run -0 --separate-stderr timeout 60 "$CVISOR" do --host-uds --rw "$D" -- \
		/usr/bin/python3 -c "$CLIENT" "$D/away.sock"
	[ "$output" = "connect ENOENT" ]
	run -0 --separate-stderr timeout 60 "$CVISOR" do --host-uds --rw "$D" -- \
		/usr/bin/python3 -c "$CLIENT" "$D/near.sock"
	[ "${lines[0]}" = "peer True" ]
	[ "${lines[7]}" = "eof b''" ]
}

# oci_run ANNOTATE: an OCI container whose root is the host's / (read-only:
# python3 is there) with the --rw directory bind-mounted on /mnt, its
# client connecting to /mnt/h.sock; ANNOTATE "true" asks for host sockets
# with the annotation dev.cvisor.host-uds.
oci_run() {
	local b=$BATS_TEST_TMPDIR/bundle
	mkdir -p "$b"
	rm -f "$b/config.json"
	(cd "$b" && "$CVISOR" spec)
	python3 - "$b/config.json" "$D" "$1" "$CLIENT" <<-'PY'
		import json, sys
		path, d, ann, client = sys.argv[1:]
		c = json.load(open(path))
		c["root"] = {"path": "/", "readonly": True}
		c["process"]["terminal"] = False
		c["process"]["args"] = ["/usr/bin/python3", "-c", client, "/mnt/h.sock"]
		c["mounts"].append({"destination": "/mnt", "type": "bind", "source": d,
				    "options": ["rbind"]})
		if ann:
		    c["annotations"] = {"dev.cvisor.host-uds": ann}
		json.dump(c, open(path, "w"))
	PY
	(cd "$b" && timeout 60 "$CVISOR" --root "$BATS_TEST_TMPDIR/state" run "uds$$")
}

@test "host-uds: OCI, a bind mount: refused without the annotation, served with dev.cvisor.host-uds: \"true\"" {
	[ -d /mnt ] || skip "no /mnt to mount on"
	serve stream "$D/h.sock"
	run -0 --separate-stderr oci_run ""
	[ "$output" = "connect ECONNREFUSED" ]
	[[ "$stderr" == *"/mnt/h.sock refused (use --host-uds"* ]]
	run -0 --separate-stderr oci_run false
	[ "$output" = "connect ECONNREFUSED" ]
	run -0 --separate-stderr oci_run true
	echo "$output"
	[ "${lines[0]}" = "peer True" ]
	[ "${lines[4]}" = "poll True" ]
	[ "${lines[7]}" = "eof b''" ]
}
