// User-assigned managed identity used by the Function App for every Azure call it makes:
// the Functions host (AzureWebJobsStorage), the app's own Table/Queue/Key Vault clients
// (DefaultAzureCredential with AZURE_CLIENT_ID) and the deployment package (Flex Consumption's
// deployment container, Elastic Premium's package blob).

@description('Name of the user-assigned managed identity.')
param name string

@description('Azure region of the identity.')
param location string

@description('Tags applied to the identity.')
param tags object = {}

resource identity 'Microsoft.ManagedIdentity/userAssignedIdentities@2024-11-30' = {
  name: name
  location: location
  tags: tags
}

@description('Resource id of the identity.')
output id string = identity.id

@description('Name of the identity.')
output name string = identity.name

@description('Client (application) id of the identity; the app sets it as AZURE_CLIENT_ID.')
output clientId string = identity.properties.clientId

@description('Object (principal) id of the identity, used for role assignments.')
output principalId string = identity.properties.principalId
