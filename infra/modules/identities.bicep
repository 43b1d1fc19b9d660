// The two user-assigned managed identities: one for the Function App, one for API Management. They exist before the
// resources that use them, so every role assignment can be made (and can propagate) in the same deployment.

@description('Azure region.')
param location string

@description('Tags for every resource.')
param tags object

@description('Name of the Function App identity.')
param functionIdentityName string

@description('Name of the API Management identity.')
param apiManagementIdentityName string

resource functionIdentity 'Microsoft.ManagedIdentity/userAssignedIdentities@2023-01-31' = {
  name: functionIdentityName
  location: location
  tags: tags
}

resource apiManagementIdentity 'Microsoft.ManagedIdentity/userAssignedIdentities@2023-01-31' = {
  name: apiManagementIdentityName
  location: location
  tags: tags
}

output functionIdentityId string = functionIdentity.id
output functionIdentityClientId string = functionIdentity.properties.clientId
output functionIdentityPrincipalId string = functionIdentity.properties.principalId
output apiManagementIdentityId string = apiManagementIdentity.id
output apiManagementIdentityClientId string = apiManagementIdentity.properties.clientId
output apiManagementIdentityPrincipalId string = apiManagementIdentity.properties.principalId
