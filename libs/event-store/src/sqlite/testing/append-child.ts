/**
 * Child process for the SIGKILL durability test: appends to a few streams as fast as it can and
 * prints one line `<stream> <revision> <eventId>` per event only after its append was acknowledged.
 *
 *   node -r ./libs/testing/src/ts-register.js libs/event-store/src/sqlite/testing/append-child.ts <file>
 *
 * It never exits on its own; the test kills it. Started again on the same file, it continues the
 * streams from their stored revisions.
 */
import { randomUUID } from 'node:crypto';
import { ExpectedRevision, NewEvent } from '../../event-store.port';
import { SqliteEventStore } from '../sqlite-event-store';

const APPENDERS = 32;

async function appendForever(store: SqliteEventStore, stream: string): Promise<never> {
  const stored = await store.readStream(stream);
  let expected: ExpectedRevision = stored.length > 0 ? stored[stored.length - 1].revision : 'no_stream';
  for (let n = 0; ; n++) {
    const events = Array.from({ length: 1 + (n % 3) }, newEvent);
    const result = await store.append(stream, events, { expectedRevision: expected });
    const firstRevision = result.nextExpectedRevision - result.written + 1;
    // Writes to a pipe are synchronous on Linux: the line is in the pipe before the next append.
    process.stdout.write(events.map((event, i) => `${stream} ${firstRevision + i} ${event.id}\n`).join(''));
    expected = result.nextExpectedRevision;
  }
}

function newEvent(): NewEvent {
  const id = randomUUID();
  return {
    id,
    type: 'DurabilityProbed',
    data: { id, padding: 'x'.repeat(200) },
    metadata: { occurredAt: new Date().toISOString(), correlationId: id, causationId: id, schemaVersion: 1 },
  };
}

const file = process.argv[2];
if (!file) throw new Error('Usage: append-child.ts <sqlite file>');
const store = SqliteEventStore.open({ file });
Promise.all(Array.from({ length: APPENDERS }, (_, i) => appendForever(store, `durability-${i}`))).catch((error) => {
  console.error(error);
  process.exit(1);
});
