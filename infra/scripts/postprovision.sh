#!/bin/sh
# azd postprovision hook. Creates, once each, the two secrets of the vault as base64 of 32 random bytes: the token
# signing secret (the form both the backend and API Management's validate-jwt take) and the challenge MAC key (read by
# the backend alone). Then, the first time, provisions once more with SIGNING_SECRET_READY=true: API Management's role on
# the signing secret, its Key Vault named values, the token fragments and the sample API need the secret to exist.
# A value never leaves this machine except to Key Vault: it goes through a private temporary file, not the command line.
# Reads AZURE_KEY_VAULT_NAME, SIGNING_SECRET_NAME and CHALLENGE_SECRET_NAME (outputs of main.bicep, which azd puts in the
# environment). infra/scripts/postprovision.ps1 does the same for Windows without a POSIX shell; keep the two alike.
set -eu

vault="${AZURE_KEY_VAULT_NAME:?AZURE_KEY_VAULT_NAME is not set: run azd provision first}"
signing_secret="${SIGNING_SECRET_NAME:-token-signing-key}"
challenge_secret="${CHALLENGE_SECRET_NAME:-challenge-key}"
# Key Vault role changes can take up to about 10 minutes to apply: wait up to 15 (60 times 15 seconds).
wait_attempts="${HOOK_WAIT_ATTEMPTS:-60}"
wait_seconds="${HOOK_WAIT_SECONDS:-15}"
# The second provision, bounded likewise: 6 attempts, 2 minutes apart.
provision_attempts="${HOOK_PROVISION_ATTEMPTS:-6}"
provision_delay="${HOOK_PROVISION_DELAY_SECONDS:-120}"

. "$(dirname "$0")/check-az-account.sh"
check_az_account

# Creates the secret $1 (content type $2, value written by the function $3 into the file it is given) unless it exists. The deployer's Key Vault Secrets Officer role, given in the
# first provision, may not apply yet: until it does, reading answers Forbidden, and the hook waits (bounded).
ensure_secret() {
  attempt=1
  while :; do
    if output=$(az keyvault secret show --vault-name "$vault" --name "$1" --query id --output tsv 2>&1); then
      echo "Secret $1 exists in $vault."
      return 0
    fi
    case "$output" in
      *SecretNotFound*|*"was not found"*)
        echo "Creating secret $1 in $vault."
        (
          umask 077
          file=$(mktemp)
          trap 'rm -f "$file"' EXIT
          "$3" "$file"
          az keyvault secret set --vault-name "$vault" --name "$1" --file "$file" --encoding utf-8 \
            --content-type "$2" --output none
        )
        return 0
        ;;
    esac
    if [ "$attempt" -ge "$wait_attempts" ]; then
      echo "ERROR: cannot read $1 in $vault after $attempt attempts: $output" >&2
      echo "  The Key Vault Secrets Officer role goes to azd's principal (${AZURE_PRINCIPAL_ID:-AZURE_PRINCIPAL_ID unset})" >&2
      echo "  and az must act as that principal; if it does, the role has not applied yet: run azd provision again." >&2
      exit 1
    fi
    echo "Waiting for Key Vault access to apply ($attempt/$wait_attempts, up to $((wait_attempts * wait_seconds)) s)..."
    attempt=$((attempt + 1))
    sleep "$wait_seconds"
  done
}

# HS256: base64 of 32 random bytes. ES256 (TOKEN_ALGORITHM, an output of main.bicep): a P-256 private key, base64 PKCS#8.
random_32_bytes() { printf '%s' "$(openssl rand -base64 32)" >"$1"; }
p256_private_key() { openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 | openssl pkcs8 -topk8 -nocrypt -outform DER | openssl base64 -A >"$1"; }
if [ "${TOKEN_ALGORITHM:-HS256}" = "ES256" ]; then
  ensure_secret "$signing_secret" "ES256 key: base64 PKCS#8 of a P-256 private key" p256_private_key
else
  ensure_secret "$signing_secret" "HS256 key: base64 of 32 random bytes" random_32_bytes
fi
ensure_secret "$challenge_secret" "Challenge MAC key: base64 of 32 random bytes" random_32_bytes

if [ "${SIGNING_SECRET_READY:-false}" != "true" ]; then
  azd env set SIGNING_SECRET_READY true
  # This provision creates API Management's role on the signing secret and, in the same deployment, the named values that
  # read the secret with it; the role can take minutes to apply, so the named values may fail at first. Provisioning
  # again is safe (every resource is declared, nothing is duplicated) and ends once the role applies. The provision
  # runs this hook again, which then finds the secrets and the flag and stops before this point.
  attempt=1
  until azd provision --no-prompt; do
    if [ "$attempt" -ge "$provision_attempts" ]; then
      echo "ERROR: the second provision failed $attempt times. If the errors above say API Management cannot read the" >&2
      echo "  Key Vault secret, its role has not applied yet: wait a few minutes and run azd provision again." >&2
      exit 1
    fi
    echo "The second provision failed ($attempt/$provision_attempts). API Management's Key Vault role, created in it, can"
    echo "take up to about 10 minutes to apply; provisioning again in $provision_delay s..."
    attempt=$((attempt + 1))
    sleep "$provision_delay"
  done
fi
