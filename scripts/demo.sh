#!/usr/bin/env bash
# make demo: run real programs in the sandbox, with visible output.
set -euo pipefail
B=${1:-build}
run() { echo "\$ $*"; "$@"; echo; }

echo "== cvisor: every system call below is serviced by the sentry, none by the host"
echo
run "$B/cvisor" do -- /bin/busybox echo "hello from the cvisor sandbox"
echo "host kernel:    $(uname -r)"
echo "sandbox kernel: $("$B/cvisor" do -- /bin/busybox uname -r)"
echo
run "$B/cvisor" do -- /bin/busybox uname -a
echo "\$ $B/cvisor do --strace -- /bin/busybox echo traced"
"$B/cvisor" do --strace -- /bin/busybox echo traced
echo
echo "\$ $B/cvisor do --stats -- $B/bench/syscall 200000"
"$B/cvisor" do --stats -- "$B/bench/syscall" 200000
