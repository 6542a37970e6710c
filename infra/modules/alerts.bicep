// Alert rules on the app's own metrics in Application Insights (customMetrics): webhooks arriving late,
// trackings not final past their threshold, outcome events that needed the outbox sweep or were
// given up on by a consumer, and outcome publication delay. Notifications go to an action group,
// with an e-mail receiver when an address is given.

@description('Name prefix of the alert rules and the action group.')
param namePrefix string

@description('Azure region of the alert rules.')
param location string

@description('Tags applied to the alert resources.')
param tags object = {}

@description('Resource id of the Application Insights component the app exports its metrics to.')
param applicationInsightsId string

@description('E-mail address that receives the alerts; empty for none (attach receivers to the action group later).')
param alertEmail string = ''

@description('Alert when a webhook is acknowledged more than this many seconds after the Gateway signed it.')
param webhookLagSeconds int = 120

@description('Alert when outcome events are sent more than this many seconds after their change was recorded.')
param publishDelaySeconds int = 60

resource actionGroup 'Microsoft.Insights/actionGroups@2023-01-01' = {
  name: '${namePrefix}-alerts'
  location: 'global'
  tags: tags
  properties: {
    groupShortName: take('sgw-alerts', 12)
    enabled: true
    emailReceivers: empty(alertEmail) ? [] : [
      {
        name: 'operators'
        emailAddress: alertEmail
        useCommonAlertSchema: true
      }
    ]
  }
}

var rules = [
  {
    name: 'webhook-lag'
    description: 'Gateway webhooks are acknowledged late: the Gateway retries late ones after 15 minutes, so tracking lags.'
    severity: 2
    query: 'customMetrics | where name == \'gateway.webhook.lag\' | summarize value = max(valueMax) / 1000.0'
    threshold: webhookLagSeconds
  }
  {
    name: 'tracking-stuck'
    description: 'Trackings are still running past Tracker__StuckAfter: a transaction is not final (see warning 4011 for ids).'
    severity: 2
    query: 'customMetrics | where name == \'tracker.stuck\' | summarize value = max(valueMax)'
    threshold: 0
  }
  {
    name: 'outcomes-resent'
    description: 'The outbox sweep had to send outcome events whose own publication failed: the outcomes queue or storage is failing.'
    severity: 3
    query: 'customMetrics | where name == \'outcomes.resent\' | summarize value = sum(valueSum)'
    threshold: 0
  }
  {
    name: 'outcomes-poison'
    description: 'Messages wait in transaction-outcomes-poison: a consumer gave up on them; replay with GET /api/outcomes after fixing it.'
    severity: 2
    query: 'customMetrics | where name == \'outcomes.poison\' | summarize value = max(valueMax)'
    threshold: 0
  }
  {
    name: 'outcomes-publish-delay'
    description: 'Outcome events reach the outcomes queue late after their change was recorded.'
    severity: 3
    query: 'customMetrics | where name == \'outcomes.publish.delay\' | summarize value = max(valueMax) / 1000.0'
    threshold: publishDelaySeconds
  }
]

resource alertRules 'Microsoft.Insights/scheduledQueryRules@2023-12-01' = [
  for rule in rules: {
    name: '${namePrefix}-${rule.name}'
    location: location
    tags: tags
    properties: {
      displayName: '${namePrefix}: ${rule.name}'
      description: rule.description
      severity: rule.severity
      enabled: true
      scopes: [
        applicationInsightsId
      ]
      evaluationFrequency: 'PT5M'
      windowSize: 'PT15M'
      criteria: {
        allOf: [
          {
            query: rule.query
            timeAggregation: 'Maximum'
            metricMeasureColumn: 'value'
            operator: 'GreaterThan'
            threshold: rule.threshold
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

@description('Resource id of the action group the alerts notify.')
output actionGroupId string = actionGroup.id
