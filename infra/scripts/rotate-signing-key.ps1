# Rotates the token signing secret without breaking a live token: the PowerShell twin of rotate-signing-key.sh, which
# says why each step is there and in this order. It makes the same az and azd calls in the same order;
# tests/Attestation.Infrastructure.Tests runs both against one fake az and compares them. The new value comes from .NET's
# RandomNumberGenerator: base64 of 32 random bytes, as openssl rand -base64 32 gives.
# Run it from the repository with an azd environment selected: pwsh infra/scripts/rotate-signing-key.ps1
. "$PSScriptRoot/signing-key-versions.ps1"

# Adds a new version, through a file only this user can read, and returns its id.
function Add-KeyVersion {
    $file = [System.IO.Path]::GetTempFileName()
    try {
        [System.IO.File]::WriteAllText($file, (New-KeyValue))
        Invoke-Checked az keyvault secret set --vault-name $vault --name $secret --file $file --encoding utf-8 `
            --content-type (Get-KeyContentType) --query id --output tsv
    }
    finally {
        Remove-Item -Force $file
    }
}

# ES256 mode: only a new version (the edge reads the backend's JWKS; there is nothing to pin), as rotate-signing-key.sh.
if ($algorithm -eq 'ES256') {
    $newId = Add-KeyVersion
    Write-Output "New version: $(Get-Version $newId). The app signs with it within its refresh interval and publishes it in its JWKS;"
    Write-Output "the version before it stays in the JWKS, so no live token is refused."
    exit 0
}

$versions = @(Get-EnabledVersions)
if ($versions.Count -eq 0) {
    [Console]::Error.WriteLine("Key Vault holds no enabled version of $secret; nothing was rotated.")
    exit 1
}
$currentId = $versions[-1]
Write-Output "Current version: $(Get-Version $currentId)"

# 1. "previous" := the version that signs now, awaited before the new version exists.
if (-not (Set-Pin previous $currentId)) {
    [Console]::Error.WriteLine("Nothing was rotated. Run the script again.")
    exit 1
}
Invoke-Checked azd env set PREVIOUS_SIGNING_KEY_VERSION_URI $currentId | Out-Null

# 2. A new version.
$newId = Add-KeyVersion
Write-Output "New version: $(Get-Version $newId)"

# 3. "current" := the new version, at once.
if (-not (Set-Pin current $newId)) {
    [Console]::Error.WriteLine("  $(Get-Version $newId) is in Key Vault and the app will sign with it, but the edge does not trust it yet.")
    [Console]::Error.WriteLine("  Fix API Management's access to Key Vault and run infra/scripts/rotate-signing-key.sh again, or run")
    [Console]::Error.WriteLine("  infra/scripts/rollback-signing-key.sh to disable $(Get-Version $newId) and go back to $(Get-Version $currentId) on both sides.")
    exit 1
}
Invoke-Checked azd env set CURRENT_SIGNING_KEY_VERSION_URI $newId | Out-Null
Write-Output "API Management verifies $(Get-Version $newId) and $(Get-Version $currentId); the app signs with $(Get-Version $newId) within its refresh interval."
