#!/usr/bin/env bash
# Install the Debian packages cvisor needs to build and test, if missing.
# Run as root on a fresh Debian 12 machine; otherwise it says what to install.
set -euo pipefail

pkgs=(gcc make libc6-dev binutils libjansson-dev libcap-dev libseccomp-dev busybox-static bats libcmocka-dev strace python3 sqlite3)
# The engines the OCI tests drive (tests/integration/oci.bats, docker.bats);
# a test skips if its engine does not work here.
pkgs+=(podman docker.io curl)
# tests/security/sockopt.bats brings up lo in a network namespace of its own.
pkgs+=(iproute2)
# tests/integration/netlink.bats: Node's os.networkInterfaces() in the sandbox;
# tests/integration/calls.bats runs java -version, compiles a Java program, starts node.
pkgs+=(default-jdk-headless nodejs)
# tests/security/caps.bats compares with runc and uses capsh and setcap.
pkgs+=(runc libcap2-bin)
# tests/security/pause.bats attaches gdb to the sentry (and strace, above).
pkgs+=(gdb)
# tests/integration/ipc.bats runs PostgreSQL 15 (System V shared memory).
pkgs+=(postgresql)
# tests/integration/pty.bats: script (bsdutils), bash and tmux on the sentry's ptys.
pkgs+=(bsdutils bash tmux)
# cvisor profile's tests compare with perf stat; bench curve draws with gnuplot.
pkgs+=(linux-perf gnuplot-nox)
# runsc (gVisor) is only for `make bench`; it is installed when asked for, with
# what bench/servers.sh runs (Redis, nginx, wrk).
[ "${WITH_BENCH:-0}" = 1 ] && pkgs+=(runsc runc redis-server redis-tools nginx wrk)
# trinity is only for `make fuzz`.
[ "${WITH_FUZZ:-0}" = 1 ] && pkgs+=(trinity)
# LTP's build for `make test-ltp` (tests/ltp/build.sh).
[ "${WITH_LTP:-0}" = 1 ] && pkgs+=(autoconf automake bison flex m4 pkg-config)
# The applications of `make test-apps` (tests/apps, issues 14 and 15), their
# clients and load generators on the host; debootstrap makes the image the
# docker tests run (tests/apps/image.sh: the applications themselves come
# from Debian's mirror into it, not from here).
[ "${WITH_APPS:-0}" = 1 ] && pkgs+=(nginx apache2-utils nodejs mariadb-server mariadb-client
	memcached libmemcached-tools redis-server redis-tools util-linux debootstrap)

missing=()
for p in "${pkgs[@]}"; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" ||
		missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0

if [ "$(id -u)" != 0 ]; then
	echo "cvisor: missing Debian packages: ${missing[*]}" >&2
	echo "cvisor: run as root, or: sudo apt-get install -y ${missing[*]}" >&2
	exit 1
fi
echo "cvisor: installing ${missing[*]}" >&2
# The tests start each server themselves, in the sandbox: none is started by
# its package's install (a policy-rc.d that refuses, if the machine has none).
if [ ! -e /usr/sbin/policy-rc.d ]; then
	printf '#!/bin/sh\nexit 101\n' >/usr/sbin/policy-rc.d
	chmod +x /usr/sbin/policy-rc.d
	trap 'rm -f /usr/sbin/policy-rc.d' EXIT
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq "${missing[@]}" >/dev/null
