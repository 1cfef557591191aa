#!/usr/bin/env bats
# Findings 6 and 7 of the security review (issue 12): paths from config.json.
# `..` in a mount destination made directories on the host outside the
# rootfs; `..` in linux.cgroupsPath made and removed directories outside the
# cgroup hierarchy and overwrote host files named pids.max and cgroup.procs.
# Every path of the config is now cleaned as runc cleans it; one whose `..`
# climbs above / (or out of the bundle) is an error naming the field, with
# nothing created; a symlink in the rootfs is followed inside the rootfs, as
# runc does.  docs/oci.md ("Paths") has the rule for each field.
#
# Each test aims the escape at $HOST, a fresh directory outside the rootfs,
# and compares listings of $HOST and the rootfs before and after.
#
#   make -j2 all && flock /tmp/cvisor-heavy.lock \
#       env BUILD=build bats tests/security/config_paths.bats     # as root

load common

setup() {
	STATE=$BATS_TEST_TMPDIR/state
	B=$BATS_TEST_TMPDIR/bundle
	ROOTFS=$BATS_TEST_TMPDIR/rootfs
	C="$CVISOR --root $STATE"
	mkdir -p "$B"
	busybox_root "$ROOTFS"
	# where an escape would land: outside the rootfs, the bundle and /tmp
	HOST=$(mktemp -d /var/tmp/cvisor-esc.XXXXXX)
	echo marker >"$HOST/marker"
	UP=../../../../../../../../../../../..  # more ".." than the rootfs is deep
	CG=cvisor-sec-$$-$BATS_TEST_NUMBER      # a test cgroup of this run
	export HOST UP ROOTFS CG
}

teardown() {
	for id in $($C list -q 2>/dev/null); do
		$C delete --force "$id" >/dev/null 2>&1
	done
	rm -rf "$HOST"
	for d in /sys/fs/cgroup/*/"$CG"/* /sys/fs/cgroup/*/"$CG" /sys/fs/cgroup/"$CG"; do
		[ -d "$d" ] && rmdir "$d"
	done
	true
}

# bundle ARGS...: $B/config.json running ARGS in $ROOTFS (writable), then
# EDIT (python, on the dict c).
bundle() {
	rm -f "$B/config.json"
	(cd "$B" && $CVISOR spec) || return 1
	python3 - "$B/config.json" "$@" <<-'EOF'
		import json, os, sys
		path, args = sys.argv[1], sys.argv[2:]
		HOST, UP, ROOTFS, CG = (os.environ[k] for k in ("HOST", "UP", "ROOTFS", "CG"))
		c = json.load(open(path))
		c["root"] = {"path": ROOTFS, "readonly": False}
		c["process"]["terminal"] = False
		c["process"]["args"] = args
		exec(os.environ.get("EDIT", ""))
		json.dump(c, open(path, "w"))
	EOF
}

# Every entry below the places an escape would reach or that a refused
# config must leave alone, with its kind, size and mtime (a directory's
# mtime changes when something is made in it, even if removed again).
listing() {
	find "$HOST" "$ROOTFS" "$B" -printf '%p %y %s %T@\n' | sort
	ls -a /sys/fs/cgroup /sys/fs/cgroup/*/ 2>/dev/null
}

# refused ID FIELD: create fails with one line naming FIELD and leaves
# nothing: no state, no process, nothing made, changed or removed.  (Its
# output goes to files: a sandbox that wrongly started keeps its stdio, and
# would keep a pipe of bats' `run` open.)
refused() {
	local id=$1 field=$2 before status=0
	before=$(listing)
	$C create -b "$B" "$id" >"$BATS_TEST_TMPDIR/out" 2>"$BATS_TEST_TMPDIR/err" || status=$?
	stderr=$(cat "$BATS_TEST_TMPDIR/err")
	echo "create $id: status $status: $stderr"      # shown when the test fails
	diff <(echo "$before") <(listing)
	[ ! -e "$STATE/$id" ]
	! pgrep -f -- "--root $STATE " >/dev/null
	[ "$status" = 1 ]
	[ "$(wc -l <"$BATS_TEST_TMPDIR/err")" = 1 ]
	[[ "$stderr" == *"$field"* ]]
}

# mount_edit DEST [TYPE [SOURCE]] (python expressions): EDIT text that adds a mount (tmpfs by default).
mount_edit() {
	local t=${2:-tmpfs} s=${3:-"'tmpfs'"} o='[]'
	[ "$t" = bind ] && o='["bind"]'
	echo "c['mounts'].append({'destination': $1, 'type': '$t', 'source': $s, 'options': $o})"
}

@test "mounts[].destination: '..' above / is an error, and nothing is made outside the rootfs" {
	local n=6       # the index of the added mount (after spec's six)
	for dest in '"/" + UP + HOST + "/X"' '"/.." + HOST + "/X"' '"//..//..//" + HOST + "//X//"' \
		'"/dev/" + UP + HOST + "/X/."' '"/a/../.."' '"/tmp/../" + UP + HOST + "/X/f"'; do
		EDIT=$(mount_edit "$dest") bundle true
		refused m1 "mounts[$n].destination"
		[[ "$stderr" == *"climbs above / with '..'"* ]]
		EDIT=$(mount_edit "$dest" bind "'$HOST'") bundle true
		refused m2 "mounts[$n].destination"
		EDIT=$(mount_edit "$dest" bind "'$HOST/marker'") bundle true
		refused m3 "mounts[$n].destination"
	done
	[ "$(ls -A "$HOST")" = marker ]
}

@test "mounts[].destination: an inner '..', '.' and '//' are cleaned as runc cleans them" {
	mkdir "$BATS_TEST_TMPDIR/src"
	echo from-src >"$BATS_TEST_TMPDIR/src/m"
	EDIT=$(mount_edit '"/tmp/../mnt//x/./y/.."' bind "'$BATS_TEST_TMPDIR/src'") \
		bundle sh -c 'cat /mnt/x/m; grep -c " /mnt/x " /proc/self/mountinfo'
	run -0 --separate-stderr $C run -b "$B" m4
	[ "${lines[0]}" = from-src ] && [ "${lines[1]}" = 1 ]
	[ ! -e "$ROOTFS/mnt/x/y" ] && [ -d "$ROOTFS/mnt/x" ]
}

@test "mounts[].destination through symlinks in the rootfs (absolute, relative, dangling) stays inside the rootfs" {
	mkdir "$BATS_TEST_TMPDIR/src"
	echo from-src >"$BATS_TEST_TMPDIR/src/m"
	ln -s "$HOST" "$ROOTFS/abs"
	ln -s "$UP$HOST" "$ROOTFS/rel"
	ln -s "$HOST/made/here" "$ROOTFS/dangling"
	EDIT="$(mount_edit "'/abs/X'")
$(mount_edit "'/rel/Y'" bind "'$BATS_TEST_TMPDIR/src'")
$(mount_edit "'/dangling/Z'" bind "'$BATS_TEST_TMPDIR/src/m'")" \
		bundle sh -c 'cat /rel/Y/m /dangling/Z; ls /abs; cat /abs/marker'
	before=$(find "$HOST" -printf '%p %y %s %T@\n' | sort)
	run --separate-stderr $C run -b "$B" s1
	echo "$stderr"
	[ "$status" = 1 ]               # cat /abs/marker: the host's is not there
	[ "${lines[0]}" = from-src ] && [ "${lines[1]}" = from-src ]
	[ "${lines[2]}" = X ] && [ "${lines[3]}" = Y ] && [ "${lines[4]}" = made ]
	[[ "$stderr" == *"/abs/marker"* ]]
	# made inside the rootfs, where the symlinks lead from its root
	[ -d "$ROOTFS$HOST/X" ] && [ -d "$ROOTFS$HOST/Y" ] && [ -f "$ROOTFS$HOST/made/here/Z" ]
	[ "$(find "$HOST" -printf '%p %y %s %T@\n' | sort)" = "$before" ]
}

@test "mounts[].source of a bind mount: relative is taken in the bundle; '..' out of it is an error" {
	mkdir "$B/data"
	echo from-bundle >"$B/data/m"
	EDIT=$(mount_edit "'/mnt'" bind "'./data/'") bundle cat /mnt/m
	run -0 $C run -b "$B" b1
	[ "$output" = from-bundle ]
	EDIT=$(mount_edit "'/mnt'" bind "UP + HOST") bundle touch /mnt/pwned
	refused b2 "mounts[6].source"
	[[ "$stderr" == *"climbs above the bundle with '..'"* ]]
	EDIT=$(mount_edit "'/mnt'" bind "'/..' + HOST") bundle touch /mnt/pwned
	refused b3 "mounts[6].source"
}

@test "root.path: '..' out of the bundle or above /, and a symlink on the way, are errors" {
	EDIT='c["root"]["path"] = "../rootfs"' bundle true
	refused r1 "root.path"
	[[ "$stderr" == *"climbs above the bundle"* ]]
	EDIT='c["root"]["path"] = "/.." + ROOTFS' bundle true
	refused r2 "root.path"
	ln -s "$ROOTFS" "$B/rootfs"
	EDIT='c["root"]["path"] = "rootfs"' bundle true
	refused r3 "root.path"
	[[ "$stderr" == *symlink* ]]
	rm "$B/rootfs"
	ln -s / "$B/rootfs"              # the host's root, writable
	refused r4 "root.path"
	mkdir "$BATS_TEST_TMPDIR/real"
	ln -s real "$BATS_TEST_TMPDIR/link"
	EDIT='c["root"]["path"] = os.path.dirname(ROOTFS) + "/link/../rootfs"' bundle true
	run -0 $C run -b "$B" r5        # cleaned first: no symlink is left on the way
}

@test "process.cwd, linux.devices[].path, maskedPaths, readonlyPaths: '..' above / is an error" {
	EDIT='c["process"]["cwd"] = "/.." + HOST' bundle true
	refused p1 "process.cwd"
	EDIT='c["process"]["cwd"] = "/tmp/" + UP' bundle true
	refused p2 "process.cwd"
	EDIT='c["linux"]["devices"] = [{"path": "/dev/" + UP + HOST + "/new/null", "type": "c", "major": 1, "minor": 3}]' \
		bundle true
	refused p3 "linux.devices[0].path"
	EDIT='c["linux"]["devices"] = [{"path": "/dev/null/../..", "type": "c", "major": 1, "minor": 3}]' \
		bundle true
	refused p4 "linux.devices[0].path"
	EDIT='c["linux"]["maskedPaths"] = ["/proc/kcore", "/.." + HOST + "/marker"]' bundle true
	refused p5 "linux.maskedPaths[1]"
	EDIT='c["linux"]["readonlyPaths"] = ["/proc/sys", "/" + UP + HOST]' bundle true
	refused p6 "linux.readonlyPaths[1]"
	# cleaned inner '..' work as before
	EDIT='c["process"]["cwd"] = "/tmp/../etc/."' bundle sh -c pwd
	run -0 $C run -b "$B" p7
	[ "$output" = /etc ]
}

@test "exec --process: process.cwd with '..' above / is an error" {
	bundle sleep 30
	$C run -d -b "$B" e1 >"$BATS_TEST_TMPDIR/log" 2>&1
	echo '{"args": ["sh", "-c", "pwd"], "cwd": "/../..", "env": []}' >"$BATS_TEST_TMPDIR/p.json"
	run -1 --separate-stderr $C exec --process "$BATS_TEST_TMPDIR/p.json" e1
	[[ "$stderr" == *"process.cwd"* ]]
	echo '{"args": ["sh", "-c", "pwd"], "cwd": "/tmp/../etc", "env": []}' >"$BATS_TEST_TMPDIR/p.json"
	run -0 $C exec --process "$BATS_TEST_TMPDIR/p.json" e1
	[ "$output" = /etc ]
}

@test "hooks[].path and linux.namespaces[].path: '..' above / and relative paths are errors" {
	EDIT='c["hooks"] = {"createRuntime": [{"path": "/../../bin/sh",
	       "args": ["sh", "-c", "touch " + HOST + "/hook-ran"]}]}' bundle true
	refused h1 "hooks.createRuntime[0].path"
	[ ! -e "$HOST/hook-ran" ]
	EDIT='c["hooks"] = {"prestart": [{"path": "bin/true"}]}' bundle true
	refused h2 "hooks.prestart[0].path"
	[[ "$stderr" == *"not an absolute path"* ]]
	EDIT='c["linux"]["namespaces"] = [{"type": "network", "path": "/../proc/self/ns/net"}]' \
		bundle true
	refused n1 "linux.namespaces[0].path"
	EDIT='c["linux"]["namespaces"] = [{"type": "network", "path": "proc/self/ns/net"}]' \
		bundle true
	refused n2 "linux.namespaces[0].path"
}

@test "linux.cgroupsPath: '..' is an error; decoy pids.max and cgroup.procs outside the hierarchy are untouched" {
	mkdir "$HOST/cg"
	echo decoy >"$HOST/cg/pids.max"
	echo decoy >"$HOST/cg/cgroup.procs"
	# the hierarchies are mounted at /sys/fs/cgroup/NAME: "/.." reaches
	# the tmpfs they are mounted on, more ".." the host's /
	for p in '"/" + UP + HOST + "/cg"' 'UP + HOST + "/cg"' '"/../" + CG' '"/a/../../" + CG' \
		'"/.."' '"/" + CG + "/../.."'; do
		EDIT='c["linux"]["cgroupsPath"] = '"$p"'
c["linux"]["resources"] = {"pids": {"limit": 50}}' bundle sh -c 'echo ran'
		refused c1 "linux.cgroupsPath"
		[[ "$stderr" == *"climbs above"* ]]
	done
	for p in '"/"' '"//./"' '"."' '"a/.."'; do
		EDIT='c["linux"]["cgroupsPath"] = '"$p" bundle true
		refused c2 "linux.cgroupsPath"
		[[ "$stderr" == *"root of the cgroup hierarchy"* ]]
	done
	[ "$(cat "$HOST/cg/pids.max" "$HOST/cg/cgroup.procs")" = "decoy
decoy" ]
	[ ! -e "/sys/fs/cgroup/$CG" ]
}

@test "linux.cgroupsPath: an inner '..' is cleaned; the cgroup is made and removed inside the hierarchy" {
	[ -d /sys/fs/cgroup/pids ] || skip "no cgroup v1 pids hierarchy"
	EDIT='c["linux"]["cgroupsPath"] = "/" + CG + "/a/../b/."
c["linux"]["resources"] = {"pids": {"limit": 50}}' bundle sleep 30
	$C run -d -b "$B" c3 >"$BATS_TEST_TMPDIR/log" 2>&1
	[ "$(cat /sys/fs/cgroup/pids/$CG/b/pids.max)" = 214 ]   # the backstop, 3 x 50 + 64
	grep -qx "$($C state c3 | python3 -c 'import json,sys; print(json.load(sys.stdin)["pid"])')" \
		/sys/fs/cgroup/pids/$CG/b/cgroup.procs
	[ ! -e "/sys/fs/cgroup/pids/$CG/a" ]
	run -0 $C delete --force c3
	[ ! -e "/sys/fs/cgroup/pids/$CG/b" ]
}
