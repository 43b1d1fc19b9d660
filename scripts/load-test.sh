#!/usr/bin/env bash
# Loads a local backend with virtual devices (tools/Attestation.LoadTest) and checks the contract's invariants under load:
#   scripts/load-test.sh [load|fault|soak] [-- extra options for the tool, e.g. --verifies-per-token 5 --consume-share 1]
# (the script sets --url, --devices, --duration, --rate and --report itself: use PORT, DEVICES, DURATION, RATE, REPORT)
#
#   load   (default) DURATION (30s) of closed-loop load; per route requests/s and p50/p95/p99, every non-2xx by status
#          and code. Fails on any 5xx but 503, a 503 without Retry-After, a request without answer, a refusal of a
#          correct flow, a wrong verify answer, or an attested device that cannot refresh afterwards.
#   fault  the same for DURATION (45s), and after a third of it stops Azurite (SIGTERM), keeps loading for OUTAGE (10)
#          seconds, starts it again on the same port with the same data, and keeps loading. Fails also when a route that
#          failed during the outage has no 2xx within RECOVERY_LIMIT (10s) of Azurite listening again, or fails later
#          than that, or when the backend process did not survive (it is never restarted).
#   soak   constant RATE (50 requests/s) for DURATION (10m); samples the backend's resident set (VmRSS) after WARMUP (30)
#          seconds, every SAMPLE_EVERY (30) seconds, and at the end; fails when the end differs from the start by more
#          than 10% (or on any invariant above).
#
# It builds the local host and the load test in CONFIGURATION (Release), starts its own Azurite table service with its
# data in a temporary folder (kept across the fault's restart, deleted at exit), and serves the backend with the settings
# of SETTINGS (local.settings.sample.json) on PORT (default: a free port), registering one generated debug token per
# virtual device (up to 100) so that each device has its own device id. Everything it started is stopped at exit.
#   DEVICES         virtual devices (default 16)
#   AZURITE_PORT    Azurite's table port (default: a free one). If an Azurite already answers there it is reused (not in
#                   fault mode); its apps table then decides the debug tokens, so every device uses local-debug-token.
#   AZURITE         the azurite-table executable (default node_modules/.bin/azurite-table, installed by npm ci if missing)
#   FAULT_SIGNAL    how fault mode stops Azurite: TERM (default, a clean stop) or KILL (a crash: what Azurite had not
#                   saved yet may be lost, and a device lost that way is the emulator's loss, not the backend's)
#   REPORT          text (default) or json: the tool's report, alone on standard output (the script's own lines, the fault
#                   timeline and the soak's memory samples go to standard error)
#   TIMELINE        a file to keep every request in, as CSV (route, start in unix ms, latency, status, code)
set -euo pipefail
cd "$(dirname "$0")/.."
# The tool's report alone goes to standard output (fd 3), so that REPORT=json can be piped; everything else to standard error.
exec 3>&1 1>&2

mode=load
if [[ $# -gt 0 && $1 != "--" ]]; then
  mode=$1
  shift
fi
[[ ${1:-} == "--" ]] && shift
case "$mode" in
  load) duration=${DURATION:-30s}; rate=${RATE:-0} ;;
  fault) duration=${DURATION:-45s}; rate=${RATE:-0} ;;
  soak) duration=${DURATION:-10m}; rate=${RATE:-50} ;;
  *) echo "Usage: scripts/load-test.sh [load|fault|soak] [-- tool options]; see the header of this script." >&2; exit 2 ;;
esac
configuration=${CONFIGURATION:-Release}
devices=${DEVICES:-16}
outage=${OUTAGE:-10}
recovery_limit=${RECOVERY_LIMIT:-10s}
warmup=${WARMUP:-30}
sample_every=${SAMPLE_EVERY:-30}
settings=${SETTINGS:-local.settings.sample.json}
azurite=${AZURITE:-node_modules/.bin/azurite-table}

# Whole seconds of a duration the tool also reads (30s, 2m, 1h, or seconds).
seconds_of() {
  case "$1" in
    *ms) echo 1 ;;
    *s) echo "${1%s}" ;;
    *m) echo $((${1%m} * 60)) ;;
    *h) echo $((${1%h} * 3600)) ;;
    *) echo "$1" ;;
  esac
}
total=$(seconds_of "$duration")
[[ $total =~ ^[0-9]+$ ]] || { echo "DURATION must be whole seconds, minutes or hours (30s, 2m, 1h): $duration" >&2; exit 2; }

listening() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
free_port() { node -e "const s=require('net').createServer();s.listen(0,'127.0.0.1',()=>{console.log(s.address().port);s.close();})"; }
now_ms() { date +%s%3N; }
clock() { date -u +%H:%M:%S.%3N; }

if [[ $azurite == node_modules/.bin/azurite-table && ! -x $azurite ]]; then
  echo "Installing Azurite (npm ci)..."
  npm ci --no-audit --no-fund
fi

echo "== building the local host and the load test ($configuration)"
dotnet build tools/Attestation.LocalHost -c "$configuration" --nologo -v q -clp:ErrorsOnly\;NoSummary
dotnet build tools/Attestation.LoadTest -c "$configuration" --nologo -v q -clp:ErrorsOnly\;NoSummary
backend_dll=tools/Attestation.LocalHost/bin/$configuration/net10.0/Attestation.LocalHost.dll
tool_dll=tools/Attestation.LoadTest/bin/$configuration/net10.0/Attestation.LoadTest.dll

work=$(mktemp -d "${TMPDIR:-/tmp}/attestation-load.XXXXXX")
azurite_pid=""
backend_pid=""
tool_pid=""
stop_all() {
  for pid in "$tool_pid" "$backend_pid" "$azurite_pid"; do
    if [[ -n $pid ]]; then
      kill "$pid" 2>/dev/null || true
      wait "$pid" 2>/dev/null || true
    fi
  done
  rm -rf "$work"
}
trap stop_all EXIT

start_azurite() {
  "$azurite" --tableHost 127.0.0.1 --tablePort "$azurite_port" --location "$work/azurite" --silent \
    --skipApiVersionCheck --disableTelemetry >>"$work/azurite.log" 2>&1 &
  azurite_pid=$!
  for _ in $(seq 1 300); do
    listening "$azurite_port" && return 0
    kill -0 "$azurite_pid" 2>/dev/null || { cat "$work/azurite.log"; echo "Azurite exited." >&2; exit 1; }
    sleep 0.05
  done
  echo "Azurite did not listen on $azurite_port within 15 s." >&2
  exit 1
}

# SIGTERM by default, not SIGKILL: Azurite then saves its data before exiting, as Table Storage never loses an acknowledged
# write. FAULT_SIGNAL=KILL shows what a crash of the emulator loses (writes since its last save), which is Azurite's loss.
stop_azurite() {
  kill -"${FAULT_SIGNAL:-TERM}" "$azurite_pid"
  wait "$azurite_pid" 2>/dev/null || true
  azurite_pid=""
}

azurite_port=${AZURITE_PORT:-$(free_port)}
tool_tokens=()
if listening "$azurite_port"; then
  [[ $mode == fault ]] && { echo "Fault mode stops and starts Azurite itself: AZURITE_PORT $azurite_port is taken." >&2; exit 2; }
  echo "== reusing the Azurite on port $azurite_port (every device uses local-debug-token)"
else
  mkdir -p "$work/azurite"
  start_azurite
  echo "== Azurite table service on 127.0.0.1:$azurite_port, data in $work/azurite"
  # One debug token per device (at most 100, the most an app may hold): each then has its own device id and its refreshes
  # never race another device's. They are registered through the settings of this backend only.
  count=$((devices < 100 ? devices : 100))
  run_id=$(od -An -N8 -tx1 /dev/urandom | tr -d ' \n')
  for i in $(seq 1 "$count"); do
    token="load-test-$run_id-$i"
    echo "$token" >>"$work/debug-tokens"
    export "Attestation__Apps__0__DebugTokenSha256__$i=$(printf '%s' "$token" | sha256sum | cut -d' ' -f1)"
  done
  tool_tokens=(--debug-tokens-file "$work/debug-tokens")
fi

port=${PORT:-$(free_port)}
base=http://127.0.0.1:$port
storage="DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==;TableEndpoint=http://127.0.0.1:$azurite_port/devstoreaccount1;"
LocalHost__Settings=$settings Attestation__Storage__ConnectionString=$storage AzureWebJobsStorage=$storage \
  dotnet "$backend_dll" --urls "$base" >"$work/backend.log" 2>&1 &
backend_pid=$!
for _ in $(seq 1 600); do
  curl -sf "$base/api/health" >/dev/null 2>&1 && break
  kill -0 "$backend_pid" 2>/dev/null || { cat "$work/backend.log"; echo "The backend exited." >&2; exit 1; }
  sleep 0.1
done
curl -sf "$base/api/health" >/dev/null || { echo "The backend did not answer /api/health within 60 s." >&2; exit 1; }
echo "== backend ($configuration) pid $backend_pid on $base"

tool=(dotnet "$tool_dll" --url "$base" --devices "$devices" --duration "$duration" --rate "$rate" --report "${REPORT:-text}" "${tool_tokens[@]}")
[[ -n ${TIMELINE:-} ]] && tool+=(--timeline "$TIMELINE")
rss_kb() { awk '/^VmRSS:/ {print $2}' "/proc/$backend_pid/status"; }
status=0
case "$mode" in
  load)
    echo "== load: $devices devices for $duration"
    "${tool[@]}" "$@" >&3 || status=$?
    ;;
  fault)
    events=$work/storage-events
    echo "== fault: $devices devices for $duration; Azurite stopped at about +$((total / 3)) s for $outage s"
    "${tool[@]}" --storage-events "$events" --recovery-limit "$recovery_limit" "$@" >&3 &
    tool_pid=$!
    echo "   $(clock) load test started"
    sleep $((total / 3))
    echo "down $(now_ms)" >>"$events"
    echo "   $(clock) stopping Azurite (SIG${FAULT_SIGNAL:-TERM})"
    stop_azurite
    echo "   $(clock) Azurite exited"
    sleep "$outage"
    echo "   $(clock) starting Azurite (same port, same data)"
    start_azurite
    echo "up $(now_ms)" >>"$events"
    echo "   $(clock) Azurite listening again"
    wait "$tool_pid" || status=$?
    tool_pid=""
    if kill -0 "$backend_pid" 2>/dev/null; then
      echo "Backend: the same process (pid $backend_pid) served the whole run, never restarted."
    else
      echo "Backend: FAILED, process $backend_pid is gone." >&2
      status=1
    fi
    ;;
  soak)
    echo "== soak: $rate requests/s, $devices devices, for $duration; backend VmRSS after ${warmup} s, every ${sample_every} s, at the end"
    "${tool[@]}" "$@" >"$work/tool.out" &
    tool_pid=$!
    begin=$(now_ms)
    sleep "$warmup"
    first=$(rss_kb)
    echo "   +${warmup} s VmRSS $first kB (start)"
    while kill -0 "$tool_pid" 2>/dev/null; do
      for _ in $(seq 1 "$sample_every"); do
        kill -0 "$tool_pid" 2>/dev/null || break
        sleep 1
      done
      kill -0 "$tool_pid" 2>/dev/null && echo "   +$((($(now_ms) - begin) / 1000)) s VmRSS $(rss_kb) kB"
    done
    wait "$tool_pid" || status=$?
    tool_pid=""
    last=$(rss_kb)
    cat "$work/tool.out" >&3
    change=$(awk -v a="$first" -v b="$last" 'BEGIN { printf "%+.1f", (b - a) * 100 / a }')
    echo
    echo "Backend VmRSS: $first kB after warm-up, $last kB at the end ($change%)."
    if awk -v a="$first" -v b="$last" 'BEGIN { d = (b - a) / a; exit !(d <= 0.10 && d >= -0.10) }'; then
      echo "Working set: flat within 10%."
    else
      echo "Working set: FAILED, it moved by more than 10%." >&2
      status=1
    fi
    ;;
esac
exit "$status"
