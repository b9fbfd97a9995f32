#!/bin/sh
# Runs every benchmark and prints its figures.
# Usage: run.sh BUILD_DIR   (e.g. build/release)
# Scripts tests/bench/bench_*.sh get BUILD_DIR as their argument; programs
# BUILD_DIR/tests/bench/bench_* (built from tests/bench/bench_*.c) get it too.
build=${1:?usage: run.sh BUILD_DIR}
here=$(dirname "$0")
status=0
for script in "$here"/bench_*.sh; do
	[ -f "$script" ] || continue
	echo "== $(basename "$script" .sh)"
	bash "$script" "$build" || status=1
done
for prog in "$build"/tests/bench/bench_*; do
	[ -f "$prog" ] && [ -x "$prog" ] || continue
	case $prog in *.o|*.d) continue ;; esac
	echo "== $(basename "$prog")"
	"$prog" "$build" || status=1
done
exit $status
