#!/usr/bin/env bats
# Finding 5 of the security review (issue 12): pausing killed the sandbox.
# A stop (SIGSTOP/SIGCONT), a cgroup freeze and thaw or a ptrace attach of
# the sentry made the host restart its sleep with restart_syscall, which the
# sentry's own seccomp filter killed.  Each way of pausing a sandbox is
# tried on a running application (pause_pingpong: two processes passing a
# counter over pipes, a thread napping), which must then carry on, finish
# and exit 0.  Then cvisor's pause and resume (the cgroup freezer, runc's
# commands and messages), kill and delete of a paused container, and
# docker pause/unpause through a dockerd of the test's own.
#
# Writes cgroups and starts dockerd: by hand, run it under the shared lock,
#   flock /tmp/cvisor-heavy.lock env BUILD=build bats tests/security/pause.bats

load common
load ../integration/dockerd

setup() {
	D=$BATS_TEST_TMPDIR/app
	mkdir -p "$D"
	CGROUPS=()
	PIDS=()
}

teardown() {
	local cg p
	[ -n "${DK:-}" ] && dockerd_stop
	# thaw first: a task frozen by the v1 freezer does not die of SIGKILL
	for cg in "${CGROUPS[@]}"; do
		[ -e "$cg/freezer.state" ] && echo THAWED >"$cg/freezer.state"
		[ -e "$cg/cgroup.freeze" ] && echo 0 >"$cg/cgroup.freeze"
	done
	[ -n "${TRACER:-}" ] && kill "$TRACER" 2>/dev/null
	for p in "${PIDS[@]}"; do kill -CONT "$p" 2>/dev/null; done
	# the supervisor's death ends the sentry (PDEATHSIG), the sentry's
	# every stub process (the init of their pid namespace)
	[ -n "${SUP:-}" ] && kill -KILL "$SUP" 2>/dev/null
	[ -n "${APP:-}" ] && wait "$APP" 2>/dev/null
	for p in "${PIDS[@]}"; do
		for i in $(seq 100); do kill -0 "$p" 2>/dev/null || break; sleep 0.1; done
	done
	for cg in "${CGROUPS[@]}"; do rmdir "$cg" 2>/dev/null || true; done
	[ -z "${C:-}" ] && return 0
	for id in $($C list -q 2>/dev/null); do $C delete --force "$id" >/dev/null 2>&1; done
}

# count: the rounds pause_pingpong has published (0 before the first).
count() {
	local c
	c=$(cat "$D/count" 2>/dev/null)
	echo $((10#${c:-0}))
}

# wait_progress N: until more than N rounds are published (30 s at most),
# failing at once if the sandbox has ended.
wait_progress() {
	for i in $(seq 300); do
		[ "$(count)" -gt "$1" ] && return 0
		[ -n "${APP:-}" ] && ! kill -0 "$APP" 2>/dev/null && break
		sleep 0.1
	done
	echo "no progress past $1 rounds; the application's output:" >&2
	cat "$D/out" >&2
	return 1
}

# descendants PID: every process below PID.
descendants() {
	local c
	for c in $(pgrep -P "$1"); do
		echo "$c"
		descendants "$c"
	done
}

# start_app: pause_pingpong under `cvisor do`, once it makes progress.  APP
# is the CLI, SUP the supervisor, SENTRY the sentry, STUBS its processes.
start_app() {
	cdo_bg --rw "$D" -- "$SEC/pause_pingpong" "$D" >"$D/out" 2>&1 3>&-
	APP=$!
	wait_progress 0
	SUP=$(pgrep -P "$APP")
	SENTRY=$(sentry_of "$APP")
	STUBS=$(descendants "$SENTRY")
	PIDS=("$SUP" "$SENTRY" $STUBS)
	[ -n "$SUP" ] && [ -n "$SENTRY" ] && [ -n "$STUBS" ]
}

# finish_app: the application must go on from where it is, then end
# cleanly when asked; nothing of the sandbox is left.
finish_app() {
	local rc=0 p
	wait_progress "$(count)"
	touch "$D/stop"
	wait "$APP" || rc=$?
	APP=
	cat "$D/out"
	[ "$rc" = 0 ]
	grep -q '^ok ' "$D/out"
	for p in "${PIDS[@]}"; do ! kill -0 "$p" 2>/dev/null; done
}

# stopped PID...: wait until each is in the stopped state (T).
stopped() {
	local p s
	for p in "$@"; do
		for i in $(seq 100); do
			s=$(sed 's/.*) \(.\).*/\1/' "/proc/$p/stat")
			[ "$s" = T ] && break
			sleep 0.05
		done
		[ "$s" = T ] || { echo "pid $p did not stop ($s)" >&2; return 1; }
	done
}

# no_progress: the application is held (its count does not move).
no_progress() {
	local c
	c=$(count)
	sleep 0.3
	[ "$(count)" = "$c" ]
}

# Each pause is made three times: the sentry dies only if one of its threads
# was in a sleep with a restart block (its main loop's poll, most of the
# time) when it came.

@test "SIGSTOP and SIGCONT of the sentry: the application carries on" {
	start_app
	for round in 1 2 3; do
		kill -STOP "$SENTRY"
		stopped "$SENTRY"
		no_progress
		kill -CONT "$SENTRY"
		wait_progress "$(count)"
	done
	finish_app
}

@test "SIGSTOP and SIGCONT of the supervisor" {
	start_app
	kill -STOP "$SUP"
	stopped "$SUP"
	wait_progress "$(count)"        # the sandbox does not need it to run
	kill -CONT "$SUP"
	finish_app
}

@test "SIGSTOP and SIGCONT of each stub process in turn" {
	start_app
	for p in $STUBS; do
		kill -STOP "$p"
		stopped "$p"
		kill -CONT "$p"
		wait_progress "$(count)"
	done
	finish_app
}

@test "SIGSTOP of the whole process tree (CLI, supervisor, sentry, stubs), then SIGCONT" {
	start_app
	PIDS+=("$APP")
	for round in 1 2 3; do
		kill -STOP "${PIDS[@]}"
		stopped "${PIDS[@]}"
		no_progress
		kill -CONT "${PIDS[@]}"
		wait_progress "$(count)"
	done
	unset 'PIDS[-1]'
	finish_app
}

@test "cgroup v1 freezer: FROZEN, then THAWED" {
	[ -e /sys/fs/cgroup/freezer/freezer.state ] || [ -d /sys/fs/cgroup/freezer ] ||
		skip "no cgroup v1 freezer here"
	start_app
	cg=/sys/fs/cgroup/freezer/cvisor-pause-test-$$
	mkdir "$cg"
	CGROUPS+=("$cg")
	for p in "${PIDS[@]}"; do echo "$p" >"$cg/cgroup.procs"; done
	for round in 1 2 3; do
		echo FROZEN >"$cg/freezer.state"
		for i in $(seq 100); do [ "$(cat "$cg/freezer.state")" = FROZEN ] && break; sleep 0.05; done
		[ "$(cat "$cg/freezer.state")" = FROZEN ]
		no_progress
		echo THAWED >"$cg/freezer.state"
		wait_progress "$(count)"
	done
	finish_app
}

@test "cgroup v2 cgroup.freeze: frozen 1, then 0" {
	v2=$(awk '$3 == "cgroup2" { print $2; exit }' /proc/mounts)
	[ -n "$v2" ] || skip "no cgroup v2 hierarchy here"
	start_app
	cg=$v2/cvisor-pause-test-$$
	mkdir "$cg"
	CGROUPS+=("$cg")
	[ -e "$cg/cgroup.freeze" ] || skip "no cgroup.freeze (kernel before 5.2)"
	for p in "${PIDS[@]}"; do echo "$p" >"$cg/cgroup.procs"; done
	for round in 1 2 3; do
		echo 1 >"$cg/cgroup.freeze"
		for i in $(seq 100); do grep -qx 'frozen 1' "$cg/cgroup.events" && break; sleep 0.05; done
		grep -qx 'frozen 1' "$cg/cgroup.events"
		no_progress
		echo 0 >"$cg/cgroup.freeze"
		wait_progress "$(count)"
	done
	finish_app
}

@test "ptrace attach and detach of the sentry: strace -f -p for a moment" {
	command -v strace >/dev/null || skip "no strace"
	start_app
	strace -f -p "$SENTRY" -o "$D/strace" 3>&- &
	TRACER=$!
	for i in $(seq 100); do
		[ "$(awk '/^TracerPid:/ { print $2 }' "/proc/$SENTRY/status")" != 0 ] && break
		sleep 0.05
	done
	[ "$(awk '/^TracerPid:/ { print $2 }' "/proc/$SENTRY/status")" = "$TRACER" ]
	wait_progress "$(count)"        # traced, the sandbox still runs
	kill "$TRACER"
	wait "$TRACER" || true
	TRACER=
	[ "$(awk '/^TracerPid:/ { print $2 }' "/proc/$SENTRY/status")" = 0 ]
	finish_app
}

@test "ptrace attach and detach of the sentry: gdb -p -batch" {
	command -v gdb >/dev/null || skip "no gdb"
	start_app
	run -0 timeout 60 gdb -p "$SENTRY" -batch -ex 'info threads'
	[[ "$output" == *"LWP $SENTRY"* ]]
	[[ "$output" == *"process $SENTRY) detached"* ]]
	finish_app
}

# --- cvisor pause and resume (runc's commands) ---

# oci_setup [CGROUPS_PATH]: a bundle running pause_pingpong in /cnt of its
# writable busybox root (so the count is on the host), the engine's
# cgroupsPath and a pids limit if given, and a state root.
oci_setup() {
	B=$BATS_TEST_TMPDIR/bundle
	D=$B/rootfs/cnt
	C="$CVISOR --root $BATS_TEST_TMPDIR/state"
	CGROUPS_PATH=${1:-} EDIT='
c["root"]["readonly"] = False
if os.environ["CGROUPS_PATH"]:
    c["linux"]["cgroupsPath"] = os.environ["CGROUPS_PATH"]
    c["linux"]["resources"] = {"pids": {"limit": 100}}' \
		bundle_of "$B" /bin/pause_pingpong /cnt
	mkdir -p "$D"
}

status_of() {
	$C state "$1" | python3 -c 'import json,sys; print(json.load(sys.stdin)["status"])'
}

# oci_start ID: run -d, once the application makes progress; SUP is the
# container's pid (the supervisor), PIDS every host process of it.
oci_start() {
	$C run -d -b "$B" "$1" >"$BATS_TEST_TMPDIR/run.log" 2>&1 3>&-
	wait_progress 0
	SUP=$($C state "$1" | python3 -c 'import json,sys; print(json.load(sys.stdin)["pid"])')
	PIDS=("$SUP" $(descendants "$SUP"))
	CG=$(cat "$BATS_TEST_TMPDIR/state/$1/cgroup")
	CG=/${CG#/}
}

# wait_status ID STATUS: (10 s at most)
wait_status() {
	for i in $(seq 100); do [ "$(status_of "$1")" = "$2" ] && return 0; sleep 0.1; done
	[ "$(status_of "$1")" = "$2" ]
}

# frozen_whole: the container's cgroup reads back frozen (v1 freezer.state,
# or v2 cgroup.events), and every host process of the sandbox is in it.
frozen_whole() {
	local p f=/sys/fs/cgroup/freezer$CG
	if [ -e "$f/freezer.state" ]; then
		[ "$(cat "$f/freezer.state")" = FROZEN ]
		for p in "${PIDS[@]}"; do grep -q ":freezer:$CG\$" "/proc/$p/cgroup"; done
	else
		f=$(awk '$3 == "cgroup2" { print $2; exit }' /proc/mounts)$CG
		grep -qx 'frozen 1' "$f/cgroup.events"
		for p in "${PIDS[@]}"; do grep -q "^0::$CG\$" "/proc/$p/cgroup"; done
	fi
}

# gone: no process of the container is left, nor its cgroup.
gone() {
	local p
	for p in "${PIDS[@]}"; do
		for i in $(seq 100); do kill -0 "$p" 2>/dev/null || break; sleep 0.1; done
		! kill -0 "$p" 2>/dev/null
	done
	[ ! -e "/sys/fs/cgroup/freezer$CG" ] && [ ! -e "/sys/fs/cgroup/unified$CG" ] &&
		[ ! -e "/sys/fs/cgroup$CG" ]
}

@test "cvisor pause and resume: no progress while paused, status paused, then it carries on" {
	oci_setup
	oci_start p1
	run -0 $C pause p1
	[ "$(status_of p1)" = paused ]
	run -0 $C list
	[[ "$output" == *"p1 "*" paused "* ]]
	frozen_whole
	no_progress
	# runc's refusals, and nothing a frozen sentry would have to answer
	run -1 --separate-stderr $C pause p1
	[[ "$stderr" == *"container not running"* ]]
	run -1 --separate-stderr timeout 10 $C exec p1 /bin/true
	[[ "$stderr" == *"paused"* ]]
	run -1 --separate-stderr $C delete p1
	[[ "$stderr" == *"p1 is paused"* ]]
	no_progress
	run -0 $C resume p1
	[ "$(status_of p1)" = running ]
	run -1 --separate-stderr $C resume p1
	[[ "$stderr" == *"container not paused"* ]]
	wait_progress "$(count)"
	touch "$D/stop"
	wait_status p1 stopped
	run -0 $C delete p1
	gone
}

@test "pause and resume of a created container: created again; errors for a missing or stopped one" {
	oci_setup
	$C create -b "$B" p2 >"$BATS_TEST_TMPDIR/create.log" 2>&1 3>&-
	run -0 $C pause p2
	[ "$(status_of p2)" = paused ]
	run -0 $C resume p2
	[ "$(status_of p2)" = created ]
	run -0 $C start p2
	wait_progress 0
	touch "$D/stop"
	wait_status p2 stopped
	run -1 --separate-stderr $C pause p2
	[[ "$stderr" == *"container not running"* ]]
	run -1 --separate-stderr $C resume p2
	[[ "$stderr" == *"container not paused"* ]]
	run -0 $C delete p2
	run -1 --separate-stderr $C pause p2
	[[ "$stderr" == *"does not exist"* ]]
	run -1 --separate-stderr $C resume
	[[ "$stderr" == *"missing container id"* ]]
	run -1 --separate-stderr $C pause a b
	[[ "$stderr" == *"exactly one container id"* ]]
}

@test "kill -9 of a paused container ends it (thawed for it, as runc does)" {
	oci_setup
	oci_start p3
	run -0 $C pause p3
	run -0 timeout 10 $C kill p3 KILL
	wait_status p3 stopped
	run -0 $C delete p3
	gone
}

# The container's init (pause_pingpong) has no handler: a TERM from outside
# is ignored once it arrives, as Linux ignores it for a pid namespace's init
# (docs/processes.md, "Init's signals"); KILL ends it.
@test "kill of a paused container waits for resume: TERM then reaches an init that ignores it, KILL ends it" {
	oci_setup
	oci_start p4
	run -0 $C pause p4
	run -0 timeout 10 $C kill p4 TERM
	[ "$(status_of p4)" = paused ]
	no_progress
	run -0 $C resume p4
	wait_progress "$(count)"
	[ "$(status_of p4)" = running ]
	run -0 timeout 10 $C kill p4 KILL
	wait_status p4 stopped
	run -0 $C delete p4
	gone
}

@test "delete --force of a paused container" {
	oci_setup
	oci_start p5
	run -0 $C pause p5
	run -0 timeout 20 $C delete --force p5
	run -1 $C state p5
	gone
}

@test "pause with the engine's cgroupsPath and linux.resources" {
	oci_setup /cvisor-pause-test/p6
	oci_start p6
	[ "$CG" = /cvisor-pause-test/p6 ]
	[ "$(cat /sys/fs/cgroup/pids$CG/pids.max 2>/dev/null || cat /sys/fs/cgroup$CG/pids.max)" != max ]
	run -0 $C pause p6
	[ "$(status_of p6)" = paused ]
	no_progress
	run -0 $C resume p6
	wait_progress "$(count)"
	touch "$D/stop"
	wait_status p6 stopped
	run -0 $C delete p6
	gone
	for c in /sys/fs/cgroup/*/cvisor-pause-test; do rmdir "$c" 2>/dev/null || true; done
}

# --- docker pause / unpause, through a dockerd of the test's own ---

dk_start() {
	dockerd_start "$BATS_TEST_TMPDIR/dk"
	docker version >/dev/null
	mkdir -p "$DK/rootfs"
	busybox_root "$DK/rootfs"
	cp "$SEC/pause_pingpong" "$DK/rootfs/bin/"
	tar -C "$DK/rootfs" -c . | docker import - cvisor-pause-bb >/dev/null
}

@test "docker pause and unpause of a cvisor container; docker rm -f of a paused one" {
	command -v dockerd >/dev/null && command -v docker >/dev/null || skip "no dockerd (docker.io)"
	dk_start
	D=$BATS_TEST_TMPDIR/out
	mkdir -p "$D"
	id=$(timeout 60 docker run -d --runtime=cvisor --network=none -v "$D:/cnt" cvisor-pause-bb \
		/bin/pause_pingpong /cnt)
	wait_progress 0
	SUP=$(docker inspect -f '{{.State.Pid}}' "$id")
	PIDS=("$SUP" $(descendants "$SUP"))
	run -0 timeout 30 docker pause "$id"
	[ "$(docker inspect -f '{{.State.Status}}' "$id")" = paused ]
	no_progress
	run -0 timeout 30 docker unpause "$id"
	[ "$(docker inspect -f '{{.State.Status}}' "$id")" = running ]
	wait_progress "$(count)"
	run -0 timeout 30 docker pause "$id"
	run -0 timeout 30 docker rm -f "$id"
	for p in "${PIDS[@]}"; do
		for i in $(seq 100); do kill -0 "$p" 2>/dev/null || break; sleep 0.1; done
		! kill -0 "$p" 2>/dev/null
	done
	[ -z "$(docker ps -aq)" ]
}
