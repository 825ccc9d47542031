import { describeKafka } from '../libs/testing/src/kafka-broker';
import { startKafkaTestApp, type KafkaTestApp } from './support/kafka-app';
import { defineTriggers, publish, settle, trigger } from './support/runtime';
import { eventually } from './support/test-app';

describeKafka('triggers and segment changes over Kafka (whole app, real broker)', () => {
  let k: KafkaTestApp;
  beforeAll(async () => {
    k = await startKafkaTestApp();
    await defineTriggers(k.t);
  });
  afterAll(() => k.close());

  const analytics = async (id: string) => {
    await settle(k.t);
    return (await k.t.request('viewer', 'GET', `/journeys/${id}/analytics`)).body.versions[0];
  };
  const deadLetters = () => k.reader.on(k.topics.deadLetter).map((m) => m.value);

  it('enters customers from journeys.triggers once per trigger id and dead-letters what can never enter', async () => {
    const id = await publish(k.t, {
      name: 'Kafka sign-ups',
      audience: { type: 'trigger', trigger: 'signed-up', reentry: { mode: 'always' } },
      steps: [{ id: 'hello', type: 'send', channel: 'email', content: 'welcome' }],
    });
    const message = (m: ReturnType<typeof trigger>) => ({ key: m.customerId, value: m });
    await k.produce(k.topics.triggers, [
      message(trigger('k1', 'ann', 'signed-up', { plan: 'pro' })),
      message(trigger('k2', 'bob', 'signed-up')),
      message(trigger('k1', 'ann', 'signed-up', { plan: 'pro' })),
      { key: 'eve', value: '{"id": "k3", "trigger": ' },
      message(trigger('k4', 'eve', 'no-such-trigger')),
      message(trigger('k5', 'cid', 'signed-up', { plan: 'free' })),
    ]);

    const entered = await eventually(
      () => analytics(id),
      (a) => a.entered >= 3,
      15_000,
    );
    expect(entered).toMatchObject({ entered: 3 });
    const feed = await k.t.request('ingest', 'GET', '/actions?limit=100');
    expect(feed.body.actions.map((a: { customerId: string }) => a.customerId).sort()).toEqual(['ann', 'bob', 'cid']);

    await k.reader.waitFor(() => deadLetters().length >= 2, 15_000, 'two dead letters');
    expect(deadLetters().map((d) => [d.reason, d.origin.topic, d.origin.key])).toEqual([
      ['BAD_JSON', k.topics.triggers, 'eve'],
      ['VALIDATION_FAILED', k.topics.triggers, 'eve'],
    ]);
    expect(deadLetters()[1].errors.map((e: { code: string }) => e.code)).toContain('TriggerNotFound');
    expect(JSON.parse(deadLetters()[1].value)).toMatchObject({ id: 'k4', trigger: 'no-such-trigger' });
  }, 30_000);

  it('enrols segment members from journeys.segments', async () => {
    const id = await publish(k.t, {
      name: 'Kafka beta',
      audience: { type: 'segment', segments: ['beta'], frequency: { mode: 'dynamic' } },
      steps: [{ id: 'intro', type: 'send', channel: 'email', content: 'beta intro' }],
    });
    const change = (n: number, customerId: string, kind: string) => ({
      key: customerId,
      value: { id: `seg-${n}`, segmentId: 'beta', customerId, change: kind, occurredAt: '2026-11-28T10:00:00Z' },
    });
    await k.produce(k.topics.segments, [
      change(1, 'm1', 'joined'),
      change(2, 'm2', 'joined'),
      change(1, 'm1', 'joined'),
      change(3, 'm3', 'maybe'),
    ]);
    expect(
      await eventually(
        () => analytics(id),
        (a) => a.entered >= 2,
        15_000,
      ),
    ).toMatchObject({ entered: 2 });
    await k.reader.waitFor(
      () => deadLetters().some((d) => d.origin.topic === k.topics.segments),
      15_000,
      'the refused segment change',
    );
    expect(deadLetters().filter((d) => d.origin.topic === k.topics.segments)).toEqual([
      expect.objectContaining({ reason: 'VALIDATION_FAILED', origin: expect.objectContaining({ key: 'm3' }) }),
    ]);

    const health = await k.t.request(undefined, 'GET', '/health');
    expect(health.body.kafka.consumers.map((c: { topic: string }) => c.topic).sort()).toEqual(
      [k.topics.commands, k.topics.triggers, k.topics.segments, k.topics.consent].sort(),
    );
    // The counter moves when a chunk commits, which can trail the dead letter by a moment.
    const metrics = await eventually(
      async () => (await k.t.request(undefined, 'GET', '/metrics')).body as string,
      (text) => text.includes(`journeys_kafka_messages_in_total{topic="${k.topics.segments}"} 4\n`),
      15_000,
    );
    expect(metrics).toMatch(new RegExp(`journeys_kafka_messages_in_total\\{topic="${k.topics.triggers}"\\} 6\\n`));
    expect(metrics).toMatch(new RegExp(`journeys_kafka_messages_in_total\\{topic="${k.topics.segments}"\\} 4\\n`));
    // Lag per partition this replica has fetched from, every one consumed.
    const lags = [
      ...metrics.matchAll(/^journeys_kafka_consumer_lag\{topic="([^"]+)",group="[^"]+",partition="(\d)"\} (\d+)$/gm),
    ];
    expect(lags.filter(([, topic]) => topic === k.topics.triggers).length).toBeGreaterThanOrEqual(1);
    expect(lags.map(([, , , lag]) => lag)).toEqual(lags.map(() => '0'));
  }, 30_000);

  it('applies the idempotency rule per customer: a reused trigger id with other content is a dead letter', async () => {
    const id = await publish(k.t, {
      name: 'Kafka idempotency',
      audience: { type: 'trigger', trigger: 'purchased', reentry: { mode: 'always' } },
      steps: [{ id: 'thanks', type: 'send', channel: 'email', content: 'thanks' }],
    });
    const message = (m: ReturnType<typeof trigger>) => ({ key: m.customerId, value: m });
    const before = deadLetters().length;
    await k.produce(k.topics.triggers, [
      message(trigger('order-1', 'ivy', 'purchased', { amount: 10 })),
      message(trigger('order-1', 'ivy', 'purchased', { amount: 10 })),
      message(trigger('order-1', 'ivy', 'purchased', { amount: 99 })),
      message(trigger('order-1', 'jon', 'purchased', { amount: 99 })),
    ]);
    expect(
      await eventually(
        () => analytics(id),
        (a) => a.entered >= 2,
        15_000,
      ),
    ).toMatchObject({ entered: 2 });
    await k.reader.waitFor(() => deadLetters().length > before, 15_000, 'the reused id');
    const [reused] = deadLetters().slice(before);
    expect(reused).toMatchObject({ reason: 'IDEMPOTENCY_KEY_REUSED', origin: expect.objectContaining({ key: 'ivy' }) });
    expect(reused.errors).toEqual([expect.objectContaining({ code: 'IdempotencyKeyReused', path: '$.id' })]);
    expect(JSON.parse(reused.value)).toMatchObject({ id: 'order-1', attributes: { amount: 99 } });
  }, 30_000);
});
