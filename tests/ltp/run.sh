#!/usr/bin/env bash
# Run LTP tests natively and under `cvisor do`, and tabulate both.
#
# usage: run.sh [-j JOBS] [-t SECONDS] [-o OUTDIR] [-f REGEX] [-x REGEX] LTPROOT RUNTEST [CVISOR]
#
# LTPROOT is an installed LTP tree (LTPROOT/testcases/bin holds the test
# programs; `make -C testcases/kernel/syscalls install DESTDIR=D` puts it in
# D/opt/ltp).  RUNTEST is an LTP runtest file ("TAG COMMAND ARGS..." lines,
# e.g. runtest/syscalls).  Each test runs as `sh -c COMMAND`, as LTP's own
# runners run it, first natively, then in `cvisor do` (if CVISOR is given),
# as root both times, each bounded by SECONDS (default 60) and with its own
# TMPDIR under OUTDIR/tmp (passed to the sandbox with --rw).  JOBS tests
# (default 2) run at once; a test's native and sandboxed runs never overlap.
# -f REGEX keeps only the tags that match it (bash =~); -x REGEX leaves out
# the tags that match it, by default the tests that set the host's clock or
# swap, which other users of the machine would see (empty: run everything).
#
# Writes OUTDIR (default ./ltp-out): logs/TAG.native, logs/TAG.cvisor,
# results.tsv (one line per test) and table.md; prints the totals.
set -u

usage() {
	echo "usage: $0 [-j JOBS] [-t SECONDS] [-o OUTDIR] [-f REGEX] [-x REGEX] LTPROOT RUNTEST [CVISOR]" >&2
	exit 2
}

# LTP's exit status is an OR of these bits (include/tst_res_flags.h).
TFAIL=1 TBROK=2 TWARN=4 TCONF=32

# counts LOG: "pass fail broken skip" from LTP's "Summary:" block, or from
# the TPASS/TFAIL/TBROK/TCONF lines of tests that print no summary.
counts() {
	local log=$1
	if grep -q '^Summary:' "$log"; then
		awk '/^passed /{p=$2} /^failed /{f=$2} /^broken /{b=$2}
		     /^skipped /{s=$2} END{printf "%d %d %d %d", p, f, b, s}' "$log"
	else
		awk '/TPASS/{p++} /TFAIL/{f++} /TBROK/{b++} /TCONF/{s++}
		     END{printf "%d %d %d %d", p, f, b, s}' "$log"
	fi
}

# verdict STATUS LOG: one word for a run.
#   pass: exit 0; conf: only TCONF (exit 32); timeout: killed by the bound;
#   sandbox: cvisor itself failed (125, or a sentry message); fail: the rest.
verdict() {
	local st=$1 log=$2
	if [ "$st" -eq 124 ] || [ "$st" -eq 137 ]; then
		echo timeout
	elif grep -Eq '^cvisor: (sentry|internal|fatal)|sentry (died|crashed)' "$log"; then
		echo sandbox
	elif [ "$st" -eq 0 ]; then
		echo pass
	elif [ "$st" -eq "$TCONF" ]; then
		echo conf
	elif [ "$st" -eq 125 ]; then
		echo sandbox
	else
		echo fail
	fi
}

# first_failure LOG: the first line that tells why a run failed.
first_failure() {
	grep -m1 -E 'TFAIL|TBROK|TWARN|Segmentation|Killed|cvisor:' "$1" |
		grep -v 'unsupported syscall' | cut -c1-200 | tr '\t' ' '
}

# unsupported LOG: the sentry's "unsupported syscall NAME" reports, joined.
unsupported() {
	sed -n 's/^cvisor: unsupported syscall \([^ ]*\).*/\1/p' "$1" | sort -u |
		paste -sd, -
}

# one TAG COMMAND: run one test both ways, print its results.tsv line.
one() {
	local tag=$1 cmd=$2 mode st log work fields
	fields=$tag
	for mode in native cvisor; do
		[ "$mode" = cvisor ] && [ -z "$CVISOR" ] && continue
		work=$OUT/tmp/$tag.$mode
		log=$OUT/logs/$tag.$mode
		rm -rf "$work" && mkdir -p "$work" && chmod 777 "$work"
		local envs=(LTPROOT="$LTPROOT" TMPDIR="$work"
			PATH="$LTPROOT/testcases/bin:/usr/sbin:/usr/bin:/sbin:/bin")
		# `; exit $?` keeps sh from exec'ing the test: in the sandbox the
		# test would otherwise be pid 1, and LTP's library takes a parent
		# pid of 1 to mean that its main process died.
		local script="cd \"\$TMPDIR\" && $cmd; exit \$?"
		if [ "$mode" = native ]; then
			timeout -k 5 "$SECS" env "${envs[@]}" /bin/sh -c "$script" \
				</dev/null >"$log" 2>&1
		else
			timeout -k 5 "$SECS" "$CVISOR" do --rw "$work" -- \
				/usr/bin/env "${envs[@]}" /bin/sh -c "$script" \
				</dev/null >"$log" 2>&1
		fi
		st=$?
		rm -rf "$work"
		local v c
		v=$(verdict "$st" "$log")
		c=$(counts "$log")
		fields+=$'\t'"$v"$'\t'"$st"$'\t'"${c// /\/}"
		if [ "$mode" = cvisor ]; then
			fields+=$'\t'"$(unsupported "$log")"
			if [ "$v" != pass ] && [ "$v" != conf ]; then
				fields+=$'\t'"$(first_failure "$log")"
			else
				fields+=$'\t'
			fi
		fi
	done
	printf '%s\n' "$fields"
}

JOBS=2 SECS=60 OUT=$PWD/ltp-out FILTER=
# leapsec01 sets the host's clock to 23:59:5x to insert a leap second natively
EXCLUDE='^(adjtimex|clock_adjtime|clock_settime|leapsec|settimeofday|stime|swapon|swapoff)'
if [ "${1:-}" = --one ]; then
	# Internal: one test, called in parallel by xargs below.
	LTPROOT=$2 CVISOR=$3 SECS=$4 OUT=$5
	one "$6" "$7"
	exit 0
fi
while getopts j:t:o:f:x: opt; do
	case $opt in
	j) JOBS=$OPTARG ;;
	t) SECS=$OPTARG ;;
	o) OUT=$OPTARG ;;
	f) FILTER=$OPTARG ;;
	x) EXCLUDE=$OPTARG ;;
	*) usage ;;
	esac
done
shift $((OPTIND - 1))
[ $# -ge 2 ] && [ $# -le 3 ] || usage
LTPROOT=$(cd "$1" && pwd) || exit 2
RUNTEST=$2
CVISOR=${3:+$(realpath "$3")}
[ -d "$LTPROOT/testcases/bin" ] || { echo "$0: no $LTPROOT/testcases/bin" >&2; exit 2; }
[ -r "$RUNTEST" ] || { echo "$0: cannot read $RUNTEST" >&2; exit 2; }
[ -z "$CVISOR" ] || [ -x "$CVISOR" ] || { echo "$0: $CVISOR is not executable" >&2; exit 2; }
mkdir -p "$OUT/logs" "$OUT/tmp" || exit 2
OUT=$(cd "$OUT" && pwd)

# TAG and COMMAND of each runnable line, NUL-separated for xargs.
awk '!/^[ \t]*(#|$)/ { tag = $1; sub(/^[ \t]*[^ \t]+[ \t]+/, "");
	printf "%s%c%s%c", tag, 0, $0, 0 }' "$RUNTEST" |
	while IFS= read -r -d '' t && IFS= read -r -d '' c; do
		[ -n "$FILTER" ] && ! [[ $t =~ $FILTER ]] && continue
		[ -n "$EXCLUDE" ] && [[ $t =~ $EXCLUDE ]] && continue
		printf '%s\0%s\0' "$t" "$c"
	done |
	xargs -0 -n 2 -P "$JOBS" "$0" --one "$LTPROOT" "$CVISOR" "$SECS" "$OUT" \
	>"$OUT/results.unsorted"
sort "$OUT/results.unsorted" >"$OUT/results.tsv"
rm -f "$OUT/results.unsorted"
rmdir "$OUT/tmp" 2>/dev/null

# The table: every test, and the totals by verdict.
{
	echo "| test | native | cvisor | cvisor's first failure | unsupported |"
	echo "|---|---|---|---|---|"
	awk -F'\t' '{ printf "| %s | %s %s (%s) | %s %s (%s) | %s | %s |\n",
		$1, $2, $3, $4, $5, $6, $7, $9, $8 }' "$OUT/results.tsv"
	echo
	echo "counts are passed/failed/broken/skipped from LTP's summary"
} >"$OUT/table.md"
awk -F'\t' '{ n[$2]++; if ($5 != "") c[$5]++;
	if ($2 == "pass" && $5 != "" && $5 != "pass") lost++ }
	END { printf "native:"; for (v in n) printf " %s %d", v, n[v]; print "";
	      if (length(c)) { printf "cvisor:"; for (v in c) printf " %s %d", v, c[v];
	      print ""; printf "pass natively, not in cvisor: %d\n", lost } }' \
	"$OUT/results.tsv"
echo "table: $OUT/table.md"
