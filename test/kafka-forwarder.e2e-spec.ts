import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Kafka, logLevel } from 'kafkajs';
import type { EventStore, RecordedEvent } from '@journeys/event-store';
import { published as forwarded } from '../apps/journeys/src/messaging/partition-forwarders';
import { ensureTopics } from '@journeys/messaging';
import { TopicReader } from '@journeys/messaging/testing/topic-reader';
import { describeKafka, kafkaBrokers, uniqueKafkaName } from '../libs/testing/src/kafka-broker';
import { EVENT_STORE } from '../apps/journeys/src/infrastructure/storage.module';
import { kafkaTestSettings, startKafkaTestApp } from './support/kafka-app';
import { call, EDITOR_KEY, freePort, kill, startService } from './support/service-process';
import { forwarderCheckpointOf, storedEventsOf } from './support/store-mode';
import { startTestApp } from './support/test-app';

/** What the forwarder publishes: every stored event but the service's own bookkeeping. */
const published = (events: readonly RecordedEvent[]) => events.filter(forwarded);

const storedEvents = storedEventsOf;

describeKafka('the forwarder to journeys.events (whole app, real broker)', () => {
  it('publishes every stored event as a CloudEvent once and resumes from its checkpoint after a restart', async () => {
    const settings = kafkaTestSettings();
    const first = await startKafkaTestApp({ settings });
    const { dataDir } = first.t;
    await first.t.request('editor', 'POST', '/trigger-definitions', { name: 'signed-up', attributes: [] });
    await first.t.request('editor', 'POST', '/trigger-definitions/signed-up/ready');
    try {
      const stored = published(await first.t.app.get<EventStore>(EVENT_STORE).readAll());
      await first.reader.waitFor(
        (m) => m.filter((x) => x.topic === settings.topics.events).length >= stored.length,
        15_000,
        'the first events',
      );
    } finally {
      await first.close({ keepData: true });
    }

    // Written while Kafka is off: the next start with Kafka must publish them.
    const offline = await startTestApp({ dataDir });
    await offline.request('editor', 'POST', '/trigger-definitions', { name: 'purchased', attributes: [] });
    await offline.close({ keepData: true });

    const second = await startKafkaTestApp({ settings, dataDir });
    try {
      const all = published(await second.t.app.get<EventStore>(EVENT_STORE).readAll());
      expect(all.length).toBeGreaterThanOrEqual(3);
      const events = () => second.reader.on(settings.topics.events);
      await second.reader.waitFor(() => events().length >= all.length, 15_000, 'every stored event');
      // A graceful stop checkpoints what the broker acknowledged: nothing is sent twice.
      expect(
        events()
          .map((m) => m.value.id)
          .sort(),
      ).toEqual(all.map((e) => e.id).sort());
      const last = events().find((m) => m.value.id === all.at(-1)?.id);
      expect(last?.value).toMatchObject({
        specversion: '1.0',
        source: '/journeys',
        type: 'journeys.TriggerDefinitionCreated',
        subject: 'triggerDefinition-purchased',
        id: all.at(-1)?.id,
        position: all.at(-1)?.position.toString(),
        data: { name: 'purchased' },
      });
      expect(last?.key).toBe('triggerDefinition-purchased');
      const health = await second.t.request(undefined, 'GET', '/health');
      expect(health.body.kafka.forwarder).toMatchObject({ lag: '0', running: true });
    } finally {
      await second.close();
    }
  }, 40_000);

  it('after a SIGKILL resends from the checkpoint: every stored event arrives, at least once', async () => {
    const settings = kafkaTestSettings();
    const dataDir = mkdtempSync(join(tmpdir(), 'journeys-forwarder-crash-'));
    const kafka = new Kafka({
      clientId: uniqueKafkaName('crash'),
      brokers: kafkaBrokers() ?? [],
      logLevel: logLevel.NOTHING,
    });
    const admin = kafka.admin();
    await admin.connect();
    await ensureTopics(admin, [{ topic: settings.topics.events, numPartitions: 3, replicationFactor: 1 }]);
    await admin.disconnect();
    const reader = await TopicReader.open(kafka, [settings.topics.events]);
    let service: ChildProcess | undefined;
    try {
      const port = await freePort();
      service = await startService(dataDir, port, settings.env);
      // Writers run flat out, so the crash lands while stored events wait to be forwarded.
      let stop = false;
      const writers = [0, 1, 2].map(async (w) => {
        for (let i = 0; !stop; i++) {
          await call(port, EDITOR_KEY, 'POST', '/trigger-definitions', { name: `w${w}-${i}`, attributes: [] }).catch(
            () => undefined,
          );
        }
      });
      await reader.waitFor((m) => m.length >= 30, 20_000, 'events published before the crash');
      await kill(service, 'SIGKILL');
      const seenAtCrash = reader.messages.length;
      stop = true;
      await Promise.all(writers);
      const checkpointAtCrash = await readCheckpoint(dataDir);

      service = await startService(dataDir, port, settings.env);
      const stored = await storedEvents(dataDir);
      expect(stored.length).toBeGreaterThanOrEqual(seenAtCrash);
      await reader.waitFor(
        (m) => {
          const ids = new Set(m.map((x) => x.value.id));
          return published(stored).every((e) => ids.has(e.id));
        },
        20_000,
        'every stored event after the restart',
      );
      // Those may all have gone out before the crash: wait until the restarted forwarder has caught up
      // (on EventStoreDB it starts once the engine partitions are assigned again, after the dead
      // member's session).
      const deadline = Date.now() + 30_000;
      for (;;) {
        const forwarder = (await call(port, EDITOR_KEY, 'GET', '/health')).body?.kafka?.forwarder;
        if (forwarder?.running && forwarder.caughtUp && forwarder.lag === '0') break;
        if (Date.now() > deadline) throw new Error(`the forwarder did not catch up: ${JSON.stringify(forwarder)}`);
        await new Promise((r) => setTimeout(r, 200));
      }
      await kill(service, 'SIGTERM');
      // Past every event published before the stop. The service's own bookkeeping (a partition claimed
      // at the restart) is not waited for above, so the forwarder may stop before reading past it.
      const checkpoint = await readCheckpoint(dataDir);
      expect(checkpoint).toBeDefined();
      expect(checkpoint! >= published(stored).at(-1)!.position).toBe(true);
      // What was resent is at most what followed the checkpoint at the crash.
      const ids = reader.messages.map((m) => m.value.id as string);
      const repeated = ids.length - new Set(ids).size;
      expect(repeated).toBeLessThanOrEqual(stored.filter((e) => e.position > (checkpointAtCrash ?? -1n)).length);
    } finally {
      if (service) await kill(service);
      await reader.close();
      rmSync(dataDir, { recursive: true, force: true });
    }
  }, 60_000);
});

function readCheckpoint(dataDir: string): Promise<bigint | undefined> {
  return forwarderCheckpointOf(dataDir);
}
