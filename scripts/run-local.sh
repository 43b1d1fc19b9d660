#!/usr/bin/env bash
# Serves the backend locally without Azure Functions Core Tools:
#   installs Azurite from package-lock.json if it is missing, starts it (data in .azurite/, git-ignored),
#   and serves the Functions app's own function classes on http://127.0.0.1:${PORT:-7071} with the demo apps
#   of local.settings.sample.json (or your local.settings.json), built in ${CONFIGURATION:-Release} (CONFIGURATION=Debug for a
#   debugger-friendly build). Ctrl-C stops both.
set -euo pipefail
cd "$(dirname "$0")/.."

if [[ ! -x node_modules/.bin/azurite ]]; then
  echo "Installing Azurite (npm ci)..."
  npm ci --no-audit --no-fund
fi

listening() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

azurite_pid=""
stop() {
  if [[ -n "$azurite_pid" ]]; then
    kill "$azurite_pid" 2>/dev/null || true
    wait "$azurite_pid" 2>/dev/null || true
  fi
}
trap stop EXIT

if listening 10002; then
  echo "Port 10002 already answers: using the Azurite (table service) that runs there."
else
  mkdir -p .azurite
  node_modules/.bin/azurite --location .azurite --silent --skipApiVersionCheck --disableTelemetry \
    --blobHost 127.0.0.1 --queueHost 127.0.0.1 --tableHost 127.0.0.1 >.azurite/azurite.log 2>&1 &
  azurite_pid=$!
  for _ in $(seq 1 300); do
    listening 10002 && break
    kill -0 "$azurite_pid" 2>/dev/null || { cat .azurite/azurite.log; echo "Azurite exited."; exit 1; }
    sleep 0.1
  done
  echo "Azurite started (blob 10000, queue 10001, table 10002; data in .azurite/)."
fi

# Development relaxations (open verify, keys from settings, the sample's short debug token) apply only when asked for.
export AZURE_FUNCTIONS_ENVIRONMENT="${AZURE_FUNCTIONS_ENVIRONMENT:-Development}"
dotnet run --project tools/Attestation.LocalHost -c "${CONFIGURATION:-Release}" -- --urls "http://127.0.0.1:${PORT:-7071}"
