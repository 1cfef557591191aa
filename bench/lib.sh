# bench/lib.sh: the scaffolding the bench scripts share; sourced, never run.
#
# A script that times a small static program (bench/NAME.c) in several
# environments sources this file and then calls, in order:
#   bench_args "$@"              BUILD_DIR [--md FILE] -> $build_dir, $md
#   bench_build NAME [CFLAGS..]  compiles BUILD_DIR/bench/NAME if stale -> $bin
#   bench_envs PREFIX            runc bundle (rootfs under $bundle/rootfs, filled
#                                by the caller), runsc root, $cvisor, clean-up trap
#   bench_run_all                every (mode, environment): med[ENV,MODE] and
#                                mbps[ENV,MODE], REPS runs each
#   bench_rows / bench_print / bench_md   the table of medians and ratios
# The caller defines defN (the N of each ENV_MODE), modes, runc_prog (the
# program's path inside the runc rootfs) and prog_args MODE N (sets pargs[],
# its arguments).
# wake.sh and servers.sh use the helpers below the first group only.

usage() { echo "usage: $0 BUILD_DIR [--md FILE]" >&2; exit 2; }

bench_args() { # bench_args ARGS... -> build_dir, md
	build_dir="" md=""
	while [ $# -gt 0 ]; do
		case "$1" in
		--md) [ $# -ge 2 ] || usage; md="$2"; shift 2 ;;
		-h|--help) usage ;;
		*) [ -z "$build_dir" ] || usage; build_dir="$1"; shift ;;
		esac
	done
	[ -n "$build_dir" ] || usage
	[ -d "$build_dir" ] || { echo "$0: $build_dir: no such directory" >&2; exit 1; }
}

bench_srcdir=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)

# bench_build NAME [CFLAGS...] -> bin: BUILD_DIR/bench/NAME, compiled (the
# Makefile's flags) if missing or older than its source or the shared header.
bench_build() {
	local name=$1 src
	shift
	src=$bench_srcdir/$name.c
	mkdir -p "$build_dir/bench"
	bin="$build_dir/bench/$name"
	if [ ! -x "$bin" ] || [ "$src" -nt "$bin" ] || [ "$bench_srcdir/bench.h" -nt "$bin" ] ||
		[ "$bench_srcdir/timed.h" -nt "$bin" ] ||
		[ "$bench_srcdir/../src/common/timing.h" -nt "$bin" ]; then
		echo "building $bin" >&2
		${CC:-gcc} -static -O2 -std=gnu11 -Wall -Wextra -Werror \
			-I"$bench_srcdir/../src/common" "$@" -o "$bin" "$src"
	fi
	# Absolute: runsc do resolves relative paths against the cwd.
	bin=$(realpath -e "$bin")
}

nval() { # nval ENV MODE -> N, from N_ENV_MODE or the default
	local key="${1^^}_${2^^}" var
	var="N_$key"
	echo "${!var:-${defN[$key]}}"
}

# cvisor's hand-offs spin across CPUs: other busy processes skew it most.
busy() { # busy -> % of CPU time not idle over the next second
	local a b
	a=$(head -n1 /proc/stat) && sleep 1 && b=$(head -n1 /proc/stat)
	awk -v a="$a" -v b="$b" 'BEGIN { split(a, x); split(b, y); t = 0
		for (i = 2; i <= 9; i++) t += y[i] - x[i]
		idle = y[5] - x[5] + y[6] - x[6]; printf "%d", (t > 0 ? 100 * (t - idle) / t : 0) }'
}
busy_note() {
	local cpu_busy
	cpu_busy=$(busy)
	[ "$cpu_busy" -lt 20 ] ||
		echo "note: CPUs ${cpu_busy}% busy before starting: results will be noisy" >&2
}

loadavg() { cut -d' ' -f1-3 /proc/loadavg; } # the 1, 5 and 15 min load averages
first_line() { "$@" 2>/dev/null | head -n1 || true; } # head's SIGPIPE is no failure

# cvisor_columns BEFORE AFTER DO_ARGS... : envs=(native [cvisor-before]
# cvisor) and cmd[ENV], the command that runs a program there ("" natively);
# BEFORE (empty: none) and AFTER are cvisor binaries, DO_ARGS do's options.
cvisor_columns() {
	local before=$1 after=$2
	shift 2
	envs=(native)
	declare -gA cmd=([native]="")
	if [ -n "$before" ]; then
		[ -x "$before" ] || { echo "$0: $before: not executable" >&2; exit 1; }
		envs+=(cvisor-before) cmd[cvisor-before]="$(realpath "$before") do $* --"
	fi
	[ -x "$after" ] || { echo "$0: $after: not executable" >&2; exit 1; }
	envs+=(cvisor) cmd[cvisor]="$(realpath "$after") do $* --"
}

run_why() { # run_why STATUS -> how a run that gave no result ended
	case $1 in
	0) echo "no result line: " ;;
	124) echo "hung: killed after ${RUN_TIMEOUT} s " ;;
	12[5-7]) echo "timeout could not run it ($1) " ;;
	*) [ "$1" -gt 128 ] && echo "killed by signal $(($1 - 128)) ($(kill -l $(($1 - 128)))) " ||
		echo "exit status $1: " ;;
	esac
}

runsc_root=/tmp/runsc-bench-root
runc_root=/tmp/runc-bench-root

have_runsc() { command -v runsc >/dev/null && [ "$(id -u)" -eq 0 ]; }
have_runc() { command -v runc >/dev/null && command -v jq >/dev/null && [ "$(id -u)" -eq 0 ]; }

# bench_envs PREFIX: a throw-away runc bundle under BUILD_DIR/bench (the
# caller fills $bundle/rootfs), the runsc root, $cvisor and the EXIT trap
# that removes them.  PREFIX names the runc containers and the hostname.
bench_envs() {
	bench_prefix=$1
	cvisor=$(realpath "$build_dir/cvisor" 2>/dev/null || true)
	errf=$(mktemp)
	bundle=""
	trap bench_cleanup EXIT
	trap 'exit 130' INT TERM
	have_runc=""
	if have_runc; then
		bundle=$(mktemp -d "$(realpath "$build_dir")/bench/${bench_prefix}bundle.XXXXXX")
		mkdir -p "$bundle/rootfs"
		(cd "$bundle" && runc spec)
		mkdir -p "$runc_root"
		have_runc=1
	else
		echo "note: runc skipped (needs runc and jq in PATH and root)" >&2
	fi
	have_runsc=""
	if have_runsc; then
		mkdir -p "$runsc_root"
		have_runsc=1
	else
		echo "note: runsc skipped (needs runsc in PATH and root)" >&2
	fi
	[ -x "$cvisor" ] || echo "note: $build_dir/cvisor not found" >&2
}

bench_cleanup() {
	local id
	if [ -n "$bundle" ] && [ -d "$runc_root" ]; then # runs killed by timeout
		for id in $(runc --root "$runc_root" list -q 2>/dev/null |
			grep "^${bench_prefix}bench-$$-" || true); do
			runc --root "$runc_root" delete -f "$id" >/dev/null 2>&1 || true
		done
	fi
	[ -z "$bundle" ] || rm -rf "$bundle"
	rm -f "$errf"
}

runc_config() { # runc_config ARGS... : the process args of the bundle
	jq --args --arg h "${bench_prefix}bench" '.process.args = $ARGS.positional |
		.process.terminal = false | .root.readonly = true | .hostname = $h' "$@" \
		<"$bundle/config.json" >"$bundle/config.json.new"
	mv -f "$bundle/config.json.new" "$bundle/config.json"
}

# runsc do CMD: CMD in gVisor on the host root (ptrace platform)
runsc_do=(runsc --root "$runsc_root" --platform=ptrace --network=none "do")

# launch ENV MODE N REP : runs the program once in ENV (stdout = its line).
launch() {
	local env=$1 mode=$2 n=$3 rep=$4
	prog_args "$mode" "$n"
	case "$env" in
	native) timeout "$RUN_TIMEOUT" "$bin" "${pargs[@]}" ;;
	cvisor) timeout "$RUN_TIMEOUT" "$cvisor" "do" -- "$bin" "${pargs[@]}" ;;
	runsc) timeout "$RUN_TIMEOUT" "${runsc_do[@]}" "$bin" "${pargs[@]}" ;;
	runc) timeout "$RUN_TIMEOUT" runc --root "$runc_root" run --bundle "$bundle" \
		"${bench_prefix}bench-$$-$mode-$rep" ;;
	esac
}

# run_reps ENV MODE N : prints "median_ns median_MB/s" (MB/s is "-" unless
# the program printed one) of REPS runs, or "n/a n/a".  The output is read
# through a pipe: runsc writes to a regular-file stdout without moving the
# shared file offset, so never point it at a file.
run_reps() {
	local env=$1 mode=$2 n=$3 out ns=() mbs=() i
	for ((i = 0; i < REPS; i++)); do
		if ! out=$(launch "$env" "$mode" "$n" "$i" 2>"$errf") ||
			[[ ! "$out" =~ ^$mode\ ns_per_op\ ([0-9.]+)(\ MB/s\ ([0-9.]+))?$ ]]; then
			echo "warning: $env $mode N=$n failed: $(head -c 300 "$errf")" >&2
			echo "n/a n/a"
			return
		fi
		ns+=("${BASH_REMATCH[1]}")
		mbs+=("${BASH_REMATCH[3]:--}")
	done
	if [ "${mbs[0]}" = - ]; then
		echo "$(median "${ns[@]}") -"
	else
		echo "$(median "${ns[@]}") $(median "${mbs[@]}")"
	fi
}

median() { # median VALUES... -> the median, one decimal
	printf '%s\n' "$@" | sort -g |
		awk '{ v[NR] = $1 } END { m = (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2;
			printf "%.1f\n", m }'
}

ratio() { # ratio A B -> A/B, or n/a
	if [ "$1" = n/a ] || [ "$2" = n/a ]; then echo n/a; else
		awk -v a="$1" -v b="$2" 'BEGIN { r = b > 0 ? a / b : -1
			printf (r < 0 ? "n/a" : r < 0.1 ? "%.4f" : "%.2f"), r }'; fi
}

envs=(native cvisor runc runsc)

bench_run_all() { # fills med[ENV,MODE] and mbps[ENV,MODE]
	local mode env
	declare -gA med mbps
	for mode in "${modes[@]}"; do
		if [ -n "$have_runc" ]; then
			prog_args "$mode" "$(nval runc "$mode")"
			runc_config "$runc_prog" "${pargs[@]}"
		fi
		for env in "${envs[@]}"; do
			if { [ "$env" = cvisor ] && [ ! -x "$cvisor" ]; } ||
				{ [ "$env" = runc ] && [ -z "$have_runc" ]; } ||
				{ [ "$env" = runsc ] && [ -z "$have_runsc" ]; }; then
				med[$env,$mode]=n/a mbps[$env,$mode]=n/a
				continue
			fi
			echo "running $mode in $env (N=$(nval "$env" "$mode"), $REPS runs)" >&2
			read -r "med[$env,$mode]" "mbps[$env,$mode]" \
				< <(run_reps "$env" "$mode" "$(nval "$env" "$mode")")
		done
	done
}

header="mode|native|cvisor|runc|runsc|cvisor x native|runc x native|runsc x native|cvisor better than runsc by (x)"

bench_rows() { # -> rows[]: one "|"-separated row of medians and ratios a mode
	local mode n c r s cr sr
	rows=()
	for mode in "${modes[@]}"; do
		n=${med[native,$mode]} c=${med[cvisor,$mode]} r=${med[runc,$mode]} s=${med[runsc,$mode]}
		cr=$(ratio "$c" "$n") sr=$(ratio "$s" "$n")
		rows+=("$mode|$n|$c|$r|$s|$cr|$(ratio "$r" "$n")|$sr|$(ratio "$sr" "$cr")")
	done
}

nrow() { # the N of each environment for one mode
	echo "$1|$(nval native "$1")|$(nval cvisor "$1")|$(nval runc "$1")|$(nval runsc "$1")"
}

bench_info() { # bench_info TEXT -> info: TEXT and the machine and peers' versions
	local runsc_ver="" runc_ver=""
	[ -z "$have_runsc" ] || runsc_ver=$(first_line runsc --version)
	[ -z "$have_runc" ] || runc_ver=$(first_line runc --version)
	info="$1, $(nproc) CPUs, kernel $(uname -r)"
	[ -z "$runc_ver" ] || info="$info, $runc_ver"
	[ -z "$runsc_ver" ] || info="$info, $runsc_ver (ptrace)"
}

row() { printf '%-10s %10s %10s %10s %10s %9s %9s %9s %11s\n' "$@"; }

bench_print() { # the table of rows[] on stdout; then the caller's extra rows
	local r a b c d e f g h i
	echo "$info"
	echo "$legend"
	row mode native cvisor runc runsc "cv/nat" "runc/nat" "runsc/nat" "cv>runsc x"
	for r in "${rows[@]}"; do
		IFS='|' read -r a b c d e f g h i <<<"$r"
		row "$a" "$b" "$c" "$d" "$e" "$f" "$g" "$h" "$i"
	done
}

bench_print_n() { # bench_print_n TITLE : the N of each (mode, environment)
	local mode a b c d e
	echo "$1"
	for mode in "${modes[@]}"; do
		IFS='|' read -r a b c d e <<<"$(nrow "$mode")"
		printf '%-10s %10s %10s %10s %10s\n' "$a" "$b" "$c" "$d" "$e"
	done
}

bench_md() { # bench_md TITLE : the Markdown table of rows[] on stdout
	local r
	echo "# $1"
	echo
	echo "$info; ratios use medians; the last column is"
	echo "(runsc/native) / (cvisor/native). $legend."
	echo
	echo "| ${header//|/ | } |"
	echo "|---|--:|--:|--:|--:|--:|--:|--:|--:|"
	for r in "${rows[@]}"; do echo "| ${r//|/ | } |"; done
}

bench_md_n() { # bench_md_n TITLE : the N table in Markdown
	local mode r
	echo
	echo "$1"
	echo
	echo "| mode | native | cvisor | runc | runsc |"
	echo "|---|--:|--:|--:|--:|"
	for mode in "${modes[@]}"; do r=$(nrow "$mode"); echo "| ${r//|/ | } |"; done
}

# ---------- interleaved rounds (wake.sh, net.sh) ----------
# A script that starts a bench program once per (round, mode, environment):
#   rounds_args NAME "$@"     its options -> build_dir cv cv_before runs ms
#                             want_modes pin use_runsc (usage names NAME.sh)
#   rounds_setup NAME MODES.. modes[] (checked against MODES), envs[] and
#                             cmd[] (native, [cvisor-before], cvisor, [runsc]),
#                             pinning[], the result files, the load at start
#   rounds_run CSV_HEADER     RUNS rounds: each mode once in every environment,
#                             one after the other, so that a change of load
#                             falls on all alike; a failing (mode, env) is
#                             not tried again.  The caller defines
#                             round_cmd ENV MODE (sets rcmd[], the command) and
#                             round_parse MODE OUT (sets val, the value kept,
#                             and csv, the run's fields; fails on no result).
#                             -> vals[ENV,MODE], fail[ENV,MODE], med[ENV,MODE]
#   rounds_md LEFT HDR TEXT   $out_md: TEXT, the table of HDR and rows[] (the
#                             first LEFT columns left-aligned), the failures

rounds_usage() {
	echo "usage: bench/$rounds_name.sh [--cvisor PATH] [--cvisor-before PATH] [--runs N]" \
		"[--pin] [--ms MS] [--modes \"M ...\"] [--no-runsc] [BUILD_DIR]" >&2
	exit 2
}

rounds_args() {
	rounds_name=$1
	shift
	build_dir="" cv="" cv_before="" runs=5 pin="" ms=300 want_modes="" use_runsc=1
	while [ $# -gt 0 ]; do
		case "$1" in
		--cvisor) [ $# -ge 2 ] || rounds_usage; cv=$2; shift 2 ;;
		--cvisor-before) [ $# -ge 2 ] || rounds_usage; cv_before=$2; shift 2 ;;
		--runs) [[ "${2:-}" =~ ^[1-9][0-9]*$ ]] || rounds_usage; runs=$2; shift 2 ;;
		--ms) [[ "${2:-}" =~ ^[1-9][0-9]*$ ]] || rounds_usage; ms=$2; shift 2 ;;
		--modes) [ $# -ge 2 ] || rounds_usage; want_modes=$2; shift 2 ;;
		--pin) pin=1; shift ;;
		--no-runsc) use_runsc=""; shift ;;
		-*) rounds_usage ;;
		*) [ -z "$build_dir" ] || rounds_usage; build_dir=$1; shift ;;
		esac
	done
	build_dir=${build_dir:-build}
	[ -d "$build_dir" ] || { echo "$0: $build_dir: no such directory" >&2; exit 1; }
	RUN_TIMEOUT=${RUN_TIMEOUT:-20}
	cv=${cv:-$build_dir/cvisor}
}

rounds_setup() {
	local m
	shift
	if [ -n "$want_modes" ]; then read -ra modes <<<"$want_modes"; else modes=("$@"); fi
	for m in "${modes[@]}"; do
		[[ " $* " == *" $m "* ]] || { echo "$0: unknown mode $m" >&2; exit 2; }
	done
	# The columns, in the order each round runs them.
	cvisor_columns "$cv_before" "$cv"
	if [ -n "$use_runsc" ] && have_runsc; then
		mkdir -p "$runsc_root"
		envs+=(runsc) cmd[runsc]="${runsc_do[*]}"
	else
		echo "note: runsc left out" >&2
	fi
	pinning=() pin_text="unpinned"
	[ -z "$pin" ] || pinning=(taskset -c 0) pin_text="pinned to CPU 0 (taskset -c 0)"
	stamp=$(date -u +%Y%m%d-%H%M%S)${pin:+-pin}
	resdir=$bench_srcdir/results
	mkdir -p "$resdir"
	out_md=$resdir/$rounds_name-$stamp.md out_csv=$resdir/$rounds_name-$stamp.csv
	raw_csv=$resdir/$rounds_name-$stamp-runs.csv
	errf=$(mktemp)
	trap 'rm -f "$errf"' EXIT
	trap 'exit 130' INT TERM
	load_start=$(loadavg)
	started=$(date -u '+%Y-%m-%d %H:%M UTC')
	echo "load average at start: $load_start" >&2
	cmdline="bench/$rounds_name.sh --runs $runs --ms $ms${pin:+ --pin}${cv_before:+ --cvisor-before $cv_before} --cvisor $cv"
	[ -n "$use_runsc" ] || cmdline+=" --no-runsc"
	[ -z "$want_modes" ] || cmdline+=" --modes \"$want_modes\""
	runsc_ver=""
	[ -z "${cmd[runsc]+x}" ] || runsc_ver=", $(first_line runsc --version) (ptrace, --network=none)"
}

rounds_run() {
	local r mode env out
	declare -gA vals fail med # ENV,MODE -> the runs' values; the first failure; their median
	echo "$1" >"$raw_csv"
	for ((r = 1; r <= runs; r++)); do
		echo "round $r of $runs" >&2
		for mode in "${modes[@]}"; do
			for env in "${envs[@]}"; do
				[ -z "${fail[$env,$mode]:-}" ] || continue
				round_cmd "$env" "$mode"
				# A pipe, never a file: runsc writes to a regular-file
				# stdout without moving the shared offset.
				if out=$(timeout "$RUN_TIMEOUT" "${pinning[@]}" "${rcmd[@]}" 2>"$errf" | cat) &&
					round_parse "$mode" "$out"; then
					vals[$env,$mode]+=" $val"
					echo "$r,$mode,$env,$csv" >>"$raw_csv"
				else
					fail[$env,$mode]="$(run_why $?)$(head -n1 "$errf" | cut -c1-160)"
					fail[$env,$mode]=${fail[$env,$mode]%" "}
					echo "warning: $mode in $env failed: ${fail[$env,$mode]}" >&2
					echo "$r,$mode,$env,fail$(tr -cd , <<<"${1#*,*,*,}")" >>"$raw_csv"
				fi
			done
		done
	done
	load_end=$(loadavg)
	echo "load average at end: $load_end" >&2
	for mode in "${modes[@]}"; do
		for env in "${envs[@]}"; do
			if [ -n "${fail[$env,$mode]:-}" ] || [ -z "${vals[$env,$mode]:-}" ]; then
				med[$env,$mode]=n/a
			else
				# shellcheck disable=SC2086 # the values are numbers
				med[$env,$mode]=$(median ${vals[$env,$mode]})
			fi
		done
	done
}

failures_md() { # failures_md KEY... : the list of fail[ENV,KEY], if any, in Markdown
	local key env first=1
	for key in "$@"; do
		for env in "${envs[@]}"; do
			[ -n "${fail[$env,$key]:-}" ] || continue
			[ -z "$first" ] || { echo; echo "Failures (first error of each; not retried):"; echo; first=""; }
			echo "- $key in $env: ${fail[$env,$key]}"
		done
	done
}

rounds_md() {
	local left=$1 hdr=$2 r i
	shift 2
	{
		echo "\`$cmdline\`, $started, $(nproc) CPUs, kernel $(uname -r), $pin_text$runsc_ver."
		echo "Load average (1, 5, 15 min) at start: $load_start; at end: $load_end."
		printf '%s\n' "$@"
		echo
		echo "| ${hdr//|/ | } |"
		for ((i = 0; i < $(awk -F'|' '{ print NF }' <<<"$hdr"); i++)); do
			if [ "$i" -lt "$left" ]; then printf '|---'; else printf '|--:'; fi
		done
		echo '|'
		for r in "${rows[@]}"; do echo "| ${r//|/ | } |"; done
		failures_md "${modes[@]}"
	} >"$out_md"
	cat "$out_md"
	echo "wrote $out_md, $out_csv, $raw_csv" >&2
}
