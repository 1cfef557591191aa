#!/usr/bin/env bats
# redis-server listening on a unix socket only (--port 0 --unixsocket), and
# redis-cli -s and redis-benchmark -s talking to it (issue 14): natively and
# in `cvisor do`, the same session must print the same.  Then Debian's
# redis-server under docker, with runc and with cvisor (issue 15,
# docker.bash): /etc/redis/redis.conf as user redis, in the foreground and
# on every address (so the published port reaches it), redis-cli and
# redis-benchmark from the host.

bats_require_minimum_version 1.5.0
load apps
load docker

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

redis_check() {
	local port
	port=$(free_port)
	dk_start "$1" -u redis -p "127.0.0.1:$port:6379" -- redis-server /etc/redis/redis.conf \
		--daemonize no --logfile "" --bind 0.0.0.0 --protected-mode no
	dk_ready 300 redis-cli -p "$port" ping
	run -0 redis-cli -p "$port" set k "from the host"
	run -0 dk_exec redis-cli get k
	[ "$output" = "from the host" ]
	run -0 timeout 300 redis-benchmark -p "$port" -n 20000 -c 20 -q -t set,get,lpush,lpop
	echo "$output" >&2
	[ "$(grep -c 'requests per second' <<<"$output")" = 4 ]
	run -0 redis-cli -p "$port" dbsize
	[ "$output" -ge 2 ]
}

@test "redis under runc: Debian's redis.conf as redis, redis-cli and redis-benchmark from the host" {
	redis_check runc
}

@test "redis under cvisor: Debian's redis.conf as redis, redis-cli and redis-benchmark from the host" {
	redis_check cvisor
}
