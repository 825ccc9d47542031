import type { EventStore } from '@journeys/event-store';
import { describeKafka } from '../libs/testing/src/kafka-broker';
import { EVENT_STORE } from '../apps/journeys/src/infrastructure/storage.module';
import { customerStream } from '../apps/journeys/src/ingestion/customer.events';
import { startKafkaTestApp, type KafkaTestApp } from './support/kafka-app';
import { defineTriggers, trigger } from './support/runtime';
import { eventually, startTestApp, type TestApp, type TestRole } from './support/test-app';

const NO_ZONE = 'must be an ISO 8601 date-time with Z or an offset';

/** The stored events of a customer's stream (triggers and segment changes as received). */
async function customerEvents(t: TestApp, customerId: string) {
  return t.app.get<EventStore>(EVENT_STORE).readStream(customerStream(customerId));
}

describe('instants without a zone or offset are refused over HTTP (issue 10, item 6)', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
    await defineTriggers(t);
    await t.request('editor', 'POST', '/trigger-definitions', {
      name: 'booked',
      attributes: [{ name: 'at', type: 'datetime' }],
    });
    await t.request('editor', 'POST', '/trigger-definitions/booked/ready');
  });
  afterAll(() => t.close());

  it('refuses a trigger whose occurredAt has no zone, naming the problem, and keeps the others', async () => {
    const answer = await t.request('ingest', 'POST', '/triggers', [
      trigger('z1', 'zoe', 'signed-up', {}, '2026-06-01T10:00:00Z'),
      trigger('z2', 'zoe', 'signed-up', {}, '2026-06-01T10:00:00'),
    ]);
    expect(answer).toMatchObject({ status: 202, body: { accepted: 1 } });
    expect(answer.body.refused).toEqual([
      {
        index: 1,
        id: 'z2',
        errors: [{ code: 'InvalidDateTime', path: '$.occurredAt', message: expect.stringContaining(NO_ZONE) }],
      },
    ]);
    expect(await customerEvents(t, 'zoe')).toEqual([expect.objectContaining({ type: 'TriggerReceived' })]);
  });

  it('refuses a body that is neither a message nor a list of them whole', async () => {
    for (const body of [[], [['nested']], [1, 2], Array.from({ length: 10_001 }, () => ({}))]) {
      const answer = await t.request('ingest', 'POST', '/triggers', body);
      expect({ body: JSON.stringify(body).slice(0, 20), status: answer.status }).toEqual({
        body: JSON.stringify(body).slice(0, 20),
        status: 400,
      });
      expect(answer.body.error.details.length).toBeGreaterThan(0);
    }
  });

  it.each(['2026-06-01T10:00:00Z', '2026-06-01T12:00:00+02:00', '2026-06-01T05:00:00-0500'])(
    'accepts %s',
    async (occurredAt) => {
      const id = `ok-${occurredAt}`;
      const answer = await t.request('ingest', 'POST', '/triggers', trigger(id, 'una', 'signed-up', {}, occurredAt));
      expect(answer).toMatchObject({ status: 202, body: { accepted: 1, refused: [] } });
    },
  );

  it('refuses a datetime attribute without a zone, naming the attribute', async () => {
    const answer = await t.request('ingest', 'POST', '/triggers', [
      trigger('b1', 'bea', 'booked', { at: '2026-06-01T10:00:00' }),
      trigger('b2', 'bea', 'booked', { at: '2026-06-01T10:00:00+01:00' }),
    ]);
    expect(answer.status).toBe(202);
    expect(answer.body).toMatchObject({ accepted: 1, refused: [{ index: 0, id: 'b1' }] });
    expect(answer.body.refused[0].errors).toEqual([
      { code: 'WrongType', path: '$.attributes.at', message: `at (datetime) ${NO_ZONE}` },
    ]);
  });

  it('takes an optional occurredAt on segment membership, applied to every change, and refuses one without a zone', async () => {
    const refused = await t.request('ingest', 'POST', '/segments/vip/membership', {
      joined: ['ann'],
      occurredAt: '2026-06-01T10:00:00',
    });
    expect(refused.status).toBe(400);
    expect(refused.body.error.details).toEqual([
      { code: 'InvalidDateTime', path: '$.occurredAt', message: expect.stringContaining(NO_ZONE) },
    ]);

    const occurredAt = '2026-05-31T08:00:00+02:00';
    const answer = await t.request('ingest', 'POST', '/segments/vip/membership', {
      joined: ['sam'],
      left: ['sue'],
      occurredAt,
    });
    expect(answer).toMatchObject({ status: 202, body: { accepted: 2, duplicates: 0, refused: [] } });
    const stored = [...(await customerEvents(t, 'sam')), ...(await customerEvents(t, 'sue'))];
    expect(stored.map((e) => e.data)).toEqual([
      expect.objectContaining({ segmentId: 'vip', customerId: 'sam', change: 'joined', occurredAt }),
      expect.objectContaining({ segmentId: 'vip', customerId: 'sue', change: 'left', occurredAt }),
    ]);

    // Without occurredAt the time of receipt (the service clock) stands in.
    await t.request('ingest', 'POST', '/segments/vip/membership', { joined: ['sid'] });
    const [received] = await customerEvents(t, 'sid');
    expect(received.data).toMatchObject({ occurredAt: t.clock.now().toISOString() });
  });

  it('keeps local times where the contract asks for them: schedule start and end, wait until', async () => {
    const created = await t.request('editor', 'POST', '/journeys', {
      name: 'Local times',
      audience: { type: 'trigger', trigger: 'signed-up' },
      schedule: { start: '2027-01-01T09:00:00', end: '2027-02-01T09:00:00', timeZone: 'Europe/Paris' },
      steps: [{ id: 'w', type: 'wait', until: '2027-01-02T09:00:00' }],
    });
    expect(created.status).toBe(201);
  });
});

describe('a route that needs a body refuses a request without one (issue 10, item 7)', () => {
  let t: TestApp;
  let journeyId: string;
  beforeAll(async () => {
    t = await startTestApp();
    await defineTriggers(t);
    const created = await t.request('editor', 'POST', '/journeys', {
      name: 'Body needed',
      audience: { type: 'trigger', trigger: 'signed-up' },
      steps: [{ id: 's', type: 'send', channel: 'email', content: 'hi' }],
    });
    journeyId = created.body.id;
  });
  afterAll(() => t.close());

  const routes = (): [TestRole, 'POST' | 'PUT', string][] => [
    ['ingest', 'POST', '/triggers'],
    ['ingest', 'POST', '/segments/vip/membership'],
    ['admin', 'POST', '/admin/projections/rebuild'],
    ['editor', 'POST', '/journeys'],
    ['editor', 'PUT', `/journeys/${journeyId}/draft`],
    ['editor', 'POST', `/journeys/${journeyId}/copy`],
    ['editor', 'POST', `/journeys/${journeyId}/save-as-template`],
    ['editor', 'POST', '/trigger-definitions'],
    ['editor', 'POST', '/templates/any/journeys'],
  ];

  it.each<[string, Record<string, string>]>([
    ['no body at all', {}],
    ['an empty JSON body', { 'content-type': 'application/json' }],
  ])('%s: 400 with Required at $ on every such route', async (_, headers) => {
    for (const [role, method, url] of routes()) {
      const answer = await t.request(role, method, url, headers['content-type'] ? '' : undefined, headers);
      expect({ url, status: answer.status, details: answer.body?.error?.details }).toEqual({
        url,
        status: 400,
        details: [{ code: 'Required', path: '$', message: 'a JSON request body is required' }],
      });
    }
  });

  it('still takes no body where none is needed', async () => {
    expect((await t.request('editor', 'POST', `/journeys/${journeyId}/publish`)).status).toBe(202);
    expect((await t.request('admin', 'POST', '/admin/projections/rebuild', {})).status).toBe(200);
  });
});

describeKafka('instants without a zone or offset are dead letters on Kafka (issue 10, item 6)', () => {
  let k: KafkaTestApp;
  beforeAll(async () => {
    k = await startKafkaTestApp();
    await defineTriggers(k.t);
  });
  afterAll(() => k.close());

  it('dead-letters a trigger and a segment change without a zone and takes the ones with one', async () => {
    await k.produce(k.topics.triggers, [
      { key: 'kim', value: trigger('kz1', 'kim', 'signed-up', {}, '2026-06-01T10:00:00') },
      { key: 'kim', value: trigger('kz2', 'kim', 'signed-up', {}, '2026-06-01T10:00:00Z') },
    ]);
    await k.produce(k.topics.segments, [
      {
        key: 'kim',
        value: { id: 'ks1', segmentId: 'vip', customerId: 'kim', change: 'joined', occurredAt: '2026-06-01T10:00:00' },
      },
      {
        key: 'kim',
        value: { id: 'ks2', segmentId: 'vip', customerId: 'kim', change: 'joined', occurredAt: '2026-06-01T10:00:00Z' },
      },
    ]);
    const deadLetters = () => k.reader.on(k.topics.deadLetter).map((m) => m.value);
    await k.reader.waitFor(() => deadLetters().length >= 2, 15_000, 'two dead letters');
    const byTopic = new Map(deadLetters().map((d) => [d.origin.topic, d]));
    for (const topic of [k.topics.triggers, k.topics.segments]) {
      expect(byTopic.get(topic)).toMatchObject({
        reason: 'VALIDATION_FAILED',
        errors: [{ code: 'InvalidDateTime', path: '$.occurredAt', message: expect.stringContaining(NO_ZONE) }],
      });
    }
    const stored = await eventually(
      async () => (await customerEvents(k.t, 'kim')).map((e) => e.id).sort(),
      (ids) => ids.length >= 2,
      15_000,
    );
    expect(stored).toEqual(['segment:ks2', 'trigger:kz2']);
  }, 40_000);
});
