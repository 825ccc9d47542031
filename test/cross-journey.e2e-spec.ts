import { startTestApp, type TestApp } from './support/test-app';
import { defineTriggers, publish, settle, trigger } from './support/runtime';

/** The read-only endpoints the console needs: the caller, totals of every journey, a customer everywhere. */
describe('cross-journey reads over HTTP', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
    await defineTriggers(t);
  });
  afterAll(() => t.close());

  it("GET /me answers the key's name and role, for every role", async () => {
    expect((await t.request('editor', 'GET', '/me')).body).toEqual({ name: 'ed', role: 'editor' });
    expect((await t.request('viewer', 'GET', '/me')).body).toEqual({ name: 'vi', role: 'viewer' });
    expect((await t.request('ingest', 'GET', '/me')).body).toEqual({ name: 'feeder', role: 'ingest' });
    expect((await t.request(undefined, 'GET', '/me')).status).toBe(401);
  });

  it('lists state per version, allowed actions, totals of every journey and a customer with decision reasons', async () => {
    const welcome = await publish(t, {
      name: 'Cross welcome',
      audience: {
        type: 'trigger',
        trigger: 'signed-up',
        conditions: { attribute: 'trigger.country', op: 'eq', value: 'US' },
      },
      exit: { triggers: ['unsubscribed'] },
      goal: { trigger: 'purchased', target: { count: 4 } },
      steps: [
        {
          id: 'plan',
          type: 'branch',
          branches: [{ if: { attribute: 'trigger.plan', op: 'eq', value: 'pro' }, next: 'pro' }],
          otherwise: 'hold',
        },
        { id: 'pro', type: 'send', channel: 'email', content: 'pro', next: 'hold' },
        { id: 'hold', type: 'wait', duration: 'P1D' },
      ],
    });
    const other = await publish(t, {
      name: 'Cross other',
      audience: { type: 'trigger', trigger: 'signed-up' },
      steps: [{ id: 'bye', type: 'exit' }],
    });
    await t.request('editor', 'POST', `/journeys/${welcome}/edit`);

    await t.request('ingest', 'POST', '/triggers', [
      trigger('x1', 'ann', 'signed-up', { country: 'US', plan: 'pro' }),
      trigger('x2', 'bob', 'signed-up', { country: 'FR' }),
      trigger('x3', 'ann', 'signed-up', { country: 'US', plan: 'pro' }, '2026-11-28T10:00:01Z'),
      trigger('x4', 'ann', 'unsubscribed'),
    ]);
    await settle(t);

    const list = await t.request('viewer', 'GET', '/journeys');
    expect(list.body.journeys.find((j: { id: string }) => j.id === welcome)).toMatchObject({
      state: 'Live, editing',
      versions: [
        { version: 1, state: 'Live' },
        { version: 2, state: 'Draft' },
      ],
    });
    const detail = await t.request('viewer', 'GET', `/journeys/${welcome}`);
    expect(detail.body.allowedActions).toEqual(['update', 'publish', 'discard', 'pause', 'stop', 'saveAsTemplate']);

    const totals = await t.request('viewer', 'GET', '/analytics');
    expect(totals.status).toBe(200);
    const ofWelcome = totals.body.journeys.find((j: { journeyId: string }) => j.journeyId === welcome);
    // The Draft version 2 has no counters; version 1 has Ann (entered, then exited) and Bob blocked.
    expect(ofWelcome.versions).toEqual([
      expect.objectContaining({
        version: 1,
        state: 'Live',
        entered: 1,
        active: 0,
        exited: 1,
        blocked: { unmetCondition: 1, reentryBlocked: 1 },
        goal: { reached: 0, target: 4 },
      }),
    ]);
    expect(totals.body.journeys.find((j: { journeyId: string }) => j.journeyId === other).versions[0]).toMatchObject({
      entered: 2,
      exited: 2,
    });

    const ann = await t.request('viewer', 'GET', '/customers/ann');
    expect(ann.status).toBe(200);
    expect(ann.body.journeys.map((j: { name: string }) => j.name).sort()).toEqual(['Cross other', 'Cross welcome']);
    const inWelcome = ann.body.journeys.find((j: { journeyId: string }) => j.journeyId === welcome);
    expect(inWelcome.blocked).toEqual([
      { version: 1, at: expect.any(String), reason: 'reentryBlocked', triggerId: 'x3' },
    ]);
    const [instance] = inWelcome.instances;
    expect(instance).toMatchObject({ version: 1, entry: 1, status: 'exited' });
    const detailsOf = (event: string) =>
      instance.history.find((h: { event: string }) => h.event === event)?.details as unknown;
    expect(detailsOf('CustomerEntered')).toEqual({ trigger: 'signed-up', triggerId: 'x1' });
    expect(detailsOf('BranchTaken')).toEqual({ branch: 0, next: 'pro' });
    expect(detailsOf('WaitScheduled')).toMatchObject({ kind: 'wait', dueAt: expect.any(String) });
    expect(detailsOf('CustomerExited')).toEqual({ reason: 'exitTrigger' });

    // The per-journey view carries the same details and blocked entries.
    const bob = await t.request('viewer', 'GET', `/journeys/${welcome}/customers/bob`);
    expect(bob.body).toEqual({
      customerId: 'bob',
      instances: [],
      blocked: [{ version: 1, at: expect.any(String), reason: 'unmetCondition', triggerId: 'x2' }],
    });

    const nobody = await t.request('viewer', 'GET', '/customers/nobody');
    expect(nobody.status).toBe(404);
    expect(nobody.body.error.code).toBe('CUSTOMER_NOT_FOUND');
  });
});
