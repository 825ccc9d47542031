#!/usr/bin/env bash
# The README's first hour, as a newcomer follows it after `npm ci`: `npm start` on a fresh data
# directory, the worked example with the generated admin key, then a restart with keys for the other
# roles (JOURNEYS_API_KEYS) and docs/first-action.sh, which fails unless an action reaches the feed.
# Uses its own data directory and port; stops the service it started.
set -euo pipefail
cd "$(dirname "$0")/.."
export PORT=${FIRST_HOUR_PORT:-3917}
export BASE="http://127.0.0.1:$PORT"
export JOURNEYS_DATA_DIR
JOURNEYS_DATA_DIR=$(mktemp -d)
service=""
stop() { # SIGTERM to npm and the service it runs (their own process group), then wait for them
  if [ -n "$service" ]; then kill -TERM -- "-$service" 2>/dev/null && wait "$service" 2>/dev/null || true; fi
  # npm can exit before the service it ran has finished its graceful shutdown: wait for the port too.
  if [ -n "$service" ]; then
    for _ in $(seq 1 120); do curl -s -o /dev/null "$BASE/" || break; sleep 0.25; done
  fi
  service=""
}
trap 'stop; rm -rf "$JOURNEYS_DATA_DIR"' EXIT

start() { # npm start in the background, then wait until /health/ready answers 200 (3 minutes: a first build)
  if curl -s -o /dev/null "$BASE/"; then
    echo "something already answers on port $PORT (set FIRST_HOUR_PORT)" >&2
    exit 1
  fi
  setsid npm start > "$JOURNEYS_DATA_DIR/service-$1.log" 2>&1 &
  service=$!
  for _ in $(seq 1 360); do
    if curl -sf "$BASE/health/ready" > /dev/null; then return 0; fi
    if ! kill -0 "$service" 2>/dev/null; then break; fi
    sleep 0.5
  done
  echo "the service did not become ready:" >&2
  cat "$JOURNEYS_DATA_DIR/service-$1.log" >&2
  exit 1
}

echo "== npm start (JOURNEYS_API_KEYS unset: an admin key is generated)"
unset JOURNEYS_API_KEYS
start first
curl -sS "$BASE/"; echo

echo "== docs/worked-example.sh"
bash docs/worked-example.sh "$JOURNEYS_DATA_DIR" > "$JOURNEYS_DATA_DIR/worked-example.out"
grep -q '"action":"stop","version":2,"outcome":"accepted"' "$JOURNEYS_DATA_DIR/worked-example.out"
# Start-up named the key file the newcomer reads.
grep -q "Admin API key: $JOURNEYS_DATA_DIR/admin-api-key" "$JOURNEYS_DATA_DIR/service-first.log"
stop

echo "== keys for the other roles (README: Keys and roles), npm start again"
ADMIN_KEY=$(cat "$JOURNEYS_DATA_DIR/admin-api-key")
INGEST_KEY=$(node -e "console.log(require('crypto').randomBytes(24).toString('base64url'))")
export JOURNEYS_API_KEYS="admin:admin:$ADMIN_KEY,feed:ingest:$INGEST_KEY"
start second

echo "== docs/first-action.sh"
KEY=$ADMIN_KEY INGEST_KEY=$INGEST_KEY bash docs/first-action.sh
echo "first hour: the README's path reached a first action on the feed"
