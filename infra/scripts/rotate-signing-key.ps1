# Rotates the token signing secret without breaking a live token: the PowerShell twin of rotate-signing-key.sh, which
# says why each step is there and in this order. It makes the same az and azd calls in the same order;
# tests/Attestation.Infrastructure.Tests runs both against one fake az and compares them. The new value comes from .NET's
# RandomNumberGenerator: base64 of 32 random bytes, as openssl rand -base64 32 gives.
# Run it from the repository with an azd environment selected: pwsh infra/scripts/rotate-signing-key.ps1
$ErrorActionPreference = 'Stop'
$PSNativeCommandUseErrorActionPreference = $false

function Invoke-Checked {
    $output = & $args[0] $args[1..($args.Count - 1)]
    if ($LASTEXITCODE -ne 0) { exit 1 }
    return "$output".Trim()
}

$vault = Invoke-Checked azd env get-value AZURE_KEY_VAULT_NAME
$secret = Invoke-Checked azd env get-value SIGNING_SECRET_NAME
$apimId = Invoke-Checked azd env get-value AZURE_API_MANAGEMENT_ID
$apimClientId = Invoke-Checked azd env get-value API_MANAGEMENT_IDENTITY_CLIENT_ID
$apiVersion = '2024-05-01'
$attempts = if ($env:ROTATE_WAIT_ATTEMPTS) { [int]$env:ROTATE_WAIT_ATTEMPTS } else { 60 }
$waitSeconds = if ($env:ROTATE_WAIT_SECONDS) { [int]$env:ROTATE_WAIT_SECONDS } else { 5 }
function Get-Version([string]$Id) { return $Id.Substring($Id.LastIndexOf('/') + 1) }

$currentId = Invoke-Checked az keyvault secret show --vault-name $vault --name $secret --query id --output tsv
Write-Output "Current version: $(Get-Version $currentId)"

# 1. "previous" := the version that signs now, unconditionally (If-Match: *), awaited before anything else.
$previousUrl = "https://management.azure.com$apimId/namedValues/attestation-signing-key-previous?api-version=$apiVersion"
$body = '{"properties":{"keyVault":{"secretIdentifier":"' + $currentId + '","identityClientId":"' + $apimClientId + '"}}}'
Invoke-Checked az rest --method patch --url $previousUrl --headers "If-Match=*" --body $body --output none | Out-Null
$attempt = 1
while ($true) {
    $state = Invoke-Checked az rest --method get --url $previousUrl `
        --query "join(' ', [properties.keyVault.secretIdentifier || '', properties.provisioningState || ''])" --output tsv
    if ($state -eq $currentId -or $state -eq "$currentId Succeeded") { break }
    if ($attempt -ge $attempts) {
        [Console]::Error.WriteLine("API Management's attestation-signing-key-previous does not name $currentId yet ($state); nothing was rotated. Run the script again.")
        exit 1
    }
    $attempt++
    Start-Sleep -Seconds $waitSeconds
}
Invoke-Checked azd env set PREVIOUS_SIGNING_KEY_VERSION_URI $currentId | Out-Null

# 2. A new version, through a file only this user can read.
$file = [System.IO.Path]::GetTempFileName()
try {
    [System.IO.File]::WriteAllText($file, [Convert]::ToBase64String([System.Security.Cryptography.RandomNumberGenerator]::GetBytes(32)))
    $newId = Invoke-Checked az keyvault secret set --vault-name $vault --name $secret --file $file --encoding utf-8 `
        --content-type "HS256 key: base64 of 32 random bytes" --query id --output tsv
}
finally {
    Remove-Item -Force $file
}
Write-Output "New version: $(Get-Version $newId)"

# 3. "current" follows the newest version: refresh it now, and wait until API Management reports the refresh.
$currentUrl = "https://management.azure.com$apimId/namedValues/attestation-signing-key-current"
$statusQuery = "join(' ', [properties.keyVault.lastStatus.code || '', properties.keyVault.lastStatus.timeStampUtc || ''])"
$before = Invoke-Checked az rest --method get --url "${currentUrl}?api-version=$apiVersion" --query $statusQuery --output tsv
Invoke-Checked az rest --method post --url "$currentUrl/refreshSecret?api-version=$apiVersion" --output none | Out-Null
$attempt = 1
while ($true) {
    $status = Invoke-Checked az rest --method get --url "${currentUrl}?api-version=$apiVersion" --query $statusQuery --output tsv
    $stamp = if ($status.Contains(' ')) { $status.Substring($status.IndexOf(' ') + 1) } else { '' }
    if ($status -ne $before -and $stamp) {
        if ($status.StartsWith('Success ')) { break }
        [Console]::Error.WriteLine("API Management could not refresh attestation-signing-key-current from Key Vault: $status.")
        [Console]::Error.WriteLine("  $(Get-Version $newId) is in Key Vault and `"previous`" names $(Get-Version $currentId): fix the access and run")
        [Console]::Error.WriteLine("  az rest --method post --url `"$currentUrl/refreshSecret?api-version=$apiVersion`"")
        exit 1
    }
    if ($attempt -ge $attempts) {
        [Console]::Error.WriteLine("API Management has not reported the refresh of attestation-signing-key-current yet ($status); it refreshes within")
        [Console]::Error.WriteLine("  4 hours by itself. Tokens signed with $(Get-Version $newId) are refused at the edge until then.")
        exit 1
    }
    $attempt++
    Start-Sleep -Seconds $waitSeconds
}
Write-Output "API Management verifies $(Get-Version $newId) and $(Get-Version $currentId); the app signs with $(Get-Version $newId) within its refresh interval."
