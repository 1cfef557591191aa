#!/usr/bin/env bash
# bench/process.sh BUILD_DIR [--md FILE]
#
# Times process and thread operations with BUILD_DIR/bench/process natively,
# under BUILD_DIR/cvisor do --, under runc (plain namespaces, no sandbox) and
# under gVisor's runsc do (ptrace platform).  Modes (see bench/process.c):
# forkwait (fork + child _exit + waitpid), forkexec (fork + execve + waitpid),
# pathexec (the same after three execve()s that fail with ENOENT, a shell's
# PATH search),
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
# PATHEXEC PIPEPONG FUTEXPONG SCRIPT).
set -euo pipefail
. "$(dirname "$0")/lib.sh"

bench_args "$@"
REPS=${REPS:-5}
RUN_TIMEOUT=${RUN_TIMEOUT:-120}
modes=(forkwait forkexec pathexec pipepong futexpong script)

# Default N: ~0.2-1 s per run natively (2 vCPU VM: ~150 us per fork+wait,
# ~500 us per fork+exec+wait, ~1 ms per script run, 5-20 us per pipe or
# futex round trip).  cvisor measured ~5x native for fork and exec, runsc's
# ptrace platform ~10x (futex and pipe round trips: cvisor ~1-4x, runsc
# ~5x); runc runs on the host kernel directly, so it gets the native N.
declare -A defN=(
	[NATIVE_FORKWAIT]=3000 [NATIVE_FORKEXEC]=1000 [NATIVE_PATHEXEC]=1000 [NATIVE_PIPEPONG]=30000 [NATIVE_FUTEXPONG]=30000 [NATIVE_SCRIPT]=400
	[CVISOR_FORKWAIT]=500  [CVISOR_FORKEXEC]=200  [CVISOR_PATHEXEC]=200  [CVISOR_PIPEPONG]=10000 [CVISOR_FUTEXPONG]=30000 [CVISOR_SCRIPT]=100
	[RUNC_FORKWAIT]=3000   [RUNC_FORKEXEC]=1000   [RUNC_PATHEXEC]=1000   [RUNC_PIPEPONG]=30000   [RUNC_FUTEXPONG]=30000   [RUNC_SCRIPT]=400
	[RUNSC_FORKWAIT]=300   [RUNSC_FORKEXEC]=100   [RUNSC_PATHEXEC]=100   [RUNSC_PIPEPONG]=5000   [RUNSC_FUTEXPONG]=5000   [RUNSC_SCRIPT]=50
)

# forkexec execs argv[0], which must be absolute (bench_build makes it so).
bench_build process -pthread

# script mode needs a static busybox at /bin/busybox in every environment.
busybox=/bin/busybox
if [ ! -x "$busybox" ] || { command -v file >/dev/null &&
	! file -L "$busybox" | grep -q 'statically linked'; }; then
	echo "note: $busybox missing or not static (install busybox-static): script will fail" >&2
fi

busy_note
bench_envs proc
# runc bundle: rootfs = the program, busybox and /bin/sh, read-only;
# config.json from `runc spec`, args set per mode.
if [ -n "$have_runc" ]; then
	mkdir -p "$bundle/rootfs/bin"
	cp "$bin" "$bundle/rootfs/process"
	if [ -e "$busybox" ]; then
		cp "$busybox" "$bundle/rootfs/bin/busybox"
		ln -s busybox "$bundle/rootfs/bin/sh"
	fi
fi
runc_prog=/process
prog_args() { pargs=("$1" "$2"); }

bench_run_all
bench_rows
bench_info "median ns/op of $REPS runs each"
legend="forkwait: ns per fork + child _exit + waitpid; forkexec: ns per fork + execve of a static program that exits at once + waitpid; pathexec: the same after 3 execves failing with ENOENT (a PATH search); pipepong: ns per 1-byte round trip between two processes over two pipes; futexpong: ns per futex wake/wait round trip between two threads; script: ns per fork + exec of busybox sh -c on a 200-line script of builtins + waitpid"

bench_print
bench_print_n "N per run:"

if [ -n "$md" ]; then
	{
		bench_md "Processes and threads"
		bench_md_n "N per run:"
	} >"$md"
	echo "wrote $md"
fi
