#!/usr/bin/env bash
# tests/apps/image.sh: the root file system of the application image that
# tests/apps/*.bats run under docker --runtime=cvisor and runc (issue 15),
# made from Debian's packages without the internet: debootstrap minbase
# against the mirror the host's apt already uses (read from its sources,
# never written here), `apt-get install` of the applications in the chroot
# (a policy-rc.d that exits 101, so no service starts there), then a tar for
# `docker import`.  The tests' own programs (tests/apps/prog/) are not in
# it: a test mounts them read-only, so editing one rebuilds nothing.
#
# One image holds every application: the base system and the shared
# libraries are in it once, and one import serves every test (docs/apps.md
# has the measurements).  The tar is cached as $CACHE/<hash>.tar, the hash
# of the package list and of this script's commands, so a second run
# builds nothing; a new one replaces the others.  Prints the tar's path.
#
#   tests/apps/image.sh            build if missing, print the path
#   tests/apps/image.sh --path     print the path only (nothing built)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
CACHE=${CVISOR_APPS_CACHE:-/var/cache/cvisor-apps}
SUITE=bookworm

# What the tests run, with each package's default configuration; ab, curl,
# the clients and the load generators too, so a test can drive from inside.
PKGS="postgresql postgresql-contrib mariadb-server mariadb-client
openjdk-17-jdk-headless jetty9 nodejs node-express
nginx apache2 apache2-utils redis-server redis-tools memcached libmemcached-tools
python3 curl procps util-linux ca-certificates"
# shellcheck disable=SC2086,SC2116 # words joined by one space: it goes into sh -c
PKGS=$(echo $PKGS)  # one line: it goes into a sh -c command

# the hash of what makes the image: the package list and this script's
# commands (not its comments)
hash=$(cat <(echo "$SUITE $PKGS") <(grep -v '^[[:space:]]*#' "$here/image.sh") | sha256sum | cut -c1-16)
tar=$CACHE/$hash.tar
[ "${1:-}" = --path ] && { echo "$tar"; exit 0; }
[ -s "$tar" ] && { echo "$tar"; exit 0; }

# The Debian mirrors of the host's apt sources for SUITE and its -updates
# and -security suites, one "URI SUITE" a line: one-line sources.list and
# deb822 .sources files alike.
debian_sources() {
	local f
	for f in /etc/apt/sources.list /etc/apt/sources.list.d/*.list; do
		[ -r "$f" ] || continue
		awk '$1 == "deb" { i = 2; if ($2 ~ /^\[/) while ($i !~ /\]$/) i++; if ($2 ~ /^\[/) i++;
			print $i, $(i + 1) }' "$f"
	done
	for f in /etc/apt/sources.list.d/*.sources; do
		[ -r "$f" ] || continue
		awk 'function out() { if (types ~ /(^| )deb( |$)/) for (u in uri) for (s in suite) print uri[u], suite[s];
				delete uri; delete suite; types = "" }
			/^[ \t]*$/ { out(); next }
			/^Types:/ { $1 = ""; types = $0 }
			/^URIs:/ { for (i = 2; i <= NF; i++) uri[i] = $i }
			/^Suites:/ { for (i = 2; i <= NF; i++) suite[i] = $i }
			END { out() }' "$f"
	done
}
mapfile -t srcs < <(debian_sources | awk -v s="$SUITE" '$2 == s || $2 == s "-updates" || $2 == s "-security"' | sort -u)
mirror=$(printf '%s\n' "${srcs[@]}" | awk -v s="$SUITE" '$2 == s { print $1; exit }')
[ -n "$mirror" ] || { echo "image.sh: no $SUITE mirror in the host's apt sources" >&2; exit 1; }
command -v debootstrap >/dev/null ||
	{ echo "image.sh: debootstrap is not installed (WITH_APPS=1 scripts/deps.sh)" >&2; exit 1; }

mkdir -p "$CACHE"
dir=$(mktemp -d "$CACHE/build.XXXXXX")
# never remove a tree with the chroot's /proc still mounted in it
cleanup() {
	umount "$dir/root/proc" 2>/dev/null || true
	mountpoint -q "$dir/root/proc" || rm -rf --one-file-system "$dir"
}
trap cleanup EXIT
start=$(date +%s)
echo "image.sh: debootstrap $SUITE from $mirror" >&2
debootstrap --variant=minbase "$SUITE" "$dir/root" "$mirror" >"$dir/debootstrap.log" 2>&1 ||
	{ tail -n 20 "$dir/debootstrap.log" >&2; exit 1; }
root=$dir/root
printf '%s\n' "${srcs[@]}" | awk '{ print "deb", $1, $2, "main" }' >"$root/etc/apt/sources.list"
printf '#!/bin/sh\nexit 101\n' >"$root/usr/sbin/policy-rc.d"
chmod +x "$root/usr/sbin/policy-rc.d"
mount -t proc proc "$root/proc"
echo "image.sh: apt-get install ($(($(date +%s) - start)) s)" >&2
# shellcheck disable=SC2086 # PKGS is a list
chroot "$root" /usr/bin/env DEBIAN_FRONTEND=noninteractive LC_ALL=C /bin/sh -c \
	"apt-get update -qq && apt-get install -y -qq --no-install-recommends $PKGS && apt-get clean" \
	>"$dir/apt.log" 2>&1 || { tail -n 20 "$dir/apt.log" >&2; exit 1; }
umount "$root/proc"
rm -f "$root/usr/sbin/policy-rc.d"
rm -rf "$root"/var/lib/apt/lists/* "$root"/usr/share/doc/* "$root"/usr/share/man/*
echo "image.sh: tar ($(($(date +%s) - start)) s)" >&2
tar -C "$root" --numeric-owner -cf "$dir/image.tar" .
mv "$dir/image.tar" "$tar"
# the images of other package lists or recipes are stale: 1.2 GiB each
find "$CACHE" -maxdepth 1 -name '*.tar' ! -name "$hash.tar" -delete
echo "image.sh: $tar, $(du -h "$tar" | cut -f1), built in $(($(date +%s) - start)) s" >&2
echo "$tar"
