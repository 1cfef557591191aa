#!/usr/bin/env bash
# bench/wake.sh [OPTIONS] [BUILD_DIR]
#
# How long a wake-up takes: BUILD_DIR/bench/wake (bench/wake.c) times round
# trips between two threads and between two processes through a blocking
# pipe read, poll, epoll_wait, an eventfd read, futex wait/wake and
# sigwaitinfo + tgkill/kill, the fork + exit + wait4 round trip, and a 1 ms
# periodic timerfd's mean lateness.  It runs natively, in `cvisor do` (one
# or two builds) and in gVisor's `runsc do` (ptrace platform, no network),
# in one run: RUNS rounds, and in each round every mode once in every
# environment, one after the other (native, cvisor, runsc, native, ...), so
# that a change of load on the machine falls on all of them alike.  The table
# shows, per mode, the median over the rounds of each run's mean round trip
# (timerfd: mean lateness), and the ratios: to native, and runsc's to
# cvisor's (how many times faster cvisor is than runsc).
#
# Each (round, mode, environment) is one start of the program, so a mode that
# hangs or kills the program in one environment (a bug of that sandbox) loses
# that cell only: it is shown as "fail" and not tried again in later rounds;
# the first line of its error goes under the table.  Only the timed loop is
# measured, not sandbox start-up.  The load average is printed at the start
# and at the end: other work on the machine inflates every cross-CPU wake-up.
#
# Options:
#   --cvisor PATH         the cvisor binary to test (default BUILD_DIR/cvisor)
#   --cvisor-before PATH  an older build, in the same run as its own column
#   --runs N              rounds (default 5)
#   --pin                 everything on one CPU (taskset -c 0); default unpinned
#   --ms MS               time budget per mode and run (default 300)
#   --modes "M ..."       a subset of the modes (default: all of them)
#   --no-runsc            leave runsc out
# BUILD_DIR (default build) holds bench/wake (compiled here if stale).  The
# results go to bench/results/wake-STAMP.md (the table), wake-STAMP.csv (the
# medians) and wake-STAMP-runs.csv (every run; for timerfd also the reads
# that found more than one expiry), STAMP being the UTC time and
# "-pin" if pinned.  RUN_TIMEOUT (20) bounds one program start, in seconds.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

wake_usage() {
	echo "usage: $0 [--cvisor PATH] [--cvisor-before PATH] [--runs N] [--pin] [--ms MS]" \
		"[--modes \"M ...\"] [--no-runsc] [BUILD_DIR]" >&2
	exit 2
}
build_dir="" cv="" cv_before="" runs=5 pin="" ms=300 want_modes="" use_runsc=1
while [ $# -gt 0 ]; do
	case "$1" in
	--cvisor) [ $# -ge 2 ] || wake_usage; cv=$2; shift 2 ;;
	--cvisor-before) [ $# -ge 2 ] || wake_usage; cv_before=$2; shift 2 ;;
	--runs) [[ "${2:-}" =~ ^[1-9][0-9]*$ ]] || wake_usage; runs=$2; shift 2 ;;
	--ms) [[ "${2:-}" =~ ^[1-9][0-9]*$ ]] || wake_usage; ms=$2; shift 2 ;;
	--modes) [ $# -ge 2 ] || wake_usage; want_modes=$2; shift 2 ;;
	--pin) pin=1; shift ;;
	--no-runsc) use_runsc=""; shift ;;
	-h|--help) wake_usage ;;
	-*) wake_usage ;;
	*) [ -z "$build_dir" ] || wake_usage; build_dir=$1; shift ;;
	esac
done
build_dir=${build_dir:-build}
[ -d "$build_dir" ] || { echo "$0: $build_dir: no such directory" >&2; exit 1; }
RUN_TIMEOUT=${RUN_TIMEOUT:-20}
cv=${cv:-$build_dir/cvisor}

all_modes=(pipe-thread poll-thread epoll-thread eventfd-thread futex-thread signal-thread
	pipe-proc poll-proc epoll-proc eventfd-proc futex-proc signal-proc wait4-proc timerfd)
if [ -n "$want_modes" ]; then read -ra modes <<<"$want_modes"; else modes=("${all_modes[@]}"); fi
for m in "${modes[@]}"; do
	[[ " ${all_modes[*]} " == *" $m "* ]] || { echo "$0: unknown mode $m" >&2; exit 2; }
done

bench_build wake -pthread
# The columns, in the order each round runs them.
cvisor_columns "$cv_before" "$cv"
if [ -n "$use_runsc" ] && have_runsc; then
	mkdir -p "$runsc_root"
	envs+=(runsc) cmd[runsc]="${runsc_do[*]}"
else
	echo "note: runsc left out" >&2
fi
pinning=() pin_text="unpinned"
[ -z "$pin" ] || pinning=(taskset -c 0) pin_text="pinned to CPU 0 (taskset -c 0)"

stamp=$(date -u +%Y%m%d-%H%M%S)${pin:+-pin}
resdir=$bench_srcdir/results
mkdir -p "$resdir"
out_md=$resdir/wake-$stamp.md out_csv=$resdir/wake-$stamp.csv raw_csv=$resdir/wake-$stamp-runs.csv
errf=$(mktemp)
trap 'rm -f "$errf"' EXIT
trap 'exit 130' INT TERM

load_start=$(loadavg)
started=$(date -u '+%Y-%m-%d %H:%M UTC')
echo "load average at start: $load_start" >&2
echo "round,mode,env,mean_ns,median_ns,n,overruns" >"$raw_csv" # overruns: timerfd only

declare -A vals fail # ENV,MODE -> the runs' means; the first failure
for ((r = 1; r <= runs; r++)); do
	echo "round $r of $runs" >&2
	for mode in "${modes[@]}"; do
		for env in "${envs[@]}"; do
			[ -z "${fail[$env,$mode]:-}" ] || continue
			# A pipe, never a file: runsc writes to a regular-file
			# stdout without moving the shared offset.
			# shellcheck disable=SC2086 # cmd[] is a command line
			if out=$(timeout "$RUN_TIMEOUT" "${pinning[@]}" ${cmd[$env]} "$bin" -t "$ms" \
				"$mode" 2>"$errf" | cat) &&
				[[ "$out" =~ ^$mode\ (ns_per_op|lateness_ns)\ ([0-9.]+)\ median\ ([0-9.]+)\ n\ ([0-9]+)(\ overruns\ ([0-9]+))? ]]; then
				vals[$env,$mode]+=" ${BASH_REMATCH[2]}"
				echo "$r,$mode,$env,${BASH_REMATCH[2]},${BASH_REMATCH[3]},${BASH_REMATCH[4]},${BASH_REMATCH[6]}" >>"$raw_csv"
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

us() { [ "$1" = n/a ] && echo n/a || awk -v v="$1" 'BEGIN { printf (v < 100000 ? "%.1f" : "%.0f"), v / 1000 }'; }
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
cell() { # cell ENV MODE -> the median in us, or "fail"
	if [ -n "${fail[$1,$2]:-}" ]; then echo fail; else us "${med[$1,$2]}"; fi
}

# Columns: each environment in us, then each sandbox x native, then runsc x cvisor.
hdr="mode"
for env in "${envs[@]}"; do hdr+="|$env (us)"; done
for env in "${envs[@]:1}"; do hdr+="|$env x native"; done
[ -z "${cmd[runsc]+x}" ] || hdr+="|runsc x cvisor"
[ -z "${cmd[runsc]+x}" ] || [ -z "$cv_before" ] || hdr+="|runsc x cvisor-before"
rows=()
echo "mode,env,median_mean_ns,runs,x_native" >"$out_csv"
for mode in "${modes[@]}"; do
	row="$mode"
	for env in "${envs[@]}"; do row+="|$(cell "$env" "$mode")"; done
	for env in "${envs[@]:1}"; do row+="|$(ratio "${med[$env,$mode]}" "${med[native,$mode]}")"; done
	[ -z "${cmd[runsc]+x}" ] || row+="|$(ratio "${med[runsc,$mode]}" "${med[cvisor,$mode]}")"
	[ -z "${cmd[runsc]+x}" ] || [ -z "$cv_before" ] ||
		row+="|$(ratio "${med[runsc,$mode]}" "${med[cvisor-before,$mode]}")"
	rows+=("$row")
	for env in "${envs[@]}"; do
		n=$(wc -w <<<"${vals[$env,$mode]:-}")
		echo "$mode,$env,${med[$env,$mode]/n\/a/${fail[$env,$mode]:+fail}},$n,$(ratio "${med[$env,$mode]}" "${med[native,$mode]}")" >>"$out_csv"
	done
done

cmdline="bench/wake.sh --runs $runs --ms $ms${pin:+ --pin}${cv_before:+ --cvisor-before $cv_before} --cvisor $cv"
[ -n "$use_runsc" ] || cmdline+=" --no-runsc"
[ -z "$want_modes" ] || cmdline+=" --modes \"$want_modes\""
runsc_ver=""
[ -z "${cmd[runsc]+x}" ] || runsc_ver=", $(first_line runsc --version) (ptrace, --network=none)"
{
	echo "\`$cmdline\`, $started, $(nproc) CPUs, kernel $(uname -r), $pin_text$runsc_ver."
	echo "Load average (1, 5, 15 min) at start: $load_start; at end: $load_end."
	echo "Median over $runs rounds of each run's mean round trip in µs (timerfd: mean lateness"
	echo "of a 1 ms periodic timer); ratios of the medians; \"runsc x cvisor\": how many times"
	echo "faster cvisor is than runsc. cvisor = \`$(realpath "$cv")\`${cv_before:+, cvisor-before = \`$(realpath "$cv_before")\`}."
	echo
	echo "| ${hdr//|/ | } |"
	printf '|---'
	for ((i = 1; i < $(awk -F'|' '{ print NF }' <<<"$hdr"); i++)); do printf '|--:'; done
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
