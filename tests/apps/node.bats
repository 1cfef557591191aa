#!/usr/bin/env bats
# Node's child_process (issue 14): libuv makes every piped stdio and the
# fork() IPC channel with socketpair.  Debian's node runs each snippet
# natively and in `cvisor do`; the outputs must be the same.  Then Debian's
# nodejs under docker, with runc and with cvisor (issue 15, docker.bash):
# child_process and fs.watch seeing a change (prog/checks.js), an express
# app (Debian's node-express, installed in the image) and the http module's
# server (prog/server.js) serving curl and ab from the host.

bats_require_minimum_version 1.5.0
load apps
load docker

setup() {
	need node nodejs
}

# same CODE: CODE's output in the sandbox is the native one.
same() {
	same_as_native "$(command -v node)" -e "$1"
}

@test "child_process.execSync('echo hi')" {
	same '
const cp = require("child_process");
process.stdout.write("execSync: " + cp.execSync("echo hi"));'
}

@test "child_process.spawn with piped stdio: cat echoes stdin, and the exit code" {
	same '
const cp = require("child_process");
const c = cp.spawn("cat", [], { stdio: ["pipe", "pipe", "pipe"] });
let out = "";
c.stdout.on("data", d => out += d);
c.on("close", code => console.log("spawn:", JSON.stringify(out), "code", code));
c.stdin.write("line 1\n"); c.stdin.end("line 2\n");'
}

@test "child_process.fork: messages both ways over the IPC channel" {
	same '
const cp = require("child_process"), fs = require("fs"), os = require("os"), path = require("path");
const child = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "fork-")), "child.js");
fs.writeFileSync(child, "process.on(\"message\", m => { process.send({ got: m, pid: typeof process.pid }); if (m.n === 3) process.disconnect(); });");
const c = cp.fork(child);
c.on("message", m => console.log("parent got", JSON.stringify(m)));
c.on("exit", code => { console.log("child exit", code); fs.rmSync(path.dirname(child), { recursive: true }); });
for (let n = 1; n <= 3; n++) c.send({ n });'
}

node_check() {
	local p1 p2 want
	run --separate-stderr dk_run "$1" -- node /opt/apps/checks.js
	no_unsupported "$stderr"
	want=$(printf '%s\n' 'child: hi from sh' 'watch: change f')
	[ "$status" = 0 ] && [ "$output" = "$want" ] || differs "$want"

	p1=$(free_port)
	p2=$(free_port)
	dk_start "$1" -u nobody -p "127.0.0.1:$p1:3000" -p "127.0.0.1:$p2:3001" -- node /opt/apps/server.js
	dk_ready 300 curl -sf -m 2 -o /dev/null "http://127.0.0.1:$p2/"
	dk_ready 300 curl -sf -m 2 -o /dev/null "http://127.0.0.1:$p1/"
	run -0 curl -sf -m 10 "http://127.0.0.1:$p1/"
	[ "$output" = "hello from express" ]
	run -0 curl -sf -m 10 "http://127.0.0.1:$p2/"
	[ "$output" = "hello from node http" ]
	ab_ok 2000 8 "http://127.0.0.1:$p1/"
}

@test "node under runc: child_process, fs.watch, express and http serving the host" {
	node_check runc
}

@test "node under cvisor: child_process, fs.watch, express and http serving the host" {
	node_check cvisor
}
