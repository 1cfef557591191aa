#!/usr/bin/env bats
# The VFS (issue 3): host programs run unchanged on the overlay root, every
# path is walked by the sentry, writes stay in the sandbox.

bats_require_minimum_version 1.5.0

setup_file() {
	export BUILD=${BUILD:-build}
	export CVISOR=$BUILD/cvisor
	[ -x "$CVISOR" ] || { echo "no $CVISOR" >&2; return 1; }
}

setup() {
	TMP=$(mktemp -d)
}

teardown() {
	rm -rf "$TMP"
}

@test "ls -la /etc lists exactly what the host lists" {
	run -0 --separate-stderr "$CVISOR" do $CVISOR_DO_FLAGS -- /bin/ls -la /etc
	want=$(/bin/ls -la /etc)
	[ "$output" = "$want" ]
}

@test "python3 imports json, sqlite3, hashlib, ssl and hashes" {
	[ -x /usr/bin/python3 ] || skip "no /usr/bin/python3"
	run -0 --separate-stderr "$CVISOR" do $CVISOR_DO_FLAGS -- /usr/bin/python3 -c \
		'import json, sqlite3, hashlib, ssl; print(hashlib.sha256(b"x").hexdigest())'
	[ "$output" = "$(/usr/bin/python3 -c 'import hashlib; print(hashlib.sha256(b"x").hexdigest())')" ]
}

@test "sqlite3 creates, inserts and selects in the sandbox's /tmp" {
	command -v sqlite3 >/dev/null || skip "no sqlite3 (Debian package sqlite3)"
	rm -f /tmp/t.db
	run -0 --separate-stderr "$CVISOR" do $CVISOR_DO_FLAGS -- sqlite3 /tmp/t.db \
		'create table t(x); insert into t values(42); select * from t;'
	[ "$output" = 42 ]
	# the sandbox's /tmp is its own tmpfs: nothing reached the host
	[ ! -e /tmp/t.db ]
}

@test "sh writes /etc and cat reads it back; the host's /etc is untouched" {
	name=cvisor-test-$$
	run -0 --separate-stderr "$CVISOR" do $CVISOR_DO_FLAGS -- /bin/sh -c \
		"echo hi > /etc/$name; cat /etc/$name"
	[ "$output" = hi ]
	[ ! -e /etc/$name ]
}

@test "a write to /etc lands in the overlay and never on the host" {
	name=cvisor-test-$$
	run -0 --separate-stderr "$CVISOR" do $CVISOR_DO_FLAGS -- /bin/busybox sh -c \
		"echo hi > /etc/$name; read x < /etc/$name; echo \$x"
	[ "$output" = hi ]
	[ ! -e /etc/$name ]
}

@test "--rw DIR: files written there are on the host afterwards" {
	run -0 --separate-stderr "$CVISOR" do --rw "$TMP" -- /bin/busybox sh -c \
		"echo out > $TMP/result"
	[ "$(cat "$TMP/result")" = out ]
}

@test "--rw DIR: a non-root user's files, directories, links and FIFOs are its own on the host; the FIFO works" {
	chmod 777 "$TMP"
	run -0 --separate-stderr "$CVISOR" do --rw "$TMP" -- /usr/bin/setpriv --reuid=65534 \
		--regid=65534 --clear-groups /bin/sh -c "cd $TMP && touch f && mkdir d && ln -s f l &&
		mkfifo p && (echo through-the-fifo > p &) && cat p"
	[ "$output" = through-the-fifo ]
	for n in f d l p; do
		[ "$(stat -c %u:%g "$TMP/$n")" = 65534:65534 ] || { echo "$n: $(stat -c %u:%g "$TMP/$n")"; false; }
	done
	[ -p "$TMP/p" ]
}

@test "--rw DIR: a path whose directories were renamed, removed or replaced in the sandbox opens what is there now" {
	# host directory lookups are cached (fs/hostfs.c): the conformance
	# program on a host tree, where the cache is
	run -0 --separate-stderr "$CVISOR" do --rw "$TMP" -- /usr/bin/env LOOKUP_DIR="$TMP" \
		"$BUILD/tests/conformance/lookup_renamed_dir"
	[ -z "$(ls "$TMP")" ]
}

@test "--rw DIR: search permission on host directories for a user without DAC capabilities" {
	# the walk checks a host directory's bits from the attributes its own
	# lookup read (vfs/namei.c): the conformance program on a host tree
	chmod 755 "$TMP"
	run -0 --separate-stderr "$CVISOR" do --rw "$TMP" -- /usr/bin/env PERM_DIR="$TMP" \
		"$BUILD/tests/conformance/dir_search_perm"
	[ -z "$(ls "$TMP")" ]
}

@test "--rw DIR: a path whose directories the host replaced opens the host's new file" {
	mkdir -p "$TMP/a/b"
	echo one >"$TMP/a/b/f"
	# the sandbox waits for the host's change (at most 60 s: never hangs)
	"$CVISOR" do --rw "$TMP" -- /bin/busybox sh -c "cat $TMP/a/b/f; touch $TMP/ready; i=0;
		while [ ! -e $TMP/go ] && [ \$i -lt 1200 ]; do sleep 0.05; i=\$((i + 1)); done;
		cat $TMP/a/b/f" >"$TMP/out" 2>&1 &
	pid=$!
	while [ ! -e "$TMP/ready" ] && kill -0 "$pid" 2>/dev/null; do sleep 0.05; done
	mv "$TMP/a" "$TMP/old"
	mkdir -p "$TMP/a/b"
	echo two >"$TMP/a/b/f"
	touch "$TMP/go"
	wait "$pid"
	[ "$(cat "$TMP/out")" = "$(printf 'one\ntwo')" ]
}

@test "symlinks that point outside the root resolve inside it" {
	R=$TMP/root
	mkdir -p "$R/bin" "$R/etc" "$R/a/b"
	cp /bin/busybox "$R/bin/"
	echo sandbox-passwd > "$R/etc/passwd"
	ln -s ../../../../etc "$R/escape"
	ln -s /etc "$R/escape2"
	ln -s ../../../../../etc "$R/a/b/up"
	for p in /escape/passwd escape/passwd /escape2/passwd /a/b/up/passwd /../../etc/passwd; do
		run -0 --separate-stderr "$CVISOR" do --root "$R" -- /bin/busybox cat "$p"
		[ "$output" = sandbox-passwd ]
	done
}

@test "a device node in the root file system is never opened on the host" {
	R=$TMP/root
	mkdir -p "$R/bin"
	cp /bin/busybox "$R/bin/"
	mknod "$R/mem" c 1 1 || skip "cannot mknod here"
	run --separate-stderr "$CVISOR" do --root "$R" -- /bin/busybox head -c 1 /mem
	[ "$status" -ne 0 ]
	[[ "$stderr" == *"No such device or address"* ]]
}

@test "dynamic programs load their interpreter; #! scripts run" {
	printf '#!/bin/busybox sh\necho script "$@"\n' > "$TMP/s.sh"
	chmod +x "$TMP/s.sh"
	run -0 --separate-stderr "$CVISOR" do --rw "$TMP" -- "$TMP/s.sh" a b
	[ "$output" = "script a b" ]
	run -0 --separate-stderr "$CVISOR" do $CVISOR_DO_FLAGS -- /bin/true
}
@test "/proc/self/exe names the program" {
	run -0 --separate-stderr "$CVISOR" do $CVISOR_DO_FLAGS -- /bin/busybox readlink /proc/self/exe
	[ "$output" = /usr/bin/busybox ] || [ "$output" = /bin/busybox ]
}

@test "inotify: node's fs.watch sees a file created in the sandbox, as natively" {
	[ -x /usr/bin/node ] || skip "no /usr/bin/node"
	js='const fs = require("fs"); const d = fs.mkdtempSync("/tmp/w");
	const w = fs.watch(d, (ev, name) => { console.log(ev, name); w.close(); process.exit(0); });
	setTimeout(() => fs.writeFileSync(d + "/x", "hi"), 100);
	setTimeout(() => { console.log("no event"); process.exit(1); }, 10000);'
	want=$(/usr/bin/node -e "$js")
	run -0 --separate-stderr "$CVISOR" do -- /usr/bin/node -e "$js"
	[ "$output" = "$want" ]
	[ "$output" = "rename x" ]
}
