#!/bin/sh
# Rotates the token signing secret without breaking a live token:
#   1. API Management's "previous" key is pointed at the version that signs now (so it keeps verifying);
#   2. a new version is added to Key Vault (base64 of 32 random bytes);
#   3. API Management's "current" key (no version: it follows the newest) is refreshed at once instead of within 4 hours;
#   4. each app instance signs with the new version from its next read of Key Vault (Attestation__SigningKey__RefreshInterval,
#      5 minutes by default) and verifies both; a token whose kid it has not seen yet makes it read Key Vault at once.
# Step 3 takes a few seconds after step 2; a token signed with the new version by an instance that reloads in exactly
# that window is refused by the edge until the refresh ends, and the app simply attests or refreshes again.
# Run it from the repository with an azd environment selected (it reads the outputs of main.bicep via azd env get-value).
set -eu

value() { azd env get-value "$1"; }
vault=$(value AZURE_KEY_VAULT_NAME)
secret=$(value SIGNING_SECRET_NAME)
apim_id=$(value AZURE_API_MANAGEMENT_ID)
apim_client_id=$(value API_MANAGEMENT_IDENTITY_CLIENT_ID)
api_version=2024-05-01

current_id=$(az keyvault secret show --vault-name "$vault" --name "$secret" --query id --output tsv)
echo "Current version: ${current_id##*/}"

# 1. "previous" := the version that signs now; remembered in the azd environment so a later provision keeps it.
# The Named Value - Update API requires If-Match (* updates whatever version is there) and may answer 202, finishing
# later: the new version must not be created before "previous" verifies the current one, so wait for it. `az rest`
# prints the response body only, not the Location header of the 202, so the wait reads the named value itself until it
# names the current version (and, where the API reports one, its provisioningState is Succeeded), within a bound.
previous_url="https://management.azure.com${apim_id}/namedValues/attestation-signing-key-previous?api-version=${api_version}"
az rest --method patch --url "$previous_url" --headers "If-Match=*" \
  --body "{\"properties\":{\"keyVault\":{\"secretIdentifier\":\"${current_id}\",\"identityClientId\":\"${apim_client_id}\"}}}" \
  --output none
attempts="${ROTATE_WAIT_ATTEMPTS:-60}"
attempt=1
while :; do
  state=$(az rest --method get --url "$previous_url" \
    --query "join(' ', [properties.keyVault.secretIdentifier || '', properties.provisioningState || ''])" --output tsv)
  case "$state" in
    "$current_id"|"$current_id "|"$current_id Succeeded") break ;;
  esac
  if [ "$attempt" -ge "$attempts" ]; then
    echo "API Management's attestation-signing-key-previous does not name $current_id yet ($state); nothing was rotated. Run the script again." >&2
    exit 1
  fi
  attempt=$((attempt + 1))
  sleep "${ROTATE_WAIT_SECONDS:-5}"
done
azd env set PREVIOUS_SIGNING_KEY_VERSION_URI "$current_id"

# 2. A new version.
umask 077
file=$(mktemp)
trap 'rm -f "$file"' EXIT
printf '%s' "$(openssl rand -base64 32)" >"$file"
new_id=$(az keyvault secret set --vault-name "$vault" --name "$secret" --file "$file" --encoding utf-8 \
  --content-type "HS256 key: base64 of 32 random bytes" --query id --output tsv)
rm -f "$file"
echo "New version: ${new_id##*/}"

# 3. "current" follows the newest version: refresh it now.
az rest --method post \
  --url "https://management.azure.com${apim_id}/namedValues/attestation-signing-key-current/refreshSecret?api-version=${api_version}" \
  --output none
echo "API Management verifies ${new_id##*/} and ${current_id##*/}; the app signs with ${new_id##*/} within its refresh interval."
