#!/usr/bin/env bats
# Findings 2 and 4 of the security review.
#
# 2. An application could make the host kill its stub process with a real
#    signal (every host signal blocked, or its alternate stack on a read-only
#    page, before a trap; a 32-bit system call), and with the caller's
#    `ulimit -c unlimited` the host wrote a core file of application memory
#    into the bundle or working directory.  Stub processes are now not
#    dumpable and have RLIMIT_CORE 0, and such a death is the application's
#    death by that signal in the sandbox, reported as such.
# 4. Through the stub's own `exit`, a container's init could leave its host
#    process without the sentry noticing: `kill ID KILL` then did nothing.
#    A host thread's exit now wakes the sentry (CLONE_CHILD_CLEARTID on its
#    sysmsg word), and a fatal signal ends a thread group when it is sent,
#    whether or not its threads ever enter the sentry again.

load common

setup() {
	cd "$BATS_TEST_TMPDIR"
	ulimit -c unlimited
}

# no_cores DIR...: no core file appeared in any of them.
no_cores() {
	local d found=
	for d in "$@"; do
		found+=$(find "$d" -maxdepth 1 -name 'core*' -newer "$BATS_TEST_TMPDIR" 2>/dev/null)
	done
	[ -z "$found" ] || { echo "core files: $found"; false; }
}

# attack MODE STATUS SIGNAME: cvisor do -- stub_abuse MODE exits with
# STATUS, names the signal, and leaves no core file behind.
attack() {
	run --separate-stderr timeout -k 5 60 "$CVISOR" do ${CVISOR_DO_FLAGS:-} -- "$SEC/stub_abuse" "$1"
	echo "status $status, stderr: $stderr"
	[ "$status" -eq "$2" ]
	[ "$output" = "attack $1" ]
	[[ "$stderr" == *"process 1 (stub_abuse) was killed on the host by $3"* ]]
	no_cores "$BATS_TEST_TMPDIR" "$(dirname "$CVISOR")" "$SEC"
}

@test "finding 2: every host signal blocked before a trap: death by SIGSYS, no core file" {
	attack blockall 159 "Bad system call"
}

@test "finding 2: alternate stack on the read-only request page: death by SIGSEGV, no core file" {
	attack altstack 139 "Segmentation fault"
}

@test "finding 2: a 32-bit system call (int \$0x80): death by SIGSYS, no core file" {
	attack int80 159 "Bad system call"
}

@test "finding 2: stub processes are not dumpable and have RLIMIT_CORE 0, whatever the caller's limits" {
	cdo_bg -- /bin/busybox sleep 30
	cli=$!
	sentry=$(sentry_of $cli)
	[ -n "$sentry" ]
	for p in $sentry $(pgrep -P "$sentry"); do
		# the sentry and every stub: no core, whatever the caller's ulimit
		grep -q '^Max core file size *0 *0 ' "/proc/$p/limits"
	done
	# Not dumpable: in the sandbox's own user namespace, a process of the
	# same ids with no capabilities may not read a stub's /proc/PID/environ
	# (it may a dumpable one's).  From the host's namespace root is always
	# allowed: the namespace's owner holds every capability in it.
	for p in $(pgrep -P "$sentry"); do
		run nsenter --user --target "$sentry" setpriv --reuid=0 --regid=0 --clear-groups \
			--inh-caps=-all --bounding-set=-all cat "/proc/$p/environ"
		echo "stub $p: $status $output"
		[ "$status" -ne 0 ]
		[[ "$output" == *"Permission denied"* ]]
	done
	kill -KILL $cli
	wait $cli || true
}

@test "finding 2: an OCI container's death by a host signal leaves no core file in the bundle" {
	B=$BATS_TEST_TMPDIR/bundle
	EDIT='c["process"]["rlimits"] = [{"type": "RLIMIT_CORE", "hard": 0, "soft": 0}]' \
		bundle_of "$B" /bin/stub_abuse blockall
	cd "$B"
	run --separate-stderr timeout -k 5 60 "$CVISOR" --root "$BATS_TEST_TMPDIR/state" run -b "$B" core-$$
	echo "status $status, stderr: $stderr"
	[ "$status" -eq 159 ]
	no_cores "$B" "$B/rootfs"
}

@test "finding 4: the stub's thread exit from application code ends the process (SIGKILL), no hang" {
	attack exit 137 "Killed"
}

@test "finding 4: a thread that blocked every host signal and spins still dies of kill -9 and SIGTERM" {
	# cvisor do: SIGTERM to cvisor reaches the application and ends it
	cdo_bg -- "$SEC/stub_abuse" blockspin >"$BATS_TEST_TMPDIR/out"
	cli=$!
	for i in $(seq 100); do grep -q blockspin "$BATS_TEST_TMPDIR/out" && break; sleep 0.05; done
	sleep 0.2
	kill -TERM $cli
	run timeout 30 tail --pid=$cli -f /dev/null
	[ "$status" -eq 0 ]
	wait $cli || st=$?
	[ "${st:-0}" -eq 143 ]

	# a container: cvisor kill ID KILL ends it
	B=$BATS_TEST_TMPDIR/bundle
	bundle_of "$B" /bin/stub_abuse blockspin
	C="$CVISOR --root $BATS_TEST_TMPDIR/state"
	$C create -b "$B" spin-$$ </dev/null >"$BATS_TEST_TMPDIR/out2" 2>&1
	$C start spin-$$
	for i in $(seq 100); do grep -q blockspin "$BATS_TEST_TMPDIR/out2" && break; sleep 0.05; done
	grep -q blockspin "$BATS_TEST_TMPDIR/out2"
	sleep 0.2       # from its message to its jump: microseconds
	run -0 $C kill spin-$$ KILL
	for i in $(seq 100); do
		[ "$($C state spin-$$ | python3 -c 'import json,sys; print(json.load(sys.stdin)["status"])')" = stopped ] && break
		sleep 0.1
	done
	run -0 $C state spin-$$
	[[ "$output" == *'"status": "stopped"'* ]] || [[ "$output" == *'"status":"stopped"'* ]]
	$C delete --force spin-$$
}

@test "finding 4: cvisor do forwards every signal to the application (USR1 and USR2 were lost)" {
	# As the init of its pid namespace the sentry never saw a signal it had
	# no handler for; SIGUSR1 was its own kick.
	for s in HUP INT QUIT USR1 USR2 ALRM TERM PIPE VTALRM PROF WINCH URG XCPU; do
		cdo_bg -- /bin/busybox sh -c "trap 'echo got $s; exit 0' $s; echo ready; sleep 20" \
			>"$BATS_TEST_TMPDIR/$s"
		cli=$!
		for i in $(seq 200); do grep -q ready "$BATS_TEST_TMPDIR/$s" && break; sleep 0.05; done
		kill -$s $cli
		run timeout 30 tail --pid=$cli -f /dev/null
		wait $cli || true
		echo "$s: $(cat "$BATS_TEST_TMPDIR/$s" | tr '\n' ' ')"
		grep -qx "got $s" "$BATS_TEST_TMPDIR/$s"
	done
}
