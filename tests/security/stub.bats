#!/usr/bin/env bats
# The stub under attack from the application it serves (issue 12's earlier
# escape attempts, and finding 9's hang), kept as regression tests:
# jumps into its code with forged registers, changes to its region, and
# garbage written into its shared pages.  docs/security.md, "Escape
# attempts kept as regression tests", says what each checks.

load common

# Every bound below is a guard against a hang (the test fails instead of
# blocking the suite), not a measure: each program takes seconds.

@test "jumps to every syscall instruction of the stub with forged registers: each call traps to the sentry" {
	out=$BATS_TEST_TMPDIR/out trace=$BATS_TEST_TMPDIR/trace
	status=0
	timeout -s KILL 600 "$CVISOR" do ${CVISOR_DO_FLAGS:-} --strace -- "$SEC/stub_jump" \
		>"$out" 2>"$trace" || status=$?
	grep -v '^try' "$out" || true
	[ "$status" -eq 0 ]
	grep -q '^done [0-9]' "$out"
	# each forged call is in the sentry's trace of that process: the
	# application filter trapped it, the host never ran it
	run awk 'FNR == NR { if (match($0, /^\[pid [0-9]+\] [a-z_0-9]+\(/)) seen[substr($0, 1, RLENGTH)] = 1; next }
		 /^try / { n++; sub(/:$/, "", $4)
			   if (!(("[pid " $2 "] " $4 "(") in seen)) { print "not trapped: " $0; bad++ } }
		 END { print n " tries"; exit bad || n < 100 }' "$trace" "$out"
	echo "$output"
	[ "$status" -eq 0 ]
}

@test "changes to the stub region from the application are refused; its read-only pages fault on write" {
	run -0 timeout -s KILL 300 "$CVISOR" do ${CVISOR_DO_FLAGS:-} -- "$SEC/stub_tamper"
	! grep FAIL <<<"$output"
	[[ "${lines[-1]}" == "done "* ]]
}

@test "garbage in a thread's, a sibling's and the response page: the process ends or is killed, never hangs; the sentry goes on" {
	# the program forks a child per case and reports each: it goes on
	# only if the sentry survived the case before
	run -0 --separate-stderr timeout -s KILL 600 "$CVISOR" do ${CVISOR_DO_FLAGS:-} -- \
		"$SEC/sysmsg_corrupt"
	echo "$output"
	! grep -E 'HUNG|: exit [^0]' <<<"$output"
	[ "${lines[-1]}" = done ]
	[ "${#lines[@]}" -ge 30 ]
}
