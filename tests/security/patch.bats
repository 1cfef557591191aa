#!/usr/bin/env bats
# The fast entry of patched syscall sites (docs/syscall-patching.md) under
# attack: the application finds it through its own patched code and jumps
# there with forged registers and GS bases.  Every forged call is served by
# the sentry or faults the process; the trampolines and the stub stay
# read-only; the sentry goes on.

load common

@test "forged jumps into the fast entry of patched sites: served by the sentry or a fault, never the host" {
	if cdo --stats -- true 2>&1 | grep -q 'syscall patching off'; then
		skip "syscall patching is off here (no FSGSBASE)"
	fi
	run --separate-stderr timeout -s KILL 300 "$CVISOR" do ${CVISOR_DO_FLAGS:-} --strace -- \
		"$SEC/patch_forge"
	echo "$output"
	[ "$status" -eq 0 ]
	! grep -q FAIL <<<"$output"
	[[ "${lines[-1]}" == "done "* ]]
	# the forged numbers reached the sentry (reported by name), not the host
	grep -q 'unsupported syscall 1073741863' <<<"$stderr"
	grep -q 'unsupported syscall 100000' <<<"$stderr"
	# and the forged getpids were served by it (in its trace)
	[ "$(grep -c '\] getpid() = ' <<<"$stderr")" -ge 4 ]
}
