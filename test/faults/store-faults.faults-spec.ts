import Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { storageFiles } from '../../apps/journeys/src/infrastructure/storage.module';
import { EDITOR_KEY, INGEST_KEY } from '../support/service-process';
import {
  clearReadOnly,
  diskFullUnsupported,
  fillDisk,
  freeDisk,
  makeReadOnly,
  mountSmallDisk,
  readOnlyUnsupported,
  unmountSmallDisk,
} from './support/disk-faults';
import { faultsSizes } from './support/faults-scale';
import { isErrorBody } from './support/http-contract';
import { startLoggedService, type LoggedService } from './support/logged-service';

const sizes = faultsSizes();
jest.setTimeout(sizes.testTimeoutMs);

const KEYS_ENV = `ed:editor:${EDITOR_KEY},feed:ingest:${INGEST_KEY}`;
const BATCH = 100;

interface Fault {
  name: string;
  unsupported: string | undefined;
  /** Creates the data directory the service will use. */
  prepare(): string;
  inject(dataDir: string): void;
  clear(dataDir: string): void;
  dispose(dataDir: string): void;
  /** What /health and the refusals must say. */
  reason: RegExp;
}

const FAULTS: Fault[] = [
  {
    name: 'the data directory made read-only (chattr +i)',
    unsupported: readOnlyUnsupported(),
    prepare: () => mkdtempSync(join(tmpdir(), 'journeys-faults-ro-')),
    inject: makeReadOnly,
    clear: clearReadOnly,
    dispose: (dir) => {
      clearReadOnly(dir);
      rmSync(dir, { recursive: true, force: true });
    },
    reason: /cannot write: writing to the data directory fails .*SQLITE_IOERR/,
  },
  {
    name: 'the disk of the data directory full (a filled tmpfs)',
    unsupported: diskFullUnsupported(),
    prepare: () => mountSmallDisk(64),
    inject: fillDisk,
    clear: freeDisk,
    dispose: unmountSmallDisk,
    reason: /cannot write: the disk holding the data directory is full \(SQLITE_FULL\)/,
  },
];

for (const fault of FAULTS) {
  if (fault.unsupported) process.stderr.write(`store faults: skipped "${fault.name}": ${fault.unsupported}\n`);
}

const triggersFor = (prefix: string, from: number, count: number) =>
  Array.from({ length: count }, (_, i) => ({
    id: `${prefix}-${from + i}`,
    trigger: 'signed-up',
    customerId: `${prefix}-customer-${from + i}`,
    occurredAt: '2026-11-28T09:00:00Z',
    attributes: { plan: 'pro' },
  }));

/** Polls until `accept` holds; the service may need a retry cycle (0.5 s) to notice a change. */
async function waitUntil<T>(probe: () => Promise<T>, accept: (value: T) => boolean, what: string, ms = 30_000) {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = await probe();
    if (accept(value)) return value;
    if (Date.now() > deadline) throw new Error(`${what} within ${ms} ms; last: ${JSON.stringify(value).slice(0, 800)}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe.each(FAULTS)(`store faults (${sizes.scale}): $name`, (fault) => {
  const run = fault.unsupported ? it.skip : it;
  let dataDir: string;
  let service: LoggedService | undefined;

  afterEach(async () => {
    await service?.stop('SIGKILL');
    service = undefined;
    if (dataDir) fault.dispose(dataDir);
  });

  run(
    `reports unhealthy, refuses new work with 503, loses nothing acknowledged, and recovers when the fault clears${fault.unsupported ? ` (skipped: ${fault.unsupported})` : ''}`,
    async () => {
      dataDir = fault.prepare();
      const start = () => startLoggedService({ JOURNEYS_DATA_DIR: dataDir, JOURNEYS_API_KEYS: KEYS_ENV });
      service = await start();
      const s = () => service!;
      const ed = (method: string, path: string, body?: unknown) =>
        s().call(method, path, { key: EDITOR_KEY, body: body === undefined ? undefined : JSON.stringify(body) });
      const ingest = (path: string, body: unknown) =>
        s().call('POST', path, { key: INGEST_KEY, body: JSON.stringify(body) });

      expect(
        (await ed('POST', '/trigger-definitions', { name: 'signed-up', attributes: [{ name: 'plan', type: 'text' }] }))
          .status,
      ).toBe(201);
      await ed('POST', '/trigger-definitions/signed-up/ready');
      const definition = {
        name: 'Kept through faults',
        audience: { type: 'trigger', trigger: 'signed-up', reentry: { mode: 'never' } },
        steps: [
          { id: 'hello', type: 'send', channel: 'email', content: 'hello', next: 'hold' },
          { id: 'hold', type: 'wait', duration: 'P1D' },
        ],
      };
      const id = ((await ed('POST', '/journeys', definition)).body as { id: string }).id;
      expect((await ed('POST', `/journeys/${id}/publish`)).body).toMatchObject({ state: 'Live' });
      const entered = async () =>
        ((await ed('GET', `/journeys/${id}/analytics`)).body as { versions: { entered: number }[] }).versions[0]
          .entered;

      // Acknowledged before the fault.
      const acknowledged: string[] = [];
      for (let from = 0; from < sizes.triggersBeforeFault; from += BATCH) {
        const batch = triggersFor('before', from, Math.min(BATCH, sizes.triggersBeforeFault - from));
        const answer = await ingest('/triggers', batch);
        expect(answer.body).toMatchObject({ accepted: batch.length, refused: [] });
        acknowledged.push(...batch.map((m) => m.id));
      }

      // Load that runs across the fault: each batch is either acknowledged (202) or refused (503).
      type Message = ReturnType<typeof triggersFor>[number];
      const crossing = { acknowledged: [] as string[], refused: [] as Message[], other: [] as string[] };
      let faultInjected = false;
      let refusedAfterFault = 0;
      const load = (async () => {
        for (let n = 0; refusedAfterFault < 3 && n < 500; n++) {
          const batch = triggersFor('crossing', n * 20, 20);
          const answer = await ingest('/triggers', batch);
          const ids = batch.map((m) => m.id);
          if (answer.status === 202 && (answer.body as { accepted: number }).accepted === 20)
            crossing.acknowledged.push(...ids);
          else if (answer.status === 503) {
            crossing.refused.push(...batch);
            if (faultInjected) refusedAfterFault++;
          } else crossing.other.push(`${answer.status} ${answer.text.slice(0, 300)}`);
          if (n === 5) {
            fault.inject(dataDir);
            faultInjected = true;
          }
        }
      })();
      await load;
      expect(refusedAfterFault).toBe(3);
      expect(crossing.other).toEqual([]);
      expect(crossing.acknowledged.length).toBeGreaterThan(0);

      // Unhealthy, with the reason.
      const health = await waitUntil(
        () => s().call('GET', '/health'),
        (h) => h.status === 503,
        'health did not turn 503',
      );
      expect(health.body).toMatchObject({ status: 'down', eventStore: { status: 'down' } });
      expect((health.body as { eventStore: { error: string } }).eventStore.error).toMatch(fault.reason);

      // New work refused with a clear 503; reads still served; the process alive.
      const refusedTriggers = triggersFor('during', 0, 10);
      const refusals = [
        await ingest('/triggers', refusedTriggers),
        await ingest('/segments/vip/membership', { joined: ['during-segment'] }),
        await ed('POST', '/journeys', { ...definition, name: 'Created during the fault' }),
        await ed('POST', `/journeys/${id}/edit`),
        await ed('POST', '/trigger-definitions', { name: 'during', attributes: [] }),
      ];
      for (const answer of refusals) {
        expect([answer.status, answer.text]).toEqual([503, expect.stringContaining('SERVICE_UNAVAILABLE')]);
        expect(isErrorBody(answer.body)).toBe(true);
        expect((answer.body as { error: { message: string } }).error.message).toMatch(fault.reason);
      }
      expect((await ed('GET', `/journeys/${id}`)).status).toBe(200);
      const actions = await s().call('GET', '/actions?limit=5', { key: INGEST_KEY });
      expect([200, 503]).toContain(actions.status);
      expect(s().child.exitCode).toBeNull();
      // No HTTP error logged as a bug: pino's JSON line (context HTTP at level error) or its pretty form.
      expect(s().output()).not.toMatch(/"level":"error"[^\n]*"context":"HTTP"|ERROR: \[HTTP\]|Internal error/);

      fault.clear(dataDir);

      // Healthy again by itself, and taking work: the refused triggers are new, not duplicates.
      await waitUntil(
        () => s().call('GET', '/health'),
        (h) => h.status === 200 && (h.body as { status: string }).status === 'ok',
        'health did not recover',
      );
      // Refused means nothing was stored: sent again, they are new, not duplicates.
      expect((await ingest('/triggers', refusedTriggers)).body).toMatchObject({ accepted: 10, duplicates: 0 });
      for (let from = 0; from < crossing.refused.length; from += BATCH) {
        const again = crossing.refused.slice(from, from + BATCH);
        expect((await ingest('/triggers', again)).body).toMatchObject({ accepted: again.length, duplicates: 0 });
      }
      const after = triggersFor('after', 0, 10);
      expect((await ingest('/triggers', after)).body).toMatchObject({ accepted: 10 });
      const total =
        acknowledged.length +
        crossing.acknowledged.length +
        crossing.refused.length +
        refusedTriggers.length +
        after.length;
      await waitUntil(entered, (n) => n === total, `not every customer entered (expected ${total})`);

      // And after a crash: everything acknowledged is on disk exactly once.
      await s().stop('SIGKILL');
      service = await start();
      expect(await entered()).toBe(total);
      await s().stop('SIGTERM');
      service = undefined;
      const db = new Database(storageFiles(dataDir).eventStore, { readonly: true });
      try {
        const stored = db
          .prepare(
            `SELECT json_extract(data, '$.id') AS id, count(*) AS n FROM events WHERE type = 'TriggerReceived' GROUP BY 1`,
          )
          .all() as { id: string; n: number }[];
        const byId = new Map(stored.map((r) => [r.id, r.n]));
        for (const acked of [
          ...acknowledged,
          ...crossing.acknowledged,
          ...crossing.refused.map((m) => m.id),
          ...refusedTriggers.map((m) => m.id),
          ...after.map((m) => m.id),
        ]) {
          expect([acked, byId.get(acked)]).toEqual([acked, 1]);
        }
        expect(stored).toHaveLength(total);
      } finally {
        db.close();
      }
    },
  );
});
