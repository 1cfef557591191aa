#!/usr/bin/env bash
# make fuzz (docs/security.md, "Fuzzing"): three fuzzing runs in the sandbox,
#   trinity-nobody  trinity as uid 65534 (tests/fuzz/nobody drops to it inside)
#   trinity-root    trinity as the sandbox's root, --dangerous
#   fuzz            our own random-syscall fuzzer (tests/fuzz/fuzz.c)
# each in `cvisor do` with a scratch --rw directory of its own, bounded by a
# number of calls and an outer timeout.  Per run it reports the calls made,
# how the sandbox ended (a sentry crash: the sentry died of a signal, the
# sandbox exited 125, or our fuzzer's supervisor died), whether it hung
# (passed its timeout) and what it left on the host: processes (a ps snapshot
# and the run's memory cgroup), files in /tmp, /dev/shm and /run/cvisor, and
# mounts.  Last line: "fuzz: N calls, N sentry crashes, N hangs, N leftovers";
# the exit status is 1 unless the last three are 0.
#
#   tests/fuzz/run.sh BUILD
#
# Environment:
#   FUZZ_SEED           seed of every run (default: the time; printed)
#   FUZZ_CALLS          calls of our fuzzer (1000000)
#   FUZZ_TRINITY_CALLS  calls of each trinity run (50000)
#   FUZZ_RUNS           which runs ("trinity-nobody trinity-root fuzz")
#   FUZZ_MEM            memory limit of each sandbox, a v1 or v2 memory cgroup
#                       (4G).  The sandbox's memory-backed files (tmpfs,
#                       memfd) are the host's memory, as Linux's memfds are:
#                       without a limit a fuzzer's fallocate can make the host
#                       OOM-kill other processes.  0: no cgroup (not advised).
#
# Logs stay in BUILD/fuzz/: RUN.out, RUN.err (the sandbox's stderr), trinity's
# per-child logs, fuzz.log (every child that did not end normally, with the
# command that replays it), summary.
#
# The runs see a private mount namespace whose /tmp, /dev/shm and /run/cvisor
# are fresh tmpfs mounts: whatever the sandbox leaves there is ours to see, and
# other work on the machine does not blur the listing.  The binaries are
# copied into a work directory, so that `ps` tells the sandbox's processes
# (they run as that copy of cvisor) from anyone else's.
set -uo pipefail

if [ "${1:-}" != --inner ]; then
	B=$(realpath "${1:-build}")
	for f in cvisor tests/fuzz/fuzz tests/fuzz/nobody; do
		[ -x "$B/$f" ] || { echo "fuzz: $B/$f is missing (make fuzz builds it)" >&2; exit 2; }
	done
	if ! command -v trinity >/dev/null && [ "${FUZZ_RUNS:-trinity}" != fuzz ]; then
		echo "fuzz: trinity is not installed (make fuzz installs it: WITH_FUZZ=1 scripts/deps.sh)" >&2
		exit 2
	fi
	if [ "$(id -u)" != 0 ]; then
		echo "fuzz: run as root (a memory cgroup, a private mount namespace)" >&2
		exit 2
	fi
	W=$(mktemp -d /var/tmp/cvisor-fuzz.XXXXXX) || exit 2
	trap 'rm -rf "$W"' EXIT
	mkdir -p "$W/bin" "$W/log" "$W/rw"
	cp "$B/cvisor" "$B/tests/fuzz/fuzz" "$B/tests/fuzz/nobody" "$W/bin/"
	mkdir -p /run/cvisor
	unshare --mount --propagation private bash "$0" --inner "$W"
	rc=$?
	rm -rf "$B/fuzz"
	mkdir -p "$B/fuzz"
	cp -r "$W/log/." "$B/fuzz/"
	echo "fuzz: logs in $B/fuzz"
	exit $rc
fi

# --- inside the private mount namespace ---
W=$2
BIN=$W/bin
LOG=$W/log
SEED=${FUZZ_SEED:-$(date +%s)}
CALLS=${FUZZ_CALLS:-1000000}
TCALLS=${FUZZ_TRINITY_CALLS:-50000}
RUNS=${FUZZ_RUNS:-trinity-nobody trinity-root fuzz}
MEM=${FUZZ_MEM:-4G}

for d in /tmp /dev/shm /run/cvisor; do
	mount -t tmpfs -o mode=1777 "fuzz-$(basename "$d")" "$d" || exit 2
done

# A memory cgroup for one run: v1's memory controller, else v2's.  It goes
# with the run, or with this script if it is stopped.
CG= RUNPID=
stop() {
	# the sandbox's CLI: its death takes the sandbox (PR_SET_PDEATHSIG)
	[ -n "$RUNPID" ] && pkill -KILL -P "$RUNPID" 2>/dev/null
	exit 130
}
trap stop INT TERM
trap '[ -n "$CG" ] && { settle; rmdir "$CG" 2>/dev/null; }' EXIT
cg_make() {
	local v1=/sys/fs/cgroup/memory v2=/sys/fs/cgroup
	[ "$MEM" = 0 ] && return 0
	[ -f /sys/fs/cgroup/unified/cgroup.controllers ] && v2=/sys/fs/cgroup/unified
	if [ -f "$v1/memory.limit_in_bytes" ]; then
		CG=$v1/cvisor-fuzz.$$
		mkdir "$CG" && echo "$MEM" >"$CG/memory.limit_in_bytes" && return 0
	elif grep -qw memory "$v2/cgroup.subtree_control" 2>/dev/null; then
		CG=$v2/cvisor-fuzz.$$
		mkdir "$CG" && echo "$MEM" >"$CG/memory.max" && return 0
	fi
	echo "fuzz: cannot make a memory cgroup (FUZZ_MEM=0 runs without one)" >&2
	[ -n "$CG" ] && rmdir "$CG" 2>/dev/null
	exit 2
}

# What the sandbox could leave on the host.
snap_procs() {
	local p
	for p in /proc/[0-9]*; do
		[ "$p/exe" -ef "$BIN/cvisor" ] && echo "${p#/proc/} $(tr '\0' ' ' <"$p/cmdline" 2>/dev/null)"
	done | sort
}
snap_files() { find /tmp /dev/shm /run/cvisor -xdev -mindepth 1 -maxdepth 3 2>/dev/null | sort; }
snap_mounts() { awk '{ print $5, $9, $10 }' /proc/self/mountinfo | sort; }

# Wait (up to 10 s) for the sandbox's processes to go: the sentry's end
# kills its stubs, and the kernel needs a moment to reap them.
settle() {
	for _ in $(seq 50); do
		[ -z "$(snap_procs)" ] && { [ -z "$CG" ] || [ -z "$(cat "$CG/cgroup.procs")" ]; } && return
		sleep 0.2
	done
}

total_calls=0 total_crash=0 total_hang=0 total_left=0
printf '%-15s %9s %6s  %-5s %-5s %-9s %s\n' run calls time crash hang leftovers end >"$LOG/table"

# run NAME TIMEOUT CMD...: one sandbox; CMD runs inside, in the scratch dir.
run() {
	local name=$1 limit=$2 rw=$W/rw/$1 out=$LOG/$1.out err=$LOG/$1.err
	local rc calls crash=0 hang=0 left=0 end start=$SECONDS
	shift 2
	mkdir -p "$rw"
	chmod 0777 "$rw"
	cg_make
	ps -eo pid,ppid,stat,args >"$LOG/$name.ps.before"
	snap_procs >"$LOG/$name.procs.before"
	snap_files >"$LOG/$name.files.before"
	snap_mounts >"$LOG/$name.mounts.before"
	echo "== $name: $*" >&2
	(
		[ -n "$CG" ] && echo $BASHPID >"$CG/cgroup.procs"
		cd "$rw" || exit 2
		exec timeout --verbose -k 10 "$limit" "$BIN/cvisor" do --rw "$rw" --rw "$LOG" -- "$@"
	) </dev/null >"$out" 2>"$err" &
	RUNPID=$!
	wait $RUNPID
	rc=$?
	RUNPID=
	local secs=$((SECONDS - start))
	settle
	ps -eo pid,ppid,stat,args >"$LOG/$name.ps.after"
	snap_procs >"$LOG/$name.procs.after"
	snap_files >"$LOG/$name.files.after"
	snap_mounts >"$LOG/$name.mounts.after"
	{
		comm -13 "$LOG/$name.procs.before" "$LOG/$name.procs.after" | sed 's/^/process /'
		[ -n "$CG" ] && sed 's/^/process (cgroup) /' "$CG/cgroup.procs"
		comm -13 "$LOG/$name.files.before" "$LOG/$name.files.after" | sed 's/^/file /'
		comm -13 "$LOG/$name.mounts.before" "$LOG/$name.mounts.after" | sed 's/^/mount /'
	} >"$LOG/$name.leftovers"
	left=$(wc -l <"$LOG/$name.leftovers")
	local oom=0
	if [ -n "$CG" ]; then
		cat "$CG"/memory.max_usage_in_bytes "$CG"/memory.peak 2>/dev/null | head -1 |
			awk '{ printf "memory peak: %.0f MiB\n", $1 / 1048576 }' >"$LOG/$name.mem"
		oom=$(cat "$CG"/memory.oom_control "$CG"/memory.events 2>/dev/null |
			awk '$1 == "oom_kill" { print $2; exit }')
		oom=${oom:-0}
		rmdir "$CG" 2>/dev/null || echo "cgroup $CG kept: not empty" >>"$LOG/$name.leftovers"
		CG=
	fi
	for f in "$rw"/trinity*.log; do
		[ -e "$f" ] && cp "$f" "$LOG/$name.$(basename "$f")"
	done

	if grep -q '^timeout: sending signal' "$err"; then
		hang=1 end="passed its ${limit} s timeout"
	elif grep -q 'cvisor: the sentry died' "$err"; then
		crash=1 end=$(grep -m1 'cvisor: the sentry died' "$err")
	elif [ "$rc" = 125 ]; then
		crash=1 end="the sandbox failed (125)"
	else
		end="exit $rc"
	fi
	case $name in
	fuzz)
		calls=$(sed -n 's/^fuzz: seed [0-9]*: \([0-9]*\) calls.*/\1/p' "$out")
		if [ -z "$calls" ] && [ "$hang" = 0 ] && [ "$crash" = 0 ]; then
			crash=1 end="the fuzzer's supervisor (the sandbox's init) died: exit $rc"
		fi
		grep -q ' [1-9][0-9]* unkillable' "$out" && hang=1 end="$end; a child SIGKILL did not end"
		;;
	*)
		calls=$(sed -n 's/.*Ran \([0-9]*\) syscalls.*/\1/p' "$out" | tail -1)
		[ -z "$calls" ] && calls=$(sed -n 's/.*\] \([0-9]*\) iterations.*/\1/p' "$out" | tail -1)
		;;
	esac
	calls=${calls:-0}
	[ "$oom" != 0 ] && end="$end; $oom OOM kills at its $MEM memory limit"
	printf '%-15s %9s %5ss  %-5s %-5s %-9s %s\n' "$name" "$calls" "$secs" "$crash" "$hang" "$left" "$end" |
		tee -a "$LOG/table" >&2
	grep '^cvisor' "$err" | grep -v 'unsupported syscall' | head -5 | sed 's/^/    stderr: /' >&2
	sed 's/^/    leftover: /' "$LOG/$name.leftovers" | head -10 >&2
	total_calls=$((total_calls + calls)) total_crash=$((total_crash + crash))
	total_hang=$((total_hang + hang)) total_left=$((total_left + left))
}

# trinity: 4 children, its own seed, quiet, 64-bit calls only: an int 0x80
# kills the caller with SIGSYS (docs/platform.md), and trinity's main
# neither reaps nor replaces a child that died of SIGSYS, so one 32-bit call
# per child stalls the run.  Pid 1 is a shell, as a container's init would
# be, so that trinity's own main is an ordinary process.
trinity_cmd() {
	echo "cd '$W/rw/$1' && $2 trinity -q -a64 -N $TCALLS -C 4 -s $SEED $3; echo trinity exit \$?"
}

echo "fuzz: seed $SEED" >&2
for r in $RUNS; do
	case $r in
	trinity-nobody)
		run "$r" 900 /bin/sh -c "$(trinity_cmd "$r" "$BIN/nobody" "")" ;;
	trinity-root)
		run "$r" 900 /bin/sh -c "$(trinity_cmd "$r" "" --dangerous)" ;;
	fuzz)
		run "$r" 900 "$BIN/fuzz" --seed "$SEED" --calls "$CALLS" --log "$LOG/fuzz.log" ;;
	*)
		echo "fuzz: unknown run $r" >&2
		exit 2 ;;
	esac
done
{
	cat "$LOG/table"
	echo "load average: $(cut -d' ' -f1-3 /proc/loadavg)"
	echo "fuzz: $total_calls calls, $total_crash sentry crashes, $total_hang hangs, $total_left leftovers"
} | tee "$LOG/summary" | tail -2
[ "$total_crash" = 0 ] && [ "$total_hang" = 0 ] && [ "$total_left" = 0 ]
