#!/usr/bin/env bash
# Builds the deployable Function App folder (default: artifacts/functionapp): a linux-x64 ReadyToRun publish of the
# isolated worker in ./functions. The Worker SDK writes what the Functions host reads: host.json, functions.metadata,
# worker.config.json, extensions.json and .azurefunctions/ (the host-side Durable extension).
# azd's prepackage hook runs this (see azure.yaml); infra/deploy-package-url.sh zips its output.
#
# Usage: scripts/package.sh [output-dir]
# Env:   CONFIGURATION  build configuration (default: Release)
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
configuration="${CONFIGURATION:-Release}"
out="${1:-$root/artifacts/functionapp}"
case "$out" in /*) ;; *) out="$PWD/$out" ;; esac

rm -rf "$out"
mkdir -p "$out"

# Framework-dependent (the plan's dotnet-isolated 10.0 stack provides the runtime); ReadyToRun precompiles the app and
# its packages, so less is JIT-compiled when an instance starts.
echo "package.sh: publishing functions ($configuration, linux-x64, ReadyToRun) to $out"
dotnet publish "$root/functions/FunctionApp.csproj" -c "$configuration" -r linux-x64 --self-contained false \
  -p:PublishReadyToRun=true -p:DebugType=None -p:DebugSymbols=false -o "$out"

for file in host.json functions.metadata worker.config.json extensions.json; do
  if [ ! -f "$out/$file" ]; then
    echo "package.sh: $file missing from the publish output" >&2
    exit 1
  fi
done
echo "package.sh: package ready in $out"
