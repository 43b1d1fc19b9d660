# Shared by rotate-signing-key.ps1 and rollback-signing-key.ps1 (dot-sourced): the PowerShell twin of
# signing-key-versions.sh, which says why each step is there. It makes the same az and azd calls in the same order.
$ErrorActionPreference = 'Stop'
$PSNativeCommandUseErrorActionPreference = $false

function Invoke-Checked {
    $output = & $args[0] $args[1..($args.Count - 1)]
    if ($LASTEXITCODE -ne 0) { exit 1 }
    return "$output".Trim()
}

$vault = Invoke-Checked azd env get-value AZURE_KEY_VAULT_NAME
$secret = Invoke-Checked azd env get-value SIGNING_SECRET_NAME
# HS256 (the default, and for environments provisioned before the output existed) or ES256 (main.bicep tokenAlgorithm).
$algorithm = "$(& azd env get-value TOKEN_ALGORITHM 2>$null)".Trim()
if ($LASTEXITCODE -ne 0 -or -not $algorithm) { $algorithm = 'HS256' }
$apimId = Invoke-Checked azd env get-value AZURE_API_MANAGEMENT_ID
$apimClientId = Invoke-Checked azd env get-value API_MANAGEMENT_IDENTITY_CLIENT_ID
$apiVersion = '2024-05-01'
$attempts = if ($env:ROTATE_WAIT_ATTEMPTS) { [int]$env:ROTATE_WAIT_ATTEMPTS } else { 60 }
$waitSeconds = if ($env:ROTATE_WAIT_SECONDS) { [int]$env:ROTATE_WAIT_SECONDS } else { 5 }
function Get-Version([string]$Id) { return $Id.Substring($Id.LastIndexOf('/') + 1) }

# The enabled versions' ids, oldest first (the order the app ranks them in).
function Get-EnabledVersions {
    $output = & az keyvault secret list-versions --vault-name $vault --name $secret `
        --query "sort_by([?attributes.enabled], &attributes.created)[].id" --output tsv
    if ($LASTEXITCODE -ne 0) { exit 1 }
    return @($output | ForEach-Object { "$_".Trim() } | Where-Object { $_ })
}

# Points attestation-signing-key-$Name at $Id and waits, bounded, until API Management names it; $false after saying why.
function Set-Pin([string]$Name, [string]$Id) {
    $url = "https://management.azure.com$apimId/namedValues/attestation-signing-key-$Name" + "?api-version=$apiVersion"
    $body = '{"properties":{"keyVault":{"secretIdentifier":"' + $Id + '","identityClientId":"' + $apimClientId + '"}}}'
    & az rest --method patch --url $url --headers "If-Match=*" --body $body --output none | Out-Null
    if ($LASTEXITCODE -ne 0) { return $false }
    $stateQuery = "join(' ', [properties.keyVault.secretIdentifier || '-', properties.provisioningState || '-', properties.keyVault.lastStatus.code || '-'])"
    $attempt = 1
    while ($true) {
        $state = "$(& az rest --method get --url $url --query $stateQuery --output tsv)".Trim()
        if ($LASTEXITCODE -ne 0) { return $false }
        if (@("$Id Succeeded Success", "$Id Succeeded -", "$Id - Success", "$Id - -") -contains $state) { return $true }
        if ($state.StartsWith("$Id Failed ") -or $state.StartsWith("$Id Succeeded ") -or $state.StartsWith("$Id - ")) {
            [Console]::Error.WriteLine("API Management could not read $(Get-Version $Id) from Key Vault for attestation-signing-key-$Name ($state).")
            return $false
        }
        if ($attempt -ge $attempts) {
            [Console]::Error.WriteLine("API Management's attestation-signing-key-$Name does not name $(Get-Version $Id) yet ($state).")
            return $false
        }
        $attempt++
        Start-Sleep -Seconds $waitSeconds
    }
}

# A new key version's value: HS256, base64 of 32 random bytes; ES256, base64 of a P-256 private key in PKCS#8 DER (the
# form SigningKey.FromEcPrivateKey reads), made by .NET as signing-key-versions.sh makes it with openssl. Never printed.
function New-KeyValue {
    if ($algorithm -eq 'ES256') {
        $key = [System.Security.Cryptography.ECDsa]::Create([System.Security.Cryptography.ECCurve+NamedCurves]::nistP256)
        try { return [Convert]::ToBase64String($key.ExportPkcs8PrivateKey()) } finally { $key.Dispose() }
    }
    return [Convert]::ToBase64String([System.Security.Cryptography.RandomNumberGenerator]::GetBytes(32))
}

function Get-KeyContentType {
    if ($algorithm -eq 'ES256') { return 'ES256 key: base64 PKCS#8 of a P-256 private key' }
    return 'HS256 key: base64 of 32 random bytes'
}
