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
. "$(dirname "$0")/lib.sh"

bench_args "$@"
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

bench_build fs

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

busy_note
bench_envs fs
# runc bundle: rootfs = the program + a hard link (or copy) of the file at
# its host path, read-only; config.json from `runc spec`, args set per run.
if [ -n "$have_runc" ]; then
	mkdir -p "$bundle/rootfs$datadir"
	cp "$bin" "$bundle/rootfs/fs"
	ln "$data" "$bundle/rootfs$data" 2>/dev/null || cp "$data" "$bundle/rootfs$data"
fi
runc_prog=/fs
prog_args() { pargs=("$data" "$1" "$2"); }

bench_run_all
bench_rows
mbrow="read MB/s|${mbps[native,read]}|${mbps[cvisor,read]}|${mbps[runc,read]}|${mbps[runsc,read]}"
bench_info "median ns/op of $REPS runs each on a cached 100 MiB file"
legend="openclose: ns per open+close; stat: ns per stat; pread4k: ns per random 4 KiB pread; read: ns per 4 KiB of sequential 1 MiB reads"

bench_print
IFS='|' read -r a b c d e <<<"$mbrow"
printf '%-10s %10s %10s %10s %10s\n' "read MB/s" "$b" "$c" "$d" "$e"
bench_print_n "N per run (read: passes over the file):"

if [ -n "$md" ]; then
	{
		bench_md "File-system calls"
		echo
		echo "Sequential read throughput (median MB/s, 10^6 bytes):"
		echo
		echo "| | native | cvisor | runc | runsc |"
		echo "|---|--:|--:|--:|--:|"
		echo "| ${mbrow//|/ | } |"
		bench_md_n "N per run (read: passes over the file):"
	} >"$md"
	echo "wrote $md"
fi
