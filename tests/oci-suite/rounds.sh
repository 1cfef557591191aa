#!/bin/bash
# Repeated passes of the validation suite (issue 17 item 5: every program
# ten times, idle and busy, cvisor and runc), as an outsider re-runs them:
#
#   tests/oci-suite/rounds.sh [-n ROUNDS] [-u HH:MM] SUITE CVISOR OUTDIR
#
# A round is four passes (tests/oci-suite/run.sh): cvisor then runc on the
# machine as it is ("idle": no load of ours), then cvisor then runc with
# `stress-ng --cpu 2` running ("busy").  Each round holds the shared lock
# (/tmp/cvisor-heavy.lock, or $LOCK) for itself only, so the machine's
# other users get it between rounds.  -u: start no round after HH:MM
# (UTC), so that what fits a time budget runs and says so.  The passes go
# to OUTDIR/{cvisor,runc}-{idle,busy}-K/, with the load average before
# and after each in OUTDIR/load.  tests/oci-suite/tally.py OUTDIR counts
# them per program.
set -u
rounds=10 until=
while getopts n:u: o; do
	case $o in
	n) rounds=$OPTARG ;;
	u) until=$OPTARG ;;
	*) exit 2 ;;
	esac
done
shift $((OPTIND - 1))
[ $# -eq 3 ] || { echo "usage: $0 [-n ROUNDS] [-u HH:MM] SUITE CVISOR OUTDIR" >&2; exit 2; }
suite=$(realpath "$1") cvisor=$(realpath "$2") out=$3
runc=${RUNC:-$(command -v runc)}
here=$(dirname "$(realpath "$0")")
lock=${LOCK:-/tmp/cvisor-heavy.lock}
mkdir -p "$out"
out=$(realpath "$out")

# pass NAME RUNTIME: one pass, its load average before and after noted
pass() {
	echo "$1 start $(date -u +%T) $(cut -d' ' -f1-3 /proc/loadavg)" >>"$out/load"
	"$here/run.sh" "$suite" "$2" "$out/$1"
	echo "$1 end $(date -u +%T) $(cut -d' ' -f1-3 /proc/loadavg)" >>"$out/load"
}

round() {
	local k=$1 sp
	pass "cvisor-idle-$k" "$cvisor"
	pass "runc-idle-$k" "$runc"
	stress-ng --cpu 2 --timeout 3600s >/dev/null 2>&1 &
	sp=$!
	pass "cvisor-busy-$k" "$cvisor"
	pass "runc-busy-$k" "$runc"
	kill "$sp"
	wait "$sp" 2>/dev/null
}

for k in $(seq "$rounds"); do
	if [ -n "$until" ] && [ "$(date -u +%H:%M)" \> "$until" ]; then
		echo "stopped before round $k: past $until UTC" | tee -a "$out/load"
		break
	fi
	export -f pass round
	export out here suite cvisor runc
	flock "$lock" bash -c "round $k"
done
