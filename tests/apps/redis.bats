#!/usr/bin/env bats
# redis-server listening on a unix socket only (--port 0 --unixsocket), and
# redis-cli -s and redis-benchmark -s talking to it (issue 14): natively and
# in `cvisor do`, the same session must print the same.

bats_require_minimum_version 1.5.0
load apps

setup() {
	need redis-server redis-server
	need redis-cli redis-tools
}

# session DIR: start the server on DIR/r.sock, talk to it, shut it down.
session='
d=$1
redis-server --port 0 --unixsocket "$d/r.sock" --unixsocketperm 700 --daemonize yes \
	--save "" --appendonly no --dir "$d" --logfile "$d/r.log" --pidfile "$d/r.pid" || exit 1
i=0; while [ ! -S "$d/r.sock" ] && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
c="redis-cli -s $d/r.sock"
$c ping; $c set k v; $c get k; $c incr n; $c incr n; $c rpush l a b c; $c lrange l 0 -1
redis-benchmark -s "$d/r.sock" -n 2000 -c 4 -q -t set,get >"$d/bench" 2>&1
echo "benchmark $? $(grep -c "requests per second" "$d/bench")"
$c shutdown nosave 2>&1
i=0; while [ -e "$d/r.pid" ] && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
[ -e "$d/r.pid" ] && { echo "still running"; tail -n 5 "$d/r.log"; }
exit 0'

@test "redis-server --unixsocket with redis-cli -s and redis-benchmark -s: as natively" {
	local want
	want=$(timeout 60 sh -c "$session" sh "$BATS_TEST_TMPDIR") || { echo "natively: $want" >&2; false; }
	run --separate-stderr sandbox -- /bin/sh -c "$session" sh /tmp
	[ "$status" = 0 ] && [ "$output" = "$want" ] || differs "$want"
}
