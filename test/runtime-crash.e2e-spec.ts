import Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { call, EDITOR_KEY, freePort, INGEST_KEY, kill, startService } from './support/service-process';

const MEMBERS = 12_000;

/** Counts straight from the event store file (read-only, beside the running service). */
function count(dataDir: string, sql: string): number {
  const db = new Database(join(dataDir, 'events.sqlite'), { readonly: true, fileMustExist: true });
  try {
    return (db.prepare(sql).get() as { n: number }).n;
  } finally {
    db.close();
  }
}

const entered = (dir: string) => count(dir, "SELECT COUNT(*) AS n FROM events WHERE type = 'CustomerEntered'");
const elapsed = (dir: string) => count(dir, "SELECT COUNT(*) AS n FROM events WHERE type = 'WaitElapsed'");

async function until(probe: () => boolean, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!probe()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe('the runtime killed with SIGKILL mid-enrolment and mid-timers', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'journeys-runtime-crash-'));
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

  it('enters every member exactly once and fires every due wait exactly once', async () => {
    const port = await freePort();
    let service = await startService(dataDir, port);
    try {
      const ids = Array.from({ length: MEMBERS }, (_, i) => `m${String(i).padStart(6, '0')}`);
      for (let i = 0; i < MEMBERS; i += 10_000) {
        expect(
          (await call(port, INGEST_KEY, 'POST', '/segments/big/membership', { joined: ids.slice(i, i + 10_000) }))
            .status,
        ).toBe(202);
      }
      const created = await call(port, EDITOR_KEY, 'POST', '/journeys', {
        name: 'Crash enrolment',
        audience: { type: 'segment', segments: ['big'], frequency: { mode: 'once' } },
        steps: [
          { id: 'hello', type: 'send', channel: 'email', content: 'hi', next: 'pause' },
          { id: 'pause', type: 'wait', duration: 'PT3S', next: 'bye' },
          { id: 'bye', type: 'send', channel: 'email', content: 'bye' },
        ],
      });
      expect((await call(port, EDITOR_KEY, 'POST', `/journeys/${created.body.id}/publish`)).body.state).toBe('Live');

      // Kill while the enrolment job is part-way through its chunks.
      await until(() => entered(dataDir) > 0, 30_000, 'the first entries');
      await kill(service);
      const enteredAtFirstKill = entered(dataDir);
      expect(enteredAtFirstKill).toBeLessThan(MEMBERS);

      service = await startService(dataDir, port);
      await until(() => entered(dataDir) === MEMBERS, 60_000, 'every member entered');
      // Kill again while the waits are firing.
      await until(() => elapsed(dataDir) > 0, 30_000, 'the first waits to fire');
      await kill(service);
      const firedAtSecondKill = elapsed(dataDir);

      service = await startService(dataDir, port);
      await until(() => elapsed(dataDir) === MEMBERS, 60_000, 'every wait fired');
      await until(
        () => count(dataDir, "SELECT COUNT(*) AS n FROM events WHERE type = 'CustomerCompleted'") === MEMBERS,
        30_000,
        'completion',
      );

      expect(count(dataDir, "SELECT COUNT(DISTINCT stream) AS n FROM events WHERE type = 'CustomerEntered'")).toBe(
        MEMBERS,
      );
      expect(entered(dataDir)).toBe(MEMBERS);
      expect(elapsed(dataDir)).toBe(MEMBERS);
      expect(count(dataDir, "SELECT COUNT(*) AS n FROM events WHERE type = 'ActionRequested'")).toBe(2 * MEMBERS);
      expect(
        count(
          dataDir,
          "SELECT COUNT(DISTINCT json_extract(data, '$.actionId')) AS n FROM events WHERE type = 'ActionRequested'",
        ),
      ).toBe(2 * MEMBERS);
      // The kills landed where intended (reported, not assumed).
      console.log(
        `killed after ${enteredAtFirstKill}/${MEMBERS} entries and after ${firedAtSecondKill}/${MEMBERS} waits fired`,
      );
    } finally {
      await kill(service, 'SIGTERM');
    }
  }, 180_000);
});
