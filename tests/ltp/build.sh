#!/usr/bin/env bash
# Build and install LTP's system-call tests out of the source tree.
#
# usage: build.sh LTP_SRC BUILD_DIR
#
# Copies LTP_SRC to BUILD_DIR/src (LTP builds in its source tree), runs its
# autotools and configure, builds lib/ and testcases/kernel/syscalls, and
# installs them with the runtest files in BUILD_DIR/inst/opt/ltp, the
# LTPROOT that run.sh takes.  About 6 minutes on 2 busy CPUs; a second call
# with an unchanged LTP_SRC only re-runs make.
set -euo pipefail

[ $# -eq 2 ] || { echo "usage: $0 LTP_SRC BUILD_DIR" >&2; exit 2; }
src=$(cd "$1" && pwd)
build=$2
[ -f "$src/configure.ac" ] && [ -d "$src/testcases/kernel/syscalls" ] ||
	{ echo "$0: $src is not an LTP source tree" >&2; exit 2; }
mkdir -p "$build"
build=$(cd "$build" && pwd)
log=$build/build.log
: >"$log"
echo "ltp: building $src in $build/src (log: $log)"

# cp -u: a rebuild copies only what changed in LTP_SRC.
mkdir -p "$build/src"
cp -a -u "$src/." "$build/src/"
cd "$build/src"
run() { nice -n 10 "$@" >>"$log" 2>&1 || { tail -n 20 "$log" >&2; exit 1; }; }
[ -x configure ] || run make autotools
[ -f include/config.h ] || run ./configure
run make -j2 -C lib
run make -j2 -C testcases/kernel/syscalls
run make -C testcases/kernel/syscalls install DESTDIR="$build/inst"
mkdir -p "$build/inst/opt/ltp"
cp -a runtest "$build/inst/opt/ltp/"
echo "ltp: installed in $build/inst/opt/ltp"
