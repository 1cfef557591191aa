#!/usr/bin/env bats
# Finding 1 of the security review: the sentry's stack, environment and ld.so
# stayed mapped in every application process (the template's unmap of
# "everything above the vDSO" ran into the vsyscall page and failed whole).
# From the host, every mapping of every stub process is checked: it is the
# stub region, the kernel's vDSO/vvar/vsyscall pages, or the application's
# own, page for page as the sandbox's /proc/self/maps lists them.

load common

setup() {
	PIDS=()
}

teardown() {
	local p
	for p in "${PIDS[@]}"; do kill -KILL "$p" 2>/dev/null || true; done
	for p in "${PIDS[@]}"; do wait "$p" 2>/dev/null || true; done
}


@test "finding 1: stub processes hold nothing of the sentry's; maps match the sandbox's view" {
	out=$BATS_TEST_TMPDIR/maps
	cdo_bg -- "$SEC/maps_dump" >"$out"
	PIDS+=($!)
	for i in $(seq 200); do grep -q '^END$' "$out" 2>/dev/null && break; sleep 0.05; done
	grep -q '^END$' "$out"
	stubs=()
	for p in $(stubs_of "${PIDS[0]}"); do
		grep -q '^7e0000000000-' "/proc/$p/maps" 2>/dev/null && stubs+=("$p")
	done
	# the template, the application's process and the spare, at least
	[ "${#stubs[@]}" -ge 2 ]
	run python3 - "$out" "${stubs[@]}" <<-'EOF'
		import sys
		STUB = (0x7e0000000000, 0x7e0040000000)
		KERNEL = ("[vdso]", "[vvar]", "[vvar_vclock]", "[vsyscall]")
		def parse(lines):
		    for l in lines:
		        f = l.split()
		        if len(f) < 5 or "-" not in f[0]:
		            continue
		        a, b = (int(x, 16) for x in f[0].split("-"))
		        yield a, b, f[1][:3], f[5] if len(f) > 5 else ""
		def pages(maps):
		    # page -> permissions, so that split or merged VMAs compare equal
		    return {p: perm for a, b, perm, _ in maps for p in range(a >> 12, b >> 12)}
		sandbox = list(parse(open(sys.argv[1])))
		app = [m for m in sandbox if m[3] not in KERNEL]
		seen = {}
		bad = 0
		for pid in sys.argv[2:]:
		    host = list(parse(open(f"/proc/{pid}/maps")))
		    for a, b, perm, name in host:
		        if STUB[0] <= a < STUB[1] or name in KERNEL:
		            continue
		        seen.setdefault(pid, []).append((a, b, perm, name))
		    for a, b, perm, name in host:
		        if name in KERNEL and (a, b, perm, name) not in sandbox:
		            print(f"stub {pid}: {name} at {a:x} is not in the sandbox's maps"); bad += 1
		# at most one stub (the application's) maps anything of its own ...
		owners = [pid for pid in seen]
		if len(owners) != 1:
		    for pid in owners:
		        for a, b, perm, name in seen[pid]:
		            print(f"stub {pid}: {a:x}-{b:x} {perm} {name}")
		    print(f"{len(owners)} stub processes map pages outside the stub region"); sys.exit(1)
		host_pages, sandbox_pages = pages(seen[owners[0]]), pages(app)
		# ... and exactly the pages, with the permissions, the sandbox lists
		for p in sorted(set(host_pages) | set(sandbox_pages)):
		    if host_pages.get(p) != sandbox_pages.get(p):
		        print(f"page {p << 12:x}: host {host_pages.get(p)} sandbox {sandbox_pages.get(p)}")
		        bad += 1
		        if bad > 20: break
		sys.exit(1 if bad else 0)
	EOF
	[ "$status" -eq 0 ] || { echo "$output"; false; }
}

# scan_for PID TEXT: does any readable page of process PID hold TEXT?
scan_for() {
	python3 - "$1" "$2" <<-'EOF'
		import sys
		pid, secret = sys.argv[1], sys.argv[2].encode()
		mem = open(f"/proc/{pid}/mem", "rb", 0)
		for l in open(f"/proc/{pid}/maps"):
		    f = l.split()
		    a, b = (int(x, 16) for x in f[0].split("-"))
		    if "r" not in f[1] or (len(f) > 5 and f[5] in ("[vvar]", "[vvar_vclock]", "[vsyscall]")):
		        continue
		    try:
		        mem.seek(a); data = mem.read(b - a)
		    except OSError:
		        continue
		    if secret in data:
		        print(f"process {pid}: found at {a:x}-{b:x} {l.strip()}"); sys.exit(0)
		sys.exit(1)
	EOF
}

@test "finding 1: an OCI container's processes hold nothing of the engine's environment" {
	[ -x /bin/busybox ] || skip "no /bin/busybox"
	B=$BATS_TEST_TMPDIR/bundle
	bundle_of "$B" /bin/sleep 60
	id=addr-space-$$
	secret=engine-token-$RANDOM$RANDOM
	ST=$BATS_TEST_TMPDIR/state
	CVISOR_ENGINE_TOKEN=$secret "$CVISOR" --root "$ST" create --bundle "$B" "$id" </dev/null >/dev/null 2>&1
	CVISOR_ENGINE_TOKEN=$secret "$CVISOR" --root "$ST" start "$id"
	sup=$("$CVISOR" --root "$ST" state "$id" | python3 -c 'import json,sys; print(json.load(sys.stdin)["pid"])')
	sentry=$(pgrep -P "$sup" | head -n 1)
	found=
	for p in $(pgrep -P "$sentry"); do
		scan_for "$p" "$secret" && found=1
	done
	"$CVISOR" --root "$ST" delete --force "$id"
	[ -z "$found" ]
}
