#!/usr/bin/env bats
# SCM_RIGHTS cycles are collected (issue 14, item 2): a socket passed over
# itself, two in each other's queue, a listener in its own pending
# connection's queue, all closed, leave the sentry with as many open files
# as a run that made none.  The sentry prints its count of open files at
# exit under --stats (no application-visible API: Linux has none).

bats_require_minimum_version 1.5.0

setup_file() {
	export BUILD=${BUILD:-build}
	export CVISOR=$BUILD/cvisor
	export PROG=$BUILD/tests/conformance/progs/scm_cycle
	[ -x "$CVISOR" ] || { echo "no $CVISOR" >&2; return 1; }
	[ -x "$PROG" ] || { echo "no $PROG" >&2; return 1; }
}

# files_at_exit N: the sentry's open files when scm_cycle N has exited.
files_at_exit() {
	run -0 --separate-stderr "$CVISOR" do ${CVISOR_DO_FLAGS:-} --stats -- "$PROG" "$1"
	sed -n 's/^sentry: \([0-9]*\) files open at exit$/\1/p' <<<"$stderr"
}

@test "SCM_RIGHTS cycles closed by the application are collected: no file leaks" {
	local base after
	base=$(files_at_exit 0)
	after=$(files_at_exit 50)
	echo "open files at exit: $base without cycles, $after after 150 cycles"
	[ -n "$base" ]
	[ -n "$after" ]
	[ "$after" -eq "$base" ]
}
