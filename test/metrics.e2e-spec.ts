import { parsePrometheusText, prometheusParserMissing } from './support/prometheus-parser';
import { defineTriggers, publish, settle, trigger } from './support/runtime';
import { startTestApp, type TestApp } from './support/test-app';

/** Every family README "Metrics" lists for the embedded service, with its type. */
const FAMILIES = {
  http_request_duration_seconds: 'histogram',
  journeys_triggers_total: 'counter',
  journeys_segment_changes_total: 'counter',
  journeys_engine_batch_duration_seconds: 'histogram',
  journeys_engine_lag_events: 'gauge',
  journeys_engine_position: 'gauge',
  journeys_projection_lag_events: 'gauge',
  journeys_projection_position: 'gauge',
  journeys_event_store_head_position: 'gauge',
  journeys_event_store_up: 'gauge',
  journeys_instances_entered_total: 'counter',
  journeys_instances_completed_total: 'counter',
  journeys_instances_exited_total: 'counter',
  journeys_entries_blocked_total: 'counter',
  journeys_actions_requested_total: 'counter',
  journeys_actions_cancelled_total: 'counter',
  journeys_kafka_messages_in_total: 'counter',
  journeys_kafka_messages_out_total: 'counter',
  journeys_kafka_dead_letters_total: 'counter',
  nodejs_eventloop_lag_seconds: 'gauge',
  nodejs_eventloop_lag_p99_seconds: 'gauge',
  process_cpu_seconds_total: 'counter',
  process_resident_memory_bytes: 'gauge',
  nodejs_heap_size_used_bytes: 'gauge',
} as const;

const parserMissing = prometheusParserMissing();
if (parserMissing) console.log(`/metrics parser test skipped: ${parserMissing}`);

(parserMissing ? describe.skip : describe)('GET /metrics', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(() => t.close());

  it('passes an independent Prometheus text parser and counts the engine, intake and HTTP work', async () => {
    await defineTriggers(t);
    const id = await publish(t, {
      name: 'Welcome',
      audience: { type: 'trigger', trigger: 'signed-up', reentry: { mode: 'never' } },
      exit: { triggers: ['unsubscribed'] },
      steps: [
        { id: 'hello', type: 'send', channel: 'email', content: 'welcome', next: 'pause' },
        { id: 'pause', type: 'wait', duration: 'P1D' },
      ],
    });
    const fed = await t.request('ingest', 'POST', '/triggers', [
      trigger('s1', 'ann', 'signed-up', { plan: 'pro' }),
      trigger('s2', 'bob', 'signed-up', { plan: 'free' }),
      trigger('s1', 'ann', 'signed-up', { plan: 'pro' }),
      trigger('s3', 'cid', 'signed-up', { plan: 42 }),
    ]);
    expect(fed.body).toMatchObject({ accepted: 2, duplicates: 1, refused: [expect.objectContaining({ index: 3 })] });
    await settle(t);
    await t.request('ingest', 'POST', '/triggers', [trigger('u1', 'bob', 'unsubscribed')]);
    await t.request('ingest', 'POST', '/triggers', [trigger('s4', 'ann', 'signed-up', { plan: 'pro' })]);
    await settle(t);
    expect((await t.request('viewer', 'GET', `/journeys/${id}`)).status).toBe(200);
    expect((await t.request('viewer', 'GET', '/no-such-path')).status).toBe(404);

    const response = await t.request(undefined, 'GET', '/metrics');
    expect(response.status).toBe(200);
    expect(response.headers['content-type']).toBe('text/plain; version=0.0.4; charset=utf-8');
    const families = parsePrometheusText(response.body as string);
    const family = (name: string) => families.find((f) => f.name === name.replace(/_total$/, ''));
    for (const [name, type] of Object.entries(FAMILIES)) {
      expect({ name, type: family(name)?.type }).toEqual({ name, type });
    }
    /** The value of the sample `sample` (default: the family's own name) whose labels include `labels`. */
    const value = (name: string, labels: Record<string, string> = {}, sample = name) =>
      Number(
        family(name)?.samples.find(
          (s) => s.name === sample && Object.entries(labels).every(([k, v]) => s.labels[k] === v),
        )?.value,
      );

    expect(value('journeys_triggers_total', { outcome: 'accepted' })).toBe(4);
    expect(value('journeys_triggers_total', { outcome: 'duplicate' })).toBe(1);
    expect(value('journeys_triggers_total', { outcome: 'refused' })).toBe(1);
    expect(value('journeys_instances_entered_total')).toBe(2);
    expect(value('journeys_instances_exited_total', { reason: 'exitTrigger' })).toBe(1);
    expect(value('journeys_entries_blocked_total', { reason: 'reentryBlocked' })).toBe(1);
    expect(value('journeys_actions_requested_total', { channel: 'email' })).toBe(2);
    expect(value('journeys_engine_lag_events')).toBe(0);
    expect(value('journeys_event_store_up')).toBe(1);
    expect(value('journeys_event_store_head_position')).toBe(value('journeys_projection_position'));

    const batches = 'journeys_engine_batch_duration_seconds';
    expect(value(batches, {}, `${batches}_count`)).toBeGreaterThanOrEqual(3);
    const http = (labels: Record<string, string>) =>
      value('http_request_duration_seconds', labels, 'http_request_duration_seconds_count');
    expect(http({ method: 'POST', route: '/triggers', status_code: '202' })).toBe(3);
    expect(http({ method: 'GET', route: '/journeys/:id', status_code: '200' })).toBe(1);
    // A random path is one "unmatched" series, not a series of its own.
    expect(http({ method: 'GET', route: 'unmatched', status_code: '404' })).toBe(1);
    expect(response.body).not.toContain('/no-such-path');
    expect(() => parsePrometheusText('journeys_broken{label="unterminated} 1\n')).toThrow(/refused/);
  }, 30_000);
});
