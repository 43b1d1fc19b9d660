#!/usr/bin/env bash
# Runs every test of the repository, from a clean clone:
#   installs Azurite from package-lock.json (npm ci), the NuGet packages (dotnet restore) and PowerShell (dotnet tool restore),
#   builds with warnings as errors and checks formatting,
#   starts its own Azurite table service on a free port, runs every test project, stops Azurite,
#   and ends with one line of totals over all test projects: "N passed, N failed".
# Exits non-zero if anything failed.
set -euo pipefail
cd "$(dirname "$0")/.."

results=.test-results
rm -rf "$results"
mkdir -p "$results"

echo "== npm ci (Azurite, pinned in package-lock.json)"
if [[ ! -x node_modules/.bin/azurite-table || package-lock.json -nt node_modules/.package-lock.json ]]; then
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
port=$(node -e "const s=require('net').createServer();s.listen(0,'127.0.0.1',()=>{console.log(s.address().port);s.close();})")
node_modules/.bin/azurite-table --tableHost 127.0.0.1 --tablePort "$port" --inMemoryPersistence --silent \
  --skipApiVersionCheck --disableTelemetry >"$results/azurite.log" 2>&1 &
azurite_pid=$!
stop_azurite() { kill "$azurite_pid" 2>/dev/null || true; wait "$azurite_pid" 2>/dev/null || true; }
trap stop_azurite EXIT
for _ in $(seq 1 300); do
  (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null && break
  kill -0 "$azurite_pid" 2>/dev/null || { cat "$results/azurite.log"; echo "Azurite exited"; exit 1; }
  sleep 0.1
done
echo "Azurite table service on 127.0.0.1:$port"
export ATTESTATION_TEST_STORAGE="DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==;TableEndpoint=http://127.0.0.1:$port/devstoreaccount1;"

status=0
projects=$(find tests -name '*.Tests.csproj' | sort)
for project in $projects; do
  name=$(basename "$project" .csproj)
  echo "== $name"
  dotnet test "$project" --no-build --logger "trx;LogFileName=$name.trx" --results-directory "$results" || status=1
  if [[ ! -f "$results/$name.trx" ]]; then
    echo "$name produced no results"
    status=1
  fi
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
((failed == 0)) || status=1
((passed > 0)) || status=1
echo "$passed passed, $failed failed"
exit "$status"
