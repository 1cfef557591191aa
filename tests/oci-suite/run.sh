#!/bin/bash
# One pass of the OCI runtime-tools validation suite with one runtime:
#
#   tests/oci-suite/run.sh SUITE RUNTIME OUTDIR
#
# SUITE is a built checkout of opencontainers/runtime-tools (docs/
# compatibility.md, "How to reproduce": validation/X/X.t and runtimetest
# built); every validation/X/X.t runs from SUITE's root with
# RUNTIME=RUNTIME and a 60 s limit, its TAP output in OUTDIR/X.tap and its
# stderr and exit code in OUTDIR/X.err.  Run it as root, holding
# /tmp/cvisor-heavy.lock (it writes cgroups).
set -u
suite=$1 rt=$2 out=$3
mkdir -p "$out"
out=$(realpath "$out")
cd "$suite" || exit 1
for t in validation/*/*.t; do
	x=$(basename "$t" .t)
	RUNTIME=$rt timeout 60 "$t" >"$out/$x.tap" 2>"$out/$x.err"
	echo "rc=$?" >>"$out/$x.err"
done
