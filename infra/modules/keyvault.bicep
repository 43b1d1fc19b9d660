// The Key Vault that holds the token signing secret, the challenge MAC key and the apps' Play Integrity keys. RBAC
// authorization (no access policies), soft delete and purge protection. No secret is created here: a template would have
// to carry its value. The postprovision hook (infra/scripts/postprovision.sh) creates the signing secret and the challenge
// key once each as base64 of 32 random bytes; infra/scripts/rotate-signing-key.sh adds signing secret versions.

@description('Azure region.')
param location string

@description('Tags for every resource.')
param tags object

@description('Name of the Key Vault.')
param keyVaultName string

@description('Days a deleted vault or secret can be recovered (purge protection keeps it for this long).')
@minValue(7)
@maxValue(90)
param softDeleteRetentionInDays int = 90

@description('Principal id of the Function App identity: reads every secret (signing secret, challenge key, Play Integrity keys).')
param functionPrincipalId string

@description('Principal id of the API Management identity: reads the signing secret for its named values.')
param apiManagementPrincipalId string

@description('Name of the token signing secret, the only secret API Management may read.')
param signingSecretName string

@description('True once the signing secret exists (the postprovision hook creates it, then provisions again).')
param signingSecretReady bool = false

@description('HS256 or ES256. In ES256 mode API Management checks tokens with the published public keys and gets no role here.')
param tokenAlgorithm string = 'HS256'

@description('Principal id of the person or pipeline that deploys (azd sets AZURE_PRINCIPAL_ID): creates and rotates the secret. Empty: no assignment.')
param deployerPrincipalId string = ''

@description('Type of the deploying principal: User for a person, ServicePrincipal for a pipeline.')
@allowed([
  'User'
  'ServicePrincipal'
])
param deployerPrincipalType string = 'User'

// Key Vault Secrets User: read secret values and versions.
var keyVaultSecretsUserRoleId = '4633458b-17de-408a-b874-0445c86b69e6'
// Key Vault Secrets Officer: create secret versions (key generation and rotation).
var keyVaultSecretsOfficerRoleId = 'b86a8fe4-44ce-4948-aee5-eccb2c155cd7'

resource vault 'Microsoft.KeyVault/vaults@2023-07-01' = {
  name: keyVaultName
  location: location
  tags: tags
  properties: {
    tenantId: subscription().tenantId
    sku: {
      family: 'A'
      name: 'standard'
    }
    enableRbacAuthorization: true
    enableSoftDelete: true
    softDeleteRetentionInDays: softDeleteRetentionInDays
    enablePurgeProtection: true
    publicNetworkAccess: 'Enabled'
    networkAcls: {
      bypass: 'AzureServices'
      defaultAction: 'Allow'
    }
  }
}

resource functionReadsSecrets 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(vault.id, functionPrincipalId, keyVaultSecretsUserRoleId)
  scope: vault
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', keyVaultSecretsUserRoleId)
    principalId: functionPrincipalId
    principalType: 'ServicePrincipal'
  }
}

// API Management reads the signing secret and nothing else: the vault also holds the challenge MAC key and the apps'
// Play Integrity keys and service account keys, which only the Function App needs. A role scoped to one secret needs that
// secret to exist, so this assignment comes with the second pass of the postprovision hook, together with the named
// values that use it; as a new role can take minutes to apply, the hook provisions that pass again (bounded) until they
// succeed. (A vault-wide role, which could be made in the first pass, would open the challenge key and the Play
// Integrity keys to API Management; the backend reads all of them through one client of this one vault.)
// In ES256 mode the edge needs no secret, so it gets no role at all: nothing it holds could mint a token.
var apiManagementReadsSigningSecret = signingSecretReady && tokenAlgorithm == 'HS256'

resource signingSecret 'Microsoft.KeyVault/vaults/secrets@2023-07-01' existing = if (apiManagementReadsSigningSecret) {
  parent: vault
  name: signingSecretName
}

resource apiManagementReadsSecrets 'Microsoft.Authorization/roleAssignments@2022-04-01' = if (apiManagementReadsSigningSecret) {
  name: guid(vault.id, signingSecretName, apiManagementPrincipalId, keyVaultSecretsUserRoleId)
  scope: signingSecret
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', keyVaultSecretsUserRoleId)
    principalId: apiManagementPrincipalId
    principalType: 'ServicePrincipal'
  }
}

resource deployerManagesSecrets 'Microsoft.Authorization/roleAssignments@2022-04-01' = if (!empty(deployerPrincipalId)) {
  name: guid(vault.id, deployerPrincipalId, keyVaultSecretsOfficerRoleId)
  scope: vault
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', keyVaultSecretsOfficerRoleId)
    principalId: deployerPrincipalId
    principalType: deployerPrincipalType
  }
}

output keyVaultName string = vault.name
output keyVaultUri string = vault.properties.vaultUri
