#!/bin/sh
# Rotates the token signing secret without breaking a live token:
#   1. API Management's "previous" key is pointed at the version that signs now (so it keeps verifying);
#   2. a new version is added to Key Vault (base64 of 32 random bytes);
#   3. API Management's "current" key (no version: it follows the newest) is refreshed at once instead of within 4 hours,
#      and the script waits (bounded) until API Management reports the refresh done;
#   4. each app instance signs with the new version from its next read of Key Vault (Attestation__SigningKey__RefreshInterval,
#      5 minutes by default) and verifies both; a token whose kid it has not seen yet makes it read Key Vault at once.
# Step 3 takes a few seconds after step 2; a token signed with the new version by an instance that reloads in exactly
# that window is refused by the edge until the refresh ends, and the app simply attests or refreshes again.
# Run it from the repository with an azd environment selected (it reads the outputs of main.bicep via azd env get-value).
# infra/scripts/rotate-signing-key.ps1 does the same in PowerShell; keep the two alike.
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

# 3. "current" follows the newest version: refresh it now. Refresh Secret may also answer 202 and finish later, and until
# it has, the edge refuses tokens signed with the new version: wait until the named value's last Key Vault status is newer
# than before the request, and say whether it succeeded.
current_url="https://management.azure.com${apim_id}/namedValues/attestation-signing-key-current"
status_query="join(' ', [properties.keyVault.lastStatus.code || '', properties.keyVault.lastStatus.timeStampUtc || ''])"
before=$(az rest --method get --url "${current_url}?api-version=${api_version}" --query "$status_query" --output tsv)
az rest --method post --url "${current_url}/refreshSecret?api-version=${api_version}" --output none
attempt=1
while :; do
  status=$(az rest --method get --url "${current_url}?api-version=${api_version}" --query "$status_query" --output tsv)
  if [ "$status" != "$before" ] && [ -n "${status#* }" ]; then
    case "$status" in
      "Success "*) break ;;
      *)
        echo "API Management could not refresh attestation-signing-key-current from Key Vault: $status." >&2
        echo "  ${new_id##*/} is in Key Vault and \"previous\" names ${current_id##*/}: fix the access and run" >&2
        echo "  az rest --method post --url \"${current_url}/refreshSecret?api-version=${api_version}\"" >&2
        exit 1
        ;;
    esac
  fi
  if [ "$attempt" -ge "$attempts" ]; then
    echo "API Management has not reported the refresh of attestation-signing-key-current yet ($status); it refreshes within" >&2
    echo "  4 hours by itself. Tokens signed with ${new_id##*/} are refused at the edge until then." >&2
    exit 1
  fi
  attempt=$((attempt + 1))
  sleep "${ROTATE_WAIT_SECONDS:-5}"
done
echo "API Management verifies ${new_id##*/} and ${current_id##*/}; the app signs with ${new_id##*/} within its refresh interval."
