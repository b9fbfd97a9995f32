#!/bin/sh
# Builds the libFuzzer targets (tests/fuzz/fuzz_*.c) into build/fuzz/ with
# clang: -fsanitize=fuzzer,address,undefined. Run one with its seeds, e.g.
#   build/fuzz/fuzz_parse -max_total_time=60 tests/fuzz/corpus/parse
set -eu
cd "$(dirname "$0")/../.."
CC=${FUZZ_CC:-clang}
out=build/fuzz
mkdir -p "$out"
flags="-std=c11 -D_GNU_SOURCE -DBB_VERSION=\"fuzz\" -g -O1 -fno-omit-frame-pointer"
flags="$flags -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined"
flags="$flags -Icore $(pkg-config --cflags libcjson sqlite3)"
libs="$(pkg-config --libs libcjson)"
# the parsers and the few core files they lean on
core="core/bitbucket_parse.c core/delivery_parse.c core/validate.c core/util.c core/strlist.c core/privs.c core/error.c"
for t in tests/fuzz/fuzz_*.c; do
	name=$(basename "$t" .c)
	# shellcheck disable=SC2086
	$CC $flags "$t" $core -o "$out/$name" $libs
	echo "built $out/$name"
done
