#!/usr/bin/env bash
# bench/start.sh CVISOR... : wall time of `CVISOR do -- /bin/true` for each
# build given, rounds interleaved (A B C A B C ...), N rounds (default 30);
# the median and quartiles in ms, and the load average before and after.
#   N=30 bench/start.sh /path/to/old/cvisor build/cvisor
set -euo pipefail
N=${N:-30}
[ $# -ge 1 ] || { echo "usage: $0 CVISOR..." >&2; exit 2; }
declare -A T
echo "load average at start: $(cut -d' ' -f1-3 /proc/loadavg)"
for _ in $(seq "$N"); do
	for b in "$@"; do
		s=$(date +%s%N)
		"$b" do -- /bin/true
		e=$(date +%s%N)
		T[$b]+="$(((e - s) / 1000)) "
	done
done
echo "load average at end: $(cut -d' ' -f1-3 /proc/loadavg)"
for b in "$@"; do
	tr ' ' '\n' <<<"${T[$b]}" | grep . | sort -n | awk -v b="$b" '{ a[NR] = $1 }
		END { printf "%s: median %.2f ms (quartiles %.2f-%.2f), %d runs\n", b,
		      a[int((NR + 1) / 2)] / 1000, a[int(NR / 4) + 1] / 1000, a[int(3 * NR / 4)] / 1000, NR }'
done
