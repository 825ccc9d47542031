import fc from 'fast-check';
import { welcomeJourneyExample, exampleTriggerDefinitions } from '@journeys/definition';
import type { EventStore } from '@journeys/event-store';
import { EVENT_STORE } from '../../apps/journeys/src/infrastructure/storage.module';
import { journeyStream } from '../../apps/journeys/src/journeys/journey-command.service';
import { settle } from '../support/runtime';
import { startTestApp, type TestApp } from '../support/test-app';
import { faultsSizes } from './support/faults-scale';
import { expectClearAnswer } from './support/http-contract';
import { expectedView, replayThroughDecider } from './support/journey-history';
import { assertProperty } from './support/property';

const sizes = faultsSizes();
jest.setTimeout(sizes.testTimeoutMs);

type Command =
  | { kind: 'publish' | 'edit' | 'discard' }
  | { kind: 'stop'; version: number }
  | { kind: 'draft'; ifMatch: 'none' | 'current' | 'stale'; content: string };

// Stops are rarer: the first accepted one ends the race (Stopping allows nothing more).
const command: fc.Arbitrary<Command> = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom('publish', 'edit', 'discard').map((kind) => ({ kind })) },
  { weight: 1, arbitrary: fc.integer({ min: 1, max: 4 }).map((version) => ({ kind: 'stop' as const, version })) },
  {
    weight: 4,
    arbitrary: fc.record({
      kind: fc.constant('draft' as const),
      ifMatch: fc.constantFrom('none', 'current', 'stale'),
      content: fc.constantFrom('welcome', 'welcome-v2', 'hello', 'bonjour'),
    }),
  },
);

/**
 * Commands race in waves: all of a wave at once, the next wave as soon as it is answered. Small waves
 * move the journey through more states; one burst of all of them outlasts the commands' retries.
 */
const waveSize = fc.constantFrom(4, 8, sizes.concurrentCommands);

async function inWaves<T, R>(items: readonly T[], size: number, run: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = [];
  for (let i = 0; i < items.length; i += size) results.push(...(await Promise.all(items.slice(i, i + size).map(run))));
  return results;
}

/** What the user commands may answer under contention: done, or refused with 409 / 412. */
const ACCEPTED = new Set([200, 201, 202]);
const REFUSED = new Set([409, 412]);

describe(`concurrent commands on one journey (${sizes.scale}: ${sizes.concurrencyRounds} rounds of ${sizes.concurrentCommands})`, () => {
  let t: TestApp;
  let journeys = 0;

  beforeAll(async () => {
    t = await startTestApp();
    for (const definition of exampleTriggerDefinitions) {
      await t.request('editor', 'POST', '/trigger-definitions', definition);
      await t.request('editor', 'POST', `/trigger-definitions/${definition.name}/ready`);
    }
  });
  afterAll(() => t.close());

  /** A Live journey with customers inside, so stops and newer versions have work to do. */
  async function liveJourney(): Promise<{ id: string; name: string; revision: number }> {
    const name = `Contended ${++journeys}`;
    const created = await t.request('editor', 'POST', '/journeys', { ...structuredClone(welcomeJourneyExample), name });
    expect(created.status).toBe(201);
    const published = await t.request('editor', 'POST', `/journeys/${created.body.id}/publish`);
    expect(published.body).toMatchObject({ state: 'Live' });
    return { id: created.body.id, name, revision: published.body.revision };
  }

  function send(journey: { id: string; name: string; revision: number }, c: Command) {
    const url = `/journeys/${journey.id}`;
    switch (c.kind) {
      case 'publish':
      case 'edit':
      case 'discard':
        return t.request('editor', 'POST', `${url}/${c.kind}`);
      case 'stop':
        return t.request('editor', 'POST', `${url}/versions/${c.version}/stop`);
      case 'draft': {
        const definition = structuredClone(welcomeJourneyExample) as { name: string; steps: { content?: string }[] };
        definition.name = journey.name;
        definition.steps[0].content = c.content;
        const headers: Record<string, string> =
          c.ifMatch === 'none'
            ? {}
            : { 'if-match': `"${c.ifMatch === 'current' ? journey.revision : journey.revision - 1}"` };
        return t.request('editor', 'PUT', `${url}/draft`, definition, headers);
      }
      default: {
        const unexpected: never = c;
        throw new Error(`unknown command ${JSON.stringify(unexpected)}`);
      }
    }
  }

  it('answers each command with success or 409/412, and leaves a history the decider replays to the state the projection shows', async () => {
    await assertProperty(
      fc.asyncProperty(
        fc.array(command, { minLength: sizes.concurrentCommands, maxLength: sizes.concurrentCommands }),
        waveSize,
        async (commands, wave) => {
          const journey = await liveJourney();
          // Customers keep arriving while the commands race, so the engine's automatic moves race too.
          const signUps = Array.from({ length: 20 }, (_, i) => ({
            id: `${journey.id}-${i}`,
            trigger: 'signed-up',
            customerId: `c-${journeys}-${i}`,
            occurredAt: '2026-11-28T09:00:00Z',
            attributes: { country: 'US' },
          }));
          const [answers] = await Promise.all([
            inWaves(commands, wave, (c) => send(journey, c)),
            ...signUps.map((s) => t.request('ingest', 'POST', '/triggers', s)),
          ]);
          answers.forEach((answer, i) => {
            expectClearAnswer(answer, `${JSON.stringify(commands[i])}`);
            if (!ACCEPTED.has(answer.status) && !REFUSED.has(answer.status)) {
              throw new Error(`${JSON.stringify(commands[i])} -> ${answer.status} ${JSON.stringify(answer.body)}`);
            }
            if (commands[i].kind === 'draft' && (commands[i] as { ifMatch: string }).ifMatch === 'stale') {
              expect([i, answer.status]).toEqual([i, 412]);
            }
          });
          await settle(t);

          const recorded = await t.app.get<EventStore>(EVENT_STORE).readStream(journeyStream(journey.id));
          const { state, revision } = replayThroughDecider(recorded);
          const shown = await t.request('viewer', 'GET', `/journeys/${journey.id}`);
          const { id, name, state: display, revision: shownRevision, versions } = shown.body;
          expect({ id, name, state: display, revision: shownRevision, versions }).toEqual(
            expectedView(state, revision),
          );
          if (state.status !== 'present') throw new Error('journey vanished');
          for (const v of state.versions) {
            const version = await t.request('viewer', 'GET', `/journeys/${journey.id}/versions/${v.version}`);
            expect(version.body.definition).toEqual(v.definition);
          }

          // Every accepted command wrote once and every refusal was audited once: nothing lost, nothing doubled.
          const userGroups = new Set(
            recorded
              .filter((e) => (e.metadata as { actor?: string }).actor === 'ed')
              .map((e) => (e.metadata as { correlationId: string }).correlationId),
          );
          const accepted = answers.filter((a) => ACCEPTED.has(a.status)).length;
          expect({ commandsWritten: userGroups.size }).toEqual({ commandsWritten: accepted + 2 }); // + create, first publish
          const audit = await t.request('viewer', 'GET', `/journeys/${journey.id}/audit-history?limit=500`);
          const audited = audit.body.entries
            .filter((e: { outcome: string }) => e.outcome === 'refused')
            .map((e: { details: { error: { code: string } } }) => e.details.error.code)
            .sort();
          const refused = answers
            .filter((a) => REFUSED.has(a.status))
            .map((a) => a.body.error.code)
            .sort();
          expect({ auditedRefusals: audited }).toEqual({ auditedRefusals: refused });
        },
      ),
      { numRuns: sizes.concurrencyRounds, endOnFailure: true },
    );
  });
});
