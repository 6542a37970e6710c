#!/usr/bin/env bash
# Builds and lints every Bicep file under infra/ with the real Bicep CLI, taken from the NuGet
# package Azure.Bicep.CommandLine.linux-x64 (version pinned in infra/tools/Directory.Packages.props).
# Fails on any compiler or linter error or warning (rules: infra/bicepconfig.json), on a
# parameter without @description, and on an infra/main.parameters.json that does not match
# infra/main.bicep.
#
# Usage: bash infra/check.sh        (from anywhere; needs dotnet and node)
set -euo pipefail

infra="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
tools="$infra/tools"
export DOTNET_NOLOGO=1 DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1

package_id="azure.bicep.commandline.linux-x64"
version="$(sed -n 's/.*Include="Azure.Bicep.CommandLine.linux-x64" Version="\([^"]*\)".*/\1/p' "$tools/Directory.Packages.props")"
if [ -z "$version" ]; then
  echo "check.sh: no Azure.Bicep.CommandLine.linux-x64 version in $tools/Directory.Packages.props" >&2
  exit 1
fi

# Restore into the NuGet global packages folder (honours NUGET_PACKAGES), so runs share one copy.
dotnet restore "$tools/BicepTool.csproj" --verbosity quiet
packages="$(dotnet nuget locals global-packages --list | sed -n 's/^global-packages: *//p' | tr -d '\r')"
bicep="${packages%/}/$package_id/$version/tools/bicep"
if [ ! -f "$bicep" ]; then
  echo "check.sh: $bicep not found after restore" >&2
  exit 1
fi
chmod +x "$bicep"
echo "check.sh: $("$bicep" --version)"

failed=0
report() {
  echo "FAIL: $*" >&2
  failed=1
}

# Runs a bicep command; any non-zero exit or any Warning/Error diagnostic fails the check.
run_bicep() {
  local label="$1"
  shift
  local output status=0
  output="$("$bicep" "$@" 2>&1 >/dev/null)" || status=$?
  if [ -n "$output" ]; then
    printf '%s\n' "$output" >&2
  fi
  if [ "$status" -ne 0 ] || printf '%s\n' "$output" | grep -Eq ' : (Warning|Error) '; then
    report "$label"
  fi
}

mapfile -t files < <(find "$infra" -name '*.bicep' -not -path "$tools/*" | sort)
if [ "${#files[@]}" -eq 0 ]; then
  echo "check.sh: no .bicep files under $infra" >&2
  exit 1
fi

for file in "${files[@]}"; do
  name="${file#"$infra"/}"
  echo "check.sh: build + lint $name"
  run_bicep "bicep build $name" build "$file" --stdout
  run_bicep "bicep lint $name" lint "$file"
done

# Checks on the compiled template: descriptions everywhere, parameters file in step.
if [ "$failed" -ne 0 ]; then
  echo "check.sh: skipping the template checks until the Bicep files build cleanly" >&2
else
  # Node.js is on every machine that runs the tests (Azurite needs it).
  problems="$("$bicep" build "$infra/main.bicep" --stdout 2>/dev/null | node -e '
    const fs = require("fs");
    const template = JSON.parse(fs.readFileSync(0, "utf8"));
    const problems = [];
    // Every parameter of main.bicep and of each module (nested templates) has a description.
    const missing = new Set();
    (function walk(node) {
      if (node && typeof node === "object") {
        if (node.parameters && node.resources && typeof node.parameters === "object" && !Array.isArray(node.parameters)) {
          for (const [name, p] of Object.entries(node.parameters)) if (p && typeof p === "object" && "type" in p && !(p.metadata && p.metadata.description)) missing.add(name);
        }
        Object.values(node).forEach(walk);
      }
    })(template);
    if (missing.size) problems.push(`parameters without @description: ${[...missing].sort().join(", ")}`);
    let file;
    try { file = JSON.parse(fs.readFileSync(process.argv[1], "utf8")); } catch { problems.push(`${process.argv[1]} is not valid JSON`); }
    if (file) {
      const declared = template.parameters || {}, set = file.parameters || {};
      const unknown = Object.keys(set).filter((k) => !(k in declared));
      if (unknown.length) problems.push(`main.parameters.json sets parameters main.bicep does not declare: ${unknown.join(", ")}`);
      const unset = Object.entries(declared).filter(([k, p]) => !("defaultValue" in p) && !(k in set)).map(([k]) => k);
      if (unset.length) problems.push(`main.parameters.json leaves required parameters unset: ${unset.join(", ")}`);
    }
    console.log(problems.join("\n"));
  ' "$infra/main.parameters.json")" || problems="the compiled template could not be checked"
  while IFS= read -r problem; do
    [ -z "$problem" ] || report "$problem"
  done <<<"$problems"
fi

if [ "$failed" -ne 0 ]; then
  echo "check.sh: FAILED" >&2
  exit 1
fi
echo "check.sh: OK (${#files[@]} Bicep files, no errors or warnings)"
