// Infrastructure of the smallcase Gateway integration: a Linux Function App running the
// isolated worker (.NET 10) on Flex Consumption by default, its storage (tables, queues, the
// Durable task hub and the deployment package), Key Vault for the Gateway secrets, Application
// Insights, and a user-assigned identity with least-privilege data roles.
// Deploy with `azd up` (see infra/README.md); check with `bash infra/check.sh`.

targetScope = 'resourceGroup'

@description('Name of the azd environment; it seeds the resource names and the azd-env-name tag.')
@minLength(1)
@maxLength(64)
param environmentName string

@description('Azure region of every resource.')
@minLength(1)
param location string

@description('Object id of the deploying user or service principal (azd sets AZURE_PRINCIPAL_ID). It gets the app\'s storage data roles and Key Vault Secrets Officer; empty grants nothing.')
param principalId string = ''

@description('Kind of principal principalId is.')
@allowed([
  'User'
  'Group'
  'ServicePrincipal'
])
param principalType string = 'User'

@description('Hosting plan of the Function App. FlexConsumption and Dedicated deploy with `azd deploy`; ElasticPremium runs from a package blob and deploys with infra/deploy-package-url.sh. See infra/README.md.')
@allowed([
  'FlexConsumption'
  'Dedicated'
  'ElasticPremium'
])
param hostingPlan string = 'FlexConsumption'

@description('Flex Consumption only: memory of each instance, in MB.')
@allowed([
  512
  2048
  4096
])
param flexInstanceMemoryMB int = 2048

@description('Flex Consumption only: most instances the app may scale out to.')
@minValue(40)
@maxValue(1000)
param flexMaximumInstanceCount int = 100

@description('Dedicated only: Linux App Service plan SKU.')
@allowed([
  'B1'
  'B2'
  'B3'
  'S1'
  'S2'
  'S3'
  'P0v3'
  'P1v3'
  'P2v3'
  'P3v3'
])
param dedicatedPlanSku string = 'P0v3'

@description('Elastic Premium only: plan SKU.')
@allowed([
  'EP1'
  'EP2'
  'EP3'
])
param elasticPremiumPlanSku string = 'EP1'

@description('Elastic Premium only: most instances the plan may scale out to.')
@minValue(1)
@maxValue(100)
param elasticMaximumWorkerCount int = 20

@description('Elastic Premium only: always-ready instances kept warm.')
@minValue(1)
@maxValue(20)
param elasticMinimumInstanceCount int = 1

@description('Replication of the storage account.')
@allowed([
  'Standard_LRS'
  'Standard_ZRS'
  'Standard_GRS'
  'Standard_GZRS'
])
param storageSkuName string = 'Standard_LRS'

@description('smallcase Gateway secret (HS256 key of the auth JWTs), stored in Key Vault as gateway-secret. Empty: leave the vault\'s value as it is.')
@secure()
param gatewaySecret string = ''

@description('smallcase Gateway API secret (x-gateway-secret header and webhook checksum key), stored as gateway-api-secret. Empty: leave the vault\'s value as it is.')
@secure()
param gatewayApiSecret string = ''

@description('Previous Gateway API secret during a rotation window, stored as gateway-api-secret-previous. Empty: leave the vault\'s value as it is.')
@secure()
param gatewayApiSecretPrevious string = ''

@description('Base URL of the smallcase Gateway APIs (Gateway__BaseUrl).')
param gatewayBaseUrl string = 'https://gatewayapi.smallcase.com'

@description('The platform\'s Gateway name as registered with smallcase (Gateway__Name).')
@minLength(1)
param gatewayName string

@description('OIDC issuer (authority) of the platform\'s user tokens (UserAuth__Authority).')
@minLength(1)
param userAuthAuthority string

@description('Audience of the platform\'s user tokens (UserAuth__Audience).')
@minLength(1)
param userAuthAudience string

@description('The Gateway SDK environment the platform\'s apps initialise (Sdk__Environment).')
@allowed([
  'Production'
  'Staging'
  'Development'
])
param sdkEnvironment string = 'Production'

@description('The SDK\'s test mode, isLeprechaun (Sdk__TestMode).')
param sdkTestMode bool = false

@description('The brokers offered to users (Sdk__Brokers__N), from the 17 documented broker keys; empty: every broker.')
@allowed([
  'aliceblue'
  'angelbroking'
  'axis'
  'dhan'
  'edelweiss'
  'fisdom'
  'fivepaisa'
  'fundzbazar'
  'groww'
  'hdfc'
  'icici'
  'iifl'
  'kite'
  'kotak'
  'motilal'
  'trustline'
  'upstox'
])
param sdkBrokers array = []

@description('Whether users may place after-market orders (Sdk__AllowAmo).')
param sdkAllowAmo bool = true

@description('Name of the Durable Functions task hub in the storage account (Durable__TaskHub): 3-45 letters and digits, starting with a letter. A new name starts an empty hub; orchestrations in the old one stop being processed.')
@minLength(3)
@maxLength(45)
param durableTaskHubName string = 'tracking'

@description('Browser origins allowed to call the app (CORS), e.g. the platform\'s web app; empty for none.')
param allowedCorsOrigins array = []

@description('Dedicated and Elastic Premium only: health probe path of the app (its anonymous GET health function); empty turns the App Service health check off. Flex Consumption has no health check.')
param healthCheckPath string = '/api/health'

@description('E-mail address that receives the operational alerts (webhook lag, stuck trackings, unsent or poison outcome events); empty for none.')
param alertEmail string = ''

var resourceToken = toLower(uniqueString(subscription().id, resourceGroup().id, environmentName, location))
var tags = {
  'azd-env-name': environmentName
}

var names = {
  identity: 'id-${resourceToken}'
  storage: 'st${resourceToken}'
  keyVault: 'kv-${resourceToken}'
  logAnalytics: 'log-${resourceToken}'
  applicationInsights: 'appi-${resourceToken}'
  plan: 'plan-${resourceToken}'
  functionApp: 'func-${resourceToken}'
}

var planSku = hostingPlan == 'Dedicated' ? dedicatedPlanSku : hostingPlan == 'ElasticPremium' ? elasticPremiumPlanSku : ''
// Flex Consumption deploys into this container; Elastic Premium runs from a package blob in it.
var packageContainerName = 'app-package'

// Durable Functions rejects other task hub names when the host starts; refuse them here instead.
var letters = 'abcdefghijklmnopqrstuvwxyz'
var durableTaskHubNameIsValid = contains(letters, toLower(first(durableTaskHubName))) && empty(filter(
  range(0, length(durableTaskHubName)),
  i => !contains('${letters}0123456789', toLower(substring(durableTaskHubName, i, 1)))
))

// The same names as src/Transactions.Storage/TableNames.cs and Queues/QueueNames.cs (the deployed app does not create
// them: Storage__CreateMissingResources is false in modules/functionapp.bicep).
var tableNames = [
  'Transactions'
  'UserTransactions'
  'NotesRefs'
  'UserLinks'
  'IdempotencyRecords'
  'OutcomeLog'
]

// The host moves a message that keeps failing to <queue>-poison; creating those up front lets
// alerts and dashboards point at them before the first failure.
var queueNames = [
  'transaction-outcomes'
  'transaction-outcomes-poison'
]

module identity 'modules/identity.bicep' = {
  name: 'identity'
  params: {
    name: names.identity
    location: location
    tags: tags
  }
}

module monitoring 'modules/monitoring.bicep' = {
  name: 'monitoring'
  params: {
    logAnalyticsName: names.logAnalytics
    applicationInsightsName: names.applicationInsights
    location: location
    tags: tags
  }
}

module alerts 'modules/alerts.bicep' = {
  name: 'alerts'
  params: {
    namePrefix: names.applicationInsights
    location: location
    tags: tags
    applicationInsightsId: monitoring.outputs.applicationInsightsId
    alertEmail: alertEmail
  }
}

module storage 'modules/storage.bicep' = {
  name: 'storage'
  params: {
    name: names.storage
    location: location
    tags: tags
    skuName: storageSkuName
    tableNames: tableNames
    queueNames: queueNames
    containerNames: hostingPlan == 'Dedicated' ? [] : [packageContainerName]
  }
}

module keyVault 'modules/keyvault.bicep' = {
  name: 'keyvault'
  params: {
    name: names.keyVault
    location: location
    tags: tags
    gatewaySecret: gatewaySecret
    gatewayApiSecret: gatewayApiSecret
    gatewayApiSecretPrevious: gatewayApiSecretPrevious
  }
}

module roles 'modules/roles.bicep' = {
  name: 'roles'
  params: {
    storageAccountName: names.storage
    keyVaultName: names.keyVault
    identityName: names.identity
    principalId: principalId
    principalType: principalType
  }
  dependsOn: [
    identity
    storage
    keyVault
  ]
}

module functionApp 'modules/functionapp.bicep' = {
  name: 'functionapp'
  params: {
    name: names.functionApp
    planName: names.plan
    location: location
    tags: tags
    hostingPlan: hostingPlan
    planSku: planSku
    flexInstanceMemoryMB: flexInstanceMemoryMB
    flexMaximumInstanceCount: flexMaximumInstanceCount
    maximumElasticWorkerCount: elasticMaximumWorkerCount
    minimumElasticInstanceCount: elasticMinimumInstanceCount
    identityName: names.identity
    storageAccountName: names.storage
    packageContainerName: packageContainerName
    applicationInsightsName: names.applicationInsights
    keyVaultName: names.keyVault
    gatewayBaseUrl: gatewayBaseUrl
    gatewayName: gatewayName
    sdkEnvironment: sdkEnvironment
    sdkTestMode: sdkTestMode
    sdkBrokers: sdkBrokers
    sdkAllowAmo: sdkAllowAmo
    userAuthAuthority: userAuthAuthority
    userAuthAudience: userAuthAudience
    durableTaskHubName: durableTaskHubNameIsValid
      ? durableTaskHubName
      : fail('durableTaskHubName must be 3-45 letters and digits, starting with a letter.')
    allowedCorsOrigins: allowedCorsOrigins
    healthCheckPath: healthCheckPath
  }
  // Roles first, so the host's first start (and, on Flex Consumption, the deployment container) can
  // already be reached with the identity.
  dependsOn: [
    monitoring
    roles
  ]
}

@description('Tenant of the deployment.')
output AZURE_TENANT_ID string = subscription().tenantId

@description('Region of the deployment.')
output AZURE_LOCATION string = location

@description('Resource group of the deployment.')
output AZURE_RESOURCE_GROUP string = resourceGroup().name

@description('Name of the Function App.')
output AZURE_FUNCTION_APP_NAME string = functionApp.outputs.name

@description('Base URL of the Function App.')
output AZURE_FUNCTION_URI string = 'https://${functionApp.outputs.defaultHostName}'

@description('How code reaches the app: onedeploy (Flex Consumption, azd deploy), zipdeploy (Dedicated, azd deploy) or package-url (Elastic Premium, infra/deploy-package-url.sh).')
output AZURE_FUNCTION_DEPLOYMENT_MODE string = functionApp.outputs.deploymentMode

@description('Elastic Premium only: package blob URL the app runs from.')
output AZURE_FUNCTION_PACKAGE_URL string = functionApp.outputs.packageUrl

@description('Client id of the app\'s managed identity (the app\'s AZURE_CLIENT_ID).')
output AZURE_FUNCTION_IDENTITY_CLIENT_ID string = identity.outputs.clientId

@description('Name of the Key Vault.')
output AZURE_KEY_VAULT_NAME string = keyVault.outputs.name

@description('URI of the Key Vault (the app\'s KeyVault__Uri).')
output AZURE_KEY_VAULT_URI string = keyVault.outputs.uri

@description('Name of the storage account.')
output AZURE_STORAGE_ACCOUNT_NAME string = storage.outputs.name

@description('Resource id of Application Insights (its connection string is an app setting, not an output).')
output APPLICATIONINSIGHTS_RESOURCE_ID string = monitoring.outputs.applicationInsightsId
