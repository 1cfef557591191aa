#!/usr/bin/env bats
# memcached in `cvisor do --network=host` (issue 14: it replies with
# sendmsg), driven from inside the sandbox (memccp, memccat) and from the
# host (memccat, memccapable's ascii and binary protocol checks, memcslap).
# The sandbox and the test meet through files in a --rw directory.  Then
# Debian's memcached under docker, with runc and with cvisor (issue 15,
# docker.bash): /etc/memcached.conf's options (-m 64 -p 11211 -u memcache)
# but -l 0.0.0.0, so the published port reaches it; memccapable and
# memcslap from the host, memccat inside.

bats_require_minimum_version 1.5.0
load apps
load docker

setup() {
	need memcached memcached
	need memccapable libmemcached-tools
}

@test "memcached in the sandbox: a client inside, then memccat, memccapable, memcslap from the host" {
	local port d=$BATS_TEST_TMPDIR/hs pid
	port=$(free_port)
	mkdir -p "$d"
	echo "from host" >"$d/k2"
	T=300 sandbox --network=host --rw "$d" -- /bin/sh -c '
		p=$0 d=$1 s=127.0.0.1:$0
		memcached -u nobody -l 127.0.0.1 -p "$p" -t 2 & m=$!
		i=0; until memcping -s "$s" 2>/dev/null || [ $i -ge 150 ]; do sleep 0.2; i=$((i + 1)); done
		echo inside >/tmp/k1
		memccp -s "$s" /tmp/k1 && echo "inside get: $(memccat -s "$s" k1)" || { kill $m; exit 1; }
		touch "$d/ready"
		i=0; until [ -e "$d/done" ] || [ $i -ge 1200 ]; do sleep 0.2; i=$((i + 1)); done
		echo "inside get k2: $(memccat -s "$s" k2)"
		kill $m; wait $m; echo "memcached exit $?"' "$port" "$d" >"$d/out" 2>"$d/err" &
	pid=$!
	await "$d/ready" $pid || { kill $pid 2>/dev/null || true; cat "$d/out" "$d/err" >&2; false; }
	run -0 memccat -s "127.0.0.1:$port" k1
	[ "$output" = inside ] || { echo "host get k1: $output" >&2; false; }
	run memccapable -h 127.0.0.1 -p "$port" -t 10
	echo "$output" | grep -v '\[pass\]' >&2 || true
	[ "$status" = 0 ] && [[ "$output" == *"All tests passed"* ]]
	run -0 memcslap -s "127.0.0.1:$port" -c 4 -e 2000 -t set
	run -0 memcslap -s "127.0.0.1:$port" -c 4 -e 2000 -t get
	run -0 memccp -s "127.0.0.1:$port" "$d/k2"
	touch "$d/done"
	wait $pid || { echo "sandbox: status $?; $(cat "$d/out" "$d/err")" >&2; false; }
	run cat "$d/out"
	[ "${lines[0]}" = "inside get: inside" ] && [ "${lines[1]}" = "inside get k2: from host" ] &&
		[ "${lines[2]}" = "memcached exit 0" ] ||
		{ echo "sandbox said: $output; $(tail -n 5 "$d/err")" >&2; false; }
}

memcached_check() {
	local port
	port=$(free_port)
	dk_start "$1" -p "127.0.0.1:$port:11211" -- memcached -m 64 -p 11211 -u memcache -l 0.0.0.0
	dk_ready 300 memcping -s "127.0.0.1:$port"
	run memccapable -h 127.0.0.1 -p "$port" -t 10
	echo "$output" | grep -v '\[pass\]' >&2 || true
	[ "$status" = 0 ] && [[ "$output" == *"All tests passed"* ]]
	run -0 memcslap -s "127.0.0.1:$port" -c 4 -e 2000 -t set
	run -0 memcslap -s "127.0.0.1:$port" -c 4 -e 2000 -t get
	echo "from the host" >"$BATS_TEST_TMPDIR/k"
	run -0 memccp -s "127.0.0.1:$port" "$BATS_TEST_TMPDIR/k"
	run -0 dk_exec memccat -s 127.0.0.1:11211 k
	[ "$output" = "from the host" ]
}

@test "memcached under runc: Debian's options, memccapable and memcslap from the host" {
	memcached_check runc
}

@test "memcached under cvisor: Debian's options, memccapable and memcslap from the host" {
	memcached_check cvisor
}
