#!/usr/bin/env bats
# Finding 9 of the security review (issue 12), its two signal bugs: a
# parent's sigtimedwait never saw SIGCHLD, and pause() was restarted after
# a handler ran (in another thread) instead of returning EINTR. The attack
# program is tests/security/signals.c; each case must print in the sandbox
# what it prints natively. The full rules are in the conformance tests
# sigtimedwait_sigchld, pause_eintr and restart_rules.

load common

# same_as_native CASE: run signals CASE natively and in the sandbox (10 s
# at most), compare; $output is the sandbox's.
same_as_native() {
	local native
	native=$(timeout 10 "$SEC/signals" "$1")
	[ -n "$native" ]
	# as cdo does, under timeout: a lost signal must not hang the suite
	# shellcheck disable=SC2086
	run -0 timeout 10 "$CVISOR" do ${CVISOR_DO_FLAGS:-} -- "$SEC/signals" "$1"
	echo "native: $native"
	echo "sandbox: $output"
	[ "$output" = "$native" ]
}

@test "finding 9: a parent with SIGCHLD blocked sees its child's exit in sigtimedwait and signalfd" {
	same_as_native sigchld
	[ "${lines[0]}" = "sigtimedwait: SIGCHLD CLD_EXITED pid ok status 42" ]
	[ "${lines[1]}" = "signalfd: SIGCHLD CLD_EXITED pid ok status 43" ]
}

@test "finding 9: pause() returns EINTR in the main thread when another thread signals the process" {
	same_as_native pause
	[ "${lines[0]}" = "pause: -1 Interrupted system call, handler in the main thread" ]
	[ "${lines[1]}" = "pause (SA_RESTART): -1 Interrupted system call, handler in the main thread" ]
}
