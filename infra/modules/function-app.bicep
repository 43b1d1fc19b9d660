// The Function App on the Flex Consumption plan: .NET 10 isolated worker, a user-assigned managed identity for every
// Azure client (Functions host storage, the backend's tables, Key Vault, Application Insights), no keys anywhere, and
// no basic-auth publishing credentials. The app settings are the ones AttestationBackend.AddAttestationBackend reads.

@description('Azure region.')
param location string

@description('Tags for every resource.')
param tags object

@description('Name of the Flex Consumption plan.')
param planName string

@description('Name of the Function App.')
param functionAppName string

@description('Resource id of the Function App identity.')
param identityId string

@description('Client id of the Function App identity (AZURE_CLIENT_ID for DefaultAzureCredential).')
param identityClientId string

@description('Name of the Storage account.')
param storageAccountName string

@description('Blob endpoint of the Storage account.')
param blobEndpoint string

@description('Table endpoint of the Storage account (Attestation__Storage__TableServiceUri).')
param tableEndpoint string

@description('Blob container that holds the deployment package.')
param deploymentContainerName string

@description('Application Insights connection string (no secret: local authentication is disabled).')
param applicationInsightsConnectionString string

@description('How tokens are signed (Attestation__Token__Algorithm): HS256 or ES256.')
param tokenAlgorithm string

@description('ES256: the jwks_uri the discovery document names (Attestation__Token__JwksUri), as API Management publishes it. Empty in HS256 mode.')
param jwksUrl string

@description('Key Vault URI (Attestation__SigningKey__KeyVaultUri).')
param keyVaultUri string

@description('Name of the signing secret in Key Vault.')
param signingSecretName string

@description('Name of the challenge MAC key secret in the same vault (Attestation__ChallengeKey__SecretName).')
param challengeSecretName string

@description('How often the app reads the Key Vault versions again (a new version signs from then on).')
param signingKeyRefreshInterval string

@description('The iss claim of every token.')
param tokenIssuer string

@description('The aud claim of every token.')
param tokenAudience string

@description('Token lifetime (hh:mm:ss, at most 01:00:00).')
param tokenLifetime string

@description('Clock skew tolerated when the backend verifies tokens (hh:mm:ss).')
param tokenClockSkew string

@description('Challenge lifetime (hh:mm:ss).')
param challengeLifetime string

@description('Prefix of the table names.')
param tablePrefix string

@description('Entra ID authority host (AzureAd__Instance), the cloud\'s login endpoint.')
param entraInstance string

@description('Directory (tenant) id whose tokens are accepted (AzureAd__TenantId).')
param entraTenantId string

@description('Application (client) id of the API\'s app registration (AzureAd__ClientId). Empty: Entra ID is not configured.')
param entraApiClientId string

@description('Hex SHA-256 of each key that may call verify (Attestation__Auth__VerifyKeySha256__N).')
param verifyKeySha256 array

@description('More app settings, e.g. your apps: {"Attestation__Apps__0__AppId": "com.contoso.app", ...}.')
param additionalAppSettings object

@description('Most instances the app scales out to (Flex Consumption\'s lowest maximum for dotnet-isolated is 40).')
@minValue(40)
@maxValue(1000)
param maximumInstanceCount int

@description('The edge id: the X-Azure-FDID value API Management sends; a request without it is refused (403) before it reaches the app.')
param edgeId string

@description('Memory of each instance, in MB.')
@allowed([
  512
  2048
  4096
])
param instanceMemoryMB int

resource plan 'Microsoft.Web/serverfarms@2024-04-01' = {
  name: planName
  location: location
  tags: tags
  kind: 'functionapp'
  sku: {
    tier: 'FlexConsumption'
    name: 'FC1'
  }
  properties: {
    reserved: true
  }
}

resource functionApp 'Microsoft.Web/sites@2024-04-01' = {
  name: functionAppName
  location: location
  tags: union(tags, { 'azd-service-name': 'api' })
  kind: 'functionapp,linux'
  identity: {
    type: 'UserAssigned'
    userAssignedIdentities: {
      '${identityId}': {}
    }
  }
  properties: {
    serverFarmId: plan.id
    httpsOnly: true
    siteConfig: {
      minTlsVersion: '1.2'
      // Only through API Management (issue 16, finding 4), so its rate limits cannot be gone round: App Service lets
      // through only requests whose X-Azure-FDID header is the edge id, which API Management's policies send. An
      // address rule cannot do it on every SKU: the Consumption and v2 tiers have no address of their own. The header is
      // one that access restrictions can match (exactly), made for a proxy in front of the app; the Kudu (scm) site, where
      // azd deploys with Entra ID, keeps its own, open rules.
      ipSecurityRestrictionsDefaultAction: 'Deny'
      ipSecurityRestrictions: [
        {
          name: 'api-management-ipv4'
          description: 'Requests forwarded by this deployment\'s API Management (X-Azure-FDID is the edge id).'
          action: 'Allow'
          priority: 100
          ipAddress: '0.0.0.0/0'
          headers: {
            'x-azure-fdid': [
              edgeId
            ]
          }
        }
        {
          name: 'api-management-ipv6'
          description: 'Requests forwarded by this deployment\'s API Management (X-Azure-FDID is the edge id).'
          action: 'Allow'
          priority: 110
          ipAddress: '::/0'
          headers: {
            'x-azure-fdid': [
              edgeId
            ]
          }
        }
      ]
      scmIpSecurityRestrictionsUseMain: false
      scmIpSecurityRestrictionsDefaultAction: 'Allow'
    }
    functionAppConfig: {
      deployment: {
        storage: {
          type: 'blobContainer'
          value: '${blobEndpoint}${deploymentContainerName}'
          authentication: {
            type: 'UserAssignedIdentity'
            userAssignedIdentityResourceId: identityId
          }
        }
      }
      scaleAndConcurrency: {
        maximumInstanceCount: maximumInstanceCount
        instanceMemoryMB: instanceMemoryMB
      }
      runtime: {
        name: 'dotnet-isolated'
        version: '10.0'
      }
    }
  }
}

// Flex Consumption sets the worker runtime and host version from functionAppConfig, so FUNCTIONS_WORKER_RUNTIME and
// FUNCTIONS_EXTENSION_VERSION are not app settings here.
var baseAppSettings = {
  // The Functions host's own storage, by identity: no connection string, no key.
  AzureWebJobsStorage__accountName: storageAccountName
  AzureWebJobsStorage__credential: 'managedidentity'
  AzureWebJobsStorage__clientId: identityClientId
  // Telemetry with Entra ID authentication (local authentication is disabled on the component).
  APPLICATIONINSIGHTS_CONNECTION_STRING: applicationInsightsConnectionString
  APPLICATIONINSIGHTS_AUTHENTICATION_STRING: 'ClientId=${identityClientId};Authorization=AAD'
  // DefaultAzureCredential picks the user-assigned identity by this client id (AttestationBackend.cs).
  AZURE_CLIENT_ID: identityClientId
  // TableStorageOptions: the table endpoint, reached with the managed identity.
  Attestation__Storage__TableServiceUri: tableEndpoint
  Attestation__Storage__TablePrefix: tablePrefix
  // TokenOptions and ChallengeOptions.
  Attestation__Token__Issuer: tokenIssuer
  Attestation__Token__Audience: tokenAudience
  Attestation__Token__Lifetime: tokenLifetime
  Attestation__Token__ClockSkew: tokenClockSkew
  Attestation__Token__Algorithm: tokenAlgorithm
  Attestation__Challenge__Lifetime: challengeLifetime
  // SigningKeyOptions: the secret's versions are the keys, its version id the kid.
  Attestation__SigningKey__KeyVaultUri: keyVaultUri
  Attestation__SigningKey__SecretName: signingSecretName
  Attestation__SigningKey__RefreshInterval: signingKeyRefreshInterval
  // The challenge MAC key: a secret of the same vault, read with the same identity; its previous version stays accepted.
  Attestation__ChallengeKey__SecretName: challengeSecretName
}

// Who may call verify and the admin API (CallerAuthorization.cs). In Azure, with neither a key hash nor an app
// registration, verify refuses every caller and the admin API is closed: the settings appear only when given.
// TokenOptions.JwksUri, only in ES256 mode (HS256 publishes no keys).
var jwksAppSettings = empty(jwksUrl) ? {} : { Attestation__Token__JwksUri: jwksUrl }
var entraIdAppSettings = empty(entraApiClientId)
  ? {}
  : {
      // EntraIdOptions, the section Microsoft.Identity.Web reads: tokens of this tenant, issued for the API's app registration.
      AzureAd__Instance: entraInstance
      AzureAd__TenantId: entraTenantId
      AzureAd__ClientId: entraApiClientId
    }
// CallerAuthorizationOptions: one setting per key hash, Attestation__Auth__VerifyKeySha256__0, __1, ...
var verifyKeyAppSettings = toObject(
  range(0, length(verifyKeySha256)),
  i => 'Attestation__Auth__VerifyKeySha256__${i}',
  i => string(verifyKeySha256[i])
)

resource appSettings 'Microsoft.Web/sites/config@2024-04-01' = {
  parent: functionApp
  name: 'appsettings'
  properties: union(baseAppSettings, jwksAppSettings, entraIdAppSettings, verifyKeyAppSettings, additionalAppSettings)
}

// Deployments use Entra ID (azd, az functionapp deploy); basic-auth publishing credentials stay off.
resource scmBasicAuth 'Microsoft.Web/sites/basicPublishingCredentialsPolicies@2024-04-01' = {
  parent: functionApp
  name: 'scm'
  properties: {
    allow: false
  }
}

resource ftpBasicAuth 'Microsoft.Web/sites/basicPublishingCredentialsPolicies@2024-04-01' = {
  parent: functionApp
  name: 'ftp'
  properties: {
    allow: false
  }
}

output functionAppName string = functionApp.name
output defaultHostName string = functionApp.properties.defaultHostName
