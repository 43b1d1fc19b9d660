#!/bin/sh
# azd preprovision hook: stops, with the command that fixes it, a provision that would fail later.
#   0. `az` (which the hooks use) signed in as another account, tenant or subscription than azd (check-az-account.sh).
#   1. Purge protection keeps a deleted Key Vault's name taken for its retention (90 days), and the vault's name is fixed
#      per subscription, environment and region (plus KEY_VAULT_NAME_SUFFIX): the vault could not be created again.
#      Soft-deleted vaults keep their tags, so this environment's are found by the azd-env-name tag and the region.
#   2. SIGNING_SECRET_READY stays true in the azd environment after `azd down`, but the new vault has no secret yet: the
#      named values and the role scoped to the secret would fail. The postprovision hook sets it again once the secret exists.
#   3. A soft-deleted API Management of the same name (below).
# Reads AZURE_ENV_NAME, AZURE_LOCATION, KEY_VAULT_NAME_SUFFIX, SIGNING_SECRET_READY and AZURE_API_MANAGEMENT_NAME from
# the azd environment. If `az`
# cannot list deleted vaults, it warns and lets the provision go on. infra/scripts/preprovision.ps1 does the same for
# Windows without a POSIX shell; keep the two alike.
set -eu

. "$(dirname "$0")/check-az-account.sh"
check_az_account

env_name="${AZURE_ENV_NAME:-}"
location="${AZURE_LOCATION:-}"
suffix="${KEY_VAULT_NAME_SUFFIX:-}"
if [ -z "$env_name" ] || [ -z "$location" ]; then
  exit 0
fi

apim_name="${AZURE_API_MANAGEMENT_NAME:-}"
group_exists=""
if [ "${SIGNING_SECRET_READY:-false}" = "true" ] || [ -n "$apim_name" ]; then
  group_exists=$(az group exists --name "rg-$env_name" 2>/dev/null) || group_exists=""
fi

if [ "${SIGNING_SECRET_READY:-false}" = "true" ] && [ "$group_exists" = "false" ]; then
  echo "ERROR: rg-$env_name does not exist (after azd down?), but SIGNING_SECRET_READY is still true." >&2
  echo "  Run: azd env set SIGNING_SECRET_READY false   and then azd up again." >&2
  exit 1
fi

# 3. API Management is soft-deleted too (48 hours) unless `azd down --purge` purged it, and its name is fixed like the
#    vault's: the azd environment still holds it (AZURE_API_MANAGEMENT_NAME, an output of the last provision).
if [ -n "$apim_name" ] && [ "$group_exists" = "false" ] && purge_date=$(az apim deletedservice show \
  --service-name "$apim_name" --location "$location" --query scheduledPurgeDate --output tsv 2>/dev/null); then
  echo "ERROR: API Management $apim_name of environment $env_name is soft-deleted until $purge_date (azd down without" >&2
  echo "  --purge), and a new one cannot take its name before then. Purge it and run azd up again:" >&2
  echo "    az apim deletedservice purge --service-name $apim_name --location $location" >&2
  exit 1
fi

if ! deleted=$(az keyvault list-deleted \
  --query "[].[name, properties.location, properties.tags.\"azd-env-name\", properties.scheduledPurgeDate]" \
  --output tsv 2>&1); then
  echo "WARNING: cannot list soft-deleted Key Vaults, so a name still held by purge protection is not checked: $deleted" >&2
  exit 0
fi

# 'kv-' and the 13 characters of the template's resourceToken, then '-suffix' when KEY_VAULT_NAME_SUFFIX is set.
echo "$deleted" | while IFS="$(printf '\t')" read -r name vault_location vault_env purge_date; do
  [ -n "$name" ] || continue
  [ "$vault_env" = "$env_name" ] || continue
  [ "$vault_location" = "$location" ] || continue
  expected="kv-$(printf '%s' "$name" | cut -c4-16)${suffix:+-$suffix}"
  if [ "$name" = "$expected" ]; then
    echo "ERROR: Key Vault $name of environment $env_name is soft-deleted and kept by purge protection until $purge_date;" >&2
    echo "  its name cannot be used again before then. Give the new vault another name and run azd up again:" >&2
    echo "    azd env set KEY_VAULT_NAME_SUFFIX <1 to 7 lower-case letters or digits, not used before, e.g. $(date -u +%m%d)>" >&2
    exit 1
  fi
done || exit 1
