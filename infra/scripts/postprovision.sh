#!/bin/sh
# azd postprovision hook. Creates the token signing secret once, as base64 of 32 random bytes (the form both the backend
# and API Management's validate-jwt take), then provisions once more with SIGNING_SECRET_READY=true so that API
# Management's Key Vault named values, the token fragments and the sample API are deployed: they need the secret to exist.
# The value never leaves this machine except to Key Vault: it goes through a private temporary file, not the command line.
# Reads AZURE_KEY_VAULT_NAME and SIGNING_SECRET_NAME (outputs of main.bicep, which azd puts in the environment).
set -eu

vault="${AZURE_KEY_VAULT_NAME:?AZURE_KEY_VAULT_NAME is not set: run azd provision first}"
secret="${SIGNING_SECRET_NAME:-token-signing-key}"

# The deployer's Key Vault Secrets Officer role may take a few minutes to propagate after the first provision.
attempt=1
while :; do
  if output=$(az keyvault secret show --vault-name "$vault" --name "$secret" --query id --output tsv 2>&1); then
    echo "Signing secret $secret exists in $vault."
    break
  fi
  case "$output" in
    *SecretNotFound*|*"was not found"*)
      echo "Creating signing secret $secret in $vault."
      umask 077
      file=$(mktemp)
      trap 'rm -f "$file"' EXIT
      printf '%s' "$(openssl rand -base64 32)" >"$file"
      az keyvault secret set --vault-name "$vault" --name "$secret" --file "$file" --encoding utf-8 \
        --content-type "HS256 key: base64 of 32 random bytes" --output none
      rm -f "$file"
      break
      ;;
  esac
  if [ "$attempt" -ge 20 ]; then
    echo "Cannot read $secret in $vault: $output" >&2
    exit 1
  fi
  echo "Waiting for Key Vault access to propagate ($attempt/20)..."
  attempt=$((attempt + 1))
  sleep 15
done

if [ "${SIGNING_SECRET_READY:-false}" != "true" ]; then
  azd env set SIGNING_SECRET_READY true
  # This provision runs this hook again, which then finds the secret and the flag and stops here.
  azd provision --no-prompt
fi
