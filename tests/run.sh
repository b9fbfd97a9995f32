#!/bin/sh
# Runs test binaries and ends with one line: "N passed, M failed".
# Each binary is a cmocka suite; one that crashes or prints no summary counts
# as one failure. Usage: run.sh BUILD_DIR TEST...
build=$1; shift
export BBCONSOLE_BIN="$PWD/$build/bbconsole"
export BBCONSOLE_FAKE="$PWD/$build/fake_bitbucket"
export BBCONSOLE_SRC="$PWD"
export ASAN_OPTIONS="detect_leaks=1:abort_on_error=0:halt_on_error=1:${ASAN_OPTIONS:-}"
export UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1:${UBSAN_OPTIONS:-}"
export LSAN_OPTIONS="suppressions=$PWD/tests/lsan.supp:print_suppressions=0"
passed=0 failed=0
log=$(mktemp)
for t in "$@"; do
	"$t" >"$log" 2>&1
	status=$?
	p=$(sed -n 's/^\[  PASSED  \] \([0-9]*\) test.*/\1/p' "$log" | tail -n 1)
	f=$(sed -n 's/^\[  FAILED  \] \([0-9]*\) test.*/\1/p' "$log" | tail -n 1)
	p=${p:-0}; f=${f:-0}
	if [ "$status" -ne 0 ] && [ "$f" -eq 0 ]; then f=1; fi
	if [ "$status" -ne 0 ] || [ "$f" -ne 0 ]; then
		echo "FAIL $t (exit $status)"
		# what failed first (a failed test may leak its fixtures after), then the end
		grep -E -B 12 '^\[ +(ERROR|FAILED) +\]' "$log" | grep -v '^ *#' | head -n 80 |
			sed 's/^/    /'
		echo "    ..."
		sed 's/^/    /' "$log" | tail -n 30
	else
		echo "ok   $t ($p)"
	fi
	passed=$((passed + p)); failed=$((failed + f))
done
rm -f "$log"
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
