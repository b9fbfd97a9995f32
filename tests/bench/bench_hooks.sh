#!/bin/bash
# integration webhooks --fix on 500 repositories (none has a webhook yet)
# against a fake Bitbucket answering every request after 50 ms: the time,
# against the floor the concurrency allows (requests x 50 ms / 8 in flight).
# Usage: bench_hooks.sh BUILD_DIR
set -eu
build=${1:?usage: bench_hooks.sh BUILD_DIR}
case $build in /*) ;; *) build=$PWD/$build ;; esac
bin=$build/bbconsole
repos=${BENCH_HOOK_REPOS:-500}
latency=50
inflight=8

dir=$(mktemp -d "${TMPDIR:-/tmp}/bbhooks.XXXXXX")
fifo=$dir/stdin
mkfifo "$fifo"
"$build/fake_bitbucket" --email ops@bench.example --token ATATT3xFfGF0-bench-hooks \
	--workspaces 5 --repos-total "$repos" --latency $latency --idle 300 <"$fifo" >"$dir/port" &
fake=$!
exec 3>"$fifo" # the fake lives while this is open
trap 'exec 3>&-; wait $fake 2>/dev/null; rm -rf "$dir"' EXIT INT TERM
for _ in $(seq 50); do grep -q PORT "$dir/port" 2>/dev/null && break; sleep 0.1; done
port=$(sed -n 's/^PORT //p' "$dir/port")
export BBCONSOLE_DB="$dir/console.db" BBCONSOLE_USER=bench
export BBCONSOLE_BITBUCKET_API="http://127.0.0.1:$port/2.0"

"$bin" init --account Bench --webhook-base https://webhooks.bench.example >/dev/null
echo ATATT3xFfGF0-bench-hooks | "$bin" integration create --name "Hooks BB" --space root \
	--email ops@bench.example --token-stdin >/dev/null
awk -v n="$repos" 'BEGIN {
	for (i = 0; i < n; i++)
		printf "{\"name\":\"stack-%04d\",\"space\":\"root\",\"integration\":\"hooks-bb\",\"repository\":\"ws%d/repo-%05d\"}\n", i, i % 5, int(i / 5)
}' >"$dir/stacks.jsonl"
"$bin" stack import "$dir/stacks.jsonl" >/dev/null

# bash's /dev/tcp: no HTTP client needed for the fake's counters
stats() {
	exec 4<>"/dev/tcp/127.0.0.1/$port"
	printf 'GET /_stats HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n' >&4
	cat <&4
	exec 4<&-
}
requests() { stats | sed -n 's/.*"requests": \([0-9]*\).*/\1/p'; }

before=$(requests)
s=${EPOCHREALTIME/./}
status=0
"$bin" integration webhooks "Hooks BB" --fix >/dev/null 2>"$dir/err" || status=$?
e=${EPOCHREALTIME/./}
after=$(requests)
n=$((after - before))
ms=$(( (e - s) / 1000 ))
floor=$(( n * latency / inflight ))
max_inflight=$(stats | sed -n 's/.*"max_inflight": \([0-9]*\).*/\1/p')
echo "webhooks --fix, $repos repositories at $latency ms a request: $ms ms for $n requests" \
	"(floor $n x $latency ms / $inflight = $floor ms; ratio" \
	"$(awk -v a=$ms -v b=$floor 'BEGIN { printf "%.2f", b ? a / b : 0 }'); at most" \
	"$max_inflight in flight; exit $status)"
s=${EPOCHREALTIME/./}
"$bin" integration webhooks "Hooks BB" >/dev/null 2>&1 || status=$?
e=${EPOCHREALTIME/./}
n2=$(( $(requests) - after ))
echo "webhooks check afterwards: $(( (e - s) / 1000 )) ms for $n2 requests" \
	"(floor $(( n2 * latency / inflight )) ms; exit $status)"
[ "$status" -eq 0 ]
