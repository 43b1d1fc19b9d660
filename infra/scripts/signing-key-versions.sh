# Shared by rotate-signing-key.sh and rollback-signing-key.sh (sourced, not run): what both need to keep API Management's
# two signing-key named values on the same versions the app trusts. The app trusts the newest enabled version of the
# secret and the enabled one before it (KeyVaultKeyVersions); the edge trusts exactly the two versions these named values
# name. signing-key-versions.ps1 is its PowerShell twin; keep the two alike.

value() { azd env get-value "$1"; }
vault=$(value AZURE_KEY_VAULT_NAME)
secret=$(value SIGNING_SECRET_NAME)
# HS256 (the default, and for environments provisioned before the output existed) or ES256 (main.bicep tokenAlgorithm).
algorithm=$(azd env get-value TOKEN_ALGORITHM 2>/dev/null || true)
algorithm="${algorithm:-HS256}"
apim_id=$(value AZURE_API_MANAGEMENT_ID)
apim_client_id=$(value API_MANAGEMENT_IDENTITY_CLIENT_ID)
api_version=2024-05-01
attempts="${ROTATE_WAIT_ATTEMPTS:-60}"

# The enabled versions' ids, oldest first, one a line: the order the app ranks them in (by creation time). Not
# `az keyvault secret show`, which reads the newest version whatever its state and fails once it is disabled.
enabled_versions() {
  az keyvault secret list-versions --vault-name "$vault" --name "$secret" \
    --query "sort_by([?attributes.enabled], &attributes.created)[].id" --output tsv
}

# pin NAME ID: points the named value attestation-signing-key-NAME at the version ID and waits, bounded, until API
# Management names it. The Named Value - Update API requires If-Match (* updates whatever is there) and may answer 202,
# finishing later; `az rest` prints the response body only, not the Location header of the 202, so the wait reads the
# named value itself: its secret identifier, its provisioningState and its last Key Vault status (either may be absent).
# Returns 1, after saying why on stderr, if API Management reports a failure or does not name ID within the bound.
pin() {
  url="https://management.azure.com${apim_id}/namedValues/attestation-signing-key-$1?api-version=${api_version}"
  az rest --method patch --url "$url" --headers "If-Match=*" \
    --body "{\"properties\":{\"keyVault\":{\"secretIdentifier\":\"$2\",\"identityClientId\":\"${apim_client_id}\"}}}" \
    --output none || return 1
  state_query="join(' ', [properties.keyVault.secretIdentifier || '-', properties.provisioningState || '-', properties.keyVault.lastStatus.code || '-'])"
  attempt=1
  while :; do
    state=$(az rest --method get --url "$url" --query "$state_query" --output tsv) || return 1
    case "$state" in
      "$2 Succeeded Success" | "$2 Succeeded -" | "$2 - Success" | "$2 - -") return 0 ;;
      "$2 Failed "* | "$2 Succeeded "* | "$2 - "*)
        echo "API Management could not read ${2##*/} from Key Vault for attestation-signing-key-$1 ($state)." >&2
        return 1
        ;;
    esac
    if [ "$attempt" -ge "$attempts" ]; then
      echo "API Management's attestation-signing-key-$1 does not name ${2##*/} yet ($state)." >&2
      return 1
    fi
    attempt=$((attempt + 1))
    sleep "${ROTATE_WAIT_SECONDS:-5}"
  done
}

# new_key FILE: writes a new key version's value to FILE (which the caller made private): HS256, base64 of 32 random
# bytes; ES256, base64 of a P-256 private key in PKCS#8 DER (the form SigningKey.FromEcPrivateKey reads). The value goes
# from openssl to the file only, never to the terminal or the command line.
new_key() {
  if [ "$algorithm" = "ES256" ]; then
    openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 | openssl pkcs8 -topk8 -nocrypt -outform DER | openssl base64 -A >"$1"
  else
    printf '%s' "$(openssl rand -base64 32)" >"$1"
  fi
}

# What a version holds, for its Key Vault content type.
key_content_type() {
  if [ "$algorithm" = "ES256" ]; then
    echo "ES256 key: base64 PKCS#8 of a P-256 private key"
  else
    echo "HS256 key: base64 of 32 random bytes"
  fi
}
