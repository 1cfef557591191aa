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

rounds_args wake "$@"
rounds_setup wake pipe-thread poll-thread epoll-thread eventfd-thread futex-thread signal-thread \
	pipe-proc poll-proc epoll-proc eventfd-proc futex-proc signal-proc wait4-proc timerfd
bench_build wake -pthread

round_cmd() { read -ra rcmd <<<"${cmd[$1]}"; rcmd+=("$bin" -t "$ms" "$2"); }
round_parse() {
	[[ "$2" =~ ^$1\ (ns_per_op|lateness_ns)\ ([0-9.]+)\ median\ ([0-9.]+)\ n\ ([0-9]+)(\ overruns\ ([0-9]+))? ]] ||
		return
	val=${BASH_REMATCH[2]}
	csv="${BASH_REMATCH[2]},${BASH_REMATCH[3]},${BASH_REMATCH[4]},${BASH_REMATCH[6]}"
}
rounds_run "round,mode,env,mean_ns,median_ns,n,overruns" # overruns: timerfd only

us() { [ "$1" = n/a ] && echo n/a || awk -v v="$1" 'BEGIN { printf (v < 100000 ? "%.1f" : "%.0f"), v / 1000 }'; }
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

rounds_md 1 "$hdr" \
	"Median over $runs rounds of each run's mean round trip in µs (timerfd: mean lateness" \
	"of a 1 ms periodic timer); ratios of the medians; \"runsc x cvisor\": how many times" \
	"faster cvisor is than runsc. cvisor = \`$(realpath "$cv")\`${cv_before:+, cvisor-before = \`$(realpath "$cv_before")\`}."
