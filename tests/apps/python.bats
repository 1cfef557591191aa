#!/usr/bin/env bats
# Python's multiprocessing and asyncio subprocesses (issue 14): each needs
# socketpair or AF_UNIX (Pipe, the Manager's server, the forkserver, the
# event loop's self-pipe).  Debian's python3 runs each snippet natively and
# in `cvisor do`; the outputs must be the same.

bats_require_minimum_version 1.5.0
load apps

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
