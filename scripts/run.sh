#!/usr/bin/env bash
# Runs the function app locally with Azurite and the embedded Gateway simulator, walks a basket through it
# (create -> SDK screens -> webhooks -> tracked to final), then keeps the app running until Ctrl+C. The app runs in
# the local host (local/): the same functions, orchestration and activities as under the Functions host, which this
# command does not need (see the README for `func start`).
#   bash scripts/run.sh           run and keep running
#   bash scripts/run.sh --once    run the walk-through and stop (exit code 0 when the basket reached a final state)
# Env: APP_PORT (default 7071), SIM_PORT (default 7072).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
once="${1:-}"

[ -f node_modules/azurite/dist/src/azurite.js ] || npm ci --no-audit --no-fund --loglevel=error
echo "Building..."
dotnet build tools/Demo/Demo.csproj -c Release -nologo -v quiet -clp:ErrorsOnly

read -r blob_port queue_port table_port <<<"$(node -e '
const net = require("net");
const one = () => new Promise(r => { const s = net.createServer(); s.listen(0, "127.0.0.1", () => { const p = s.address().port; s.close(() => r(p)); }); });
(async () => { const ps = []; while (ps.length < 3) { const p = await one(); if (!ps.includes(p)) ps.push(p); } console.log(ps.join(" ")); })();')"
app_port="${APP_PORT:-7071}"
sim_port="${SIM_PORT:-7072}"

pids=()
# The app first (it releases its task hub partition in Azurite as it stops, bounded by its shutdown timeout), then Azurite.
cleanup() {
  for ((i = ${#pids[@]} - 1; i >= 0; i--)); do kill "${pids[i]}" 2>/dev/null || true; wait "${pids[i]}" 2>/dev/null || true; done
}
trap cleanup EXIT INT TERM

node node_modules/azurite/dist/src/azurite.js --silent --disableTelemetry --inMemoryPersistence --skipApiVersionCheck --loose \
  --blobHost 127.0.0.1 --blobPort "$blob_port" --queueHost 127.0.0.1 --queuePort "$queue_port" \
  --tableHost 127.0.0.1 --tablePort "$table_port" >/dev/null &
pids+=($!)

node -e '
const net = require("net"), ports = process.argv.slice(1).map(Number), deadline = Date.now() + 30000;
const probe = p => new Promise(r => { const s = net.connect(p, "127.0.0.1", () => { s.end(); r(true); }); s.on("error", () => r(false)); });
(async () => { for (const p of ports) { while (!(await probe(p))) { if (Date.now() > deadline) { console.error("Azurite did not start"); process.exit(1); } await new Promise(r => setTimeout(r, 200)); } } })();
' "$blob_port" "$queue_port" "$table_port"

key="Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw=="
export AzureWebJobsStorage="DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=$key;BlobEndpoint=http://127.0.0.1:$blob_port/devstoreaccount1;QueueEndpoint=http://127.0.0.1:$queue_port/devstoreaccount1;TableEndpoint=http://127.0.0.1:$table_port/devstoreaccount1;"
# Local-only secrets for the embedded simulator; with real Gateway settings (Gateway__BaseUrl) use Key Vault instead.
export Gateway__BaseUrl="" Gateway__Name="demo-gateway"
export Gateway__Secret="local-simulator-secret" Gateway__ApiSecret="local-simulator-api-secret"
export UserAuth__DevelopmentSigningKey="local-development-user-key"
export Simulator__Port="$sim_port"
# The simulated market starts at 10:00 IST on the latest weekday, so the basket trades now rather than as AMO.
Simulator__ClockStart="$(node -e '
const ist = new Date(Date.now() + 5.5 * 3600e3); while ([0, 6].includes(ist.getUTCDay())) ist.setUTCDate(ist.getUTCDate() - 1);
console.log(`${ist.toISOString().slice(0, 10)}T10:00:00+05:30`);')"
export Simulator__ClockStart
# Confirm final results with the Gateway 2 s after the last webhook (production default: 15 s).
export Tracker__ConfirmDelay="00:00:02"
export Logging__LogLevel__Default="Warning"
export TryIt__Enabled="true"

app_url="http://127.0.0.1:$app_port"
DOTNET_ENVIRONMENT=Development dotnet local/bin/Release/net10.0/LocalHost.dll --urls "$app_url" "--Logging:LogLevel:Microsoft.Hosting.Lifetime=Information" &
pids+=($!)

for _ in $(seq 1 120); do
  if node -e "fetch('$app_url/api/health').then(r => process.exit(r.ok ? 0 : 1), () => process.exit(1))" 2>/dev/null; then break; fi
  sleep 0.5
done
node -e "fetch('$app_url/api/health').then(r => r.text()).then(t => console.log('health: ' + t))"

echo
echo "Function app:      $app_url/api  (local host: the HTTP functions, the tracking orchestrations and the timer functions in one process)"
echo "Gateway simulator: http://127.0.0.1:$sim_port  (embedded; webhooks go to $app_url/api/gateway/webhooks)"
echo "Azurite:           blob $blob_port, queue $queue_port, table $table_port"
echo "Try-it page:       $app_url/try/  (a browser page: sign in as any demo user and walk a basket through)"

dotnet tools/Demo/bin/Release/net10.0/Demo.dll "$app_url" "http://127.0.0.1:$sim_port" "$UserAuth__DevelopmentSigningKey"
status=$?
if [ "$once" = "--once" ]; then exit "$status"; fi

echo
echo "The app keeps running at $app_url; press Ctrl+C to stop."
wait "${pids[1]}"
