#!/usr/bin/env bats
# Syscall patching (issue 16 item 1, docs/syscall-patching.md): the
# conformance programs that exercise patched sites (many threads, self-
# modifying code, signals, fork and exec) pass in the sandbox, and their
# calls really went through the patched sites (cvisor do --stats counts
# them); with CVISOR_NOPATCH=1 nothing is patched and they pass as well.

bats_require_minimum_version 1.5.0

setup_file() {
	export BUILD=${BUILD:-build}
	export CVISOR=$BUILD/cvisor
	export CONF=$BUILD/tests/conformance
	[ -x "$CVISOR" ] || { echo "no $CVISOR" >&2; return 1; }
}

setup() {
	# patching needs FSGSBASE (the fast entry finds its page through GS)
	if "$CVISOR" do $CVISOR_DO_FLAGS --stats -- true 2>&1 | grep -q 'syscall patching off'; then
		skip "syscall patching is off here (no FSGSBASE)"
	fi
}

# fast PROG STATUS MIN: PROG exits with STATUS in the sandbox, and at least
# MIN of its calls went through patched sites.
fast() {
	run --separate-stderr "$CVISOR" do $CVISOR_DO_FLAGS --stats -- "$CONF/$1" a b
	echo "$stderr" | tail -3
	[ "$status" -eq "$2" ]
	line=$(grep '^sentry: syscall patching' <<<"$stderr")
	[[ "$line" == "sentry: syscall patching on, "* ]]
	sites=$(sed -E 's/.* ([0-9]+) syscall sites patched.*/\1/' <<<"$line")
	calls=$(sed -E 's/.* ([0-9]+) calls through them/\1/' <<<"$line")
	[ "$sites" -gt 0 ]
	[ "$calls" -ge "$3" ]
}

# slow PROG STATUS: the same with patching off: nothing patched.
slow() {
	CVISOR_NOPATCH=1 run --separate-stderr "$CVISOR" do $CVISOR_DO_FLAGS --stats -- \
		"$CONF/$1" a b
	[ "$status" -eq "$2" ]
	grep -q '^sentry: syscall patching off, 0 syscall sites patched, 0 calls through them$' \
		<<<"$stderr"
}

@test "one site from 6 threads while others start and exit: each call answers its own thread, through the patch" {
	fast syscall_patch_threads 0 200000
}

@test "self-modifying code reads back and runs what it wrote after its sites were patched" {
	fast syscall_patch_selfmod 0 250
}

@test "signals during patched calls: SA_RESTART, EINTR, and SSE state across handlers" {
	fast syscall_patch_signals 0 1000
}

@test "fork and execve from patched sites" {
	fast syscall_patch_fork 42 500
}

@test "the getppid benchmark's calls (glibc syscall()) go through a patched site" {
	run --separate-stderr "$CVISOR" do $CVISOR_DO_FLAGS --stats -- "$BUILD/bench/syscall" 100000
	[ "$status" -eq 0 ]
	grep -qE '^sentry: syscall patching on, [1-9][0-9]* syscall sites patched, [0-9]{6,} calls' \
		<<<"$stderr"
}

# patched PROG ARGS...: the number of sites patched in PROG's run
patched() {
	run --separate-stderr "$CVISOR" do $CVISOR_DO_FLAGS --stats -- "$@"
	[ "$status" -eq 0 ]
	sed -nE 's/^sentry: syscall patching on, ([0-9]+) syscall sites patched.*/\1/p' <<<"$stderr"
}

@test "a process patches nothing before it has trapped 64 times; after, its sites in use are patched" {
	# bench/syscall N: its start-up (~15 calls), then N getppid()s from one site
	[ "$(patched "$BUILD/bench/syscall" 10)" = 0 ]
	[ "$(patched "$BUILD/bench/syscall" 40)" = 0 ]
	[ "$(patched "$BUILD/bench/syscall" 100)" -ge 1 ]
}

@test "CVISOR_NOPATCH=1: nothing is patched, the same programs pass" {
	slow syscall_patch_threads 0
	slow syscall_patch_selfmod 0
	slow syscall_patch_signals 0
	slow syscall_patch_fork 42
}
