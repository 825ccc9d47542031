#!/usr/bin/env bash
# Runs the event store contract suite (and the adapter's own cases) against a real EventStoreDB in
# Docker, in one command, then removes the container:
#
#   bash deploy/local/eventstoredb-contract.sh [image]     # default eventstore/eventstore:24.10
#
# Needs a Docker engine and the repository's node_modules (npm ci). The server runs insecure, in
# memory, on a free loopback port; the suite also runs through the protocol test server as always.
set -euo pipefail
cd "$(dirname "$0")/../.."

image="${1:-eventstore/eventstore:24.10}"
name="journeys-contract-eventstoredb-$$"
port="$(node -e "const s = require('net').createServer().listen(0, '127.0.0.1', () => { console.log(s.address().port); s.close(); })")"

docker run --detach --rm --name "$name" --publish "127.0.0.1:${port}:2113" \
  --env EVENTSTORE_INSECURE=true --env EVENTSTORE_CLUSTER_SIZE=1 --env EVENTSTORE_RUN_PROJECTIONS=None \
  --env EVENTSTORE_MEM_DB=true "$image" >/dev/null
trap 'docker rm --force "$name" >/dev/null 2>&1 || true' EXIT

echo "== waiting for $image on 127.0.0.1:${port}" >&2
for _ in $(seq 1 120); do
  if node -e "fetch('http://127.0.0.1:${port}/health/live').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"; then
    break
  fi
  sleep 1
done

EVENTSTORE_CONNECTION_STRING="esdb://127.0.0.1:${port}?tls=false" \
  npx jest --selectProjects default libs/event-store/src/eventstoredb
