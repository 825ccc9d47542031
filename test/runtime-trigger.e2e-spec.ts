import { eventually, startTestApp, type TestApp } from './support/test-app';
import { defineTriggers, HOUR, publish, settle, trigger, TRIGGER_WAIT_GRACE_MS } from './support/runtime';

describe('runtime over HTTP: trigger-based journeys', () => {
  let t: TestApp;
  beforeEach(async () => {
    t = await startTestApp();
    await defineTriggers(t);
  });
  afterEach(() => t.close());

  it('moves customers through send, wait, waitForTrigger (yes and no) and branch; actions reach the feed once', async () => {
    const id = await publish(t, {
      name: 'Welcome',
      audience: {
        type: 'trigger',
        trigger: 'signed-up',
        conditions: { all: [{ attribute: 'trigger.country', op: 'eq', value: 'US' }] },
        reentry: { mode: 'never' },
      },
      exit: { triggers: ['unsubscribed'] },
      goal: { trigger: 'purchased', target: { percent: 50 } },
      steps: [
        { id: 'hello', type: 'send', channel: 'email', content: 'welcome', next: 'pause' },
        { id: 'pause', type: 'wait', duration: 'PT1H', next: 'buy' },
        {
          id: 'buy',
          type: 'waitForTrigger',
          trigger: 'purchased',
          correlate: 'hello',
          within: 'P1D',
          yes: 'big',
          no: 'nudge',
        },
        {
          id: 'big',
          type: 'branch',
          branches: [{ if: { attribute: 'trigger.amount', op: 'gte', value: 100 }, next: 'vip' }],
          otherwise: 'thanks',
        },
        { id: 'vip', type: 'send', channel: 'email', content: 'vip' },
        { id: 'thanks', type: 'send', channel: 'email', content: 'thanks' },
        { id: 'nudge', type: 'send', channel: 'sms', content: 'nudge' },
      ],
    });

    // Each message is checked on its own, its shape and then its trigger definition: a bad one is
    // refused with every problem, the others are kept.
    const accepted = await t.request('ingest', 'POST', '/triggers', [
      trigger('t1', 'ann', 'signed-up', { country: 'US', plan: 'pro' }),
      trigger('t2', 'bob', 'signed-up', { country: 'US' }),
      trigger('t3', 'cid', 'signed-up', { country: 'FR' }),
      trigger('t4', 'dee', 'signed-up', { country: 'US' }),
      trigger('t1', 'ann', 'signed-up', { country: 'US', plan: 'pro' }),
      trigger('bad', 'eve', 'signed-up', { country: null }),
      trigger('worse', 'eve', 'signed-up', { country: 3, age: 3 }),
    ]);
    expect(accepted.status).toBe(202);
    expect(accepted.body).toMatchObject({
      accepted: 4,
      duplicates: 1,
      refused: [
        {
          index: 5,
          id: 'bad',
          errors: [expect.objectContaining({ code: 'NullAttribute', path: '$.attributes.country' })],
        },
        { index: 6, id: 'worse' },
      ],
    });
    expect(accepted.body.refused[1].errors.map((e: { code: string }) => e.code).sort()).toEqual([
      'UnknownAttribute',
      'WrongType',
    ]);
    await settle(t);

    // Each entered customer got exactly one welcome action.
    const feed = await t.request('ingest', 'GET', '/actions?limit=100');
    expect(
      feed.body.actions.map((a: { customerId: string; stepId: string }) => `${a.customerId}:${a.stepId}`).sort(),
    ).toEqual(['ann:hello', 'bob:hello', 'dee:hello']);
    const welcomeOfAnn = feed.body.actions.find((a: { customerId: string }) => a.customerId === 'ann');
    expect(welcomeOfAnn).toMatchObject({ journeyId: id, version: 1, channel: 'email', content: 'welcome' });
    expect((await t.request('ingest', 'GET', `/actions?after=${feed.body.next}`)).body.actions).toEqual([]);

    // An hour passes: everyone waits for a purchase. Ann buys big (correlated), Bob small, Dee unsubscribes.
    t.clock.advance(HOUR + 1);
    await settle(t);
    await t.request('ingest', 'POST', '/triggers', [
      trigger('p1', 'ann', 'purchased', { amount: 250, actionId: welcomeOfAnn.actionId }),
      trigger('p2', 'bob', 'purchased', { amount: 20, actionId: 'not-the-action' }),
      trigger('u1', 'dee', 'unsubscribed'),
    ]);
    await settle(t);
    // Bob's purchase did not carry his action id: he keeps waiting and gets the nudge after a day
    // (the timeout fires once the grace for late triggers has passed too).
    t.clock.advance(24 * HOUR + TRIGGER_WAIT_GRACE_MS);
    await settle(t);

    const after = await t.request('ingest', 'GET', `/actions?after=${feed.body.next}&limit=100`);
    expect(
      after.body.actions.map((a: { customerId: string; stepId: string }) => `${a.customerId}:${a.stepId}`).sort(),
    ).toEqual(['ann:vip', 'bob:nudge']);

    const ann = await t.request('viewer', 'GET', `/journeys/${id}/customers/ann`);
    expect(ann.body.instances).toEqual([expect.objectContaining({ version: 1, entry: 1, status: 'completed' })]);
    expect(ann.body.instances[0].history.map((h: { event: string }) => h.event)).toEqual(
      expect.arrayContaining([
        'CustomerEntered',
        'ActionRequested',
        'WaitScheduled',
        'WaitElapsed',
        'TriggerMatched',
        'BranchTaken',
        'CustomerCompleted',
      ]),
    );
    expect((await t.request('viewer', 'GET', `/journeys/${id}/customers/dee`)).body.instances[0].status).toBe('exited');

    const analytics = (await t.request('viewer', 'GET', `/journeys/${id}/analytics`)).body.versions[0];
    expect(analytics).toMatchObject({
      entered: 3,
      active: 0,
      completed: 2,
      exited: 1,
      exitedBy: { exitTrigger: 1 },
      blocked: { unmetCondition: 1 },
      goal: { reached: 2, target: 2 },
    });
    const steps = Object.fromEntries(analytics.steps.map((s: { stepId: string }) => [s.stepId, s]));
    expect(steps.hello).toEqual({ stepId: 'hello', entered: 3, current: 0, passed: 3, exited: 0 });
    expect(steps.buy).toEqual({ stepId: 'buy', entered: 3, current: 0, passed: 2, exited: 1 });

    // A repeated trigger for a customer already inside: re-entry "never" blocks it.
    await t.request('ingest', 'POST', '/triggers', [trigger('t9', 'ann', 'signed-up', { country: 'US' })]);
    await settle(t);
    expect((await t.request('viewer', 'GET', `/journeys/${id}/analytics`)).body.versions[0].blocked).toEqual({
      unmetCondition: 1,
      reentryBlocked: 1,
    });

    // The read models rebuild to the same numbers.
    const before = (await t.request('viewer', 'GET', `/journeys/${id}/analytics`)).body;
    await t.request('admin', 'POST', '/admin/projections/rebuild', { names: ['analytics', 'customer_progress'] });
    expect((await t.request('viewer', 'GET', `/journeys/${id}/analytics`)).body).toEqual(before);
  });

  it('publishing a new version lets the customers inside the old one finish before it is Completed', async () => {
    const definition = (content: string) => ({
      name: 'Versions',
      audience: { type: 'trigger', trigger: 'signed-up', reentry: { mode: 'always' } },
      steps: [
        { id: 'pause', type: 'wait', duration: 'PT2H', next: 'hello' },
        { id: 'hello', type: 'send', channel: 'email', content },
      ],
    });
    const id = await publish(t, definition('v1'));
    await t.request('ingest', 'POST', '/triggers', [trigger('old', 'early', 'signed-up')]);
    await settle(t);
    await t.request('editor', 'POST', `/journeys/${id}/edit`);
    await t.request('editor', 'PUT', `/journeys/${id}/draft`, definition('v2'));
    await t.request('editor', 'POST', `/journeys/${id}/publish`);
    await t.request('ingest', 'POST', '/triggers', [trigger('new', 'late', 'signed-up')]);
    await settle(t);
    const versions = async () =>
      (await t.request('viewer', 'GET', `/journeys/${id}`)).body.versions.map((v: { state: string }) => v.state);
    expect(await versions()).toEqual(['Completing', 'Live']);

    t.clock.advance(2 * HOUR + 1);
    await settle(t);
    expect(await versions()).toEqual(['Completed', 'Live']);
    const sent = (await t.request('ingest', 'GET', '/actions?limit=10')).body.actions;
    expect(
      sent.map((a: { customerId: string; version: number; content: string }) => [a.customerId, a.version, a.content]),
    ).toEqual([
      ['early', 1, 'v1'],
      ['late', 2, 'v2'],
    ]);
  });

  it('stopping with a backlog cancels actions no reader has taken, and they are never handed out', async () => {
    const id = await publish(t, {
      name: 'Backlog',
      audience: { type: 'trigger', trigger: 'signed-up', reentry: { mode: 'always' } },
      steps: [
        { id: 'hello', type: 'send', channel: 'email', content: 'hi', next: 'pause' },
        { id: 'pause', type: 'wait', duration: 'P1D', next: 'later' },
        { id: 'later', type: 'send', channel: 'email', content: 'later' },
      ],
    });
    await t.request(
      'ingest',
      'POST',
      '/triggers',
      Array.from({ length: 50 }, (_, i) => trigger(`s${i}`, `c${i}`, 'signed-up')),
    );
    await settle(t);
    const firstTen = await t.request('ingest', 'GET', '/actions?limit=10');
    expect(firstTen.body.actions).toHaveLength(10);

    expect((await t.request('editor', 'POST', `/journeys/${id}/versions/1/stop`)).status).toBe(202);
    await eventually(
      async () => {
        await settle(t);
        return (await t.request('viewer', 'GET', `/journeys/${id}`)).body.state;
      },
      (state) => state === 'Stopped',
    );
    // No further action is handed out, not even after the wait would have elapsed.
    t.clock.advance(2 * 24 * HOUR);
    await settle(t);
    expect((await t.request('ingest', 'GET', `/actions?after=${firstTen.body.next}&limit=100`)).body.actions).toEqual(
      [],
    );
    const analytics = (await t.request('viewer', 'GET', `/journeys/${id}/analytics`)).body.versions[0];
    expect(analytics).toMatchObject({ entered: 50, active: 0, removed: 50 });
    const c40 = await t.request('viewer', 'GET', `/journeys/${id}/customers/c40`);
    expect(c40.body.instances[0].history.map((h: { event: string }) => h.event)).toEqual(
      expect.arrayContaining(['ActionCancelled', 'CustomerRemoved']),
    );
  });
});
