// tests/apps/node.bats: child_process and fs.watch (inotify) in one run.
const cp = require("child_process"), fs = require("fs"), os = require("os"), path = require("path");
console.log("child: " + cp.execFileSync("sh", ["-c", "echo hi from $0", "sh"]).toString().trim());
const d = fs.mkdtempSync(path.join(os.tmpdir(), "watch-"));
const f = path.join(d, "f");
fs.writeFileSync(f, "a");
const w = fs.watch(d, (ev, name) => {
	if (name !== "f") return;
	console.log("watch: " + ev + " " + name);
	w.close();
	fs.rmSync(d, { recursive: true });
});
// the change comes after the watch is set: in the next turn of the loop
setImmediate(() => fs.writeFileSync(f, "b"));
