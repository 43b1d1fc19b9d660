// The whole attestation backend in one deployment (azd up, or az deployment sub create): a resource group with the Function
// App (Flex Consumption, .NET 10 isolated), Storage, Key Vault, Application Insights and API Management, wired with
// user-assigned managed identities and role assignments. No connection string with a key anywhere (the only stored
// credentials are Key Vault secrets: the token signing secret the azd hook creates and any Play Integrity keys):
// tests/Attestation.Infrastructure.Tests checks the compiled template for it.
targetScope = 'subscription'

@minLength(1)
@maxLength(64)
@description('Name of the environment (azd AZURE_ENV_NAME); names the resource group and seeds the resource names.')
param environmentName string

// Regions with both the Flex Consumption plan and the API Management Consumption tier, so that a region without one of
// them fails at validation, before anything is created, rather than halfway through. A deliberately short list of
// long-established regions believed to offer both: each is in the location allowed list of Microsoft's Flex Consumption
// quickstart for azd (Azure-Samples/functions-quickstart-dotnet-azd, infra/main.bicep); the API Management Consumption
// tier in each could not be checked against live data here (no Azure access), and the list may lag Microsoft's. To use another region, check that it offers both (for
// Flex Consumption, `az functionapp list-flexconsumption-locations`), then add it here.
@minLength(1)
@description('Azure region of every resource: one with both Flex Consumption and the API Management Consumption tier.')
@allowed([
  'australiaeast'
  'eastasia'
  'eastus'
  'eastus2'
  'northcentralus'
  'northeurope'
  'southeastasia'
  'uksouth'
  'westeurope'
  'westus2'
])
@metadata({
  azd: {
    type: 'location'
  }
})
param location string

@description('Principal id of the deploying user or pipeline (azd sets AZURE_PRINCIPAL_ID): may create and rotate the signing secret.')
param principalId string = ''

// azd puts the signed-in account's type in AZURE_PRINCIPAL_TYPE (main.parameters.json maps it): a pipeline signed in as a
// service principal gets 'ServicePrincipal', whose role assignment would fail with UnmatchedPrincipalType as 'User'.
@description('Type of the deploying principal (azd sets AZURE_PRINCIPAL_TYPE): User for a person, ServicePrincipal for a pipeline.')
@allowed([
  'User'
  'ServicePrincipal'
])
param principalType string = 'User'

@description('API Management SKU. Consumption (default) costs nothing at rest; any other SKU adds per-IP and per-device rate limits.')
@allowed([
  'Consumption'
  'Developer'
  'Basic'
  'Standard'
  'Premium'
  'BasicV2'
  'StandardV2'
])
param apiManagementSku string = 'Consumption'

@description('E-mail address of the API publisher.')
param apiManagementPublisherEmail string = 'attestation-admin@contoso.com'

@description('Name of the API publisher.')
param apiManagementPublisherName string = 'Contoso'

@description('Set by the postprovision hook once the signing secret exists: the Key Vault named values, the token fragments and the sample API are deployed from then on.')
param signingSecretReady bool = false

@description('Whether to deploy the sample protected API (GET /sample/whoami, behind a subscription key). Off by default: it answers anyone with a valid token with the token\'s claims.')
param deploySampleApi bool = false

// Strings rather than arrays, for the reason verifyKeySha256 is one: read as comma-separated lists.
@description('App ids whose tokens the sample API accepts, comma-separated: the worked example of protecting an API for one app.')
@minLength(1)
param sampleApiAppIds string = 'com.contoso.demo'

@description('Platforms whose tokens the sample API accepts (e.g. apple-app-attest,android-key-attestation), comma-separated. Empty: any.')
param sampleApiPlatforms string = ''

@description('Calls a minute per subscription key to the sample API: rate-limit, which every SKU has, Consumption included.')
@minValue(1)
param subscriptionCallsPerMinute int = 600

@description('Versioned id of the signing secret version API Management trusts as current, set by infra/scripts/rotate-signing-key.sh and rollback-signing-key.sh. Empty until the first rotation: the newest version.')
param currentSigningKeyVersionUri string = ''

@description('Versioned id of the previous signing secret version, set by infra/scripts/rotate-signing-key.sh and rollback-signing-key.sh. Empty until the first rotation.')
param previousSigningKeyVersionUri string = ''

// docs/api.md "The token". HS256: the edge (API Management) reads the secret from Key Vault to check tokens. ES256: the
// private key never leaves the backend; the edge checks tokens with the public keys the backend publishes
// (/api/.well-known/openid-configuration, reached through API Management's attestation API) and holds no secret at all.
@description('How tokens are signed (Attestation__Token__Algorithm): HS256 (a shared secret) or ES256 (a P-256 key; the edge needs no secret).')
@allowed([
  'HS256'
  'ES256'
])
param tokenAlgorithm string = 'HS256'

@description('Name of the signing secret in Key Vault (HS256: base64 of 32 random bytes). ES256 uses <name>-es256, holding base64 PKCS#8 of a P-256 private key.')
param signingSecretName string = 'token-signing-key'

// The challenge MAC key lives in the signing key's vault (the backend reads both through one Key Vault client), and only
// the Function App reads it: API Management's role covers the signing secret alone.
@description('Name of the challenge MAC key secret in Key Vault (Attestation__ChallengeKey__SecretName); the postprovision hook creates it once.')
param challengeSecretName string = 'challenge-key'

@description('How often the app reads the secret versions again (hh:mm:ss): a rotation takes effect within this interval.')
param signingKeyRefreshInterval string = '00:05:00'

@description('The iss claim of every token. Empty: api://<function app name>.')
param tokenIssuer string = ''

@description('The aud claim of every token: what your APIs accept.')
param tokenAudience string = 'api://contoso-apis'

@description('Token lifetime (hh:mm:ss, at most 01:00:00).')
param tokenLifetime string = '00:05:00'

@description('Challenge lifetime (hh:mm:ss).')
param challengeLifetime string = '00:05:00'

@description('Clock skew, in seconds, tolerated by the backend and by validate-jwt at the edge.')
@minValue(0)
@maxValue(300)
param tokenClockSkewSeconds int = 0

@description('Header that carries the attestation token to a protected API.')
param tokenHeaderName string = 'Attestation-Token'

@description('Whether the edge refuses requests without a valid attestation token (named value attestation-token-enforce). False is a rollout mode: requests go through with Attestation-Token-Enforcement: off, and the API behind (Attestation.AspNetCore with Enforce false) logs and counts what would be refused.')
param tokenEnforce bool = true

@description('Calls a minute per client IP to the attestation API (SKUs other than Consumption).')
@minValue(1)
param attestationCallsPerMinute int = 60

@description('Calls a minute per device to a protected API (SKUs other than Consumption).')
@minValue(1)
param deviceCallsPerMinute int = 120

@description('Prefix of the backend\'s table names.')
param tablePrefix string = ''

@description('Directory (tenant) id whose Entra ID tokens the backend accepts for verify and the admin API (AzureAd__TenantId). Empty: the subscription\'s tenant.')
param entraTenantId string = subscription().tenantId

@description('Application (client) id of the API\'s app registration in Entra ID, with the app roles Attestation.Admin, Attestation.DebugTokens and Attestation.Verify (AzureAd__ClientId). Empty: no bearer token is accepted, so the admin API is closed and verify takes only the keys of verifyKeySha256 (none: verify refuses every caller).')
param entraApiClientId string = ''

// A string, not an array: see verifyKeyHashes.
@description('Hex SHA-256 (64 hex digits) of each key that may call verify without an Entra ID token (Attestation__Auth__VerifyKeySha256__N), comma-separated. Hashes only, never the keys.')
param verifyKeySha256 string = ''

// A string holding a JSON object, not an object, for the reason verifyKeySha256 is a string: azd releases before about
// February 2026 pass an object parameter's azd environment value through as a string, which ARM refuses.
@description('More app settings for the Function App, as the text of a JSON object (azd ADDITIONAL_APP_SETTINGS), e.g. service-wide platform settings: {"Attestation__PlayIntegrity__Timeout": "00:00:10"}. Empty: none. Every provision writes the whole set of app settings, so a setting added anywhere else (the portal) is removed by the next provision.')
param additionalAppSettings string = ''

// Purge protection keeps a deleted vault's name taken for its retention (90 days), and the name is fixed per subscription,
// environment and region: after `azd down`, the same environment could not create its vault again. A new suffix gives
// it a new name; infra/scripts/preprovision.sh stops a provision that would collide and says which suffix to set.
// Empty (the default) keeps the name of every vault deployed before this parameter existed.
@description('Suffix of the Key Vault name after a redeployment whose old vault is still soft-deleted (azd KEY_VAULT_NAME_SUFFIX): lower-case letters and digits.')
@maxLength(7)
param keyVaultNameSuffix string = ''

// 40 is the lowest maximum Flex Consumption accepts for dotnet-isolated 10.0 (the per-stack lower bound in Microsoft's
// function app stacks data); a smaller value fails the deployment after the plan is created.
@description('Most instances the Function App scales out to (Flex Consumption: 40 to 1000 for dotnet-isolated).')
@minValue(40)
@maxValue(1000)
param maximumInstanceCount int = 100

@description('Memory of each Function App instance, in MB.')
@allowed([
  512
  2048
  4096
])
param instanceMemoryMB int = 2048

@description('E-mail address that receives the operators\' alerts (azd ALERT_EMAIL). Empty: no action group and no alert rules, the workbook only (README, "Operations").')
param alertEmail string = ''

var resourceToken = toLower(uniqueString(subscription().id, environmentName, location))
var tags = {
  'azd-env-name': environmentName
}
var functionAppName = 'func-${resourceToken}'
// At most 24 characters: 'kv-', 13 of resourceToken, '-' and at most 7 of the suffix.
var keyVaultName = empty(keyVaultNameSuffix) ? 'kv-${resourceToken}' : 'kv-${resourceToken}-${keyVaultNameSuffix}'
var deploymentContainerName = 'app-package-${resourceToken}'
var effectiveTokenIssuer = empty(tokenIssuer) ? 'api://${functionAppName}' : tokenIssuer

// Each algorithm has its own secret, so switching a deployment never reads a version of the other kind as a key. The
// output SIGNING_SECRET_NAME comes back through main.parameters.json on the next provision, already suffixed.
var effectiveSigningSecretName = tokenAlgorithm == 'ES256' && !endsWith(signingSecretName, '-es256') ? '${signingSecretName}-es256' : signingSecretName

// ES256: the discovery document and the JWKS as API Management publishes them (attestation API, GET operations). The
// Function App answers only API Management, so the edge and every API fetch them through the gateway, and the backend
// names this jwks_uri (Attestation__Token__JwksUri) rather than its own host name.
var apiManagementName = 'apim-${resourceToken}'
var wellKnownBaseUrl = 'https://${apiManagementName}.azure-api.net/attestation/.well-known'
var openIdConfigurationUrl = tokenAlgorithm == 'ES256' ? '${wellKnownBaseUrl}/openid-configuration' : ''
var jwksUrl = tokenAlgorithm == 'ES256' ? '${wellKnownBaseUrl}/jwks.json' : ''
// azd releases before about February 2026 pass an array parameter's azd environment value through as a string, which ARM
// then refuses; a string parameter reaches the template the same way from every azd. So the key hashes arrive as text:
// comma-separated ("a,b"), or the JSON array the README once asked for ('["a","b"]'): brackets, quotes and spaces are
// dropped (a hex hash has none), empty items skipped. A malformed hash still stops the app at start. (Inline rather than a
// user-defined function, which would switch the compiled template to languageVersion 2.0.)
var verifyKeyHashes = filter(split(replace(replace(replace(replace(verifyKeySha256, '[', ''), ']', ''), '"', ''), ' ', ''), ','), hash => !empty(hash))
var sampleAppIds = filter(map(split(sampleApiAppIds, ','), id => trim(id)), id => !empty(id))
var samplePlatforms = filter(map(split(sampleApiPlatforms, ','), p => trim(p)), p => !empty(p))
var additionalSettings = json(empty(trim(additionalAppSettings)) ? '{}' : additionalAppSettings)
// azd passes an unset ENTRA_TENANT_ID as '', which would replace the parameter's default.
var effectiveEntraTenantId = empty(entraTenantId) ? subscription().tenantId : entraTenantId

// The edge id that API Management sends in X-Azure-FDID and the Function App's access restriction requires (issue 16,
// finding 4): stable across provisions (nothing to create, store or rotate), and derived from the object ids of the two
// managed identities, random GUIDs that no caller of the APIs sees. It is a gate, not a credential: whoever may read the
// resource group can read it (in the Function App's access restrictions) and could as well change them, so it keeps out
// the internet, not the subscription's own principals; verify and the admin API keep their own checks behind it.
var edgeId = guid(identities.outputs.apiManagementIdentityPrincipalId, identities.outputs.functionIdentityPrincipalId, 'attestation-edge')

resource resourceGroup 'Microsoft.Resources/resourceGroups@2024-03-01' = {
  name: 'rg-${environmentName}'
  location: location
  tags: tags
}

module identities 'modules/identities.bicep' = {
  name: 'identities'
  scope: resourceGroup
  params: {
    location: location
    tags: tags
    functionIdentityName: 'id-func-${resourceToken}'
    apiManagementIdentityName: 'id-apim-${resourceToken}'
  }
}

module monitoring 'modules/monitoring.bicep' = {
  name: 'monitoring'
  scope: resourceGroup
  params: {
    location: location
    tags: tags
    logAnalyticsName: 'log-${resourceToken}'
    applicationInsightsName: 'appi-${resourceToken}'
    functionPrincipalId: identities.outputs.functionIdentityPrincipalId
  }
}

module workbook 'modules/workbook.bicep' = {
  name: 'workbook'
  scope: resourceGroup
  params: {
    location: location
    tags: tags
    applicationInsightsId: monitoring.outputs.applicationInsightsId
  }
}

module alerts 'modules/alerts.bicep' = if (!empty(alertEmail)) {
  name: 'alerts'
  scope: resourceGroup
  params: {
    location: location
    tags: tags
    applicationInsightsId: monitoring.outputs.applicationInsightsId
    actionGroupName: 'ag-${resourceToken}'
    alertEmail: alertEmail
    ruleNamePrefix: 'alert-${resourceToken}'
  }
}

module storage 'modules/storage.bicep' = {
  name: 'storage'
  scope: resourceGroup
  params: {
    location: location
    tags: tags
    storageAccountName: 'st${resourceToken}'
    deploymentContainerName: deploymentContainerName
    tablePrefix: tablePrefix
    functionPrincipalId: identities.outputs.functionIdentityPrincipalId
  }
}

module keyVault 'modules/keyvault.bicep' = {
  name: 'keyvault'
  scope: resourceGroup
  params: {
    location: location
    tags: tags
    keyVaultName: keyVaultName
    functionPrincipalId: identities.outputs.functionIdentityPrincipalId
    apiManagementPrincipalId: identities.outputs.apiManagementIdentityPrincipalId
    signingSecretName: effectiveSigningSecretName
    signingSecretReady: signingSecretReady
    tokenAlgorithm: tokenAlgorithm
    deployerPrincipalId: principalId
    deployerPrincipalType: principalType
  }
}

module functionApp 'modules/function-app.bicep' = {
  name: 'function-app'
  scope: resourceGroup
  params: {
    location: location
    tags: tags
    planName: 'plan-${resourceToken}'
    functionAppName: functionAppName
    identityId: identities.outputs.functionIdentityId
    identityClientId: identities.outputs.functionIdentityClientId
    storageAccountName: storage.outputs.storageAccountName
    blobEndpoint: storage.outputs.blobEndpoint
    tableEndpoint: storage.outputs.tableEndpoint
    deploymentContainerName: deploymentContainerName
    applicationInsightsConnectionString: monitoring.outputs.applicationInsightsConnectionString
    keyVaultUri: keyVault.outputs.keyVaultUri
    signingSecretName: effectiveSigningSecretName
    challengeSecretName: challengeSecretName
    signingKeyRefreshInterval: signingKeyRefreshInterval
    tokenIssuer: effectiveTokenIssuer
    tokenAudience: tokenAudience
    tokenAlgorithm: tokenAlgorithm
    jwksUrl: jwksUrl
    tokenLifetime: tokenLifetime
    tokenClockSkew: '00:${padLeft(string(tokenClockSkewSeconds / 60), 2, '0')}:${padLeft(string(tokenClockSkewSeconds % 60), 2, '0')}'
    challengeLifetime: challengeLifetime
    tablePrefix: tablePrefix
    entraInstance: environment().authentication.loginEndpoint
    entraTenantId: effectiveEntraTenantId
    entraApiClientId: entraApiClientId
    verifyKeySha256: verifyKeyHashes
    additionalAppSettings: additionalSettings
    maximumInstanceCount: maximumInstanceCount
    instanceMemoryMB: instanceMemoryMB
    edgeId: edgeId
  }
}

module apiManagement 'modules/api-management.bicep' = {
  name: 'api-management'
  scope: resourceGroup
  params: {
    location: location
    tags: tags
    apiManagementName: apiManagementName
    sku: apiManagementSku
    publisherEmail: apiManagementPublisherEmail
    publisherName: apiManagementPublisherName
    identityId: identities.outputs.apiManagementIdentityId
    identityClientId: identities.outputs.apiManagementIdentityClientId
    functionAppHostName: functionApp.outputs.defaultHostName
    keyVaultUri: keyVault.outputs.keyVaultUri
    signingSecretName: effectiveSigningSecretName
    signingSecretReady: signingSecretReady
    currentSigningKeyVersionUri: currentSigningKeyVersionUri
    deploySampleApi: deploySampleApi
    sampleApiAppIds: sampleAppIds
    sampleApiPlatforms: samplePlatforms
    subscriptionCallsPerMinute: subscriptionCallsPerMinute
    previousSigningKeyVersionUri: previousSigningKeyVersionUri
    tokenIssuer: effectiveTokenIssuer
    tokenAudience: tokenAudience
    tokenAlgorithm: tokenAlgorithm
    openIdConfigurationUrl: openIdConfigurationUrl
    tokenHeaderName: tokenHeaderName
    tokenEnforce: tokenEnforce
    tokenClockSkewSeconds: tokenClockSkewSeconds
    edgeId: edgeId
    attestationCallsPerMinute: attestationCallsPerMinute
    deviceCallsPerMinute: deviceCallsPerMinute
  }
}

// Outputs in UPPER_SNAKE: azd stores them in the environment, where the hooks and scripts read them.
output AZURE_LOCATION string = location
output AZURE_RESOURCE_GROUP string = resourceGroup.name
output AZURE_FUNCTION_APP_NAME string = functionApp.outputs.functionAppName
output AZURE_STORAGE_ACCOUNT_NAME string = storage.outputs.storageAccountName
output AZURE_KEY_VAULT_NAME string = keyVault.outputs.keyVaultName
output AZURE_KEY_VAULT_URI string = keyVault.outputs.keyVaultUri
output SIGNING_SECRET_NAME string = effectiveSigningSecretName
// The scripts (postprovision, rotate) make an ES256 version a P-256 key and an HS256 one 32 random bytes.
output TOKEN_ALGORITHM string = tokenAlgorithm
// ES256: where APIs find the public keys (empty in HS256 mode, where there are none).
output TOKEN_OPENID_CONFIGURATION_URL string = openIdConfigurationUrl
output CHALLENGE_SECRET_NAME string = challengeSecretName
output AZURE_API_MANAGEMENT_NAME string = apiManagement.outputs.apiManagementName
output AZURE_API_MANAGEMENT_ID string = apiManagement.outputs.apiManagementId
output API_MANAGEMENT_IDENTITY_CLIENT_ID string = identities.outputs.apiManagementIdentityClientId
output ATTESTATION_API_URL string = '${apiManagement.outputs.gatewayUrl}/attestation'
// Verify and the admin API: the Function App answers only API Management (its own host name gives 403).
output ATTESTATION_OPERATORS_API_URL string = apiManagement.outputs.operatorsApiUrl
// Empty when the sample API is not deployed (deploySampleApi false, or the first pass before the signing secret exists).
output SAMPLE_PROTECTED_API_URL string = apiManagement.outputs.sampleApiUrl
output TOKEN_ISSUER string = effectiveTokenIssuer
output TOKEN_AUDIENCE string = tokenAudience
// The operators' workbook in the portal (Monitor, Workbooks; or the Application Insights resource's Workbooks).
output OPERATIONS_WORKBOOK_ID string = workbook.outputs.workbookId
