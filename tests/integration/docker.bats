#!/usr/bin/env bats
# docker drives cvisor (issue 5): a dockerd of our own (throw-away
# --data-root/--exec-root, a daemon.json written by `cvisor install`), an
# image from `docker import` of a busybox root (no registry here), then
# run --rm, run -d / exec / logs / stop / rm, and a published port answered
# by busybox httpd in the sandbox (the sentry's host-mode sockets in the
# container's network namespace).  Skips when dockerd (Debian's docker.io)
# is not installed.  Leaves no daemon, mount, container, bridge or iptables
# rule behind (dockerd leaves its bridge, chains and FORWARD policy).

bats_require_minimum_version 1.5.0

BUILD=${BUILD:-build}
CVISOR=$(realpath "$BUILD/cvisor")

load dockerd
load rootfs

setup_file() {
	command -v dockerd >/dev/null && command -v docker >/dev/null || return 0
	[ -x /bin/busybox ] || return 0
	dockerd_start "$BATS_FILE_TMPDIR/dk"
	busybox_image cvisor-bb sh echo sleep uname cat httpd true
	# python3 from the host's package, for Ctrl-C's KeyboardInterrupt
	app_rootfs "$DK/pyroot" "python3.11-minimal libpython3.11-minimal" &&
		ln -sf python3.11 "$DK/pyroot/usr/bin/python3" &&
		tar -C "$DK/pyroot" -c . | docker import - cvisor-py >/dev/null
}

teardown_file() {
	dockerd_stop
}

setup() {
	[ -n "${DK:-}" ] && docker version >/dev/null 2>&1 || skip "no dockerd (docker.io) or busybox"
}

@test "docker run --rm --runtime=cvisor prints hi and the sentry's release" {
	run -0 --separate-stderr timeout 60 docker run --rm --runtime=cvisor --network=none cvisor-bb \
		/bin/sh -c 'echo hi; uname -r'
	[ "${lines[0]}" = hi ]
	[ "${lines[1]}" = "$($CVISOR do -- /bin/busybox uname -r)" ]
}

@test "docker run -d, exec, logs, stop (SIGTERM handled: 143), rm" {
	id=$(timeout 60 docker run -d --runtime=cvisor --network=none cvisor-bb /bin/sh -c \
		'trap "echo bye; exit 143" TERM; echo started; while true; do sleep 0.1; done')
	run -0 --separate-stderr timeout 30 docker exec "$id" /bin/sh -c 'echo exec-ok'
	[ "$output" = exec-ok ]
	run -0 timeout 30 docker stop -t 10 "$id"
	run -0 --separate-stderr docker inspect "$id" --format '{{.State.ExitCode}}'
	[ "$output" = 143 ]
	run -0 --separate-stderr docker logs "$id"
	[ "${lines[0]}" = started ] && [ "${lines[1]}" = bye ]
	run -0 docker rm "$id"
}

@test "docker run -p 127.0.0.1:PORT:80 busybox httpd: answered from the host" {
	command -v curl >/dev/null || skip "no curl"
	id=$(timeout 60 docker run -d --runtime=cvisor -p 127.0.0.1:18480:80 cvisor-bb \
		/bin/busybox httpd -f -p 80 -h /bin)
	for i in $(seq 50); do
		curl -s -m 2 -o /dev/null http://127.0.0.1:18480/busybox && break
		sleep 0.1
	done
	run -0 curl -s -m 5 -o "$BATS_TEST_TMPDIR/got" -w '%{http_code}' http://127.0.0.1:18480/busybox
	[ "$output" = 200 ]
	cmp "$BATS_TEST_TMPDIR/got" /bin/busybox
	run -0 timeout 30 docker rm -f "$id"
}

@test "docker run -it through a pty (script): the container's terminal" {
	command -v script >/dev/null || skip "no script (bsdutils)"
	run -0 timeout 60 script -qec "docker run --rm -it --runtime=cvisor --network=none cvisor-bb \
		/bin/sh -c 'echo tty-ok; [ -t 0 ] && [ -t 1 ] && echo both-ttys'" /dev/null </dev/null
	[[ "$output" == *tty-ok* ]]
	[[ "$output" == *both-ttys* ]]
}

# Issue 15 item 4, runc and cvisor side by side: the terminal's and init's
# signals (docs/processes.md, Terminals and Init's signals).
DRIVE=$BATS_TEST_DIRNAME/pty_drive.py

# ctrl_c RUNTIME IMAGE CMD...: Ctrl-C on `docker run -it` once CMD said READY.
ctrl_c() {
	local rt=$1
	shift
	run python3 "$DRIVE" "expect:READY ;; send:\x03" -- docker run --rm -it --runtime="$rt" \
		--network=none "$@"
	echo "$rt: $status: $output"
}

@test "docker run -it: Ctrl-C interrupts python3 (PID 1) with KeyboardInterrupt, 130: runc and cvisor" {
	# one-second sleeps: see tty.bats on Python's window between a signal
	# and its KeyboardInterrupt
	local py='import time; print("RE" "ADY", flush=True)
while True: time.sleep(1)'
	ctrl_c runc cvisor-py python3 -c "$py"
	[ "$status" -eq 130 ] && [[ "$output" == *KeyboardInterrupt* ]]
	ctrl_c cvisor cvisor-py python3 -c "$py"
	[ "$status" -eq 130 ] && [[ "$output" == *KeyboardInterrupt* ]]
}

@test "docker run -it: Ctrl-C reaches the foreground sleep of a shell (PID 1), which then ends as runc's does" {
	# busybox ash re-raises the SIGINT its child died of; as PID 1 without
	# a handler that is ignored, and ash then exits 128+2 itself.  The
	# child says READY itself, then becomes sleep: a Ctrl-C typed before
	# the shell's fork would reach only the shell, which ignores it as
	# init, under runc as here (the window is wider where a fork is slower)
	local job='sh -c "echo RE\"\"ADY; exec sleep 1000"; echo "af""ter=$?"'
	ctrl_c runc cvisor-bb sh -c "$job"
	local want_status=$status want=${output##*READY}
	[ "$status" -eq 130 ]
	ctrl_c cvisor cvisor-bb sh -c "$job"
	[ "$status" -eq "$want_status" ] && [ "${output##*READY}" = "$want" ]
}

# stop_sleep RUNTIME: SIGTERM to `sleep 1000` as PID 1, then docker stop.
stop_sleep() {
	local id
	id=$(timeout 60 docker run -d --runtime="$1" --network=none cvisor-bb sleep 1000)
	run -0 timeout 30 docker kill -s TERM "$id"
	# docker kill returns once the runtime delivered it: a fatal one would
	# have ended the container, and exec would find it stopped
	run -0 timeout 30 docker exec "$id" true
	run -0 docker inspect "$id" --format '{{.State.Running}}'
	[ "$output" = true ]
	run -0 timeout 60 docker stop -t 2 "$id"
	run -0 docker inspect "$id" --format '{{.State.ExitCode}}'
	echo "$1: exit code $output"
	[ "$output" = 137 ]
	docker rm "$id" >/dev/null
}

@test "docker stop of sleep as PID 1 (no SIGTERM handler): TERM ignored, killed after the grace period: 137" {
	stop_sleep runc
	stop_sleep cvisor
}

@test "docker update --runtime=cvisor: new memory, swap, cpu and pids limits in the container's cgroup; rm removes it" {
	[ -e /sys/fs/cgroup/memory/memory.memsw.limit_in_bytes ] ||
		skip "no cgroup v1 memory hierarchy with swap accounting"
	id=$(timeout 60 docker run -d --runtime=cvisor --network=none --memory 256m \
		--memory-swap 512m cvisor-bb /bin/sleep 1000)
	m=/sys/fs/cgroup/memory/docker/$id
	[ "$(cat $m/memory.limit_in_bytes)" = 268435456 ]
	# raising both: swap has to go first
	run -0 timeout 30 docker update --memory 1g --memory-swap 2g --cpus 0.5 --pids-limit 100 "$id"
	[ "$(cat $m/memory.limit_in_bytes)" = 1073741824 ]
	[ "$(cat $m/memory.memsw.limit_in_bytes)" = 2147483648 ]
	[ "$(cat /sys/fs/cgroup/cpu/docker/$id/cpu.cfs_quota_us)" = 50000 ]
	# the host's count is a backstop, 3 x 100 + 64: the sentry counts 100
	[ "$(cat /sys/fs/cgroup/pids/docker/$id/pids.max)" = 364 ]
	# lowering both: memory has to go first
	run -0 timeout 30 docker update --memory 128m --memory-swap 192m "$id"
	[ "$(cat $m/memory.limit_in_bytes)" = 134217728 ]
	[ "$(cat $m/memory.memsw.limit_in_bytes)" = 201326592 ]
	run -0 --separate-stderr docker inspect "$id" --format '{{.State.Status}}'
	[ "$output" = running ]
	run -0 timeout 30 docker rm -f "$id"
	[ ! -e "$m" ] && [ ! -e "/sys/fs/cgroup/cpu/docker/$id" ]
}
