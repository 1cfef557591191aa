#!/usr/bin/env bats
# NETLINK_ROUTE in the sentry (issue 14, item 3; docs/networking.md,
# "Netlink (NETLINK_ROUTE)"): iproute2, glibc's getifaddrs() and
# getaddrinfo(AI_ADDRCONFIG), Python's if_nameindex() in the sandbox print
# what they print natively in the same network namespace:
#   cvisor do                  a new namespace with lo up: natively, the
#                              same made with unshare -n
#   cvisor do --network=host   run in a namespace of the test's own with a
#                              veth pair, addresses and a default route
#                              (ip netns exec), as the engines' are joined
#
#   make -j2 all && BUILD=build bats tests/integration/netlink.bats

bats_require_minimum_version 1.5.0

BUILD=${BUILD:-build}
CVISOR=$(realpath "$BUILD/cvisor")

# Python: getaddrinfo with AI_ADDRCONFIG, if_nameindex, and glibc's
# getifaddrs through ctypes (name, family, flags, address of each).
PY='
import ctypes, socket
print(socket.getaddrinfo("localhost", 80, flags=socket.AI_ADDRCONFIG))
print(socket.if_nameindex())
class sa(ctypes.Structure): _fields_ = [("family", ctypes.c_ushort), ("data", ctypes.c_ubyte * 26)]
class ifa(ctypes.Structure): pass
ifa._fields_ = [("next", ctypes.POINTER(ifa)), ("name", ctypes.c_char_p), ("flags", ctypes.c_uint),
                ("addr", ctypes.POINTER(sa))]
libc = ctypes.CDLL(None, use_errno=True)
p = ctypes.POINTER(ifa)()
assert libc.getifaddrs(ctypes.byref(p)) == 0, "getifaddrs: errno %d" % ctypes.get_errno()
while p:
    a = p.contents; f = a.addr.contents.family if a.addr else -1; d = bytes(a.addr.contents.data) if a.addr else b""
    addr = socket.inet_ntop(f, d[2:6]) if f == socket.AF_INET else socket.inet_ntop(f, d[6:22]) if f == socket.AF_INET6 else ""
    print(a.name.decode(), f, hex(a.flags), addr)
    p = a.next'

setup_file() {
	command -v ip >/dev/null || skip "no ip (iproute2)"
	command -v python3 >/dev/null || skip "no python3"
}

teardown() {
	[ -z "${NS:-}" ] || ip netns del "$NS" 2>/dev/null || true
}

# natively in a new network namespace with lo up, as cvisor do's
native_none() {
	unshare -n sh -c 'ip link set lo up && exec "$@"' sh "$@"
}

# same_none CMD...: CMD prints the same (status 0) in cvisor do as natively
# in a new namespace; the sandbox's output stays in $output.
same_none() {
	run -0 --separate-stderr native_none "$@"
	local want=$output
	run -0 --separate-stderr "$CVISOR" do -- "$@"
	[ "$output" = "$want" ] || { echo "$*: want"; echo "$want"; echo "got"; echo "$output"; false; }
}

# same_host CMD...: the same in $NS, natively and in cvisor do --network=host;
# WANT_SED edits the native output first (what the sandbox does not show).
same_host() {
	run -0 --separate-stderr ip netns exec "$NS" "$@"
	local want=$output
	[ -z "${WANT_SED:-}" ] || want=$(sed "$WANT_SED" <<<"$want")
	run -0 --separate-stderr ip netns exec "$NS" "$CVISOR" do --network=host -- "$@"
	[ "$output" = "$want" ] || { echo "$*: want"; echo "$want"; echo "got"; echo "$output"; false; }
}

# A namespace with a veth pair, IPv4 and IPv6 addresses and a default
# route; no link-local addresses nor address detection, whose state would
# change between two runs.
make_netns() {
	NS=cvisor-nl-$$
	ip netns add "$NS"
	ip -n "$NS" link set lo up
	ip -n "$NS" link add va type veth peer name vb
	ip -n "$NS" link set va addrgenmode none
	ip -n "$NS" link set vb addrgenmode none
	ip -n "$NS" addr add 10.77.0.1/24 dev va
	ip -n "$NS" addr add fd00:77::1/64 dev va nodad
	ip -n "$NS" link set va up
	ip -n "$NS" link set vb up
	ip -n "$NS" route add default via 10.77.0.2 dev va
	ip -n "$NS" -6 route add default via fd00:77::2 dev va
}

@test "cvisor do: ip addr, ip link, ip route as natively in a new namespace (lo only)" {
	for cmd in "ip addr" "ip link" "ip route" "ip -6 route" "ip route show table local" \
		"ip -4 addr show dev lo" "ip link show lo"; do
		same_none $cmd
	done
	[[ "$output" == *"1: lo: <LOOPBACK,UP,LOWER_UP> mtu 65536"* ]]
	run -0 "$CVISOR" do -- ip -br addr
	[ "$(echo $output)" = "lo UNKNOWN 127.0.0.1/8 ::1/128" ]
}

@test "--network=host: ip addr, link, route in a namespace with a veth pair as natively" {
	make_netns
	for cmd in "ip addr" "ip link" "ip route" "ip -6 route" "ip route show table local" \
		"ip -6 addr show dev va" "ip link show vb" "ip -d link show va"; do
		# per-family device settings (IFLA_AF_SPEC) are not served
		WANT_SED='s/ addrgenmode none//' same_host $cmd
	done
	run -0 ip netns exec "$NS" "$CVISOR" do --network=host -- ip -br addr show dev va
	[ "$(echo $output)" = "va@vb UP 10.77.0.1/24 fd00:77::1/64" ]
}

@test "ip route get: the host's lookup, as natively (routes, sources, unreachable), in both modes" {
	run --separate-stderr native_none ip route get 8.8.8.8
	want="$status $stderr"
	run --separate-stderr "$CVISOR" do -- ip route get 8.8.8.8
	[ "$status $stderr" = "$want" ]
	[ "$stderr" = "RTNETLINK answers: Network is unreachable" ]
	make_netns
	for cmd in "ip route get 1.1.1.1" "ip route get 10.77.0.9" "ip route get 127.0.0.1" \
		"ip route get fibmatch 1.1.1.1" "ip route get 10.77.0.5 from 10.77.0.1" \
		"ip route get 1.1.1.1 oif va" "ip -6 route get 2001:db8::1" \
		"setpriv --reuid=1000 ip route get 10.77.0.9"; do
		same_host $cmd
	done
	[[ "$output" == "10.77.0.9 dev va src 10.77.0.1 uid 1000 "* ]]
}

@test "getaddrinfo(AI_ADDRCONFIG), if_nameindex and getifaddrs as natively, in both modes" {
	same_none python3 -c "$PY"
	[[ "$output" == *"('127.0.0.1', 80)"* ]]
	[[ "$output" == *"[(1, 'lo')]"* ]]
	make_netns
	same_host python3 -c "$PY"
	[[ "$output" == *"va 2 0x11043 10.77.0.1"* ]]
	[[ "$output" == *"va 10 0x11043 fd00:77::1"* ]]
}

# Node's os.networkInterfaces() (libuv: getifaddrs), one line per address.
JS='const i = require("os").networkInterfaces();
for (const n of Object.keys(i).sort()) for (const a of i[n])
	console.log(n, a.family, a.address, a.netmask, a.mac, a.internal, a.cidr, a.scopeid ?? "");'

@test "Node's os.networkInterfaces() as natively, in both modes" {
	command -v node >/dev/null || skip "no node (nodejs)"
	same_none node -e "$JS"
	[[ "$output" == *"lo IPv4 127.0.0.1 255.0.0.0 00:00:00:00:00:00 true 127.0.0.1/8"* ]]
	make_netns
	same_host node -e "$JS"
	[[ "$output" == *"va IPv6 fd00:77::1 ffff:ffff:ffff:ffff:: "*" false fd00:77::1/64 0"* ]]
}

@test "changes are refused: EOPNOTSUPP as root, EPERM without CAP_NET_ADMIN; nothing changes" {
	run -2 --separate-stderr "$CVISOR" do -- ip addr add 10.9.9.9/32 dev lo
	[ "$stderr" = "RTNETLINK answers: Operation not supported" ]
	run -2 --separate-stderr "$CVISOR" do -- ip route add 10.1.0.0/16 dev lo
	[ "$stderr" = "RTNETLINK answers: Operation not supported" ]
	run -2 --separate-stderr "$CVISOR" do -- \
		setpriv --reuid=65534 --regid=65534 --clear-groups ip addr add 10.9.9.9/32 dev lo
	[ "$stderr" = "RTNETLINK answers: Operation not permitted" ]
	make_netns
	run -2 --separate-stderr ip netns exec "$NS" "$CVISOR" do --network=host -- \
		ip addr add 10.9.9.9/32 dev va
	run -0 ip netns exec "$NS" ip -br -4 addr show dev va
	[ "$(echo $output)" = "va@vb UP 10.77.0.1/24" ]
}
