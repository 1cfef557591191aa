#!/usr/bin/env bash
# bench/apps.sh [--runs N] [--apps "LIST"] [BUILD_DIR]
#
# The servers of tests/apps under docker, runc against cvisor (issue 15):
# the same image (tests/apps/image.sh), the same commands as the tests,
# each loaded from the host through -p 127.0.0.1:PORT:..., so the load
# generator runs outside the sandbox and only the server is measured:
#   postgresql  pgbench -c 4 -T 20 over TCP after pgbench -i -s 5 (tps)
#   mariadb     mariadb-slap --concurrency=8 --iterations=5
#               --auto-generate-sql over TCP (seconds, lower is better)
#   nginx, apache, node (express), jetty
#               ab -n 20000 -c 20 of the root page (requests per second)
#   redis       redis-benchmark -t get,set -c 20 -n 50000 (requests per
#               second, GET and SET)
# RUNS rounds (default 3); in each round every application once per
# runtime, the two runtimes one after the other, which one first
# alternating between rounds.  The table has the median of the rounds and
# cvisor as a ratio to runc (for mariadb-slap's seconds, runc's time over
# cvisor's, so that below 1 is slower for every row).  The load average is
# printed at the start and at the end: a busy machine makes both columns
# noisy.  A private dockerd (tests/integration/dockerd.bash) runs for the
# whole benchmark, under the lock BENCH_LOCK (default
# /tmp/cvisor-heavy.lock; empty: none).  Results go to
# bench/results/apps-STAMP.md.
set -euo pipefail
cd "$(dirname "$0")/.."
runs=3 apps="postgresql mariadb nginx apache node jetty redis" build_dir=build
while [ $# -gt 0 ]; do
	case "$1" in
	--runs) runs=$2; shift 2 ;;
	--apps) apps=$2; shift 2 ;;
	-h | --help | -*) echo "usage: $0 [--runs N] [--apps \"LIST\"] [BUILD_DIR]" >&2; exit 2 ;;
	*) build_dir=$1; shift ;;
	esac
done
BENCH_LOCK=${BENCH_LOCK-/tmp/cvisor-heavy.lock}
if [ -n "$BENCH_LOCK" ] && [ -z "${APPS_BENCH_LOCKED:-}" ]; then
	APPS_BENCH_LOCKED=1 exec flock "$BENCH_LOCK" "$0" --runs "$runs" --apps "$apps" "$build_dir"
fi
for p in docker dockerd ab pgbench mariadb-slap mariadb redis-benchmark curl; do
	command -v $p >/dev/null || { echo "$0: $p is missing: WITH_APPS=1 scripts/deps.sh" >&2; exit 1; }
done
tar=$(tests/apps/image.sh)
CVISOR=$(realpath "$build_dir/cvisor")
. tests/integration/dockerd.bash
dk=$(mktemp -d)
CID=
trap '[ -z "$CID" ] || docker rm -f "$CID" >/dev/null 2>&1; dockerd_stop; rm -rf "$dk"' EXIT
dockerd_start "$dk"
docker import "$tar" cvisor-apps >/dev/null
PROG=$(pwd)/tests/apps/prog
PORT=$($(command -v python3) -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')

# start RT CPORT [RUN_ARGS...] -- CMD...: the container, its port published
# on $PORT
start() {
	local rt=$1 cport=$2 a=()
	shift 2
	while [ "$1" != -- ]; do a+=("$1"); shift; done
	shift
	CID=$(docker run -d --runtime="$rt" -v "$PROG:/opt/apps:ro" -p "127.0.0.1:$PORT:$cport" \
		"${a[@]}" cvisor-apps "$@")
}

stop() {
	docker rm -f "$CID" >/dev/null 2>&1
	CID=
}

# ready CMD...: until CMD succeeds (0.2 s steps, 10 minutes at most)
ready() {
	local i
	for ((i = 0; i < 3000; i++)); do
		"$@" >/dev/null 2>&1 && return 0
		sleep 0.2
	done
	echo "$0: gave up waiting for $*; $(docker logs "$CID" 2>&1 | tail -n 5)" >&2
	return 1
}

ab_rps() {
	ab -q -n 20000 -c 20 "http://127.0.0.1:$PORT/" | awk '/^Failed requests/ && $3 != 0 { bad = 1 }
		/^Requests per second/ { r = $4 } END { if (bad || r == "") exit 1; print r }'
}

# measure APP RT: one line "APP[/ROW] VALUE" per row
measure() {
	local app=$1 rt=$2
	case $app in
	postgresql)
		start "$rt" 5432 -u postgres -- /bin/sh -c '
			echo pw >/tmp/pw
			/usr/lib/postgresql/15/bin/initdb -D /var/lib/postgresql/data --auth-local=peer \
				--auth-host=scram-sha-256 --pwfile=/tmp/pw >/dev/null
			echo "host all all all scram-sha-256" >>/var/lib/postgresql/data/pg_hba.conf
			exec /usr/lib/postgresql/15/bin/postgres -D /var/lib/postgresql/data -c listen_addresses="*"'
		export PGPASSWORD=pw
		ready psql -h 127.0.0.1 -p "$PORT" -U postgres -c 'SELECT 1'
		pgbench -h 127.0.0.1 -p "$PORT" -U postgres -i -s 5 -q postgres >/dev/null 2>&1
		echo "postgresql $(pgbench -h 127.0.0.1 -p "$PORT" -U postgres -c 4 -T 20 postgres 2>/dev/null |
			awk '/^tps/ { print $3 }')"
		;;
	mariadb)
		start "$rt" 3306 -- /bin/sh -c '
			mkdir -p /run/mysqld && chown mysql:mysql /run/mysqld
			exec mariadbd --user=mysql --bind-address=0.0.0.0'
		ready docker exec "$CID" mariadb-admin ping
		docker exec "$CID" mariadb -e "CREATE USER slap@'%' IDENTIFIED BY 'pw';
			GRANT ALL ON *.* TO slap@'%'"
		echo "mariadb $(mariadb-slap -h 127.0.0.1 -P "$PORT" -u slap -ppw --concurrency=8 \
			--iterations=5 --auto-generate-sql | awk '/Average number of seconds/ { print $(NF - 1) }')"
		;;
	nginx | apache | node | jetty)
		case $app in
		nginx) start "$rt" 80 -- nginx -g 'daemon off;' ;;
		apache) start "$rt" 80 -- apache2ctl -D FOREGROUND ;;
		node) start "$rt" 3000 -u nobody -- node /opt/apps/server.js ;;
		jetty) start "$rt" 8080 -u jetty -w /usr/share/jetty9 -e JETTY_HOME=/usr/share/jetty9/ \
			-e JETTY_STATE=/var/lib/jetty9/jetty.state -e JAVA_OPTS=-Djava.awt.headless=true \
			-- /usr/share/jetty9/bin/jetty.sh run ;;
		esac
		ready curl -sf -m 2 -o /dev/null "http://127.0.0.1:$PORT/"
		ab -q -n 2000 -c 20 "http://127.0.0.1:$PORT/" >/dev/null  # warm up (the JIT, caches)
		echo "$app $(ab_rps)"
		;;
	redis)
		start "$rt" 6379 -u redis -- redis-server /etc/redis/redis.conf --daemonize no \
			--logfile "" --bind 0.0.0.0 --protected-mode no --save "" --appendonly no
		ready redis-cli -p "$PORT" ping
		redis-benchmark -p "$PORT" -t get,set -c 20 -n 50000 -q --csv |
			awk -F'"' '/^"(SET|GET)"/ { print "redis/" $2, $4 }'
		;;
	esac
	stop
}

stamp=$(date -u +%Y%m%dT%H%M%SZ)
out=bench/results/apps-$stamp.md
mkdir -p bench/results
raw=$(mktemp)
load0=$(cut -d' ' -f1-3 /proc/loadavg)
echo "apps.sh: $runs rounds of: $apps; load average $load0" >&2
for ((r = 1; r <= runs; r++)); do
	order="runc cvisor"
	[ $((r % 2)) = 0 ] && order="cvisor runc"
	for app in $apps; do
		for rt in $order; do
			measure "$app" "$rt" | while read -r row v; do
				echo "round $r: $row $rt $v" >&2
				echo "$row $rt $v" >>"$raw"
			done
		done
	done
done
load1=$(cut -d' ' -f1-3 /proc/loadavg)

median() { sort -g | awk '{ v[NR] = $1 } END { if (NR % 2) print v[(NR + 1) / 2]; else print (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
{
	echo "| application | measure | runc | cvisor | cvisor / runc |"
	echo "|---|---|--:|--:|--:|"
	awk '{ print $1 }' "$raw" | awk '!seen[$0]++' | while read -r row; do
		rc=$(awk -v r="$row" '$1 == r && $2 == "runc" && $3 != "" { print $3 }' "$raw" | median)
		cv=$(awk -v r="$row" '$1 == r && $2 == "cvisor" && $3 != "" { print $3 }' "$raw" | median)
		case $row in
		postgresql) m="pgbench -c 4 -T 20, tps" ;;
		mariadb) m="mariadb-slap, seconds" ;;
		redis/*) m="redis-benchmark ${row#redis/}, req/s"; row=redis ;;
		*) m="ab -c 20, req/s" ;;
		esac
		ratio=$(awk -v a="$rc" -v b="$cv" -v s="$m" 'BEGIN { if (a == "" || b == "" || a == 0 || b == 0) print "-";
			else if (s ~ /seconds/) printf "%.2f\n", a / b; else printf "%.2f\n", b / a }')
		echo "| $row | $m | $rc | $cv | $ratio |"
	done
	echo
	echo "$runs rounds, medians; load average $load0 at the start, $load1 at the end ($stamp)."
} | tee "$out"
rm -f "$raw"
