// Key Vault holding the smallcase Gateway shared secrets. Access is Azure RBAC only.
//
// A secret is written only when its parameter is non-empty, so a provision run without the
// values (for example after an out-of-band rotation with `az keyvault secret set`) never
// overwrites or rolls back what is in the vault.

@description('Name of the Key Vault (3-24 letters, digits and hyphens, globally unique).')
@minLength(3)
@maxLength(24)
param name string

@description('Azure region of the Key Vault.')
param location string

@description('Tags applied to the Key Vault.')
param tags object = {}

@description('Days a deleted vault or secret stays recoverable.')
@minValue(7)
@maxValue(90)
param softDeleteRetentionInDays int = 90

@description('smallcase Gateway secret (HS256 key of the guest/connected auth JWTs). Empty: leave the secret as it is.')
@secure()
param gatewaySecret string = ''

@description('smallcase Gateway API secret (x-gateway-secret header and webhook checksum key). Empty: leave the secret as it is.')
@secure()
param gatewayApiSecret string = ''

@description('Previous Gateway API secret; webhook checksums made with it are still accepted during a rotation window. Empty: leave the secret as it is.')
@secure()
param gatewayApiSecretPrevious string = ''

resource vault 'Microsoft.KeyVault/vaults@2025-05-01' = {
  name: name
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
    enabledForDeployment: false
    enabledForDiskEncryption: false
    enabledForTemplateDeployment: false
    publicNetworkAccess: 'Enabled'
    networkAcls: {
      bypass: 'AzureServices'
      defaultAction: 'Allow'
    }
  }
}

resource gatewaySecretResource 'Microsoft.KeyVault/vaults/secrets@2025-05-01' = if (!empty(gatewaySecret)) {
  parent: vault
  name: 'gateway-secret'
  properties: {
    value: gatewaySecret
    contentType: 'text/plain'
    attributes: {
      enabled: true
    }
  }
}

resource gatewayApiSecretResource 'Microsoft.KeyVault/vaults/secrets@2025-05-01' = if (!empty(gatewayApiSecret)) {
  parent: vault
  name: 'gateway-api-secret'
  properties: {
    value: gatewayApiSecret
    contentType: 'text/plain'
    attributes: {
      enabled: true
    }
  }
}

resource gatewayApiSecretPreviousResource 'Microsoft.KeyVault/vaults/secrets@2025-05-01' = if (!empty(gatewayApiSecretPrevious)) {
  parent: vault
  name: 'gateway-api-secret-previous'
  properties: {
    value: gatewayApiSecretPrevious
    contentType: 'text/plain'
    attributes: {
      enabled: true
    }
  }
}

@description('Name of the Key Vault.')
output name string = vault.name

@description('Resource id of the Key Vault.')
output id string = vault.id

@description('Vault URI, e.g. https://<name>.vault.azure.net/ (the app reads it as KeyVault__Uri).')
output uri string = vault.properties.vaultUri
