import { ManualClock, startTestApp, type TestApp } from './support/test-app';
import { HOUR, publish, settle, trigger } from './support/runtime';

/**
 * The delivery controls of issue 16 over HTTP, on the service's own defaults (opt-in consent, no
 * caps, no quiet hours): consent, frequency caps, quiet hours and message expiry, each through the
 * events it stores, the analytics counts by reason, the customer's history and what reaches the
 * actions output. The clock is driven by hand; the rules themselves are unit-tested
 * (runtime/rules/*.unit.spec.ts, instance.delivery.unit.spec.ts).
 */
describe('delivery controls over HTTP', () => {
  let t: TestApp;
  let clock: ManualClock;
  beforeEach(async () => {
    clock = new ManualClock(new Date('2026-11-28T10:00:00Z'));
    t = await startTestApp({ clock, consentMode: 'asStored' });
    await t.request('editor', 'POST', '/trigger-definitions', {
      name: 'signed-up',
      attributes: [{ name: 'timeZone', type: 'text' }],
    });
    await t.request('editor', 'POST', '/trigger-definitions/signed-up/ready');
  });
  afterEach(() => t.close());

  const enter = (id: string, customerId: string, attributes: Record<string, unknown> = {}) =>
    t.request('ingest', 'POST', '/triggers', [
      trigger(id, customerId, 'signed-up', attributes, clock.now().toISOString()),
    ]);
  const consent = (...records: unknown[]) => t.request('ingest', 'POST', '/consent', records);
  const putSettings = (body: unknown, headers: Record<string, string> = {}) =>
    t.request('admin', 'PUT', '/settings', body, headers);
  const actions = async () =>
    (await t.request('ingest', 'GET', '/actions?limit=1000')).body.actions as {
      customerId: string;
      stepId: string;
      topic?: string;
      transactional?: boolean;
    }[];
  const sends = async (id: string) => (await t.request('viewer', 'GET', `/journeys/${id}/analytics`)).body.versions[0];
  const history = async (id: string, customerId: string) =>
    (await t.request('viewer', 'GET', `/journeys/${id}/customers/${customerId}`)).body.instances[0].history as {
      event: string;
      stepId?: string;
      details?: Record<string, unknown>;
    }[];
  const at = (iso: string) => clock.set(Date.parse(iso));

  describe('delivery settings', () => {
    it('are opt-in with no caps until changed, audited with every refusal, and matched by If-Match', async () => {
      const initial = await t.request('viewer', 'GET', '/settings');
      expect(initial.body).toEqual({ consentMode: 'optIn', frequencyCaps: [], revision: -1 });
      expect(initial.headers.etag).toBeUndefined();
      const settings = {
        consentMode: 'optOut',
        frequencyCaps: [{ channel: 'sms', count: 2, period: 'P7D' }],
        quietHours: { start: '21:00', end: '08:00', mode: 'skip' },
      };
      expect((await t.request('editor', 'PUT', '/settings', settings)).status).toBe(403);
      const changed = await t.request('admin', 'PUT', '/settings', settings);
      expect(changed.status).toBe(200);
      expect(changed.headers.etag).toBe('"0"');
      expect(changed.body).toEqual({
        ...settings,
        revision: 0,
        changedAt: '2026-11-28T10:00:00.000Z',
        changedBy: 'ops',
      });
      // The same settings again store nothing; a stale If-Match and bad settings are refused.
      expect((await t.request('admin', 'PUT', '/settings', settings, { 'if-match': '"0"' })).body.revision).toBe(0);
      expect(
        (await t.request('admin', 'PUT', '/settings', { consentMode: 'optIn' }, { 'if-match': '"3"' })).status,
      ).toBe(412);
      const bad = await t.request('admin', 'PUT', '/settings', {
        frequencyCaps: [
          { channel: 'email', count: 1, period: 'P1M' },
          { channel: 'sms', count: 1, period: 'P1D' },
          { channel: 'sms', count: 3, period: 'PT24H' },
        ],
        quietHours: { start: '22:00', end: '22:00' },
      });
      expect(bad.status).toBe(400);
      expect(bad.body.error.details.map((d: { code: string; path: string }) => `${d.code} ${d.path}`)).toEqual([
        'InvalidDuration $.frequencyCaps[0].period',
        'DuplicateFrequencyCap $.frequencyCaps[2]',
        'InvalidQuietHours $.quietHours.end',
      ]);
      const audit = (await t.request('viewer', 'GET', '/settings/audit-history?limit=2')).body;
      expect(audit.entries.map((e: { outcome: string; revision?: number }) => [e.outcome, e.revision])).toEqual([
        ['accepted', 0],
        ['refused', undefined],
      ]);
      expect(audit.entries[1].details.error.code).toBe('STALE_REVISION');
      const rest = (await t.request('viewer', 'GET', `/settings/audit-history?after=${audit.next}`)).body;
      expect(rest.entries.map((e: { details: { error: { code: string } } }) => e.details.error.code)).toEqual([
        'VALIDATION_FAILED',
      ]);
    });
  });

  describe('consent', () => {
    const newsletter = {
      name: 'Newsletter',
      audience: { type: 'trigger', trigger: 'signed-up' },
      steps: [
        { id: 'news', type: 'send', channel: 'email', topic: 'newsletter', content: 'issue-1', next: 'receipt' },
        { id: 'receipt', type: 'send', channel: 'sms', content: 'receipt', transactional: true },
      ],
    };

    it('sends only with consent for the channel and topic, by event time; a transactional step needs none', async () => {
      const id = await publish(t, newsletter);
      const record = (
        n: number,
        customerId: string,
        topic: string | undefined,
        status: string,
        occurredAt: string,
      ) => ({
        id: `c${n}`,
        customerId,
        channel: 'email',
        ...(topic ? { topic } : {}),
        status,
        occurredAt,
      });
      expect(
        (
          await consent(
            record(1, 'ann', undefined, 'optedIn', '2026-11-01T00:00:00Z'),
            record(2, 'ann', 'newsletter', 'optedIn', '2026-11-01T00:00:00Z'),
            record(3, 'bob', undefined, 'optedIn', '2026-11-01T00:00:00Z'),
            // dan withdrew on the 20th; his opt-in of the 10th arrives after the withdrawal and loses.
            record(4, 'dan', undefined, 'optedOut', '2026-11-20T00:00:00Z'),
            record(5, 'dan', undefined, 'optedIn', '2026-11-10T00:00:00Z'),
            record(6, 'dan', 'newsletter', 'optedIn', '2026-11-10T00:00:00Z'),
          )
        ).body,
      ).toEqual({ accepted: 6, duplicates: 0, refused: [] });
      for (const customerId of ['ann', 'bob', 'cid', 'dan']) await enter(`t-${customerId}`, customerId);
      await settle(t);

      const out = await actions();
      expect(out.filter((a) => a.stepId === 'news').map((a) => [a.customerId, a.topic])).toEqual([
        ['ann', 'newsletter'],
      ]);
      // The transactional receipt reaches every customer, consent or not, and says so.
      expect(out.filter((a) => a.stepId === 'receipt').map((a) => [a.customerId, a.transactional])).toEqual(
        ['ann', 'bob', 'cid', 'dan'].map((c) => [c, true]),
      );
      expect(await sends(id)).toMatchObject({
        completed: 4,
        sends: { requested: 5, held: 0, skippedBy: { NoConsent: 3 } },
      });
      expect((await history(id, 'bob')).find((line) => line.event === 'SendSkipped')).toEqual({
        stepId: 'news',
        at: '2026-11-28T10:00:00.000Z',
        event: 'SendSkipped',
        details: { actionId: expect.any(String), reason: 'NoConsent', channel: 'email', topic: 'newsletter' },
      });
    });

    it('reads consent when the message would go out: a withdrawal before then stops it', async () => {
      await putSettings({ quietHours: { start: '21:00', end: '08:00' } });
      const id = await publish(t, { ...newsletter, steps: [{ ...newsletter.steps[0], next: undefined }] });
      await consent(
        { customerId: 'ann', channel: 'email', status: 'optedIn', occurredAt: '2026-11-01T00:00:00Z' },
        {
          customerId: 'ann',
          channel: 'email',
          topic: 'newsletter',
          status: 'optedIn',
          occurredAt: '2026-11-01T00:00:00Z',
        },
      );
      at('2026-11-28T22:00:00Z');
      await enter('t1', 'ann');
      await settle(t);
      await consent({ customerId: 'ann', channel: 'email', status: 'optedOut', occurredAt: '2026-11-28T23:00:00Z' });
      at('2026-11-29T08:00:00Z');
      await settle(t);

      expect(await actions()).toEqual([]);
      expect((await history(id, 'ann')).map((line) => [line.event, line.details?.reason])).toEqual([
        ['CustomerEntered', undefined],
        ['StepEntered', undefined],
        ['SendHeld', 'QuietHours'],
        ['SendSkipped', 'NoConsent'],
        ['CustomerCompleted', undefined],
      ]);
    });

    it('refuses each consent record of the wrong shape with every problem, and keeps the others', async () => {
      const answer = await consent(
        { customerId: 'ann', channel: 'fax', status: 'optedIn', occurredAt: '2026-11-01T00:00:00Z' },
        { customerId: 'bob', channel: 'email', status: 'maybe', occurredAt: 'yesterday' },
        { customerId: 'cid', channel: 'email', status: 'optedIn', occurredAt: '2026-11-01T00:00:00Z' },
      );
      expect(answer.status).toBe(202);
      expect(answer.body.accepted).toBe(1);
      expect(
        answer.body.refused.map((r: { index: number; errors: { path: string }[] }) => [
          r.index,
          r.errors.map((e) => e.path).sort(),
        ]),
      ).toEqual([
        [0, ['$.channel']],
        [1, ['$.occurredAt', '$.status']],
      ]);
      expect(
        (await t.request('ingest', 'POST', '/consent', '"optedIn"', { 'content-type': 'application/json' })).status,
      ).toBe(400);
    });
  });

  describe('frequency caps', () => {
    it('skips sends over a cap across journeys, lets transactional ones through uncounted, and audits the settings', async () => {
      const caps = { consentMode: 'optOut', frequencyCaps: [{ channel: 'email', count: 2, period: 'P1D' }] };
      const changed = await putSettings(caps);
      expect(changed.status).toBe(200);
      expect(changed.headers.etag).toBe('"0"');
      // A stale If-Match and bad settings are refused, and audited too.
      expect((await putSettings({ ...caps, consentMode: 'optIn' }, { 'if-match': '"7"' })).status).toBe(412);
      const bad = await putSettings({ frequencyCaps: [{ channel: 'email', count: 0, period: 'P1M' }] });
      expect(bad.body.error.details.map((d: { code: string; path: string }) => `${d.code} ${d.path}`)).toEqual([
        'InvalidFrequencyCap $.frequencyCaps[0].count',
      ]);
      const audit = (await t.request('viewer', 'GET', '/settings/audit-history')).body.entries;
      expect(audit.map((e: { actor: string; outcome: string }) => `${e.actor} ${e.outcome}`)).toEqual([
        'ops accepted',
        'ops refused',
        'ops refused',
      ]);
      expect(audit[0].details).toEqual({ changed: ['consentMode', 'frequencyCaps'], settings: caps });

      const email = (id: string, next?: string, transactional = false) => ({
        id,
        type: 'send',
        channel: 'email',
        content: id,
        ...(transactional ? { transactional } : {}),
        ...(next ? { next } : {}),
      });
      const digest = await publish(t, {
        name: 'Digest',
        audience: { type: 'trigger', trigger: 'signed-up' },
        steps: [
          email('d1', 'w1'),
          { id: 'w1', type: 'wait', duration: 'PT1H', next: 'd2' },
          email('d2', 'w2'),
          { id: 'w2', type: 'wait', duration: 'P1D', next: 'd3' },
          email('d3'),
        ],
      });
      const receipts = await publish(t, {
        name: 'Receipts',
        audience: { type: 'trigger', trigger: 'signed-up' },
        steps: [email('r1', 'r2', true), email('r2', undefined, true)],
      });
      await enter('t1', 'ann');
      await settle(t);
      clock.advance(HOUR);
      await settle(t);
      clock.advance(25 * HOUR);
      await settle(t);

      // d1 at 10:00 and the two receipts; d2 at 11:00 is the fourth email within a day, but receipts
      // are not counted; d3 a day later goes: the period has rolled past d1 and d2.
      expect((await actions()).map((a) => a.stepId).sort()).toEqual(['d1', 'd2', 'd3', 'r1', 'r2']);
      await putSettings({ consentMode: 'optOut', frequencyCaps: [{ channel: 'email', count: 1, period: 'P1D' }] });
      await enter('t2', 'bob');
      await settle(t);
      clock.advance(HOUR);
      await settle(t);
      const bobs = (await actions()).filter((a) => a.customerId === 'bob').map((a) => a.stepId);
      expect(bobs.sort()).toEqual(['d1', 'r1', 'r2']);
      expect((await sends(digest)).sends).toEqual({ requested: 4, held: 0, skippedBy: { FrequencyCapped: 1 } });
      expect((await sends(receipts)).sends).toEqual({ requested: 4, held: 0, skippedBy: {} });
    });
  });

  describe('quiet hours and expiry', () => {
    const nightly = (steps: unknown[], delivery?: unknown) => ({
      name: `Nightly ${Math.random()}`,
      audience: { type: 'trigger', trigger: 'signed-up', reentry: { mode: 'always' } },
      schedule: { timeZone: 'Europe/Paris' },
      ...(delivery ? { delivery } : {}),
      steps,
    });
    const send = (id: string, extra: Record<string, unknown> = {}) => ({
      id,
      type: 'send',
      channel: 'push',
      content: id,
      ...extra,
    });

    beforeEach(async () => {
      await putSettings({ consentMode: 'optOut', quietHours: { start: '21:00', end: '08:00', mode: 'hold' } });
    });

    it('holds a send inside the customer’s quiet hours until they end, across a restart', async () => {
      const id = await publish(
        t,
        nightly([send('hello', { next: 'after' }), { id: 'after', type: 'wait', duration: 'PT1H' }]),
      );
      // 23:30 in Paris (the journey's zone), 17:30 in New York (ann's profile): only bob is held.
      at('2026-11-28T22:30:00Z');
      await enter('t1', 'ann', { timeZone: 'America/New_York' });
      await enter('t2', 'bob');
      await settle(t);
      expect((await actions()).map((a) => a.customerId)).toEqual(['ann']);
      expect((await history(id, 'bob')).at(-1)).toEqual({
        stepId: 'hello',
        at: '2026-11-28T22:30:00.000Z',
        event: 'SendHeld',
        details: { actionId: expect.any(String), reason: 'QuietHours', until: '2026-11-29T07:00:00.000Z' },
      });

      // A restart in the middle of the hold loses nothing.
      await t.close({ keepData: true });
      at('2026-11-29T06:59:00Z');
      t = await startTestApp({ dataDir: t.dataDir, clock, consentMode: 'asStored' });
      await settle(t);
      expect((await actions()).map((a) => a.customerId)).toEqual(['ann']);
      at('2026-11-29T07:00:00Z');
      await settle(t);

      expect((await actions()).map((a) => a.customerId)).toEqual(['ann', 'bob']);
      expect((await history(id, 'bob')).map((line) => line.event).slice(2)).toEqual([
        'SendHeld',
        'ActionRequested',
        'StepEntered',
        'WaitScheduled',
      ]);
      expect((await sends(id)).sends).toEqual({ requested: 2, held: 1, skippedBy: {} });
    });

    it('skips where the step says skip, and a stop cancels a held send', async () => {
      const skipping = await publish(t, nightly([send('promo', { quietHours: 'skip' })]));
      const holding = await publish(t, nightly([send('digest')]));
      at('2026-11-28T23:00:00Z');
      await enter('t1', 'ann');
      await settle(t);
      expect((await sends(skipping)).sends.skippedBy).toEqual({ QuietHours: 1 });

      const stopped = await t.request('editor', 'POST', `/journeys/${holding}/versions/1/stop`);
      expect(stopped.status).toBe(202);
      await settle(t);
      at('2026-11-29T08:00:00Z');
      await settle(t);
      expect(await actions()).toEqual([]);
      expect((await history(holding, 'ann')).slice(-2).map((line) => [line.event, line.details?.reason])).toEqual([
        ['ActionCancelled', 'versionStopped'],
        ['CustomerRemoved', 'versionStopped'],
      ]);
    });

    it('cancels a message not handed out within `expires`, held or waiting in the output, and the customer goes on', async () => {
      const id = await publish(
        t,
        nightly([
          send('flash', { expires: 'PT2H', next: 'later' }),
          send('later', { expires: 'PT1H', transactional: true }),
        ]),
      );
      // Held at 23:00 Paris time; quiet hours end at 08:00, but the message expires at 01:00.
      at('2026-11-28T22:00:00Z');
      await enter('t1', 'ann');
      await settle(t);
      at('2026-11-29T00:00:00Z');
      await settle(t);
      const lines = await history(id, 'ann');
      expect(lines.slice(2).map((line) => [line.event, line.stepId, line.details?.reason])).toEqual([
        ['SendHeld', 'flash', 'QuietHours'],
        ['ActionCancelled', 'flash', 'Expired'],
        ['StepEntered', 'later', undefined],
        ['ActionRequested', 'later', undefined],
        ['CustomerCompleted', 'later', undefined],
      ]);
      expect(lines[3]).toMatchObject({ at: '2026-11-29T00:00:00.000Z' });

      // Nobody reads the output within the hour: the transactional message expires there too.
      at('2026-11-29T01:00:00Z');
      await settle(t);
      expect(await actions()).toEqual([]);
      expect((await history(id, 'ann')).at(-1)).toMatchObject({
        event: 'ActionCancelled',
        at: '2026-11-29T01:00:00.000Z',
        details: { reason: 'Expired' },
      });
      expect((await sends(id)).sends).toEqual({ requested: 1, held: 1, skippedBy: { Expired: 2 } });
    });
  });
});
