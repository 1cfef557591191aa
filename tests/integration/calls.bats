#!/usr/bin/env bats
# Issue 15 item 3: programs that need the per-thread scheduling calls, the
# session keyring and prctl's capability rules, each in `cvisor do` and
# compared with the same command run natively.

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

@test "java -version runs (pthread_getattr_np: sched_getaffinity of a new thread)" {
	command -v java >/dev/null || skip "no java (default-jdk-headless)"
	run -0 "$CVISOR" do $CVISOR_DO_FLAGS -- java -version
	[[ "$output" == *"OpenJDK"* ]]
	[[ "$output" != *"unsupported syscall"* ]]
	[[ "$output" != *"fatal error"* ]]
}

@test "a Java program with 8 threads prints what it prints natively" {
	command -v javac >/dev/null || skip "no javac (default-jdk-headless)"
	cp "$BATS_TEST_DIRNAME/java/Threads.java" "$TMP/"
	javac -d "$TMP" "$TMP/Threads.java"
	native=$(java -cp "$TMP" Threads)
	[ "$native" = "threads=8 sum=32000004000000" ]
	run -0 "$CVISOR" do $CVISOR_DO_FLAGS --rw "$TMP" -- java -cp "$TMP" Threads
	[ "$output" = "$native" ]
}

@test "setpriv --reuid/--regid --inh-caps=-all id: as natively" {
	command -v setpriv >/dev/null || skip "no setpriv"
	args=(setpriv --reuid=65534 --regid=65534 --clear-groups --inh-caps=-all id)
	native=$("${args[@]}")
	run -0 "$CVISOR" do $CVISOR_DO_FLAGS -- "${args[@]}"
	[ "$output" = "$native" ]
}

@test "pkey_alloc, mlock, msync, membarrier: answered without an unsupported-syscall report" {
	prog=$BUILD/tests/conformance/membarrier_pkey
	[ -x "$prog" ] || skip "no $prog (make $prog)"
	run -0 "$CVISOR" do $CVISOR_DO_FLAGS -- "$prog"
	[[ "$output" != *"unsupported syscall"* ]]
	run -0 "$CVISOR" do $CVISOR_DO_FLAGS -- "$BUILD/tests/conformance/mlock"
	[[ "$output" != *"unsupported syscall"* ]]
}

@test "runuser -u nobody id: as natively, no unsupported-syscall report (pam_keyinit's keyctl)" {
	command -v runuser >/dev/null || skip "no runuser"
	native=$(runuser -u nobody id)
	run -0 "$CVISOR" do $CVISOR_DO_FLAGS -- runuser -u nobody id
	[ "$output" = "$native" ]
}

@test "su -s /bin/sh nobody -c id: as natively, no unsupported-syscall report" {
	command -v su >/dev/null || skip "no su"
	native=$(su -s /bin/sh nobody -c id)
	run -0 "$CVISOR" do $CVISOR_DO_FLAGS -- su -s /bin/sh nobody -c id
	[ "$output" = "$native" ]
}

@test "node starts without an unsupported-syscall report (V8 probes pkey_alloc)" {
	command -v node >/dev/null || skip "no node"
	native=$(node -e 'console.log(process.version)')
	run -0 "$CVISOR" do $CVISOR_DO_FLAGS -- node -e 'console.log(process.version)'
	[ "$output" = "$native" ]
}
