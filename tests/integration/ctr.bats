#!/usr/bin/env bats
# containerd drives cvisor through its runc shim (issue 5):
#   ctr run --runtime io.containerd.runc.v2 --runc-binary build/cvisor IMAGE ID CMD
# with a containerd of our own (throw-away root, state and socket) and an
# OCI image layout made here from a busybox root (no registry here).
# Skips when containerd/ctr are not installed (they come with docker.io).

bats_require_minimum_version 1.5.0

BUILD=${BUILD:-build}
CVISOR=$(realpath "$BUILD/cvisor")

setup_file() {
	command -v containerd >/dev/null && command -v ctr >/dev/null || return 0
	[ -x /bin/busybox ] || return 0
	export CT=$BATS_FILE_TMPDIR/ctd
	mkdir -p "$CT/rootfs/bin"
	cp /bin/busybox "$CT/rootfs/bin/"
	for a in sh echo uname; do ln -s busybox "$CT/rootfs/bin/$a"; done
	printf 'version = 2\nroot = "%s/root"\nstate = "%s/state"\n[grpc]\n  address = "%s/sock"\n' \
		"$CT" "$CT" "$CT" >"$CT/config.toml"
	containerd --config "$CT/config.toml" >"$CT/log" 2>&1 &
	echo $! >"$CT/pid"
	for i in $(seq 100); do ctr --address "$CT/sock" version >/dev/null 2>&1 && break; sleep 0.1; done
	# an OCI image layout: one uncompressed layer, a config, a manifest
	python3 - "$CT" <<-'PY'
		import hashlib, io, json, subprocess, sys, tarfile
		ct = sys.argv[1]
		layer = subprocess.run(["tar", "-C", ct + "/rootfs", "-c", "."], capture_output=True, check=True).stdout
		def blob(b): return "sha256:" + hashlib.sha256(b).hexdigest()
		cfg = json.dumps({"architecture": "amd64", "os": "linux", "config": {"Cmd": ["/bin/sh"]},
		                  "rootfs": {"type": "layers", "diff_ids": [blob(layer)]}}).encode()
		man = json.dumps({"schemaVersion": 2, "mediaType": "application/vnd.oci.image.manifest.v1+json",
		                  "config": {"mediaType": "application/vnd.oci.image.config.v1+json", "digest": blob(cfg), "size": len(cfg)},
		                  "layers": [{"mediaType": "application/vnd.oci.image.layer.v1.tar", "digest": blob(layer), "size": len(layer)}]}).encode()
		idx = json.dumps({"schemaVersion": 2, "manifests": [{"mediaType": "application/vnd.oci.image.manifest.v1+json",
		                  "digest": blob(man), "size": len(man),
		                  "annotations": {"org.opencontainers.image.ref.name": "docker.io/library/cvisor-bb:latest"}}]}).encode()
		out = tarfile.open(ct + "/img.tar", "w")
		for name, data in [("oci-layout", b'{"imageLayoutVersion":"1.0.0"}'), ("index.json", idx)] + \
		                  [("blobs/sha256/" + blob(b)[7:], b) for b in (layer, cfg, man)]:
		    ti = tarfile.TarInfo(name); ti.size = len(data); out.addfile(ti, io.BytesIO(data))
		out.close()
	PY
	ctr --address "$CT/sock" images import "$CT/img.tar" >/dev/null
}

teardown_file() {
	[ -n "${CT:-}" ] && [ -e "$CT/pid" ] || return 0
	kill "$(cat "$CT/pid")" 2>/dev/null
	sleep 0.5
	pkill -9 -f "containerd-shim.*$CT" 2>/dev/null || true
	mount | awk -v d="$CT" 'index($3, d) == 1 { print $3 }' | sort -r | xargs -r umount -l
}

setup() {
	[ -n "${CT:-}" ] && ctr --address "$CT/sock" version >/dev/null 2>&1 ||
		skip "no containerd/ctr (docker.io) or busybox"
}

@test "ctr run with cvisor as the runc binary runs to completion, with its status" {
	run -3 --separate-stderr timeout 60 ctr --address "$CT/sock" run --rm \
		--runtime io.containerd.runc.v2 --runc-binary "$CVISOR" \
		docker.io/library/cvisor-bb:latest ctr1 /bin/sh -c 'echo from-ctr; uname -r; exit 3'
	[ "${lines[0]}" = from-ctr ]
	[ "${lines[1]}" = "$($CVISOR do -- /bin/busybox uname -r)" ]
}
