#!/usr/bin/env python3
"""Drive a program on a pseudo-terminal as a user at a keyboard would.

usage: pty_drive.py [--console-socket PATH] SCRIPT -- CMD...

SCRIPT is a list of steps separated by ';;':  'send:TEXT' types TEXT
(\\n, \\x03 etc. decoded), 'expect:TEXT' waits until TEXT has appeared in
the output since the last expect (the terminal echoes what is typed: an
expected text must not be typed as such, write "RE""ADY"), 'run:SHELL'
runs a shell command on the host and adds what it prints to the output.
With --console-socket, CMD (an OCI runtime's create, run or exec) gets
no terminal of ours: the master it sends to PATH is the terminal driven.
At the end the program's output is printed and the driver exits with the program's status
(128+N for signal N), or 124 if an expect never came or the program did
not end (after 60 s: a bound, not a measure; the program is then killed).
"""
import os, pty, select, socket, subprocess, sys, time

def main():
    i = sys.argv.index('--')
    args = sys.argv[1:i]
    sock = None
    if args[:1] == ['--console-socket']:
        sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        sock.bind(args[1])
        sock.listen(1)
        args = args[2:]
    steps = [s for s in ' '.join(args).split(';;') if s.strip()]
    pid, fd = (os.fork(), None) if sock else pty.fork()
    if pid == 0:
        os.execvp(sys.argv[i + 1], sys.argv[i + 1:])
    if sock:
        c, _ = sock.accept()
        _, fds, _, _ = socket.recv_fds(c, 1024, 1)
        fd = fds[0]
    out, seen = b'', 0

    def pump(deadline):
        nonlocal out
        r, _, _ = select.select([fd], [], [], max(0, deadline - time.time()))
        if r:
            try:
                data = os.read(fd, 4096)
            except OSError:
                return False
            if not data:
                return False
            out += data
        return True

    for step in steps:
        kind, _, text = step.strip().partition(':')
        data = text.encode().decode('unicode_escape').encode('latin-1')
        if kind == 'send':
            os.write(fd, data)
        elif kind == 'run':
            out += subprocess.run(['sh', '-c', text], stdout=subprocess.PIPE,
                                  stderr=subprocess.STDOUT).stdout
            seen = len(out)
        elif kind == 'expect':
            deadline = time.time() + 60
            while data not in out[seen:]:
                if time.time() > deadline or not pump(deadline):
                    sys.stdout.write(out.decode(errors='replace'))
                    print('\npty_drive: never saw %r' % text)
                    os.kill(pid, 9)
                    sys.exit(124)
            seen = out.index(data, seen) + len(data)
    deadline = time.time() + 60
    while time.time() < deadline and pump(deadline):
        pass
    done, st = os.waitpid(pid, os.WNOHANG)
    while not done and time.time() < deadline:  # its terminal closes first
        time.sleep(0.05)
        done, st = os.waitpid(pid, os.WNOHANG)
    if not done:
        sys.stdout.write(out.decode(errors='replace'))
        print('\npty_drive: the program did not end')
        os.kill(pid, 9)
        os.waitpid(pid, 0)
        sys.exit(124)
    sys.stdout.write(out.decode(errors='replace'))
    sys.exit(os.WEXITSTATUS(st) if os.WIFEXITED(st) else 128 + os.WTERMSIG(st))

main()
