#!/usr/bin/env bats
# NETLINK_ROUTE under docker --runtime=cvisor (issue 14, item 3): the
# sentry joins the network namespace docker made, and the application's
# netlink dumps show that namespace's eth0, addresses and routes: busybox's
# ip in the container prints what the same busybox ip prints natively in
# that namespace (nsenter on docker's SandboxKey), and the address docker
# reports.  A dockerd of our own (dockerd.bash); skips without docker.io.
# Starts dockerd: run it under the shared lock,
#   flock /tmp/cvisor-heavy.lock env BUILD=build bats tests/integration/netlink_docker.bats

bats_require_minimum_version 1.5.0

BUILD=${BUILD:-build}
CVISOR=$(realpath "$BUILD/cvisor")

load dockerd

setup_file() {
	command -v dockerd >/dev/null && command -v docker >/dev/null || return 0
	command -v nsenter >/dev/null || return 0
	[ -x /bin/busybox ] || return 0
	dockerd_start "$BATS_FILE_TMPDIR/dk"
	busybox_image cvisor-nl sh sleep ip
}

teardown_file() {
	dockerd_stop
}

setup() {
	[ -n "${DK:-}" ] && docker version >/dev/null 2>&1 || skip "no dockerd (docker.io), nsenter or busybox"
}

@test "docker --runtime=cvisor: ip addr, link, route in the container as natively in its namespace" {
	id=$(timeout 60 docker run -d --runtime=cvisor cvisor-nl /bin/sleep 1000)
	key=$(docker inspect -f '{{.NetworkSettings.SandboxKey}}' "$id")
	addr=$(docker inspect -f '{{.NetworkSettings.IPAddress}}/{{.NetworkSettings.IPPrefixLen}}' "$id")
	mac=$(docker inspect -f '{{.NetworkSettings.MacAddress}}' "$id")
	[ -n "$key" ] && [ "$addr" != / ]
	for cmd in "ip addr" "ip link" "ip route"; do
		run -0 --separate-stderr nsenter --net="$key" /bin/busybox $cmd
		want=$output
		run -0 --separate-stderr timeout 30 docker exec "$id" $cmd
		[ "$output" = "$want" ] || { echo "$cmd: want"; echo "$want"; echo "got"; echo "$output"; false; }
	done
	run -0 --separate-stderr timeout 30 docker exec "$id" ip addr show eth0
	[[ "$output" == *"inet $addr "* ]]
	[[ "$output" == *"link/ether $mac "* ]]
	run -0 timeout 30 docker rm -f "$id"
}
