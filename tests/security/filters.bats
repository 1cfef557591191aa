#!/usr/bin/env bats
# The host calls each party of a sandbox may make, measured from the filters
# installed in a live one (cvisor-filters: PTRACE_SECCOMP_GET_FILTER on the
# sentry, the stubs' syscall threads and the application threads, each read
# for every input), against what DESIGN.md §3 and docs/security.md promise
# (issue 12: the table of host calls).  Adding a call to any of the three
# filters makes one of these fail.

load common

export LC_ALL=C         # sort as the expected lists are written

setup_file() {
	export LIST=$BATS_FILE_TMPDIR/filters.list
	cdo_bg sleep 1000
	local cli=$!
	"$BUILD/cvisor-filters" --list "$cli" >"$LIST" 2>"$BATS_FILE_TMPDIR/err" || true
	kill "$cli"
	wait "$cli" || true
}

# allowed PARTY: the calls PARTY's filters allow, sorted, on one line.
allowed() {
	awk -F'\t' -v p="$1" '$1 == p && $3 == "ALLOW" { print $2 }' "$LIST" | sort | xargs
}

# field PARTY CALL ANSWER N: field N of that line.
field() {
	awk -F'\t' -v p="$1" -v c="$2" -v a="$3" -v n="$4" \
		'$1 == p && $2 == c && $3 == a { print $n }' "$LIST"
}

# refusals PARTY: its lines that do not allow, as "call answer", sorted.
refusals() {
	awk -F'\t' -v p="$1" '$1 == p && $3 != "ALLOW" { print $2, $3 }' "$LIST" | sort
}

# The calls named in the "calls" column of docs/security.md's table of the
# sentry's filter.
documented_sentry_calls() {
	awk '/^### The sentry.s filter/ { on = 1; next } on && /^#/ { exit }
	     on && /^\| / && !/^\| group/ { split($0, c, "|"); print c[3] }' \
		"$BATS_TEST_DIRNAME/../../docs/security.md" |
		grep -o '`[^`]*`' | tr -d '`' | tr ' ' '\n' | grep -E '^[a-z_0-9]+$' | sort -u
}

@test "filters: every party measured, every reading exact and checked" {
	cat "$BATS_FILE_TMPDIR/err" >&2
	for p in sentry syscall-thread app app-filter; do
		grep -q "^#party	$p	" "$LIST"
	done
	# one set of filters per party: no thread differs (app.2, ...)
	! grep -q '^#party	[a-z-]*\.[0-9]' "$LIST"
	! grep -q '^#party.*inexact' "$LIST"
	! grep -q 'read loosely' "$LIST"
	[ "$(grep -c '^#party.*	checked=[1-9][0-9]*' "$LIST")" = 4 ]
}

STUB='ip in [0x7e0000000001, 0x7e0000010000] (stub code)'

# stub_set PARTY: PARTY allows the stub set, on its conditions, and nothing else.
stub_set() {
	[ "$(allowed "$1")" = "arch_prctl exit futex rt_sigreturn sched_yield" ]
	[ -z "$(awk -F'\t' -v p="$1" '$1 == p && $3 == "ALLOW" && $4 != "stub"' "$LIST")" ]
	for c in exit rt_sigreturn sched_yield; do
		[ "$(field "$1" $c ALLOW 5)" = "$STUB" ]
	done
	[ "$(field "$1" arch_prctl ALLOW 5)" = "$STUB, arg0 in {ARCH_SET_FS, ARCH_GET_FS}" ]
	[ "$(field "$1" futex ALLOW 5)" = "$STUB, arg0 in [0x7e0000000001, 0x7e003ffffffc] (stub region), arg1.lo32 in {FUTEX_WAIT, FUTEX_WAKE}" ]
}

@test "filters: application threads reach only the stub set, and only from stub code" {
	stub_set app
}

@test "filters: the application filter on its own allows only the stub set" {
	# each of the two stacked filters must hold by itself: the older one
	# alone would let an application thread reach every call below
	stub_set app-filter
	[ "$(refusals app-filter)" = "$(refusals app)" ]
}

@test "filters: everything else an application thread calls traps to the sentry" {
	# two filters, the older one the syscall thread's, inherited
	grep -q '^#party	app	.*	filters=[0-9]*,[0-9]*	' "$LIST"
	grep -q "^# application threads: filter #1 is the syscall thread's, inherited" "$LIST"
	# no call gets another answer; a 32-bit call kills (docs/security.md, finding 2)
	[ "$(refusals app)" = "$(printf '%s\n' '* TRAP' 'i386 KILL_PROCESS' \
		'other-arch KILL_PROCESS' 'x86_64>=1024 TRAP')" ]
}

@test "filters: the stub's syscall thread has DESIGN.md §3's set, only from stub code" {
	# DESIGN.md §3's list, and the stub set its application threads inherit
	[ "$(allowed syscall-thread)" = "arch_prctl clone exit futex madvise mmap mprotect mremap munmap prctl rt_sigreturn sched_yield seccomp sigaltstack" ]
	[ -z "$(awk -F'\t' '$1 == "syscall-thread" && $3 == "ALLOW" && $4 != "stub"' "$LIST")" ]
	field syscall-thread clone ALLOW 5 | grep -qF 'arg0 in {CLONE_FILES|CLONE_PARENT, CLONE_VM|CLONE_FS|CLONE_FILES|CLONE_SIGHAND|CLONE_THREAD|CLONE_SYSVSEM|CLONE_CHILD_CLEARTID, CLONE_VM|CLONE_FS|CLONE_FILES|CLONE_SIGHAND|CLONE_THREAD|CLONE_SYSVSEM|CLONE_PARENT_SETTID|CLONE_CHILD_CLEARTID}'
	field syscall-thread seccomp ALLOW 5 | grep -qF 'arg0.lo32 == SECCOMP_SET_MODE_FILTER'
	field syscall-thread prctl ALLOW 5 | grep -qF 'arg0.lo32 in {PR_SET_PDEATHSIG, PR_SET_NO_NEW_PRIVS}'
	[ "$(refusals syscall-thread)" = "$(printf '%s\n' '* TRAP' 'i386 KILL_PROCESS' \
		'other-arch KILL_PROCESS' 'x86_64>=1024 TRAP')" ]
}

@test "filters: the sentry's filter allows no call outside docs/security.md's list" {
	doc=$(documented_sentry_calls)
	[ "$(echo "$doc" | wc -l)" -gt 60 ]
	undocumented=$(comm -23 <(allowed sentry | tr ' ' '\n') <(echo "$doc"))
	echo "allowed, not documented: $undocumented"
	[ -z "$undocumented" ]
	# and every documented one is in the filter (allowed, or clone3's ENOSYS)
	missing=$(comm -13 <(awk -F'\t' '$1 == "sentry" { print $2 }' "$LIST" | sort -u) <(echo "$doc"))
	echo "documented, not in the filter: $missing"
	[ -z "$missing" ]
}

@test "filters: the sentry's filter checks the arguments it must; anything else kills it, any architecture" {
	for c in clone getsockopt ioctl sched_setaffinity setsockopt socket; do
		field sentry $c ALLOW 5 | grep -q arg
	done
	[ "$(awk -F'\t' '$1 == "sentry" && $3 == "ALLOW" && $5 != "-" { print $2 }' "$LIST" | sort | xargs)" = \
		"clone getsockopt ioctl sched_setaffinity setsockopt socket" ]
	[ "$(field sentry clone ALLOW 5)" = "arg0 & CLONE_THREAD == CLONE_THREAD" ]
	[ "$(field sentry sched_setaffinity ALLOW 5)" = "arg0 == 0" ]
	[ "$(refusals sentry)" = "$(printf '%s\n' '* KILL_PROCESS' 'clone3 ERRNO(ENOSYS)' \
		'i386 KILL_PROCESS' 'other-arch KILL_PROCESS' 'x86_64>=1024 KILL_PROCESS')" ]
}

@test "filters: socket(AF_UNIX) for the sentry only with --host-uds (stream and seqpacket, as it makes them), and never fchdir" {
	# the default sandbox (setup_file's): no AF_UNIX socket, no fchdir
	[[ "$(field sentry socket ALLOW 5)" != *AF_UNIX* ]]
	[ -z "$(awk -F'\t' '$1 == "sentry" && $2 == "fchdir"' "$LIST")" ]
	local uds=$BATS_TEST_TMPDIR/uds.list
	cdo_bg --host-uds sleep 1000
	local cli=$!
	"$BUILD/cvisor-filters" --list "$cli" >"$uds" || true
	kill "$cli"
	wait "$cli" || true
	grep -q '^#party	sentry	.*checked=[1-9]' "$uds"
	local rule='(arg0 == AF_UNIX, arg1 in {SOCK_STREAM|SOCK_NONBLOCK|SOCK_CLOEXEC, SOCK_SEQPACKET|SOCK_NONBLOCK|SOCK_CLOEXEC}, arg2 == 0)'
	[ "$(LIST=$uds field sentry socket ALLOW 5)" = "$(field sentry socket ALLOW 5) or $rule" ]
	# the same calls otherwise: connect is there already, fchdir never
	[ "$(LIST=$uds allowed sentry)" = "$(allowed sentry)" ]
	[ -z "$(awk -F'\t' '$1 == "sentry" && $2 == "fchdir"' "$uds")" ]
}
