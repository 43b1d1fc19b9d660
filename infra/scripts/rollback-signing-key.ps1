# Rolls the token signing secret back one version on both sides: the PowerShell twin of rollback-signing-key.sh, which
# says why each step is there and in this order. It makes the same az and azd calls in the same order.
# Run it from the repository with an azd environment selected: pwsh infra/scripts/rollback-signing-key.ps1
. "$PSScriptRoot/signing-key-versions.ps1"

$versions = @(Get-EnabledVersions)
if ($versions.Count -lt 2) {
    [Console]::Error.WriteLine("Key Vault holds $($versions.Count) enabled version(s) of ${secret}: there is none to roll back to; nothing was changed.")
    exit 1
}
$newest = $versions[-1]
$target = $versions[-2]
$older = if ($versions.Count -ge 3) { $versions[-3] } else { $target }
Write-Output "Rolling back from $(Get-Version $newest) to $(Get-Version $target) (previous: $(Get-Version $older))."

# ES256 mode: nothing is pinned at the edge, so disabling the newest version is the rollback (rollback-signing-key.sh).
if ($algorithm -eq 'ES256') {
    Invoke-Checked az keyvault secret set-attributes --id $newest --enabled false --output none | Out-Null
    Write-Output "$(Get-Version $newest) is disabled; the app signs with $(Get-Version $target) and publishes $(Get-Version $target) and $(Get-Version $older) within its refresh interval."
    exit 0
}

if (-not (Set-Pin current $target)) {
    [Console]::Error.WriteLine("Nothing was disabled in Key Vault. Run the script again.")
    exit 1
}
Invoke-Checked azd env set CURRENT_SIGNING_KEY_VERSION_URI $target | Out-Null
if (-not (Set-Pin previous $older)) {
    [Console]::Error.WriteLine("Nothing was disabled in Key Vault. Run the script again.")
    exit 1
}
Invoke-Checked azd env set PREVIOUS_SIGNING_KEY_VERSION_URI $older | Out-Null

Invoke-Checked az keyvault secret set-attributes --id $newest --enabled false --output none | Out-Null
Write-Output "API Management verifies $(Get-Version $target) and $(Get-Version $older); $(Get-Version $newest) is disabled, and the app signs with $(Get-Version $target) within its refresh interval."
