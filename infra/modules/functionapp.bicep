// Linux hosting plan and Function App of the isolated worker (.NET 10, dotnet-isolated).
//
// hostingPlan picks the plan and with it how code reaches the app (see infra/README.md):
// - FlexConsumption (the default): functionAppConfig holds the runtime, the scale limits and the
//   deployment container, which the platform reads with the app's managed identity. `azd deploy`
//   publishes through the Flex one-deploy endpoint.
// - Dedicated (B*, S*, P*v3): `azd deploy` zip-deploys through the SCM endpoint with an Entra token
//   and the app runs from that package (WEBSITE_RUN_FROM_PACKAGE=1).
// - ElasticPremium (EP*): its default Azure Files content share needs a storage key, which this
//   storage account does not allow. The app is therefore created without a content share and runs
//   from a package blob that it fetches with its managed identity (WEBSITE_RUN_FROM_PACKAGE=<url>).
//   Deploy with infra/deploy-package-url.sh, not `azd deploy`.

@description('Name of the Function App (globally unique host name).')
param name string

@description('Name of the App Service plan.')
param planName string

@description('Azure region of the plan and the app.')
param location string

@description('Tags applied to the plan and the app; the app also gets azd-service-name.')
param tags object = {}

@description('Name of the azd service the app implements (its azd-service-name tag).')
param serviceName string = 'functions'

@description('Hosting plan of the app.')
@allowed([
  'FlexConsumption'
  'Dedicated'
  'ElasticPremium'
])
param hostingPlan string

@description('Dedicated: a Linux App Service SKU (B*, S*, P*v3). Elastic Premium: EP1-EP3. Not used on Flex Consumption (FC1).')
param planSku string = ''

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

@description('Elastic Premium only: most instances the plan may scale out to.')
@minValue(1)
@maxValue(100)
param maximumElasticWorkerCount int = 20

@description('Elastic Premium only: always-ready instances kept warm for the app.')
@minValue(1)
@maxValue(20)
param minimumElasticInstanceCount int = 1

@description('Name of the user-assigned managed identity attached to the app.')
param identityName string

@description('Name of the storage account used as AzureWebJobsStorage, for the Durable task hub and for the deployment package.')
param storageAccountName string

@description('Flex Consumption: deployment container of the app. Elastic Premium: container of the package blob. Not used on Dedicated.')
param packageContainerName string = 'app-package'

@description('Elastic Premium only: blob name of the deployment package inside packageContainerName.')
param packageBlobName string = 'functionapp.zip'

@description('Name of the Application Insights component the host and app report to.')
param applicationInsightsName string

@description('Name of the Key Vault holding the Gateway secrets.')
param keyVaultName string

@description('Base URL of the smallcase Gateway APIs.')
param gatewayBaseUrl string

@description('The platform\'s Gateway name, as registered with smallcase.')
param gatewayName string

@description('OIDC issuer (authority) of the platform\'s user tokens.')
param userAuthAuthority string

@description('Audience the platform\'s user tokens are issued for.')
param userAuthAudience string

@description('The Gateway SDK environment (Sdk__Environment).')
param sdkEnvironment string

@description('The SDK\'s test mode (Sdk__TestMode).')
param sdkTestMode bool

@description('The brokers offered to users (Sdk__Brokers__N); empty: every broker. The app checks them at start.')
param sdkBrokers array

@description('Whether users may place after-market orders (Sdk__AllowAmo).')
param sdkAllowAmo bool

@description('Name of the Durable Functions task hub (host.json reads it from Durable__TaskHub): 3-45 letters and digits, starting with a letter.')
@minLength(3)
@maxLength(45)
param durableTaskHubName string

@description('Browser origins allowed to call the app (CORS); empty for none.')
param allowedCorsOrigins array = []

@description('Dedicated and Elastic Premium only: path App Service probes on each instance to take unhealthy ones out of rotation; empty turns the health check off.')
param healthCheckPath string = ''

var isFlexConsumption = hostingPlan == 'FlexConsumption'
var isElasticPremium = hostingPlan == 'ElasticPremium'
var dotnetVersion = '10.0'

resource identity 'Microsoft.ManagedIdentity/userAssignedIdentities@2024-11-30' existing = {
  name: identityName
}

resource storage 'Microsoft.Storage/storageAccounts@2025-06-01' existing = {
  name: storageAccountName
}

resource applicationInsights 'Microsoft.Insights/components@2020-02-02' existing = {
  name: applicationInsightsName
}

resource vault 'Microsoft.KeyVault/vaults@2025-05-01' existing = {
  name: keyVaultName
}

var packageContainerUrl = '${storage.properties.primaryEndpoints.blob}${packageContainerName}'
var packageUrl = '${packageContainerUrl}/${packageBlobName}'

var hostStorageSettings = [
  {
    name: 'AzureWebJobsStorage__accountName'
    value: storage.name
  }
  {
    name: 'AzureWebJobsStorage__credential'
    value: 'managedidentity'
  }
  {
    name: 'AzureWebJobsStorage__clientId'
    value: identity.properties.clientId
  }
  {
    name: 'AzureWebJobsStorage__blobServiceUri'
    value: storage.properties.primaryEndpoints.blob
  }
  {
    name: 'AzureWebJobsStorage__queueServiceUri'
    value: storage.properties.primaryEndpoints.queue
  }
  {
    name: 'AzureWebJobsStorage__tableServiceUri'
    value: storage.properties.primaryEndpoints.table
  }
]

var monitoringAndIdentitySettings = [
  {
    name: 'APPLICATIONINSIGHTS_CONNECTION_STRING'
    value: applicationInsights.properties.ConnectionString
  }
  {
    name: 'AZURE_CLIENT_ID'
    value: identity.properties.clientId
  }
]

// Flex Consumption takes the runtime from functionAppConfig, sets the host version itself and
// always runs from its deployment container; it deprecates these settings ("Flex Consumption plan
// deprecations" in the Functions app settings reference).
var runtimeSettings = isFlexConsumption
  ? []
  : [
      {
        name: 'FUNCTIONS_EXTENSION_VERSION'
        value: '~4'
      }
      {
        name: 'FUNCTIONS_WORKER_RUNTIME'
        value: 'dotnet-isolated'
      }
      {
        // The package is published already; no Oryx build on the server.
        name: 'SCM_DO_BUILD_DURING_DEPLOYMENT'
        value: 'false'
      }
    ]

var packageSettings = isFlexConsumption
  ? []
  : isElasticPremium
      ? [
          {
            name: 'WEBSITE_RUN_FROM_PACKAGE'
            value: packageUrl
          }
          {
            name: 'WEBSITE_RUN_FROM_PACKAGE_BLOB_MI_RESOURCE_ID'
            value: identity.id
          }
        ]
      : [
          {
            name: 'WEBSITE_RUN_FROM_PACKAGE'
            value: '1'
          }
        ]

var sdkBrokerSettings = [for (broker, i) in sdkBrokers: {
  name: 'Sdk__Brokers__${i}'
  value: broker
}]

var appConfigSettings = [
  {
    name: 'KeyVault__Uri'
    value: vault.properties.vaultUri
  }
  {
    name: 'Gateway__BaseUrl'
    value: gatewayBaseUrl
  }
  {
    name: 'Gateway__Name'
    value: gatewayName
  }
  {
    name: 'Sdk__Environment'
    value: sdkEnvironment
  }
  {
    name: 'Sdk__TestMode'
    value: string(sdkTestMode)
  }
  {
    name: 'Sdk__AllowAmo'
    value: string(sdkAllowAmo)
  }
  {
    name: 'UserAuth__Authority'
    value: userAuthAuthority
  }
  {
    name: 'UserAuth__Audience'
    value: userAuthAudience
  }
  {
    name: 'Durable__TaskHub'
    value: durableTaskHubName
  }
  {
    // storage.bicep creates every table and queue, so the app does not create them on each start (cold start).
    name: 'Storage__CreateMissingResources'
    value: 'false'
  }
]

resource plan 'Microsoft.Web/serverfarms@2025-03-01' = {
  name: planName
  location: location
  tags: tags
  kind: isFlexConsumption ? 'functionapp' : isElasticPremium ? 'elastic' : 'linux'
  sku: isFlexConsumption
    ? {
        name: 'FC1'
        tier: 'FlexConsumption'
      }
    : isElasticPremium
        ? {
            name: planSku
            tier: 'ElasticPremium'
          }
        : {
            name: planSku
          }
  properties: {
    reserved: true
    maximumElasticWorkerCount: isElasticPremium ? maximumElasticWorkerCount : null
  }
}

resource site 'Microsoft.Web/sites@2025-03-01' = {
  name: name
  location: location
  tags: union(tags, { 'azd-service-name': serviceName })
  kind: 'functionapp,linux'
  identity: {
    type: 'UserAssigned'
    userAssignedIdentities: {
      '${identity.id}': {}
    }
  }
  properties: {
    serverFarmId: plan.id
    reserved: isFlexConsumption ? null : true
    httpsOnly: true
    clientAffinityEnabled: false
    publicNetworkAccess: 'Enabled'
    keyVaultReferenceIdentity: identity.id
    functionAppConfig: isFlexConsumption
      ? {
          deployment: {
            storage: {
              type: 'blobContainer'
              value: packageContainerUrl
              authentication: {
                type: 'UserAssignedIdentity'
                userAssignedIdentityResourceId: identity.id
              }
            }
          }
          runtime: {
            name: 'dotnet-isolated'
            version: dotnetVersion
          }
          scaleAndConcurrency: {
            instanceMemoryMB: flexInstanceMemoryMB
            maximumInstanceCount: flexMaximumInstanceCount
          }
        }
      : null
    siteConfig: {
      // Null on Flex Consumption: the properties it deprecates (no FTPS, Always On or 32-bit
      // workers; functionAppConfig replaces linuxFxVersion and the scale limits) and the health
      // check, which the Functions docs offer on Premium and Dedicated plans only.
      linuxFxVersion: isFlexConsumption ? null : 'DOTNET-ISOLATED|${dotnetVersion}'
      alwaysOn: isFlexConsumption ? null : !isElasticPremium
      minimumElasticInstanceCount: isElasticPremium ? minimumElasticInstanceCount : null
      functionAppScaleLimit: isElasticPremium ? maximumElasticWorkerCount : null
      use32BitWorkerProcess: isFlexConsumption ? null : false
      ftpsState: isFlexConsumption ? null : 'Disabled'
      healthCheckPath: isFlexConsumption || empty(healthCheckPath) ? null : healthCheckPath
      http20Enabled: true
      minTlsVersion: '1.2'
      scmMinTlsVersion: '1.2'
      remoteDebuggingEnabled: false
      cors: {
        allowedOrigins: allowedCorsOrigins
        supportCredentials: false
      }
      appSettings: concat(
        hostStorageSettings,
        monitoringAndIdentitySettings,
        runtimeSettings,
        packageSettings,
        appConfigSettings,
        sdkBrokerSettings
      )
    }
  }
}

// No publishing passwords: deployments authenticate with Microsoft Entra ID. Flex Consumption
// supports no FTP(S) deployment, so only the SCM policy applies there.
resource ftpPolicy 'Microsoft.Web/sites/basicPublishingCredentialsPolicies@2025-03-01' = if (!isFlexConsumption) {
  parent: site
  name: 'ftp'
  properties: {
    allow: false
  }
}

resource scmPolicy 'Microsoft.Web/sites/basicPublishingCredentialsPolicies@2025-03-01' = {
  parent: site
  name: 'scm'
  properties: {
    allow: false
  }
}

@description('Name of the Function App.')
output name string = site.name

@description('Resource id of the Function App.')
output id string = site.id

@description('Default host name of the Function App.')
output defaultHostName string = site.properties.defaultHostName

@description('How code reaches the app: onedeploy (Flex Consumption, azd deploy), zipdeploy (Dedicated, azd deploy) or package-url (Elastic Premium, infra/deploy-package-url.sh).')
output deploymentMode string = isFlexConsumption ? 'onedeploy' : isElasticPremium ? 'package-url' : 'zipdeploy'

@description('Elastic Premium only: URL of the package blob the app runs from; empty otherwise.')
output packageUrl string = isElasticPremium ? packageUrl : ''
