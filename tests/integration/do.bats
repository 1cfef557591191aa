#!/usr/bin/env bats
# Integration tests for `cvisor do`: run static programs in the sandbox and
# check what a user sees (output, exit status, messages) and what the host
# sees (seccomp on the stub processes, no process left behind).
#
#   make -j2 all $(ls tests/conformance/progs/*.c | sed 's|\(.*\)\.c|build/\1|')
#   BUILD=build bats tests/integration/do.bats
#
# Runs as root. Tests whose prerequisite (busybox-static, a helper program,
# a dynamic /bin/ls) is missing are skipped, not failed.

bats_require_minimum_version 1.5.0

BUILD=${BUILD:-build}
CVISOR=$BUILD/cvisor
PROGS=$BUILD/tests/conformance/progs
BUSYBOX=/bin/busybox

setup_file() {
	if [ ! -x "$CVISOR" ]; then
		echo "$CVISOR is missing: run 'make all' (or set BUILD)" >&3
		return 1
	fi
}

setup() {
	SANDBOX_PIDS=()  # cvisor processes started in the background by a test
	STUB_PIDS=()     # their children, as seen while they ran
}

# Kill whatever a test started, even when it failed half-way.
teardown() {
	local p
	for p in "${SANDBOX_PIDS[@]}" "${STUB_PIDS[@]}"; do
		kill -KILL "$p" 2>/dev/null || true
	done
	for p in "${SANDBOX_PIDS[@]}"; do
		wait "$p" 2>/dev/null || true
	done
}

# --- helpers ---

need_prog() {
	[ -x "$PROGS/$1" ] ||
		skip "helper $PROGS/$1 not built (make $PROGS/$1)"
}

# need_static FILE: skip unless FILE is a static executable (no PT_INTERP).
need_static() {
	[ -x "$1" ] || skip "$1 not found (Debian: apt-get install busybox-static)"
	if command -v readelf >/dev/null && readelf -lW "$1" | grep -q INTERP; then
		skip "$1 is dynamically linked (Debian: apt-get install busybox-static)"
	fi
}

# start_sandbox [setsid] ARGS...: run `cvisor do -- ARGS` in the background
# (in a new session and process group if "setsid" comes first) with stdout
# in $out and stderr in $err; sets $pid. SIGINT gets its default action
# (a non-interactive shell would have the background job ignore it), and the
# job does not hold bats' fd 3, so a leftover cannot hang the suite.
start_sandbox() {
	local pre=()
	if [ "$1" = setsid ]; then
		pre=(setsid)   # not a group leader here: setsid execs, no fork
		shift
	fi
	out=$BATS_TEST_TMPDIR/out err=$BATS_TEST_TMPDIR/err
	"${pre[@]}" env --default-signal=INT "$CVISOR" do $CVISOR_DO_FLAGS -- "$@" >"$out" 2>"$err" </dev/null 3>&- &
	pid=$!
	SANDBOX_PIDS+=("$pid")
}

# wait_ready: wait (at most 5 s) for the sandboxed sleeper to print "ready".
wait_ready() {
	local i
	for ((i = 0; i < 100; i++)); do
		grep -qx ready "$out" && return 0
		is_running "$pid" || break
		sleep 0.05
	done
	echo "sandbox did not get ready; stdout: $(cat "$out"); stderr: $(cat "$err")"
	return 1
}

# is_running PID [STARTTIME]: PID exists, is not a zombie and, if given, is
# still the process that started at STARTTIME (not a reused pid).
is_running() {
	local stat
	stat=$(cat "/proc/$1/stat" 2>/dev/null) || return 1
	stat=${stat##*") "}        # fields from 3 on: state ppid ...
	set -- "$1" "${2:-}" $stat
	[ "$3" != Z ] && [ "$3" != X ] || return 1
	[ -z "$2" ] || [ "${22}" = "$2" ]   # $k is field k; 22: starttime
}

starttime() {
	local stat
	stat=$(cat "/proc/$1/stat" 2>/dev/null) || return 1
	stat=${stat##*") "}
	set -- $stat
	echo "${20}"
}

# children PID: the host children of every thread of PID.
children() {
	cat /proc/"$1"/task/*/children 2>/dev/null | tr ' ' '\n' | grep . || true
}

# descendants PID: every host process below PID (the supervisor, the
# sentry and the stub processes: src/sandbox/confine.h).
descendants() {
	local c
	for c in $(children "$1"); do
		echo "$c"
		descendants "$c"
	done
}

# stubs PID: the stub processes of cvisor $1: in the sandbox's pid
# namespace (two NSpid levels) but not its init, the sentry.
stubs() {
	local c ns
	for c in $(descendants "$1"); do
		ns=$(awk '$1 == "NSpid:" { print NF - 1, $NF }' /proc/"$c"/status 2>/dev/null)
		[ "${ns% *}" = 2 ] && [ "${ns#* }" != 1 ] && echo "$c"
	done
}

# record_stubs: remember every process below $pid (with their start times)
# for teardown and for checking later that they are gone.
record_stubs() {
	local c
	STUBS=()
	for c in $(descendants "$pid"); do
		STUBS+=("$c:$(starttime "$c")")
		STUB_PIDS+=("$c")
	done
	[ "${#STUBS[@]}" -gt 0 ] || { echo "cvisor $pid has no children"; return 1; }
}

# wait_gone SECONDS PID:START...: wait until none of them runs any more.
wait_gone() {
	local secs=$1 i s left
	shift
	for ((i = 0; i <= secs * 20; i++)); do
		left=
		for s in "$@"; do
			is_running "${s%%:*}" "${s#*:}" && left="$left ${s%%:*}"
		done
		[ -z "$left" ] && return 0
		sleep 0.05
	done
	echo "still running after ${secs} s:$left"
	ps -o pid,ppid,stat,nlwp,args -p "${left# }" || true
	return 1
}

# wait_exit SECONDS: wait for $pid to exit; its status goes to $status.
wait_exit() {
	local i
	for ((i = 0; i <= $1 * 20; i++)); do
		is_running "$pid" || break
		sleep 0.05
	done
	if is_running "$pid"; then
		echo "cvisor $pid still running after $1 s"
		return 1
	fi
	status=0
	wait "$pid" || status=$?
}

# --- running programs ---

@test "busybox echo prints its arguments and exits 0" {
	need_static "$BUSYBOX"
	run -0 --separate-stderr "$CVISOR" do $CVISOR_DO_FLAGS -- "$BUSYBOX" echo hello
	[ "$output" = hello ]
	[ "$stderr" = "" ]
}

@test "uname -r shows the sentry's release, not the host's" {
	need_static "$BUSYBOX"
	run -0 --separate-stderr "$CVISOR" do $CVISOR_DO_FLAGS -- "$BUSYBOX" uname -r
	[[ "$output" == *cvisor* ]]
	[ "$output" != "$(uname -r)" ]
	[ "${#lines[@]}" -eq 1 ]
}

@test "the sandbox's CPUs are the ones cvisor may run on (taskset), as natively" {
	need_static "$BUSYBOX"
	[ "$(nproc --all)" -ge 2 ] || skip "one CPU"
	run -0 --separate-stderr "$CVISOR" do $CVISOR_DO_FLAGS -- "$BUSYBOX" nproc
	[ "$output" = "$("$BUSYBOX" nproc)" ]
	# CPU 1 alone: the mask is 2, not the first CPU's 1
	run -0 --separate-stderr taskset -c 1 "$CVISOR" do $CVISOR_DO_FLAGS -- \
		"$BUSYBOX" sh -c "$BUSYBOX taskset -p \$\$"
	[[ "$output" == *"current affinity mask: 2" ]]
	[ "${output##*: }" = "$(taskset -c 1 "$BUSYBOX" sh -c "$BUSYBOX taskset -p \$\$" | sed 's/.*: //')" ]
}

@test "the program is pid 1 of the sandbox" {
	need_prog getpid_one
	run -0 --separate-stderr "$CVISOR" do $CVISOR_DO_FLAGS -- "$PROGS/getpid_one"
	[ "$output" = 1 ]
}

@test "PROG without a slash is looked up in PATH" {
	need_prog getpid_one
	run -0 --separate-stderr env PATH="$PWD/$PROGS:/nonexistent" "$CVISOR" do $CVISOR_DO_FLAGS getpid_one
	[ "$output" = 1 ]
}

@test "arguments after PROG are passed on, even ones that look like options" {
	need_static "$BUSYBOX"
	run -0 --separate-stderr "$CVISOR" do $CVISOR_DO_FLAGS -- "$BUSYBOX" echo --strace -- "a b" ''
	[ "$output" = "--strace -- a b " ]
}

@test "unsupported syscalls return ENOSYS and are reported by name" {
	need_prog enosys
	run -0 --separate-stderr "$CVISOR" do $CVISOR_DO_FLAGS -- "$PROGS/enosys"
	[ "$output" = $'1000: ENOSYS\nkexec_load: ENOSYS' ]
	grep -qx 'cvisor: unsupported syscall 1000' <<<"$stderr"
	grep -qx 'cvisor: unsupported syscall kexec_load (246)' <<<"$stderr"
}

@test "an unsupported syscall is reported only once" {
	need_prog enosys_twice
	run -0 --separate-stderr "$CVISOR" do $CVISOR_DO_FLAGS -- "$PROGS/enosys_twice"
	[ "$output" = $'1000: ENOSYS\nkexec_load: ENOSYS\n1000: ENOSYS\nkexec_load: ENOSYS' ]
	[ "$(grep -c 'unsupported syscall kexec_load (246)' <<<"$stderr")" -eq 1 ]
	[ "$(grep -c 'unsupported syscall 1000' <<<"$stderr")" -eq 1 ]
}

@test "a NULL dereference kills the program with SIGSEGV: exit 139" {
	need_prog nullderef
	run -139 --separate-stderr "$CVISOR" do $CVISOR_DO_FLAGS -- "$PROGS/nullderef"
	[ "$output" = "" ]
}

@test "a bad pointer passed to write gives EFAULT, not a crash" {
	need_prog badwrite
	run -0 --separate-stderr "$CVISOR" do $CVISOR_DO_FLAGS -- "$PROGS/badwrite"
	[ "$output" = "EFAULT ok" ]
}

@test "the program's exit status is cvisor's" {
	need_prog exit_status
	run -42 "$CVISOR" do $CVISOR_DO_FLAGS -- "$PROGS/exit_status" 42
	run -1 "$CVISOR" do $CVISOR_DO_FLAGS -- "$PROGS/exit_status" 1
	run -255 "$CVISOR" do $CVISOR_DO_FLAGS -- "$PROGS/exit_status" 255
	run -0 "$CVISOR" do $CVISOR_DO_FLAGS -- "$PROGS/exit_status" 0
}

# --- the hand-off (platform/handoff.c) ---

# YIELD (docs/performance.md, "The hand-off on one CPU"): with the sandbox
# on one CPU, each pair of a stub thread and its sentry thread yields the
# CPU to the other instead of a futex wake and wait.  Threads that wait
# on each other and a fork, fixed in that mode: the programs' own checks
# pass, and --stats counts the round trips made in it.
@test "CVISOR_HANDOFF=yield on one CPU: threads and processes run, in that mode" {
	local prog n
	for prog in threads_join fork_wait futex_basic; do
		[ -x "$BUILD/tests/conformance/$prog" ] ||
			skip "$BUILD/tests/conformance/$prog not built"
		run -0 --separate-stderr env CVISOR_HANDOFF=yield taskset -c 0 \
			"$CVISOR" do $CVISOR_DO_FLAGS --stats -- "$BUILD/tests/conformance/$prog"
		n=$(awk '$1 == "yield" { print $2 }' <<<"$stderr")
		echo "$prog: $n round trips in yield"
		[ "${n:-0}" -gt 0 ]
	done
}

# --- --strace and --stats ---

@test "--strace prints the program's syscalls to stderr" {
	need_static "$BUSYBOX"
	run -0 --separate-stderr "$CVISOR" do $CVISOR_DO_FLAGS --strace -- "$BUSYBOX" echo hello
	[ "$output" = hello ]
	grep -qxF '[pid 1] write(1, "hello\n", 6) = 6' <<<"$stderr"
	grep -qF '[pid 1] brk(' <<<"$stderr"
	grep -qF '[pid 1] arch_prctl(' <<<"$stderr"
	# exit_group is the last call and does not return
	[ "$(grep '^\[pid ' <<<"$stderr" | tail -n 1)" = '[pid 1] exit_group(0) = ?' ]
}

@test "--strace shows each call --stats counts, and nothing else" {
	need_static "$BUSYBOX"
	run -0 --separate-stderr "$CVISOR" do $CVISOR_DO_FLAGS --strace --stats -- "$BUSYBOX" echo hello
	[ "$output" = hello ]
	local traced total name calls n
	traced=$(grep -c '^\[pid [0-9]*\] [a-z0-9_]*(' <<<"$stderr")
	total=$(awk '$1 == "total" { print $2 }' <<<"$stderr")
	echo "strace lines: $traced, stats total: $total"
	[ -n "$total" ] && [ "$traced" -gt 0 ]
	[ "$traced" -eq "$total" ]
	# and per syscall
	while read -r name calls _; do
		n=$(grep -c "^\[pid [0-9]*\] $name(" <<<"$stderr" || true)
		echo "$name: stats $calls, strace $n"
		[ "$n" -eq "$calls" ]
	done < <(awk '/^syscall +calls/ { t = 1; next } t && $1 != "total" && NF >= 3' <<<"$stderr")
}

@test "--stats prints a per-syscall table and a total" {
	need_prog getpid_one
	run -0 --separate-stderr "$CVISOR" do $CVISOR_DO_FLAGS --stats -- "$PROGS/getpid_one"
	[ "$output" = 1 ]   # the table goes to stderr only
	grep -Eq '^syscall +calls +mean ns$' <<<"$stderr"
	grep -Eq '^getpid +1 +[0-9]+$' <<<"$stderr"
	grep -Eq '^write +1 +[0-9]+$' <<<"$stderr"
	grep -Eq '^exit_group +1 +[0-9]+$' <<<"$stderr"
	grep -Eq '^total +[0-9]+' <<<"$stderr"
	# the total is the sum of the calls column
	[ "$(awk '/^syscall +calls/ { t = 1; next } t && $1 != "total" { s += $2 } END { print s }' <<<"$stderr")" \
		-eq "$(awk '$1 == "total" { print $2 }' <<<"$stderr")" ]
}

@test "without --strace or --stats nothing is printed on stderr" {
	need_prog getpid_one
	run -0 --separate-stderr "$CVISOR" do $CVISOR_DO_FLAGS -- "$PROGS/getpid_one"
	[ "$stderr" = "" ]
}

# --- usage errors and programs that cannot run ---

@test "do without a program: exit 2, 'missing program'" {
	run -2 --separate-stderr "$CVISOR" do
	[ "$output" = "" ]
	[ "${stderr_lines[0]}" = "cvisor do: missing program" ]
	run -2 --separate-stderr "$CVISOR" do --
	[ "${stderr_lines[0]}" = "cvisor do: missing program" ]
	run -2 --separate-stderr "$CVISOR" do $CVISOR_DO_FLAGS --strace --stats
	[ "${stderr_lines[0]}" = "cvisor do: missing program" ]
}

@test "do with an unknown option: exit 2" {
	run -2 --separate-stderr "$CVISOR" do --bogus -- /bin/true
	[ "$output" = "" ]
	[[ "${stderr_lines[0]}" == *"unknown option '--bogus'"* ]]
}

@test "a program that does not exist: exit 127" {
	run -127 --separate-stderr "$CVISOR" do $CVISOR_DO_FLAGS -- /nonexistent/prog
	[ "$stderr" = "cvisor: /nonexistent/prog: No such file or directory" ]
	run -127 --separate-stderr env PATH=/nonexistent "$CVISOR" do $CVISOR_DO_FLAGS -- no-such-program
	[ "$stderr" = "cvisor: no-such-program: No such file or directory" ]
}

@test "a file that is not ELF: exit 126, 'not an ELF'" {
	local f=$BATS_TEST_TMPDIR/text
	printf 'just text\n' >"$f"
	chmod 755 "$f"
	run -126 --separate-stderr "$CVISOR" do --rw "$BATS_TEST_TMPDIR" -- "$f"
	[[ "$stderr" == "cvisor: $f: not an ELF"* ]]
	[ "${#stderr_lines[@]}" -eq 1 ]
}

@test "a file without execute permission: exit 126" {
	need_prog getpid_one
	local f=$BATS_TEST_TMPDIR/noexec
	cp "$PROGS/getpid_one" "$f"
	chmod 644 "$f"
	run -126 --separate-stderr "$CVISOR" do --rw "$BATS_TEST_TMPDIR" -- "$f"
	[ "$stderr" = "cvisor: $f: Permission denied" ]
	[ "$output" = "" ]
}

@test "a directory: exit 126 (execve's EACCES)" {
	run -126 --separate-stderr "$CVISOR" do $CVISOR_DO_FLAGS -- /
	[ "$stderr" = "cvisor: /: Permission denied" ]
}

@test "an ELF for another machine is refused: exit 126, one line" {
	printf '\177ELF\001\001\001\000\000\000\000\000\000\000\000\000\002\000\003\000' > "$BATS_TEST_TMPDIR/i386"
	head -c 64 /dev/zero >> "$BATS_TEST_TMPDIR/i386"
	chmod +x "$BATS_TEST_TMPDIR/i386"
	run -126 --separate-stderr "$CVISOR" do --rw "$BATS_TEST_TMPDIR" -- "$BATS_TEST_TMPDIR/i386"
	[ "$output" = "" ]
	[ "${#stderr_lines[@]}" -eq 1 ]
	[[ "$stderr" == *"not an x86_64 ELF"* ]]
}

@test "an unknown command: exit 2" {
	run -2 --separate-stderr "$CVISOR" bogus
	[ "$output" = "" ]
	[[ "$stderr" == *bogus* ]]
}

# --- the host side: confinement and process lifetime ---

@test "every thread of the stub processes runs under seccomp (mode 2)" {
	need_prog sleeper
	start_sandbox "$PROGS/sleeper" 30
	wait_ready
	record_stubs
	local c t st threads most=0
	for c in $(stubs "$pid"); do
		threads=0
		for t in /proc/"$c"/task/*; do
			st=$(awk '$1 == "Seccomp:" { print $2 }' "$t/status")
			echo "stub $c thread ${t##*/}: Seccomp $st"
			[ "$st" = 2 ]
			threads=$((threads + 1))
		done
		[ "$threads" -gt "$most" ] && most=$threads
	done
	# the application's stub: syscall thread + application thread
	[ "$most" -ge 2 ]
	echo "sentry $pid: $(grep Seccomp: /proc/"$pid"/status)"
}

@test "SIGINT to cvisor (Ctrl-C): exit 130 at once, no stub left" {
	need_prog sleeper
	start_sandbox "$PROGS/sleeper" 30
	wait_ready
	record_stubs
	kill -INT "$pid"
	wait_exit 5
	echo "cvisor exited $status; stderr: $(cat "$err")"
	[ "$status" -eq 130 ]
	wait_gone 2 "${STUBS[@]}"
}

@test "Ctrl-C on a terminal (SIGINT to the whole process group): exit 130, no stub left" {
	need_prog sleeper
	command -v setsid >/dev/null || skip "setsid not found"
	start_sandbox setsid "$PROGS/sleeper" 30
	wait_ready
	record_stubs
	# what the tty driver does: the stubs are in cvisor's group and get it too
	[ "$(ps -o pgid= -p "$pid" | tr -d ' ')" = "$pid" ]
	kill -INT -- "-$pid"
	wait_exit 5
	echo "cvisor exited $status; stderr: $(cat "$err")"
	[ "$status" -eq 130 ]
	wait_gone 2 "${STUBS[@]}"
}

@test "SIGKILL of cvisor takes the stub processes with it" {
	need_prog sleeper
	start_sandbox "$PROGS/sleeper" 30
	wait_ready
	record_stubs
	kill -KILL "$pid"
	wait_exit 2
	[ "$status" -eq 137 ]
	wait_gone 2 "${STUBS[@]}"
}

@test "after a normal exit no stub process remains" {
	need_prog sleeper
	start_sandbox "$PROGS/sleeper" 1
	wait_ready
	record_stubs
	wait_exit 5
	[ "$status" -eq 0 ]
	[ "$(cat "$out")" = ready ]
	wait_gone 1 "${STUBS[@]}"
}
