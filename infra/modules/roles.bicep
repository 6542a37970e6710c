// Least-privilege data-plane role assignments.
//
// The app's managed identity gets what the Functions host, the Durable task hub and the app need
// on the storage account (blobs, queues and tables; on Flex Consumption also the deployment
// container) and read access to the Key Vault secrets. The deploying user (azd's
// AZURE_PRINCIPAL_ID) optionally gets the same storage roles, for local runs against the real
// account, and Secrets Officer on the vault, so it can rotate the Gateway secrets.

@description('Name of the storage account the roles are scoped to.')
param storageAccountName string

@description('Name of the Key Vault the secrets roles are scoped to.')
param keyVaultName string

@description('Name of the Function App\'s user-assigned managed identity.')
param identityName string

@description('Object id of the deploying user or service principal; empty grants it nothing.')
param principalId string = ''

@description('Kind of principal principalId is.')
@allowed([
  'User'
  'Group'
  'ServicePrincipal'
])
param principalType string = 'User'

// Built-in role definition ids (the same in every tenant).
var roleIds = {
  storageBlobDataOwner: 'b7e6dc6d-f1e8-4753-8033-0f276bb0955b'
  storageQueueDataContributor: '974c5e8b-45b9-4653-ba55-5f855dd0fb88'
  storageTableDataContributor: '0a9a7e1f-b9d0-4cc4-a60d-0319b160aaa3'
  keyVaultSecretsUser: '4633458b-17de-408a-b874-0445c86b69e6'
  keyVaultSecretsOfficer: 'b86a8fe4-44ce-4948-aee5-eccb2c155cd7'
}

// Blob Data Owner: the host takes blob leases and keeps its keys in blobs, the Durable task hub
// creates its lease containers and blobs, and Flex Consumption writes the deployment package.
// Queue Data Contributor: the task hub creates and works its control and work-item queues, and the
// app sends to its outcome queue; the narrower Message Processor / Message Sender roles cannot
// create queues. Table Data Contributor: the app's tables and the task hub's history and instance
// tables.
var storageRoleIds = [
  roleIds.storageBlobDataOwner
  roleIds.storageQueueDataContributor
  roleIds.storageTableDataContributor
]

var grantDeployer = !empty(principalId)

resource storage 'Microsoft.Storage/storageAccounts@2025-06-01' existing = {
  name: storageAccountName
}

resource vault 'Microsoft.KeyVault/vaults@2025-05-01' existing = {
  name: keyVaultName
}

resource identity 'Microsoft.ManagedIdentity/userAssignedIdentities@2024-11-30' existing = {
  name: identityName
}

resource appStorageRoles 'Microsoft.Authorization/roleAssignments@2022-04-01' = [
  for roleId in storageRoleIds: {
    name: guid(storage.id, identity.id, roleId)
    scope: storage
    properties: {
      roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roleId)
      principalId: identity.properties.principalId
      principalType: 'ServicePrincipal'
      description: 'Function App identity: Functions host and app data access'
    }
  }
]

resource appSecretsUser 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(vault.id, identity.id, roleIds.keyVaultSecretsUser)
  scope: vault
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roleIds.keyVaultSecretsUser)
    principalId: identity.properties.principalId
    principalType: 'ServicePrincipal'
    description: 'Function App identity: read the Gateway secrets'
  }
}

resource deployerStorageRoles 'Microsoft.Authorization/roleAssignments@2022-04-01' = [
  for roleId in storageRoleIds: if (grantDeployer) {
    name: guid(storage.id, principalId, roleId)
    scope: storage
    properties: {
      roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roleId)
      principalId: principalId
      principalType: principalType
      description: 'Deploying principal: data access for local runs and diagnostics'
    }
  }
]

resource deployerSecretsOfficer 'Microsoft.Authorization/roleAssignments@2022-04-01' = if (grantDeployer) {
  name: guid(vault.id, principalId, roleIds.keyVaultSecretsOfficer)
  scope: vault
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roleIds.keyVaultSecretsOfficer)
    principalId: principalId
    principalType: principalType
    description: 'Deploying principal: rotate the Gateway secrets'
  }
}
