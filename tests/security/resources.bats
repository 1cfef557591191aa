#!/usr/bin/env bats
# What the application can make the sentry hold on the host: a process
# that forks and reaps children without end (a shell loop, a build, a
# pre-forking server) must not grow the sentry's memory.  Each reaped
# thread group used to stay in the sentry (about 24 KiB each, with its
# address space's bookkeeping): 16,000 forks held 390 MiB.

load common

teardown() {
	[ -z "${RUN_PID:-}" ] || kill -KILL "$RUN_PID" 2>/dev/null || true
}

rss_kib() {
	awk '/^VmRSS:/ { print $2 }' /proc/"$1"/status
}

# await FILE: until it exists or the sandbox ended (10 minutes at most).
await() {
	local i
	for ((i = 0; i < 3000; i++)); do
		[ -e "$1" ] && return 0
		kill -0 "$RUN_PID" 2>/dev/null || break
		sleep 0.2
	done
	echo "gave up waiting for $1" >&2
	return 1
}

# churn N1 N2 [PROG]: the sentry's RSS (KiB) after N1 and after N1+N2
# children, in $a and $b.
churn() {
	local d=$BATS_TEST_TMPDIR/churn sentry
	mkdir -p "$d"
	cdo_bg --rw "$d" -- "$SEC/fork_churn" "$d" "$@"
	RUN_PID=$!
	sentry=$(sentry_of "$RUN_PID")
	await "$d/1"
	a=$(rss_kib "$sentry")
	touch "$d/go"
	await "$d/2"
	b=$(rss_kib "$sentry")
	touch "$d/end"
	wait "$RUN_PID"
	RUN_PID=
}

@test "4,000 reaped children leave the sentry's memory as it was after 400" {
	churn 400 4000
	echo "sentry RSS: $a KiB after 400 forks, $b KiB after 4,400"
	# 24 KiB a child before the fix would be 94 MiB; allow 8 MiB of noise
	[ $((b - a)) -lt 8192 ]
}

@test "3,000 children that exec a dynamic program (/bin/true) leave it as after 300" {
	churn 300 3000 /bin/true
	echo "sentry RSS: $a KiB after 300 fork+exec, $b KiB after 3,300"
	# each ended sentry thread kept its read buffer: 8 KiB a child, 24 MiB
	[ $((b - a)) -lt 8192 ]
}
