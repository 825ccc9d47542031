import { startTestApp, type TestApp } from './support/test-app';
import { defineTriggers, HOUR, publish, settle, trigger } from './support/runtime';

/**
 * Control 5 of issue 16 over HTTP: rate-limited entry. With one engine partition the slots are
 * exact; with several (JOURNEYS_PARTITIONS=3) each partition takes every third slot of the grid, so
 * the suite checks what holds for any number: never more than the limit per period, never two
 * entries on one slot, never a burst, and nobody lost across a restart.
 */
const PARTITIONS = Number(process.env.JOURNEYS_PARTITIONS ?? '1');
const MINUTE = 60_000;

describe('runtime over HTTP: rate-limited entry', () => {
  let t: TestApp;
  beforeEach(async () => {
    t = await startTestApp();
    await defineTriggers(t);
  });
  afterEach(() => t.close());

  const iso = (ms: number) => new Date(ms).toISOString();
  const analytics = async (id: string) =>
    (await t.request('viewer', 'GET', `/journeys/${id}/analytics`)).body.versions[0];
  const actions = async () =>
    (await t.request('ingest', 'GET', '/actions?limit=100')).body.actions as {
      customerId: string;
      requestedAt: string;
    }[];
  const restart = async () => {
    await t.close({ keepData: true });
    t = await startTestApp({ dataDir: t.dataDir, clock: t.clock });
    await settle(t);
  };
  /** Moves the clock in steps, settling the engine at each, as time would pass. */
  const stepTo = async (until: number, step: number) => {
    while (t.clock.now().getTime() < until) {
      t.clock.set(Math.min(until, t.clock.now().getTime() + step));
      await settle(t);
    }
  };
  /** At most `count` entries in any clock hour, on distinct slots of a grid `spacing` apart. */
  const expectSpread = (times: string[], count: number, spacing: number) => {
    const ms = times.map(Date.parse);
    expect(new Set(ms).size).toBe(ms.length);
    for (const at of ms) expect(at % spacing).toBe(0);
    const perHour = new Map<number, number>();
    for (const at of ms) perHour.set(Math.floor(at / HOUR), (perHour.get(Math.floor(at / HOUR)) ?? 0) + 1);
    for (const n of perHour.values()) expect(n).toBeLessThanOrEqual(count);
  };

  it('a trigger journey spreads entries evenly; the overflow waits one period at most, then is blocked, across a restart', async () => {
    const T0 = t.clock.now().getTime(); // 10:00Z
    const id = await publish(t, {
      name: 'Four an hour',
      audience: { type: 'trigger', trigger: 'signed-up', entryLimit: { count: 4, per: 'PT1H' } },
      steps: [{ id: 'hello', type: 'send', channel: 'email', content: 'hello' }],
    });
    const customers = ['c1', 'c2', 'c3', 'c4', 'c5', 'c6', 'c7', 'c8'];
    await t.request(
      'ingest',
      'POST',
      '/triggers',
      customers.map((c) => trigger(`t-${c}`, c, 'signed-up', {}, iso(T0))),
    );
    await settle(t);
    const first = await analytics(id);
    // Every trigger either entered, waits for a slot within the hour, or was blocked: none is lost.
    expect(first.entered + (first.delayed.rateLimited ?? 0) + (first.blocked.rateLimited ?? 0)).toBe(8);
    expect(first.entered).toBeLessThanOrEqual(1);
    if (PARTITIONS === 1) {
      expect(first).toMatchObject({ entered: 1, delayed: { rateLimited: 4 }, blocked: { rateLimited: 3 } });
      const c3 = await t.request('viewer', 'GET', `/journeys/${id}/customers/c3`);
      expect(c3.body).toMatchObject({
        delayed: [{ version: 1, reason: 'rateLimited', enterAt: iso(T0 + 30 * MINUTE) }],
      });
      const c8 = await t.request('viewer', 'GET', `/journeys/${id}/customers/c8`);
      expect(c8.body).toMatchObject({
        instances: [],
        blocked: [{ version: 1, reason: 'rateLimited', triggerId: 't-c8' }],
      });
    }

    await stepTo(T0 + 20 * MINUTE, 5 * MINUTE);
    await restart(); // the waiting entries are engine state: they survive
    await stepTo(T0 + 2 * HOUR, 5 * MINUTE);
    const sent = await actions();
    const last = await analytics(id);
    expect(sent).toHaveLength(last.entered);
    expect(last.entered).toBe(first.entered + (first.delayed.rateLimited ?? 0));
    expectSpread(
      sent.map((a) => a.requestedAt),
      4,
      15 * MINUTE,
    );
    if (PARTITIONS === 1) {
      expect(sent.map((a) => [a.customerId, a.requestedAt])).toEqual([
        ['c1', iso(T0)],
        ['c2', iso(T0 + 15 * MINUTE)],
        ['c3', iso(T0 + 30 * MINUTE)],
        ['c4', iso(T0 + 45 * MINUTE)],
        ['c5', iso(T0 + 60 * MINUTE)],
      ]);
    }
  });

  it('a segment enrolment enters its members in order, one slot at a time, across a restart, then completes', async () => {
    const T0 = t.clock.now().getTime();
    const members = ['m1', 'm2', 'm3', 'm4', 'm5', 'm6'];
    await t.request('ingest', 'POST', '/segments/vip/membership', { joined: members });
    await settle(t);
    const id = await publish(t, {
      name: 'Two an hour',
      audience: { type: 'segment', segments: ['vip'], entryLimit: { count: 2, per: 'PT1H' } },
      steps: [{ id: 'hello', type: 'send', channel: 'email', content: 'hello' }],
    });
    await settle(t);
    expect((await analytics(id)).entered).toBeLessThanOrEqual(1);
    await stepTo(T0 + 70 * MINUTE, 10 * MINUTE);
    await restart();
    await stepTo(T0 + (3 * PARTITIONS + 1) * HOUR, 10 * MINUTE);
    const sent = await actions();
    expect(sent.map((a) => a.customerId).sort()).toEqual(members);
    expectSpread(
      sent.map((a) => a.requestedAt),
      2,
      30 * MINUTE,
    );
    if (PARTITIONS === 1) {
      expect(sent.map((a) => [a.customerId, a.requestedAt])).toEqual(
        members.map((m, i) => [m, iso(T0 + i * 30 * MINUTE)]),
      );
    }
    expect(await analytics(id)).toMatchObject({ state: 'Completed', entered: 6, delayed: {}, blocked: {} });
  });

  it('only on the allowed weekdays and hours: a trigger outside them, more than a period from a slot, is blocked', async () => {
    // The test clock starts on Saturday 28 November 2026, 10:00 UTC.
    const id = await publish(t, {
      name: 'Office hours',
      audience: {
        type: 'trigger',
        trigger: 'signed-up',
        entryLimit: {
          count: 100,
          per: 'P1D',
          weekdays: ['mon', 'tue', 'wed', 'thu', 'fri'],
          hours: { from: '09:00', to: '17:00' },
        },
      },
      schedule: { timeZone: 'Europe/Paris' },
      steps: [{ id: 'hello', type: 'send', channel: 'email', content: 'hello' }],
    });
    await t.request('ingest', 'POST', '/triggers', [trigger('sat', 'ann', 'signed-up')]);
    await settle(t);
    expect(await analytics(id)).toMatchObject({ entered: 0, blocked: { rateLimited: 1 } });
  });

  it('publishing checks the limit: a count below 1 is a bad draft, hours that end before they start a publish error', async () => {
    const bad = await t.request('editor', 'POST', '/journeys', {
      name: 'Bad limit',
      audience: {
        type: 'trigger',
        trigger: 'signed-up',
        entryLimit: { count: 0, per: 'PT2H', hours: { from: '9:00', to: '17:00' } },
      },
      steps: [{ id: 'hello', type: 'send', channel: 'email', content: 'hello' }],
    });
    expect(bad.status).toBe(400);
    expect(bad.body.error.details.map((d: { code: string; path: string }) => `${d.code} ${d.path}`).sort()).toEqual([
      'InvalidEntryLimit $.audience.entryLimit.count',
      'InvalidLocalTime $.audience.entryLimit.hours.from',
      'InvalidValue $.audience.entryLimit.per',
    ]);
    const created = await t.request('editor', 'POST', '/journeys', {
      name: 'Backwards hours',
      audience: {
        type: 'trigger',
        trigger: 'signed-up',
        entryLimit: { count: 5, per: 'P1D', hours: { from: '17:00', to: '09:00' } },
      },
      steps: [{ id: 'hello', type: 'send', channel: 'email', content: 'hello' }],
    });
    const published = await t.request('editor', 'POST', `/journeys/${created.body.id}/publish`);
    expect(published.body.versions[0].validationErrors).toEqual([
      expect.objectContaining({ code: 'InvalidLocalTime', path: '$.audience.entryLimit.hours.to' }),
    ]);
  });
});
