#!/usr/bin/env bash
# Deploys the app to an Elastic Premium environment (hostingPlan ElasticPremium), where the app
# runs from a package blob it reads with its managed identity (WEBSITE_RUN_FROM_PACKAGE=<url>)
# and `azd deploy` does not apply. Flex Consumption and Dedicated environments use `azd deploy`.
#
# Needs: az (logged in), zip, and the deployer's Storage Blob Data Owner role on the account
# (main.bicep grants it to principalId). Settings come from the environment or, when unset,
# from the current azd environment: AZURE_RESOURCE_GROUP, AZURE_FUNCTION_APP_NAME,
# AZURE_FUNCTION_DEPLOYMENT_MODE, AZURE_FUNCTION_PACKAGE_URL.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"

setting() {
  local value="${!1:-}"
  if [ -z "$value" ] && command -v azd >/dev/null 2>&1; then
    value="$(cd "$root" && azd env get-value "$1" 2>/dev/null || true)"
  fi
  if [ -z "$value" ]; then
    echo "deploy-package-url.sh: $1 is not set (run azd provision first)" >&2
    exit 1
  fi
  printf '%s' "$value"
}

mode="$(setting AZURE_FUNCTION_DEPLOYMENT_MODE)"
if [ "$mode" != "package-url" ]; then
  echo "deploy-package-url.sh: deployment mode is '$mode'; use 'azd deploy' for Flex Consumption and Dedicated plans" >&2
  exit 1
fi
resource_group="$(setting AZURE_RESOURCE_GROUP)"
app="$(setting AZURE_FUNCTION_APP_NAME)"
package_url="$(setting AZURE_FUNCTION_PACKAGE_URL)"

out="$root/artifacts/functionapp"
zip_file="$root/artifacts/functionapp.zip"
bash "$root/scripts/package.sh" "$out"
rm -f "$zip_file"
(cd "$out" && zip -qr -X "$zip_file" .)

echo "deploy-package-url.sh: uploading $zip_file to $package_url"
az storage blob upload --auth-mode login --blob-url "$package_url" --file "$zip_file" --overwrite true --only-show-errors >/dev/null

echo "deploy-package-url.sh: restarting $app and syncing triggers"
az functionapp restart --resource-group "$resource_group" --name "$app" --only-show-errors
az resource invoke-action --resource-group "$resource_group" --resource-type Microsoft.Web/sites \
  --name "$app" --action syncfunctiontriggers --only-show-errors >/dev/null
echo "deploy-package-url.sh: done"
