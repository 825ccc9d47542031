import { clearReadOnly, makeReadOnly, readOnlyUnsupported } from './faults/support/disk-faults';
import type { EventStore, NewEvent } from '@journeys/event-store';
import { ProjectionRunner } from '@journeys/read-models';
import { EVENT_STORE } from '../apps/journeys/src/infrastructure/storage.module';
import { defineTriggers } from './support/runtime';
import { eventually, startTestApp, type TestApp } from './support/test-app';

const probeEvent = (id: string): NewEvent => ({
  id: `probe-${id}-${Date.now()}`,
  type: 'ProbeWritten',
  data: {},
  metadata: { occurredAt: new Date().toISOString(), correlationId: id, causationId: id, schemaVersion: 1 },
});

const unsupported = readOnlyUnsupported();
if (unsupported) console.log(`store outage probes skipped: ${unsupported}`);

describe('health probes', () => {
  let t: TestApp | undefined;

  afterEach(async () => {
    if (t) clearReadOnly(t.dataDir);
    await t?.close();
    t = undefined;
  });

  it('live and ready answer 200 with each part and its lag when caught up', async () => {
    t = await startTestApp();
    await defineTriggers(t);
    const live = await t.request(undefined, 'GET', '/health/live');
    expect(live).toMatchObject({ status: 200, body: { status: 'ok', info: { process: { status: 'up' } } } });
    const ready = await eventually(
      () => t!.request(undefined, 'GET', '/health/ready'),
      (r) => r.status === 200,
    );
    expect(ready.body).toMatchObject({
      status: 'ok',
      info: {
        eventStore: { status: 'up' },
        projections: { status: 'up', lag: 0 },
        engine: { status: 'up', lag: 0 },
      },
    });
    expect((await t.request(undefined, 'GET', '/health')).body).toMatchObject({ status: 'ok' });
    // The service's address itself points a newcomer to the rest.
    expect(await t.request(undefined, 'GET', '/')).toMatchObject({
      status: 200,
      body: { docs: '/docs', health: '/health', ready: '/health/ready', console: '/console' },
    });
  });

  it('is not ready while the read models have stopped following the store', async () => {
    t = await startTestApp({ env: { READINESS_MAX_LAG: '1' } });
    const app = t;
    await app.app.get(ProjectionRunner).stop();
    await app.app.get<EventStore>(EVENT_STORE).append('probe-1', [probeEvent('a'), probeEvent('b'), probeEvent('c')]);
    const ready = await app.request(undefined, 'GET', '/health/ready');
    expect(ready.status).toBe(503);
    expect(ready.body).toMatchObject({
      status: 'error',
      error: { projections: { status: 'down', reason: 'not running' } },
      info: { eventStore: { status: 'up' } },
    });
    expect(ready.body.error.projections.lag).toBeGreaterThanOrEqual(3);
    expect((await app.request(undefined, 'GET', '/health/live')).status).toBe(200);
  });

  (unsupported ? it.skip : it)(
    'under a store outage: live stays 200, ready turns 503, and recovers when it clears',
    async () => {
      t = await startTestApp();
      const app = t;
      await defineTriggers(app);
      await eventually(
        () => app.request(undefined, 'GET', '/health/ready'),
        (r) => r.status === 200,
      );

      makeReadOnly(app.dataDir);
      const down = await eventually(
        () => app.request(undefined, 'GET', '/health/ready'),
        (r) => r.status === 503,
        15_000,
      );
      expect(down.body).toMatchObject({
        status: 'error',
        error: { eventStore: { status: 'down' }, projections: { status: 'down' }, engine: { status: 'down' } },
      });
      expect(down.body.error.eventStore.error).toMatch(/read-only|readonly|permission|not permitted|EPERM/i);
      expect(await app.request(undefined, 'GET', '/health/live')).toMatchObject({
        status: 200,
        body: { status: 'ok' },
      });
      expect((await app.request(undefined, 'GET', '/health')).status).toBe(503);

      clearReadOnly(app.dataDir);
      const up = await eventually(
        () => app.request(undefined, 'GET', '/health/ready'),
        (r) => r.status === 200,
        15_000,
      );
      expect(up.body.info.eventStore.status).toBe('up');
    },
    40_000,
  );
});
