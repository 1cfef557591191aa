#!/usr/bin/env bash
# Run every test suite and print one closing line: N passed, N failed, N skipped.
#   unit (cmocka), conformance (native and in the sandbox), integration and
#   security (bats)
set -uo pipefail
B=${1:-build}
pass=0 fail=0 skip=0
log=$(mktemp -d)
# The sandbox's /tmp and /dev/shm are its own tmpfs: a build tree there
# (a CI checkout under /tmp) is shown to it with --rw.
case $(realpath "$B") in
/tmp/* | /dev/shm/*) export CVISOR_DO_FLAGS="--rw $(realpath "$B")" ;;
*) export CVISOR_DO_FLAGS= ;;
esac
trap 'rm -rf "$log"' EXIT

echo "== unit tests (cmocka)"
for t in "$B"/tests/unit/*; do
	[ -x "$t" ] || continue
	"$t" >"$log/unit" 2>&1
	rc=$?
	p=$(sed -n 's/.*\[  PASSED  \] \([0-9]*\) test.*/\1/p' "$log/unit" | tail -1)
	f=$(sed -n 's/.*\[  FAILED  \] \([0-9]*\) test.*/\1/p' "$log/unit" | tail -1)
	p=${p:-0} f=${f:-0}
	[ "$rc" != 0 ] && [ "$f" = 0 ] && f=1
	echo "$(basename "$t"): $p passed, $f failed"
	[ "$f" != 0 ] && cat "$log/unit"
	pass=$((pass + p)) fail=$((fail + f))
done

echo "== conformance (native and under cvisor do)"
tests/conformance/run.sh "$B" "$B/cvisor" >"$log/conf" 2>&1
grep -v '^ok ' "$log/conf"
p=$(sed -n 's/^\([0-9]*\) passed, \([0-9]*\) failed.*/\1/p' "$log/conf" | tail -1)
f=$(sed -n 's/^\([0-9]*\) passed, \([0-9]*\) failed.*/\2/p' "$log/conf" | tail -1)
[ -z "$p" ] && { p=0; f=1; }
pass=$((pass + p)) fail=$((fail + f))

# bats_suite NAME DIR: run every .bats file of DIR, add its counts.
bats_suite() {
	echo "== $1 (bats)"
	ls "$2"/*.bats >/dev/null 2>&1 || { echo "no tests"; return; }
	BUILD=$B bats --tap "$2" >"$log/bats" 2>&1
	grep -v '^ok ' "$log/bats" | grep -v '^1\.\.' || true
	local s p f
	s=$(grep -c '^ok .*# skip' "$log/bats")
	p=$(($(grep -c '^ok ' "$log/bats") - s))
	f=$(grep -c '^not ok ' "$log/bats")
	[ "$(grep -c '^1\.\.' "$log/bats")" = 0 ] && f=$((f + 1))
	echo "$p passed, $f failed, $s skipped"
	pass=$((pass + p)) fail=$((fail + f)) skip=$((skip + s))
}

bats_suite integration tests/integration
# One test per finding of the security review (issue 12), and the escape
# attempts before it, kept as regression tests.
bats_suite security tests/security

echo "$pass passed, $fail failed, $skip skipped"
[ "$fail" = 0 ]
