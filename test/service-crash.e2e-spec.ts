import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EDITOR_KEY, freePort, kill, startService } from './support/service-process';

const call = (port: number, method: string, path: string, body?: unknown) =>
  fetch(`http://127.0.0.1:${port}${path}`, {
    method,
    headers: { authorization: `Bearer ${EDITOR_KEY}`, ...(body ? { 'content-type': 'application/json' } : {}) },
    body: body ? JSON.stringify(body) : undefined,
  });
/* eslint-disable @typescript-eslint/no-explicit-any -- response bodies are checked by the assertions */
const json = async (response: Promise<Response>): Promise<any> => (await response).json();

const definition = (n: number) => ({
  name: 'Crash test',
  audience: { type: 'trigger', trigger: 'signed-up', reentry: { mode: 'never' } },
  steps: [{ id: 's1', type: 'send', channel: 'email', content: `v${n}` }],
});

describe('the service killed with SIGKILL', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'journeys-crash-'));
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

  it('loses no acknowledged write and its projections resume without counting anything twice', async () => {
    const port = await freePort();
    let service = await startService(dataDir, port);
    const created = await json(call(port, 'POST', '/journeys', definition(0)));
    expect(created.id).toBeDefined();

    // Writers run flat out; every 2xx is an acknowledged (durable) write. Kill in the middle.
    const acknowledgedTriggers: string[] = [];
    let acknowledgedUpdates = 0;
    let stop = false;
    const triggerWriter = (async () => {
      for (let i = 0; !stop; i++) {
        const name = `t-${i}`;
        const r = await call(port, 'POST', '/trigger-definitions', { name, attributes: [] }).catch(() => undefined);
        if (r?.status === 201) acknowledgedTriggers.push(name);
      }
    })();
    const draftWriter = (async () => {
      for (let i = 1; !stop; i++) {
        const r = await call(port, 'PUT', `/journeys/${created.id}/draft`, definition(i)).catch(() => undefined);
        if (r?.status === 200) acknowledgedUpdates++;
      }
    })();
    const enough = Date.now() + 10_000;
    while ((acknowledgedTriggers.length < 100 || acknowledgedUpdates < 100) && Date.now() < enough) {
      await new Promise((r) => setTimeout(r, 10));
    }
    await kill(service);
    stop = true;
    await Promise.all([triggerWriter, draftWriter]);
    expect(acknowledgedTriggers.length).toBeGreaterThanOrEqual(100);

    service = await startService(dataDir, port);
    try {
      const listed = await json(call(port, 'GET', '/trigger-definitions'));
      const names = new Set(listed.triggerDefinitions.map((t: { name: string }) => t.name));
      expect(acknowledgedTriggers.filter((n) => !names.has(n))).toEqual([]);

      // One audit entry per stored event of the journey: none doubled, none skipped across the crash.
      const journey = await json(call(port, 'GET', `/journeys/${created.id}`));
      const audit = await json(call(port, 'GET', `/journeys/${created.id}/audit-history?limit=500`));
      const accepted = audit.entries.filter((e: { outcome: string }) => e.outcome === 'accepted');
      expect(accepted.length).toBe(journey.revision + 1);
      expect(journey.revision).toBeGreaterThanOrEqual(acknowledgedUpdates);
      expect(journey.revision).toBeLessThanOrEqual(acknowledgedUpdates + 1);
    } finally {
      // A graceful stop: Nest runs the shutdown hooks, then re-raises SIGTERM on itself.
      const [code, signal] = await kill(service, 'SIGTERM');
      expect(code === 0 || signal === 'SIGTERM').toBe(true);
    }
  }, 90_000);
});
