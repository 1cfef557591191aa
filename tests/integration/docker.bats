#!/usr/bin/env bats
# docker drives cvisor (issue 5): a dockerd of our own (throw-away
# --data-root/--exec-root, a daemon.json written by `cvisor install`, no
# bridge and no iptables rules), an image from `docker import` of a busybox
# root (no registry here), then run --rm, run -d / exec / logs / stop / rm.
# Skips when dockerd (Debian's docker.io) is not installed.  Leaves no
# daemon, mount or container behind.

bats_require_minimum_version 1.5.0

BUILD=${BUILD:-build}
CVISOR=$(realpath "$BUILD/cvisor")

setup_file() {
	command -v dockerd >/dev/null && command -v docker >/dev/null || return 0
	[ -x /bin/busybox ] || return 0
	export DK=$BATS_FILE_TMPDIR/dk
	mkdir -p "$DK/rootfs/bin"
	cp /bin/busybox "$DK/rootfs/bin/"
	for a in sh echo sleep uname cat; do ln -s busybox "$DK/rootfs/bin/$a"; done
	echo '{"bridge": "none", "iptables": false, "ip-forward": false, "ip-masq": false}' >"$DK/daemon.json"
	"$CVISOR" install --config "$DK/daemon.json" >/dev/null
	dockerd --config-file "$DK/daemon.json" --data-root "$DK/data" --exec-root "$DK/exec" \
		--pidfile "$DK/pid" -H "unix://$DK/sock" >"$DK/log" 2>&1 &
	export DOCKER_HOST=unix://$DK/sock
	for i in $(seq 100); do docker version >/dev/null 2>&1 && break; sleep 0.2; done
	tar -C "$DK/rootfs" -c . | docker import - cvisor-bb >/dev/null
}

teardown_file() {
	[ -n "${DK:-}" ] && [ -e "$DK/pid" ] || return 0
	for c in $(docker ps -aq 2>/dev/null); do timeout 20 docker rm -f "$c" >/dev/null 2>&1; done
	kill "$(cat "$DK/pid")" 2>/dev/null
	for i in $(seq 100); do [ -e "$DK/pid" ] || break; sleep 0.2; done
	pkill -9 -f "containerd.*$DK" 2>/dev/null || true
	mount | awk -v d="$DK" 'index($3, d) == 1 { print $3 }' | sort -r | xargs -r umount -l
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
