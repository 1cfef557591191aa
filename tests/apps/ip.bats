#!/usr/bin/env bats
# Netlink route, read-only (issue 14): `ip addr`, `ip link`, `ip route` and
# glibc's getaddrinfo(AI_ADDRCONFIG) in the sandbox see the interfaces of
# its network namespace.  A namespace of the test's own (unshare -n: lo, and
# a veth pair with an IPv4 address only) is the same for the native run and
# `cvisor do --network=host` started in it, so the outputs must be equal.
# Without netlink glibc assumes IPv6 is configured, and AI_ADDRCONFIG keeps
# the ::1 of a name that has both: that is what the second test catches.

bats_require_minimum_version 1.5.0
load apps

setup() {
	need ip iproute2
	need $PY python3
	command -v unshare >/dev/null || { echo "no unshare (util-linux)" >&2; return 1; }
	# a hosts file with a name of both families and one of IPv6 only
	{ cat /etc/hosts; echo "127.0.0.1 dual.test"; echo "::1 dual.test"
	  echo "::1 v6only.test"; } >"$BATS_TEST_TMPDIR/hosts"
}

# in_netns CMD...: CMD in a new network (and mount) namespace: lo up, veth
# v0 (10.9.9.9/24) and v1, no IPv6 on them; /etc/hosts is the test's.
in_netns() {
	timeout 120 unshare -m -n sh -c '
		ip link set lo up && ip link add v0 type veth peer name v1 &&
		sysctl -qw net.ipv6.conf.v0.disable_ipv6=1 net.ipv6.conf.v1.disable_ipv6=1 &&
		ip addr add 10.9.9.9/24 dev v0 && ip link set v0 up && ip link set v1 up &&
		mount --bind "$0" /etc/hosts && exec "$@"' "$BATS_TEST_TMPDIR/hosts" "$@"
}

# native_then_sandbox CMD: in one namespace of in_netns, sh -c CMD natively
# (its output in $BATS_TEST_TMPDIR/want), then in the sandbox with the
# host's (this namespace's) network: the test's $output and $stderr.
native_then_sandbox() {
	run --separate-stderr in_netns sh -c 'sh -c "$1" >"$2" 2>&1; shift 2; exec "$@"' sh \
		"$1" "$BATS_TEST_TMPDIR/want" "$CVISOR" do --network=host -- /bin/sh -c "$1"
}

# same: the sandbox's status 0 and output is what the native run printed
same() {
	[ "$status" = 0 ] && [ "$output" = "$(cat "$BATS_TEST_TMPDIR/want")" ] ||
		differs "$(cat "$BATS_TEST_TMPDIR/want")"
}

@test "ip addr, ip link, ip route in the sandbox: as natively in the same namespace" {
	native_then_sandbox 'ip addr; ip link; ip route; ip -6 route; ip -br addr'
	grep -q '10.9.9.9/24' "$BATS_TEST_TMPDIR/want"
	same
}

@test "getaddrinfo(AI_ADDRCONFIG) in the sandbox: no IPv6 answer without an IPv6 address" {
	local code='
import socket
print(socket.getaddrinfo("localhost", 80, flags=socket.AI_ADDRCONFIG))
for h in ["dual.test", "v6only.test"]:
    try:
        r = sorted(set((a[0].name, a[4][0]) for a in socket.getaddrinfo(h, 80, flags=socket.AI_ADDRCONFIG)))
    except socket.gaierror as e:
        r = "gaierror %d" % e.errno
    print(h, r)'
	native_then_sandbox "$PY -c '$code'"
	same
}

@test "ip addr in the sandbox's own namespace (cvisor do): loopback only, up" {
	unshare -n sh -c 'ip link set lo up; ip addr' >"$BATS_TEST_TMPDIR/want" 2>&1
	run --separate-stderr sandbox -- ip addr
	same
}
