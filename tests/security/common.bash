# Shared by the security tests: `load common` in a .bats file of this folder.
#
# Each test is an attack (or the check of a finding of the security review,
# issue 12) that must fail against the sandbox: the attack programs are the
# static binaries built from tests/security/*.c into $SEC.
#
#   make -j2 all $(ls tests/security/*.c | sed 's|\(.*\)\.c|build/\1|')
#   BUILD=build bats tests/security

bats_require_minimum_version 1.5.0

BUILD=${BUILD:-build}
CVISOR=$(realpath "$BUILD/cvisor")
SEC=$(realpath "$BUILD")/tests/security

# cdo ARGS...: cvisor do with the flags the runner set (a build tree under
# /tmp must be shown to the sandbox with --rw).
cdo() {
	# shellcheck disable=SC2086
	"$CVISOR" do ${CVISOR_DO_FLAGS:-} "$@"
}

# cdo_bg ARGS...: cvisor do in the background, its pid in $! (the CLI
# itself, not a subshell: killing it ends the sandbox).
cdo_bg() {
	# shellcheck disable=SC2086
	"$CVISOR" do ${CVISOR_DO_FLAGS:-} "$@" &
}

# sentry_of CLI: the sentry of the sandbox `cvisor do` (pid CLI) made
# (CLI -> supervisor -> sentry), once it is there; empty after 10 s.
sentry_of() {
	local sup sentry i
	for i in $(seq 200); do
		sup=$(pgrep -P "$1" | head -n 1)
		sentry=${sup:+$(pgrep -P "$sup" | head -n 1)}
		[ -n "$sentry" ] && [ -n "$(pgrep -P "$sentry")" ] && break
		sleep 0.05
	done
	echo "$sentry"
}

# stubs_of CLI: the stub processes (the sentry's children) of that sandbox.
stubs_of() {
	pgrep -P "$(sentry_of "$1")"
}

# busybox_root DIR: a minimal root file system of busybox applets.
busybox_root() {
	local d=$1 a
	mkdir -p "$d/bin" "$d/etc" "$d/proc" "$d/dev" "$d/sys" "$d/tmp"
	cp /bin/busybox "$d/bin/busybox"
	for a in sh echo cat ls sleep id true false env mkdir touch stat; do
		ln -sf busybox "$d/bin/$a"
	done
}

# bundle_of DIR ARGS...: an OCI bundle in DIR running ARGS in a busybox
# root that also holds the attack programs in /bin; $EDIT (python, on the
# config as the dict c) changes more.
bundle_of() {
	local d=$1 f
	shift
	busybox_root "$d/rootfs"
	for f in "$SEC"/*; do
		[ -f "$f" ] && [ -x "$f" ] && cp "$f" "$d/rootfs/bin/"
	done
	(cd "$d" && "$CVISOR" spec) || return 1
	python3 - "$d/config.json" "$@" <<-'EOF'
		import json, os, sys
		c = json.load(open(sys.argv[1]))
		c["root"]["path"] = "rootfs"
		c["process"]["terminal"] = False
		c["process"]["args"] = sys.argv[2:]
		exec(os.environ.get("EDIT", ""))
		json.dump(c, open(sys.argv[1], "w"))
	EOF
}
