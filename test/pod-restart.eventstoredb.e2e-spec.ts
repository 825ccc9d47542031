import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describeKafka } from '../libs/testing/src/kafka-broker';
import type { KafkaTestApp } from './support/kafka-app';
import { kafkaTestSettings, startKafkaTestApp } from './support/kafka-app';
import { settle, trigger } from './support/runtime';
import { moveEventStore, storedEventsOf } from './support/store-mode';
import { published } from '../apps/journeys/src/messaging/partition-forwarders';
import { eventually } from './support/test-app';

const journey = {
  name: 'Survives the pod',
  audience: { type: 'trigger', trigger: 'signed-up', reentry: { mode: 'never' } },
  steps: [
    { id: 'hello', type: 'send', channel: 'email', content: 'welcome', next: 'pause' },
    { id: 'pause', type: 'wait', duration: 'P1D' },
  ],
};

const command = (commandId: string, type: string, fields: Record<string, unknown> = {}) => ({
  key: commandId,
  value: { commandId, type, actor: 'crm-sync', ...fields },
});

/**
 * EventStoreDB mode (jest project `eventstoredb` only): the data directory is a pod's emptyDir. A
 * service started on an empty one rebuilds its read models from the event store, but what it
 * published and which commands it ran survive there: nothing goes out twice, no command runs twice.
 */
describeKafka('a pod restarted on an empty data directory (EventStoreDB mode)', () => {
  it('republishes nothing already published to journeys.events or journeys.actions and re-runs no command', async () => {
    const settings = kafkaTestSettings();
    const events = (k: KafkaTestApp) => k.reader.on(settings.topics.events);
    const actions = (k: KafkaTestApp) => k.reader.on(settings.topics.actions);
    const answers = (k: KafkaTestApp, commandId: string) =>
      k.reader.on(settings.topics.commandResults).filter((m) => m.key === commandId);

    const emptyDir = mkdtempSync(join(tmpdir(), 'journeys-new-pod-'));
    const first = await startKafkaTestApp({ settings });
    const create = command('create-pod', 'CreateJourney', { payload: journey });
    let journeyId: string;
    let auditBefore: unknown;
    try {
      await first.produce(settings.topics.commands, [
        command('td-pod', 'CreateTriggerDefinition', { payload: { name: 'signed-up', attributes: [] } }),
        command('ready-pod', 'MarkTriggerDefinitionReady', { payload: { name: 'signed-up' } }),
        create,
      ]);
      await first.reader.waitFor(() => answers(first, 'create-pod').length === 1, 15_000, 'the journey created');
      journeyId = answers(first, 'create-pod')[0].value.result.id;
      await first.produce(settings.topics.commands, [command('publish-pod', 'PublishJourney', { journeyId })]);
      await first.reader.waitFor(() => answers(first, 'publish-pod').length === 1, 15_000, 'the journey published');
      await first.t.request(
        'ingest',
        'POST',
        '/triggers',
        [1, 2, 3].map((n) => trigger(`t${n}`, `c${n}`, 'signed-up')),
      );
      await settle(first.t);
      const stored = (await storedEventsOf(first.t.dataDir)).filter(published);
      await first.reader.waitFor(
        () => events(first).length >= stored.length && actions(first).length >= 3,
        15_000,
        'everything stored published',
      );
      auditBefore = (await first.t.request('viewer', 'GET', `/journeys/${journeyId}/audit-history`)).body.entries;
    } finally {
      // The pod goes, and its data directory with it; the event store stays.
      await moveEventStore(first.t.dataDir, emptyDir);
      await first.close();
    }

    const second = await startKafkaTestApp({ settings, dataDir: emptyDir });
    try {
      // The command arrives again (a producer's retry): answered from its record, not run again.
      await second.produce(settings.topics.commands, [create]);
      await second.reader.waitFor(() => answers(second, 'create-pod').length === 2, 15_000, 'the second answer');
      // A trigger after the restart is published once, like everything before it.
      await second.t.request('ingest', 'POST', '/triggers', [trigger('t4', 'c4', 'signed-up')]);
      await settle(second.t);
      const stored = (await storedEventsOf(emptyDir)).filter(published);
      await second.reader.waitFor(
        () => stored.every((e) => events(second).some((m) => m.value.id === e.id)) && actions(second).length >= 4,
        15_000,
        'the events and the action of the new trigger',
      );
      await eventually(
        async () => (await second.t.request(undefined, 'GET', '/health')).body.kafka.forwarder,
        (forwarder) => forwarder.lag === '0' && forwarder.running,
        15_000,
      );

      const eventIds = events(second).map((m) => m.value.id as string);
      expect(eventIds.length).toBe(new Set(eventIds).size);
      expect(eventIds.sort()).toEqual(stored.map((e) => e.id).sort());
      const actionIds = actions(second).map((m) => m.value.actionId as string);
      expect(actionIds.length).toBe(4);
      expect(new Set(actionIds).size).toBe(4);
      const [firstAnswer, secondAnswer] = answers(second, 'create-pod');
      expect(secondAnswer.value).toEqual(firstAnswer.value);
      const journeys = (await second.t.request('viewer', 'GET', '/journeys')).body.journeys;
      expect(journeys.filter((j: { name: string }) => j.name === journey.name)).toHaveLength(1);
      expect((await second.t.request('viewer', 'GET', `/journeys/${journeyId}/audit-history`)).body.entries).toEqual(
        auditBefore,
      );
    } finally {
      await second.close();
    }
  }, 90_000);
});
