# azd preprovision hook for Windows without a POSIX shell: the PowerShell twin of preprovision.sh, which says what each
# check is for. It makes the same az calls in the same order; tests/Attestation.Infrastructure.Tests runs both against
# one fake az and compares them.
$ErrorActionPreference = 'Stop'
$PSNativeCommandUseErrorActionPreference = $false

. (Join-Path $PSScriptRoot 'check-az-account.ps1')
if (-not (Test-AzAccount)) { exit 1 }

$envName = "$env:AZURE_ENV_NAME"
$location = "$env:AZURE_LOCATION"
$suffix = "$env:KEY_VAULT_NAME_SUFFIX"
if (-not $envName -or -not $location) { exit 0 }

$apimName = "$env:AZURE_API_MANAGEMENT_NAME"
$groupExists = ''
if ($env:SIGNING_SECRET_READY -eq 'true' -or $apimName) {
    $groupExists = "$(& az group exists --name "rg-$envName" 2>$null)".Trim()
    if ($LASTEXITCODE -ne 0) { $groupExists = '' }
}

if ($env:SIGNING_SECRET_READY -eq 'true' -and $groupExists -eq 'false') {
    [Console]::Error.WriteLine("ERROR: rg-$envName does not exist (after azd down?), but SIGNING_SECRET_READY is still true.")
    [Console]::Error.WriteLine("  Run: azd env set SIGNING_SECRET_READY false   and then azd up again.")
    exit 1
}

if ($apimName -and $groupExists -eq 'false') {
    $purgeDate = "$(& az apim deletedservice show `
        --service-name $apimName --location $location --query scheduledPurgeDate --output tsv 2>$null)".Trim()
    if ($LASTEXITCODE -eq 0) {
        [Console]::Error.WriteLine("ERROR: API Management $apimName of environment $envName is soft-deleted until $purgeDate (azd down without")
        [Console]::Error.WriteLine("  --purge), and a new one cannot take its name before then. Purge it and run azd up again:")
        [Console]::Error.WriteLine("    az apim deletedservice purge --service-name $apimName --location $location")
        exit 1
    }
}

$deleted = @(& az keyvault list-deleted `
        --query '[].[name, properties.location, properties.tags."azd-env-name", properties.scheduledPurgeDate]' `
        --output tsv 2>&1 | ForEach-Object { "$_" })
if ($LASTEXITCODE -ne 0) {
    [Console]::Error.WriteLine("WARNING: cannot list soft-deleted Key Vaults, so a name still held by purge protection is not checked: $($deleted -join "`n")")
    exit 0
}

foreach ($line in $deleted) {
    $name, $vaultLocation, $vaultEnv, $purgeDate = (($line -split "`t") + @('', '', '', ''))[0..3]
    if (-not $name -or $vaultEnv -ne $envName -or $vaultLocation -ne $location) { continue }
    # 'kv-' and the 13 characters of the template's resourceToken, then '-suffix' when KEY_VAULT_NAME_SUFFIX is set.
    $token = $name.Substring(3, [Math]::Min(13, $name.Length - 3))
    $expected = if ($suffix) { "kv-$token-$suffix" } else { "kv-$token" }
    if ($name -eq $expected) {
        [Console]::Error.WriteLine("ERROR: Key Vault $name of environment $envName is soft-deleted and kept by purge protection until $purgeDate;")
        [Console]::Error.WriteLine("  its name cannot be used again before then. Give the new vault another name and run azd up again:")
        [Console]::Error.WriteLine("    azd env set KEY_VAULT_NAME_SUFFIX <1 to 7 lower-case letters or digits, not used before, e.g. $((Get-Date).ToUniversalTime().ToString('MMdd'))>")
        exit 1
    }
}
exit 0
