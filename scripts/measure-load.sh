#!/usr/bin/env bash
# Measures request throughput and latency of a running local backend (start it first with scripts/run-local.sh)
# with wrk (Debian: apt-get install wrk), on loopback only, for a bounded time per route.
#   BASE   backend address        (default http://127.0.0.1:7071)
#   SECONDS_PER_ROUTE             (default 10)
#   CONNECTIONS                   (default 32)
#   VERIFY_KEY                    (default empty: the local sample configures no verify key, so verify is open locally)
set -euo pipefail
base=${BASE:-http://127.0.0.1:7071}
seconds=${SECONDS_PER_ROUTE:-10}
connections=${CONNECTIONS:-32}
export VERIFY_KEY=${VERIFY_KEY:-}
case "$base" in
  http://127.0.0.1:*|http://localhost:*) ;;
  *) echo "Refusing to load anything but a loopback address: $base" >&2; exit 2 ;;
esac
command -v wrk >/dev/null || { echo "wrk is not installed (apt-get install wrk)." >&2; exit 2; }
curl -sf "$base/api/health" >/dev/null || { echo "No backend answers at $base; start scripts/run-local.sh." >&2; exit 2; }

json() { node -e "let s='';process.stdin.on('data',d=>s+=d).on('end',()=>console.log(JSON.parse(s)['$1']))"; }
challenge=$(curl -sf -X POST "$base/api/v1/challenge" -d '{"appId":"com.contoso.demo"}' | json challenge)
token=$(curl -sf -X POST "$base/api/v1/attest" \
  -d "{\"appId\":\"com.contoso.demo\",\"platform\":\"debug\",\"challenge\":\"$challenge\",\"evidence\":{\"debugToken\":\"local-debug-token\"}}" | json token)

lua=$(mktemp)
trap 'rm -f "$lua"' EXIT
cat >"$lua" <<'LUA'
wrk.method = os.getenv("METHOD")
if os.getenv("BODY") ~= "" then wrk.body = os.getenv("BODY") end
wrk.headers["Content-Type"] = "application/json"
if os.getenv("VERIFY_KEY") ~= "" then wrk.headers["x-functions-key"] = os.getenv("VERIFY_KEY") end
LUA

run() {
  echo "== $1 ($seconds s, $connections connections, 2 threads)"
  METHOD=${4:-POST} BODY="$3" wrk -t2 -c"$connections" -d"${seconds}s" --latency -s "$lua" "$base$2" | grep -E 'Requests/sec|Latency  |^ +50%|^ +99%|Non-2xx'
}

run "verify (token check; revocation from memory, no storage call)" /api/v1/verify "{\"token\":\"$token\"}"
run "verify of a malformed token (the same route's own speed)" /api/v1/verify '{"token":"a.b.c"}'
run "challenge (sealed, no storage)" /api/v1/challenge '{"appId":"com.contoso.demo"}'
run "health (answered from the last probe; storage probed at most every 5 s)" /api/health "" GET
