#!/bin/bash
# The webhook receiver under load: wrk at 64 connections posting the recorded
# signed 14.5 KB repo:push body (a fresh X-Request-UUID each time) to
# `bbconsole serve`, and, in the same run, to nginx answering a static 204 on
# loopback. Every delivery is verified, parsed and committed (with its run)
# before its 202. Target: at least 0.05x nginx's requests per second, no
# non-2xx answer, p99 under 50 ms, peak RSS under 32 MB.
# Usage: bench_serve.sh BUILD_DIR
set -eu
build=${1:?usage: bench_serve.sh BUILD_DIR}
case $build in /*) ;; *) build=$PWD/$build ;; esac
here=$(cd "$(dirname "$0")" && pwd)
bin=$build/bbconsole
seconds=${BENCH_SECONDS:-10}
conns=${BENCH_CONNECTIONS:-64}
body=$here/../data/webhooks/push_signed.json

for p in wrk nginx openssl; do
	command -v $p >/dev/null || { echo "bench_serve: $p is missing (make bench installs it)"; exit 1; }
done
dir=$(mktemp -d "${TMPDIR:-/tmp}/bbserve.XXXXXX")
serve_pid="" nginx_pid=""
cleanup() {
	[ -n "$serve_pid" ] && kill "$serve_pid" 2>/dev/null
	[ -n "$nginx_pid" ] && kill "$nginx_pid" 2>/dev/null
	wait 2>/dev/null
	rm -rf "$dir"
}
trap cleanup EXIT INT TERM
export BBCONSOLE_DB="$dir/console.db" BBCONSOLE_USER=bench
unset BBCONSOLE_NOW

"$bin" init --account Bench --webhook-base https://webhooks.bench.example >/dev/null
echo ATATT3xFfGF0-bench | "$bin" integration create --name "Bench BB" --default \
	--email ops@bench.example --token-stdin >/dev/null
"$bin" stack create web --space root --integration bench-bb \
	--repository nfalco79/test-repos >/dev/null
secret=$("$bin" integration show bench-bb --reveal-secret --json |
	sed -n 's/.*"webhook_secret":[^"]*"\([0-9a-f]*\)".*/\1/p')
endpoint=$("$bin" integration show bench-bb --json |
	sed -n 's/.*"webhook_endpoint":[^"]*"\([^"]*\)".*/\1/p')
export BENCH_BODY=$body BENCH_PATH=/${endpoint#https://*/}
BENCH_SIG="sha256=$(openssl dgst -sha256 -hmac "$secret" -hex <"$body" | awk '{print $NF}')"
export BENCH_SIG

# a free port for nginx
port=$((20000 + RANDOM % 20000))
while (: </dev/tcp/127.0.0.1/$port) 2>/dev/null; do port=$((port + 1)); done
mkdir -p "$dir/nginx"
cat >"$dir/nginx/nginx.conf" <<CONF
daemon off;
worker_processes 2;
pid $dir/nginx/nginx.pid;
error_log $dir/nginx/error.log;
events { worker_connections 1024; }
http {
	access_log off;
	client_body_temp_path $dir/nginx;
	server {
		listen 127.0.0.1:$port;
		location / { return 204; }
	}
}
CONF
nginx -c "$dir/nginx/nginx.conf" -p "$dir/nginx" &
nginx_pid=$!

"$bin" serve --listen 127.0.0.1:0 2>"$dir/serve.log" &
serve_pid=$!
for _ in $(seq 100); do
	grep -q 'listening on' "$dir/serve.log" 2>/dev/null && break
	sleep 0.05
done
serve_port=$(sed -n 's/.*listening on 127.0.0.1:\([0-9]*\).*/\1/p' "$dir/serve.log")
[ -n "$serve_port" ] || { echo "bench_serve: serve did not start"; cat "$dir/serve.log"; exit 1; }

# a figure from wrk --latency output: rps, p99 (ms), non-2xx count
rps_of() { awk '/^Requests\/sec:/ {print $2}' "$1"; }
p99_of() {
	awk '$1 == "99%" { v = $2; u = v; sub(/[0-9.]+/, "", u); sub(/[a-z]+$/, "", v);
		if (u == "us") v /= 1000; else if (u == "s") v *= 1000; printf "%.2f", v }' "$1"
}
bad_of() { awk '/Non-2xx or 3xx responses:/ {print $5}' "$1" | grep . || echo 0; }

wrk -t2 -c"$conns" -d"${seconds}s" --latency "http://127.0.0.1:$port/" >"$dir/nginx.out"
wrk -t2 -c"$conns" -d"${seconds}s" --latency -s "$here/serve_post.lua" \
	"http://127.0.0.1:$serve_port" >"$dir/serve.out"
peak_kb=$(awk '/^VmHWM:/ {print $2}' "/proc/$serve_pid/status")
kill -TERM "$serve_pid"
wait "$serve_pid" || { echo "bench_serve: serve did not exit 0 on SIGTERM"; exit 1; }
serve_pid=""

nginx_rps=$(rps_of "$dir/nginx.out") serve_rps=$(rps_of "$dir/serve.out")
# each accepted push makes one run, and runs outlive the retention of deliveries
answered=$(awk '/requests in/ {print $1}' "$dir/serve.out")
runs=$("$bin" run list --json | grep -c '"id":' || true)
kept=$("$bin" deliveries bench-bb --limit 1000000 --json | grep -c '"id":' || true)
echo "nginx static 204:  $nginx_rps req/s, p99 $(p99_of "$dir/nginx.out") ms"
echo "serve deliveries:  $serve_rps req/s, p99 $(p99_of "$dir/serve.out") ms," \
	"non-2xx $(bad_of "$dir/serve.out"), peak RSS $((peak_kb / 1024)) MB"
echo "recorded:          $runs runs for $answered answers counted by wrk;" \
	"$kept deliveries kept (retention: the newest 1000)"
awk -v s="$serve_rps" -v n="$nginx_rps" -v p="$(p99_of "$dir/serve.out")" \
	-v bad="$(bad_of "$dir/serve.out")" -v rss="$peak_kb" 'BEGIN {
	r = s / n
	printf "ratio serve/nginx: %.3f (target >= 0.05)\n", r
	ok = r >= 0.05 && p < 50 && bad == 0 && rss < 32 * 1024
	print ok ? "targets: met" : "targets: MISSED"
}'
