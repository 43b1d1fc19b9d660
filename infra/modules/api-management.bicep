// API Management in front of the backend: the attestation API (challenge, attest, token/refresh), the named values and
// policy fragments that check an attestation token at the edge, and, when asked for, a sample API protected by them for
// one app. The policy XML is in infra/policies/, loaded as text, so it can be read and tested on its own.

@description('Azure region.')
param location string

@description('Tags for every resource.')
param tags object

@description('Name of the API Management service.')
param apiManagementName string

@description('API Management SKU. Consumption costs nothing at rest; rate-limit-by-key needs any other SKU.')
@allowed([
  'Consumption'
  'Developer'
  'Basic'
  'Standard'
  'Premium'
  'BasicV2'
  'StandardV2'
])
param sku string

@description('E-mail address of the API publisher (API Management sends service notifications there).')
param publisherEmail string

@description('Name of the API publisher.')
param publisherName string

@description('Resource id of the API Management identity.')
param identityId string

@description('Client id of the API Management identity (reads the signing secret from Key Vault).')
param identityClientId string

@description('Host name of the Function App.')
param functionAppHostName string

@description('Key Vault URI.')
param keyVaultUri string

@description('Name of the signing secret in Key Vault.')
param signingSecretName string

@description('Whether the signing secret exists yet. The Key Vault named values, the fragments and the sample API need it; the postprovision hook creates the secret and then provisions again with this set.')
param signingSecretReady bool

@description('Whether to deploy the sample protected API (GET /sample/whoami), which needs a subscription key.')
param deploySampleApi bool

@description('App ids whose tokens the sample API accepts.')
@minLength(1)
param sampleApiAppIds array

@description('Platforms whose tokens the sample API accepts. Empty: any.')
param sampleApiPlatforms array

@description('Calls a minute per subscription key to the sample API (rate-limit, which every SKU has, Consumption included).')
@minValue(1)
param subscriptionCallsPerMinute int

@description('Versioned identifier of the signing secret version trusted as current (https://<vault>/secrets/<name>/<version>), set by rotate-signing-key.sh and rollback-signing-key.sh. Empty: the newest version.')
param currentSigningKeyVersionUri string

@description('Versioned identifier of the previous signing secret version, set by rotate-signing-key.sh and rollback-signing-key.sh. Empty: the previous key is the current one.')
param previousSigningKeyVersionUri string

@description('How tokens are signed: HS256 (the edge reads the secret from Key Vault) or ES256 (the edge reads the public keys; no secret, no Key Vault named value).')
param tokenAlgorithm string

@description('ES256: the discovery document validate-jwt\'s openid-config reads, through this service\'s attestation API. Empty in HS256 mode.')
param openIdConfigurationUrl string

@description('The iss claim the backend writes and the edge accepts.')
param tokenIssuer string

@description('The aud claim the backend writes and the edge accepts.')
param tokenAudience string

@description('Header that carries the attestation token to a protected API.')
param tokenHeaderName string

@description('Whether the token fragments refuse requests (true) or let them through marked Attestation-Token-Enforcement: off (false, a rollout mode).')
param tokenEnforce bool

@description('Clock skew, in seconds, that validate-jwt tolerates.')
@minValue(0)
@maxValue(300)
param tokenClockSkewSeconds int

@description('The edge id the policies send in X-Azure-FDID: the Function App lets through only requests that carry it.')
param edgeId string

@description('Calls a minute per client IP to the attestation API (SKUs with rate-limit-by-key only).')
@minValue(1)
param attestationCallsPerMinute int

@description('Calls a minute per device (the token\'s sub) to a protected API (SKUs with rate-limit-by-key only).')
@minValue(1)
param deviceCallsPerMinute int

// rate-limit-by-key is not available in the Consumption tier.
var supportsRateLimitByKey = sku != 'Consumption'

var secretUri = '${keyVaultUri}secrets/${signingSecretName}'

var attestationApiPolicy = replace(
  loadTextContent('../policies/attestation-api.xml'),
  '<!-- per-ip-rate-limit -->',
  supportsRateLimitByKey ? loadTextContent('../policies/per-ip-rate-limit.xml') : ''
)

var deploySample = signingSecretReady && deploySampleApi

// HS256 only: the Key Vault named values that hand the secret to validate-jwt. In ES256 mode the edge holds no secret.
var readsSigningSecret = signingSecretReady && tokenAlgorithm == 'HS256'

// Plain named values: what the policies need besides the keys.
var plainNamedValues = {
  'attestation-token-issuer': tokenIssuer
  'attestation-token-audience': tokenAudience
  'attestation-token-header': tokenHeaderName
  'attestation-token-enforce': tokenEnforce ? 'true' : 'false'
  'attestation-token-clock-skew': string(tokenClockSkewSeconds)
  'attestation-calls-per-minute': string(attestationCallsPerMinute)
  'attestation-device-calls-per-minute': string(deviceCallsPerMinute)
  'attestation-subscription-calls-per-minute': string(subscriptionCallsPerMinute)
}

// ES256 only: where validate-jwt's openid-config reads the public keys.
var namedValuesByMode = union(plainNamedValues, tokenAlgorithm == 'ES256' ? { 'attestation-openid-config-url': openIdConfigurationUrl } : {})

resource apiManagement 'Microsoft.ApiManagement/service@2024-05-01' = {
  name: apiManagementName
  location: location
  tags: tags
  sku: {
    name: sku
    capacity: sku == 'Consumption' ? 0 : 1
  }
  identity: {
    type: 'UserAssigned'
    userAssignedIdentities: {
      '${identityId}': {}
    }
  }
  properties: {
    publisherEmail: publisherEmail
    publisherName: publisherName
  }
}

// Not a secret named value: the edge id is no credential (the Function App's access restrictions show it to whoever
// may read the resource group), and the template stores no secret (NoStoredKeyTests).
resource edgeIdNamedValue 'Microsoft.ApiManagement/service/namedValues@2024-05-01' = {
  parent: apiManagement
  name: 'attestation-edge-id'
  properties: {
    displayName: 'attestation-edge-id'
    value: edgeId
    secret: false
  }
}

resource namedValues 'Microsoft.ApiManagement/service/namedValues@2024-05-01' = [
  for item in items(namedValuesByMode): {
    parent: apiManagement
    name: item.key
    properties: {
      displayName: item.key
      value: item.value
      secret: false
    }
  }
]

// The signing keys, read from Key Vault with the API Management identity: the base64 text of the secret is exactly
// what validate-jwt's <key> element takes. From the first rotation on, both name explicit versions, the two the app
// trusts (rotate-signing-key.sh and rollback-signing-key.sh set them and record them in the azd environment), so the edge
// never trusts a version the app has stopped trusting. Before it, both reference the secret without a version: the one
// version there is.
resource currentSigningKey 'Microsoft.ApiManagement/service/namedValues@2024-05-01' = if (readsSigningSecret) {
  parent: apiManagement
  name: 'attestation-signing-key-current'
  properties: {
    displayName: 'attestation-signing-key-current'
    secret: true
    keyVault: {
      secretIdentifier: empty(currentSigningKeyVersionUri) ? secretUri : currentSigningKeyVersionUri
      identityClientId: identityClientId
    }
  }
}

resource previousSigningKey 'Microsoft.ApiManagement/service/namedValues@2024-05-01' = if (readsSigningSecret) {
  parent: apiManagement
  name: 'attestation-signing-key-previous'
  properties: {
    displayName: 'attestation-signing-key-previous'
    secret: true
    keyVault: {
      secretIdentifier: empty(previousSigningKeyVersionUri) ? secretUri : previousSigningKeyVersionUri
      identityClientId: identityClientId
    }
  }
}

resource checkBindingPolicyFragment 'Microsoft.ApiManagement/service/policyFragments@2024-05-01' = if (signingSecretReady) {
  parent: apiManagement
  name: 'check-attestation-token-binding'
  properties: {
    description: 'Requires the token\'s pay claim to be base64url(SHA-256(Authorization header)).'
    format: 'xml'
    value: loadTextContent('../policies/check-attestation-token-binding.xml')
  }
}

resource tokenProblemPolicyFragment 'Microsoft.ApiManagement/service/policyFragments@2024-05-01' = if (signingSecretReady) {
  parent: apiManagement
  name: 'attestation-token-problem'
  properties: {
    description: 'In on-error: a refused attestation token becomes 401 application/problem+json.'
    format: 'xml'
    value: loadTextContent('../policies/attestation-token-problem.xml')
  }
}

resource functionsBackend 'Microsoft.ApiManagement/service/backends@2024-05-01' = {
  parent: apiManagement
  name: 'attestation-functions'
  properties: {
    description: 'The attestation backend (Function App).'
    protocol: 'http'
    url: 'https://${functionAppHostName}/api'
  }
}

resource attestationApi 'Microsoft.ApiManagement/service/apis@2024-05-01' = {
  parent: apiManagement
  name: 'attestation'
  properties: {
    displayName: 'Attestation'
    description: 'Challenge, attest and token refresh (docs/api.md). Anonymous: apps call it before they hold a token.'
    path: 'attestation'
    protocols: [
      'https'
    ]
    subscriptionRequired: false
    serviceUrl: 'https://${functionAppHostName}/api'
  }
}

var attestationOperations = [
  {
    name: 'challenge'
    displayName: 'Get a challenge'
    method: 'POST'
    urlTemplate: '/v1/challenge'
  }
  {
    name: 'attest'
    displayName: 'Attest and get a token'
    method: 'POST'
    urlTemplate: '/v1/attest'
  }
  {
    name: 'refresh-token'
    displayName: 'Refresh a token'
    method: 'POST'
    urlTemplate: '/v1/token/refresh'
  }
  // ES256: the public keys, for validate-jwt's openid-config and for every API (HS256: 404 not_found from the backend).
  {
    name: 'openid-configuration'
    displayName: 'OpenID discovery document'
    method: 'GET'
    urlTemplate: '/.well-known/openid-configuration'
  }
  {
    name: 'jwks'
    displayName: 'JSON Web Key Set'
    method: 'GET'
    urlTemplate: '/.well-known/jwks.json'
  }
]

resource attestationApiOperations 'Microsoft.ApiManagement/service/apis/operations@2024-05-01' = [
  for operation in attestationOperations: {
    parent: attestationApi
    name: operation.name
    properties: {
      displayName: operation.displayName
      method: operation.method
      urlTemplate: operation.urlTemplate
    }
  }
]

resource attestationApiPolicyResource 'Microsoft.ApiManagement/service/apis/policies@2024-05-01' = {
  parent: attestationApi
  name: 'policy'
  properties: {
    format: 'xml'
    value: attestationApiPolicy
  }
  dependsOn: [
    functionsBackend
    namedValues
    edgeIdNamedValue
  ]
}

// Verify and the admin API: the Function App answers only API Management, so they are published here too, each route
// as the Functions app declares it (a test compares them), with no check of API Management's own: the backend's stay.
resource operatorsApi 'Microsoft.ApiManagement/service/apis@2024-05-01' = {
  parent: apiManagement
  name: 'attestation-operators'
  properties: {
    displayName: 'Attestation verify and admin'
    description: 'Verify (for API backends) and the admin API (for operators) of docs/api.md. The backend checks each caller: a verify key or an Entra ID token with the route\'s app role.'
    path: 'attestation-operators'
    protocols: [
      'https'
    ]
    subscriptionRequired: false
    serviceUrl: 'https://${functionAppHostName}/api'
  }
}

var operatorOperations = [
  { name: 'verify', method: 'POST', urlTemplate: '/v1/verify' }
  { name: 'list-apps', method: 'GET', urlTemplate: '/v1/admin/apps' }
  { name: 'create-app', method: 'POST', urlTemplate: '/v1/admin/apps' }
  { name: 'get-app', method: 'GET', urlTemplate: '/v1/admin/apps/{appId}' }
  { name: 'update-app', method: 'PUT', urlTemplate: '/v1/admin/apps/{appId}' }
  { name: 'list-devices', method: 'GET', urlTemplate: '/v1/admin/apps/{appId}/devices' }
  { name: 'get-device', method: 'GET', urlTemplate: '/v1/admin/devices/{deviceId}' }
  { name: 'list-batch-certificates', method: 'GET', urlTemplate: '/v1/admin/batch-certificates' }
  { name: 'revoke-device', method: 'POST', urlTemplate: '/v1/admin/apps/{appId}/devices/{deviceId}/revoke' }
  { name: 'restore-device', method: 'POST', urlTemplate: '/v1/admin/apps/{appId}/devices/{deviceId}/restore' }
  { name: 'create-debug-token', method: 'POST', urlTemplate: '/v1/admin/apps/{appId}/debug-tokens' }
  { name: 'delete-debug-token', method: 'DELETE', urlTemplate: '/v1/admin/apps/{appId}/debug-tokens/{tokenId}' }
]

resource operatorsApiOperations 'Microsoft.ApiManagement/service/apis/operations@2024-05-01' = [
  for operation in operatorOperations: {
    parent: operatorsApi
    name: operation.name
    properties: {
      displayName: operation.name
      method: operation.method
      urlTemplate: operation.urlTemplate
      // API Management requires each template parameter to be declared.
      templateParameters: [
        for parameter in filter(['appId', 'deviceId', 'tokenId'], p => contains(operation.urlTemplate, '{${p}}')): {
          name: parameter
          type: 'string'
          required: true
        }
      ]
    }
  }
]

resource operatorsApiPolicy 'Microsoft.ApiManagement/service/apis/policies@2024-05-01' = {
  parent: operatorsApi
  name: 'policy'
  properties: {
    format: 'xml'
    value: loadTextContent('../policies/attestation-operators-api.xml')
  }
  dependsOn: [
    functionsBackend
    edgeIdNamedValue
  ]
}

// The sample's token check: the worked example of protecting an API for one app (README, "Protect your own API with the
// fragment"). There is no unscoped token fragment: an API can only include one that names the apps it serves.
module sampleTokenFragment 'attestation-token-fragment.bicep' = if (deploySample) {
  name: 'sample-token-fragment'
  params: {
    apiManagementName: apiManagement.name
    scope: 'sample'
    appIds: sampleApiAppIds
    platforms: sampleApiPlatforms
    perDeviceRateLimit: supportsRateLimitByKey
    tokenAlgorithm: tokenAlgorithm
  }
  dependsOn: [
    namedValues
    currentSigningKey
    previousSigningKey
  ]
}

// Not deployed unless asked for (issue 16, finding 2), and behind a subscription key when it is: it answers with the
// token's claims, which is for trying the chain out, not for the world.
resource sampleApi 'Microsoft.ApiManagement/service/apis@2024-05-01' = if (deploySample) {
  parent: apiManagement
  name: 'sample-protected'
  properties: {
    displayName: 'Sample protected API'
    description: 'Shows how to protect an API for one app with the attestation token fragments; answers with the token\'s claims.'
    path: 'sample'
    protocols: [
      'https'
    ]
    subscriptionRequired: true
    subscriptionKeyParameterNames: {
      header: 'Ocp-Apim-Subscription-Key'
      query: 'subscription-key'
    }
  }
}

// A subscription to the sample API alone; API Management generates its keys (none is in the template): read one with
// listSecrets (README).
resource sampleApiSubscription 'Microsoft.ApiManagement/service/subscriptions@2024-05-01' = if (deploySample) {
  parent: apiManagement
  name: 'sample-protected'
  properties: {
    displayName: 'Sample protected API'
    scope: '/apis/${sampleApi.name}'
    state: 'active'
  }
}

resource sampleApiOperation 'Microsoft.ApiManagement/service/apis/operations@2024-05-01' = if (deploySample) {
  parent: sampleApi
  name: 'whoami'
  properties: {
    displayName: 'Who am I'
    method: 'GET'
    urlTemplate: '/whoami'
  }
}

resource sampleApiPolicy 'Microsoft.ApiManagement/service/apis/policies@2024-05-01' = if (deploySample) {
  parent: sampleApi
  name: 'policy'
  properties: {
    format: 'xml'
    value: loadTextContent('../policies/sample-protected-api.xml')
  }
  dependsOn: [
    sampleTokenFragment
    checkBindingPolicyFragment
    tokenProblemPolicyFragment
    namedValues
  ]
}

output apiManagementName string = apiManagement.name
output apiManagementId string = apiManagement.id
output gatewayUrl string = apiManagement.properties.gatewayUrl
@description('Base URL of verify and the admin API through API Management (replaces the Function App\'s /api).')
output operatorsApiUrl string = '${apiManagement.properties.gatewayUrl}/${operatorsApi.properties.path}'
@description('URL of the sample protected API, or empty when it is not deployed.')
output sampleApiUrl string = deploySample ? '${apiManagement.properties.gatewayUrl}/sample' : ''
