import type { EventStore } from '@journeys/event-store';
import { SCHEMA_VERSION } from '../apps/journeys/src/common/command-context';
import { EVENT_STORE } from '../apps/journeys/src/infrastructure/storage.module';
import { startTestApp, type TestApp } from './support/test-app';
import { HOUR, publish, settle, trigger, TRIGGER_WAIT_GRACE_MS } from './support/runtime';
import { Ingestion } from '../apps/journeys/src/ingestion/ingestion.port';

/**
 * The runtime rules of issue 10, over HTTP: the loop rule, correlation of exits and goals, the order
 * of one trigger's effects, event time, and the waitForTrigger deadline. Each case is one member of
 * a kind; the unit specs of the rules (runtime/rules/*.unit.spec.ts) cover the kinds.
 */
describe('runtime rules over HTTP', () => {
  let t: TestApp;
  beforeEach(async () => {
    t = await startTestApp();
  });
  afterEach(() => t.close());

  const defineTrigger = async (name: string, attributes: { name: string; type: string }[] = []) => {
    await t.request('editor', 'POST', '/trigger-definitions', { name, attributes });
    await t.request('editor', 'POST', `/trigger-definitions/${name}/ready`);
  };
  const send = (...messages: unknown[]) => t.request('ingest', 'POST', '/triggers', messages);
  const versionOf = async (id: string) =>
    (await t.request('viewer', 'GET', `/journeys/${id}/analytics`)).body.versions[0];
  const instancesOf = async (id: string, customerId: string) =>
    (await t.request('viewer', 'GET', `/journeys/${id}/customers/${customerId}`)).body.instances;
  const actions = async () =>
    (await t.request('ingest', 'GET', '/actions?limit=1000')).body.actions as { customerId: string; stepId: string }[];

  /** Settles, then checks that nothing more happens: the store's head stays where it is. */
  const settledForGood = async () => {
    await settle(t);
    const store = t.app.get<EventStore>(EVENT_STORE);
    const head = await store.headPosition();
    await settle(t);
    await settle(t);
    expect(await store.headPosition()).toBe(head);
  };

  describe('the loop rule: no customer goes round without time passing', () => {
    const reported = {
      name: 'loop',
      audience: { type: 'trigger', trigger: 'tick' },
      steps: [
        { id: 'w', type: 'wait', untilAttribute: 'trigger.due', next: 's' },
        { id: 's', type: 'send', channel: 'email', content: 'loop', next: 'w' },
      ],
    };
    const tick = (id: string, customerId: string) => ({
      ...trigger(id, customerId, 'tick', { due: '2001-01-01T00:00:00Z' }),
    });

    beforeEach(() => defineTrigger('tick', [{ name: 'due', type: 'datetime' }]));

    it('refuses the reported definition at publish with ZeroTimeCycle', async () => {
      const created = await t.request('editor', 'POST', '/journeys', reported);
      const published = await t.request('editor', 'POST', `/journeys/${created.body.id}/publish`);
      expect(published.body.state).toBe('Draft');
      expect(published.body.versions[0].validationErrors).toEqual([
        expect.objectContaining({ code: 'ZeroTimeCycle', path: '$.steps[0]' }),
      ]);
    });

    it('stops a customer of the reported definition, Live from before the rule, with loopLimit', async () => {
      const id = await goLiveUnchecked(t, reported);
      await send(tick('t1', 'ann'));
      await settledForGood();

      // Two laps of the loop at one instant, then the guard: three messages instead of an endless stream.
      expect((await actions()).filter((a) => a.customerId === 'ann')).toHaveLength(3);
      expect(await instancesOf(id, 'ann')).toEqual([expect.objectContaining({ status: 'exited' })]);
      expect(await versionOf(id)).toMatchObject({ entered: 1, active: 0, exited: 1, exitedBy: { loopLimit: 1 } });
    });

    it('stops two journeys that raise each other’s entry trigger (a circle only run time shows)', async () => {
      await defineTrigger('ping');
      await defineTrigger('pong');
      const ping = await publish(t, {
        name: 'ping',
        audience: { type: 'trigger', trigger: 'ping', reentry: { mode: 'always' } },
        steps: [{ id: 'raise', type: 'activateTrigger', trigger: 'pong' }],
      });
      const pong = await publish(t, {
        name: 'pong',
        audience: { type: 'trigger', trigger: 'pong', reentry: { mode: 'always' } },
        steps: [{ id: 'raise', type: 'activateTrigger', trigger: 'ping' }],
      });
      await send(trigger('p1', 'bob', 'ping'));
      await settledForGood();

      const [a, b] = [await versionOf(ping), await versionOf(pong)];
      // Ten raises in a chain at one instant, then the eleventh is refused and its customer exits.
      expect(a.entered + b.entered).toBe(11);
      expect(a.exitedBy.loopLimit ?? 0).toBe(1);
      expect(b.exitedBy.loopLimit ?? 0).toBe(0);
    });

    it('stops a waitForTrigger loop fed by another journey that raises what it waits for', async () => {
      await defineTrigger('start');
      await defineTrigger('ping');
      await defineTrigger('pong');
      const waiting = await publish(t, {
        name: 'waits for ping',
        audience: { type: 'trigger', trigger: 'start' },
        steps: [
          { id: 'w', type: 'waitForTrigger', trigger: 'ping', within: 'P1D', yes: 'r' },
          { id: 'r', type: 'activateTrigger', trigger: 'pong', next: 'w' },
        ],
      });
      await publish(t, {
        name: 'answers pong',
        audience: { type: 'trigger', trigger: 'pong', reentry: { mode: 'always' } },
        steps: [{ id: 'answer', type: 'activateTrigger', trigger: 'ping' }],
      });
      await send(trigger('s1', 'cid', 'start'), trigger('p1', 'cid', 'ping'));
      await settledForGood();

      expect(await instancesOf(waiting, 'cid')).toEqual([expect.objectContaining({ status: 'exited' })]);
      expect(await versionOf(waiting)).toMatchObject({ exitedBy: { loopLimit: 1 } });
    });

    it('refuses a journey that raises its own entry trigger with re-entry always', async () => {
      const created = await t.request('editor', 'POST', '/journeys', {
        name: 'echo',
        audience: { type: 'trigger', trigger: 'tick', reentry: { mode: 'always' } },
        steps: [{ id: 'again', type: 'activateTrigger', trigger: 'tick', attributes: {} }],
      });
      const published = await t.request('editor', 'POST', `/journeys/${created.body.id}/publish`);
      expect(published.body.versions[0].validationErrors).toEqual([
        expect.objectContaining({ code: 'ZeroTimeCycle', path: '$.steps[0].trigger' }),
      ]);
    });
  });

  it('an exit trigger with a bindingId exits only the instance it correlates with', async () => {
    await defineTrigger('booked');
    await defineTrigger('cancelled');
    const id = await publish(t, {
      name: 'appointments',
      audience: { type: 'trigger', trigger: 'booked', reentry: { mode: 'always' } },
      exit: { triggers: ['cancelled'] },
      steps: [{ id: 'w', type: 'wait', duration: 'PT30S' }],
    });
    await send(
      { ...trigger('b1', 'ann', 'booked'), bindingId: 'appointment/1' },
      { ...trigger('b2', 'ann', 'booked'), bindingId: 'appointment/2' },
    );
    await settle(t);
    await send({ ...trigger('c2', 'ann', 'cancelled'), bindingId: 'appointment/2' });
    await settle(t);

    const statuses = (await instancesOf(id, 'ann')).map((i: { entry: number; status: string }) => [i.entry, i.status]);
    expect(statuses).toEqual([
      [1, 'active'],
      [2, 'exited'],
    ]);
  });

  it('a goal reached by the trigger that also exits is counted before the exit', async () => {
    await defineTrigger('cart');
    await defineTrigger('purchased');
    const id = await publish(t, {
      name: 'cart recovery',
      audience: { type: 'trigger', trigger: 'cart' },
      exit: { triggers: ['purchased'] },
      goal: { trigger: 'purchased', target: { count: 1 } },
      steps: [{ id: 'w', type: 'wait', duration: 'PT30S' }],
    });
    await send(trigger('c1', 'ann', 'cart'));
    await settle(t);
    await send(trigger('p1', 'ann', 'purchased'));
    await settle(t);

    expect(await versionOf(id)).toMatchObject({ exited: 1, exitedBy: { exitTrigger: 1 }, goal: { reached: 1 } });
    const [ann] = await instancesOf(id, 'ann');
    expect(ann.history.map((h: { event: string }) => h.event)).toEqual(
      expect.arrayContaining(['GoalReached', 'CustomerExited']),
    );
  });

  describe('trigger ids: one idempotency rule, scoped to the customer', () => {
    beforeEach(() => defineTrigger('t', [{ name: 'plan', type: 'text' }]));

    it('the same id with the same content is a duplicate; with other content it is refused', async () => {
      const first = await send(trigger('dup-1', 'u1', 't', { plan: 'pro' }));
      expect(first.body).toEqual({ accepted: 1, duplicates: 0, refused: [] });
      // The same message again (another spelling of the same instant): a duplicate.
      const again = await send({
        ...trigger('dup-1', 'u1', 't', { plan: 'pro' }),
        occurredAt: '2026-11-28T10:00:00.000Z',
      });
      expect(again.body).toEqual({ accepted: 0, duplicates: 1, refused: [] });
      // The same id, other content, for the same customer: refused, and the first message stands.
      const reused = await send(trigger('ok-2', 'u1', 't'), trigger('dup-1', 'u1', 't', { plan: 'free' }));
      expect(reused.body).toEqual({
        accepted: 1,
        duplicates: 0,
        refused: [
          {
            index: 1,
            id: 'dup-1',
            errors: [
              {
                code: 'IdempotencyKeyReused',
                path: '$.id',
                message: expect.stringContaining('(attributes differ)'),
              },
            ],
          },
        ],
      });
      // Within one batch too.
      const inBatch = await send(trigger('b-1', 'u1', 't', { plan: 'a' }), trigger('b-1', 'u1', 't', { plan: 'b' }));
      expect(inBatch.body).toMatchObject({ accepted: 1, duplicates: 0, refused: [{ index: 1, id: 'b-1' }] });
    });

    it('the same id for another customer is another message (the scope is one customer)', async () => {
      const id = await publish(t, {
        name: 'welcome',
        audience: { type: 'trigger', trigger: 't' },
        steps: [{ id: 'hello', type: 'send', channel: 'email', content: 'hello' }],
      });
      await send(trigger('dup-1', 'u1', 't'));
      const other = await send(trigger('dup-1', 'u2', 't'));
      expect(other.body).toEqual({ accepted: 1, duplicates: 0, refused: [] });
      await settle(t);
      expect(await versionOf(id)).toMatchObject({ entered: 2 });
    });
  });

  describe('later facts win by their own time, not by arrival', () => {
    it('a profile attribute keeps the value of the newest fact, whatever order the facts arrive in', async () => {
      await defineTrigger('plan-changed', [{ name: 'plan', type: 'text' }]);
      await defineTrigger('check');
      const id = await publish(t, {
        name: 'by plan',
        audience: { type: 'trigger', trigger: 'check' },
        steps: [
          {
            id: 'b',
            type: 'branch',
            branches: [{ if: { attribute: 'profile.plan', op: 'eq', value: 'pro' }, next: 'pro' }],
            otherwise: 'free',
          },
          { id: 'pro', type: 'send', channel: 'email', content: 'pro' },
          { id: 'free', type: 'send', channel: 'email', content: 'free' },
        ],
      });
      const now = t.clock.now();
      const dayBefore = new Date(now.getTime() - 24 * HOUR).toISOString();
      await send(trigger('pc-1', 'o1', 'plan-changed', { plan: 'pro' }, now.toISOString()));
      await send(trigger('pc-2', 'o1', 'plan-changed', { plan: 'free' }, dayBefore));
      await send(trigger('chk-1', 'o1', 'check'));
      await settle(t);

      expect((await actions()).filter((a) => a.customerId === 'o1').map((a) => a.stepId)).toEqual(['pro']);
      expect((await versionOf(id)).steps.find((s: { stepId: string }) => s.stepId === 'pro')).toMatchObject({
        entered: 1,
      });
    });

    it('a segment change older than the last one applied to the membership changes nothing', async () => {
      await defineTrigger('noop');
      const id = await publish(t, {
        name: 'joiners',
        audience: { type: 'segment', segments: ['beta'], frequency: { mode: 'dynamic' } },
        steps: [{ id: 'hi', type: 'send', channel: 'email', content: 'hi' }],
      });
      const now = t.clock.now().getTime();
      const at = (offsetMs: number) => new Date(now + offsetMs).toISOString();
      const ingestion = t.app.get(Ingestion);
      // dee left at 10:00; a join from 09:00 arrives afterwards and is ignored. eli joined at 10:00;
      // a leave from 09:00 arrives afterwards and is ignored: eli stays a member and enters once.
      await ingestion.ingestSegmentChanges([
        { segmentId: 'beta', customerId: 'dee', change: 'left', occurredAt: at(0) },
        { segmentId: 'beta', customerId: 'eli', change: 'joined', occurredAt: at(0) },
      ]);
      await settle(t);
      await ingestion.ingestSegmentChanges([
        { segmentId: 'beta', customerId: 'dee', change: 'joined', occurredAt: at(-HOUR) },
        { segmentId: 'beta', customerId: 'eli', change: 'left', occurredAt: at(-HOUR) },
      ]);
      await settle(t);
      await ingestion.ingestSegmentChanges([
        { segmentId: 'beta', customerId: 'eli', change: 'joined', occurredAt: at(1) },
      ]);
      await settle(t);

      expect(await versionOf(id)).toMatchObject({ entered: 1 });
      expect(await instancesOf(id, 'eli')).toHaveLength(1);
    });
  });

  describe('a waitForTrigger is decided by the trigger’s own time against the deadline', () => {
    beforeEach(async () => {
      await defineTrigger('cart');
      await defineTrigger('purchased');
    });
    const journey = {
      name: 'purchase within an hour',
      audience: { type: 'trigger', trigger: 'cart' },
      steps: [
        { id: 'w', type: 'waitForTrigger', trigger: 'purchased', within: 'PT1H', yes: 'thanks', no: 'nudge' },
        { id: 'thanks', type: 'send', channel: 'email', content: 'thanks' },
        { id: 'nudge', type: 'send', channel: 'email', content: 'nudge' },
      ],
    };

    it('a trigger that happened before the deadline wins though it arrives after it', async () => {
      await publish(t, journey);
      const start = t.clock.now().getTime();
      await send(trigger('c1', 'ann', 'cart', {}, new Date(start).toISOString()));
      await settle(t);
      // The deadline passes; the purchase from a minute before it arrives a second late.
      t.clock.set(start + HOUR + 1000);
      await send(trigger('p1', 'ann', 'purchased', {}, new Date(start + HOUR - 60_000).toISOString()));
      await settle(t);
      t.clock.set(start + HOUR + TRIGGER_WAIT_GRACE_MS + 1);
      await settle(t);
      expect((await actions()).map((a) => a.stepId)).toEqual(['thanks']);
    });

    it('a trigger that happened after the deadline does not match, though it arrives before the timeout', async () => {
      await publish(t, journey);
      const start = t.clock.now().getTime();
      await send(trigger('c1', 'bob', 'cart', {}, new Date(start).toISOString()));
      await settle(t);
      t.clock.set(start + HOUR + 1000);
      await send(trigger('p1', 'bob', 'purchased', {}, new Date(start + HOUR + 500).toISOString()));
      await settle(t);
      expect(await actions()).toEqual([]);
      t.clock.set(start + HOUR + TRIGGER_WAIT_GRACE_MS + 1);
      await settle(t);
      expect((await actions()).map((a) => a.stepId)).toEqual(['nudge']);
    });
  });

  describe('waits until a date, across a daylight-saving change (Europe/Paris, 29 March 2026)', () => {
    beforeEach(() => defineTrigger('booked', [{ name: 'at', type: 'datetime' }]));

    it('until: a local date-time in the journey’s zone, after clocks go forward', async () => {
      t.clock.set(Date.parse('2026-03-28T10:00:00Z'));
      await publish(t, {
        name: 'until local',
        audience: { type: 'trigger', trigger: 'booked' },
        schedule: { timeZone: 'Europe/Paris' },
        steps: [
          { id: 'w', type: 'wait', until: '2026-03-29T09:30:00', next: 'remind' },
          { id: 'remind', type: 'send', channel: 'email', content: 'remind' },
        ],
      });
      await send(trigger('b1', 'ann', 'booked', { at: '2026-03-30T10:00:00Z' }, '2026-03-28T10:00:00Z'));
      await settle(t);
      // 09:30 in Paris on the 29th is 07:30 UTC (summer time, UTC+2), not 08:30 (winter time).
      t.clock.set(Date.parse('2026-03-29T07:29:59Z'));
      await settle(t);
      expect(await actions()).toEqual([]);
      t.clock.set(Date.parse('2026-03-29T07:30:00Z'));
      await settle(t);
      expect((await actions()).map((a) => a.stepId)).toEqual(['remind']);
    });

    it('untilAttribute with a negative offset, and a date in the past proceeds at once', async () => {
      t.clock.set(Date.parse('2026-03-28T10:00:00Z'));
      await publish(t, {
        name: 'day before',
        audience: { type: 'trigger', trigger: 'booked', reentry: { mode: 'always' } },
        schedule: { timeZone: 'Europe/Paris' },
        steps: [
          { id: 'w', type: 'wait', untilAttribute: 'trigger.at', offset: '-P1D', next: 'remind' },
          { id: 'remind', type: 'send', channel: 'email', content: 'remind' },
        ],
      });
      // The appointment is on 30 March at 10:00 Paris time (08:00 UTC); a day before it, in the
      // journey's zone, is 29 March 10:00 Paris time, which is 08:00 UTC after the change.
      await send(trigger('b1', 'ann', 'booked', { at: '2026-03-30T08:00:00Z' }, '2026-03-28T10:00:00Z'));
      // An appointment already past: the reminder goes at once.
      await send(trigger('b2', 'bob', 'booked', { at: '2026-03-28T09:00:00Z' }, '2026-03-28T10:00:00Z'));
      await settle(t);
      expect((await actions()).map((a) => a.customerId)).toEqual(['bob']);
      t.clock.set(Date.parse('2026-03-29T07:59:59Z'));
      await settle(t);
      expect(await actions()).toHaveLength(1);
      t.clock.set(Date.parse('2026-03-29T08:00:00Z'));
      await settle(t);
      expect((await actions()).map((a) => a.customerId)).toEqual(['bob', 'ann']);
    });
  });
});

/**
 * Creates the journey as a draft and makes version 1 Live without the publish checks, as a release
 * that lacked a check would have: definitions already Live when a new check arrives keep running.
 */
async function goLiveUnchecked(t: TestApp, definition: unknown): Promise<string> {
  const created = await t.request('editor', 'POST', '/journeys', definition);
  const id = created.body.id as string;
  const store = t.app.get<EventStore>(EVENT_STORE);
  const stream = `journey-${id}`;
  const revision = (await store.readStream(stream)).length - 1;
  const metadata = {
    occurredAt: t.clock.now().toISOString(),
    correlationId: `unchecked-${id}`,
    causationId: `unchecked-${id}`,
    actor: 'ed',
    schemaVersion: SCHEMA_VERSION,
  };
  await store.append(
    stream,
    [
      { id: `unchecked-${id}-1`, type: 'JourneyPublishRequested', data: { journeyId: id, version: 1 }, metadata },
      { id: `unchecked-${id}-2`, type: 'JourneyVersionWentLive', data: { journeyId: id, version: 1 }, metadata },
    ],
    { expectedRevision: revision },
  );
  await settle(t);
  return id;
}
