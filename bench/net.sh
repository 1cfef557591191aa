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

rounds_args net "$@"
rounds_setup net unix-pingpong socketpair-pingpong tcp-pingpong unix-stream
bench_build net

# the stream's value is its MB/s, the others' their mean round trip in ns
is_stream() { [[ "$1" == *-stream ]]; }
# cvisor's TCP row uses the host's network (the sentry's host sockets)
round_cmd() {
	local w
	rcmd=()
	for w in ${cmd[$1]}; do
		[[ "$w" != -- || "$1" != cvisor* || "$2" != tcp-* ]] || rcmd+=(--network=host)
		rcmd+=("$w")
	done
	rcmd+=("$bin" -t "$ms" "$2")
}
round_parse() {
	[[ "$2" =~ ^$1\ ns_per_op\ ([0-9.]+)\ median\ ([0-9.]+)\ n\ ([0-9]+)(\ MB/s\ ([0-9.]+))? ]] ||
		return
	if is_stream "$1"; then val=${BASH_REMATCH[5]}; else val=${BASH_REMATCH[1]}; fi
	csv="${BASH_REMATCH[1]},${BASH_REMATCH[2]},${BASH_REMATCH[3]},${BASH_REMATCH[5]}"
}
rounds_run "round,mode,env,mean_ns,median_ns,n,mb_per_s"

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

rounds_md 2 "$hdr" \
	"Median over $runs rounds of each run's mean round trip in µs (unix-stream: MB/s of" \
	"64 KiB chunks); ratios of the medians (the stream: sandbox MB/s / native MB/s)." \
	"cvisor = \`$(realpath "$cv")\` (tcp-pingpong with --network=host)${cv_before:+, cvisor-before = \`$(realpath "$cv_before")\`}."
