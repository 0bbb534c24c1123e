#!/usr/bin/env bash
# Measures a running simulator's ceiling with wrk (Debian: apt-get install wrk), keep-alive, POST.
# Usage: bench/ceiling.sh http://127.0.0.1:8080 [connections] [seconds]
set -euo pipefail
base=${1:?base URL of a running simulator, e.g. http://127.0.0.1:8080}
conns=${2:-50}
secs=${3:-10}
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
post() { # name body
  cat > "$dir/$1.lua" <<LUA
wrk.method = "POST"
wrk.body   = '$2'
wrk.headers["Content-Type"] = "application/json"
LUA
}
post invocation '{"instances":[[1.0,2.0,3.0]]}'
post chat '{"model":"m","max_tokens":16,"messages":[{"role":"user","content":"hello there"}]}'
post stream '{"model":"m","max_tokens":16,"stream":true,"stream_options":{"include_usage":true},"messages":[{"role":"user","content":"hello there"}]}'
wrk -t1 -c"$conns" -d2s -s "$dir/invocation.lua" "$base/invocations" > /dev/null  # warm-up
for run in "invocation /endpoints/ep/invocations" "chat /v1/chat/completions" "stream /v1/chat/completions"; do
  set -- $run
  printf '%-10s %s connections: ' "$1" "$conns"
  wrk -t1 -c"$conns" -d"${secs}s" -s "$dir/$1.lua" "$base$2" | awk '/Requests\/sec/ {rps=$2} /Latency/ {lat=$2} /Non-2xx/ {err=$0} END {print rps " requests/s, mean latency " lat (err ? ", " err : "")}'
done
