#!/usr/bin/env bats
# Ways out of the sandbox's files (issue 12's earlier escape attempts, kept
# as regression tests): symlink and rename races on the path walk,
# /proc/*/root, cwd and fd with "..", file handles, and device nodes of the
# host's disk.  In a --rw directory of cvisor do, in a root of its own, and
# in the rootfs of an OCI container.  docs/security.md, "Escape attempts
# kept as regression tests", says what each checks.
#
# The OCI tests write cgroups: run them under /tmp/cvisor-heavy.lock.

load common

setup() {
	T=$BATS_TEST_TMPDIR
	# outside: what the sandbox must never read, change or add to
	mkdir -p "$T/outside"
	echo OUTSIDE-SECRET >"$T/outside/secret"
	echo OUTSIDE >"$T/marker"
	INO=$(stat -c %i "$T/outside/secret")
	OUTSIDE_BEFORE=$(outside_state)
}

teardown() {
	if [ -n "${STATE:-}" ]; then
		for id in $("$CVISOR" --root "$STATE" list -q 2>/dev/null); do
			"$CVISOR" --root "$STATE" delete --force "$id" >/dev/null 2>&1
		done
	fi
}

# Names, sizes, modes, inodes and contents of everything outside.
outside_state() {
	(cd "$T" && find outside marker -printf '%p %s %m %i %n\n' | sort &&
		cat outside/secret marker)
}

outside_untouched() {
	[ "$(outside_state)" = "$OUTSIDE_BEFORE" ] ||
		{ diff <(echo "$OUTSIDE_BEFORE") <(outside_state); return 1; }
}

# root_with DIR PROGRAM...: a busybox root with the static attack programs.
root_with() {
	local d=$1 p
	shift
	busybox_root "$d"
	for p in "$@"; do
		cp "$SEC/$p" "$d/bin/$p"
	done
}

# oci_run ARGS...: run ARGS as an OCI container on $T/rootfs (writable; a
# busybox root with the attack programs), output in $output, status in $status.
oci_run() {
	STATE=$T/state
	EDIT='c["root"]["readonly"] = False' bundle_of "$T" "$@" || return 1
	run timeout -s KILL 600 "$CVISOR" --root "$STATE" run -b "$T" "esc$$"
}

@test "symlink and rename races on a --rw host directory of a sandbox with its own root: nothing outside is read or written" {
	root_with "$T/root" path_race
	mkdir -p "$T/work"
	run timeout -s KILL 600 "$CVISOR" do --root "$T/root" --rw "$T/work" -- \
		/bin/path_race --reads "$T/work" "$INO" / ../outside "$T/outside"
	echo "$output"
	[ "$status" -eq 0 ]
	! grep ESCAPE <<<"$output"
	outside_untouched
}

@test "symlink and rename races on a --rw host directory under the host's root: nothing outside is written" {
	# the host's files are the sandbox's read-only lower layer: reading
	# them is allowed, writing must stay in the sandbox's memory
	mkdir -p "$T/work"
	run timeout -s KILL 600 "$CVISOR" do ${CVISOR_DO_FLAGS:-} --rw "$T/work" -- \
		"$SEC/path_race" "$T/work" 0 / ../outside "$T/outside"
	echo "$output"
	[ "$status" -eq 0 ]
	outside_untouched
}

@test "symlink and rename races in an OCI container's rootfs: nothing outside is read or written" {
	mkdir -p "$T/rootfs/work"
	# ../../outside climbs from rootfs/work to $T/outside on the host
	oci_run /bin/path_race --reads /work "$INO" / ../../outside "$T/outside"
	echo "$output"
	[ "$status" -eq 0 ]
	! grep ESCAPE <<<"$output"
	outside_untouched
}

@test "/proc/*/root, cwd, fd and .. past the root stay in a sandbox's own root" {
	root_with "$T/root" proc_root
	echo inside >"$T/root/marker"
	cp "$T/root/marker" "$T/marker.before"
	run timeout -s KILL 300 "$CVISOR" do --root "$T/root" -- /bin/proc_root
	echo "$output"
	[ "$status" -eq 0 ]
	! grep ESCAPE <<<"$output"
	[ "$(grep -c ': inside$' <<<"$output")" -ge 20 ]
	# the write through /proc/self/fd went to the sandbox's copy
	cmp "$T/root/marker" "$T/marker.before"
	outside_untouched
}

@test "/proc/*/root, cwd, fd and .. past the root stay in an OCI container's rootfs" {
	mkdir -p "$T/rootfs"
	echo inside >"$T/rootfs/marker"
	oci_run /bin/proc_root
	echo "$output"
	[ "$status" -eq 0 ]
	! grep ESCAPE <<<"$output"
	[ "$(grep -c ': inside$' <<<"$output")" -ge 20 ]
	outside_untouched
}

@test "open_by_handle_at and name_to_handle_at never reach the host; mknod of the host's disk is refused" {
	local dev maj min
	dev=$(awk 'NR > 2 && $4 !~ /[0-9]$|^loop|^ram/ { print $1, $2; exit }' /proc/partitions)
	[ -n "$dev" ] || skip "no disk in /proc/partitions"
	read -r maj min <<<"$dev"
	mkdir -p "$T/rw"
	run --separate-stderr timeout -s KILL 300 "$CVISOR" do ${CVISOR_DO_FLAGS:-} --rw "$T/rw" -- \
		"$SEC/handle_mknod" "$maj" "$min" /tmp "$T/rw" /
	echo "$output"
	[ "$status" -eq 0 ]
	! grep FAIL <<<"$output"
	# the documented answer (docs/compatibility.md): root with
	# CAP_DAC_READ_SEARCH gets ESTALE, as from a file system without export
	# operations; name_to_handle_at is EOPNOTSUPP
	grep -q 'ok open_by_handle_at(/, inode 2): Stale file handle' <<<"$output"
	grep -q 'ok name_to_handle_at /: Operation not supported' <<<"$output"
	# no node was made in the host directory
	[ -z "$(find "$T/rw" -type b -o -type c)" ]
}

@test "a block device of the host's disk planted in the root file system is never opened on the host" {
	local dev maj min
	dev=$(awk 'NR > 2 && $4 !~ /[0-9]$|^loop|^ram/ { print $1, $2; exit }' /proc/partitions)
	[ -n "$dev" ] || skip "no disk in /proc/partitions"
	read -r maj min <<<"$dev"
	busybox_root "$T/root"
	mknod "$T/root/disk" b "$maj" "$min" || skip "cannot mknod here"
	run timeout -s KILL 60 "$CVISOR" do --root "$T/root" -- /bin/busybox head -c 512 /disk
	echo "$output"
	[ "$status" -ne 0 ]
	[ "${#output}" -lt 200 ]        # an error message, not the disk's sector
}
