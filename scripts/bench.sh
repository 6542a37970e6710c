#!/usr/bin/env bash
# Runs the bench (not part of the test run): a table of figures, each against a baseline measured in the same run on
# this machine, printed and written to bench/results/latest.md (--quick: a short smoke run, to bench/results/quick.md).
# All load goes to 127.0.0.1 and stops by itself. See bench/README.md.
#   bash scripts/bench.sh [--quick] [--only coldstart,ingest,cost,growth,tracking] [--output FILE]
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"

# npm ci replaces node_modules; skip it when the install already matches the lock file.
if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  npm ci --no-audit --no-fund --loglevel=error
fi
dotnet run -c Release --project tools/Bench -- "$@"
