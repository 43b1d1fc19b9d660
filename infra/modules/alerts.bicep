// The operators' alerts (README, "Operations"): log search alert rules over Application Insights, each telling the
// action group's e-mail receiver. Deployed only when main.bicep has an alertEmail: a rule nobody hears of costs its
// evaluations and helps no one, and the workbook shows the same data without them.
// tests/Attestation.Infrastructure.Tests checks that every metric a query names is one AttestationMetrics creates.

@description('Azure region of the alert rules.')
param location string

@description('Tags for every resource.')
param tags object

@description('Resource id of the Application Insights component the rules query.')
param applicationInsightsId string

@description('Name of the action group.')
param actionGroupName string

@description('E-mail address that receives every alert.')
@minLength(3)
param alertEmail string

@description('Prefix of the alert rules\' names.')
param ruleNamePrefix string

@description('Least attest and refresh requests of one app in the last hour before a jump in a rate can alert.')
@minValue(1)
param minimumHourlyRequests int = 20

@description('How many times its rate over the day before an app\'s rate in the last hour must be to alert (attestation_invalid, decoys).')
@minValue(2)
param jumpFactor int = 3

@description('Rate, in percent, that an app\'s attestation_invalid or decoy share of the last hour must reach whatever the day before was.')
@minValue(1)
@maxValue(100)
param jumpFloorPercent int = 10

@description('503 answers in 15 minutes above which the unavailable alert fires.')
@minValue(0)
param unavailableThreshold int = 5

// The hour just gone against the 23 hours before it, per app: a rule's query sees its window (P1D) and no more.
// {0} the condition on a request that counts (KQL), {1} the least requests, {2} the factor, {3} the floor in percent.
var rateJumpQuery = '''
customMetrics
| where name in ("attestation.attestations", "attestation.refreshes")
| extend app = tostring(customDimensions.app), code = tostring(customDimensions.code), outcome = tostring(customDimensions.outcome)
| where isnotempty(app)
| extend counted = {0}, recent = timestamp > ago(1h)
| summarize recentTotal = sumif(valueSum, recent), recentCounted = sumif(valueSum, recent and counted),
    baseTotal = sumif(valueSum, not(recent)), baseCounted = sumif(valueSum, not(recent) and counted) by app
| extend recentRate = recentCounted / recentTotal, baselineRate = iff(baseTotal > 0, baseCounted / baseTotal, 0.0)
| where recentTotal >= {1} and recentRate >= max_of({3} / 100.0, {2} * baselineRate)
| project app, recentRate, baselineRate, recentTotal
'''

var rules = [
  {
    name: 'attestation-invalid-jump'
    displayName: 'Jump in attestation_invalid refusals'
    description: 'An app\'s share of attest and refresh requests refused (or answered with a decoy) as attestation_invalid in the last hour is ${jumpFactor} times the day before\'s, and at least ${jumpFloorPercent}%. README, "Operations": forged evidence, a broken client release, or a policy change.'
    severity: 2
    frequency: 'PT15M'
    window: 'P1D'
    query: format(rateJumpQuery, 'code == "attestation_invalid"', minimumHourlyRequests, jumpFactor, jumpFloorPercent)
    measure: ''
    threshold: 0
    dimension: 'app'
  }
  {
    name: 'decoy-rate-jump'
    displayName: 'Jump in decoys issued'
    description: 'An app\'s share of attest and refresh requests answered with a decoy in the last hour is ${jumpFactor} times the day before\'s, and at least ${jumpFloorPercent}%. README, "Operations": someone is probing an app in decoy mode.'
    severity: 2
    frequency: 'PT15M'
    window: 'P1D'
    query: format(rateJumpQuery, 'outcome == "decoy"', minimumHourlyRequests, jumpFactor, jumpFloorPercent)
    measure: ''
    threshold: 0
    dimension: 'app'
  }
  {
    name: 'unavailable-503'
    displayName: '503 answers'
    description: 'More than ${unavailableThreshold} answers were 503 unavailable in 15 minutes: storage, Key Vault or Google is down or refusing. README, "Operations".'
    severity: 1
    frequency: 'PT5M'
    window: 'PT15M'
    // The backend's own count and the host's requests, whichever saw more, so a 503 is not counted twice.
    query: '''
union
    (customMetrics
    | where name in ("attestation.attestations", "attestation.refreshes", "attestation.verifications")
    | where tostring(customDimensions.outcome) == "unavailable"
    | summarize answers = sum(valueSum)),
    (requests
    | where resultCode == "503"
    | summarize answers = todouble(count()))
| summarize answers = max(answers)
'''
    measure: 'answers'
    threshold: unavailableThreshold
    dimension: ''
  }
  {
    name: 'google-throttled'
    displayName: 'Google throttles Play Integrity calls'
    description: 'Google answered a decodeIntegrityToken call with 429 in the last 15 minutes: the project\'s quota is spent and standard-token attestations answer 503 until the breaker lets a call through. README, "Operations".'
    severity: 2
    frequency: 'PT5M'
    window: 'PT15M'
    query: '''
customMetrics
| where name == "attestation.play_integrity.google_calls"
| where tostring(customDimensions.outcome) == "throttled"
| summarize calls = sum(valueSum) by package = tostring(customDimensions.package)
'''
    measure: 'calls'
    threshold: 0
    dimension: 'package'
  }
  {
    name: 'apple-throttled'
    displayName: 'Apple throttles App Attest receipt exchanges'
    description: 'Apple\'s App Attest server answered a receipt exchange with 429 in the last 15 minutes. README, "Operations".'
    severity: 2
    frequency: 'PT5M'
    window: 'PT15M'
    query: '''
customMetrics
| where name == "attestation.apple.receipt_refreshes"
| where tostring(customDimensions.outcome) == "throttled"
| summarize exchanges = sum(valueSum) by app = tostring(customDimensions.app)
'''
    measure: 'exchanges'
    threshold: 0
    dimension: 'app'
  }
  {
    name: 'signing-key-load-failed'
    displayName: 'Signing key load from Key Vault failed'
    description: 'An instance could not read the token signing key from Key Vault in the last 15 minutes: it keeps its cached keys, but a new instance answers 503 until the vault answers. README, "Operations".'
    severity: 1
    frequency: 'PT5M'
    window: 'PT15M'
    query: '''
customMetrics
| where name == "attestation.signing_key.loads"
| where tostring(customDimensions.outcome) == "failed"
| summarize failures = sum(valueSum)
'''
    measure: 'failures'
    threshold: 0
    dimension: ''
  }
]

resource actionGroup 'Microsoft.Insights/actionGroups@2023-01-01' = {
  name: actionGroupName
  location: 'global'
  tags: tags
  properties: {
    // At most 12 characters: the sender name of SMS and e-mail notifications.
    groupShortName: 'attestation'
    enabled: true
    emailReceivers: [
      {
        name: 'operators'
        emailAddress: alertEmail
        useCommonAlertSchema: true
      }
    ]
  }
}

resource alertRules 'Microsoft.Insights/scheduledQueryRules@2023-12-01' = [
  for rule in rules: {
    name: '${ruleNamePrefix}-${rule.name}'
    location: location
    tags: tags
    kind: 'LogAlert'
    properties: {
      displayName: rule.displayName
      description: rule.description
      severity: rule.severity
      enabled: true
      evaluationFrequency: rule.frequency
      windowSize: rule.window
      scopes: [
        applicationInsightsId
      ]
      criteria: {
        allOf: [
          {
            query: rule.query
            // A rate jump's query returns the apps whose rate jumped; the others return one measure to compare.
            timeAggregation: empty(rule.measure) ? 'Count' : 'Total'
            metricMeasureColumn: empty(rule.measure) ? null : rule.measure
            operator: 'GreaterThan'
            threshold: rule.threshold
            // One alert per app or package, which names it.
            dimensions: empty(rule.dimension)
              ? []
              : [
                  {
                    name: rule.dimension
                    operator: 'Include'
                    values: [
                      '*'
                    ]
                  }
                ]
            failingPeriods: {
              numberOfEvaluationPeriods: 1
              minFailingPeriodsToAlert: 1
            }
          }
        ]
      }
      autoMitigate: true
      actions: {
        actionGroups: [
          actionGroup.id
        ]
      }
    }
  }
]

output actionGroupId string = actionGroup.id
output alertRuleNames string[] = [for (rule, i) in rules: alertRules[i].name]
