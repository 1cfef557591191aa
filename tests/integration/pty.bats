#!/usr/bin/env bats
# Pseudo-terminals made by the sentry (issue 15 item 4): programs that open
# /dev/ptmx inside the sandbox (script, python's pty, tmux) behave as they
# do natively, and the sandbox's own terminal gives a background job
# SIGTTIN.
#
#   make -j2 all && BUILD=build bats tests/integration/pty.bats
#
# No lock needed: no docker, no cgroups.

bats_require_minimum_version 1.5.0

BUILD=${BUILD:-build}
CVISOR=$(realpath "$BUILD/cvisor")
DRIVE=$BATS_TEST_DIRNAME/pty_drive.py

# same CMD...: run it natively and in the sandbox; same status and output,
# but for the pty's number: the host's next free one depends on who else
# holds ptys there (an ssh session, tmux, another test), the sandbox's
# devpts starts at 0.
same() {
	run -0 "$@" </dev/null
	native=$output
	run -0 "$CVISOR" do -- "$@" </dev/null
	echo "native: $native"
	echo "cvisor: $output"
	[ "$(pts_n "$output")" = "$(pts_n "$native")" ]
}

pts_n() {
	sed -E 's|/dev/pts/[0-9]+|/dev/pts/N|g' <<<"$1"
}

@test "script -qc 'tty; echo hi' /dev/null: the same as natively" {
	command -v script >/dev/null || skip "no script (bsdutils)"
	same script -qc 'tty; stty -a | head -1; echo hi' /dev/null
	[[ "$output" == */dev/pts/0* ]] && [[ "$output" == *hi* ]]
}

@test "python3 pty.fork: a shell on the pty reads a line, its output comes back with CR LF" {
	command -v python3 >/dev/null || skip "no python3"
	same python3 -c '
import os, pty
pid, fd = pty.fork()
if pid == 0:
    os.execvp("sh", ["sh", "-c", "tty; read x; echo got:$x; exit 3"])
os.write(fd, b"abc\n")
out = b""
while True:
    try:
        d = os.read(fd, 1024)
    except OSError:   # EIO: the slave is closed
        break
    if not d:
        break
    out += d
print(repr(out), os.waitstatus_to_exitcode(os.waitpid(pid, 0)[1]))'
	[[ "$output" == *"got:abc"* ]] && [[ "$output" == *" 3" ]]
}

@test "python3 pty.spawn with Ctrl-C typed: the child on the pty dies of SIGINT" {
	command -v python3 >/dev/null || skip "no python3"
	same python3 -c '
import os, pty, signal
pid, fd = pty.fork()
if pid == 0:
    os.execvp("sh", ["sh", "-c", "echo READY; exec sleep 1000"])
buf = b""
while b"READY" not in buf:
    buf += os.read(fd, 100)
os.write(fd, b"\x03")
st = os.waitpid(pid, 0)[1]
print(os.WIFSIGNALED(st) and os.WTERMSIG(st) == signal.SIGINT)'
	[ "$output" = True ]
}

@test "bash -i on a sentry pty (pty_drive.py in the sandbox): Ctrl-C and Ctrl-Z reach the job" {
	command -v bash >/dev/null || skip "no bash"
	script="send:sh -c 'echo RE\"\"ADY; exec sleep 1000'\n ;; expect:READY ;;
		send:\x03 ;; send:echo \"s\"\"t=\$?\"\n ;; expect:st= ;;
		send:sh -c 'echo GO\"\"ING; exec sleep 1000'\n ;; expect:GOING ;; send:\x1a ;;
		expect:Stopped ;; send:kill %1; exit 7\n"
	run python3 "$DRIVE" "$script" -- bash --norc --noprofile -i
	native_status=$status
	run "$CVISOR" do -- python3 "$DRIVE" "$script" -- bash --norc --noprofile -i </dev/null
	echo "$output"
	[ "$native_status" -eq 7 ] && [ "$status" -eq 7 ]
	[[ "$output" == *st=130* ]] && [[ "$output" == *Stopped* ]]
}

@test "tmux inside the sandbox: a detached session's pane shows its program's output" {
	command -v tmux >/dev/null || skip "no tmux"
	run -0 "$CVISOR" do -- sh -c 'tmux -S /tmp/s new -d -x 80 -y 24 "echo hello-from""-tmux; read x"
		for i in $(seq 100); do
			tmux -S /tmp/s capture-pane -p | grep -q hello-from-tmux && break
			sleep 0.1
		done
		tmux -S /tmp/s capture-pane -p; tmux -S /tmp/s kill-server' </dev/null
	echo "$output"
	[[ "$output" == *hello-from-tmux* ]]
}

@test "cvisor do on a terminal: a background job reading it is stopped by SIGTTIN, as natively" {
	command -v bash >/dev/null || skip "no bash"
	# bash's wait ends when the job stops: 128 + the signal that stopped it
	script="send:cat & wait \$!; echo \"w\"\"=\$?\"\n ;; expect:w= ;; send:kill -9 %1; wait\n ;;
		send:exit 7\n"
	run python3 "$DRIVE" "$script" -- bash --norc --noprofile -i
	[ "$status" -eq 7 ] && [[ "$output" == *w=149* ]]      # natively: SIGTTIN is 21
	run python3 "$DRIVE" "$script" -- "$CVISOR" do -- bash --norc --noprofile -i
	echo "$output"
	[ "$status" -eq 7 ]
	[[ "$output" == *w=149* ]]
}

@test "cvisor do on a terminal: with stty tostop a background job writing it is stopped by SIGTTOU" {
	command -v bash >/dev/null || skip "no bash"
	script="send:stty tostop; echo x & wait \$!; echo \"w\"\"=\$?\"\n ;; expect:w= ;;
		send:kill -9 %1; wait; stty -tostop\n ;; send:exit 7\n"
	run python3 "$DRIVE" "$script" -- bash --norc --noprofile -i
	[ "$status" -eq 7 ] && [[ "$output" == *w=150* ]]      # natively: SIGTTOU is 22
	run python3 "$DRIVE" "$script" -- "$CVISOR" do -- bash --norc --noprofile -i
	echo "$output"
	[ "$status" -eq 7 ]
	[[ "$output" == *w=150* ]]
}

@test "cvisor do -- script bash -i on a terminal: Ctrl-C goes through script's raw terminal to the sentry pty's job" {
	command -v script >/dev/null && command -v bash >/dev/null || skip "no script or bash"
	# script puts the outer terminal in raw mode: the ^C byte reaches the
	# sentry's pty master, whose line discipline sends SIGINT
	steps="expect:# ;; send:sh -c 'echo RE\"\"ADY; exec sleep 1000'\n ;; expect:READY ;;
		send:\x03 ;; send:echo \"s\"\"t=\$?\"\n ;; expect:st= ;; send:exit 7\n"
	run python3 "$DRIVE" "$steps" -- script -qec 'bash --norc --noprofile -i' /dev/null
	[ "$status" -eq 7 ] && [[ "$output" == *st=130* ]]
	run python3 "$DRIVE" "$steps" -- "$CVISOR" do -- script -qec 'bash --norc --noprofile -i' /dev/null
	echo "$output"
	[ "$status" -eq 7 ]
	[[ "$output" == *st=130* ]]
}
