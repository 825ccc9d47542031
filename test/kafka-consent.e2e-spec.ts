import { describeKafka } from '../libs/testing/src/kafka-broker';
import { startKafkaTestApp, type KafkaTestApp } from './support/kafka-app';
import { defineTriggers, publish, settle, trigger } from './support/runtime';
import { eventually } from './support/test-app';

/**
 * Consent over `journeys.consent` (keyed by customerId) on the service's default opt-in mode: records
 * apply by event time, a poison message goes to the dead-letter topic without blocking its partition,
 * and only consented customers' messages reach `journeys.actions`.
 */
describeKafka('consent over Kafka (whole app, real broker)', () => {
  let k: KafkaTestApp;
  beforeAll(async () => {
    k = await startKafkaTestApp({ consentMode: 'asStored' });
    await defineTriggers(k.t);
  });
  afterAll(() => k.close());

  const deadLetters = () => k.reader.on(k.topics.deadLetter).map((m) => m.value);
  const actions = () => k.reader.on(k.topics.actions).map((m) => ({ key: m.key, ...m.value }));
  const record = (id: string, customerId: string, status: string, occurredAt: string) => ({
    key: customerId,
    value: { id, customerId, channel: 'email', status, occurredAt },
  });

  it('takes consent from journeys.consent by event time, dead-letters poison, and sends only to consented customers', async () => {
    const id = await publish(k.t, {
      name: 'Kafka consent',
      audience: { type: 'trigger', trigger: 'signed-up' },
      steps: [{ id: 'hello', type: 'send', channel: 'email', content: 'welcome' }],
    });
    await k.produce(k.topics.consent, [
      record('k1', 'ann', 'optedIn', '2026-11-01T00:00:00Z'),
      // Poison, in ann's partition: not JSON, then the wrong shape. Neither blocks what follows.
      { key: 'ann', value: '{"customerId": "ann", ' },
      {
        key: 'ann',
        value: { customerId: 'ann', channel: 'email', status: 'perhaps', occurredAt: '2026-11-02T00:00:00Z' },
      },
      record('k2', 'bob', 'optedOut', '2026-11-20T00:00:00Z'),
      // bob's earlier opt-in arrives after his withdrawal: it loses.
      record('k3', 'bob', 'optedIn', '2026-11-10T00:00:00Z'),
      record('k4', 'cid', 'optedIn', '2026-11-01T00:00:00Z'),
      record('k4', 'cid', 'optedIn', '2026-11-01T00:00:00Z'),
    ]);
    await k.reader.waitFor(() => deadLetters().length >= 2, 20_000, 'the two poison messages');
    expect(deadLetters().map((d) => [d.reason, d.origin.topic, d.origin.key])).toEqual([
      ['BAD_JSON', k.topics.consent, 'ann'],
      ['VALIDATION_FAILED', k.topics.consent, 'ann'],
    ]);
    expect(deadLetters()[1].errors.map((e: { path: string }) => e.path)).toEqual(['$.status']);

    // The triggers go in once every good record is stored (its customer stream holds it).
    await eventually(
      async () => (await k.t.request('viewer', 'GET', '/metrics')).body as string,
      (text) => /journeys_consent_records_total\{outcome="accepted"\} 4/.test(text),
      20_000,
    );
    await k.produce(
      k.topics.triggers,
      ['ann', 'bob', 'cid', 'dan'].map((customerId) => ({
        key: customerId,
        value: trigger(`s-${customerId}`, customerId, 'signed-up'),
      })),
    );
    const analytics = await eventually(
      async () => {
        await settle(k.t);
        return (await k.t.request('viewer', 'GET', `/journeys/${id}/analytics`)).body.versions[0];
      },
      (a) => a.completed >= 4,
      20_000,
    );
    expect(analytics.sends).toEqual({ requested: 2, held: 0, skippedBy: { NoConsent: 2 } });
    await k.reader.waitFor(() => actions().length >= 2, 20_000, 'the two actions');
    expect(
      actions()
        .map((a) => [a.key, a.customerId, a.stepId])
        .sort(),
    ).toEqual([
      ['ann', 'ann', 'hello'],
      ['cid', 'cid', 'hello'],
    ]);
  }, 60_000);
});
