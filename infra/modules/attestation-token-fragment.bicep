// One attestation token check for the APIs that serve one set of apps: the policy fragment
// "validate-attestation-token-<scope>", made from infra/policies/validate-attestation-token.xml with the app ids (and
// platforms) it accepts as validate-jwt required-claims values. Every app of a deployment shares the issuer, the audience
// and the signing keys, so without these values a token of one app would pass an API meant for another (issue 16,
// finding 1). Call this module once per set of apps, after API Management's named values exist, and include the fragment
// in the inbound section of each API that serves those apps (README, "Protect your own API with the fragment").

@description('Name of the API Management service that holds the named values the fragment reads.')
param apiManagementName string

// API Management fragment names take letters, digits and hyphens.
@description('Suffix of the fragment name, validate-attestation-token-<scope>: letters, digits and hyphens, e.g. the API\'s name.')
@minLength(1)
@maxLength(50)
param scope string

// At least one: a claim element without values would accept every app, the very hole this module closes.
@description('App ids (the token\'s app claim, as registered with the backend) the APIs including this fragment accept.')
@minLength(1)
param appIds array

@description('Platforms (the token\'s plat claim, e.g. apple-app-attest) the APIs accept. Empty: any platform of those apps.')
param platforms array = []

// HS256: validate-jwt trusts the two Key Vault named values. ES256: it reads the backend's discovery document and JWKS
// (openid-config) and trusts only the keys there, so the edge holds nothing that could mint a token.
@description('How the backend signs tokens: HS256 or ES256.')
@allowed([
  'HS256'
  'ES256'
])
param tokenAlgorithm string = 'HS256'

@description('Whether to count each device\'s calls with rate-limit-by-key, which every SKU but Consumption has.')
param perDeviceRateLimit bool = false

// The values go into XML text: the three characters that would change its meaning are escaped. App ids and platform
// names never hold them, but a typo must not turn into a different policy.
var appValues = join(map(appIds, id => '<value>${replace(replace(replace(string(id), '&', '&amp;'), '<', '&lt;'), '>', '&gt;')}</value>'), '')
var platformValues = join(map(platforms, p => '<value>${replace(replace(replace(string(p), '&', '&amp;'), '<', '&lt;'), '>', '&gt;')}</value>'), '')

// ES256: everything between <issuer-signing-keys> and its end tag gives way to openid-config, whatever the whitespace.
var keysText = tokenAlgorithm == 'ES256'
  ? '${split(loadTextContent('../policies/validate-attestation-token.xml'), '<issuer-signing-keys>')[0]}<openid-config url="{{attestation-openid-config-url}}" />${split(loadTextContent('../policies/validate-attestation-token.xml'), '</issuer-signing-keys>')[1]}'
  : loadTextContent('../policies/validate-attestation-token.xml')

var fragmentText = replace(
  replace(
    replace(
      keysText,
      '<!-- app-values -->',
      appValues
    ),
    '<!-- platform-values -->',
    platformValues
  ),
  '<!-- per-device-rate-limit -->',
  perDeviceRateLimit ? loadTextContent('../policies/per-device-rate-limit.xml') : ''
)

resource apiManagement 'Microsoft.ApiManagement/service@2024-05-01' existing = {
  name: apiManagementName
}

resource fragment 'Microsoft.ApiManagement/service/policyFragments@2024-05-01' = {
  parent: apiManagement
  name: 'validate-attestation-token-${scope}'
  properties: {
    description: 'Lets through only requests with a valid attestation token (validate-jwt, ${tokenAlgorithm}, current and previous key) of the apps ${join(map(appIds, id => string(id)), ', ')}.'
    format: 'xml'
    value: fragmentText
  }
}

@description('The fragment id to put in include-fragment.')
output fragmentId string = fragment.name
