#!/usr/bin/env bash
# Install the Debian packages of make test-apps (tests/apps, issue 14), if
# missing: the applications, their clients and load generators.  Run as
# root; otherwise it says what to install.  Their services are not started
# by the install (a policy-rc.d that refuses, while installing, if the
# machine has none): the tests start each program themselves, in the sandbox.
set -euo pipefail

pkgs=(nginx apache2-utils curl nodejs python3 mariadb-server mariadb-client memcached
	libmemcached-tools redis-server redis-tools iproute2 util-linux busybox-static docker.io)

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
policy=""
if [ ! -e /usr/sbin/policy-rc.d ]; then
	policy=/usr/sbin/policy-rc.d
	printf '#!/bin/sh\nexit 101\n' >"$policy"
	chmod +x "$policy"
	trap 'rm -f "$policy"' EXIT
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq "${missing[@]}" >/dev/null
