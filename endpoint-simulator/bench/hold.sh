#!/usr/bin/env bash
# Starts the simulator with 60 s streams in its own JVM, holds STREAMS (10,000) of them open at once with
# hold.py, and prints the simulator's threads, RSS and CPU while it holds them (docs/simulator.md).
#   endpoint-simulator/bench/hold.sh [STREAMS]
# SIMULATOR: the command that runs `benchmark simulate` (default ./benchmark simulate, which builds on first use).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$root"
streams="${1:-10000}"
log="$(mktemp)"
ulimit -n "$(ulimit -Hn)"
${SIMULATOR:-./benchmark simulate} --port 0 --ttft 500ms --itl 1s --output-tokens 60 >"$log" 2>&1 &
pid=$!
trap 'kill "$pid" 2>/dev/null || true; rm -f "$log"' EXIT
url=""
for _ in $(seq 1 300); do
  url="$(grep -o 'http://[0-9.]*:[0-9]*' "$log" | head -n 1 || true)"
  [ -n "$url" ] && break
  sleep 0.2
done
[ -n "$url" ] || { echo "The simulator did not start: $(cat "$log")" >&2; exit 2; }
head -n 1 "$log"
python3 "$root/endpoint-simulator/bench/hold.py" "$url" "$pid" --streams "$streams" --max-tokens 60
