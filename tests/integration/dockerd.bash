# A dockerd of a test's own, for the .bats files that drive docker: a
# throw-away --data-root and --exec-root under DIR, a daemon.json written by
# `cvisor install` (so --runtime=cvisor is there beside runc), a socket of
# its own.  dockerd_stop removes it and what it leaves behind: containers,
# mounts under DIR, the docker0 bridge, its iptables chains and jumps and
# FORWARD's policy.  $CVISOR is the cvisor binary.
#
#   load dockerd (or ../integration/dockerd)
#   setup_file: dockerd_start DIR      (exports DK=DIR and DOCKER_HOST)
#               busybox_image NAME APPLET...
#   teardown_file: dockerd_stop

# dockerd_start DIR: start it and wait until it answers.
dockerd_start() {
	export DK=$1
	mkdir -p "$DK"
	iptables -S FORWARD 2>/dev/null | head -1 >"$DK/forward-policy"
	echo '{}' >"$DK/daemon.json"
	"$CVISOR" install --config "$DK/daemon.json" >/dev/null
	dockerd --config-file "$DK/daemon.json" --data-root "$DK/data" --exec-root "$DK/exec" \
		--pidfile "$DK/pid" -H "unix://$DK/sock" >"$DK/log" 2>&1 &
	export DOCKER_HOST=unix://$DK/sock
	for i in $(seq 100); do docker version >/dev/null 2>&1 && break; sleep 0.2; done
}

# busybox_image NAME APPLET...: an image of /bin/busybox and links for the
# applets, made with docker import (no registry here); its root is $DK/rootfs.
busybox_image() {
	local name=$1 a
	shift
	mkdir -p "$DK/rootfs/bin"
	cp /bin/busybox "$DK/rootfs/bin/"
	for a in "$@"; do ln -s busybox "$DK/rootfs/bin/$a"; done
	tar -C "$DK/rootfs" -c . | docker import - "$name" >/dev/null
}

dockerd_stop() {
	[ -n "${DK:-}" ] && [ -e "$DK/pid" ] || return 0
	for c in $(docker ps -aq 2>/dev/null); do timeout 20 docker rm -f "$c" >/dev/null 2>&1; done
	kill "$(cat "$DK/pid")" 2>/dev/null
	for i in $(seq 100); do [ -e "$DK/pid" ] || break; sleep 0.2; done
	pkill -9 -f "containerd.*$DK" 2>/dev/null || true
	mount | awk -v d="$DK" 'index($3, d) == 1 { print $3 }' | sort -r | xargs -r umount -l
	clean_network
}

# What dockerd leaves: docker0, its iptables chains and jumps, FORWARD's policy.
clean_network() {
	local t c
	ip link del docker0 2>/dev/null || true
	iptables -D FORWARD -j DOCKER-USER 2>/dev/null || true
	iptables -D FORWARD -j DOCKER-ISOLATION-STAGE-1 2>/dev/null || true
	iptables -D FORWARD -o docker0 -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT 2>/dev/null || true
	iptables -D FORWARD -o docker0 -j DOCKER 2>/dev/null || true
	iptables -D FORWARD -i docker0 ! -o docker0 -j ACCEPT 2>/dev/null || true
	iptables -D FORWARD -i docker0 -o docker0 -j ACCEPT 2>/dev/null || true
	iptables -t nat -D PREROUTING -m addrtype --dst-type LOCAL -j DOCKER 2>/dev/null || true
	iptables -t nat -D OUTPUT ! -d 127.0.0.0/8 -m addrtype --dst-type LOCAL -j DOCKER 2>/dev/null || true
	iptables -t nat -D POSTROUTING -s 172.17.0.0/16 ! -o docker0 -j MASQUERADE 2>/dev/null || true
	for t in filter nat; do
		for c in DOCKER DOCKER-ISOLATION-STAGE-1 DOCKER-ISOLATION-STAGE-2 DOCKER-USER; do
			iptables -t $t -F $c 2>/dev/null || true
			iptables -t $t -X $c 2>/dev/null || true
		done
	done
	case $(cat "$DK/forward-policy" 2>/dev/null) in
	*ACCEPT*) iptables -P FORWARD ACCEPT 2>/dev/null || true ;;
	esac
}
