#!/bin/sh
# A short fuzzing run of every target, starting from the seeds in
# tests/fuzz/corpus/<target minus fuzz_>. By default it is repeatable: a fixed
# seed and FUZZ_RUNS inputs (FUZZ_SECONDS caps the time), so `make check` gives
# the same answer twice; FUZZ_SEED=0 picks a random seed for longer hunts.
# New inputs go to a temporary directory, so the committed seeds stay as
# they are. Exits non-zero when a target crashes, leaks or trips a sanitizer.
set -eu
cd "$(dirname "$0")/../.."
sh tests/fuzz/build.sh
seconds=${FUZZ_SECONDS:-20}
runs=${FUZZ_RUNS:-300000}
seed=${FUZZ_SEED:-1}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
status=0
for bin in build/fuzz/fuzz_*; do
	name=$(basename "$bin")
	seeds=tests/fuzz/corpus/${name#fuzz_}
	mkdir -p "$work/$name"
	if "$bin" -seed="$seed" -runs="$runs" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 \
		-artifact_prefix="$work/" "$work/$name" "$seeds" >"$work/$name.log" 2>&1; then
		echo "ok   $name (seed $seed, $(sed -n 's/^Done \([0-9]*\) runs.*/\1/p' "$work/$name.log") runs)"
	else
		echo "FAIL $name"; tail -n 40 "$work/$name.log"
		# keep the input that failed, to replay: build/fuzz/fuzz_x FILE
		mkdir -p build/fuzz/crashes
		cp "$work"/crash-* "$work"/leak-* "$work"/timeout-* build/fuzz/crashes/ 2>/dev/null &&
			echo "    kept in build/fuzz/crashes/: $(ls build/fuzz/crashes | tr '\n' ' ')"
		status=1
	fi
done
exit $status
