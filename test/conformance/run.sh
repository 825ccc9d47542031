#!/usr/bin/env bash
# API conformance: starts the service on a free port with a fresh data directory, runs Schemathesis
# (property-based requests generated from /docs/openapi.json, every check) against it, stops it.
# Needs `st` (pip install schemathesis) on PATH or in $ST. Exits non-zero on any failure.
set -euo pipefail
cd "$(dirname "$0")/../.."
ST=${ST:-st}
EXAMPLES=${CONFORMANCE_EXAMPLES:-50}
KEY=conformance-admin-key-0001
DATA=$(mktemp -d)
PORT=$(node -e "const s=require('net').createServer().listen(0,'127.0.0.1',()=>{console.log(s.address().port);s.close()})")
LOG="$DATA/service.log"

PORT=$PORT HOST=127.0.0.1 JOURNEYS_DATA_DIR="$DATA" JOURNEYS_API_KEYS="conformance:admin:$KEY" LOG_LEVEL=warn \
  node -r ./libs/testing/src/ts-register.js apps/journeys/src/main.ts >"$LOG" 2>&1 &
SERVICE=$!
stop() {
  kill "$SERVICE" 2>/dev/null || true
  wait "$SERVICE" 2>/dev/null || true
  rm -rf "$DATA"
}
trap stop EXIT

for _ in $(seq 1 300); do
  curl -sf "http://127.0.0.1:$PORT/health" >/dev/null && break
  kill -0 "$SERVICE" 2>/dev/null || { cat "$LOG"; exit 1; }
  sleep 0.1
done

# Trigger definitions the examples of the document name, so that their requests reach the service's logic.
for name in signed-up purchased unsubscribed; do
  curl -sf -o /dev/null -X POST -H "Authorization: Bearer $KEY" -H 'content-type: application/json' \
    "http://127.0.0.1:$PORT/trigger-definitions" -d "{\"name\":\"$name\",\"attributes\":[{\"name\":\"plan\",\"type\":\"text\"}]}"
  curl -sf -o /dev/null -X POST -H "Authorization: Bearer $KEY" "http://127.0.0.1:$PORT/trigger-definitions/$name/ready"
done

"$ST" --config-file test/conformance/schemathesis.toml run "http://127.0.0.1:$PORT/docs/openapi.json" \
  --checks all --header "Authorization: Bearer $KEY" --max-examples "$EXAMPLES" \
  --generation-database none --seed "${CONFORMANCE_SEED:-20261130}"
