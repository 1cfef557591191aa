#!/usr/bin/env bash
# bench/fs.sh BUILD_DIR [--md FILE]
#
# Times file-system calls on a 100 MiB file with BUILD_DIR/bench/fs natively,
# under BUILD_DIR/cvisor do --, under runc (plain namespaces, no sandbox) and
# under gVisor's runsc do (ptrace platform).  Modes (see bench/fs.c):
# openclose, stat, pread4k (random 4 KiB preads) and read (sequential 1 MiB
# reads; ns per 4 KiB read, plus MB/s).  Each (mode, environment) is run REPS
# times; the table shows the median ns/op and the ratios to native.  An
# environment that is missing or fails is shown as n/a.  Only the timed loop
# inside the program is measured, not sandbox start-up.
#
# The test file is BUILD_DIR/bench/fsdata/file100m, created (random bytes)
# only if missing and kept between runs.  It is not under /tmp because
# cvisor's /tmp is its own tmpfs: cvisor reads it, and the program, from the
# read-only host lower layer of its overlay (no --rw); runsc do reads it from
# the host root; runc gets a throw-away bundle under BUILD_DIR/bench whose
# read-only rootfs holds a copy of the program and a hard link to the file at
# the same absolute path, so every environment resolves the same path.
#
# BUILD_DIR/bench/fs is compiled here (same flags as the Makefile) if it is
# missing or older than bench/fs.c, so no make run is needed.
#
# Environment overrides: REPS (5), RUN_TIMEOUT seconds per run (120), and
# the N of each (environment, mode) as N_<ENV>_<MODE>, e.g. N_RUNSC_STAT or
# N_NATIVE_READ (ENV: NATIVE CVISOR RUNC RUNSC; MODE: OPENCLOSE STAT PREAD4K
# READ; for READ, N is the number of passes over the file).
set -euo pipefail

usage() { echo "usage: $0 BUILD_DIR [--md FILE]" >&2; exit 2; }

build_dir="" md=""
while [ $# -gt 0 ]; do
	case "$1" in
	--md) [ $# -ge 2 ] || usage; md="$2"; shift 2 ;;
	-h|--help) usage ;;
	*) [ -z "$build_dir" ] || usage; build_dir="$1"; shift ;;
	esac
done
[ -n "$build_dir" ] || usage
[ -d "$build_dir" ] || { echo "$0: $build_dir: no such directory" >&2; exit 1; }

REPS=${REPS:-5}
RUN_TIMEOUT=${RUN_TIMEOUT:-120}
modes=(openclose stat pread4k read)

# Default N: ~0.2-1 s per run natively (2 vCPU VM).  cvisor traps every
# syscall (~2 us), runsc's ptrace platform ~100x native per syscall; runc
# runs on the host kernel directly, so it gets the native N.
declare -A defN=(
	[NATIVE_OPENCLOSE]=500000 [NATIVE_STAT]=1000000 [NATIVE_PREAD4K]=500000 [NATIVE_READ]=30
	[CVISOR_OPENCLOSE]=50000  [CVISOR_STAT]=100000  [CVISOR_PREAD4K]=100000 [CVISOR_READ]=20
	[RUNC_OPENCLOSE]=500000   [RUNC_STAT]=1000000   [RUNC_PREAD4K]=500000   [RUNC_READ]=30
	[RUNSC_OPENCLOSE]=10000   [RUNSC_STAT]=20000    [RUNSC_PREAD4K]=20000   [RUNSC_READ]=20
)
nval() { # nval ENV MODE -> N, from N_ENV_MODE or the default
	local key="${1^^}_${2^^}" var
	var="N_$key"
	echo "${!var:-${defN[$key]}}"
}

srcdir=$(cd "$(dirname "$0")" && pwd)
mkdir -p "$build_dir/bench"
bin="$build_dir/bench/fs"
if [ ! -x "$bin" ] || [ "$srcdir/fs.c" -nt "$bin" ]; then
	echo "building $bin" >&2
	${CC:-gcc} -static -O2 -std=gnu11 -Wall -Wextra -Werror -o "$bin" "$srcdir/fs.c"
fi
# runsc do resolves relative paths against the cwd; absolute ones always work.
bin=$(realpath -e "$bin")
cvisor=$(realpath "$build_dir/cvisor" 2>/dev/null || true)
runsc_root=/tmp/runsc-bench-root
runc_root=/tmp/runc-bench-root

# The test file: created once, atomically, then reused (and left cached).
size=$((100 * 1024 * 1024))
datadir=$(realpath "$build_dir")/bench/fsdata
data=$datadir/file100m
if [ "$(stat -c %s "$data" 2>/dev/null || echo 0)" != "$size" ]; then
	echo "creating $data" >&2
	mkdir -p "$datadir"
	head -c "$size" /dev/urandom >"$data.tmp.$$"
	mv -f "$data.tmp.$$" "$data"
fi
cat "$data" >/dev/null # into the page cache: every mode reads a cached file

# cvisor's hand-offs spin across CPUs: other busy processes skew it most.
busy() { # busy -> % of CPU time not idle over the next second
	local a b
	a=$(head -n1 /proc/stat) && sleep 1 && b=$(head -n1 /proc/stat)
	awk -v a="$a" -v b="$b" 'BEGIN { split(a, x); split(b, y); t = 0
		for (i = 2; i <= 9; i++) t += y[i] - x[i]
		idle = y[5] - x[5] + y[6] - x[6]; printf "%d", (t > 0 ? 100 * (t - idle) / t : 0) }'
}
cpu_busy=$(busy)
[ "$cpu_busy" -lt 20 ] ||
	echo "note: CPUs ${cpu_busy}% busy before starting: results will be noisy" >&2

errf=$(mktemp)
bundle=""
cleanup() {
	local id
	if [ -n "$bundle" ] && [ -d "$runc_root" ]; then # runs killed by timeout
		for id in $(runc --root "$runc_root" list -q 2>/dev/null | grep "^fsbench-$$-" || true); do
			runc --root "$runc_root" delete -f "$id" >/dev/null 2>&1 || true
		done
	fi
	[ -z "$bundle" ] || rm -rf "$bundle"
	rm -f "$errf"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# runc bundle: rootfs = the program + a hard link (or copy) of the file at
# its host path, read-only; config.json from `runc spec`, args set per run.
have_runc=""
if command -v runc >/dev/null && command -v jq >/dev/null && [ "$(id -u)" -eq 0 ]; then
	bundle=$(mktemp -d "$(realpath "$build_dir")/bench/fsbundle.XXXXXX")
	mkdir -p "$bundle/rootfs$datadir"
	cp "$bin" "$bundle/rootfs/fs"
	ln "$data" "$bundle/rootfs$data" 2>/dev/null || cp "$data" "$bundle/rootfs$data"
	(cd "$bundle" && runc spec)
	mkdir -p "$runc_root"
	have_runc=1
else
	echo "note: runc skipped (needs runc and jq in PATH and root)" >&2
fi
runc_config() { # runc_config ARGS... : the process args of the bundle
	jq --args '.process.args = $ARGS.positional | .process.terminal = false |
		.root.readonly = true | .hostname = "fsbench"' "$@" \
		<"$bundle/config.json" >"$bundle/config.json.new"
	mv -f "$bundle/config.json.new" "$bundle/config.json"
}

have_runsc=""
if command -v runsc >/dev/null && [ "$(id -u)" -eq 0 ]; then
	mkdir -p "$runsc_root"
	have_runsc=1
else
	echo "note: runsc skipped (needs runsc in PATH and root)" >&2
fi
[ -x "$cvisor" ] || echo "note: $build_dir/cvisor not found" >&2

# launch ENV MODE N REP : runs the program once in ENV (stdout = its line).
launch() {
	local env=$1 mode=$2 n=$3 rep=$4 id
	case "$env" in
	native) timeout "$RUN_TIMEOUT" "$bin" "$data" "$mode" "$n" ;;
	cvisor) timeout "$RUN_TIMEOUT" "$cvisor" "do" -- "$bin" "$data" "$mode" "$n" ;;
	runsc) timeout "$RUN_TIMEOUT" runsc --root "$runsc_root" --platform=ptrace \
		--network=none "do" "$bin" "$data" "$mode" "$n" ;;
	runc)
		id="fsbench-$$-$mode-$rep"
		timeout "$RUN_TIMEOUT" runc --root "$runc_root" run --bundle "$bundle" "$id" ;;
	esac
}

# run_reps ENV MODE N : prints "median_ns median_MB/s" (MB/s is "-" except
# for read) of REPS runs, or "n/a n/a".  The output is read through a pipe:
# runsc writes to a regular-file stdout without moving the shared file
# offset, so never point it at a file.
run_reps() {
	local env=$1 mode=$2 n=$3 out ns=() mbs=() i
	for ((i = 0; i < REPS; i++)); do
		if ! out=$(launch "$env" "$mode" "$n" "$i" 2>"$errf") ||
			[[ ! "$out" =~ ^$mode\ ns_per_op\ ([0-9.]+)(\ MB/s\ ([0-9.]+))?$ ]]; then
			echo "warning: $env $mode N=$n failed: $(head -c 300 "$errf")" >&2
			echo "n/a n/a"
			return
		fi
		ns+=("${BASH_REMATCH[1]}")
		mbs+=("${BASH_REMATCH[3]:--}")
	done
	if [ "${mbs[0]}" = - ]; then
		echo "$(median "${ns[@]}") -"
	else
		echo "$(median "${ns[@]}") $(median "${mbs[@]}")"
	fi
}
median() {
	printf '%s\n' "$@" | sort -g |
		awk '{ v[NR] = $1 } END { m = (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2;
			printf "%.1f\n", m }'
}

ratio() { # ratio A B -> A/B, or n/a
	if [ "$1" = n/a ] || [ "$2" = n/a ]; then echo n/a; else
		awk -v a="$1" -v b="$2" 'BEGIN { r = b > 0 ? a / b : -1
			printf (r < 0 ? "n/a" : r < 0.1 ? "%.4f" : "%.2f"), r }'; fi
}

envs=(native cvisor runc runsc)
declare -A med mbps
for mode in "${modes[@]}"; do
	[ -z "$have_runc" ] || runc_config /fs "$data" "$mode" "$(nval runc "$mode")"
	for env in "${envs[@]}"; do
		if { [ "$env" = cvisor ] && [ ! -x "$cvisor" ]; } ||
			{ [ "$env" = runc ] && [ -z "$have_runc" ]; } ||
			{ [ "$env" = runsc ] && [ -z "$have_runsc" ]; }; then
			med[$env,$mode]=n/a mbps[$env,$mode]=n/a
			continue
		fi
		echo "running $mode in $env (N=$(nval "$env" "$mode"), $REPS runs)" >&2
		read -r "med[$env,$mode]" "mbps[$env,$mode]" < <(run_reps "$env" "$mode" "$(nval "$env" "$mode")")
	done
done

header="mode|native|cvisor|runc|runsc|cvisor x native|runc x native|runsc x native|cvisor better than runsc by (x)"
rows=()
for mode in "${modes[@]}"; do
	n=${med[native,$mode]} c=${med[cvisor,$mode]} r=${med[runc,$mode]} s=${med[runsc,$mode]}
	cr=$(ratio "$c" "$n") sr=$(ratio "$s" "$n")
	rows+=("$mode|$n|$c|$r|$s|$cr|$(ratio "$r" "$n")|$sr|$(ratio "$sr" "$cr")")
done
nrow() { # the N of each environment for one mode
	echo "$1|$(nval native "$1")|$(nval cvisor "$1")|$(nval runc "$1")|$(nval runsc "$1")"
}
mbrow="read MB/s|${mbps[native,read]}|${mbps[cvisor,read]}|${mbps[runc,read]}|${mbps[runsc,read]}"

runsc_ver="" runc_ver=""
[ -z "$have_runsc" ] || runsc_ver=$(runsc --version 2>/dev/null | head -n1 || true)
[ -z "$have_runc" ] || runc_ver=$(runc --version 2>/dev/null | head -n1 || true)
info="median ns/op of $REPS runs each on a cached 100 MiB file, $(nproc) CPUs, kernel $(uname -r)"
[ -z "$runc_ver" ] || info="$info, $runc_ver"
[ -z "$runsc_ver" ] || info="$info, $runsc_ver (ptrace)"
legend="openclose: ns per open+close; stat: ns per stat; pread4k: ns per random 4 KiB pread; read: ns per 4 KiB of sequential 1 MiB reads"

echo "$info"
echo "$legend"
row() { printf '%-10s %10s %10s %10s %10s %9s %9s %9s %11s\n' "$@"; }
row mode native cvisor runc runsc "cv/nat" "runc/nat" "runsc/nat" "cv>runsc x"
for r in "${rows[@]}"; do
	IFS='|' read -r a b c d e f g h i <<<"$r"
	row "$a" "$b" "$c" "$d" "$e" "$f" "$g" "$h" "$i"
done
IFS='|' read -r a b c d e <<<"$mbrow"
printf '%-10s %10s %10s %10s %10s\n' "read MB/s" "$b" "$c" "$d" "$e"
echo "N per run (read: passes over the file):"
for mode in "${modes[@]}"; do
	IFS='|' read -r a b c d e <<<"$(nrow "$mode")"
	printf '%-10s %10s %10s %10s %10s\n' "$a" "$b" "$c" "$d" "$e"
done

if [ -n "$md" ]; then
	{
		echo "# File-system calls"
		echo
		echo "$info; ratios use medians; the last column is"
		echo "(runsc/native) / (cvisor/native). $legend."
		echo
		echo "| ${header//|/ | } |"
		echo "|---|--:|--:|--:|--:|--:|--:|--:|--:|"
		for r in "${rows[@]}"; do echo "| ${r//|/ | } |"; done
		echo
		echo "Sequential read throughput (median MB/s, 10^6 bytes):"
		echo
		echo "| | native | cvisor | runc | runsc |"
		echo "|---|--:|--:|--:|--:|"
		echo "| ${mbrow//|/ | } |"
		echo
		echo "N per run (read: passes over the file):"
		echo
		echo "| mode | native | cvisor | runc | runsc |"
		echo "|---|--:|--:|--:|--:|"
		for mode in "${modes[@]}"; do r=$(nrow "$mode"); echo "| ${r//|/ | } |"; done
	} >"$md"
	echo "wrote $md"
fi
