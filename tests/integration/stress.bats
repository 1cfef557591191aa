#!/usr/bin/env bats
# The sentry survives what the application does to itself (issue 4): its
# own failure is fine, the sandbox must end cleanly with nothing left behind.

bats_require_minimum_version 1.5.0

setup_file() {
	export BUILD=${BUILD:-build}
	export CVISOR=$BUILD/cvisor PROGS=$BUILD/tests/conformance/progs
	[ -x "$CVISOR" ] || { echo "no $CVISOR" >&2; return 1; }
}

# descendants PID: PID:STARTTIME of every host process below PID (the
# supervisor, the sentry, the stub processes).
descendants() {
	local c
	for c in $(cat /proc/"$1"/task/*/children 2>/dev/null); do
		echo "$c:$(awk '{ sub(/.*\) /, ""); print $20 }' /proc/"$c"/stat 2>/dev/null)"
		descendants "$c"
	done
}

# Run a program in the background, wait for cvisor, then check that no
# process it started (seen 0.3 s in) survives it.
run_clean() {
	"$CVISOR" do $CVISOR_DO_FLAGS -- "$@" >"$BATS_TEST_TMPDIR/out" 2>"$BATS_TEST_TMPDIR/err" &
	local pid=$!
	sleep 0.3
	local kids k
	kids=$(descendants $pid)
	[ -n "$kids" ] || { echo "cvisor $pid started no process" >&2; return 1; }
	wait $pid
	status=$?
	sleep 0.2
	for k in $kids; do
		[ -n "${k#*:}" ] || continue    # gone before its start time was read
		if [ "$(awk '{ sub(/.*\) /, ""); print $20 }' /proc/"${k%%:*}"/stat 2>/dev/null)" = "${k#*:}" ]; then
			echo "process ${k%%:*} outlived cvisor: $(cat /proc/"${k%%:*}"/stat)" >&2
			return 1
		fi
	done
	output=$(cat "$BATS_TEST_TMPDIR/out")
}

@test "a fork bomb hits the process limit, and everything is gone after" {
	run_clean "$PROGS/forkbomb"
	[ "$status" -eq 0 ]
	[[ "$output" == "fork failed after "*"Resource temporarily unavailable" ]]
	[ "$(pgrep -c -f "$PROGS/forkbomb" || true)" = 0 ]
}

@test "2,000 threads start and end with the process" {
	run_clean "$PROGS/threads2k"
	[ "$status" -eq 0 ]
	[ "$output" = "threads 2000" ]
}

@test "20,000 signals to itself, every one handled" {
	run_clean "$PROGS/killloop"
	[ "$status" -eq 0 ]
	[ "$output" = "handled 20000" ]
}
