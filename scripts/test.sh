#!/usr/bin/env bash
# Runs every test of the repository, from a clean clone:
#   installs Azurite and Redocly CLI (which lints docs/openapi.yaml) from package-lock.json (npm ci), the NuGet packages (dotnet restore) and PowerShell (dotnet tool restore),
#   builds with warnings as errors and checks formatting,
#   starts its own Azurite table service on a free port, runs every test project, stops Azurite,
#   and ends with one line of totals over all test projects: "N passed, N failed".
# Exits non-zero if anything failed.
set -euo pipefail
cd "$(dirname "$0")/.."

results=.test-results
rm -rf "$results"
mkdir -p "$results"

echo "== npm ci (Azurite and Redocly CLI, pinned in package-lock.json)"
if [[ ! -x node_modules/.bin/azurite-table || ! -x node_modules/.bin/redocly || package-lock.json -nt node_modules/.package-lock.json ]]; then
  npm ci --no-audit --no-fund
fi

echo "== dotnet restore and build"
dotnet restore Serverless.sln
# PowerShell, pinned in .config/dotnet-tools.json: the infrastructure tests run the hooks' PowerShell twins with it.
dotnet tool restore
dotnet build Serverless.sln --no-restore -warnaserror

echo "== dotnet format --verify-no-changes"
dotnet format Serverless.sln --verify-no-changes --no-restore

echo "== Azurite"
# A free port is chosen, released and then bound by Azurite: another process can take it in between, and then Azurite
# exits; so each start is tried on a new port, up to five times. Started means the port answers as Azurite (its Server
# header), not merely that something listens there. Every wait is bounded.
azurite_pid=
stop_azurite() {
  if [[ -n "$azurite_pid" ]]; then kill "$azurite_pid" 2>/dev/null || true; wait "$azurite_pid" 2>/dev/null || true; fi
  azurite_pid=
}
trap stop_azurite EXIT
answers_as_azurite() {
  node -e "require('http').get('http://127.0.0.1:$1/devstoreaccount1/Tables', r => process.exit(/^Azurite-Table\//.test(r.headers.server || '') ? 0 : 1)).on('error', () => process.exit(1)).setTimeout(5000, () => process.exit(1))"
}
for attempt in 1 2 3 4 5; do
  port=$(node -e "const s=require('net').createServer();s.listen(0,'127.0.0.1',()=>{console.log(s.address().port);s.close();})")
  node_modules/.bin/azurite-table --tableHost 127.0.0.1 --tablePort "$port" --inMemoryPersistence --silent \
    --skipApiVersionCheck --disableTelemetry >"$results/azurite.log" 2>&1 &
  azurite_pid=$!
  started=false
  for _ in $(seq 1 300); do
    kill -0 "$azurite_pid" 2>/dev/null || break
    if answers_as_azurite "$port"; then started=true; break; fi
    sleep 0.2
  done
  [[ "$started" == true ]] && break
  echo "Azurite did not start on port $port (attempt $attempt):"
  cat "$results/azurite.log"
  stop_azurite
done
if [[ "$started" != true ]]; then echo "Azurite did not start"; exit 1; fi
echo "Azurite table service on 127.0.0.1:$port"
export ATTESTATION_TEST_STORAGE="DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==;TableEndpoint=http://127.0.0.1:$port/devstoreaccount1;"

# A test that hangs aborts its project's run after --blame-hang-timeout (the longest test takes well under a minute),
# instead of holding CI until its own limit. An aborted run's TRX leaves out the test that hung, so a run that exits
# non-zero without a failed test in its TRX counts as one failure of its own.
status=0
aborted=0
projects=$(find tests -name '*.Tests.csproj' | sort)
for project in $projects; do
  name=$(basename "$project" .csproj)
  echo "== $name"
  rc=0
  dotnet test "$project" --no-build --blame-hang-timeout 5m --blame-hang-dump-type none \
    --logger "trx;LogFileName=$name.trx" --results-directory "$results" || rc=$?
  if [[ ! -f "$results/$name.trx" ]]; then
    echo "$name produced no results"
    status=1
    aborted=$((aborted + 1))
  elif ((rc != 0)) && ! grep -q '<Counters [^>]*failed="[1-9]' "$results/$name.trx"; then
    echo "$name: the test run was aborted (a test hung or the test host crashed; the test is named above)"
    status=1
    aborted=$((aborted + 1))
  fi
  ((rc == 0)) || status=1
done

stop_azurite
trap - EXIT

# Totals over every project, read from the TRX files' <Counters> elements.
passed=0
failed=0
for trx in "$results"/*.trx; do
  [[ -f "$trx" ]] || continue
  counters=$(grep -o '<Counters [^>]*>' "$trx" | head -1)
  p=$(sed -n 's/.* passed="\([0-9]*\)".*/\1/p' <<<"$counters")
  f=$(sed -n 's/.* failed="\([0-9]*\)".*/\1/p' <<<"$counters")
  e=$(sed -n 's/.* error="\([0-9]*\)".*/\1/p' <<<"$counters")
  passed=$((passed + ${p:-0}))
  failed=$((failed + ${f:-0} + ${e:-0}))
done
failed=$((failed + aborted))
((failed == 0)) || status=1
((passed > 0)) || status=1
echo "$passed passed, $failed failed"
exit "$status"
