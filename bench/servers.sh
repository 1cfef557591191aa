#!/usr/bin/env bash
# bench/servers.sh [OPTIONS] [BUILD_DIR]
#
# Real servers under load, natively, in `cvisor do --network=host` (one or
# two builds), in runc (an OCI bundle whose read-only rootfs holds the
# servers and the libraries ldd names, sharing the host's network) and in
# gVisor's runsc (the same bundle, `runsc --network=host run`, ptrace
# platform).  The workloads (issue 16), the load generator on the host:
#   redis      redis-benchmark -t get,set -c 20 -n 100000 against redis-server
#   redis-p16  the same, pipelined: -P 16
#   nginx      Debian's nginx with Debian's /etc/nginx/nginx.conf, adapted
#              only to run in the foreground on 127.0.0.1:NGINX_PORT with a
#              scratch directory for its pid file, logs, temp files and the
#              docroot holding a 1 KiB file (below), loaded by
#              `wrk -t1 -c20 -d DURATION` (or, without wrk, `ab -k -n 50000
#              -c 50`) on that file
# RUNS rounds; each round runs every workload in every environment once,
# one after the other (native, cvisor, runc, runsc, native, ...), so that a
# change of load falls on all alike.  Each run starts a fresh server, waits
# until it answers (PONG, HTTP 200), benchmarks it once and stops it (redis:
# `SHUTDOWN NOSAVE`; nginx: SIGTERM to its launcher, which runc, runsc and
# cvisor pass on).  One table per workload: the median requests per second
# of the rounds, x native and x runc (the issue's target: x runc >= 0.5);
# the load average is printed at the start and at the end.
#
# nginx's changes to Debian's nginx.conf: `pid`, `error_log` and
# `access_log` point into the scratch directory; the include of
# sites-enabled is replaced by a server like Debian's default site
# (listen 127.0.0.1:NGINX_PORT, root SCRATCH/www, the same index and
# try_files) and the five temp paths point into the scratch directory (the
# rootfs of runc and runsc is read-only); `-g 'daemon off;'` on the command
# line.  `user www-data;` and `worker_processes auto;` stay: the master
# runs as root and its workers as www-data in every environment.  The
# scratch directory (under BUILD_DIR/bench) is `--rw` in cvisor and a bind
# mount at the same path in the OCI bundle (under TMPDIR, default /var/tmp),
# which also holds /etc/nginx, /etc/passwd and /etc/group and adds to
# `runc spec`'s capabilities the five of Docker's default set nginx's
# master uses (CAP_SETUID, CAP_SETGID: its workers become www-data).
#
# runc writes cgroups: its runs hold the lock BENCH_LOCK (default
# /tmp/cvisor-heavy.lock, the one `make test` shares here; empty: none),
# only while its server runs.
#
# Options:
#   --workload W[,W..]    redis, redis-p16, nginx or all (default all)
#   --cvisor PATH         the cvisor binary to test (default BUILD_DIR/cvisor)
#   --cvisor-before PATH  an older build, in the same run as its own column
#   --runs N              rounds (default 3)
#   --requests N          redis-benchmark -n (default 100000)
#   --duration S          wrk -d, seconds (default 10)
#   --http-requests N     ab -n, used only without wrk (default 50000)
#   --no-runc, --no-runsc leave that peer out
#   --pin                 the load generator on CPU 0, every server on CPU 1
#                         (taskset, for every environment alike)
# The results go to bench/results/servers-STAMP.md and .csv (STAMP: the UTC
# time, -pin when pinned; the CSV has one line per run and test).  PORT
# (16379) is Redis's port on 127.0.0.1, NGINX_PORT (18080) nginx's;
# RUN_TIMEOUT (300) bounds one benchmark, in seconds.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

servers_usage() {
	echo "usage: $0 [--workload redis|redis-p16|nginx|all[,...]] [--cvisor PATH]" \
		"[--cvisor-before PATH] [--runs N] [--requests N] [--duration S]" \
		"[--http-requests N] [--no-runc] [--no-runsc] [--pin] [BUILD_DIR]" >&2
	exit 2
}
build_dir="" cv="" cv_before="" runs=3 requests=100000 duration=10 http_requests=50000
use_runc=1 use_runsc=1 want=all pin_gen=() pin_srv=()
num='^[1-9][0-9]*$'
while [ $# -gt 0 ]; do
	case "$1" in
	--workload) [ $# -ge 2 ] || servers_usage; want=$2; shift 2 ;;
	--cvisor) [ $# -ge 2 ] || servers_usage; cv=$2; shift 2 ;;
	--cvisor-before) [ $# -ge 2 ] || servers_usage; cv_before=$2; shift 2 ;;
	--runs) [[ "${2:-}" =~ $num ]] || servers_usage; runs=$2; shift 2 ;;
	--requests) [[ "${2:-}" =~ $num ]] || servers_usage; requests=$2; shift 2 ;;
	--duration) [[ "${2:-}" =~ $num ]] || servers_usage; duration=$2; shift 2 ;;
	--http-requests) [[ "${2:-}" =~ $num ]] || servers_usage; http_requests=$2; shift 2 ;;
	--no-runc) use_runc=""; shift ;;
	--no-runsc) use_runsc=""; shift ;;
	--pin) pin_gen=(taskset -c 0) pin_srv=(taskset -c 1); shift ;;
	-h|--help|-*) servers_usage ;;
	*) [ -z "$build_dir" ] || servers_usage; build_dir=$1; shift ;;
	esac
done
workloads=()
for w in ${want//,/ }; do
	case $w in
	all) workloads+=(redis redis-p16 nginx) ;;
	redis|redis-p16|nginx) workloads+=("$w") ;;
	*) echo "$0: unknown workload $w" >&2; servers_usage ;;
	esac
done
[ ${#workloads[@]} -gt 0 ] || servers_usage
build_dir=${build_dir:-build}
cv=${cv:-$build_dir/cvisor}
PORT=${PORT:-16379}
NGINX_PORT=${NGINX_PORT:-18080}
RUN_TIMEOUT=${RUN_TIMEOUT:-300}
BENCH_LOCK=${BENCH_LOCK-/tmp/cvisor-heavy.lock}
want_redis="" want_nginx=""
[[ " ${workloads[*]} " != *" redis"* ]] || want_redis=1
[[ " ${workloads[*]} " != *" nginx "* ]] || want_nginx=1

need() { command -v "$1" >/dev/null || { echo "$0: $1 not found (apt-get install $2)" >&2; exit 1; }; }
if [ -n "$want_redis" ]; then
	need redis-server redis-server; need redis-benchmark redis-tools; need redis-cli redis-tools
	if redis-cli -p "$PORT" ping >/dev/null 2>&1; then
		echo "$0: something already answers on port $PORT (set PORT)" >&2
		exit 1
	fi
fi
http_gen=""
if [ -n "$want_nginx" ]; then
	need nginx nginx; need curl curl
	if command -v wrk >/dev/null; then http_gen=wrk; else need ab apache2-utils; http_gen=ab; fi
	if curl -s -o /dev/null -m 2 "http://127.0.0.1:$NGINX_PORT/"; then
		echo "$0: something already answers on port $NGINX_PORT (set NGINX_PORT)" >&2
		exit 1
	fi
fi
server_cmd() { # server_cmd WORKLOAD -> sargs[]: the server's command line
	case $1 in
	redis*) sargs=("$(command -v redis-server)" --port "$PORT" --bind 127.0.0.1 --save ""
		--appendonly no --protected-mode no --daemonize no --logfile "") ;;
	nginx) sargs=("$(command -v nginx)" -c "$scratch/nginx.conf" -g "daemon off;") ;;
	esac
}

# nginx_conf DIR: Debian's nginx.conf with the changes the header lists.
nginx_conf() {
	local d=$1 site t
	site="server {\n\t\tlisten 127.0.0.1:$NGINX_PORT default_server;\n\t\troot $d/www;"
	site+="\n\t\tindex index.html index.htm index.nginx-debian.html;\n\t\tserver_name _;"
	site+="\n\t\tlocation / {\n\t\t\ttry_files \$uri \$uri/ =404;\n\t\t}\n\t}"
	for t in client_body proxy fastcgi uwsgi scgi; do
		site+="\n\t${t}_temp_path $d/tmp/$t;"
	done
	sed -e "s|^pid .*;|pid $d/nginx.pid;|" \
		-e "s|^error_log .*;|error_log $d/error.log;|" \
		-e "s|access_log /var/log/nginx/access.log;|access_log $d/access.log;|" \
		-e "s|include /etc/nginx/sites-enabled/\*;|$site|" /etc/nginx/nginx.conf
}

errf=$(mktemp) bundle="" scratch="" srv_pid="" oci_id="" oci_env="" lockfd=""
cleanup() {
	[ -z "$srv_pid" ] || stop_server
	[ -z "$bundle" ] || rm -rf "$bundle"
	[ -z "$scratch" ] || rm -rf "$scratch"
	rm -f "$errf"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

mkdir -p "$build_dir/bench"
if [ -n "$want_nginx" ]; then
	# nginx's scratch directory: its config, pid file, logs, temp files and
	# docroot.  Readable by its workers (www-data): mktemp makes it 0700.
	scratch=$(mktemp -d "$(realpath "$build_dir")/bench/srvnginx.XXXXXX")
	chmod 755 "$scratch"
	mkdir -p "$scratch/www" "$scratch/tmp"
	head -c 1024 /dev/zero | tr '\0' x >"$scratch/www/1k.html"
	nginx_conf "$scratch" >"$scratch/nginx.conf"
	for w in "pid $scratch/" "error_log $scratch/" "access_log $scratch/" "root $scratch/www;"; do
		grep -qF "$w" "$scratch/nginx.conf" ||
			{ echo "$0: /etc/nginx/nginx.conf: could not set '$w...'" >&2; exit 1; }
	done
fi
cvisor_columns "$cv_before" "$cv" --network=host ${scratch:+--rw "$scratch"} # runc and runsc: below

# runc and runsc: a bundle whose rootfs holds the servers and what ldd names
# at the same paths, read-only, the host's network (no network namespace);
# nginx also needs its /etc/nginx, the users of /etc/passwd and /etc/group,
# and its scratch directory, bind-mounted read-write at the same path.
# runsc runs it (`runsc run`) rather than `runsc do`: do puts the sandbox
# behind a veth of its own even with --network=host.  Each workload has its
# config.json (config-WORKLOAD.json, copied before each run).
peers=()
[ -z "$use_runc" ] || { have_runc && peers+=(runc) || echo "note: runc left out" >&2; }
[ -z "$use_runsc" ] || { have_runsc && command -v jq >/dev/null && peers+=(runsc) ||
	echo "note: runsc left out" >&2; }
bundle_copy() { # bundle_copy FILE... : FILEs and the libraries they need, into the rootfs
	local f
	for f in "$@" $(ldd "$@" | grep -o '/[^ ]*' | sort -u); do
		mkdir -p "$bundle/rootfs$(dirname "$f")"
		cp -L "$f" "$bundle/rootfs$f"
	done
}
if [ ${#peers[@]} -gt 0 ]; then
	# Not under BUILD_DIR: the Makefile includes every *.d there, and
	# /etc/nginx has conf.d.
	bundle=$(mktemp -d "${TMPDIR:-/var/tmp}/cvisor-srvbundle.XXXXXX")
	mkdir -p "$bundle/rootfs/tmp"
	(cd "$bundle" && if command -v runc >/dev/null; then runc spec; else runsc spec; fi)
	for w in "${workloads[@]}"; do
		server_cmd "$w"
		bundle_copy "${sargs[0]}"
		mnt='[]' caps='[]'
		if [ "$w" = nginx ]; then
			mkdir -p "$bundle/rootfs/etc" "$bundle/rootfs$scratch"
			cp -a /etc/nginx "$bundle/rootfs/etc/"
			cp /etc/passwd /etc/group "$bundle/rootfs/etc/"
			mnt=$(jq -cn --arg d "$scratch" \
				'[{destination: $d, type: "bind", source: $d, options: ["rbind", "rw"]}]')
			# Docker's defaults that nginx's master uses: its workers
			# become www-data, its temp directories are chowned to it.
			caps='["CAP_SETUID", "CAP_SETGID", "CAP_CHOWN", "CAP_DAC_OVERRIDE", "CAP_FOWNER"]'
		fi
		# jq would take the arguments' "--port" for its own option: a JSON array.
		args=$(printf '%s\n' "${sargs[@]}" | jq -R . | jq -cs .)
		jq --argjson a "$args" --argjson m "$mnt" --argjson c "$caps" '.process.args = $a |
			.process.terminal = false | .root.readonly = true | .hostname = "srvbench" |
			.mounts += $m | .linux.namespaces |= map(select(.type != "network")) |
			.process.capabilities |= map_values(. + $c)' \
			<"$bundle/config.json" >"$bundle/config-$w.json"
	done
	mkdir -p "$runc_root" "$runsc_root"
	envs+=("${peers[@]}")
fi
declare -A oci=( # the OCI runtimes' commands, before "run --bundle B ID"
	[runc]="runc --root $runc_root"
	[runsc]="runsc --root $runsc_root --platform=ptrace --network=host"
)

answers() { # answers WORKLOAD: the server on the workload's port answers
	case $1 in
	redis*) [ "$(timeout 5 redis-cli -p "$PORT" ping 2>/dev/null)" = PONG ] ;;
	nginx) curl -sf -o /dev/null -m 5 "http://127.0.0.1:$NGINX_PORT/1k.html" ;;
	esac
}

start_server() { # start_server ENV WORKLOAD ROUND: in the background, until it answers
	local env=$1 wl=$2 end
	if answers "$wl"; then # the last run's server is still there
		echo "the port still answers from the last run" >"$errf"
		return 1
	fi
	server_cmd "$wl"
	if [ -n "${oci[$env]:-}" ]; then
		if [ "$env" = runc ] && [ -n "$BENCH_LOCK" ]; then
			exec {lockfd}>"$BENCH_LOCK"
			flock "$lockfd"
		fi
		cp "$bundle/config-$wl.json" "$bundle/config.json"
		oci_env=$env oci_id="srvbench-$$-$wl-$3"
		# shellcheck disable=SC2086 # oci[] is a command line
		"${pin_srv[@]}" ${oci[$env]} run --bundle "$bundle" "$oci_id" </dev/null >"$errf" 2>&1 &
	else
		# shellcheck disable=SC2086 # cmd[] is a command line
		"${pin_srv[@]}" ${cmd[$env]} "${sargs[@]}" </dev/null >"$errf" 2>&1 &
	fi
	srv_pid=$! srv_wl=$wl
	end=$((SECONDS + 30)) # up to 30 s: runsc starts slowly
	while [ "$SECONDS" -lt "$end" ]; do
		! answers "$wl" || return 0
		kill -0 "$srv_pid" 2>/dev/null || break
		sleep 0.1
	done
	return 1
}

stop_server() { # SHUTDOWN or SIGTERM, then wait for the launcher (killed after 20 s)
	local i
	case $srv_wl in
	redis*) redis-cli -p "$PORT" shutdown nosave >/dev/null 2>&1 || true ;;
	nginx) kill -TERM "$srv_pid" 2>/dev/null || true ;;
	esac
	for ((i = 0; i < 200; i++)); do
		kill -0 "$srv_pid" 2>/dev/null || break
		sleep 0.1
	done
	kill -0 "$srv_pid" 2>/dev/null && kill -KILL "$srv_pid" 2>/dev/null
	wait "$srv_pid" 2>/dev/null || true
	srv_pid=""
	if [ -n "$oci_id" ]; then
		# shellcheck disable=SC2086 # oci[] is a command line
		${oci[$oci_env]} delete -f "$oci_id" >/dev/null 2>&1 || true
		oci_id=""
	fi
	if [ -n "$lockfd" ]; then
		exec {lockfd}>&-
		lockfd=""
	fi
}

# load WORKLOAD: one benchmark on the host -> res[TEST]=req/s and errs
# (wrk's socket errors, if any), or fails with why in $why.
load() {
	local out rc=0 t pipe=()
	res=() why="" errs=""
	[ "$1" != redis-p16 ] || pipe=(-P 16)
	case $1 in
	redis*)
		out=$(timeout "$RUN_TIMEOUT" "${pin_gen[@]}" redis-benchmark -p "$PORT" -t get,set -c 20 \
			-n "$requests" "${pipe[@]}" --csv 2>&1) || rc=$?
		res[set]=$(awk -F'"' '$2 == "SET" { print $4 }' <<<"$out")
		res[get]=$(awk -F'"' '$2 == "GET" { print $4 }' <<<"$out") ;;
	nginx)
		if [ "$http_gen" = wrk ]; then
			out=$(timeout "$RUN_TIMEOUT" "${pin_gen[@]}" wrk -t1 -c20 -d"${duration}s" \
				"http://127.0.0.1:$NGINX_PORT/1k.html" 2>&1) || rc=$?
			res[http]=$(awk '$1 == "Requests/sec:" { print $2 }' <<<"$out")
			errs=$(grep '^  Socket errors' <<<"$out" | sed 's/^ *//') || true
			! grep -q '^  Non-2xx' <<<"$out" || { why="$(grep '^  Non-2xx' <<<"$out")"; return 1; }
		else
			out=$(timeout "$RUN_TIMEOUT" "${pin_gen[@]}" ab -k -q -n "$http_requests" -c 50 \
				"http://127.0.0.1:$NGINX_PORT/1k.html" 2>&1) || rc=$?
			res[http]=$(awk '/^Requests per second:/ { print $4 }' <<<"$out")
			! grep -Eq '^(Failed requests: +[1-9]|Non-2xx)' <<<"$out" ||
				{ why="$(grep -E '^(Failed requests|Non-2xx)' <<<"$out" | tr -s ' \n' ' ')"; return 1; }
		fi ;;
	esac
	for t in ${tests[$1]}; do [ -n "${res[$t]:-}" ] || rc=${rc/#0/no_result}; done
	[ "$rc" = 0 ] && return 0
	[ "$rc" = no_result ] && rc=0
	why="$(run_why "$rc")$(tail -n1 <<<"$out" | cut -c1-160)"
	return 1
}
declare -A res
declare -A tests=([redis]="set get" [redis-p16]="set get" [nginx]="http")

load_start=$(loadavg)
started=$(date -u '+%Y-%m-%d %H:%M UTC')
stamp=$(date -u +%Y%m%d-%H%M%S)${pin_gen[*]:+-pin}
resdir=$bench_srcdir/results
mkdir -p "$resdir"
out_md=$resdir/servers-$stamp.md out_csv=$resdir/servers-$stamp.csv
echo "load average at start: $load_start" >&2
echo "round,workload,env,test,req_per_s" >"$out_csv"

# ENV,WORKLOAD,TEST -> the rounds' req/s; ENV,WORKLOAD -> the first failure
declare -A vals fail
notes=() # runs that counted, with wrk's socket errors
for ((r = 1; r <= runs; r++)); do
	for wl in "${workloads[@]}"; do
		for env in "${envs[@]}"; do
			[ -z "${fail[$env,$wl]:-}" ] || continue
			echo "round $r of $runs: $wl in $env" >&2
			if ! start_server "$env" "$wl" "$r"; then
				fail[$env,$wl]="server did not answer: $(tail -n1 "$errf" | cut -c1-160)"
			elif ! load "$wl"; then
				fail[$env,$wl]="benchmark failed: $why"
			else
				for t in ${tests[$wl]}; do
					vals[$env,$wl,$t]+=" ${res[$t]}"
					echo "$r,$wl,$env,$t,${res[$t]}" >>"$out_csv"
					echo "  ${t^^} ${res[$t]} req/s" >&2
				done
				[ -z "$errs" ] || { notes+=("- $wl in $env, round $r: $errs"); echo "  $errs" >&2; }
			fi
			stop_server
			[ -z "${fail[$env,$wl]:-}" ] || echo "warning: $wl in $env failed: ${fail[$env,$wl]}" >&2
		done
	done
done
load_end=$(loadavg)
echo "load average at end: $load_end" >&2

declare -A med # ENV,WORKLOAD,TEST -> the median, or n/a
for wl in "${workloads[@]}"; do
	for env in "${envs[@]}"; do
		for t in ${tests[$wl]}; do
			if [ -n "${fail[$env,$wl]:-}" ] || [ -z "${vals[$env,$wl,$t]:-}" ]; then
				med[$env,$wl,$t]=n/a
			else
				# shellcheck disable=SC2086 # the values are numbers
				med[$env,$wl,$t]=$(median ${vals[$env,$wl,$t]} | awk '{ printf "%.0f", $1 }')
			fi
		done
	done
done

declare -A title=(
	[redis]="Redis: \`redis-benchmark -t get,set -c 20 -n $requests\`"
	[redis-p16]="Redis pipelined: \`redis-benchmark -t get,set -c 20 -n $requests -P 16\`"
)
if [ "$http_gen" = wrk ]; then
	title[nginx]="nginx, 1 KiB file: \`wrk -t1 -c20 -d${duration}s\`"
else
	title[nginx]="nginx, 1 KiB file: \`ab -k -n $http_requests -c 50\`"
fi
workload_table() { # workload_table WORKLOAD: its Markdown table
	local wl=$1 env t h="| environment |" sep="|---|" row
	for t in ${tests[$wl]}; do h+=" ${t^^} req/s |"; sep+="--:|"; done
	for t in ${tests[$wl]}; do h+=" ${t^^} x native |"; sep+="--:|"; done
	for t in ${tests[$wl]}; do h+=" ${t^^} x runc |"; sep+="--:|"; done
	echo "$h"
	echo "$sep"
	for env in "${envs[@]}"; do
		row="| $env |"
		for t in ${tests[$wl]}; do row+=" ${med[$env,$wl,$t]/#n\/a/fail} |"; done
		for t in ${tests[$wl]}; do row+=" $(ratio "${med[$env,$wl,$t]}" "${med[native,$wl,$t]}") |"; done
		for t in ${tests[$wl]}; do row+=" $(ratio "${med[$env,$wl,$t]}" "${med[runc,$wl,$t]:-n/a}") |"; done
		echo "$row"
	done
}

cmdline="bench/servers.sh --workload ${want} --runs $runs --requests $requests"
[ "$http_gen" != wrk ] || cmdline+=" --duration $duration"
[ "$http_gen" != ab ] || cmdline+=" --http-requests $http_requests"
cmdline+="${cv_before:+ --cvisor-before $cv_before} --cvisor $cv"
[ -n "$use_runc" ] || cmdline+=" --no-runc"
[ -n "$use_runsc" ] || cmdline+=" --no-runsc"
[ ${#pin_gen[@]} -eq 0 ] || cmdline+=" --pin"
{
	echo "\`$cmdline\`, $started, $(nproc) CPUs, kernel $(uname -r)."
	[ -z "$want_redis" ] || echo "$(first_line redis-server --version | cut -d' ' -f1-3)."
	[ -z "$want_nginx" ] || echo "$(nginx -v 2>&1 | sed 's/^nginx version: //'), Debian's nginx.conf (changes: bench/servers.sh's header), $(first_line "$http_gen" --version | sed 's/ Copyright.*//; s/, Version/ version/')."
	echo "The load generator on the host against a fresh server each run${pin_gen[*]:+ (the load generator on CPU 0, every server on CPU 1)}."
	echo "Load average (1, 5, 15 min) at start: $load_start; at end: $load_end."
	echo "Median requests/s over $runs rounds; ratios of the medians to native and to runc (higher is better)."
	echo "cvisor = \`$(realpath "$cv")\`${cv_before:+, cvisor-before = \`$(realpath "$cv_before")\`}, \`do --network=host\`."
	[[ " ${envs[*]} " != *" runc "* ]] || echo "runc: $(first_line runc --version), host network."
	[[ " ${envs[*]} " != *" runsc "* ]] ||
		echo "runsc: $(first_line runsc --version), \`runsc --platform=ptrace --network=host run\`."
	for wl in "${workloads[@]}"; do
		echo
		echo "${title[$wl]}:"
		echo
		workload_table "$wl"
	done
	[ ${#notes[@]} -eq 0 ] || { echo; echo "Socket errors wrk reported (those runs count):"; echo; printf '%s\n' "${notes[@]}"; }
	failures_md "${workloads[@]}"
} >"$out_md"
cat "$out_md"
echo "wrote $out_md, $out_csv" >&2
