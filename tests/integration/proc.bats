#!/usr/bin/env bats
# Processes, threads and signals through real programs (issue 4): shells,
# pipelines, compilers, make, python, job control, timeout and Ctrl-C. Each
# test compares with the output a Linux host gives for the same command.
#
#   make -j2 all && BUILD=build bats tests/integration/proc.bats
#
# Tests whose tool (gcc, make, python3, timeout) is missing are skipped.

bats_require_minimum_version 1.5.0

setup_file() {
	export BUILD=${BUILD:-build}
	export CVISOR=$BUILD/cvisor
	[ -x "$CVISOR" ] || { echo "no $CVISOR: run 'make all' (or set BUILD)" >&2; return 1; }
}

setup() {
	DIR=$(mktemp -d)
	BG=     # a cvisor started in the background, killed in teardown
}

teardown() {
	if [ -n "$BG" ]; then
		kill -KILL "$BG" 2>/dev/null || true
		wait "$BG" 2>/dev/null || true
	fi
	rm -rf "$DIR"
}

now_ms() { echo $(($(date +%s%N) / 1000000)); }

@test "a shell pipeline of 200 lines through sort and tail prints 200" {
	run -0 --separate-stderr "$CVISOR" do $CVISOR_DO_FLAGS -- /bin/sh -c \
		'for i in $(seq 1 200); do echo $i; done | sort -n | tail -1'
	[ "$output" = 200 ]
	[ "$stderr" = "" ]
}

@test "gcc compiles a program in a --rw dir and it exits 42" {
	command -v gcc >/dev/null || skip "no gcc"
	run -0 --separate-stderr "$CVISOR" do $CVISOR_DO_FLAGS --rw "$DIR" -- /bin/sh -c \
		"cd $DIR && printf 'int main(){return 42;}\n' > a.c && gcc -O2 -o a a.c && ./a; echo \$?"
	echo "stderr: $stderr"
	[ "$output" = 42 ]
	[ -x "$DIR/a" ]   # --rw: the binary is on the host too
}

@test "make -j2 builds a several-file C project and the binary runs" {
	command -v make >/dev/null || skip "no make"
	command -v gcc >/dev/null || skip "no gcc"
	local i
	for i in 1 2 3 4 5 6; do
		printf 'int f%d(void) { return %d; }\n' "$i" "$i" >"$DIR/f$i.c"
	done
	cat >"$DIR/main.c" <<'C'
#include <stdio.h>
int f1(void), f2(void), f3(void), f4(void), f5(void), f6(void);
int main(void) { printf("sum %d\n", f1() + f2() + f3() + f4() + f5() + f6()); return 0; }
C
	printf 'OBJS = main.o f1.o f2.o f3.o f4.o f5.o f6.o\nprog: $(OBJS)\n\t$(CC) -o $@ $(OBJS)\n%%.o: %%.c\n\t$(CC) -O2 -c -o $@ $<\n' >"$DIR/Makefile"
	run -0 --separate-stderr "$CVISOR" do $CVISOR_DO_FLAGS --rw "$DIR" -- /bin/sh -c \
		"cd $DIR && make -j2 >/dev/null && ./prog"
	echo "stderr: $stderr"
	[ "$output" = "sum 21" ]
	[ -f "$DIR/f6.o" ] && [ -x "$DIR/prog" ]
}

@test "python3: 8 threads, then mp.Pool(4).map returns the right list" {
	[ -x /usr/bin/python3 ] || skip "no /usr/bin/python3"
	local prog='
import threading, multiprocessing as mp
def sq(x): return x * x
if __name__ == "__main__":
    res = [0] * 8
    def work(i): res[i] = sum(range(i * 1000))
    ts = [threading.Thread(target=work, args=(i,)) for i in range(8)]
    for t in ts: t.start()
    for t in ts: t.join()
    print(sum(res))
    with mp.Pool(4) as p:
        print(p.map(sq, range(10)))'
	run -0 --separate-stderr "$CVISOR" do $CVISOR_DO_FLAGS -- /usr/bin/python3 -c "$prog"
	echo "stderr: $stderr"
	[ "$output" = "$(/usr/bin/python3 -c "$prog")" ]
	[ "${lines[1]}" = "[0, 1, 4, 9, 16, 25, 36, 49, 64, 81]" ]
}

@test "python3: subprocess.run captures echo's output" {
	[ -x /usr/bin/python3 ] || skip "no /usr/bin/python3"
	run -0 --separate-stderr "$CVISOR" do $CVISOR_DO_FLAGS -- /usr/bin/python3 -c \
		'import subprocess; print(subprocess.run(["echo","ok"],capture_output=True).stdout)'
	[ "$output" = "b'ok\\n'" ]
}

@test "sh: a background sleep killed with TERM; wait reports 143" {
	run -0 --separate-stderr "$CVISOR" do $CVISOR_DO_FLAGS -- /bin/sh -c \
		'sleep 30 & kill -TERM $!; wait $!; echo $?'
	[ "$output" = 143 ]
}

@test "timeout 1 sleep 5 exits 124 in under 4 s" {
	command -v timeout >/dev/null || skip "no timeout"
	local t0 ms
	t0=$(now_ms)
	run -124 --separate-stderr "$CVISOR" do $CVISOR_DO_FLAGS -- timeout 1 sleep 5
	ms=$(($(now_ms) - t0))
	echo "took $ms ms; stderr: $stderr"
	[ "$ms" -lt 4000 ]
}

@test "Ctrl-C: SIGINT to 'cvisor do -- /bin/sleep 30' ends it with 130 within 5 s" {
	# A non-interactive shell starts background jobs with SIGINT ignored;
	# env --default-signal gives cvisor the default action back, as a
	# foreground job on a terminal would have.
	env --default-signal=INT "$CVISOR" do $CVISOR_DO_FLAGS -- /bin/sleep 30 \
		>"$DIR/out" 2>"$DIR/err" </dev/null 3>&- &
	BG=$!
	# Wait until the sandbox runs (cvisor has its stub children), max 5 s.
	local i
	for ((i = 0; i < 100; i++)); do
		[ -n "$(cat /proc/"$BG"/task/*/children 2>/dev/null)" ] && break
		sleep 0.05
	done
	sleep 0.3   # and sleep has started
	local t0 ms st=0
	t0=$(now_ms)
	kill -INT "$BG"
	for ((i = 0; i < 100; i++)); do
		kill -0 "$BG" 2>/dev/null || break
		[ "$(awk '{print $3}' /proc/"$BG"/stat 2>/dev/null)" = Z ] && break
		sleep 0.05
	done
	wait "$BG" || st=$?
	ms=$(($(now_ms) - t0))
	BG=
	echo "status $st after $ms ms; stderr: $(cat "$DIR/err")"
	[ "$st" -eq 130 ]
	[ "$ms" -lt 5000 ]
}
