#!/usr/bin/env bash
# Runs the function app locally with Azurite and the embedded Gateway simulator, walks a basket through it
# (create -> SDK screens -> webhooks -> tracked to final), then keeps the app running until Ctrl+C. The app runs in
# the local host (local/): the same functions, orchestration and activities as under the Functions host, which this
# command does not need (see the README for `func start`).
#   bash scripts/run.sh           run and keep running
#   bash scripts/run.sh --once    run the walk-through and stop (exit code 0 when the basket reached a final state)
# Env: APP_PORT (default 7071), SIM_PORT (default 7072). A default port that is taken is replaced by a free one; a port
# set explicitly that is taken stops the command at once. Every server listens on 127.0.0.1 only.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
once="${1:-}"

fail() { echo "run.sh: $*" >&2; exit 1; }

# free_ports N: prints N distinct free loopback ports.
free_ports() {
  node -e '
const net = require("net");
const one = () => new Promise(r => { const s = net.createServer(); s.listen(0, "127.0.0.1", () => { const p = s.address().port; s.close(() => r(p)); }); });
(async () => { const ps = []; while (ps.length < Number(process.argv[1])) { const p = await one(); if (!ps.includes(p)) ps.push(p); } console.log(ps.join(" ")); })();' "$1"
}

# Exit code 0 when nothing listens on 127.0.0.1:$1 and it can be bound.
port_is_free() {
  node -e 'const s = require("net").createServer(); s.on("error", () => process.exit(1)); s.listen(Number(process.argv[1]), "127.0.0.1", () => s.close());' "$1"
}

# choose_port VARIABLE DEFAULT: the variable's port if set (it must be free), else the default, else a free one.
choose_port() {
  local name="$1" default="$2" requested="${!1:-}"
  if [ -n "$requested" ]; then
    port_is_free "$requested" || fail "port $requested ($name) is already in use; set $name to a free port."
    echo "$requested"
  elif port_is_free "$default"; then
    echo "$default"
  else
    local port
    port="$(free_ports 1)"
    echo "Port $default is in use; using $port instead (set $name to choose)." >&2
    echo "$port"
  fi
}

app_port="$(choose_port APP_PORT 7071)"
sim_port="$(choose_port SIM_PORT 7072)"
[ "$app_port" != "$sim_port" ] || fail "APP_PORT and SIM_PORT are both $app_port."

[ -f node_modules/azurite/dist/src/azurite.js ] || npm ci --no-audit --no-fund --loglevel=error
echo "Building..."
dotnet build tools/Demo/Demo.csproj -c Release -nologo -v quiet -clp:ErrorsOnly

read -r blob_port queue_port table_port <<<"$(free_ports 3)"

pids=()
# stop SECONDS PID...: SIGTERM, then SIGKILL to whichever has not exited after SECONDS.
stop() {
  local seconds="$1"
  shift
  kill -TERM "$@" 2>/dev/null || true
  for _ in $(seq 1 "$((seconds * 10))"); do
    local running=""
    for pid in "$@"; do if kill -0 "$pid" 2>/dev/null; then running=1; fi; done
    [ -n "$running" ] || break
    sleep 0.1
  done
  kill -KILL "$@" 2>/dev/null || true
  for pid in "$@"; do wait "$pid" 2>/dev/null || true; done
}
# The walk-through and the app first (the app releases its task hub partition in Azurite as it stops), then Azurite:
# everything is gone within 5 s.
cleanup() {
  trap - EXIT INT TERM
  if [ ${#pids[@]} -gt 1 ]; then stop 3 "${pids[@]:1}"; fi
  if [ ${#pids[@]} -gt 0 ]; then stop 1 "${pids[0]}"; fi
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

node node_modules/azurite/dist/src/azurite.js --silent --disableTelemetry --inMemoryPersistence --skipApiVersionCheck --loose \
  --blobHost 127.0.0.1 --blobPort "$blob_port" --queueHost 127.0.0.1 --queuePort "$queue_port" \
  --tableHost 127.0.0.1 --tablePort "$table_port" >/dev/null &
pids+=($!)

# alive PID WHAT: fails with a one-line reason when the process has exited.
alive() {
  kill -0 "$1" 2>/dev/null && return 0
  local code=0
  wait "$1" 2>/dev/null || code=$?
  fail "$2 exited (code $code) before it was ready; its output is above."
}

listening() { node -e 'const s = require("net").connect(Number(process.argv[1]), "127.0.0.1", () => { s.end(); }); s.on("error", () => process.exit(1));' "$1"; }
for port in "$blob_port" "$queue_port" "$table_port"; do
  for attempt in $(seq 1 150); do
    alive "${pids[0]}" "Azurite"
    listening "$port" && break
    [ "$attempt" -lt 150 ] || fail "Azurite did not listen on 127.0.0.1:$port within 30 s."
    sleep 0.2
  done
done

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

healthy() { node -e "fetch('$app_url/api/health').then(r => r.text().then(t => { console.log('health: ' + t); process.exit(r.ok ? 0 : 1); }), () => process.exit(1))" 2>/dev/null; }
for attempt in $(seq 1 120); do
  alive "${pids[1]}" "The app"
  healthy && break
  [ "$attempt" -lt 120 ] || fail "the app did not answer on $app_url/api/health within 60 s."
  sleep 0.5
done
echo
echo "Function app:      $app_url/api  (local host: the HTTP functions, the tracking orchestrations and the timer functions in one process)"
echo "Gateway simulator: http://127.0.0.1:$sim_port  (embedded; webhooks go to $app_url/api/gateway/webhooks)"
echo "Azurite:           blob $blob_port, queue $queue_port, table $table_port"
echo "Try-it page:       $app_url/try/  (a browser page: sign in as any demo user and walk a basket through)"

# In the background, so that a signal stops the command at once instead of after the walk-through.
dotnet tools/Demo/bin/Release/net10.0/Demo.dll "$app_url" "http://127.0.0.1:$sim_port" "$UserAuth__DevelopmentSigningKey" &
pids+=($!)
status=0
wait "${pids[2]}" || status=$?
if [ "$once" = "--once" ]; then exit "$status"; fi

echo
echo "The app keeps running at $app_url; press Ctrl+C to stop."
status=0
wait "${pids[1]}" || status=$?
fail "the app exited (code $status)."
