#!/bin/sh
# Runs every screen test binary N times in a row and prints, per binary, how
# many runs passed and failed (and which test cases failed), then a total.
# Meant for a loaded machine: a test that fails once in twenty is broken.
# Usage: tests/soak.sh N BUILD_DIR TEST...
n=$1 build=$2
shift 2
export BBCONSOLE_BIN="$PWD/$build/bbconsole"
export BBCONSOLE_FAKE="$PWD/$build/fake_bitbucket"
export BBCONSOLE_SRC="$PWD"
export ASAN_OPTIONS="detect_leaks=1:abort_on_error=0:halt_on_error=1:${ASAN_OPTIONS:-}"
export UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1:${UBSAN_OPTIONS:-}"
export LSAN_OPTIONS="suppressions=$PWD/tests/lsan.supp:print_suppressions=0"
log=$(mktemp)
fails=$(mktemp)
total_p=0 total_f=0
for t in "$@"; do
	p=0 f=0
	: >"$fails"
	i=0
	while [ "$i" -lt "$n" ]; do
		i=$((i + 1))
		if "$t" >"$log" 2>&1 && grep -q '^\[  PASSED  \]' "$log" &&
			! grep -q '^\[  FAILED  \]' "$log"; then
			p=$((p + 1))
		else
			f=$((f + 1))
			sed -n 's/^\[  FAILED  \] \([a-z_0-9]*\)$/\1/p' "$log" >>"$fails"
			cp "$log" "$log.$(basename "$t").$i"
			echo "    run $i failed; its output: $log.$(basename "$t").$i"
		fi
	done
	cases=$(sort "$fails" | uniq -c | awk '{printf " %s x%s", $2, $1}')
	echo "$(basename "$t"): $p passed, $f failed${cases:+ (}${cases# }${cases:+)}"
	total_p=$((total_p + p)) total_f=$((total_f + f))
done
rm -f "$log" "$fails"
echo "soak of $n runs each: $total_p passed, $total_f failed"
[ "$total_f" -eq 0 ]
