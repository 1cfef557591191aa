#!/usr/bin/env bats
# An idle wait costs nothing (issue 13): a program blocked in the sandbox
# leaves the sentry's host threads asleep.  Before wait queues, each
# blocked call slept in 1-50 ms slices: a 1 ms slice makes about 2,000
# context switches in 2 s.  Here the whole sentry (every thread) must make
# at most a handful while the program waits.

bats_require_minimum_version 1.5.0

setup_file() {
	export BUILD=${BUILD:-build}
	export CVISOR=$BUILD/cvisor
	export PROG=$BUILD/tests/conformance/progs/idle_wait
	[ -x "$CVISOR" ] || { echo "no $CVISOR" >&2; return 1; }
	[ -x "$PROG" ] || { echo "no $PROG" >&2; return 1; }
}

setup() {
	TMP=$(mktemp -d)
}

teardown() {
	[ -z "${RUN_PID:-}" ] || kill -KILL "$RUN_PID" 2>/dev/null || true
	rm -rf "$TMP"
}

# The host pid of the sentry (comm cvisor-sentry) under process $1.
sentry_of() {
	local c
	for c in $(ps -o pid= --ppid "$1"); do
		if [ "$(cat /proc/$c/comm 2>/dev/null)" = cvisor-sentry ]; then
			echo "$c"
			return
		fi
		sentry_of "$c"
	done
}

# The voluntary context switches of all the sentry's threads so far.
switches() {
	cat /proc/"$1"/task/*/status 2>/dev/null |
		awk '/^voluntary_ctxt_switches/ { n += $2 } END { print n + 0 }'
}

# The voluntary and involuntary context switches of all its threads so
# far (a sched_yield that runs another thread is an involuntary one).
all_switches() {
	cat /proc/"$1"/task/*/status 2>/dev/null |
		awk '/ctxt_switches/ { n += $2 } END { print n + 0 }'
}

# Run idle_wait MODE in the sandbox (under $WRAP, if set); once it waits,
# count the sentry's switches ($COUNT: switches) over 2 s into $count;
# then end it (SIGTERM to cvisor do).
idle_count() {
	local i s a
	$WRAP "$CVISOR" do $CVISOR_DO_FLAGS -- "$PROG" "$1" >"$TMP/out" 2>"$TMP/err" &
	RUN_PID=$!
	for i in $(seq 200); do
		grep -q ready "$TMP/out" 2>/dev/null && break
		sleep 0.05
	done
	grep -q ready "$TMP/out" || { cat "$TMP/err" >&2; return 1; }
	s=$(sentry_of "$RUN_PID")
	[ -n "$s" ] || { echo "no sentry under $RUN_PID" >&2; return 1; }
	sleep 0.5                       # from "ready" into the call
	a=$(${COUNT:-switches} "$s")
	sleep 2
	count=$(( $(${COUNT:-switches} "$s") - a ))
	# still waiting: the count is of the wait, not of an exit
	kill -0 "$RUN_PID"
	kill -TERM "$RUN_PID"
	wait "$RUN_PID" || true
	RUN_PID=
	echo "# $1: $count context switches (${COUNT:-switches}) of the sentry in 2 s" >&3
}

@test "idle read() on an empty pipe: the sentry sleeps" {
	idle_count pipe
	[ "$count" -le 10 ]
}

@test "idle epoll_wait with no timeout: the sentry sleeps" {
	idle_count epoll
	[ "$count" -le 10 ]
}

@test "idle sigsuspend: the sentry sleeps" {
	idle_count sigsuspend
	[ "$count" -le 10 ]
}

@test "idle futex WAIT: the sentry sleeps" {
	idle_count futex
	[ "$count" -le 10 ]
}

@test "idle poll() and eventfd read: the sentry sleeps" {
	idle_count poll
	[ "$count" -le 10 ]
	idle_count eventfd
	[ "$count" -le 10 ]
}

# The hand-off's YIELD mode (docs/performance.md, "The hand-off on one
# CPU"): a sentry thread yields to its stub thread a bounded number of
# times, then sleeps.  Here the application computes and makes no call,
# on the one CPU its sentry thread shares with it: unbounded, the sentry
# thread would be picked and yield again at every scheduler slice (some
# 500 switches in 2 s); bounded, it sleeps, and wakes only for the
# sentry's lost-wake-up check (every 100 ms: ~20 in 2 s).
@test "a computing thread on one CPU, hand-off YIELD: its sentry thread stops yielding" {
	WRAP="env CVISOR_HANDOFF=yield taskset -c 1" COUNT=all_switches idle_count compute
	[ "$count" -le 60 ]
}
