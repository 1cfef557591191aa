#!/usr/bin/env bash
# bench/servers.sh [OPTIONS] [BUILD_DIR]
#
# A real server under load: redis-benchmark (on the host, `-t get,set -c 20
# -n 50000`) against redis-server natively, in `cvisor do --network=host`
# (one or two builds), in runc (an OCI bundle whose read-only rootfs holds
# redis-server and the libraries ldd names, sharing the host's network) and
# in gVisor's runsc (the same bundle, `runsc --network=host run`, ptrace
# platform), in one run: RUNS
# rounds, and in each round every environment once, one after the other
# (native, cvisor, runc, runsc, native, ...).  Each run starts a fresh
# server, waits for its PONG, benchmarks it once and stops it with
# `SHUTDOWN NOSAVE`.  The table shows the median requests per second of the
# rounds for SET and GET and the ratios to native; the load average is
# printed at the start and at the end.
#
# runc writes cgroups: its runs hold the lock BENCH_LOCK (default
# /tmp/cvisor-heavy.lock, the one `make test` shares here; empty: none),
# only while its server runs.
#
# Options:
#   --cvisor PATH         the cvisor binary to test (default BUILD_DIR/cvisor)
#   --cvisor-before PATH  an older build, in the same run as its own column
#   --runs N              rounds (default 3)
#   --requests N          redis-benchmark -n (default 50000)
#   --no-runc, --no-runsc leave that peer out
#   --pin                 redis-benchmark on CPU 0, every server on CPU 1
#                         (taskset, for every environment alike)
# The results go to bench/results/servers-STAMP.md and .csv (STAMP: the UTC
# time).  PORT (16379) is the server's port on 127.0.0.1; RUN_TIMEOUT (300)
# bounds one benchmark, in seconds.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

servers_usage() {
	echo "usage: $0 [--cvisor PATH] [--cvisor-before PATH] [--runs N] [--requests N]" \
		"[--no-runc] [--no-runsc] [--pin] [BUILD_DIR]" >&2
	exit 2
}
build_dir="" cv="" cv_before="" runs=3 requests=50000 use_runc=1 use_runsc=1
pin_gen=() pin_srv=()
while [ $# -gt 0 ]; do
	case "$1" in
	--cvisor) [ $# -ge 2 ] || servers_usage; cv=$2; shift 2 ;;
	--cvisor-before) [ $# -ge 2 ] || servers_usage; cv_before=$2; shift 2 ;;
	--runs) [[ "${2:-}" =~ ^[1-9][0-9]*$ ]] || servers_usage; runs=$2; shift 2 ;;
	--requests) [[ "${2:-}" =~ ^[1-9][0-9]*$ ]] || servers_usage; requests=$2; shift 2 ;;
	--no-runc) use_runc=""; shift ;;
	--no-runsc) use_runsc=""; shift ;;
	--pin) pin_gen=(taskset -c 0) pin_srv=(taskset -c 1); shift ;;
	-h|--help|-*) servers_usage ;;
	*) [ -z "$build_dir" ] || servers_usage; build_dir=$1; shift ;;
	esac
done
build_dir=${build_dir:-build}
cv=${cv:-$build_dir/cvisor}
PORT=${PORT:-16379}
RUN_TIMEOUT=${RUN_TIMEOUT:-300}
BENCH_LOCK=${BENCH_LOCK-/tmp/cvisor-heavy.lock}

for p in redis-server redis-benchmark redis-cli; do
	command -v "$p" >/dev/null || { echo "$0: $p not found (apt-get install redis-server redis-tools)" >&2; exit 1; }
done
server=$(command -v redis-server)
server_args=(--port "$PORT" --bind 127.0.0.1 --save "" --appendonly no --protected-mode no
	--daemonize no --logfile "")
if redis-cli -p "$PORT" ping >/dev/null 2>&1; then
	echo "$0: something already answers on port $PORT (set PORT)" >&2
	exit 1
fi

cvisor_columns "$cv_before" "$cv" --network=host # runc and runsc: below

errf=$(mktemp) bundle="" srv_pid="" oci_id="" oci_env="" lockfd=""
cleanup() {
	[ -z "$srv_pid" ] || stop_server
	[ -z "$bundle" ] || rm -rf "$bundle"
	rm -f "$errf"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# runc and runsc: a bundle whose rootfs holds redis-server and what ldd
# names at the same paths, read-only, the host's network (no network
# namespace).  runsc runs it (`runsc run`) rather than `runsc do`: do puts
# the sandbox behind a veth of its own even with --network=host.
peers=()
[ -z "$use_runc" ] || { have_runc && peers+=(runc) || echo "note: runc left out" >&2; }
[ -z "$use_runsc" ] || { have_runsc && command -v jq >/dev/null && peers+=(runsc) ||
	echo "note: runsc left out" >&2; }
if [ ${#peers[@]} -gt 0 ]; then
	mkdir -p "$build_dir/bench"
	bundle=$(mktemp -d "$(realpath "$build_dir")/bench/srvbundle.XXXXXX")
	mkdir -p "$bundle/rootfs/tmp"
	for f in "$server" $(ldd "$server" | grep -o '/[^ ]*'); do
		mkdir -p "$bundle/rootfs$(dirname "$f")"
		cp -L "$f" "$bundle/rootfs$f"
	done
	(cd "$bundle" && if command -v runc >/dev/null; then runc spec; else runsc spec; fi)
	# jq would take the arguments' "--port" for its own option: a JSON array.
	args=$(printf '%s\n' "$server" "${server_args[@]}" | jq -R . | jq -cs .)
	jq --argjson a "$args" '.process.args = $a | .process.terminal = false |
		.root.readonly = true | .hostname = "srvbench" |
		.linux.namespaces |= map(select(.type != "network"))' \
		<"$bundle/config.json" >"$bundle/config.json.new"
	mv -f "$bundle/config.json.new" "$bundle/config.json"
	mkdir -p "$runc_root" "$runsc_root"
	envs+=("${peers[@]}")
fi
declare -A oci=( # the OCI runtimes' commands, before "run --bundle B ID"
	[runc]="runc --root $runc_root"
	[runsc]="runsc --root $runsc_root --platform=ptrace --network=host"
)

start_server() { # start_server ENV ROUND: in the background, until it answers
	local env=$1 i
	if [ -n "${oci[$env]:-}" ]; then
		if [ "$env" = runc ] && [ -n "$BENCH_LOCK" ]; then
			exec {lockfd}>"$BENCH_LOCK"
			flock "$lockfd"
		fi
		oci_env=$env oci_id="srvbench-$$-$2"
		# shellcheck disable=SC2086 # oci[] is a command line
		"${pin_srv[@]}" ${oci[$env]} run --bundle "$bundle" "$oci_id" </dev/null >"$errf" 2>&1 &
	else
		# shellcheck disable=SC2086 # cmd[] is a command line
		"${pin_srv[@]}" ${cmd[$env]} "$server" "${server_args[@]}" </dev/null >"$errf" 2>&1 &
	fi
	srv_pid=$!
	for ((i = 0; i < 300; i++)); do # up to 30 s: runsc starts slowly
		[ "$(timeout 5 redis-cli -p "$PORT" ping 2>/dev/null)" != PONG ] || return 0
		kill -0 "$srv_pid" 2>/dev/null || break
		sleep 0.1
	done
	return 1
}

stop_server() { # SHUTDOWN, then wait for the launcher (killed after 20 s)
	local i
	redis-cli -p "$PORT" shutdown nosave >/dev/null 2>&1 || true
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

load_start=$(loadavg)
started=$(date -u '+%Y-%m-%d %H:%M UTC')
stamp=$(date -u +%Y%m%d-%H%M%S)
resdir=$bench_srcdir/results
mkdir -p "$resdir"
out_md=$resdir/servers-$stamp.md out_csv=$resdir/servers-$stamp.csv
echo "load average at start: $load_start" >&2
echo "round,env,set_rps,get_rps" >"$out_csv"

declare -A vals fail # ENV,TEST -> the rounds' req/s; ENV -> the first failure
for ((r = 1; r <= runs; r++)); do
	for env in "${envs[@]}"; do
		[ -z "${fail[$env]:-}" ] || continue
		echo "round $r of $runs: $env" >&2
		if ! start_server "$env" "$r"; then
			fail[$env]="server did not answer: $(tail -n1 "$errf" | cut -c1-160)"
		elif ! out=$(timeout "$RUN_TIMEOUT" "${pin_gen[@]}" redis-benchmark -p "$PORT" -t get,set -c 20 \
			-n "$requests" --csv 2>&1); then
			fail[$env]="redis-benchmark failed: $(tail -n1 <<<"$out" | cut -c1-160)"
		else
			set_rps=$(awk -F'"' '$2 == "SET" { print $4 }' <<<"$out")
			get_rps=$(awk -F'"' '$2 == "GET" { print $4 }' <<<"$out")
			if [ -z "$set_rps" ] || [ -z "$get_rps" ]; then
				fail[$env]="no SET/GET line in: $(head -c 160 <<<"$out")"
			else
				vals[$env,set]+=" $set_rps" vals[$env,get]+=" $get_rps"
				echo "$r,$env,$set_rps,$get_rps" >>"$out_csv"
				echo "  SET $set_rps GET $get_rps req/s" >&2
			fi
		fi
		stop_server
		[ -z "${fail[$env]:-}" ] || echo "warning: $env failed: ${fail[$env]}" >&2
	done
done
load_end=$(loadavg)
echo "load average at end: $load_end" >&2

declare -A med
for env in "${envs[@]}"; do
	for t in set get; do
		if [ -n "${fail[$env]:-}" ] || [ -z "${vals[$env,$t]:-}" ]; then
			med[$env,$t]=n/a
		else
			# shellcheck disable=SC2086 # the values are numbers
			med[$env,$t]=$(median ${vals[$env,$t]} | awk '{ printf "%.0f", $1 }')
		fi
	done
done

cmdline="bench/servers.sh --runs $runs --requests $requests${cv_before:+ --cvisor-before $cv_before} --cvisor $cv"
[ -n "$use_runc" ] || cmdline+=" --no-runc"
[ -n "$use_runsc" ] || cmdline+=" --no-runsc"
[ ${#pin_gen[@]} -eq 0 ] || cmdline+=" --pin"
{
	echo "\`$cmdline\`, $started, $(nproc) CPUs, kernel $(uname -r), $(first_line redis-server --version | cut -d' ' -f1-3),"
	echo "\`redis-benchmark -t get,set -c 20 -n $requests\` on the host against a fresh server each run${pin_gen[*]:+ (the benchmark on CPU 0, every server on CPU 1)}."
	echo "Load average (1, 5, 15 min) at start: $load_start; at end: $load_end."
	echo "Median requests/s over $runs rounds; ratios of the medians to native (higher is better)."
	echo "cvisor = \`$(realpath "$cv")\`${cv_before:+, cvisor-before = \`$(realpath "$cv_before")\`}."
	[[ " ${envs[*]} " != *" runc "* ]] || echo "runc: $(first_line runc --version), host network."
	[[ " ${envs[*]} " != *" runsc "* ]] ||
		echo "runsc: $(first_line runsc --version), \`runsc --platform=ptrace --network=host run\`."
	echo
	echo "| environment | SET req/s | GET req/s | SET x native | GET x native |"
	echo "|---|--:|--:|--:|--:|"
	for env in "${envs[@]}"; do
		if [ -n "${fail[$env]:-}" ]; then
			echo "| $env | fail | fail | n/a | n/a |"
		else
			echo "| $env | ${med[$env,set]} | ${med[$env,get]} |" \
				"$(ratio "${med[$env,set]}" "${med[native,set]}") |" \
				"$(ratio "${med[$env,get]}" "${med[native,get]}") |"
		fi
	done
	first=1
	for env in "${envs[@]}"; do
		[ -n "${fail[$env]:-}" ] || continue
		[ -z "$first" ] || { echo; echo "Failures (first error of each; not retried):"; echo; first=""; }
		echo "- $env: ${fail[$env]}"
	done
} >"$out_md"
cat "$out_md"
echo "wrote $out_md, $out_csv" >&2
