# tests/apps/apps.bash: what the application tests share (issue 14).
# Each .bats file here runs a real Debian program in `cvisor do` (and
# nginx through docker --runtime=cvisor) and, where it means something,
# the same natively, and compares.  The programs come from
# scripts/deps.sh with WITH_APPS=1 (make test-apps sets it): a missing one is a
# failure that names the package, never a skip.
#
#   load apps
#   need PROG PACKAGE          fail unless PROG is installed
#   sandbox [DO_OPTS...] -- CMD...   CMD in `cvisor do`, bounded by $T s (120)
#   wait_until TRIES CMD...    run CMD every 0.2 s until it succeeds
#   free_port                  a TCP port no one listens on (127.0.0.1)

BUILD=${BUILD:-build}
CVISOR=$(realpath "$BUILD/cvisor")
# Debian's python3, not one earlier in PATH (pyenv's): the packages' own.
PY=/usr/bin/python3

need() {
	command -v "$1" >/dev/null ||
		{ echo "$1 is not installed (Debian package $2): run WITH_APPS=1 scripts/deps.sh" >&2; return 1; }
}

sandbox() {
	# shellcheck disable=SC2086 # CVISOR_DO_FLAGS holds options
	timeout -k 5 "${T:-120}" "$CVISOR" do ${CVISOR_DO_FLAGS:-} "$@"
}

wait_until() {
	local tries=$1 i
	shift
	for ((i = 0; i < tries; i++)); do
		"$@" >/dev/null 2>&1 && return 0
		sleep 0.2
	done
	echo "gave up waiting for: $*" >&2
	return 1
}

free_port() {
	$PY -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# What the sandbox said it does not support (ENOSYS by name), for the
# failure messages: "cvisor: unsupported syscall NAME (NR)" lines of FILE.
unsupported() {
	grep -ho 'unsupported [a-z]* [^ ]*' "$@" 2>/dev/null | sort -u | tr '\n' ' '
}

# await FILE PID [TRIES]: wait (0.2 s steps, 1500 at most) until FILE
# exists (0), or until the process PID has ended without making it (1).
await() {
	local i
	for ((i = 0; i < ${3:-1500}; i++)); do
		[ -e "$1" ] && return 0
		kill -0 "$2" 2>/dev/null || { [ -e "$1" ]; return; }
		sleep 0.2
	done
	echo "gave up waiting for $1" >&2
	return 1
}

# differs WANT: the last `run` in the sandbox did not print WANT with
# status 0: say what it printed, its stderr's end and what the sandbox
# reported unsupported, and fail.
differs() {
	echo "want: $1" >&2
	echo "got (status $status): $output" >&2
	echo "stderr: $(tail -n 5 <<<"${stderr:-}")" >&2
	echo "unsupported: $(unsupported <<<"${stderr:-}")" >&2
	return 1
}

# same_as_native CMD...: CMD natively, then in the sandbox: the sandbox's
# status is 0 and its output the native one.
same_as_native() {
	local want
	want=$(timeout 60 "$@" 2>&1) || { echo "natively: $want" >&2; return 1; }
	run --separate-stderr sandbox -- "$@"
	[ "$status" = 0 ] && [ "$output" = "$want" ] || differs "$want"
}
