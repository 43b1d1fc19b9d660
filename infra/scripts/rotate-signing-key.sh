#!/bin/sh
# Rotates the token signing secret without breaking a live token:
#   1. API Management's "previous" key is pinned to the version that signs now (so it keeps verifying);
#   2. a new version is added to Key Vault (base64 of 32 random bytes);
#   3. API Management's "current" key is pinned to the new version, and the script waits (bounded) until it names it;
#   4. each app instance signs with the new version from its next read of Key Vault (Attestation__SigningKey__RefreshInterval,
#      5 minutes by default) and verifies both; a token whose kid it has not seen yet makes it read Key Vault at once.
# Both named values name explicit versions, recorded in the azd environment so a later provision keeps them: the edge
# then trusts exactly the versions the app trusts, and rollback-signing-key.sh can move both back together.
# Step 3 takes a few seconds after step 2; a token signed with the new version by an instance that reloads in exactly
# that window is refused by the edge until the pin ends, and the app simply attests or refreshes again.
# Run it from the repository with an azd environment selected (it reads the outputs of main.bicep via azd env get-value).
# ES256 mode (TOKEN_ALGORITHM=ES256): the new version is a P-256 private key, and API Management holds no key to pin (it
# reads the backend's JWKS, which lists the new version and the one before it as soon as an instance has loaded it), so
# only step 2 runs; the old version stays trusted, on both sides, until the next rotation.
# infra/scripts/rotate-signing-key.ps1 does the same in PowerShell; keep the two alike.
set -eu
. "$(dirname "$0")/signing-key-versions.sh"

# Adds a new version and prints its id. The key goes through a file only this user can read, removed however the
# subshell that runs this ends.
add_version() {
  umask 077
  file=$(mktemp)
  trap 'rm -f "$file"' EXIT
  new_key "$file"
  az keyvault secret set --vault-name "$vault" --name "$secret" --file "$file" --encoding utf-8 \
    --content-type "$(key_content_type)" --query id --output tsv
}

if [ "$algorithm" = "ES256" ]; then
  new_id=$(add_version)
  echo "New version: ${new_id##*/}. The app signs with it within its refresh interval and publishes it in its JWKS;"
  echo "the version before it stays in the JWKS, so no live token is refused."
  exit 0
fi

versions=$(enabled_versions)
current_id=$(printf '%s\n' "$versions" | tail -n 1)
if [ -z "$current_id" ]; then
  echo "Key Vault holds no enabled version of $secret; nothing was rotated." >&2
  exit 1
fi
echo "Current version: ${current_id##*/}"

# 1. "previous" := the version that signs now, awaited before the new version exists: until it is done, a token signed
# with the new version would be refused and one signed with the current version could be too.
if ! pin previous "$current_id"; then
  echo "Nothing was rotated. Run the script again." >&2
  exit 1
fi
azd env set PREVIOUS_SIGNING_KEY_VERSION_URI "$current_id"

# 2. A new version.
new_id=$(add_version)
echo "New version: ${new_id##*/}"

# 3. "current" := the new version, at once (a named value without a version would follow it only within 4 hours).
if ! pin current "$new_id"; then
  echo "  ${new_id##*/} is in Key Vault and the app will sign with it, but the edge does not trust it yet." >&2
  echo "  Fix API Management's access to Key Vault and run infra/scripts/rotate-signing-key.sh again, or run" >&2
  echo "  infra/scripts/rollback-signing-key.sh to disable ${new_id##*/} and go back to ${current_id##*/} on both sides." >&2
  exit 1
fi
azd env set CURRENT_SIGNING_KEY_VERSION_URI "$new_id"
echo "API Management verifies ${new_id##*/} and ${current_id##*/}; the app signs with ${new_id##*/} within its refresh interval."
