#!/bin/sh
# A short fuzzing run of every target (default 20 s each; FUZZ_SECONDS to
# change), starting from the seeds in tests/fuzz/corpus/<target minus fuzz_>.
# New inputs go to a temporary directory, so the committed seeds stay as
# they are. Exits non-zero when a target crashes, leaks or trips a sanitizer.
set -eu
cd "$(dirname "$0")/../.."
sh tests/fuzz/build.sh
seconds=${FUZZ_SECONDS:-20}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
status=0
for bin in build/fuzz/fuzz_*; do
	name=$(basename "$bin")
	seeds=tests/fuzz/corpus/${name#fuzz_}
	mkdir -p "$work/$name"
	if "$bin" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 \
		-artifact_prefix="$work/" "$work/$name" "$seeds" >"$work/$name.log" 2>&1; then
		echo "ok   $name ($(grep -c . "$work/$name.log") log lines, ${seconds}s)"
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
