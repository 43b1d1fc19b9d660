// The operators' workbook (README, "Operations"): attestations, refreshes, refusals, decoys, verify outcomes, latency,
// Google's and Apple's calls, the Play Integrity budget, devices and signing-key loads, over Application Insights.
// The panels live in infra/workbooks/attestation-operations.json, where tests/Attestation.Infrastructure.Tests reads every
// query and checks each metric it names against the instruments AttestationMetrics really creates.

@description('Azure region.')
param location string

@description('Tags for every resource.')
param tags object

@description('Resource id of the Application Insights component the workbook queries.')
param applicationInsightsId string

@description('Name the workbook shows in the portal.')
param displayName string = 'Attestation operations'

var workbook = loadJsonContent('../workbooks/attestation-operations.json')

// A workbook's resource name must be a GUID: one per resource group, so a provision updates it rather than adding another.
resource operationsWorkbook 'Microsoft.Insights/workbooks@2023-06-01' = {
  name: guid(resourceGroup().id, 'attestation-operations-workbook')
  location: location
  tags: tags
  kind: 'shared'
  properties: {
    displayName: displayName
    category: 'workbook'
    sourceId: applicationInsightsId
    serializedData: string(union(workbook, {
      fallbackResourceIds: [
        applicationInsightsId
      ]
    }))
  }
}

output workbookId string = operationsWorkbook.id
