#!/usr/bin/env bash
# bench/build.sh [OPTIONS] [BUILD_DIR]
#
# A real build (issue 16): `make -j2 all` of this project, from clean, timed
# natively, in `cvisor do --rw SCRATCH` (one or two builds), in runc and in
# gVisor's runsc.  The project's tree at HEAD (`git archive HEAD`, so that
# uncommitted changes and the worktree's own build directory play no part)
# is unpacked once into a scratch directory (under TMPDIR, default
# /var/tmp); before every run its build directory is removed natively,
# outside the timing.  A run is timed from the host, start-up of the sandbox
# included (a few tens of ms beside a build of many seconds), and counts only
# if make exits 0 and SCRATCH/build/cvisor exists afterwards.
#
# runc and runsc run one OCI bundle (made with `runc spec`, under TMPDIR):
# its read-only rootfs is the host's /usr and /etc bind-mounted read-only
# and the host's top-level symlinks into /usr (bin, sbin, lib, lib64: a
# merged /usr), the scratch directory bind-mounted read-write at the same
# path and a fresh tmpfs on /tmp (gcc's temporary files; `cvisor do` gives
# its own /tmp too), no network, the process `make -C SCRATCH -j2 all` as
# root with PATH from the host.  (The host's / itself cannot be the rootfs:
# runc's pivot_root into it fails with EBUSY.)
# runc writes cgroups: its runs hold BENCH_LOCK (default
# /tmp/cvisor-heavy.lock, the lock `make test` shares here; empty: none) only
# while make runs.  runsc runs the same bundle, `runsc --platform=ptrace
# --network=none run` (ptrace: its KVM platform hangs here).
#
# RUNS rounds, each running the build once in every environment, one after
# the other (native, [cvisor-before], cvisor, runc, runsc, native, ...), so
# that a change of load falls on all alike; with two cvisor builds, every
# other round runs cvisor before cvisor-before (the second of two sandbox
# builds in a row was measured 15-35% slower, whichever binary it was).  The table shows the median
# seconds of the rounds (min-max), x native and x runc (the issue's target:
# cvisor within 1.3x of runc).  An environment that fails is shown as n/a,
# its first error under the table, and is not tried again.  The load average
# is printed and recorded at the start and at the end.
#
# Options:
#   --runs N              rounds (default 3)
#   --cvisor PATH         the cvisor binary to test (default BUILD_DIR/cvisor)
#   --cvisor-before PATH  an older build, in the same rounds as its own column
#   --no-runc, --no-runsc leave that peer out
# BUILD_DIR (default build) only names the default cvisor.  The results go to
# bench/results/build-STAMP.md (the table) and build-STAMP.csv (one line per
# run), STAMP being the UTC time.  RUN_TIMEOUT (900) bounds one build, in s.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

build_usage() {
	echo "usage: $0 [--runs N] [--cvisor PATH] [--cvisor-before PATH] [--no-runc]" \
		"[--no-runsc] [BUILD_DIR]" >&2
	exit 2
}
build_dir="" cv="" cv_before="" runs=3 use_runc=1 use_runsc=1
while [ $# -gt 0 ]; do
	case "$1" in
	--runs) [[ "${2:-}" =~ ^[1-9][0-9]*$ ]] || build_usage; runs=$2; shift 2 ;;
	--cvisor) [ $# -ge 2 ] || build_usage; cv=$2; shift 2 ;;
	--cvisor-before) [ $# -ge 2 ] || build_usage; cv_before=$2; shift 2 ;;
	--no-runc) use_runc=""; shift ;;
	--no-runsc) use_runsc=""; shift ;;
	-*) build_usage ;;
	*) [ -z "$build_dir" ] || build_usage; build_dir=$1; shift ;;
	esac
done
build_dir=${build_dir:-build}
cv=${cv:-$build_dir/cvisor}
RUN_TIMEOUT=${RUN_TIMEOUT:-900}
BENCH_LOCK=${BENCH_LOCK-/tmp/cvisor-heavy.lock}
command -v git >/dev/null || { echo "$0: git not found" >&2; exit 1; }

scratch="" bundle="" errf=$(mktemp) lockfd="" oci_id=""
cleanup() {
	[ -z "$oci_id" ] || ${oci[$oci_env]} delete -f "$oci_id" >/dev/null 2>&1 || true
	[ -z "$bundle" ] || rm -rf "$bundle"
	[ -z "$scratch" ] || rm -rf "$scratch"
	rm -f "$errf"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# Not under BUILD_DIR: the Makefile includes every *.d there.
scratch=$(mktemp -d "${TMPDIR:-/var/tmp}/cvisor-buildbench.XXXXXX")
git -C "$bench_srcdir/.." archive HEAD | tar -x -C "$scratch"
head_rev=$(git -C "$bench_srcdir/.." rev-parse --short HEAD)
make_args=(/usr/bin/make -C "$scratch" -j2 all)

cvisor_columns "$cv_before" "$cv" --rw "$scratch"
declare -A oci=( # the OCI runtimes' commands, before "run --bundle B ID"
	[runc]="runc --root $runc_root"
	[runsc]="runsc --root $runsc_root --platform=ptrace --network=none"
)
peers=()
[ -z "$use_runc" ] || { have_runc && peers+=(runc) || echo "note: runc left out" >&2; }
[ -z "$use_runsc" ] || { have_runsc && command -v jq >/dev/null && peers+=(runsc) ||
	echo "note: runsc left out" >&2; }
if [ ${#peers[@]} -gt 0 ]; then
	bundle=$(mktemp -d "${TMPDIR:-/var/tmp}/cvisor-buildbundle.XXXXXX")
	(cd "$bundle" && if command -v runc >/dev/null; then runc spec; else runsc spec; fi)
	args=$(printf '%s\n' "${make_args[@]}" | jq -R . | jq -cs .)
	# The host's programs and libraries: / itself cannot be the rootfs
	# (runc's pivot_root into the current root fails with EBUSY), so the
	# rootfs holds /usr and /etc bind-mounted read-only and the host's
	# top-level symlinks into /usr (Debian's merged /usr: bin, lib, ...).
	mnt=$(jq -cn --arg d "$scratch" '[{destination: $d, type: "bind", source: $d,
		options: ["rbind", "rw"]}, {destination: "/tmp", type: "tmpfs", source: "tmpfs",
		options: ["nosuid", "nodev", "mode=1777"]}]')
	mkdir -p "$bundle/rootfs$scratch" "$bundle/rootfs/tmp"
	for d in /bin /sbin /lib /lib32 /lib64 /libx32 /usr /etc; do
		if [ -L "$d" ]; then
			ln -s "$(readlink "$d")" "$bundle/rootfs$d"
		elif [ -d "$d" ]; then
			mkdir -p "$bundle/rootfs$d"
			mnt=$(jq -c --arg d "$d" '. + [{destination: $d, type: "bind", source: $d,
				options: ["rbind", "ro"]}]' <<<"$mnt")
		fi
	done
	jq --argjson a "$args" --argjson m "$mnt" --arg cwd "$scratch" --arg path "PATH=$PATH" \
		'.process.args = $a | .process.cwd = $cwd | .process.terminal = false |
		.process.env = [$path, "HOME=/root"] | .root.readonly = true |
		.hostname = "buildbench" | .mounts += $m' \
		<"$bundle/config.json" >"$bundle/config.json.new"
	mv -f "$bundle/config.json.new" "$bundle/config.json"
	mkdir -p "$runc_root" "$runsc_root"
	envs+=("${peers[@]}")
fi

first_error() { # the first line of the output that says what failed, else its last
	{ grep -m1 -E '\b(cannot|[Ee]rror|denied)\b|No such|not found' "$errf" || tail -n1 "$errf"; } |
		cut -c1-200
}

# build_once ENV ROUND -> secs: one timed build from clean, or fails (errf
# then holds its output).
build_once() {
	local env=$1 t0 t1 rc=0
	rm -rf "$scratch/build"
	if [ -n "${oci[$env]:-}" ]; then
		if [ "$env" = runc ] && [ -n "$BENCH_LOCK" ]; then
			exec {lockfd}>"$BENCH_LOCK"
			flock "$lockfd"
		fi
		oci_env=$env oci_id="buildbench-$$-$2"
		t0=$EPOCHREALTIME
		# shellcheck disable=SC2086 # oci[] is a command line
		timeout "$RUN_TIMEOUT" ${oci[$env]} run --bundle "$bundle" "$oci_id" </dev/null 2>&1 |
			cat >"$errf" || rc=$?
		t1=$EPOCHREALTIME
		${oci[$env]} delete -f "$oci_id" >/dev/null 2>&1 || true
		oci_id=""
		[ -z "$lockfd" ] || { exec {lockfd}>&-; lockfd=""; }
	else
		t0=$EPOCHREALTIME
		# A pipe, never a file (runsc's stdout offset; the same for all).
		# shellcheck disable=SC2086 # cmd[] is a command line
		timeout "$RUN_TIMEOUT" ${cmd[$env]} "${make_args[@]}" </dev/null 2>&1 |
			cat >"$errf" || rc=$?
		t1=$EPOCHREALTIME
	fi
	[ "$rc" = 0 ] || { why="$(run_why "$rc")$(first_error)"; return 1; }
	[ -x "$scratch/build/cvisor" ] || { why="no build/cvisor after make: $(first_error)"; return 1; }
	secs=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.2f", b - a }')
}

busy_note
load_start=$(loadavg)
started=$(date -u '+%Y-%m-%d %H:%M UTC')
stamp=$(date -u +%Y%m%d-%H%M%S)
resdir=$bench_srcdir/results
mkdir -p "$resdir"
out_md=$resdir/build-$stamp.md out_csv=$resdir/build-$stamp.csv
echo "load average at start: $load_start" >&2
echo "round,env,seconds" >"$out_csv"
declare -A vals fail
for ((r = 1; r <= runs; r++)); do
	order=("${envs[@]}")
	# Two cvisor builds swap places every other round (ABBA): the second
	# of two sandbox builds in a row ran 15-35% slower here, whichever
	# binary it was (docs/performance.md, "The build").
	[ -z "$cv_before" ] || [ $((r % 2)) = 1 ] || order[1]=cvisor order[2]=cvisor-before
	for env in "${order[@]}"; do
		[ -z "${fail[$env]:-}" ] || continue
		echo "round $r of $runs: make -j2 in $env" >&2
		if build_once "$env" "$r"; then
			vals[$env]+=" $secs"
			echo "$r,$env,$secs" >>"$out_csv"
			echo "  $secs s" >&2
		else
			fail[$env]=$why
			echo "$r,$env,fail" >>"$out_csv"
			echo "warning: the build in $env failed: $why" >&2
		fi
	done
done
load_end=$(loadavg)
echo "load average at end: $load_end" >&2

declare -A med
for env in "${envs[@]}"; do
	# shellcheck disable=SC2086 # the values are numbers
	if [ -n "${fail[$env]:-}" ] || [ -z "${vals[$env]:-}" ]; then med[$env]=n/a; else
		med[$env]=$(median ${vals[$env]}); fi
done
spread() { # spread ENV -> "min-max" of its runs
	[ -n "${vals[$1]:-}" ] || { echo -; return; }
	# shellcheck disable=SC2086 # the values are numbers
	printf '%s\n' ${vals[$1]} | sort -g | sed -n '1p;$p' | uniq | paste -sd-
}
cmdline="bench/build.sh --runs $runs${cv_before:+ --cvisor-before $cv_before} --cvisor $cv"
[ -n "$use_runc" ] || cmdline+=" --no-runc"
[ -n "$use_runsc" ] || cmdline+=" --no-runsc"
{
	echo "\`$cmdline\`, $started, $(nproc) CPUs, kernel $(uname -r), tree at $head_rev."
	echo "\`make -C SCRATCH -j2 all\` from clean; $(first_line make --version), $(first_line gcc --version)."
	echo "Load average (1, 5, 15 min) at start: $load_start; at end: $load_end."
	echo "Median seconds over $runs interleaved rounds (min-max); ratios of the medians (lower is better)."
	echo "cvisor = \`$(realpath "$cv")\`${cv_before:+, cvisor-before = \`$(realpath "$cv_before")\`}, \`do --rw SCRATCH\`."
	[[ " ${envs[*]} " != *" runc "* ]] || echo "runc: $(first_line runc --version), rootfs: the host's /usr and /etc bind-mounted ro, SCRATCH rw, tmpfs /tmp."
	[[ " ${envs[*]} " != *" runsc "* ]] ||
		echo "runsc: $(first_line runsc --version), \`runsc --platform=ptrace --network=none run\`, the same bundle."
	echo
	echo "| environment | seconds | runs (min-max) | x native | x runc |"
	echo "|---|--:|--:|--:|--:|"
	for env in "${envs[@]}"; do
		echo "| $env | ${med[$env]} | $(spread "$env") | $(ratio "${med[$env]}" "${med[native]}") | $(ratio "${med[$env]}" "${med[runc]:-n/a}") |"
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
