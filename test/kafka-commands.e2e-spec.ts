import { describeKafka } from '../libs/testing/src/kafka-broker';
import type { ReadMessage } from '@journeys/messaging/testing/topic-reader';
import { ProcessedCommands } from '../apps/journeys/src/messaging/processed-commands';
import { startKafkaTestApp, type KafkaTestApp } from './support/kafka-app';
import { eventually } from './support/test-app';

const definition = {
  name: 'Kafka welcome',
  audience: { type: 'trigger', trigger: 'signed-up', reentry: { mode: 'never' } },
  steps: [{ id: 'hello', type: 'send', channel: 'email', content: 'welcome' }],
};

describeKafka('commands over Kafka (whole app, real broker)', () => {
  let k: KafkaTestApp;
  beforeAll(async () => {
    k = await startKafkaTestApp();
  });
  afterAll(() => k.close());

  const command = (commandId: string, type: string, fields: Record<string, unknown> = {}) => ({
    key: (fields.journeyId as string | undefined) ?? commandId,
    value: { commandId, type, actor: 'crm-sync', ...fields },
  });
  const results = () => k.reader.on(k.topics.commandResults);
  const deadLetters = () => k.reader.on(k.topics.deadLetter);
  const resultOf = async (commandId: string): Promise<ReadMessage['value']> => {
    await k.reader.waitFor(() => results().some((m) => m.key === commandId), 15_000, `the result of ${commandId}`);
    return results().find((m) => m.key === commandId)?.value;
  };

  it('creates, publishes and stops a journey, answering every command on the results topic', async () => {
    await k.produce(k.topics.commands, [
      command('td-1', 'CreateTriggerDefinition', {
        payload: { name: 'signed-up', attributes: [{ name: 'plan', type: 'text' }] },
      }),
    ]);
    expect(await resultOf('td-1')).toEqual({
      commandId: 'td-1',
      ok: true,
      result: { name: 'signed-up', state: 'Draft' },
    });
    await k.produce(k.topics.commands, [
      command('td-2', 'MarkTriggerDefinitionReady', { payload: { name: 'signed-up' } }),
      command('create-1', 'CreateJourney', { payload: definition }),
    ]);
    expect(await resultOf('td-2')).toMatchObject({ ok: true, result: { state: 'Ready' } });
    const created = await resultOf('create-1');
    expect(created).toMatchObject({
      commandId: 'create-1',
      ok: true,
      result: { name: 'Kafka welcome', state: 'Draft', revision: 0, versions: [{ version: 1, state: 'Draft' }] },
    });
    const journeyId: string = created.result.id;

    await k.produce(k.topics.commands, [
      command('publish-1', 'PublishJourney', { journeyId }),
      command('pause-1', 'PauseVersion', { journeyId, version: 1 }),
      command('resume-1', 'ResumeVersion', { journeyId, version: 1 }),
      command('resume-2', 'ResumeVersion', { journeyId, version: 1 }),
      command('stop-1', 'StopVersion', { journeyId, version: 1 }),
      command('stop-2', 'StopVersion', { journeyId, version: 7 }),
    ]);
    expect(await resultOf('publish-1')).toMatchObject({ ok: true, result: { id: journeyId, state: 'Live' } });
    expect(await resultOf('pause-1')).toMatchObject({ ok: true, result: { state: 'Paused' } });
    expect(await resultOf('resume-1')).toMatchObject({ ok: true, result: { state: 'Live' } });
    expect(await resultOf('resume-2')).toMatchObject({ ok: false, status: 409, error: { code: 'ACTION_NOT_ALLOWED' } });
    expect((await resultOf('stop-1')).result.versions[0].state).toMatch(/^Stopp(ing|ed)$/);
    // A refusal is an answer, with the REST error body and status, not a dead letter.
    const refused = await resultOf('stop-2');
    expect(refused).toMatchObject({ commandId: 'stop-2', ok: false, status: expect.any(Number) });
    expect(refused.error).toEqual({
      code: expect.any(String),
      message: expect.any(String),
      details: expect.any(Array),
    });
    const rest = await k.t.request('editor', 'POST', `/journeys/${journeyId}/versions/7/stop`);
    expect({ status: refused.status, code: refused.error.code }).toEqual({
      status: rest.status,
      code: rest.body.error.code,
    });

    const history = await k.t.request('viewer', 'GET', `/journeys/${journeyId}/audit-history`);
    expect(history.body.entries).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ actor: 'crm-sync', action: 'publish', outcome: 'accepted' }),
        expect.objectContaining({ actor: 'crm-sync', action: 'pause', outcome: 'accepted', state: 'Paused' }),
        expect.objectContaining({ actor: 'crm-sync', action: 'resume', outcome: 'accepted', state: 'Live' }),
        expect.objectContaining({ actor: 'crm-sync', action: 'resume', outcome: 'refused' }),
        expect.objectContaining({ actor: 'crm-sync', action: 'stop', outcome: 'accepted' }),
      ]),
    );
    expect(deadLetters()).toEqual([]);
  }, 30_000);

  it('executes a redelivered command id once and answers it again with the same result', async () => {
    const again = command('create-dup', 'CreateJourney', { payload: { ...definition, name: 'Only once' } });
    await k.produce(k.topics.commands, [again, again]);
    await k.reader.waitFor(() => results().filter((m) => m.key === 'create-dup').length >= 2, 15_000, 'two answers');
    const [first, second] = results().filter((m) => m.key === 'create-dup');
    expect(first.value).toMatchObject({ ok: true, result: { name: 'Only once' } });
    expect(second.value).toEqual(first.value);
    const journeys = await k.t.request('viewer', 'GET', '/journeys');
    expect(journeys.body.journeys.filter((j: { name: string }) => j.name === 'Only once')).toHaveLength(1);
  }, 30_000);

  it('runs a command once when processing fails between its events and its outcome record', async () => {
    // The command's events are stored, then recording its outcome fails: the batch is retried.
    const save = jest.spyOn(k.t.app.get(ProcessedCommands), 'save');
    save.mockRejectedValueOnce(new Error('the process died here'));
    await k.produce(k.topics.commands, [
      command('create-torn', 'CreateJourney', { payload: { ...definition, name: 'Torn once' } }),
    ]);
    const created = await resultOf('create-torn');
    const journeyId: string = created.result.id;
    save.mockRejectedValueOnce(new Error('the process died here'));
    await k.produce(k.topics.commands, [command('publish-torn', 'PublishJourney', { journeyId })]);
    const published = await resultOf('publish-torn');
    save.mockRestore();

    expect(created).toMatchObject({ ok: true, result: { name: 'Torn once', state: 'Draft', revision: 0 } });
    // Decided again it would be refused (already Live); it is recognised as applied instead.
    expect(published).toMatchObject({ ok: true, result: { id: journeyId, state: 'Live' } });
    expect(results().filter((m) => m.key === 'create-torn' || m.key === 'publish-torn')).toHaveLength(2);
    const journeys = await k.t.request('viewer', 'GET', '/journeys');
    expect(journeys.body.journeys.filter((j: { name: string }) => j.name === 'Torn once')).toHaveLength(1);
    const history = await k.t.request('viewer', 'GET', `/journeys/${journeyId}/audit-history`);
    expect(history.body.entries.map((e: { action: string; outcome: string }) => [e.action, e.outcome])).toEqual([
      ['create', 'accepted'],
      ['publish', 'accepted'],
    ]);
  }, 30_000);

  it('dead-letters poison messages with the reason and keeps processing the partition', async () => {
    const key = 'poison-partition';
    await k.produce(k.topics.commands, [
      { key, value: '{"commandId": "broken", "type": ' },
      { key, value: command('unknown-1', 'DeleteEverything').value },
      { key, value: command('invalid-1', 'CreateTriggerDefinition', { payload: { name: 'no spaces allowed' } }).value },
      {
        key,
        value: command('after-poison', 'CreateTriggerDefinition', { payload: { name: 'purchased', attributes: [] } })
          .value,
      },
    ]);
    expect(await resultOf('after-poison')).toMatchObject({ ok: true, result: { name: 'purchased' } });
    await k.reader.waitFor(() => deadLetters().length >= 3, 15_000, 'three dead letters');

    const letters = deadLetters().map((m) => m.value);
    expect(deadLetters().every((m) => m.key === key)).toBe(true);
    expect(letters.map((l) => l.reason)).toEqual(['BAD_JSON', 'UNKNOWN_COMMAND_TYPE', 'VALIDATION_FAILED']);
    expect(letters[0]).toMatchObject({
      origin: { topic: k.topics.commands, partition: expect.any(Number), offset: expect.any(String), key },
      value: '{"commandId": "broken", "type": ',
    });
    expect(letters[2].errors).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ path: '$.payload.name' }),
        expect.objectContaining({ path: '$.payload.attributes' }),
      ]),
    );
    // Commands with an id are answered even when refused for good.
    expect(await resultOf('unknown-1')).toMatchObject({ ok: false, status: 400, error: { code: 'VALIDATION_FAILED' } });
    expect(await resultOf('invalid-1')).toMatchObject({ ok: false, status: 400 });

    // Counters move once the broker acknowledged, which may be just after a reader saw the message.
    const metrics = await eventually(
      () => k.t.request(undefined, 'GET', '/metrics'),
      (m) =>
        String(m.body).includes(
          `journeys_kafka_dead_letters_total{topic="${k.topics.commands}",reason="BAD_JSON"} 1`,
        ) && String(m.body).includes(`journeys_kafka_messages_out_total{topic="${k.topics.commandResults}"}`),
      10_000,
    );
    expect(metrics.status).toBe(200);
    expect(metrics.headers['content-type']).toMatch(/^text\/plain; version=0\.0\.4/);
    expect(metrics.body).toContain(
      `journeys_kafka_dead_letters_total{topic="${k.topics.commands}",reason="BAD_JSON"} 1`,
    );
    expect(metrics.body).toMatch(new RegExp(`journeys_kafka_messages_in_total\\{topic="${k.topics.commands}"\\} \\d+`));
    expect(metrics.body).toMatch(
      new RegExp(`journeys_kafka_messages_out_total\\{topic="${k.topics.commandResults}"\\} \\d+`),
    );
    expect(metrics.body).toMatch(/\nprocess_resident_memory_bytes \d+/);
    expect(metrics.body).toMatch(/\njourneys_projection_position \d+/);

    const health = await k.t.request(undefined, 'GET', '/health');
    expect(health.body.kafka).toMatchObject({
      state: 'running',
      consumers: expect.arrayContaining([
        expect.objectContaining({ topic: k.topics.commands, groupId: `${k.groupId}.commands`, lag: 0 }),
      ]),
      forwarder: { running: true },
    });
  }, 30_000);
});
