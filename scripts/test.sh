#!/usr/bin/env bash
# Runs the whole test suite: installs Azurite (npm ci), restores, builds, tests every project in the solution,
# and lints the Bicep infrastructure. Integration tests start Azurite and the Gateway simulator themselves.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"

# npm ci replaces node_modules; skip it when the install already matches the lock file.
if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  npm ci --no-audit --no-fund --loglevel=error
fi
# The try-it page's browser tests drive Debian's Chromium; Playwright's own browser builds are never downloaded.
if ! command -v chromium >/dev/null 2>&1 && [ "$(id -u)" = 0 ]; then
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
fi
dotnet restore SmallcaseGateway.slnx
dotnet build SmallcaseGateway.slnx --no-restore -c Release

results="$root/artifacts/test-results"
rm -rf "$results"
status=0
dotnet test SmallcaseGateway.slnx --no-build -c Release --logger "trx" --results-directory "$results" || status=$?

# One plain summary line over every test project (dotnet test prints one per project).
node - "$results" <<'JS' || true
const fs = require("fs"), path = require("path");
let passed = 0, failed = 0, skipped = 0;
for (const file of fs.existsSync(process.argv[2]) ? fs.readdirSync(process.argv[2]) : []) {
  if (!file.endsWith(".trx")) continue;
  const counters = /<Counters ([^>]*)\/>/.exec(fs.readFileSync(path.join(process.argv[2], file), "utf8"));
  const n = (name) => Number((new RegExp(`\\b${name}="(\\d+)"`).exec(counters?.[1] ?? "") ?? [])[1] ?? 0);
  passed += n("passed"); failed += n("failed") + n("error") + n("timeout"); skipped += n("notExecuted");
}
console.log(`Tests: ${passed} passed, ${failed} failed, ${skipped} skipped`);
JS

# Infrastructure: every Bicep file builds and lints clean; the deployment package has the host's layout.
bash infra/check.sh || status=$?
package="$root/artifacts/package-check"
{ bash scripts/package.sh "$package" >"$root/artifacts/package-check.log" 2>&1 && node scripts/check-package.js "$package"; } \
  || { echo "Package check failed; see artifacts/package-check.log" >&2; status=1; }
# The run command: a taken port, connections to 127.0.0.1 only, and Ctrl+C or SIGTERM ending everything within 5 s.
node scripts/check-run.js || status=1
exit "$status"
