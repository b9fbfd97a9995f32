#!/bin/bash
# The listings scripts and the console ask for most, on a large account:
# 1,000 integrations and 100,000 stacks (imported with `stack import`).
# Prints the median of several runs of each; the target is under 50 ms.
# Usage: bench_cli.sh BUILD_DIR
set -eu
build=${1:?usage: bench_cli.sh BUILD_DIR}
case $build in /*) ;; *) build=$PWD/$build ;; esac
bin=$build/bbconsole
integrations=${BENCH_INTEGRATIONS:-1000}
stacks=${BENCH_STACKS:-100000}
runs=${BENCH_RUNS:-7}
target_ms=50

dir=$(mktemp -d "${TMPDIR:-/tmp}/bbbench.XXXXXX")
trap 'rm -rf "$dir"' EXIT INT TERM
export BBCONSOLE_DB="$dir/console.db" BBCONSOLE_USER=bench
unset BBCONSOLE_NOW

# bash's clock, not date(1): spawning a process would be timed with the command
now_ns() { local t=${EPOCHREALTIME/./}; echo "${t}000"; }
ms_since() { local end; end=$(now_ns); echo "$1 $end" | awk '{ printf "%.1f", ($2 - $1) / 1e6 }'; }

"$bin" init --account Bench --webhook-base https://webhooks.bench.example --plan business \
	>/dev/null

start=$(now_ns)
i=0
while [ $i -lt "$integrations" ]; do
	printf 'ATATT3xFfGF0-bench-%d\n' $i | "$bin" integration create --name "Integration $i" \
		--space root --email "ops$i@bench.example" --token-stdin --label bench \
		--label "group-$((i % 10))" >/dev/null
	i=$((i + 1))
done
echo "seeding: $(ms_since "$start") ms ($integrations integrations, one process each)"

awk -v n="$stacks" -v k="$integrations" 'BEGIN {
	for (i = 0; i < n; i++)
		printf "{\"kind\":\"%s\",\"name\":\"stack-%06d\",\"space\":\"root\",\"integration\":\"integration-%d\",\"repository\":\"acme/repo-%d\",\"branch\":\"main\"}\n", (i % 10 ? "stack" : "module"), i, i % k, i
}' >"$dir/stacks.jsonl"
start=$(now_ns)
"$bin" stack import "$dir/stacks.jsonl" >/dev/null
echo "stack import: $(ms_since "$start") ms ($stacks stacks and modules)"

# median of $runs runs of a command (output discarded), in ms; the clock is
# read in this shell, so no process start is timed but the command's own
median() {
	local r=0 s e
	while [ $r -lt "$runs" ]; do
		s=${EPOCHREALTIME/./}
		"$@" >/dev/null
		e=${EPOCHREALTIME/./}
		echo $((e - s))
		r=$((r + 1))
	done | sort -n | awk '{ v[NR] = $1 } END { printf "%.1f\n", v[int((NR + 1) / 2)] / 1000 }'
}

report() { # label ms count what
	verdict=$(echo "$2" | awk -v t=$target_ms '{ print ($1 < t) ? "ok" : "OVER TARGET" }')
	echo "$1: $2 ms ($3 $4; target < $target_ms ms: $verdict)"
}

got=$("$bin" integration list --json | grep -c '^{' || true)
[ "$got" -eq "$integrations" ] || { echo "integration list --json gave $got objects" >&2; exit 1; }
got=$("$bin" stack list --json | grep -c '^{' || true)
[ "$got" -eq "$stacks" ] || { echo "stack list --json gave $got objects" >&2; exit 1; }

report "integration list --json" "$(median "$bin" integration list --json)" \
	"$integrations" integrations
report "stack list --json" "$(median "$bin" stack list --json)" "$stacks" stacks
echo "stack list (aligned table, no target): $(median "$bin" stack list) ms ($stacks stacks)"
