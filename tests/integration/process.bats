#!/usr/bin/env bats
# Processes, threads and signals (issue 4): the issue's own commands.

bats_require_minimum_version 1.5.0

setup_file() {
	export BUILD=${BUILD:-build}
	export CVISOR=$BUILD/cvisor
	[ -x "$CVISOR" ] || { echo "no $CVISOR" >&2; return 1; }
}

setup() {
	TMP=$(mktemp -d)
}

teardown() {
	rm -rf "$TMP"
}

@test "a pipeline: seq | sort -n | tail -1 prints 200" {
	run -0 --separate-stderr "$CVISOR" do $CVISOR_DO_FLAGS -- /bin/sh -c \
		'for i in $(seq 1 200); do echo $i; done | sort -n | tail -1'
	[ "$output" = 200 ]
}

@test "gcc compiles and the program runs: 42" {
	command -v gcc >/dev/null || skip "no gcc"
	run -0 --separate-stderr "$CVISOR" do $CVISOR_DO_FLAGS --rw "$TMP" -- /bin/sh -c \
		"cd $TMP && printf 'int main(){return 42;}\n' > a.c && gcc -O2 -o a a.c && ./a; echo \$?"
	[ "$output" = 42 ]
}

@test "make -j2 of a several-file project, and its binary runs" {
	command -v make >/dev/null && command -v gcc >/dev/null || skip "no make/gcc"
	for i in 1 2 3 4; do printf 'int f%d(void){return %d;}\n' $i $i > "$TMP/f$i.c"; done
	printf 'int f1(void);int f2(void);int f3(void);int f4(void);\n#include <stdio.h>\nint main(){printf("%%d\\n",f1()+f2()+f3()+f4());return 0;}\n' > "$TMP/main.c"
	printf 'OBJS=main.o f1.o f2.o f3.o f4.o\nprog: $(OBJS)\n\t$(CC) -o $@ $(OBJS)\n%%.o: %%.c\n\t$(CC) -O2 -c -o $@ $<\n' > "$TMP/Makefile"
	run -0 --separate-stderr "$CVISOR" do $CVISOR_DO_FLAGS --rw "$TMP" -- /bin/sh -c \
		"cd $TMP && make -j2 >/dev/null && ./prog"
	[ "$output" = 10 ]
}

@test "python: 8 threads and a multiprocessing Pool(4)" {
	[ -x /usr/bin/python3 ] || skip "no /usr/bin/python3"
	run -0 --separate-stderr timeout 120 "$CVISOR" do $CVISOR_DO_FLAGS -- /usr/bin/python3 -c '
import threading, multiprocessing as mp
def sq(x): return x * x
if __name__ == "__main__":
    out = []
    ts = [threading.Thread(target=lambda i=i: out.append(sq(i))) for i in range(8)]
    [t.start() for t in ts]; [t.join() for t in ts]
    with mp.Pool(4) as p:
        print(sum(out), sum(p.map(sq, range(100))))'
	[ "$output" = "140 328350" ]
}

@test "python subprocess captures echo's output" {
	[ -x /usr/bin/python3 ] || skip "no /usr/bin/python3"
	run -0 --separate-stderr "$CVISOR" do $CVISOR_DO_FLAGS -- /usr/bin/python3 -c \
		'import subprocess; print(subprocess.run(["echo","ok"],capture_output=True).stdout)'
	[ "$output" = "b'ok\\n'" ]
}

@test "sleep 30 & kill -TERM; wait reports 143" {
	run -0 --separate-stderr "$CVISOR" do $CVISOR_DO_FLAGS -- /bin/sh -c \
		'sleep 30 & kill -TERM $!; wait $!; echo $?'
	[ "$output" = 143 ]
}

@test "timeout 1 sleep 5 exits 124 after about a second" {
	start=$(date +%s%N)
	run -124 --separate-stderr "$CVISOR" do $CVISOR_DO_FLAGS -- /usr/bin/timeout 1 /bin/sleep 5
	ms=$((($(date +%s%N) - start) / 1000000))
	[ "$ms" -lt 4000 ]
}

@test "stop and continue a job; then TERM ends it" {
	run -0 --separate-stderr "$CVISOR" do $CVISOR_DO_FLAGS -- /bin/sh -c \
		'sleep 30 & p=$!; kill -STOP $p; kill -CONT $p; kill -TERM $p; wait $p; echo $?'
	[ "$output" = 143 ]
}

@test "Ctrl-C (SIGINT to cvisor) ends a sleeping python and cvisor exits 130" {
	[ -x /usr/bin/python3 ] || skip "no /usr/bin/python3"
	env --default-signal=INT "$CVISOR" do $CVISOR_DO_FLAGS -- /usr/bin/python3 -c \
		'import time; print("ready", flush=True); time.sleep(30)' > "$TMP/out" 2>/dev/null &
	pid=$!
	for _ in $(seq 50); do grep -q ready "$TMP/out" && break; sleep 0.1; done
	kill -INT $pid
	status=0
	wait $pid || status=$?
	[ "$status" -eq 130 ]
}

# tiny_elf FILE: a 132-byte static x86_64 program of one read+execute
# segment, no data and no bss (p_filesz == p_memsz), that exits with 42.
tiny_elf() {
	{
		# ELF header: 64-bit, little-endian, ET_EXEC, x86_64, entry 0x400078
		printf '\x7fELF\x02\x01\x01\x00\x00\x00\x00\x00\x00\x00\x00\x00'
		printf '\x02\x00\x3e\x00\x01\x00\x00\x00\x78\x00\x40\x00\x00\x00\x00\x00'
		printf '\x40\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00'
		printf '\x00\x00\x00\x00\x40\x00\x38\x00\x01\x00\x00\x00\x00\x00\x00\x00'
		# PT_LOAD, R+X, offset 0 at 0x400000, 0x84 bytes in the file and in memory
		printf '\x01\x00\x00\x00\x05\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00'
		printf '\x00\x00\x40\x00\x00\x00\x00\x00\x00\x00\x40\x00\x00\x00\x00\x00'
		printf '\x84\x00\x00\x00\x00\x00\x00\x00\x84\x00\x00\x00\x00\x00\x00\x00'
		printf '\x00\x10\x00\x00\x00\x00\x00\x00'
		# mov $60, %eax; mov $42, %edi; syscall
		printf '\xb8\x3c\x00\x00\x00\xbf\x2a\x00\x00\x00\x0f\x05'
	} > "$1"
	chmod +x "$1"
}

@test "a program with no bss, from the host file system, runs: exit 42 as natively" {
	tiny_elf "$TMP/tiny"
	[ "$(stat -c %s "$TMP/tiny")" = 132 ]
	run -42 "$TMP/tiny"
	# its mapping of the file must not outlive the file's host fd: the
	# loader closes it before the new process's mappings are all made
	run -42 "$CVISOR" do $CVISOR_DO_FLAGS --rw "$TMP" -- "$TMP/tiny"
	run -0 --separate-stderr "$CVISOR" do $CVISOR_DO_FLAGS --rw "$TMP" -- /bin/sh -c \
		"$TMP/tiny; echo \$?"
	[ "$output" = 42 ]
}

@test "an execve that fails takes no new address space (--stats)" {
	# exec_errors: four execves that fail (ENOENT, EACCES, ENOEXEC, EACCES)
	# and no other; the one address space is the first program's own.  A
	# failed exec used to take the spare stub process and throw it away.
	run -0 --separate-stderr "$CVISOR" do --stats -- "$BUILD/tests/conformance/exec_errors"
	echo "$stderr"
	line=$(grep -E '^sentry: [0-9]+ empty address spaces' <<<"$stderr")
	[[ "$line" =~ ^sentry:\ ([0-9]+)\ empty ]]
	[ "${BASH_REMATCH[1]}" -eq 1 ]
}

@test "a new program's mappings reach its stub process in one request (--stats)" {
	run -0 --separate-stderr "$CVISOR" do --stats -- "$BUILD/tests/conformance/progs/getpid_one"
	[ "$output" = 1 ]
	echo "$stderr"
	# "sentry: N host calls by syscall threads, B of them batches of C":
	# the one exec's segments, bss and stack (4 calls at least) in 1 batch
	line=$(grep -E '^sentry: [0-9]+ host calls by syscall threads' <<<"$stderr")
	[[ "$line" =~ ([0-9]+)\ of\ them\ batches\ of\ ([0-9]+) ]]
	[ "${BASH_REMATCH[1]}" -eq 1 ]
	[ "${BASH_REMATCH[2]}" -ge 4 ]
}

@test "the sandbox's host fds: one process meets its own EMFILE, two together ENFILE, and the sandbox goes on" {
	# cvisor started with 2,000 fds: the sentry keeps 250 for itself, a
	# process may hold 1,500 (ulimit -n), and files of the whole sandbox
	# stop at the reserve with ENFILE; the sentry still forks and runs
	# programs after that (with main's sentry the second process's opens
	# ended in the host's EMFILE and its fork failed with ENOMEM)
	run -0 prlimit --nofile=2000:2000 "$CVISOR" do -- /usr/bin/python3 -c '
import errno, os, subprocess, sys
def fill():
    fds = []
    try:
        while True:
            fds.append(os.open(sys.executable, os.O_RDONLY | os.O_CLOEXEC))
    except OSError as e:
        return fds, errno.errorcode[e.errno]
print(os.sysconf("SC_OPEN_MAX"))
r, w = os.pipe()
mine, err = fill()
print(err)
pid = os.fork()
if pid == 0:
    for fd in mine:
        os.close(fd)
    theirs, err = fill()
    os.write(w, err.encode())
    os._exit(0)
os.waitpid(pid, 0)
print(os.read(r, 16).decode())
for fd in mine:
    os.close(fd)
print(subprocess.run(["/bin/echo", "still here"], capture_output=True, text=True).stdout.strip())'
	echo "$output"
	[ "${lines[0]}" = 1500 ]
	[ "${lines[1]}" = EMFILE ]
	[ "${lines[2]}" = ENFILE ]
	[ "${lines[3]}" = "still here" ]
}
