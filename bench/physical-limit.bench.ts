/**
 * Scenario 6, the physical limit: the same event rows the service stored, inserted into a fresh
 * SQLite file with the event store's schema and settings (WAL, synchronous=FULL, the same indexes;
 * checkpoints left to SQLite, where the store runs them on a thread of its own) in batched
 * transactions by a bare better-sqlite3 loop, with no service,
 * no JSON encoding and no revision checks around them. Also reads them back in position order.
 * Every throughput of the other scenarios is reported as a ratio to `insertEventsPerSec`.
 *
 * Run alone (synthetic rows shaped like the engine's):
 *   node -r ./libs/testing/src/ts-register.js bench/physical-limit.bench.ts [--quick]
 */
import Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEFAULT_MAX_BATCH_EVENTS, SCHEMA } from '../libs/event-store/src/sqlite/sqlite-event-store';
import { printResult, round, type BenchResult } from './support/bench-result';

/** Rows per transaction: the event store's group size limit. */
const BATCH = DEFAULT_MAX_BATCH_EVENTS;

type Row = [stream: string, revision: number, eventId: string, type: string, data: string, metadata: string];

/**
 * `source`: an events.sqlite file whose rows (up to the scenario's cap, in position order) are
 * inserted again; synthetic engine-like rows when omitted.
 */
export async function benchPhysicalLimit(opts: { quick: boolean; dir: string; source?: string }): Promise<BenchResult> {
  const cap = opts.quick ? 200_000 : 1_000_000;
  const rows = opts.source ? storedRows(opts.source, cap) : syntheticRows(cap);
  const file = join(opts.dir, `physical-${process.pid}.sqlite`);
  const db = new Database(file);
  try {
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = FULL');
    db.pragma('wal_autocheckpoint = 10000');
    db.exec(SCHEMA);
    const insert = db.prepare(
      'INSERT INTO events (stream, revision, event_id, type, data, metadata) VALUES (?, ?, ?, ?, ?, ?)',
    );
    const insertBatch = db.transaction((batch: Row[]) => {
      for (const row of batch) insert.run(...row);
    });
    let inserted = 0;
    let bytes = 0;
    let insertMs = 0;
    for (const batch of rows) {
      const began = performance.now();
      insertBatch(batch);
      insertMs += performance.now() - began;
      inserted += batch.length;
      for (const row of batch) bytes += row[0].length + row[2].length + row[3].length + row[4].length + row[5].length;
    }

    const select = db.prepare('SELECT * FROM events WHERE position > ? ORDER BY position LIMIT ?').raw(true);
    const readBegan = performance.now();
    let read = 0;
    for (let after = 0; ;) {
      const page = select.all(after, BATCH) as unknown[][];
      if (!page.length) break;
      read += page.length;
      after = page[page.length - 1][0] as number;
    }
    const readMs = performance.now() - readBegan;

    return {
      name: 'physical limit',
      figures: {
        events: inserted,
        rowBytes: round(bytes / inserted),
        insertEventsPerSec: round(inserted / (insertMs / 1000)),
        insertMBPerSec: round(bytes / 1e6 / (insertMs / 1000), 1),
        readEventsPerSec: round(read / (readMs / 1000)),
      },
      notes:
        `${inserted} event rows ${opts.source ? `copied from the store the segment and timers scenarios filled in runs of ${BATCH} spread evenly over it,` : "shaped like the engine's (synthetic),"} ` +
        `averaging ${round(bytes / inserted)} bytes of stream, id, type, data and metadata, inserted by a bare ` +
        `better-sqlite3 loop in transactions of ${BATCH} into a fresh file with the event store's schema (two unique ` +
        'indexes), WAL, synchronous=FULL and wal_autocheckpoint=10000; only the insert transactions are timed. ' +
        `Then read back in position order in pages of ${BATCH} (readEventsPerSec, no JSON decoding).`,
    };
  } finally {
    db.close();
    rmSync(file, { force: true });
    rmSync(`${file}-wal`, { force: true });
    rmSync(`${file}-shm`, { force: true });
  }
}

/**
 * Up to `cap` of the source's rows in runs of one batch spread evenly over the whole store, so the
 * mix of event types and sizes is the store's; read lazily so memory stays flat.
 */
function* storedRows(source: string, cap: number): Generator<Row[]> {
  const db = new Database(source, { readonly: true });
  try {
    const head = (db.prepare('SELECT max(position) FROM events').pluck().get() as number | null) ?? 0;
    const page = db
      .prepare(
        'SELECT stream, revision, event_id, type, data, metadata FROM events WHERE position > ? ORDER BY position LIMIT ?',
      )
      .raw(true);
    const runs = Math.ceil(cap / BATCH);
    const stride = Math.max(BATCH, Math.floor(head / runs));
    for (let run = 0; run < runs; run++) {
      const rows = page.all(run * stride, BATCH) as Row[];
      if (!rows.length) return;
      yield rows;
    }
  } finally {
    db.close();
  }
}

/** Rows like the engine writes for a segment member: entered, step, action, step, wait. */
function* syntheticRows(count: number): Generator<Row[]> {
  const types = ['CustomerEntered', 'StepEntered', 'ActionRequested', 'StepEntered', 'WaitScheduled'];
  let batch: Row[] = [];
  for (let n = 0; n < count; n++) {
    const customerId = `m-${String(Math.floor(n / types.length)).padStart(7, '0')}`;
    const instanceId = `a1b2c3d4-e5f6-4a5b-8c9d-0e1f2a3b4c5d_1_${customerId}_1`;
    const revision = n % types.length;
    const cause = 'enrol:a1b2c3d4-e5f6-4a5b-8c9d-0e1f2a3b4c5d:1:1';
    const at = '2026-11-28T10:00:00.000Z';
    batch.push([
      `instance-${instanceId}`,
      revision,
      `${cause}|instance-${instanceId}|${revision + 1}`,
      types[revision],
      JSON.stringify({
        instanceId,
        journeyId: 'a1b2c3d4-e5f6-4a5b-8c9d-0e1f2a3b4c5d',
        version: 1,
        customerId,
        entry: 1,
        at,
        stepId: 'digest',
        stepType: 'send',
      }),
      JSON.stringify({ occurredAt: at, correlationId: cause, causationId: cause, actor: 'engine', schemaVersion: 1 }),
    ]);
    if (batch.length === BATCH) {
      yield batch;
      batch = [];
    }
  }
  if (batch.length) yield batch;
}

if (require.main === module) {
  const dir = mkdtempSync(join(tmpdir(), 'journeys-bench-'));
  benchPhysicalLimit({ quick: process.argv.includes('--quick'), dir })
    .then(printResult)
    .finally(() => rmSync(dir, { recursive: true, force: true }));
}
