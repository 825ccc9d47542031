import type { EventStore } from '@journeys/event-store';
import { ProjectionRunner } from '@journeys/read-models';
import { EVENT_STORE } from '../../apps/journeys/src/infrastructure/storage.module';
import { JourneyEngine } from '../../apps/journeys/src/runtime/engine/journey-engine';
import type { TestApp } from './test-app';

export const HOUR = 60 * 60 * 1000;
/** The default JOURNEYS_TRIGGER_WAIT_GRACE: a waitForTrigger times out this long after its deadline. */
export const TRIGGER_WAIT_GRACE_MS = 5_000;

export async function defineTriggers(t: TestApp) {
  for (const [name, attributes] of [
    [
      'signed-up',
      [
        { name: 'plan', type: 'text' },
        { name: 'country', type: 'text' },
      ],
    ],
    [
      'purchased',
      [
        { name: 'amount', type: 'number' },
        { name: 'actionId', type: 'text' },
      ],
    ],
    ['unsubscribed', []],
  ] as const) {
    await t.request('editor', 'POST', '/trigger-definitions', { name, attributes });
    await t.request('editor', 'POST', `/trigger-definitions/${name}/ready`);
  }
}

export async function publish(t: TestApp, definition: unknown): Promise<string> {
  const created = await t.request('editor', 'POST', '/journeys', definition);
  expect(created.status).toBe(201);
  const published = await t.request('editor', 'POST', `/journeys/${created.body.id}/publish`);
  expect(published.body).toMatchObject({ state: 'Live' });
  return created.body.id;
}

/**
 * Waits until the engine and the read models have caught up with everything stored so far, and a
 * round of the engine stores nothing more (a chain of raised triggers takes a round per link, and
 * how many links the engine's own loop runs meanwhile depends on the machine's load).
 * @throws when events are still being stored after `timeoutMs`.
 */
export async function settle(t: TestApp, timeoutMs = 30_000) {
  const store = t.app.get<EventStore>(EVENT_STORE);
  const engine = t.app.get(JourneyEngine);
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const head = await store.headPosition();
    await engine.waitFor(head);
    await engine.tick();
    await t.app.get(ProjectionRunner).waitFor(await store.headPosition());
    if ((await store.headPosition()) === head) return;
    if (Date.now() > deadline) throw new Error(`Events still being stored after ${timeoutMs} ms (head ${head})`);
  }
}

export const trigger = (
  id: string,
  customerId: string,
  name: string,
  attributes: Record<string, unknown> = {},
  at = '2026-11-28T10:00:00Z',
) => ({
  id,
  trigger: name,
  customerId,
  occurredAt: at,
  attributes,
});
