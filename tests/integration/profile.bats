#!/usr/bin/env bats
# cvisor profile and cvisor bench (issue 6): counts checked against perf
# stat on the same commands, and against programs whose calls are known.
#
#   make -j2 all && BUILD=build bats tests/integration/profile.bats
#
# Runs as root (tracepoints); skips without perf or the tracepoint.

bats_require_minimum_version 1.5.0

setup_file() {
	export BUILD=${BUILD:-build}
	export CVISOR=$BUILD/cvisor
	export RATE=$BUILD/tests/conformance/progs/syscall_rate
	export CAL=$BATS_FILE_TMPDIR/calibration.json
	[ -x "$CVISOR" ] && [ -x "$RATE" ] || { echo "run make first" >&2; return 1; }
	# a quick calibration for every test (a few seconds)
	$CVISOR bench calibrate --quick --no-runsc --out "$CAL" >"$BATS_FILE_TMPDIR/cal.out" 2>&1 || true
}

setup() {
	[ "$(id -u)" = 0 ] || skip "needs root for the raw_syscalls tracepoint"
	command -v perf >/dev/null || skip "no perf (linux-perf)"
	# a container may forbid perf_event_open or hide tracefs
	perf stat -e raw_syscalls:sys_enter -- true >/dev/null 2>&1 ||
		skip "perf_event_open on raw_syscalls:sys_enter is not allowed here"
}

# perf stat's count of raw_syscalls:sys_enter for CMD, and its elapsed time
perf_stat() {
	perf stat -e raw_syscalls:sys_enter -- "$@" 2>&1 >/dev/null |
		awk '/raw_syscalls:sys_enter/ { gsub(",", "", $1); n = $1 }
		     /seconds time elapsed/ { t = $1 } END { print n, t }'
}

# field F of profile's JSON in file $1
jget() {
	python3 -c 'import json,sys; j=json.load(open(sys.argv[1])); print(eval("j" + sys.argv[2]))' "$@"
}

@test "bench calibrate writes every class, natively and in cvisor" {
	[ -s "$CAL" ] || { cat "$BATS_FILE_TMPDIR/cal.out"; false; }
	for k in trivial rw stat open pipe futex mmap poll fork exec fstat; do
		n=$(jget "$CAL" "['syscall_ns']['native']['$k']['med']")
		c=$(jget "$CAL" "['syscall_ns']['cvisor']['$k']['med']")
		x=$(jget "$CAL" "['syscall_ns_crowded']['cvisor']['$k']['med']")
		python3 -c "import sys; sys.exit(not (0 < $n and 0 < $c and 0 < $x))" ||
			{ echo "class $k: native $n, cvisor $c, cvisor crowded $x" >&2; false; }
	done
	# the blocking loop (a 100 us nanosleep: at least that natively) and
	# the cached lookup, on both sides
	for e in block stat_cached; do
		for rt in native cvisor; do
			v=$(jget "$CAL" "['event_ns']['$rt']['$e']['med']")
			python3 -c "import sys; sys.exit(not ($v > 0))" || { echo "$rt $e: $v" >&2; false; }
		done
	done
	v=$(jget "$CAL" "['event_ns']['native']['block']['med']")
	python3 -c "import sys; sys.exit(not ($v >= 100000))"
	# every call through the sentry costs more than the same call natively
	python3 -c "import sys; sys.exit(not ($(jget "$CAL" "['syscall_ns']['cvisor']['trivial']['med']") > \
		$(jget "$CAL" "['syscall_ns']['native']['trivial']['med']")))"
	grep -q "^trivial " "$BATS_FILE_TMPDIR/cal.out"
}

@test "profile: a sandbox pinned to one CPU is crowded from its first thread" {
	[ "$(nproc --all)" -ge 2 ] || skip "one CPU"
	run -0 $CVISOR profile --calibration "$CAL" --json -o "$BATS_TEST_TMPDIR/a.json" -- sleep 0.5
	[ "$(jget "$BATS_TEST_TMPDIR/a.json" "['crowded_share']")" = 0.0 ]
	run -0 taskset -c 0 $CVISOR profile --calibration "$CAL" --json -o "$BATS_TEST_TMPDIR/b.json" \
		-- sleep 0.5
	[ "$(jget "$BATS_TEST_TMPDIR/b.json" "['threads_max']")" = 1 ]
	[ "$(jget "$BATS_TEST_TMPDIR/b.json" "['crowded_share']")" = 1.0 ]
}

@test "profile counts exactly the calls of a program that makes 100,000" {
	run -0 $CVISOR profile --calibration "$CAL" --json -o "$BATS_TEST_TMPDIR/p.json" -- "$RATE" 100000
	n=$(jget "$BATS_TEST_TMPDIR/p.json" "['syscalls']")
	# the loop's calls plus a static binary's few start-up and exit calls
	[ "$n" -ge 100000 ] && [ "$n" -le 100030 ]
	[ "$(jget "$BATS_TEST_TMPDIR/p.json" "['top_syscalls'][0]['name']")" = getppid ]
	read -r pn pt < <(perf_stat "$RATE" 100000)
	[ "$n" = "$pn" ]
}

@test "the issue's python loop: the rate is within 10% of perf stat's, and a slowdown is predicted" {
	cmd=(python3 -c 'import os; [os.getppid() for i in range(200000)]')
	# Both tools on the same run (perf stat inside the profiled command;
	# our count then includes perf's own few calls): on this VM two runs
	# of the same command differ by 10-20%, more than the tolerance.
	ratios=()
	for i in 1 2 3; do
		$CVISOR profile --calibration "$CAL" --json -o "$BATS_TEST_TMPDIR/p.json" -- \
			perf stat -e raw_syscalls:sys_enter -o "$BATS_TEST_TMPDIR/perf.txt" -- "${cmd[@]}"
		ours=$(jget "$BATS_TEST_TMPDIR/p.json" "['syscalls_per_s']")
		theirs=$(awk '/raw_syscalls:sys_enter/ { gsub(",", "", $1); n = $1 }
			/seconds time elapsed/ { t = $1 } END { print n / t }' "$BATS_TEST_TMPDIR/perf.txt")
		echo "profile $ours/s, perf stat $theirs/s"
		ratios+=("$(python3 -c "print($ours / $theirs)")")
	done
	python3 -c 'import statistics, sys
r = statistics.median(float(x) for x in sys.argv[1:]); print(r); sys.exit(abs(r - 1) > 0.10)' "${ratios[@]}"
	run -0 --separate-stderr $CVISOR profile --calibration "$CAL" -- "${cmd[@]}"
	[[ "$stderr" == *"Predicted slowdown"* ]]
	[[ "$stderr" =~ cvisor\ +[0-9.]+x ]]
	[[ "$stderr" == *"top calls        getppid"* ]]
}

@test "profile: glibc's fstat (newfstatat with AT_EMPTY_PATH) is the fstat class, a path's stat the stat class" {
	run -0 $CVISOR profile --calibration "$CAL" --json -o "$BATS_TEST_TMPDIR/f.json" -- \
		python3 -c 'import os
fd = os.open("/", os.O_RDONLY)
for i in range(60000): os.fstat(fd)
for i in range(30000): os.stat("/usr")'
	# sampled one call in 127: within 10% of the loops' counts
	python3 - "$BATS_TEST_TMPDIR/f.json" <<'EOF'
import json, sys
k = json.load(open(sys.argv[1]))["syscalls_by_class"]
assert 54000 <= k["fstat"] <= 66000 and 27000 <= k["stat"] <= 33000, k
EOF
}

@test "profile -p: a running process at a known pace" {
	"$RATE" 600000 3 &      # 200,000 calls/s for 3 s
	pid=$!
	sleep 0.5
	run -0 $CVISOR profile --calibration "$CAL" --json -o "$BATS_TEST_TMPDIR/p.json" -p $pid --duration 1
	wait $pid
	rate=$(jget "$BATS_TEST_TMPDIR/p.json" "['syscalls_per_s']")
	echo "rate $rate"
	python3 -c "import sys; sys.exit(not (170000 < $rate < 230000))"
	[ "$(jget "$BATS_TEST_TMPDIR/p.json" "['top_syscalls'][0]['name']")" = getppid ]
}

@test "profile -a: system-wide counts for a duration" {
	"$RATE" 400000 2 &
	run -0 --separate-stderr $CVISOR profile --calibration "$CAL" -a --duration 1 --interval 0.5
	wait
	[[ "$stderr" == *"Summary over"* ]]
	[ "$(grep -c '^ *[0-9.]* *[0-9]* \[' <<<"$stderr")" -ge 2 ]       # two interval lines
}

@test "profile: bad usage and missing permissions get a clear message" {
	run -2 --separate-stderr $CVISOR profile
	[[ "$stderr" == *"exactly one of -p PID, -a, -- CMD"* ]]
	run -2 --separate-stderr $CVISOR profile --interval x -- true
	[[ "$stderr" == *"bad option '--interval'"* ]]
	run -1 --separate-stderr $CVISOR profile --calibration /nonexistent.json -- true
	[[ "$stderr" == *"/nonexistent.json"* ]]
	if [ "$(cat /proc/sys/kernel/perf_event_paranoid)" -ge 0 ]; then
		run -1 --separate-stderr setpriv --reuid=65534 --regid=65534 --clear-groups \
			$CVISOR profile --calibration "$CAL" -- true
		[[ "$stderr" == *"perf_event_paranoid"* ]]
	fi
}

@test "bench curve writes a CSV and a PNG chart" {
	command -v gnuplot >/dev/null || skip "no gnuplot"
	run -0 $CVISOR bench curve --quick --wss 1 --out "$BATS_TEST_TMPDIR"
	csv=$BATS_TEST_TMPDIR/cvisor-curve.csv
	[ "$(head -1 "$csv")" = "cpu,wss_mb,target_per_s,native_per_s,native_s,cvisor_s,overhead_pct" ]
	# seven rates, 1k to 1M per second, with the sentry on a spare CPU;
	# six, to 300k, on the application's CPU
	[ "$(grep -c '^spare,1,' "$csv")" = 7 ]
	[ "$(grep -c '^shared,1,' "$csv")" = 6 ]
	[ "$(wc -l <"$csv")" = 14 ]
	[ "$(head -c 4 "$BATS_TEST_TMPDIR/cvisor-curve.png" | tail -c 3)" = PNG ]
	run -2 --separate-stderr $CVISOR bench curve --cpu three
	[[ "$stderr" == *"bad option '--cpu'"* ]]
}
