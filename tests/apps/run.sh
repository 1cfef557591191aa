#!/usr/bin/env bash
# make test-apps: the real applications of tests/apps (issues 14, 15) in
# the sandbox, one .bats file per application; the closing line is make
# test's: N passed, N failed, N skipped.  The application image is built
# first (tests/apps/image.sh, cached), then one dockerd of the run's own
# (tests/integration/dockerd.bash) imports it once for every docker test.
# On a shared machine run this under flock /tmp/cvisor-heavy.lock, after
# building the image outside it (tests/apps/image.sh; minutes when cold).
set -uo pipefail
B=${1:-build}
cd "$(dirname "$0")/../.."
# a build tree under the host's /tmp is the sandbox's own /tmp: shown with --rw
case $(realpath "$B") in
/tmp/* | /dev/shm/*) export CVISOR_DO_FLAGS="--rw $(realpath "$B")" ;;
*) export CVISOR_DO_FLAGS= ;;
esac
out=$(mktemp)
dk=$(mktemp -d)
# shellcheck source=../integration/dockerd.bash
CVISOR=$(realpath "$B/cvisor") && . tests/integration/dockerd.bash
trap 'dockerd_stop; rm -rf "$out" "$dk"' EXIT
echo "== the application image (tests/apps/image.sh)"
if tar=$(tests/apps/image.sh) && command -v dockerd >/dev/null; then
	dockerd_start "$dk"
	t0=$SECONDS
	docker import "$tar" cvisor-apps >/dev/null &&
		export APPS_DOCKER_HOST=$DOCKER_HOST APPS_IMAGE=cvisor-apps
	echo "imported $tar in $((SECONDS - t0)) s"
fi
# without it, each docker test fails naming what is missing
echo "== applications (bats)"
BUILD=$B bats --tap tests/apps | tee "$out" | grep -v '^ok '
s=$(grep -c '^ok .*# skip' "$out")
p=$(($(grep -c '^ok ' "$out") - s))
f=$(grep -c '^not ok ' "$out")
grep -q '^1\.\.' "$out" || f=$((f + 1))  # bats itself failed
echo "$p passed, $f failed, $s skipped"
[ "$f" = 0 ]
