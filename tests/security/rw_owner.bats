#!/usr/bin/env bats
# Files the application creates in a --rw host directory belong to it on
# the host (its fsuid, and its fsgid unless the directory is set-group-ID),
# as in Linux: a sandboxed nobody must not make root's files, let alone a
# root-owned set-user-ID one.  Found while setting up make fuzz: trinity
# as nobody could not open the log files it had just created, which the
# sentry had made root's.

load common

setup() {
	D=$(mktemp -d)
	chmod 0777 "$D"
	mkdir -m 2777 "$D/sg"
	chgrp 1234 "$D/sg"
}

teardown() {
	rm -rf "$D"
}

@test "a non-root application's new files are its own on the host" {
	run cdo --rw "$D" -- "$SEC/create_owner" "$D"
	[ "$status" -eq 0 ] || { echo "$output"; false; }
	for f in file wide suid dir sticky link; do
		echo "$f: $(stat -c '%u:%g %A' "$D/$f")"
		[ "$(stat -c %u:%g "$D/$f")" = 65534:65534 ]
	done
	echo "sg/file: $(stat -c '%u:%g' "$D/sg/file")"
	[ "$(stat -c %u:%g "$D/sg/file")" = 65534:1234 ]
	# the modes asked for, under the application's umask (0) alone; the
	# set-user-ID and sticky bits stay, on files of nobody's
	[ "$(stat -c %A "$D/wide")" = "-rw-rw-rw-" ]
	[ "$(stat -c %A "$D/suid")" = "-rwsr-xr-x" ]
	[ "$(stat -c %A "$D/sticky")" = "drwxrwxrwt" ]
	[ -z "$(find "$D" -user 0 ! -path "$D" ! -path "$D/sg")" ]
}

@test "root's new files stay root's" {
	run cdo --rw "$D" -- /bin/sh -c "echo x > '$D/r'; mkdir '$D/rd'"
	[ "$status" -eq 0 ]
	[ "$(stat -c %u:%g "$D/r")" = 0:0 ]
	[ "$(stat -c %u:%g "$D/rd")" = 0:0 ]
}
