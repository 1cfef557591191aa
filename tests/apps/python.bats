#!/usr/bin/env bats
# Python's multiprocessing and asyncio subprocesses (issue 14): each needs
# socketpair or AF_UNIX (Pipe, the Manager's server, the forkserver, the
# event loop's self-pipe).  Debian's python3 runs each snippet natively and
# in `cvisor do`; the outputs must be the same.  Then Debian's python3
# under docker, with runc and with cvisor (issue 15, docker.bash): a
# forkserver Pool inside, and python3 -m http.server as nobody serving a
# file to curl and ab from the host.

bats_require_minimum_version 1.5.0
load apps
load docker

setup() {
	need $PY python3
}

# same CODE: CODE's output in the sandbox is the native one.
same() {
	same_as_native $PY -c "$1"
}

@test "multiprocessing.Pipe: both ends in one process, and a forked child sending" {
	same '
import multiprocessing as mp
a, b = mp.Pipe()
a.send({"x": [1, 2]}); print("pipe", b.recv())
p = mp.get_context("fork").Process(target=a.send, args=("from child",))
p.start(); print(b.recv()); p.join(); print("exit", p.exitcode)'
}

@test "multiprocessing.Manager: a dict and a list served by the manager process" {
	same '
import multiprocessing as mp
if __name__ == "__main__":
    with mp.Manager() as m:
        d = m.dict(); d["k"] = "v"; l = m.list(range(3)); l.append(9)
        print("manager", dict(d), list(l))'
}

@test "multiprocessing forkserver start method: a Pool maps" {
	same '
import math, multiprocessing as mp
if __name__ == "__main__":
    with mp.get_context("forkserver").Pool(2) as p:
        print("forkserver", p.map(math.factorial, range(8)))'
}

@test "multiprocessing spawn start method: a Pool maps" {
	same '
import math, multiprocessing as mp
if __name__ == "__main__":
    with mp.get_context("spawn").Pool(2) as p:
        print("spawn", p.map(math.factorial, range(8)))'
}

@test "asyncio.create_subprocess_exec: echo hi through a pipe, and cat with stdin" {
	same '
import asyncio
async def main():
    p = await asyncio.create_subprocess_exec("echo", "hi", stdout=asyncio.subprocess.PIPE)
    out, _ = await p.communicate(); print(out.decode().strip(), p.returncode)
    p = await asyncio.create_subprocess_exec("cat", stdin=asyncio.subprocess.PIPE,
                                             stdout=asyncio.subprocess.PIPE)
    out, _ = await p.communicate(b"through cat"); print(out.decode(), p.returncode)
asyncio.run(main())'
}

python_check() {
	local port want
	run --separate-stderr dk_run "$1" -- python3 -c '
import math, multiprocessing as mp
if __name__ == "__main__":
    with mp.get_context("forkserver").Pool(2) as p:
        print("forkserver", p.map(math.factorial, range(8)))'
	no_unsupported "$stderr"
	want="forkserver [1, 1, 2, 6, 24, 120, 720, 5040]"
	[ "$status" = 0 ] && [ "$output" = "$want" ] || differs "$want"

	port=$(free_port)
	dk_start "$1" -u nobody -p "127.0.0.1:$port:8000" -- python3 -m http.server -d /opt/apps 8000
	dk_ready 300 curl -sf -m 2 -o /dev/null "http://127.0.0.1:$port/"
	run -0 curl -sf -m 10 "http://127.0.0.1:$port/checks.js"
	[ "$output" = "$(cat "$APPS_PROG/checks.js")" ]
	ab_ok 2000 4 "http://127.0.0.1:$port/checks.js"
}

@test "python3 under runc: a forkserver Pool, http.server as nobody serving the host" {
	python_check runc
}

@test "python3 under cvisor: a forkserver Pool, http.server as nobody serving the host" {
	python_check cvisor
}
