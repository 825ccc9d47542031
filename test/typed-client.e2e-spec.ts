import { createJourneysClient, type JourneysClient, type Schemas } from '@journeys/client';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { contractValidator } from '@journeys/contract';
import type { EventStore } from '@journeys/event-store';
import { published as forwarded } from '../apps/journeys/src/messaging/partition-forwarders';
import { EVENT_STORE } from '../apps/journeys/src/infrastructure/storage.module';
import { settle } from './support/runtime';
import { KEYS, startTestApp, type TestApp } from './support/test-app';

/** The service over real HTTP, driven only through the typed client generated from its OpenAPI document. */
describe('the typed client (libs/client) against the service', () => {
  let t: TestApp;
  let editor: JourneysClient;
  let ingest: JourneysClient;
  beforeAll(async () => {
    t = await startTestApp();
    await t.app.listen(0, '127.0.0.1');
    const baseUrl = (await t.app.getUrl()).replace('[::1]', '127.0.0.1');
    editor = createJourneysClient({ baseUrl, apiKey: KEYS.editor });
    ingest = createJourneysClient({ baseUrl, apiKey: KEYS.ingest });
  });
  afterAll(() => t.close());

  it('defines triggers, creates and publishes a journey, feeds it and reads its analytics', async () => {
    const examples = join(__dirname, '..', 'examples');
    const read = <T>(file: string): T => JSON.parse(readFileSync(join(examples, file), 'utf8')) as T;
    for (const file of readdirSync(join(examples, 'triggers'))) {
      const definition = read<Schemas['CreateTriggerDefinitionRequest']>(join('triggers', file));
      const created = await editor.POST('/trigger-definitions', { body: definition });
      expect(created.data).toEqual({ name: definition.name, state: 'Draft' });
      const ready = await editor.POST('/trigger-definitions/{name}/ready', {
        params: { path: { name: definition.name } },
      });
      expect(ready.data?.state).toBe('Ready');
    }

    const created = await editor.POST('/journeys', { body: read<Schemas['JourneyDefinition']>('welcome.json') });
    expect(created.response.status).toBe(201);
    const id = created.data!.id;
    expect(created.response.headers.get('etag')).toBe(`"${created.data!.revision}"`);

    const published = await editor.POST('/journeys/{id}/publish', { params: { path: { id } } });
    expect(published.data?.state).toBe('Live');

    const intake = await ingest.POST('/triggers', {
      body: [
        {
          id: 'c-1',
          trigger: 'signed-up',
          customerId: 'ann',
          occurredAt: '2026-11-28T10:00:00Z',
          attributes: { country: 'US' },
        },
        {
          id: 'c-2',
          trigger: 'signed-up',
          customerId: 'bob',
          occurredAt: '2026-11-28T10:00:00Z',
          attributes: { country: 'FR' },
        },
      ],
    });
    expect(intake.data).toEqual({ accepted: 2, duplicates: 0, refused: [] });
    await settle(t);

    const analytics = await editor.GET('/journeys/{id}/analytics', { params: { path: { id } } });
    const [version] = analytics.data!.versions;
    expect(version).toMatchObject({ version: 1, entered: 1, blocked: { unmetCondition: 1 } });
    expect(version.steps.find((step) => step.stepId === 'welcome')).toMatchObject({ entered: 1, passed: 1 });

    const actions = await ingest.GET('/actions', { params: { query: { limit: 10 } } });
    expect(actions.data?.actions.map((action) => [action.customerId, action.stepId])).toEqual([['ann', 'welcome']]);

    // Every event stored on the way has the data the event catalogue (event-data.json) says; the
    // service's own bookkeeping (partition count and logs, command outcomes) is never published.
    const events = (await t.app.get<EventStore>(EVENT_STORE).readAll({ maxCount: 10_000 })).filter(forwarded);
    const types = [...new Set(events.map((event) => event.type))];
    expect(types).toEqual(
      expect.arrayContaining(['JourneyCreated', 'TriggerReceived', 'ActionRequested', 'WaitScheduled']),
    );
    for (const event of events) {
      expect({
        type: event.type,
        problems: contractValidator().validate(`event-data.json#/$defs/${event.type}`, event.data),
      }).toEqual({
        type: event.type,
        problems: [],
      });
    }
  });

  it('returns the error body, typed, with every problem', async () => {
    const refused = await editor.POST('/journeys', {
      body: { name: '', audience: { type: 'trigger', trigger: 'signed-up' }, steps: [] },
    });
    expect(refused.response.status).toBe(400);
    expect(refused.error?.error.code).toBe('VALIDATION_FAILED');
    expect(refused.error?.error.details).toEqual([expect.objectContaining({ code: 'TooShort', path: '$.name' })]);

    const missing = await editor.GET('/journeys/{id}', { params: { path: { id: 'no-such-journey' } } });
    expect(missing.response.status).toBe(404);
    expect(missing.error?.error.code).toBe('JOURNEY_NOT_FOUND');
  });
});
