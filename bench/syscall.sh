#!/usr/bin/env bash
# bench/syscall.sh BUILD_DIR [--md FILE]
#
# Times getppid(2) round trips with BUILD_DIR/bench/syscall natively, under
# BUILD_DIR/cvisor do --, and under gVisor's runsc (ptrace platform).  Each
# environment is run REPS times; the table shows the median and minimum of
# the per-run ns/call figures.  An environment that is missing or fails is
# shown as n/a.  Only the timed loop inside the program is measured, not
# sandbox start-up.
#
# MODE=mmap times instead one mmap of 4 KiB of private anonymous memory, a
# write to it (its first touch) and its munmap per round (bench/syscall.c).
#
# Environment overrides: REPS (5), NATIVE_N (2000000), CVISOR_N (1000000),
# RUNSC_N (20000), RUN_TIMEOUT seconds per run (120), MODE (getppid|mmap).
set -euo pipefail

. "$(dirname "$0")/lib.sh"

bench_args "$@"
REPS=${REPS:-5}
MODE=${MODE:-getppid}
case $MODE in
getppid) margs=() ;;
mmap)	margs=(mmap)
	# a round is ~10x a getppid natively and ~50x in a sandbox
	NATIVE_N=${NATIVE_N:-200000} CVISOR_N=${CVISOR_N:-20000} RUNSC_N=${RUNSC_N:-2000} ;;
*)	echo "$0: MODE is getppid or mmap" >&2; exit 2 ;;
esac
NATIVE_N=${NATIVE_N:-2000000}
CVISOR_N=${CVISOR_N:-1000000}
RUNSC_N=${RUNSC_N:-20000}
RUN_TIMEOUT=${RUN_TIMEOUT:-120}

# runsc do resolves bare names via PATH and relative ones against the cwd; an
# absolute path always works (the host / is the sandbox's read-only rootfs).
bin=$(realpath -e "$build_dir/bench/syscall" 2>/dev/null) ||
	{ echo "$0: $build_dir/bench/syscall not built" >&2; exit 1; }
cvisor=$(realpath "$build_dir/cvisor" 2>/dev/null || true)

errf=$(mktemp)
trap 'rm -f "$errf"' EXIT

# run_reps N CMD... : prints "median min" of REPS runs, or "n/a n/a".
# The output is read through a pipe: runsc writes to a regular-file stdout
# without moving the shared file offset, so never point it at a file.
run_reps() {
	local n=$1 out vals=() i
	shift
	for ((i = 0; i < REPS; i++)); do
		if ! out=$(timeout "$RUN_TIMEOUT" "$@" "$bin" "$n" "${margs[@]}" 2>"$errf") ||
			[[ ! "$out" =~ ^${MODE}_ns\ ([0-9.]+)$ ]]; then
			echo "warning: '$* $bin $n' failed: $(head -c 300 "$errf")" >&2
			echo "n/a n/a"
			return
		fi
		vals+=("${BASH_REMATCH[1]}")
	done
	echo "$(median "${vals[@]}") $(printf '%s\n' "${vals[@]}" | sort -g | awk 'NR == 1 { printf "%.1f", $1 }')"
}

read -r nat_med nat_min < <(run_reps "$NATIVE_N")

if [ -x "$cvisor" ]; then
	read -r cv_med cv_min < <(run_reps "$CVISOR_N" "$cvisor" "do" --)
else
	echo "note: $build_dir/cvisor not found" >&2
	cv_med=n/a cv_min=n/a
fi

runsc_ver=""
if have_runsc; then
	mkdir -p "$runsc_root"
	runsc_ver=$(runsc --version 2>/dev/null | head -n1 || true)
	read -r rs_med rs_min < <(run_reps "$RUNSC_N" "${runsc_do[@]}")
else
	echo "note: runsc skipped (needs runsc in PATH and root)" >&2
	rs_med=n/a rs_min=n/a
fi

rows=(
	"native|$NATIVE_N|$nat_med|$nat_min|$(ratio "$nat_med" "$nat_med")|$(ratio "$nat_med" "$rs_med")"
	"cvisor do|$CVISOR_N|$cv_med|$cv_min|$(ratio "$cv_med" "$nat_med")|$(ratio "$cv_med" "$rs_med")"
	"runsc do (ptrace)|$RUNSC_N|$rs_med|$rs_min|$(ratio "$rs_med" "$nat_med")|$(ratio "$rs_med" "$rs_med")"
)
header="environment|N|ns/$MODE (median)|min|x native|x runsc"

what="getppid via glibc syscall()"
[ "$MODE" = getppid ] || what="mmap 4 KiB + first touch + munmap"
info="$what, $REPS runs each, $(nproc) CPUs, kernel $(uname -r)"
[ -z "$runsc_ver" ] || info="$info, $runsc_ver"

echo "$info"
for r in "$header" "${rows[@]}"; do
	IFS='|' read -r a b c d e f <<<"$r"
	printf '%-18s %9s %17s %10s %9s %8s\n' "$a" "$b" "$c" "$d" "$e" "$f"
done

if [ -n "$md" ]; then
	{
		echo "# $what"
		echo
		echo "$info (ratios use medians)."
		echo
		echo "| ${header//|/ | } |"
		echo "|---|--:|--:|--:|--:|--:|"
		for r in "${rows[@]}"; do echo "| ${r//|/ | } |"; done
	} >"$md"
	echo "wrote $md"
fi
