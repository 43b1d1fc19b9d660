# azd postprovision hook for Windows without a POSIX shell: the PowerShell twin of postprovision.sh, which says why each
# step is there. It makes the same az and azd calls in the same order; tests/Attestation.Infrastructure.Tests runs both
# against one fake az and compares them. The random values come from .NET's RandomNumberGenerator (openssl is rarely on
# Windows): base64 of 32 random bytes, as openssl rand -base64 32 gives.
$ErrorActionPreference = 'Stop'
$PSNativeCommandUseErrorActionPreference = $false

$vault = "$env:AZURE_KEY_VAULT_NAME"
if (-not $vault) { [Console]::Error.WriteLine('AZURE_KEY_VAULT_NAME is not set: run azd provision first'); exit 1 }
$signingSecret = if ($env:SIGNING_SECRET_NAME) { $env:SIGNING_SECRET_NAME } else { 'token-signing-key' }
$challengeSecret = if ($env:CHALLENGE_SECRET_NAME) { $env:CHALLENGE_SECRET_NAME } else { 'challenge-key' }
$waitAttempts = if ($env:HOOK_WAIT_ATTEMPTS) { [int]$env:HOOK_WAIT_ATTEMPTS } else { 60 }
$waitSeconds = if ($env:HOOK_WAIT_SECONDS) { [int]$env:HOOK_WAIT_SECONDS } else { 15 }
$provisionAttempts = if ($env:HOOK_PROVISION_ATTEMPTS) { [int]$env:HOOK_PROVISION_ATTEMPTS } else { 6 }
$provisionDelay = if ($env:HOOK_PROVISION_DELAY_SECONDS) { [int]$env:HOOK_PROVISION_DELAY_SECONDS } else { 120 }

. (Join-Path $PSScriptRoot 'check-az-account.ps1')
if (-not (Test-AzAccount)) { exit 1 }

function Set-SecretOnce([string]$Name, [string]$ContentType, [scriptblock]$NewValue) {
    $attempt = 1
    while ($true) {
        $output = (& az keyvault secret show --vault-name $vault --name $Name --query id --output tsv 2>&1 | ForEach-Object { "$_" }) -join "`n"
        if ($LASTEXITCODE -eq 0) {
            Write-Output "Secret $Name exists in $vault."
            return
        }
        if ($output -match 'SecretNotFound|was not found') {
            Write-Output "Creating secret $Name in $vault."
            # GetTempFileName creates the file readable by this user only (mode 600 on Unix, the user's own folder on Windows).
            $file = [System.IO.Path]::GetTempFileName()
            try {
                [System.IO.File]::WriteAllText($file, (& $NewValue))
                & az keyvault secret set --vault-name $vault --name $Name --file $file --encoding utf-8 `
                    --content-type $ContentType --output none
                if ($LASTEXITCODE -ne 0) { exit 1 }
            }
            finally {
                Remove-Item -Force $file
            }
            return
        }
        if ($attempt -ge $waitAttempts) {
            $principal = if ($env:AZURE_PRINCIPAL_ID) { $env:AZURE_PRINCIPAL_ID } else { 'AZURE_PRINCIPAL_ID unset' }
            [Console]::Error.WriteLine("ERROR: cannot read $Name in $vault after $attempt attempts: $output")
            [Console]::Error.WriteLine("  The Key Vault Secrets Officer role goes to azd's principal ($principal)")
            [Console]::Error.WriteLine("  and az must act as that principal; if it does, the role has not applied yet: run azd provision again.")
            exit 1
        }
        Write-Output "Waiting for Key Vault access to apply ($attempt/$waitAttempts, up to $($waitAttempts * $waitSeconds) s)..."
        $attempt++
        Start-Sleep -Seconds $waitSeconds
    }
}

# HS256: base64 of 32 random bytes. ES256 (TOKEN_ALGORITHM, an output of main.bicep): a P-256 private key, base64 PKCS#8.
$random32Bytes = { [Convert]::ToBase64String([System.Security.Cryptography.RandomNumberGenerator]::GetBytes(32)) }
$p256PrivateKey = {
    $key = [System.Security.Cryptography.ECDsa]::Create([System.Security.Cryptography.ECCurve+NamedCurves]::nistP256)
    try { [Convert]::ToBase64String($key.ExportPkcs8PrivateKey()) } finally { $key.Dispose() }
}
if ($env:TOKEN_ALGORITHM -eq 'ES256') {
    Set-SecretOnce $signingSecret 'ES256 key: base64 PKCS#8 of a P-256 private key' $p256PrivateKey
}
else {
    Set-SecretOnce $signingSecret 'HS256 key: base64 of 32 random bytes' $random32Bytes
}
Set-SecretOnce $challengeSecret 'Challenge MAC key: base64 of 32 random bytes' $random32Bytes

if ($env:SIGNING_SECRET_READY -ne 'true') {
    & azd env set SIGNING_SECRET_READY true
    if ($LASTEXITCODE -ne 0) { exit 1 }
    $attempt = 1
    while ($true) {
        & azd provision --no-prompt
        if ($LASTEXITCODE -eq 0) { break }
        if ($attempt -ge $provisionAttempts) {
            [Console]::Error.WriteLine("ERROR: the second provision failed $attempt times. If the errors above say API Management cannot read the")
            [Console]::Error.WriteLine("  Key Vault secret, its role has not applied yet: wait a few minutes and run azd provision again.")
            exit 1
        }
        Write-Output "The second provision failed ($attempt/$provisionAttempts). API Management's Key Vault role, created in it, can"
        Write-Output "take up to about 10 minutes to apply; provisioning again in $provisionDelay s..."
        $attempt++
        Start-Sleep -Seconds $provisionDelay
    }
}
exit 0
