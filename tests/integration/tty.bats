#!/usr/bin/env bats
# Terminals and signals as Linux delivers them (issue 15 item 4): the line
# discipline's signals reach the sandbox terminal's foreground process
# group; a container's init ignores from outside a signal it has no
# handler for (docker stop waits, then kills).
#
#   make -j2 all && BUILD=build bats tests/integration/tty.bats
#
# Runs as root.  The terminal is a pty that tests/integration/pty_drive.py
# drives as a user at a keyboard: it waits for output, then types.

bats_require_minimum_version 1.5.0

BUILD=${BUILD:-build}
CVISOR=$(realpath "$BUILD/cvisor")
DRIVE=$BATS_TEST_DIRNAME/pty_drive.py
BUSYBOX=/bin/busybox

setup() {
	STATE=$BATS_TEST_TMPDIR/state
	C="$CVISOR --root $STATE"
}

teardown() {
	for id in $($C list -q 2>/dev/null); do
		$C delete --force "$id" >/dev/null 2>&1
	done
}

@test "cvisor do -- bash -i: Ctrl-C interrupts the foreground job, bash goes on" {
	command -v bash >/dev/null || skip "no bash"
	run python3 "$DRIVE" "send:sh -c 'echo RE\"\"ADY; exec sleep 1000'\n ;; expect:READY ;;
		send:\x03 ;; send:echo \"s\"\"t=\$?\"\n ;; expect:st= ;; send:exit 7\n" -- \
		"$CVISOR" do -- bash --norc --noprofile -i
	echo "$output"
	[ "$status" -eq 7 ]                    # bash survived and exited as told
	[[ "$output" == *st=130* ]]             # the job died of SIGINT
}

@test "cvisor do -- bash -i: Ctrl-Z stops the foreground job, fg and Ctrl-C end it" {
	command -v bash >/dev/null || skip "no bash"
	# the job says when it runs again (its CONT trap), so that Ctrl-C comes
	# after bash gave it the terminal back
	job='trap \"echo RES\"\"UMED\" CONT; echo RE\"\"ADY; while :; do sleep 1; done'
	run python3 "$DRIVE" "send:sh -c '$job'\n ;; expect:READY ;; send:\x1a ;; expect:Stopped ;;
		send:echo \"s\"\"t=\$?\"\n ;; expect:st= ;; send:fg\n ;; expect:RESUMED ;; send:\x03 ;;
		send:echo \"s\"\"t2=\$?\"\n ;; expect:st2= ;; send:exit 7\n" -- \
		"$CVISOR" do -- bash --norc --noprofile -i
	echo "$output"
	[ "$status" -eq 7 ]
	[[ "$output" == *st=148* ]]             # stopped by SIGTSTP
	[[ "$output" == *st2=130* ]]            # then ended by SIGINT
}

@test "cvisor do -- sh -c python3: Ctrl-C reaches python under its shell: KeyboardInterrupt, 130" {
	command -v python3 >/dev/null || skip "no python3"
	# Python runs its C signal handler at once but raises KeyboardInterrupt
	# only between bytecodes: a Ctrl-C that lands after the last check and
	# before time.sleep() enters the kernel waits for the sleep to end, in
	# the sandbox and natively alike.  The one loss seen (a CI run under
	# load, python went on sleeping in sleep(1000)) fits that window; 100
	# runs of 100 passed on a loaded machine afterwards.  One-second sleeps
	# bound the window's cost.
	# python is not init: only the foreground group gets the SIGINT to it
	run python3 "$DRIVE" "expect:READY ;; send:\x03" -- "$CVISOR" do -- sh -c \
		'python3 -c "import time; print(\"RE\" \"ADY\", flush=True)
while True: time.sleep(1)"; echo "after=$?"'
	echo "$output"
	[ "$status" -eq 130 ]                   # sh too died of SIGINT, as natively
	[[ "$output" == *KeyboardInterrupt* ]]
}

# A busybox bundle whose init is $@ (no handler for SIGTERM).
bundle() {
	local rootfs=$BATS_TEST_TMPDIR/rootfs
	mkdir -p "$rootfs/bin" "$rootfs/proc" "$rootfs/dev" "$rootfs/sys" "$rootfs/tmp" "$B"
	cp "$BUSYBOX" "$rootfs/bin/busybox"
	for a in sh sleep true; do ln -sf busybox "$rootfs/bin/$a"; done
	(cd "$B" && $CVISOR spec) || return 1
	python3 - "$B/config.json" "$rootfs" "$@" <<-'EOF'
		import json, sys
		path, rootfs, args = sys.argv[1], sys.argv[2], sys.argv[3:]
		c = json.load(open(path))
		c["root"]["path"] = rootfs
		c["process"]["terminal"] = False
		c["process"]["args"] = args
		json.dump(c, open(path, "w"))
	EOF
}

status_of() {
	$C state "$1" | python3 -c 'import json,sys; print(json.load(sys.stdin)["status"])'
}

@test "kill TERM of a container's init without a handler is ignored; KILL ends it: 137" {
	[ -x "$BUSYBOX" ] || skip "no $BUSYBOX (busybox-static)"
	B=$BATS_TEST_TMPDIR/bundle
	bundle /bin/sleep 1000
	$C run -b "$B" ki1 >"$BATS_TEST_TMPDIR/out" 2>&1 &
	runner=$!
	for i in $(seq 100); do [ "$(status_of ki1 2>/dev/null)" = running ] && break; sleep 0.1; done
	echo "$(cat "$BATS_TEST_TMPDIR/out")"
	[ "$(status_of ki1)" = running ]
	run -0 $C kill ki1 TERM
	run -0 $C kill ki1 INT
	# the sentry acts on a kill before it answers: a fatal one would have
	# ended init by now, and exec would find no running container
	run -0 $C exec ki1 /bin/true
	[ "$(status_of ki1)" = running ]
	run -0 $C kill ki1 KILL
	rc=0
	wait "$runner" || rc=$?
	echo "run: $rc, $(cat "$BATS_TEST_TMPDIR/out")"
	[ "$rc" -eq 137 ]
}

@test "cvisor do on a terminal: /dev/tty is that terminal" {
	run python3 "$DRIVE" "" -- "$CVISOR" do -- sh -c \
		'echo to-the-tty > /dev/tty; [ -t 0 ] && test -t 3 3<>/dev/tty && echo "is""atty"'
	echo "$output"
	[ "$status" -eq 0 ]
	[[ "$output" == *to-the-tty* ]] && [[ "$output" == *isatty* ]]
}
