#!/usr/bin/env bats
# Node's child_process (issue 14): libuv makes every piped stdio and the
# fork() IPC channel with socketpair.  Debian's node runs each snippet
# natively and in `cvisor do`; the outputs must be the same.

bats_require_minimum_version 1.5.0
load apps

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
