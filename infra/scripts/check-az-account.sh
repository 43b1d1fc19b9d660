# Sourced by the azd hooks (not run on its own). The hooks use `az`, but azd gives the deployer's Key Vault role to the
# principal azd is signed in as (AZURE_PRINCIPAL_ID) in azd's tenant and subscription: if `az` is signed in as someone
# else, or elsewhere, the hook would wait for access that never comes. So it stops at once and says which is which.
# Compares what azd put in the environment (AZURE_TENANT_ID, AZURE_SUBSCRIPTION_ID, AZURE_PRINCIPAL_ID; each only when
# set) with `az account show`; the principal's object id is looked up only where az can read it (a service principal
# without directory read access cannot), and skipped otherwise.
check_az_account() {
  if ! account=$(az account show --query "[tenantId, id, user.name, user.type]" --output tsv 2>&1); then
    echo "ERROR: az is not signed in: $account" >&2
    echo "  Sign az in as the account azd uses (azd auth login): az login, or az login --service-principal in CI." >&2
    return 1
  fi
  az_tenant=$(printf '%s\n' "$account" | sed -n 1p)
  az_subscription=$(printf '%s\n' "$account" | sed -n 2p)
  az_user=$(printf '%s\n' "$account" | sed -n 3p)
  az_user_type=$(printf '%s\n' "$account" | sed -n 4p)
  if [ -n "${AZURE_TENANT_ID:-}" ] && [ "$az_tenant" != "$AZURE_TENANT_ID" ]; then
    echo "ERROR: az is signed in to tenant $az_tenant, azd to tenant $AZURE_TENANT_ID." >&2
    echo "  Sign az in to azd's tenant: az login --tenant $AZURE_TENANT_ID" >&2
    return 1
  fi
  if [ -n "${AZURE_SUBSCRIPTION_ID:-}" ] && [ "$az_subscription" != "$AZURE_SUBSCRIPTION_ID" ]; then
    echo "ERROR: az uses subscription $az_subscription, azd subscription $AZURE_SUBSCRIPTION_ID." >&2
    echo "  Run: az account set --subscription $AZURE_SUBSCRIPTION_ID" >&2
    return 1
  fi
  if [ -n "${AZURE_PRINCIPAL_ID:-}" ]; then
    case "$az_user_type" in
      user) az_object=$(az ad signed-in-user show --query id --output tsv 2>/dev/null) || az_object="" ;;
      servicePrincipal) az_object=$(az ad sp show --id "$az_user" --query id --output tsv 2>/dev/null) || az_object="" ;;
      *) az_object="" ;;
    esac
    if [ -n "$az_object" ] && [ "$az_object" != "$AZURE_PRINCIPAL_ID" ]; then
      echo "ERROR: az is signed in as $az_user (object id $az_object), but azd as the principal $AZURE_PRINCIPAL_ID," >&2
      echo "  which is the one given the Key Vault role. Sign both in as the same account (azd auth login, az login)." >&2
      return 1
    fi
  fi
  return 0
}
