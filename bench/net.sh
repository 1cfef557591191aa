#!/usr/bin/env bash
# bench/net.sh [OPTIONS] [BUILD_DIR]
#
# Sockets between two processes (issue 14): BUILD_DIR/bench/net (bench/net.c)
# times 1-byte round trips over a path-bound AF_UNIX stream, a socketpair and
# loopback TCP, and the throughput of 64 KiB chunks over an AF_UNIX stream.
# It runs natively, in `cvisor do` (one or two builds; the TCP row with
# --network=host: the sentry's host sockets) and in gVisor's `runsc do`
# (ptrace platform, --network=none: its netstack's loopback; its
# --network=host fails the TCP row here with EAGAIN on a blocking read), in
# one run: RUNS rounds, and in each round every mode once in every
# environment, one after the other (native, cvisor, runsc, native, ...), so
# that a change of load on the machine falls on all of them alike.
#
# The table shows, per mode, the median over the rounds of each run's mean
# round trip in µs (the stream: MB/s, 10^6 bytes), the ratios to native
# (round trips: sandbox / native; the stream: sandbox MB/s / native MB/s)
# and whether cvisor meets the issue's targets: round trips within 3x
# native, the stream at least 0.5x native.  A mode that fails in an
# environment (a sandbox without AF_UNIX says ENOSYS or EAFNOSUPPORT) is
# shown as "fail" there, not tried again, and its first error line goes
# under the table; the other cells go on.  The load average is noted at the
# start and at the end.
#
# Options:
#   --cvisor PATH         the cvisor binary to test (default BUILD_DIR/cvisor)
#   --cvisor-before PATH  an older build, in the same run as its own column
#   --runs N              rounds (default 5)
#   --pin                 everything on one CPU (taskset -c 0); default unpinned
#   --ms MS               time budget per mode and run (default 300)
#   --modes "M ..."       a subset of the modes (default: all of them)
#   --no-runsc            leave runsc out
# The results go to bench/results/net-STAMP.md (the table), net-STAMP.csv
# (the medians) and net-STAMP-runs.csv (every run), STAMP being the UTC time
# and "-pin" if pinned.  RUN_TIMEOUT (20) bounds one program start, in s.
# Not part of make test.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

net_usage() {
	echo "usage: $0 [--cvisor PATH] [--cvisor-before PATH] [--runs N] [--pin] [--ms MS]" \
		"[--modes \"M ...\"] [--no-runsc] [BUILD_DIR]" >&2
	exit 2
}
build_dir="" cv="" cv_before="" runs=5 pin="" ms=300 want_modes="" use_runsc=1
while [ $# -gt 0 ]; do
	case "$1" in
	--cvisor) [ $# -ge 2 ] || net_usage; cv=$2; shift 2 ;;
	--cvisor-before) [ $# -ge 2 ] || net_usage; cv_before=$2; shift 2 ;;
	--runs) [[ "${2:-}" =~ ^[1-9][0-9]*$ ]] || net_usage; runs=$2; shift 2 ;;
	--ms) [[ "${2:-}" =~ ^[1-9][0-9]*$ ]] || net_usage; ms=$2; shift 2 ;;
	--modes) [ $# -ge 2 ] || net_usage; want_modes=$2; shift 2 ;;
	--pin) pin=1; shift ;;
	--no-runsc) use_runsc=""; shift ;;
	-h|--help) net_usage ;;
	-*) net_usage ;;
	*) [ -z "$build_dir" ] || net_usage; build_dir=$1; shift ;;
	esac
done
build_dir=${build_dir:-build}
[ -d "$build_dir" ] || { echo "$0: $build_dir: no such directory" >&2; exit 1; }
RUN_TIMEOUT=${RUN_TIMEOUT:-20}
cv=${cv:-$build_dir/cvisor}

all_modes=(unix-pingpong socketpair-pingpong tcp-pingpong unix-stream)
if [ -n "$want_modes" ]; then read -ra modes <<<"$want_modes"; else modes=("${all_modes[@]}"); fi
for m in "${modes[@]}"; do
	[[ " ${all_modes[*]} " == *" $m "* ]] || { echo "$0: unknown mode $m" >&2; exit 2; }
done

bench_build net
cvisor_columns "$cv_before" "$cv"
if [ -n "$use_runsc" ] && have_runsc; then
	mkdir -p "$runsc_root"
	envs+=(runsc) cmd[runsc]="${runsc_do[*]}"
else
	echo "note: runsc left out" >&2
fi
pinning=() pin_text="unpinned"
[ -z "$pin" ] || pinning=(taskset -c 0) pin_text="pinned to CPU 0 (taskset -c 0)"

# mode_cmd ENV MODE: the command line that runs the program there; cvisor's
# TCP row uses the host's network (the sentry's host sockets).
mode_cmd() {
	local c=${cmd[$1]}
	[[ "$1" != cvisor* || "$2" != tcp-* ]] || c=${c/ do / do --network=host }
	echo "$c"
}
# the value a run gives: the mean round trip in ns, or the stream's MB/s
is_stream() { [[ "$1" == *-stream ]]; }

stamp=$(date -u +%Y%m%d-%H%M%S)${pin:+-pin}
resdir=$bench_srcdir/results
mkdir -p "$resdir"
out_md=$resdir/net-$stamp.md out_csv=$resdir/net-$stamp.csv raw_csv=$resdir/net-$stamp-runs.csv
errf=$(mktemp)
trap 'rm -f "$errf"' EXIT
trap 'exit 130' INT TERM

load_start=$(loadavg)
started=$(date -u '+%Y-%m-%d %H:%M UTC')
echo "load average at start: $load_start" >&2
echo "round,mode,env,mean_ns,median_ns,n,mb_per_s" >"$raw_csv"

declare -A vals fail # ENV,MODE -> the runs' values; the first failure
for ((r = 1; r <= runs; r++)); do
	echo "round $r of $runs" >&2
	for mode in "${modes[@]}"; do
		for env in "${envs[@]}"; do
			[ -z "${fail[$env,$mode]:-}" ] || continue
			# A pipe, never a file: runsc writes to a regular-file
			# stdout without moving the shared offset.
			# shellcheck disable=SC2046 # mode_cmd prints a command line
			if out=$(timeout "$RUN_TIMEOUT" "${pinning[@]}" $(mode_cmd "$env" "$mode") \
				"$bin" -t "$ms" "$mode" 2>"$errf" | cat) &&
				[[ "$out" =~ ^$mode\ ns_per_op\ ([0-9.]+)\ median\ ([0-9.]+)\ n\ ([0-9]+)(\ MB/s\ ([0-9.]+))? ]]; then
				if is_stream "$mode"; then v=${BASH_REMATCH[5]}; else v=${BASH_REMATCH[1]}; fi
				vals[$env,$mode]+=" $v"
				echo "$r,$mode,$env,${BASH_REMATCH[1]},${BASH_REMATCH[2]},${BASH_REMATCH[3]},${BASH_REMATCH[5]}" >>"$raw_csv"
			else
				fail[$env,$mode]="$(run_why $?)$(head -n1 "$errf" | cut -c1-160)"
				fail[$env,$mode]=${fail[$env,$mode]%" "}
				echo "warning: $mode in $env failed: ${fail[$env,$mode]}" >&2
				echo "$r,$mode,$env,fail,,," >>"$raw_csv"
			fi
		done
	done
done
load_end=$(loadavg)
echo "load average at end: $load_end" >&2

declare -A med
for mode in "${modes[@]}"; do
	for env in "${envs[@]}"; do
		if [ -n "${fail[$env,$mode]:-}" ] || [ -z "${vals[$env,$mode]:-}" ]; then
			med[$env,$mode]=n/a
		else
			# shellcheck disable=SC2086 # the values are numbers
			med[$env,$mode]=$(median ${vals[$env,$mode]})
		fi
	done
done
cell() { # cell ENV MODE -> the median in us (the stream: MB/s), or "fail"
	if [ -n "${fail[$1,$2]:-}" ]; then
		echo fail
	elif is_stream "$2" || [ "${med[$1,$2]}" = n/a ]; then
		echo "${med[$1,$2]}"
	else
		awk -v v="${med[$1,$2]}" 'BEGIN { printf "%.1f", v / 1000 }'
	fi
}
# target MODE X: does cvisor's ratio X meet the issue's target?
target() {
	if [ "$2" = n/a ]; then echo "-"
	elif is_stream "$1"; then awk -v x="$2" 'BEGIN { print (x >= 0.5 ? "yes" : "no") }'
	else awk -v x="$2" 'BEGIN { print (x <= 3 ? "yes" : "no") }'; fi
}

hdr="mode|unit"
for env in "${envs[@]}"; do hdr+="|$env"; done
for env in "${envs[@]:1}"; do hdr+="|$env x native"; done
hdr+="|cvisor target|met"
rows=()
echo "mode,env,median,unit,runs,x_native" >"$out_csv"
for mode in "${modes[@]}"; do
	if is_stream "$mode"; then unit="MB/s" goal=">= 0.5x"; else unit="µs" goal="<= 3x"; fi
	row="$mode|$unit"
	for env in "${envs[@]}"; do row+="|$(cell "$env" "$mode")"; done
	for env in "${envs[@]:1}"; do row+="|$(ratio "${med[$env,$mode]}" "${med[native,$mode]}")"; done
	row+="|$goal|$(target "$mode" "$(ratio "${med[cvisor,$mode]}" "${med[native,$mode]}")")"
	rows+=("$row")
	for env in "${envs[@]}"; do
		n=$(wc -w <<<"${vals[$env,$mode]:-}")
		v=${med[$env,$mode]}
		[ -z "${fail[$env,$mode]:-}" ] || v=fail
		echo "$mode,$env,$v,${unit/µs/ns},$n,$(ratio "${med[$env,$mode]}" "${med[native,$mode]}")" >>"$out_csv"
	done
done

cmdline="bench/net.sh --runs $runs --ms $ms${pin:+ --pin}${cv_before:+ --cvisor-before $cv_before} --cvisor $cv"
[ -n "$use_runsc" ] || cmdline+=" --no-runsc"
[ -z "$want_modes" ] || cmdline+=" --modes \"$want_modes\""
runsc_ver=""
[ -z "${cmd[runsc]+x}" ] || runsc_ver=", $(first_line runsc --version) (ptrace, --network=none)"
{
	echo "\`$cmdline\`, $started, $(nproc) CPUs, kernel $(uname -r), $pin_text$runsc_ver."
	echo "Load average (1, 5, 15 min) at start: $load_start; at end: $load_end."
	echo "Median over $runs rounds of each run's mean round trip in µs (unix-stream: MB/s of"
	echo "64 KiB chunks); ratios of the medians (the stream: sandbox MB/s / native MB/s)."
	echo "cvisor = \`$(realpath "$cv")\` (tcp-pingpong with --network=host)${cv_before:+, cvisor-before = \`$(realpath "$cv_before")\`}."
	echo
	echo "| ${hdr//|/ | } |"
	printf '|---|---'
	for ((i = 2; i < $(awk -F'|' '{ print NF }' <<<"$hdr"); i++)); do printf '|--:'; done
	echo '|'
	for r in "${rows[@]}"; do echo "| ${r//|/ | } |"; done
	first=1
	for mode in "${modes[@]}"; do
		for env in "${envs[@]}"; do
			[ -n "${fail[$env,$mode]:-}" ] || continue
			[ -z "$first" ] || { echo; echo "Failures (first error of each; not retried):"; echo; first=""; }
			echo "- $mode in $env: ${fail[$env,$mode]}"
		done
	done
} >"$out_md"
cat "$out_md"
echo "wrote $out_md, $out_csv, $raw_csv" >&2
