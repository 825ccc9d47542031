import { describeKafka } from '../libs/testing/src/kafka-broker';
import { startKafkaTestApp, type KafkaTestApp } from './support/kafka-app';
import { defineTriggers, HOUR, publish, settle, trigger } from './support/runtime';
import { eventually } from './support/test-app';

describeKafka('journeys.actions (whole app, real broker)', () => {
  let k: KafkaTestApp;
  beforeAll(async () => {
    k = await startKafkaTestApp();
    await defineTriggers(k.t);
  });
  afterAll(() => k.close());

  const actions = () => k.reader.on(k.topics.actions).map((m) => ({ key: m.key, ...m.value }));

  it('publishes each requested action keyed by customer with a stable actionId, and nothing of a stopped version', async () => {
    const id = await publish(k.t, {
      name: 'Kafka actions',
      audience: { type: 'trigger', trigger: 'signed-up', reentry: { mode: 'never' } },
      steps: [
        { id: 'hello', type: 'send', channel: 'email', content: 'welcome', next: 'pause' },
        { id: 'pause', type: 'wait', duration: 'PT1H', next: 'later' },
        { id: 'later', type: 'send', channel: 'sms', content: 'later' },
      ],
    });
    const customers = Array.from({ length: 20 }, (_, i) => `k${i}`);
    await k.produce(
      k.topics.triggers,
      customers.map((c) => ({ key: c, value: trigger(`trg-${c}`, c, 'signed-up') })),
    );
    await k.reader.waitFor(() => actions().length >= customers.length, 20_000, 'the welcome actions');
    expect(
      actions()
        .map((a) => a.key)
        .sort(),
    ).toEqual([...customers].sort());
    expect(actions()[0]).toMatchObject({
      journeyId: id,
      version: 1,
      stepId: 'hello',
      channel: 'email',
      content: 'welcome',
    });
    expect(new Set(actions().map((a) => a.actionId)).size).toBe(customers.length);

    // Stopped before the wait ends: the later step never runs and nothing more is published.
    expect((await k.t.request('editor', 'POST', `/journeys/${id}/versions/1/stop`)).status).toBe(202);
    await eventually(
      async () => {
        await settle(k.t);
        return (await k.t.request('viewer', 'GET', `/journeys/${id}`)).body.state;
      },
      (state) => state === 'Stopped',
    );
    k.t.clock.advance(2 * HOUR);
    await settle(k.t);
    // Something published after the stop would arrive behind this marker trigger's action.
    const marker = await publish(k.t, {
      name: 'Marker',
      audience: { type: 'trigger', trigger: 'purchased', reentry: { mode: 'always' } },
      steps: [{ id: 'mark', type: 'send', channel: 'custom', content: 'marker' }],
    });
    await k.produce(k.topics.triggers, [{ key: 'k0', value: trigger('marker', 'k0', 'purchased') }]);
    await k.reader.waitFor(() => actions().some((a) => a.journeyId === marker), 20_000, 'the marker action');
    expect(actions().filter((a) => a.journeyId === id)).toHaveLength(customers.length);
  }, 60_000);
});
