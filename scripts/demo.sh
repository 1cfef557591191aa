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
run "$B/cvisor" do -- /bin/ls -la /etc/os-release /proc/self/exe
run "$B/cvisor" do -- /bin/sh -c 'echo written-in-the-sandbox > /etc/cvisor-demo; cat /etc/cvisor-demo; for i in $(seq 1 100); do echo $i; done | sort -n | tail -1'
echo "on the host, /etc/cvisor-demo: $(cat /etc/cvisor-demo 2>&1 || true)"
echo
if [ -x /usr/bin/python3 ]; then
	run "$B/cvisor" do -- /usr/bin/python3 -c 'import hashlib, threading, os; print("python", os.getpid(), hashlib.sha256(b"x").hexdigest()[:16])'
fi
echo "\$ $B/cvisor do --strace -- /bin/busybox echo traced"
"$B/cvisor" do --strace -- /bin/busybox echo traced
echo
# the build tree is shown to the sandbox: a checkout under /tmp would be
# hidden by the sandbox's own fresh /tmp
BD=$(cd "$B" && pwd)
echo "\$ $B/cvisor do --rw $BD --stats -- $BD/bench/syscall 200000"
"$B/cvisor" do --rw "$BD" --stats -- "$BD/bench/syscall" 200000
