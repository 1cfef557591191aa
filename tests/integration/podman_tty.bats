#!/usr/bin/env bats
# podman run -it with cvisor as its runtime (issue 15 item 4): Ctrl-C on
# the terminal podman gives the container reaches its foreground process
# group, as through docker (docker.bats runs runc beside it there; podman
# with runc cannot start a container on this machine: "error setting
# rlimit type 7", ../../shared/ENVIRONMENT.md).  Skips without podman.

bats_require_minimum_version 1.5.0

BUILD=${BUILD:-build}
CVISOR=$(realpath "$BUILD/cvisor")
DRIVE=$BATS_TEST_DIRNAME/pty_drive.py

load rootfs

setup_file() {
	command -v podman >/dev/null && podman info >/dev/null 2>&1 || return 0
	export BB=$BATS_FILE_TMPDIR/bb PYROOT=$BATS_FILE_TMPDIR/py
	mkdir -p "$BB/bin" "$BB/proc" "$BB/dev" "$BB/sys" "$BB/tmp"
	cp /bin/busybox "$BB/bin/"
	for a in sh sleep echo; do ln -s busybox "$BB/bin/$a"; done
	app_rootfs "$PYROOT" "python3.11-minimal libpython3.11-minimal"
}

setup() {
	[ -n "${BB:-}" ] || skip "podman is not installed or does not work here"
}

# ctrl_c ROOTFS CMD...: Ctrl-C on `podman run -it` once CMD said READY.
ctrl_c() {
	local root=$1
	shift
	run python3 "$DRIVE" "expect:READY ;; send:\x03" -- podman --runtime "$CVISOR" run --rm -it \
		--network=none --rootfs "$root" "$@"
	echo "$status: $output"
}

@test "podman run -it: Ctrl-C interrupts python3 (PID 1) with KeyboardInterrupt, 130" {
	# one-second sleeps: see tty.bats on Python's window between a signal
	# and its KeyboardInterrupt
	ctrl_c "$PYROOT" /usr/bin/python3.11 -c 'import time; print("RE" "ADY", flush=True)
while True: time.sleep(1)'
	[ "$status" -eq 130 ] && [[ "$output" == *KeyboardInterrupt* ]]
}

@test "podman run -it: Ctrl-C ends the foreground sleep; the shell (PID 1) exits 130 as under docker with runc" {
	# READY from the child that becomes sleep: see docker.bats
	ctrl_c "$BB" sh -c 'sh -c "echo RE\"\"ADY; exec sleep 1000"; echo "af""ter=$?"'
	[ "$status" -eq 130 ] && [[ "$output" != *after=* ]]
}
