#!/usr/bin/env bash
# bench/process.sh BUILD_DIR [--md FILE]
#
# Times process and thread operations with BUILD_DIR/bench/process natively,
# under BUILD_DIR/cvisor do --, under runc (plain namespaces, no sandbox) and
# under gVisor's runsc do (ptrace platform).  Modes (see bench/process.c):
# forkwait (fork + child _exit + waitpid), forkexec (fork + execve + waitpid),
# pipepong (1-byte round trip between two processes over two pipes),
# futexpong (futex wake/wait round trip between two threads) and script
# (fork + exec of `busybox sh -c` on a 200-line script of shell builtins).
# Each (mode, environment) is run REPS times; the table shows the median ns
# per operation and the ratios to native.  An environment that is missing or
# fails is shown as n/a.  Only the timed loop inside the program is measured,
# not sandbox start-up.
#
# Exec targets are the same static binaries in every environment:
#  - forkexec execs the benchmark program itself with the argument "true"
#    (it exits 0 at once), not /bin/true: Debian's /bin/true is dynamic, and
#    a static target needs no loader or libraries in the runc rootfs, so
#    every environment execs the same static binary;
#  - script execs /bin/busybox as "sh" (Debian's busybox-static, which must
#    be installed on the host), not /bin/sh (dash, dynamic).
# cvisor and runsc do see the host / (read-only), so the program is run by
# its absolute host path (not from /tmp: cvisor's /tmp is its own tmpfs) and
# /bin/busybox is the host's.  runc gets a throw-away bundle under
# BUILD_DIR/bench whose read-only rootfs holds /process (a copy of the
# program), /bin/busybox (a copy of the host's) and /bin/sh -> busybox; runc
# provides /dev/null.
#
# BUILD_DIR/bench/process is compiled here (same flags as the Makefile, plus
# -pthread) if it is missing or older than bench/process.c, so no make run is
# needed.
#
# Environment overrides: REPS (5), RUN_TIMEOUT seconds per run (120), and
# the N of each (environment, mode) as N_<ENV>_<MODE>, e.g. N_RUNSC_FORKEXEC
# or N_NATIVE_SCRIPT (ENV: NATIVE CVISOR RUNC RUNSC; MODE: FORKWAIT FORKEXEC
# PIPEPONG FUTEXPONG SCRIPT).
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
modes=(forkwait forkexec pipepong futexpong script)

# Default N: ~0.2-1 s per run natively (2 vCPU VM: ~150 us per fork+wait,
# ~500 us per fork+exec+wait, ~1 ms per script run, 5-20 us per pipe or
# futex round trip).  cvisor measured ~5x native for fork and exec, runsc's
# ptrace platform ~10x (futex and pipe round trips: cvisor ~1-4x, runsc
# ~5x); runc runs on the host kernel directly, so it gets the native N.
declare -A defN=(
	[NATIVE_FORKWAIT]=3000 [NATIVE_FORKEXEC]=1000 [NATIVE_PIPEPONG]=30000 [NATIVE_FUTEXPONG]=30000 [NATIVE_SCRIPT]=400
	[CVISOR_FORKWAIT]=500  [CVISOR_FORKEXEC]=200  [CVISOR_PIPEPONG]=10000 [CVISOR_FUTEXPONG]=30000 [CVISOR_SCRIPT]=100
	[RUNC_FORKWAIT]=3000   [RUNC_FORKEXEC]=1000   [RUNC_PIPEPONG]=30000   [RUNC_FUTEXPONG]=30000   [RUNC_SCRIPT]=400
	[RUNSC_FORKWAIT]=300   [RUNSC_FORKEXEC]=100   [RUNSC_PIPEPONG]=5000   [RUNSC_FUTEXPONG]=5000   [RUNSC_SCRIPT]=50
)
nval() { # nval ENV MODE -> N, from N_ENV_MODE or the default
	local key="${1^^}_${2^^}" var
	var="N_$key"
	echo "${!var:-${defN[$key]}}"
}

srcdir=$(cd "$(dirname "$0")" && pwd)
mkdir -p "$build_dir/bench"
bin="$build_dir/bench/process"
if [ ! -x "$bin" ] || [ "$srcdir/process.c" -nt "$bin" ]; then
	echo "building $bin" >&2
	${CC:-gcc} -static -O2 -std=gnu11 -Wall -Wextra -Werror -pthread -o "$bin" "$srcdir/process.c"
fi
# forkexec execs argv[0], which must be absolute; runsc do also resolves
# relative paths against the cwd.  Absolute ones always work.
bin=$(realpath -e "$bin")
cvisor=$(realpath "$build_dir/cvisor" 2>/dev/null || true)
runsc_root=/tmp/runsc-bench-root
runc_root=/tmp/runc-bench-root

# script mode needs a static busybox at /bin/busybox in every environment.
busybox=/bin/busybox
if [ ! -x "$busybox" ] || { command -v file >/dev/null &&
	! file -L "$busybox" | grep -q 'statically linked'; }; then
	echo "note: $busybox missing or not static (install busybox-static): script will fail" >&2
fi

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
		for id in $(runc --root "$runc_root" list -q 2>/dev/null | grep "^procbench-$$-" || true); do
			runc --root "$runc_root" delete -f "$id" >/dev/null 2>&1 || true
		done
	fi
	[ -z "$bundle" ] || rm -rf "$bundle"
	rm -f "$errf"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# runc bundle: rootfs = the program, busybox and /bin/sh, read-only;
# config.json from `runc spec`, args set per mode.
have_runc=""
if command -v runc >/dev/null && command -v jq >/dev/null && [ "$(id -u)" -eq 0 ]; then
	bundle=$(mktemp -d "$(realpath "$build_dir")/bench/procbundle.XXXXXX")
	mkdir -p "$bundle/rootfs/bin"
	cp "$bin" "$bundle/rootfs/process"
	if [ -e "$busybox" ]; then
		cp "$busybox" "$bundle/rootfs/bin/busybox"
		ln -s busybox "$bundle/rootfs/bin/sh"
	fi
	(cd "$bundle" && runc spec)
	mkdir -p "$runc_root"
	have_runc=1
else
	echo "note: runc skipped (needs runc and jq in PATH and root)" >&2
fi
runc_config() { # runc_config ARGS... : the process args of the bundle
	jq --args '.process.args = $ARGS.positional | .process.terminal = false |
		.root.readonly = true | .hostname = "procbench"' "$@" \
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
	native) timeout "$RUN_TIMEOUT" "$bin" "$mode" "$n" ;;
	cvisor) timeout "$RUN_TIMEOUT" "$cvisor" "do" -- "$bin" "$mode" "$n" ;;
	runsc) timeout "$RUN_TIMEOUT" runsc --root "$runsc_root" --platform=ptrace \
		--network=none "do" "$bin" "$mode" "$n" ;;
	runc)
		id="procbench-$$-$mode-$rep"
		timeout "$RUN_TIMEOUT" runc --root "$runc_root" run --bundle "$bundle" "$id" ;;
	esac
}

# run_reps ENV MODE N : prints the median ns/op of REPS runs, or "n/a".  The
# output is read through a pipe: runsc writes to a regular-file stdout
# without moving the shared file offset, so never point it at a file.
run_reps() {
	local env=$1 mode=$2 n=$3 out ns=() i
	for ((i = 0; i < REPS; i++)); do
		if ! out=$(launch "$env" "$mode" "$n" "$i" 2>"$errf") ||
			[[ ! "$out" =~ ^$mode\ ns_per_op\ ([0-9.]+)$ ]]; then
			echo "warning: $env $mode N=$n failed: $(head -c 300 "$errf")" >&2
			echo "n/a"
			return
		fi
		ns+=("${BASH_REMATCH[1]}")
	done
	median "${ns[@]}"
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
declare -A med
for mode in "${modes[@]}"; do
	[ -z "$have_runc" ] || runc_config /process "$mode" "$(nval runc "$mode")"
	for env in "${envs[@]}"; do
		if { [ "$env" = cvisor ] && [ ! -x "$cvisor" ]; } ||
			{ [ "$env" = runc ] && [ -z "$have_runc" ]; } ||
			{ [ "$env" = runsc ] && [ -z "$have_runsc" ]; }; then
			med[$env,$mode]=n/a
			continue
		fi
		echo "running $mode in $env (N=$(nval "$env" "$mode"), $REPS runs)" >&2
		med[$env,$mode]=$(run_reps "$env" "$mode" "$(nval "$env" "$mode")")
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

runsc_ver="" runc_ver=""
[ -z "$have_runsc" ] || runsc_ver=$(runsc --version 2>/dev/null | head -n1 || true)
[ -z "$have_runc" ] || runc_ver=$(runc --version 2>/dev/null | head -n1 || true)
info="median ns/op of $REPS runs each, $(nproc) CPUs, kernel $(uname -r)"
[ -z "$runc_ver" ] || info="$info, $runc_ver"
[ -z "$runsc_ver" ] || info="$info, $runsc_ver (ptrace)"
legend="forkwait: ns per fork + child _exit + waitpid; forkexec: ns per fork + execve of a static program that exits at once + waitpid; pipepong: ns per 1-byte round trip between two processes over two pipes; futexpong: ns per futex wake/wait round trip between two threads; script: ns per fork + exec of busybox sh -c on a 200-line script of builtins + waitpid"

echo "$info"
echo "$legend"
row() { printf '%-10s %10s %10s %10s %10s %9s %9s %9s %11s\n' "$@"; }
row mode native cvisor runc runsc "cv/nat" "runc/nat" "runsc/nat" "cv>runsc x"
for r in "${rows[@]}"; do
	IFS='|' read -r a b c d e f g h i <<<"$r"
	row "$a" "$b" "$c" "$d" "$e" "$f" "$g" "$h" "$i"
done
echo "N per run:"
for mode in "${modes[@]}"; do
	IFS='|' read -r a b c d e <<<"$(nrow "$mode")"
	printf '%-10s %10s %10s %10s %10s\n' "$a" "$b" "$c" "$d" "$e"
done

if [ -n "$md" ]; then
	{
		echo "# Processes and threads"
		echo
		echo "$info; ratios use medians; the last column is"
		echo "(runsc/native) / (cvisor/native). $legend."
		echo
		echo "| ${header//|/ | } |"
		echo "|---|--:|--:|--:|--:|--:|--:|--:|--:|"
		for r in "${rows[@]}"; do echo "| ${r//|/ | } |"; done
		echo
		echo "N per run:"
		echo
		echo "| mode | native | cvisor | runc | runsc |"
		echo "|---|--:|--:|--:|--:|"
		for mode in "${modes[@]}"; do r=$(nrow "$mode"); echo "| ${r//|/ | } |"; done
	} >"$md"
	echo "wrote $md"
fi
