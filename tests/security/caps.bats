#!/usr/bin/env bats
# Finding 8 of the security review (issue 12): `docker run --user
# 65534:65534` kept every capability (CapEff 00000000a80425fb) and read
# /etc/shadow.  The application's capabilities must follow the OCI config
# and Linux's transition rules: each case here runs the same command in the
# sandbox and where it is at home (natively on the host, or under runc for
# a container) and wants the same answer.  caps_id prints a process's ids,
# capability sets, no_new_privs, AT_SECURE and whether it may read a file.
#
# Runs as root; starts a dockerd of its own and runs runc: by hand, hold
# flock /tmp/cvisor-heavy.lock.  The docker and runc cases skip without them.

load common
load ../integration/dockerd

setup_file() {
	# not under /tmp: cvisor do's /tmp is its own; shown with --rw
	export W
	W=$(mktemp -d /var/tmp/cvisor-caps.XXXXXX)
	chmod 755 "$W"
	cp "$SEC/caps_id" "$W/id"
	install -m 4755 -o 0 -g 0 "$SEC/caps_id" "$W/suid"
	cp "$SEC/caps_id" "$W/fcap-ep"
	cp "$SEC/caps_id" "$W/fcap-p"
	setcap cap_net_bind_service+ep "$W/fcap-ep"
	setcap cap_net_bind_service+p "$W/fcap-p"
	echo secret >"$W/secret"
	chown 65534:65534 "$W/secret"
	chmod 600 "$W/secret"
	echo adm >"$W/adm"
	chown 0:adm "$W/adm"
	chmod 640 "$W/adm"
	# a busybox root with a shadow file, caps_id and a set-uid-root copy
	R=$W/rootfs
	busybox_root "$R"
	ln -sf busybox "$R/bin/grep"
	ln -sf busybox "$R/bin/hostname"
	echo 'root:x:0:0:root:/root:/bin/sh' >"$R/etc/passwd"
	echo 'root:$6$salt$hash:19000:0:99999:7:::' >"$R/etc/shadow"
	chown 0:42 "$R/etc/shadow"
	chmod 640 "$R/etc/shadow"
	cp "$SEC/caps_id" "$R/bin/caps_id"
	install -m 4755 -o 0 -g 0 "$SEC/caps_id" "$R/bin/suid"
	mkdir -p "$W/suid-dir" "$R/mnt"
	install -m 4755 -o 0 -g 0 "$SEC/caps_id" "$W/suid-dir/suid"
	cp "$SEC/caps_id" "$W/suid-dir/fcap"
	setcap cap_net_bind_service+ep "$W/suid-dir/fcap"
	if command -v dockerd >/dev/null && command -v docker >/dev/null; then
		dockerd_start "$W/dk"
		tar -C "$R" -c . | docker import - cvisor-caps >/dev/null
	fi
}

teardown_file() {
	dockerd_stop
	rm -rf "$W"
}

# same CMD...: CMD natively and in cvisor do print the same (stdout).
same() {
	run -0 --separate-stderr "$@"
	native=$output
	run -0 --separate-stderr cdo --rw "$W" -- "$@"
	if [ "$output" != "$native" ]; then
		printf 'native: %s\ncvisor: %s\n' "$native" "$output"
		return 1
	fi
}

@test "setpriv --reuid --regid --init-groups --inh-caps --ambient-caps: as on the host" {
	same setpriv --reuid=65534 --regid=65534 --init-groups --inh-caps=-all "$W/id" "$W/secret"
	[[ "$output" == "uid=65534/65534/65534 gid=65534/65534/65534 prm=0 eff=0 "* ]]
	same setpriv --reuid=65534 --regid=65534 --init-groups \
		--inh-caps=+net_bind_service,+kill --ambient-caps=+net_bind_service,+kill "$W/id"
	[[ "$output" == *" prm=420 eff=420 inh=420 amb=420 nnp=0 secure=0" ]]
	# issue 15: KEEPCAPS, setresuid, then capset of the inheritable set
	same setpriv --reuid=1000 --regid=1000 --clear-groups --inh-caps=+net_bind_service "$W/id"
	[[ "$output" == *" prm=0 eff=0 inh=400 amb=0 "* ]]
}

@test "su and runuser: the user's ids and no capabilities, as on the host" {
	same su -s /bin/sh nobody -c "$W/id $W/secret"
	[[ "$output" == *" prm=0 eff=0 "*" $W/secret=ok" ]]
	same runuser -u nobody -- "$W/id" /etc/shadow
	[[ "$output" == *" prm=0 eff=0 "*" /etc/shadow=Permission denied" ]]
	# a supplementary group opens its files
	same runuser -u nobody -g nogroup -G adm -- "$W/id" "$W/adm"
	[[ "$output" == *" prm=0 eff=0 "*" $W/adm=ok" ]]
}

@test "capsh --drop: the dropped capabilities are gone, as on the host" {
	same capsh --drop=cap_dac_override,cap_dac_read_search -- -c "$W/id $W/secret"
	[[ "$output" == *" $W/secret=Permission denied" ]]
	same capsh --drop=cap_dac_override -- -c "$W/id $W/secret"
	[[ "$output" == *" $W/secret=ok" ]]
}

@test "a set-uid-root program run by nobody: root's sets and AT_SECURE; nothing under no_new_privs" {
	same setpriv --reuid=65534 --regid=65534 --clear-groups "$W/suid" "$W/secret"
	[[ "$output" == "uid=65534/0/0 gid=65534/65534/65534 "*" secure=1 $W/secret=ok" ]]
	same setpriv --no-new-privs --reuid=65534 --regid=65534 --clear-groups "$W/suid" "$W/secret"
	[[ "$output" == "uid=65534/65534/65534 "*" prm=0 eff=0 "*" nnp=1 secure=0 $W/secret=ok" ]]
	same setpriv --no-new-privs --reuid=1000 --regid=1000 --clear-groups "$W/suid" "$W/secret"
	[[ "$output" == *" $W/secret=Permission denied" ]]
}

@test "file capabilities (security.capability) of a program run by nobody, not under no_new_privs" {
	same setpriv --reuid=65534 --regid=65534 --clear-groups "$W/fcap-ep"
	[[ "$output" == *" prm=400 eff=400 inh=0 amb=0 nnp=0 secure=1" ]]
	same setpriv --reuid=65534 --regid=65534 --clear-groups "$W/fcap-p"
	[[ "$output" == *" prm=400 eff=0 "* ]]
	# setpriv keeps root's permitted set up to the exec: nothing new there
	same runuser -u nobody -- "$W/fcap-ep"
	[[ "$output" == *" prm=400 eff=400 inh=0 amb=0 nnp=0 secure=1" ]]
	same runuser -u nobody -- setpriv --no-new-privs "$W/fcap-ep"
	# (fE still makes it a secure exec, as in Linux)
	[[ "$output" == *" prm=0 eff=0 inh=0 amb=0 nnp=1 secure=1" ]]
}

# oci_both NAME ARGS...: a bundle from `cvisor spec` running ARGS in the
# busybox root, changed by EDIT (python, on the dict c), run by cvisor and
# by runc: both must print the same.
oci_both() {
	local name=$1 b=$W/bundle-$1
	shift
	mkdir -p "$b"
	(cd "$b" && rm -f config.json && "$CVISOR" spec) || return 1
	python3 - "$b/config.json" "$W/rootfs" "$@" <<-'EOF'
		import json, os, sys
		path, rootfs, args = sys.argv[1], sys.argv[2], sys.argv[3:]
		c = json.load(open(path))
		c["root"] = {"path": rootfs, "readonly": False}
		c["process"]["terminal"] = False
		c["process"]["args"] = args
		c["process"]["noNewPrivileges"] = False
		exec(os.environ.get("EDIT", ""))
		json.dump(c, open(path, "w"))
	EOF
	run -0 --separate-stderr timeout 60 runc --root "$W/runc" run -b "$b" "r-$name"
	runc_out=$output
	run -0 --separate-stderr timeout 60 "$CVISOR" --root "$W/state" run -b "$b" "c-$name"
	if [ "$output" != "$runc_out" ]; then
		printf 'runc:   %s\ncvisor: %s\n' "$runc_out" "$output"
		return 1
	fi
}

# The capability list moby 20.10 gives a container, and its config for a
# non-root user: the bounding set only ("as execve does").
DOCKER_CAPS='["CAP_CHOWN", "CAP_DAC_OVERRIDE", "CAP_FSETID", "CAP_FOWNER", "CAP_MKNOD", "CAP_NET_RAW", "CAP_SETGID", "CAP_SETUID", "CAP_SETFCAP", "CAP_SETPCAP", "CAP_NET_BIND_SERVICE", "CAP_SYS_CHROOT", "CAP_KILL", "CAP_AUDIT_WRITE"]'

@test "cvisor run, a config docker writes for --user 65534:65534: no capabilities, no /etc/shadow, as runc" {
	command -v runc >/dev/null || skip "no runc"
	EDIT="c['process']['user'] = {'uid': 65534, 'gid': 65534}
c['process']['capabilities'] = {'bounding': $DOCKER_CAPS}" \
		oci_both nonroot sh -c 'grep -E "^(Cap|NoNewPrivs)" /proc/self/status; cat /etc/shadow; echo rc=$?'
	[ "${lines[2]}" = "$(printf 'CapEff:\t0000000000000000')" ]
	[ "${lines[5]}" = "$(printf 'NoNewPrivs:\t0')" ]
	[ "${lines[6]}" = rc=1 ]
	EDIT="c['process']['capabilities'] = {k: $DOCKER_CAPS for k in ('bounding', 'effective', 'permitted')}" \
		oci_both root /bin/caps_id /etc/shadow
	[[ "$output" == "uid=0/0/0 gid=0/0/0 prm=a80425fb eff=a80425fb inh=0 amb=0 "*"=ok" ]]
}

@test "cvisor run: user, additionalGids, umask, noNewPrivileges, ambient and nosuid mounts as runc has them" {
	command -v runc >/dev/null || skip "no runc"
	EDIT="c['process']['user'] = {'uid': 1000, 'gid': 1000, 'additionalGids': [42, 7], 'umask': 63}" \
		oci_both groups sh -c 'id -u; id -G; umask; cat /etc/shadow >/dev/null && echo read'
	[ "$output" = "$(printf '1000\n1000 7 42\n0077\nread')" ]
	EDIT="c['process']['user'] = {'uid': 1000, 'gid': 1000}" oci_both suid /bin/suid
	[[ "$output" == "uid=1000/0/0 "* ]]
	EDIT="c['process']['user'] = {'uid': 1000, 'gid': 1000}
c['process']['noNewPrivileges'] = True" oci_both nnp /bin/suid
	[[ "$output" == "uid=1000/1000/1000 "*" nnp=1 secure=0" ]]
	EDIT="c['process']['user'] = {'uid': 1000, 'gid': 1000}
c['mounts'].append({'destination': '/mnt', 'type': 'bind', 'source': '$W/suid-dir', 'options': ['bind']})" \
		oci_both suid-mount sh -c '/mnt/suid; /mnt/fcap'
	[[ "${lines[0]}" == "uid=1000/0/0 "*" secure=1" ]]
	[[ "${lines[1]}" == "uid=1000/1000/1000 "*" prm=400 eff=400 "* ]]
	EDIT="c['process']['user'] = {'uid': 1000, 'gid': 1000}
c['mounts'].append({'destination': '/mnt', 'type': 'bind', 'source': '$W/suid-dir', 'options': ['bind', 'nosuid']})" \
		oci_both nosuid sh -c '/mnt/suid; /mnt/fcap'
	[[ "${lines[0]}" == "uid=1000/1000/1000 "*" secure=0" ]]
	[[ "${lines[1]}" == "uid=1000/1000/1000 "*" prm=0 eff=0 "*" secure=0" ]]
	EDIT="c['process']['user'] = {'uid': 1000, 'gid': 1000}
c['process']['capabilities'] = {k: ['CAP_NET_BIND_SERVICE', 'CAP_KILL'] for k in ('bounding', 'effective', 'permitted', 'inheritable')}
c['process']['capabilities']['ambient'] = ['CAP_NET_BIND_SERVICE', 'CAP_SYS_ADMIN', 'CAP_NOPE']" \
		oci_both ambient /bin/caps_id
	[[ "$output" == *" prm=400 eff=400 inh=420 amb=400 "* ]]
}

@test "cvisor run: sethostname takes CAP_SYS_ADMIN (not in docker's list), as runc" {
	command -v runc >/dev/null || skip "no runc"
	EDIT="c['process']['capabilities'] = {k: $DOCKER_CAPS for k in ('bounding', 'effective', 'permitted')}" \
		oci_both uts-docker sh -c 'hostname other 2>&1; echo rc=$?; hostname'
	[ "${lines[1]}" = rc=1 ] && [ "${lines[2]}" = cvisor ]   # the config's hostname
	EDIT="c['process']['capabilities'] = {k: $DOCKER_CAPS + ['CAP_SYS_ADMIN'] for k in ('bounding', 'effective', 'permitted')}" \
		oci_both uts-admin sh -c 'hostname other 2>&1; echo rc=$?; hostname'
	[ "$output" = "$(printf 'rc=0\nother')" ]
}

@test "docker run --user 65534:65534 and docker exec -u 65534: no capabilities, /etc/shadow refused, as runc" {
	[ -n "${DK:-}" ] && docker version >/dev/null 2>&1 || skip "no dockerd (docker.io)"
	local cmd='grep -E "^Cap" /proc/self/status; cat /etc/shadow; echo rc=$?' rt out
	for rt in runc cvisor; do
		run -0 --separate-stderr timeout 60 docker run --rm --runtime=$rt --network=none \
			--user 65534:65534 cvisor-caps sh -c "$cmd"
		[ "${lines[2]}" = "$(printf 'CapEff:\t0000000000000000')" ]
		[ "${lines[5]}" = rc=1 ]
		[[ "$stderr" == *"Permission denied"* ]]
		eval "out_$rt=\$output"
	done
	[ "$out_cvisor" = "$out_runc" ]
	# a root container: docker's list in effective, permitted and bounding
	for rt in runc cvisor; do
		run -0 --separate-stderr timeout 60 docker run --rm --runtime=$rt --network=none \
			cvisor-caps /bin/caps_id /etc/shadow
		eval "out_$rt=\$output"
	done
	[ "$out_cvisor" = "$out_runc" ]
	[[ "$out_cvisor" == "uid=0/0/0 gid=0/0/0 prm=a80425fb eff=a80425fb "*"=ok" ]]
	# exec of another user into a root container: the container's sets
	# before the exec, none after it
	for rt in runc cvisor; do
		id=$(timeout 60 docker run -d --runtime=$rt --network=none cvisor-caps sleep 60)
		run -0 --separate-stderr timeout 30 docker exec -u 65534:65534 "$id" /bin/caps_id /etc/shadow
		eval "out_$rt=\$output"
		timeout 30 docker rm -f "$id" >/dev/null
	done
	[ "$out_cvisor" = "$out_runc" ]
	[[ "$out_cvisor" == "uid=65534/65534/65534 "*" prm=0 eff=0 "*"=Permission denied" ]]
}
