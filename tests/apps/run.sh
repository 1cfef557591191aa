#!/usr/bin/env bash
# make test-apps: the real applications of tests/apps (issue 14) in the
# sandbox, one .bats file per application; the closing line is make test's:
# N passed, N failed, N skipped.  The docker test starts a dockerd of its
# own (tests/integration/dockerd.bash); on a shared machine run this under
# flock /tmp/cvisor-heavy.lock.
set -uo pipefail
B=${1:-build}
cd "$(dirname "$0")/../.."
# a build tree under the host's /tmp is the sandbox's own /tmp: shown with --rw
case $(realpath "$B") in
/tmp/* | /dev/shm/*) export CVISOR_DO_FLAGS="--rw $(realpath "$B")" ;;
*) export CVISOR_DO_FLAGS= ;;
esac
out=$(mktemp)
trap 'rm -f "$out"' EXIT
echo "== applications (bats)"
BUILD=$B bats --tap tests/apps | tee "$out" | grep -v '^ok '
s=$(grep -c '^ok .*# skip' "$out")
p=$(($(grep -c '^ok ' "$out") - s))
f=$(grep -c '^not ok ' "$out")
grep -q '^1\.\.' "$out" || f=$((f + 1))  # bats itself failed
echo "$p passed, $f failed, $s skipped"
[ "$f" = 0 ]
