import { startTestApp, type TestApp } from './support/test-app';
import { defineTriggers, HOUR, publish, settle, trigger } from './support/runtime';

/** Control 6 of issue 16 over HTTP: pausing and resuming a Live version, and a pause that ends by itself. */
describe('runtime over HTTP: pause and resume', () => {
  let t: TestApp;
  beforeEach(async () => {
    t = await startTestApp();
    await defineTriggers(t);
  });
  afterEach(() => t.close());

  const at = (ms: number) => new Date(ms).toISOString();
  const analytics = async (id: string) =>
    (await t.request('viewer', 'GET', `/journeys/${id}/analytics`)).body.versions[0];
  const actions = async () =>
    (await t.request('ingest', 'GET', '/actions?limit=100')).body.actions as {
      customerId: string;
      stepId: string;
      requestedAt: string;
    }[];
  const history = async (id: string, customer: string) =>
    (await t.request('viewer', 'GET', `/journeys/${id}/customers/${customer}`)).body.instances[0].history as {
      event: string;
      stepId?: string;
      at: string;
      details?: Record<string, unknown>;
    }[];
  const audit = async (id: string) =>
    (await t.request('viewer', 'GET', `/journeys/${id}/audit-history?limit=100`)).body.entries as {
      actor: string;
      action: string;
      state: string;
      details: Record<string, unknown>;
    }[];
  const restart = async () => {
    await t.close({ keepData: true });
    t = await startTestApp({ dataDir: t.dataDir, clock: t.clock });
    await settle(t);
  };

  it('while paused nobody enters and no step runs; timers due meanwhile go on at resume, in due order, across a restart', async () => {
    const T0 = t.clock.now().getTime();
    const id = await publish(t, {
      name: 'Pausable',
      audience: { type: 'trigger', trigger: 'signed-up', reentry: { mode: 'always' } },
      steps: [
        { id: 'settle-in', type: 'wait', duration: 'PT1H', next: 'hello' },
        { id: 'hello', type: 'send', channel: 'email', content: 'hello' },
      ],
    });
    await t.request('ingest', 'POST', '/triggers', [trigger('t-b', 'bea', 'signed-up', {}, at(T0))]);
    await settle(t);
    t.clock.advance(10 * 60_000);
    await t.request('ingest', 'POST', '/triggers', [trigger('t-a', 'abe', 'signed-up', {}, at(T0 + 10 * 60_000))]);
    await settle(t);

    t.clock.set(T0 + 30 * 60_000);
    const paused = await t.request('editor', 'POST', `/journeys/${id}/versions/1/pause`);
    expect(paused.status).toBe(200);
    expect(paused.body).toMatchObject({
      state: 'Paused',
      allowedActions: ['edit', 'resume', 'stop', 'copy', 'saveAsTemplate'],
      versions: [{ version: 1, state: 'Paused', pause: { pausedAt: at(T0 + 30 * 60_000), whenExceeded: 'resume' } }],
    });
    expect(paused.headers.etag).toBe(`"${paused.body.revision}"`);

    // A trigger while paused is blocked; the timers that fall due hold their customers before `hello`.
    await t.request('ingest', 'POST', '/triggers', [trigger('t-c', 'cid', 'signed-up', {}, at(T0 + 40 * 60_000))]);
    t.clock.set(T0 + 2 * HOUR);
    await settle(t);
    expect(await actions()).toEqual([]);
    expect(await analytics(id)).toMatchObject({
      state: 'Paused',
      entered: 2,
      active: 2,
      blocked: { paused: 1 },
      held: { paused: 2 },
    });
    expect((await history(id, 'bea')).map((h) => h.event)).toEqual([
      'CustomerEntered',
      'StepEntered',
      'WaitScheduled',
      'WaitElapsed',
      'CustomerHeld',
    ]);

    // A restart in the middle of the pause loses nothing.
    await restart();
    expect(await actions()).toEqual([]);
    expect((await t.request('viewer', 'GET', `/journeys/${id}`)).body.state).toBe('Paused');

    t.clock.set(T0 + 3 * HOUR);
    const resumed = await t.request('editor', 'POST', `/journeys/${id}/versions/1/resume`);
    expect(resumed.status).toBe(200);
    expect(resumed.body.state).toBe('Live');
    await settle(t);
    // Held customers go on in their timers' due order (bea's was due first), timed from the resume. The
    // order holds within an engine partition: bea and abe share one of 3 too (JOURNEYS_PARTITIONS=3).
    expect((await actions()).map((a) => [a.customerId, a.stepId, a.requestedAt])).toEqual([
      ['bea', 'hello', at(T0 + 3 * HOUR)],
      ['abe', 'hello', at(T0 + 3 * HOUR)],
    ]);
    expect((await history(id, 'bea')).slice(-4)).toEqual([
      { stepId: 'hello', at: at(T0 + HOUR), event: 'CustomerHeld', details: { reason: 'paused' } },
      { stepId: 'hello', at: at(T0 + 3 * HOUR), event: 'StepEntered' },
      expect.objectContaining({ stepId: 'hello', event: 'ActionRequested' }),
      { stepId: 'hello', at: at(T0 + 3 * HOUR), event: 'CustomerCompleted' },
    ]);
    expect(await analytics(id)).toMatchObject({
      state: 'Live',
      completed: 2,
      blocked: { paused: 1 },
      held: { paused: 2 },
    });

    // Both actions are in the audit history, with their actor; a second resume is refused and audited.
    expect((await t.request('editor', 'POST', `/journeys/${id}/versions/1/resume`)).status).toBe(409);
    const entries = await audit(id);
    expect(entries.slice(-3).map((e) => [e.actor, e.action, e.state])).toEqual([
      ['ed', 'pause', 'Paused'],
      ['ed', 'resume', 'Live'],
      ['ed', 'resume', 'Live'],
    ]);
    expect(entries[entries.length - 3].details).toEqual({
      endsAt: at(T0 + 30 * 60_000 + 21 * 24 * HOUR),
      whenExceeded: 'resume',
    });
    expect(entries[entries.length - 1]).toMatchObject({ details: { error: { code: 'ACTION_NOT_ALLOWED' } } });
  });

  it('a pause longer than its maximum ends by itself: resumed, or stopped, as the definition says', async () => {
    const definition = (name: string, whenExceeded: 'resume' | 'stop') => ({
      name,
      audience: { type: 'trigger', trigger: 'signed-up', reentry: { mode: 'always' } },
      pause: { maxDuration: 'PT2H', whenExceeded },
      steps: [
        { id: 'settle-in', type: 'wait', duration: 'PT1H', next: 'hello' },
        { id: 'hello', type: 'send', channel: 'email', content: name },
      ],
    });
    const resumes = await publish(t, definition('Resumes', 'resume'));
    const stops = await publish(t, definition('Stops', 'stop'));
    await t.request('ingest', 'POST', '/triggers', [trigger('t1', 'ann', 'signed-up')]);
    await settle(t);
    for (const id of [resumes, stops]) {
      expect((await t.request('editor', 'POST', `/journeys/${id}/versions/1/pause`)).status).toBe(200);
    }
    t.clock.advance(2 * HOUR - 1);
    await settle(t);
    expect(await actions()).toEqual([]);
    t.clock.advance(1);
    await settle(t);
    await settle(t);
    expect((await t.request('viewer', 'GET', `/journeys/${resumes}`)).body.state).toBe('Live');
    expect((await t.request('viewer', 'GET', `/journeys/${stops}`)).body.state).toBe('Stopped');
    // The resumed one lets ann go on; the stopped one removes her.
    expect((await actions()).map((a) => [a.customerId, a.stepId])).toEqual([['ann', 'hello']]);
    expect(await analytics(stops)).toMatchObject({ removed: 1, held: { paused: 1 } });
    expect((await audit(resumes)).slice(-1)).toEqual([
      expect.objectContaining({
        actor: 'system',
        action: 'resume',
        state: 'Live',
        details: { reason: 'maxPauseReached' },
      }),
    ]);
    expect((await audit(stops)).slice(-2).map((e) => [e.actor, e.action, e.details])).toEqual([
      ['system', 'stop', { reason: 'maxPauseReached' }],
      ['system', 'stopped', {}],
    ]);
  });

  it('a segment enrolment waits for the pause and enters the members at resume; publishing must pass the publish checks', async () => {
    const T0 = t.clock.now().getTime();
    await t.request('ingest', 'POST', '/segments/vip/membership', { joined: ['m1', 'm2'] });
    await settle(t);
    const refused = await t.request('editor', 'POST', '/journeys', {
      name: 'Too long a pause',
      audience: { type: 'segment', segments: ['vip'] },
      pause: { maxDuration: 'P91D' },
      steps: [{ id: 'hi', type: 'send', channel: 'email', content: 'hi' }],
    });
    const rejected = await t.request('editor', 'POST', `/journeys/${refused.body.id}/publish`);
    expect(rejected.body.versions[0].validationErrors).toEqual([
      expect.objectContaining({ code: 'PauseTooLong', path: '$.pause.maxDuration' }),
    ]);

    const id = await publish(t, {
      name: 'VIP digest',
      audience: { type: 'segment', segments: ['vip'], frequency: { mode: 'once' } },
      schedule: { start: at(T0 + HOUR).slice(0, 19), timeZone: 'UTC' },
      steps: [{ id: 'hi', type: 'send', channel: 'email', content: 'hi' }],
    });
    await t.request('editor', 'POST', `/journeys/${id}/versions/1/pause`);
    t.clock.set(T0 + 2 * HOUR);
    await settle(t);
    expect(await analytics(id)).toMatchObject({ state: 'Paused', entered: 0 });

    t.clock.set(T0 + 3 * HOUR);
    await t.request('editor', 'POST', `/journeys/${id}/versions/1/resume`);
    await settle(t);
    await settle(t);
    expect(await analytics(id)).toMatchObject({ entered: 2, completed: 2 });
    expect((await actions()).map((a) => [a.customerId, a.requestedAt]).sort()).toEqual([
      ['m1', at(T0 + 3 * HOUR)],
      ['m2', at(T0 + 3 * HOUR)],
    ]);
    expect((await t.request('viewer', 'GET', `/journeys/${id}`)).body.state).toBe('Completed');
  });
});
