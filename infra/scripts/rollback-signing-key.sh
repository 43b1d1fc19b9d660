#!/bin/sh
# Rolls the token signing secret back one version, on both sides: the newest enabled version is trusted no more, the
# one before it signs again. Use it when the newest version is wrong (API Management cannot read it, it was made by
# hand, a rotation went astray). For a leaked key, rotate twice instead (docs/deploy.md, "A leaked signing key").
#   1. API Management's "current" key is pinned to the version before the newest, "previous" to the one before that
#      (or to the same version when there is none), each awaited, bounded, and recorded in the azd environment;
#   2. only then is the newest version disabled in Key Vault, so a run that stops early changed nothing in Key Vault
#      and can simply be run again.
# Between the end of step 1 and each app instance's next read of Key Vault (Attestation__SigningKey__RefreshInterval,
# 5 minutes by default), an instance may still sign with the newest version, and the edge refuses those tokens: the
# app attests or refreshes again. Each run goes back one version.
# Run it from the repository with an azd environment selected. rollback-signing-key.ps1 is its PowerShell twin.
set -eu
. "$(dirname "$0")/signing-key-versions.sh"

versions=$(enabled_versions)
count=$(printf '%s\n' "$versions" | grep -c . || true)
if [ "$count" -lt 2 ]; then
  echo "Key Vault holds $count enabled version(s) of $secret: there is none to roll back to; nothing was changed." >&2
  exit 1
fi
newest=$(printf '%s\n' "$versions" | tail -n 1)
target=$(printf '%s\n' "$versions" | tail -n 2 | head -n 1)
older=$(printf '%s\n' "$versions" | tail -n 3 | head -n 1)
echo "Rolling back from ${newest##*/} to ${target##*/} (previous: ${older##*/})."

# ES256 mode: API Management pins nothing (it follows the backend's JWKS), so disabling the newest version is the rollback.
if [ "$algorithm" = "ES256" ]; then
  az keyvault secret set-attributes --id "$newest" --enabled false --output none
  echo "${newest##*/} is disabled; the app signs with ${target##*/} and publishes ${target##*/} and ${older##*/} within its refresh interval."
  exit 0
fi

if ! pin current "$target"; then
  echo "Nothing was disabled in Key Vault. Run the script again." >&2
  exit 1
fi
azd env set CURRENT_SIGNING_KEY_VERSION_URI "$target"
if ! pin previous "$older"; then
  echo "Nothing was disabled in Key Vault. Run the script again." >&2
  exit 1
fi
azd env set PREVIOUS_SIGNING_KEY_VERSION_URI "$older"

az keyvault secret set-attributes --id "$newest" --enabled false --output none
echo "API Management verifies ${target##*/} and ${older##*/}; ${newest##*/} is disabled, and the app signs with ${target##*/} within its refresh interval."
