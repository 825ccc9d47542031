#!/usr/bin/env bash
# From a Live journey to a first action on the feed and its analytics (README "Your first action"):
# a trigger definition, a one-step journey published Live, the customer's consent and one trigger sent
# with the ingest key, the action request read from GET /actions, then the journey's analytics and the
# customer's progress.
#   KEY=<admin or editor key> INGEST_KEY=<ingest key> bash docs/first-action.sh
# BASE: the service (default http://localhost:3000). Exits non-zero if no action arrives in 30 s.
set -euo pipefail
BASE=${BASE:-http://localhost:3000}
: "${KEY:?set KEY to an admin or editor key (README: Keys and roles)}"
: "${INGEST_KEY:?set INGEST_KEY to an ingest key (README: Keys and roles)}"
call() { # call KEY METHOD PATH [BODY]: the answer's body; stops on an error answer
  curl -sS --fail-with-body -X "$2" -H "Authorization: Bearer $1" -H 'content-type: application/json' \
    "$BASE$3" ${4:+-d "$4"}
}
field() { node -p "const it = JSON.parse(require('fs').readFileSync(0, 'utf8')); it$1"; } # field .id < answer
run=$(date +%s)

# 1. What the feeding system may send: a "visited" trigger with a page (409 when it exists already).
curl -sS -o /dev/null -X POST -H "Authorization: Bearer $KEY" -H 'content-type: application/json' \
  "$BASE/trigger-definitions" -d '{ "name": "visited", "attributes": [ { "name": "page", "type": "text" } ] }'
curl -sS -o /dev/null -X POST -H "Authorization: Bearer $KEY" "$BASE/trigger-definitions/visited/ready"

# 2. A journey that sends one e-mail to whoever visits, published Live.
JOURNEY=$(call "$KEY" POST /journeys '{
  "name": "First action '"$run"'",
  "audience": { "type": "trigger", "trigger": "visited", "reentry": { "mode": "never" } },
  "steps": [ { "id": "hello", "type": "send", "channel": "email", "content": "welcome-back" } ] }' | field .id)
STATE=$(call "$KEY" POST "/journeys/$JOURNEY/publish" | field .state)
echo "journey $JOURNEY: $STATE"
[ "$STATE" = "Live" ] || { echo "the journey did not go Live" >&2; exit 1; }

# 3. The customer's e-mail consent (docs/delivery-controls.md): the service sends only with consent
#    unless its delivery settings say consentMode "optOut".
echo "consent: $(call "$INGEST_KEY" POST /consent '[ { "id": "consent-'"$run"'", "customerId": "first-customer",
  "channel": "email", "status": "optedIn", "occurredAt": "'"$(date -u +%Y-%m-%dT%H:%M:%SZ)"'" } ]')"

# 4. The feeding system sends a trigger with the ingest key.
call "$INGEST_KEY" POST /triggers '[ { "id": "visit-'"$run"'", "trigger": "visited", "customerId": "first-customer",
  "occurredAt": "'"$(date -u +%Y-%m-%dT%H:%M:%SZ)"'", "attributes": { "page": "/pricing" } } ]'
echo

# 5. The action request on the embedded feed (Kafka: journeys.actions carries the same items).
for _ in $(seq 1 60); do
  ACTION=$(call "$INGEST_KEY" GET "/actions?after=0&limit=1000" |
    field ".actions.find((a) => a.journeyId === '$JOURNEY') ?? ''")
  [ -n "$ACTION" ] && break
  sleep 0.5
done
[ -n "$ACTION" ] || { echo "no action for journey $JOURNEY within 30 s" >&2; exit 1; }
echo "first action: $(call "$INGEST_KEY" GET "/actions?after=0&limit=1000" |
  field ".actions.filter((a) => a.journeyId === '$JOURNEY').map((a) => JSON.stringify(a)).join()")"

# 6. What the journey and the customer show now.
echo "analytics: $(call "$KEY" GET "/journeys/$JOURNEY/analytics" | field '.versions[0].steps.map((s) => JSON.stringify(s)).join()')"
echo "customer: $(call "$KEY" GET "/journeys/$JOURNEY/customers/first-customer" | field '.instances.map((i) => i.status + (i.currentStep ? " at " + i.currentStep : "")).join()')"
