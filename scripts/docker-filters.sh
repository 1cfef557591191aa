#!/usr/bin/env bash
# The seccomp filter Docker puts on a container by default, measured: a
# dockerd of this script's own (Debian's docker.io, whose default profile is
# compiled in) runs a busybox container with runc, and cvisor-filters reads
# the filter of its process.  Prints cvisor-filters --list lines, party
# "docker".  Everything it makes is removed on exit.  Run as root, under
# the shared lock (flock /tmp/cvisor-heavy.lock scripts/docker-filters.sh).
#
#   scripts/docker-filters.sh [BUILD] > docs/filters/docker.list
set -euo pipefail
B=${1:-build}
FILTERS=$(realpath "$B/cvisor-filters")
D=$(mktemp -d /tmp/cvisor-docker-filters.XXXXXX)
DOCKER=(/usr/bin/docker -H "unix://$D/sock")

cleanup() {
	"${DOCKER[@]}" rm -f cvisor-filters-probe >/dev/null 2>&1 || true
	local pid
	pid=$(cat "$D/pid" 2>/dev/null) || true
	if [ -n "$pid" ]; then
		kill "$pid" 2>/dev/null || true
		for _ in $(seq 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
	fi
	grep -o " $D/[^ ]*" /proc/mounts | sort -r | xargs -r -n1 umount -l 2>/dev/null || true
	rm -rf "$D"
}
trap cleanup EXIT

mkdir -p "$D/rootfs/bin"
cp /bin/busybox "$D/rootfs/bin/busybox"
for a in sh cat sleep; do ln -s busybox "$D/rootfs/bin/$a"; done
echo '{}' >"$D/daemon.json"
dockerd --config-file "$D/daemon.json" --data-root "$D/data" --exec-root "$D/exec" \
	--pidfile "$D/pid" -H "unix://$D/sock" --bridge none --iptables=false \
	--ip6tables=false >"$D/dockerd.log" 2>&1 &
for _ in $(seq 300); do "${DOCKER[@]}" version >/dev/null 2>&1 && break; sleep 0.1; done
tar -C "$D/rootfs" -c . | "${DOCKER[@]}" import - cvisor-filters-busybox >/dev/null
# the shell waits in wait4, which a ptrace stop restarts unchanged
"${DOCKER[@]}" run -d --name cvisor-filters-probe --network none \
	cvisor-filters-busybox sh -c 'sleep 100000 & wait' >/dev/null
pid=$("${DOCKER[@]}" inspect -f '{{.State.Pid}}' cvisor-filters-probe)
echo "# docker: $("${DOCKER[@]}" version -f 'dockerd {{.Server.Version}}, runc {{range .Server.Components}}{{if eq .Name "runc"}}{{.Version}}{{end}}{{end}}'), default profile, default capabilities"
# the party is "docker", and its title says what it is, not which pid it was
"$FILTERS" --list --thread "$pid" |
	sed "s/^thread-$pid\t/docker\t/; s/^#party\tthread-$pid\thost thread $pid of process $pid/#party\tdocker\ta Docker container's process/"
