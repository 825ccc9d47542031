#!/usr/bin/env bash
# The README's worked example: a trigger definition, a journey, publish, edit, stop, audit history.
# Run it against `npm start` (embedded default), on a fresh data directory:
#   bash docs/worked-example.sh [DATA_DIR]
# BASE: the service (default http://localhost:3000). KEY: an admin or editor key; unset, the admin key
# the service generated in the data directory (DATA_DIR, else JOURNEYS_DATA_DIR, else ./data).
set -euo pipefail
BASE=${BASE:-http://localhost:3000}
DATA_DIR=${1:-${JOURNEYS_DATA_DIR:-./data}}
if [ -z "${KEY:-}" ]; then
  if [ ! -r "$DATA_DIR/admin-api-key" ]; then
    echo "No admin key at $DATA_DIR/admin-api-key." >&2
    echo "Start the service first (npm start creates it there when JOURNEYS_API_KEYS is unset)," >&2
    echo "pass the data directory it uses (bash docs/worked-example.sh /path/to/data), or set KEY." >&2
    exit 1
  fi
  KEY=$(cat "$DATA_DIR/admin-api-key")
fi
# --fail-with-body: an error answer stops the script and is shown.
api() { curl -sS --fail-with-body -H "Authorization: Bearer $KEY" -H 'content-type: application/json' "$@"; echo; }

# 1. A trigger definition with typed attributes, then mark it Ready.
api -X POST "$BASE/trigger-definitions" -d '{
  "name": "signed-up", "description": "A customer created an account",
  "attributes": [ { "name": "plan", "type": "text" }, { "name": "country", "type": "text" } ] }'
api -X POST "$BASE/trigger-definitions/signed-up/ready"

# 2. A journey (version 1, Draft): send, wait a day, branch on the plan.
JOURNEY=$(api -X POST "$BASE/journeys" -d '{
  "name": "Welcome series",
  "audience": { "type": "trigger", "trigger": "signed-up", "reentry": { "mode": "never" } },
  "steps": [
    { "id": "hello", "type": "send", "channel": "email", "content": "welcome", "next": "pause" },
    { "id": "pause", "type": "wait", "duration": "P1D", "next": "plan" },
    { "id": "plan", "type": "branch",
      "branches": [ { "if": { "attribute": "trigger.plan", "op": "eq", "value": "pro" }, "next": "pro-tips" } ],
      "otherwise": "basics" },
    { "id": "pro-tips", "type": "send", "channel": "email", "content": "pro-tips" },
    { "id": "basics", "type": "send", "channel": "email", "content": "basics" } ] }' |
  node -pe 'JSON.parse(require("fs").readFileSync(0, "utf8")).id')
echo "journey: $JOURNEY"

# 3. Publish: Publishing, then Live (or back to Draft with every validation error).
api -X POST "$BASE/journeys/$JOURNEY/publish"

# 4. Edit the Live journey: a new Draft version beside the Live one ("Live, editing").
api -X POST "$BASE/journeys/$JOURNEY/edit"
REVISION=$(api "$BASE/journeys/$JOURNEY" | node -pe 'JSON.parse(require("fs").readFileSync(0, "utf8")).revision')
api -X PUT "$BASE/journeys/$JOURNEY/draft" -H "If-Match: \"$REVISION\"" -d '{
  "name": "Welcome series",
  "audience": { "type": "trigger", "trigger": "signed-up", "reentry": { "mode": "never" } },
  "steps": [ { "id": "hello", "type": "send", "channel": "email", "content": "welcome-v2" } ] }'

# 5. Publish version 2 (version 1 goes Completing, then Completed), then stop version 2.
api -X POST "$BASE/journeys/$JOURNEY/publish"
api -X POST "$BASE/journeys/$JOURNEY/versions/2/stop"

# 6. Who did what, when, to which version, with what result.
api "$BASE/journeys/$JOURNEY/audit-history"
