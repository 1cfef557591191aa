#!/usr/bin/env bats
# Finding 3 of the security review (issue 12): the host kernel followed
# application pointers inside the sentry (setsockopt(SO_ATTACH_FILTER):
# EFAULT against EINVAL mapped the sentry's memory), and any protocol and
# most options reached host sockets.  Now only the list in
# src/common/hostnet.def does, with every value copied into the sentry
# (docs/security.md, "Finding 3").  The attack program is sockopt_ptr.c.

load common

@test "SO_ATTACH_FILTER, SO_ATTACH_BPF, TCP_ZEROCOPY_RECEIVE: ENOPROTOOPT wherever the pointer points (no oracle)" {
	run -0 cdo -- "$SEC/sockopt_ptr" filter
	echo "$output"
	# the sentry's address and an unmapped one get the same answer
	[ "$(grep -c 'Protocol not available' <<<"$output")" -eq "${#lines[@]}" ]
}

@test "socket(): MPTCP, UDP-Lite, SCTP, raw, packet, netlink, AF_ALG... are not created" {
	run -0 cdo -- "$SEC/sockopt_ptr" socket
	echo "$output"
	! grep -q succeeded <<<"$output"
}

@test "socket options outside the list are ENOPROTOOPT, and nothing of them is read" {
	run -0 cdo -- "$SEC/sockopt_ptr" opt
	echo "$output"
}

@test "socket ioctls: SIOCGIFCONF's buffer goes through the sentry; ioctls that change the network are ENOTTY" {
	run -0 cdo -- "$SEC/sockopt_ptr" ioctl
	echo "$output"
}

@test "terminal ioctls off the list (TIOCSTI, TIOCCONS, ...) are ENOTTY and inject nothing" {
	command -v script >/dev/null || skip "no script (bsdutils)"
	run -0 script -qec "$CVISOR do ${CVISOR_DO_FLAGS:-} -- $SEC/sockopt_ptr tty" /dev/null
	echo "$output"
	grep -q '^TIOCSTI .*Inappropriate ioctl' <<<"$output"
}

@test "the allowed sockets still work: TCP and UDP over loopback; ping sockets refused where ping_group_range allows no group" {
	[ -x /usr/bin/python3 ] || skip "no python3"
	run -0 --separate-stderr cdo -- /usr/bin/python3 -c '
import socket, errno
for fam, host in ((socket.AF_INET, "127.0.0.1"), (socket.AF_INET6, "::1")):
    l = socket.socket(fam); l.bind((host, 0)); l.listen(1)
    c = socket.create_connection(l.getsockname()[:2]); a, _ = l.accept()
    c.sendall(b"tcp"); print(a.recv(3).decode())
    u = socket.socket(fam, socket.SOCK_DGRAM); u.bind((host, 0))
    v = socket.socket(fam, socket.SOCK_DGRAM); v.sendto(b"udp", u.getsockname())
    print(u.recv(3).decode())
try:
    socket.socket(socket.AF_INET, socket.SOCK_DGRAM, socket.IPPROTO_ICMP); print("ping ok")
except OSError as e: print("ping", errno.errorcode[e.errno])'
	echo "$output"
	[ "${lines[0]}" = tcp ] && [ "${lines[1]}" = udp ] && [ "${lines[2]}" = tcp ] && [ "${lines[3]}" = udp ]
	# the sandbox's own network namespace allows no group ("1 0"): EACCES, as Linux
	[ "${lines[4]}" = "ping EACCES" ]
}

@test "ping sockets where ping_group_range allows the group: an ICMP echo to 127.0.0.1 is answered" {
	[ -x /usr/bin/python3 ] || skip "no python3"
	command -v unshare >/dev/null || skip "no unshare"
	# a network namespace of the test's own, shared with the sandbox (--network=host)
	run -0 --separate-stderr unshare -n sh -c '
		ip link set lo up &&
		echo "0 2147483647" >/proc/sys/net/ipv4/ping_group_range &&
		"$0" do --network=host -- /usr/bin/python3 -c "
import socket
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM, socket.IPPROTO_ICMP)
s.sendto(bytes([8, 0, 0, 0, 0, 0, 0, 1]) + b\"cvisor\", (\"127.0.0.1\", 0))
r = s.recv(64)
print(r[0], r[8:].decode())"' "$CVISOR"
	echo "$output"
	[ "$output" = "0 cvisor" ]      # type 0: echo reply, with our payload
}

@test "sendmsg/recvmsg: msghdr, iovecs, name and control copied (EFAULT alike for the sentry and unmapped); unlisted control messages (SCM_RIGHTS, SO_MARK, ...) EINVAL" {
	run -0 cdo -- "$SEC/sockopt_ptr" msg
	echo "$output"
}

@test "a host socket handed over as stdin is a stream, not a socket whose options and peer reach the host" {
	[ -x /usr/bin/python3 ] || skip "no python3"
	run -0 /usr/bin/python3 -c '
import socket, subprocess, sys
a, b = socket.socketpair()
sys.exit(subprocess.run(sys.argv[1:], stdin=a).returncode)' \
		"$CVISOR" do ${CVISOR_DO_FLAGS:-} -- "$SEC/sockopt_ptr" stdio
	echo "$output"
}
