# Dot-sourced by the azd hooks (not run on its own); the PowerShell twin of check-az-account.sh, which says why: the
# hooks use `az`, but azd gives the deployer's Key Vault role to the principal azd is signed in as (AZURE_PRINCIPAL_ID)
# in azd's tenant and subscription. Stops at once, saying which is which, when `az` is signed in as anyone else.
function Test-AzAccount {
    $account = @(& az account show --query "[tenantId, id, user.name, user.type]" --output tsv 2>&1 | ForEach-Object { "$_" })
    if ($LASTEXITCODE -ne 0) {
        [Console]::Error.WriteLine("ERROR: az is not signed in: $($account -join "`n")")
        [Console]::Error.WriteLine("  Sign az in as the account azd uses (azd auth login): az login, or az login --service-principal in CI.")
        return $false
    }
    $azTenant, $azSubscription, $azUser, $azUserType = ($account + @('', '', '', ''))[0..3]
    if ($env:AZURE_TENANT_ID -and $azTenant -ne $env:AZURE_TENANT_ID) {
        [Console]::Error.WriteLine("ERROR: az is signed in to tenant $azTenant, azd to tenant $env:AZURE_TENANT_ID.")
        [Console]::Error.WriteLine("  Sign az in to azd's tenant: az login --tenant $env:AZURE_TENANT_ID")
        return $false
    }
    if ($env:AZURE_SUBSCRIPTION_ID -and $azSubscription -ne $env:AZURE_SUBSCRIPTION_ID) {
        [Console]::Error.WriteLine("ERROR: az uses subscription $azSubscription, azd subscription $env:AZURE_SUBSCRIPTION_ID.")
        [Console]::Error.WriteLine("  Run: az account set --subscription $env:AZURE_SUBSCRIPTION_ID")
        return $false
    }
    if ($env:AZURE_PRINCIPAL_ID) {
        $azObject = ''
        if ($azUserType -eq 'user') {
            $azObject = "$(& az ad signed-in-user show --query id --output tsv 2>$null)".Trim()
            if ($LASTEXITCODE -ne 0) { $azObject = '' }
        }
        elseif ($azUserType -eq 'servicePrincipal') {
            $azObject = "$(& az ad sp show --id $azUser --query id --output tsv 2>$null)".Trim()
            if ($LASTEXITCODE -ne 0) { $azObject = '' }
        }
        if ($azObject -and $azObject -ne $env:AZURE_PRINCIPAL_ID) {
            [Console]::Error.WriteLine("ERROR: az is signed in as $azUser (object id $azObject), but azd as the principal $env:AZURE_PRINCIPAL_ID,")
            [Console]::Error.WriteLine("  which is the one given the Key Vault role. Sign both in as the same account (azd auth login, az login).")
            return $false
        }
    }
    return $true
}
