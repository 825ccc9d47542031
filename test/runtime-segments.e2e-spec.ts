import { startTestApp, type TestApp } from './support/test-app';
import { defineTriggers, HOUR, publish, settle, trigger } from './support/runtime';

const DAY = 24 * HOUR;

describe('runtime over HTTP: segments, schedules, re-entry and automatic moves', () => {
  let t: TestApp;
  beforeEach(async () => {
    t = await startTestApp();
    await defineTriggers(t);
  });
  afterEach(() => t.close());

  const journey = async (id: string) => (await t.request('viewer', 'GET', `/journeys/${id}`)).body;
  const analytics = async (id: string) => (await t.request('viewer', 'GET', `/journeys/${id}/analytics`)).body.versions;
  const members = (segment: string, joined: string[], left: string[] = []) =>
    t.request('ingest', 'POST', `/segments/${segment}/membership`, { joined, left });

  it('a one-time segment journey enters its members once, honours exclusions and exit segments, then completes', async () => {
    await members('loyalty', ['a', 'b', 'c', 'x']);
    await members('dnc', ['x']);
    await settle(t);
    const id = await publish(t, {
      name: 'Loyalty digest',
      audience: { type: 'segment', segments: ['loyalty'], frequency: { mode: 'once' }, exclusionSegments: ['dnc'] },
      exit: { segments: ['churned'] },
      steps: [
        { id: 'digest', type: 'send', channel: 'email', content: 'digest', next: 'pause' },
        { id: 'pause', type: 'wait', duration: 'P1D', next: 'again' },
        { id: 'again', type: 'send', channel: 'email', content: 'reminder' },
      ],
    });
    await settle(t);
    expect((await analytics(id))[0]).toMatchObject({
      state: 'Completing',
      entered: 3,
      active: 3,
      blocked: { excluded: 1 },
    });
    expect((await journey(id)).state).toBe('Completing');

    // Joining the exit segment leaves at once; later joiners of a one-time segment do not enter.
    await members('churned', ['c']);
    await members('loyalty', ['late']);
    await settle(t);
    expect((await analytics(id))[0]).toMatchObject({ entered: 3, active: 2, exitedBy: { exitSegment: 1 } });

    t.clock.advance(DAY);
    await settle(t);
    expect((await analytics(id))[0]).toMatchObject({ active: 0, completed: 2, exited: 1 });
    expect((await journey(id)).state).toBe('Completed');
    const feed = await t.request('ingest', 'GET', '/actions?limit=100');
    expect(
      feed.body.actions.map((a: { customerId: string; stepId: string }) => `${a.customerId}:${a.stepId}`).sort(),
    ).toEqual(['a:again', 'a:digest', 'b:again', 'b:digest', 'c:digest']);
  });

  it('a dynamic segment journey takes later joiners; re-joiners only with rejoinReentry', async () => {
    await members('beta', ['m1']);
    await settle(t);
    const strict = await publish(t, {
      name: 'Beta strict',
      audience: { type: 'segment', segments: ['beta'], frequency: { mode: 'dynamic' } },
      steps: [{ id: 'hi', type: 'send', channel: 'push', content: 'hi' }],
    });
    const lenient = await publish(t, {
      name: 'Beta lenient',
      audience: { type: 'segment', segments: ['beta'], frequency: { mode: 'dynamic' }, rejoinReentry: true },
      steps: [{ id: 'hi', type: 'send', channel: 'push', content: 'hi' }],
    });
    await settle(t);
    await members('beta', ['m2']);
    await settle(t);
    await members('beta', [], ['m1']);
    await settle(t);
    await members('beta', ['m1']);
    await settle(t);
    expect((await analytics(strict))[0]).toMatchObject({ state: 'Live', entered: 2, blocked: { reentryBlocked: 1 } });
    expect((await analytics(lenient))[0]).toMatchObject({ state: 'Live', entered: 3 });
  });

  it('a recurring journey enters every member on each occurrence, month ends clamped, then completes', async () => {
    await members('monthly', ['r1', 'r2']);
    await settle(t);
    const id = await publish(t, {
      name: 'Month end',
      audience: {
        type: 'segment',
        segments: ['monthly'],
        frequency: { mode: 'recurring', every: 'P1M', occurrences: 3 },
      },
      schedule: { start: '2027-01-31T09:00:00', timeZone: 'Europe/Paris' },
      steps: [{ id: 'statement', type: 'send', channel: 'email', content: 'statement' }],
    });
    const occurrences: string[] = [];
    for (const at of ['2027-01-31T08:00:00Z', '2027-02-28T08:00:00Z', '2027-03-31T07:00:00Z']) {
      t.clock.set(new Date(at).getTime() - 1);
      await settle(t);
      occurrences.push(`${(await analytics(id))[0].entered}`);
      t.clock.set(new Date(at).getTime());
      await settle(t);
      occurrences.push(`${(await analytics(id))[0].entered}`);
    }
    expect(occurrences).toEqual(['0', '2', '2', '4', '4', '6']);
    const feed = await t.request('ingest', 'GET', '/actions?limit=100');
    expect(feed.body.actions.map((a: { requestedAt: string }) => a.requestedAt)).toEqual([
      '2027-01-31T08:00:00.000Z',
      '2027-01-31T08:00:00.000Z',
      '2027-02-28T08:00:00.000Z',
      '2027-02-28T08:00:00.000Z',
      '2027-03-31T07:00:00.000Z',
      '2027-03-31T07:00:00.000Z',
    ]);
    expect((await journey(id)).state).toBe('Completed');
  });

  it('a trigger journey refuses entries before its start, stops taking them at its end, then completes', async () => {
    const id = await publish(t, {
      name: 'Weekend sale',
      audience: { type: 'trigger', trigger: 'signed-up', reentry: { mode: 'always' } },
      schedule: { start: '2026-11-29T00:00:00', end: '2026-11-30T00:00:00', timeZone: 'UTC' },
      steps: [{ id: 'offer', type: 'send', channel: 'sms', content: 'offer' }],
    });
    await t.request('ingest', 'POST', '/triggers', [trigger('early', 'e1', 'signed-up')]);
    await settle(t);
    t.clock.set(Date.parse('2026-11-29T12:00:00Z'));
    await t.request('ingest', 'POST', '/triggers', [trigger('in', 'e1', 'signed-up')]);
    await settle(t);
    expect((await analytics(id))[0]).toMatchObject({ entered: 1, blocked: { notStarted: 1 } });
    t.clock.set(Date.parse('2026-11-30T00:00:01Z'));
    await settle(t);
    await t.request('ingest', 'POST', '/triggers', [trigger('late', 'e2', 'signed-up')]);
    await settle(t);
    expect((await journey(id)).state).toBe('Completed');
    expect((await analytics(id))[0]).toMatchObject({ entered: 1 });
  });

  it('re-entry after a delay, concurrent instances correlated by bindingId, activateTrigger chains and sticky splits', async () => {
    const appointments = await publish(t, {
      name: 'Appointments',
      audience: { type: 'trigger', trigger: 'signed-up', reentry: { mode: 'after', after: 'PT1H' } },
      steps: [
        { id: 'wait-buy', type: 'waitForTrigger', trigger: 'purchased', within: 'P1D', yes: 'bought', no: 'gone' },
        { id: 'bought', type: 'activateTrigger', trigger: 'unsubscribed', attributes: {}, next: 'pick' },
        {
          id: 'pick',
          type: 'split',
          branches: [
            { weight: 1, next: 'a' },
            { weight: 1, next: 'b' },
          ],
        },
        { id: 'a', type: 'send', channel: 'email', content: 'A' },
        { id: 'b', type: 'send', channel: 'email', content: 'B' },
        { id: 'gone', type: 'exit' },
      ],
    });
    const chained = await publish(t, {
      name: 'Unsubscribed follow-up',
      audience: { type: 'trigger', trigger: 'unsubscribed', reentry: { mode: 'always' } },
      steps: [{ id: 'bye', type: 'send', channel: 'email', content: 'bye' }],
    });
    await t.request('ingest', 'POST', '/triggers', [
      { ...trigger('a1', 'pat', 'signed-up'), bindingId: 'appointment/1' },
      { ...trigger('a2', 'pat', 'signed-up'), bindingId: 'appointment/2' },
    ]);
    await settle(t);
    t.clock.advance(HOUR + 1);
    await t.request('ingest', 'POST', '/triggers', [
      { ...trigger('a3', 'pat', 'signed-up'), bindingId: 'appointment/2' },
    ]);
    await settle(t);
    expect((await analytics(appointments))[0]).toMatchObject({ entered: 2, blocked: { reentryBlocked: 1 } });

    // Only the instance bound to appointment/2 takes the purchase; the other times out and exits.
    await t.request('ingest', 'POST', '/triggers', [
      { ...trigger('buy', 'pat', 'purchased', { amount: 3 }), bindingId: 'appointment/2' },
    ]);
    await settle(t);
    t.clock.advance(DAY);
    await settle(t);
    const pat = (await t.request('viewer', 'GET', `/journeys/${appointments}/customers/pat`)).body.instances;
    expect(pat.map((i: { entry: number; status: string }) => [i.entry, i.status])).toEqual([
      [1, 'exited'],
      [2, 'completed'],
    ]);
    // activateTrigger raised "unsubscribed" for pat, which started the follow-up journey.
    expect((await analytics(chained))[0]).toMatchObject({ entered: 1, completed: 1 });

    // Sticky split: the same customer always lands on the same branch.
    const branchOf = async (customerId: string) => {
      const feed = (await t.request('ingest', 'GET', '/actions?limit=1000')).body.actions as {
        customerId: string;
        content: string;
      }[];
      return feed
        .filter((a) => a.customerId === customerId && (a.content === 'A' || a.content === 'B'))
        .map((a) => a.content);
    };
    const first = await branchOf('pat');
    expect(first).toHaveLength(1);
    t.clock.advance(2 * HOUR);
    await t.request('ingest', 'POST', '/triggers', [
      trigger('a4', 'pat', 'signed-up'),
      trigger('buy2', 'pat', 'purchased', { amount: 1 }),
    ]);
    await settle(t);
    expect(await branchOf('pat')).toEqual([first[0], first[0]]);
  });
});
