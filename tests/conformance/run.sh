#!/usr/bin/env bash
# Run the conformance tests natively and, if a cvisor binary is given,
# under the sandbox too.
#
# usage: run.sh BUILD_DIR [CVISOR]
#
# Every executable BUILD_DIR/tests/conformance/NAME (helpers in progs/ are
# skipped) runs as `NAME a b` with CVISOR_TEST=1, stdin </dev/null and a
# 20 s timeout (SIGKILL 5 s later). A run passes when it exits with the
# expected status (0, or the value of an `EXPECT_EXIT: N` line in NAME.c)
# and, if NAME.c has an `EXPECT_STDOUT: text` line, its stdout is exactly
# that text (trailing newlines ignored).
set -u

if [ $# -lt 1 ] || [ $# -gt 2 ]; then
	echo "usage: $0 BUILD_DIR [CVISOR]" >&2
	exit 2
fi
bindir=$1/tests/conformance
cvisor=${2:-}
srcdir=$(cd "$(dirname "$0")" && pwd)

if [ -n "$cvisor" ] && [ ! -x "$cvisor" ]; then
	echo "warning: $cvisor is not executable, running natively only" >&2
	cvisor=
fi

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
passed=0
failed=0

# expect NAME KEY: the text after "KEY: " in NAME.c, minus a closing "*/".
expect() {
	sed -n "s/.*$2: *//p" "$srcdir/${1%-pie}.c" 2>/dev/null | head -n 1 |
		sed 's/ *\*\/ *$//'
}

# run_one NAME MODE CMD...: run once, print one result line.
run_one() {
	local name=$1 mode=$2 why= st want_exit want_out
	shift 2
	env CVISOR_TEST=1 timeout -k 5 20 "$@" a b </dev/null >"$tmp/out" 2>"$tmp/err"
	st=$?
	want_exit=$(expect "$name" EXPECT_EXIT)
	want_out=$(expect "$name" EXPECT_STDOUT)
	if [ "$st" -eq 124 ]; then
		why="timed out after 20 s"
	elif [ "$st" -ne "${want_exit:-0}" ]; then
		why="exit status $st, want ${want_exit:-0}"
		[ "$st" -gt 128 ] && why="$why (signal $((st - 128))?)"
	elif [ -n "$want_out" ] && [ "$(cat "$tmp/out")" != "$want_out" ]; then
		why="stdout '$(head -c 200 "$tmp/out" | tr '\n' '|')', want '$want_out'"
	fi
	if [ -z "$why" ]; then
		echo "ok $name ($mode)"
		passed=$((passed + 1))
	else
		echo "FAIL $name ($mode): $why; stderr: $(tail -n 3 "$tmp/err" | tr '\n' ' ')"
		failed=$((failed + 1))
	fi
}

found=0
for bin in "$bindir"/*; do
	name=${bin##*/}
	# Only plain executables: skip directories (progs/), objects, deps.
	[ -f "$bin" ] && [ -x "$bin" ] || continue
	case $name in *.*) continue ;; esac
	found=1
	run_one "$name" native "$bin"
	[ -n "$cvisor" ] && run_one "$name" cvisor "$cvisor" do ${CVISOR_DO_FLAGS:-} -- "$bin"
done

if [ "$found" -eq 0 ]; then
	echo "no test binaries in $bindir" >&2
	failed=$((failed + 1))
fi
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
