#!/usr/bin/env bats
# The VFS seen from a container (docs/vfs.md): /proc/filesystems lists the
# types the sentry registered, and every type a container mounts is one of
# them; a read-only bind mount refuses every change as Linux does (EROFS,
# EEXIST before EROFS), compared with the same script run natively on a
# read-only bind mount of the host.
#
#   make -j2 all && BUILD=build bats tests/integration/vfs.bats
#
# Runs as root (the native side makes a bind mount in a mount namespace).

bats_require_minimum_version 1.5.0

BUILD=${BUILD:-build}
CVISOR=$(realpath "$BUILD/cvisor")
BUSYBOX=/bin/busybox

setup_file() {
	[ -x "$CVISOR" ] || { echo "$CVISOR is missing: run 'make all'" >&3; return 1; }
	export ROOTFS=$BATS_FILE_TMPDIR/rootfs
	mkdir -p "$ROOTFS/bin" "$ROOTFS/proc" "$ROOTFS/dev" "$ROOTFS/sys" "$ROOTFS/tmp" "$ROOTFS/mnt/ro"
	if [ -x "$BUSYBOX" ]; then
		cp "$BUSYBOX" "$ROOTFS/bin/busybox"
		ln -sf busybox "$ROOTFS/bin/sh"
	fi
}

setup() {
	[ -x "$BUSYBOX" ] || skip "no $BUSYBOX (busybox-static)"
	STATE=$BATS_TEST_TMPDIR/state
	B=$BATS_TEST_TMPDIR/bundle
	mkdir -p "$B"
	C="$CVISOR --root $STATE"
}

teardown() {
	for id in $($C list -q 2>/dev/null); do
		$C delete --force "$id" >/dev/null 2>&1
	done
}

# bundle ARGS...: a busybox container running ARGS; EDIT (python on c) changes more.
bundle() {
	rm -f "$B/config.json"
	(cd "$B" && $CVISOR spec) || return 1
	python3 - "$B/config.json" "$ROOTFS" "$@" <<-'PY'
		import json, os, sys
		path, rootfs, args = sys.argv[1], sys.argv[2], sys.argv[3:]
		c = json.load(open(path))
		c["root"]["path"] = rootfs
		c["root"]["readonly"] = False
		c["process"]["terminal"] = False
		c["process"]["args"] = args
		exec(os.environ.get("EDIT", ""))
		json.dump(c, open(path, "w"))
	PY
}

@test "/proc/filesystems: the registered types, each a container can mount, every mounted type among them" {
	EDIT='c["mounts"] += [
		{"destination": "/mnt/t", "type": "tmpfs", "source": "tmpfs"},
		{"destination": "/mnt/mq", "type": "mqueue", "source": "mqueue"},
		{"destination": "/mnt/cg", "type": "cgroup", "source": "cgroup"},
		{"destination": "/mnt/cg2", "type": "cgroup2", "source": "cgroup2"},
		{"destination": "/mnt/dev", "type": "devtmpfs", "source": "dev"},
		{"destination": "/mnt/pts", "type": "devpts", "source": "devpts"},
		{"destination": "/mnt/proc", "type": "proc", "source": "proc"},
		{"destination": "/mnt/sys", "type": "sysfs", "source": "sysfs"},
		{"destination": "/mnt/ro", "type": "bind", "source": "/bin", "options": ["bind", "ro"]}]' \
		bundle sh -c 'cat /proc/filesystems; echo --; busybox cut -d" " -f3 /proc/self/mounts | busybox sort -u'
	run -0 $C run -b "$B" fs1
	fs=$(printf '%s\n' "${lines[@]}" | busybox sed -n '/^--$/q;p')
	mounted=$(printf '%s\n' "${lines[@]}" | busybox sed '1,/^--$/d')
	echo "filesystems: $fs"; echo "mounted: $mounted"
	# Linux's format: "nodev<TAB>name" or "<TAB>name"
	! printf '%s\n' "$fs" | grep -qvP '^(nodev)?\t[a-z0-9]+$'
	# every type a container's config may name, and the root's, is listed
	for t in proc sysfs tmpfs devtmpfs devpts mqueue cgroup cgroup2 overlay hostfs; do
		printf '%s\n' "$fs" | grep -qP "^nodev\t$t\$" || { echo "missing $t"; false; }
	done
	for t in $mounted; do
		printf '%s\n' "$fs" | grep -qP "\t$t\$" || { echo "mounted $t is not listed"; false; }
	done
	# and nothing else: the list is the registry, not a text
	[ "$(printf '%s\n' "$fs" | wc -l)" -eq 10 ]
}

# The changes tried on a read-only mount, each printing the error it got.
RO_SCRIPT='cd "$1" && for c in "touch new" "touch f" "mkdir new" "mkdir d" "rm f" "rm nothere" \
	"rmdir d" "mv f g" "mv f d/" "ln f h" "ln -s f s" "ln -s x f" "ln f d" "mkfifo p" "mkfifo f" \
	"chmod 600 f" "chown 1:1 f" "truncate -s 0 f"; do
	echo "$c: $(busybox $c 2>&1 | busybox tail -n 1 | busybox sed "s/.*: //")"; done'

@test "a read-only bind mount: EROFS for every change, EEXIST first, as natively" {
	src=$BATS_TEST_TMPDIR/src
	mkdir -p "$src/d" "$BATS_TEST_TMPDIR/native"
	echo x > "$src/f"
	native=$(unshare -m sh -c "mount --bind -o ro '$src' '$BATS_TEST_TMPDIR/native' &&
		$BUSYBOX sh -c '$RO_SCRIPT' sh '$BATS_TEST_TMPDIR/native'")
	EDIT='c["mounts"].append({"destination": "/mnt/ro", "type": "bind", "source": "'"$src"'", "options": ["bind", "ro"]})' \
		bundle sh -c "$RO_SCRIPT" sh /mnt/ro
	run -0 $C run -b "$B" ro1
	echo "native: $native"; echo "sandbox: $output"
	[ "$output" = "$native" ]
	# the errors themselves, by name: EROFS, and EEXIST where the name exists
	EDIT='c["mounts"].append({"destination": "/mnt/ro", "type": "bind", "source": "'"$src"'", "options": ["bind", "ro"]})' \
		bundle sh -c 'cd /mnt/ro; busybox mkfifo f; busybox mkdir new; busybox rm f'
	run $C run -b "$B" ro2
	[[ "${lines[0]}" == *"File exists"* ]]
	[[ "${lines[1]}" == *"Read-only file system"* ]]
	[[ "${lines[2]}" == *"Read-only file system"* ]]
	[ "$(cat "$src/f")" = x ] && [ ! -e "$src/new" ]
}
