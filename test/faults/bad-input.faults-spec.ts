import fc from 'fast-check';
import { exampleTriggerDefinitions, welcomeJourneyExample } from '@journeys/definition';
import { JourneyEngine } from '../../apps/journeys/src/runtime/engine/journey-engine';
import { settle } from '../support/runtime';
import { startTestApp, type TestApp, type TestRole } from '../support/test-app';
import {
  contentType,
  definitionMutant,
  garbageValue,
  malformedJsonText,
  mutantOf,
  pathSegment,
  toJsonText,
} from './support/bad-input.arbitraries';
import { startControlJourney, type ControlJourney, type JourneySnapshot } from './support/control-journey';
import { expectClearAnswer, expectIntakeCounts, type Answer } from './support/http-contract';
import { faultsSizes } from './support/faults-scale';
import { assertProperty } from './support/property';

const sizes = faultsSizes();
const runs = { numRuns: sizes.badInputRuns };
jest.setTimeout(sizes.testTimeoutMs);
type Method = 'GET' | 'POST' | 'PUT';

describe(`bad input over HTTP (${sizes.scale}: ${sizes.badInputRuns} runs per property)`, () => {
  let t: TestApp;
  let control: ControlJourney;
  let before: JourneySnapshot;
  /** Journeys the commands may target: a Draft, a Live one and one being edited. */
  const targets: string[] = [];
  let templateId: string;
  let names = 0;

  /** Sends `text` as the raw body; no text, no body. */
  async function send(
    role: TestRole | undefined,
    method: Method,
    url: string,
    text?: string,
    type: string | undefined = 'application/json',
    headers: Record<string, string> = {},
  ): Promise<Answer> {
    const answer = await t.request(role, method, url, text, {
      ...(text !== undefined && type !== undefined ? { 'content-type': type } : {}),
      ...headers,
    });
    expectClearAnswer(answer, `${role ?? 'anonymous'} ${method} ${url.slice(0, 200)} ${text?.slice(0, 300) ?? ''}`);
    return answer;
  }

  /** Gives an unchanged example name a fresh suffix, so valid mutants are not all duplicates. */
  function freshName(definition: unknown): unknown {
    const named = definition as { name?: unknown } | null;
    if (typeof named === 'object' && named !== null && typeof named.name === 'string' && named.name.length < 100) {
      named.name = `${named.name} #${++names}`;
    }
    return definition;
  }

  beforeAll(async () => {
    t = await startTestApp();
    for (const definition of exampleTriggerDefinitions) {
      await send('editor', 'POST', '/trigger-definitions', JSON.stringify(definition));
      await send('editor', 'POST', `/trigger-definitions/${definition.name}/ready`);
    }
    control = await startControlJourney(t, 25);
    before = await control.snapshot();
    for (const state of ['Draft', 'Live', 'Live, editing']) {
      const created = await send(
        'editor',
        'POST',
        '/journeys',
        toJsonText(freshName(structuredClone(welcomeJourneyExample))),
      );
      const id = created.body as { id: string };
      if (state !== 'Draft') await send('editor', 'POST', `/journeys/${id.id}/publish`);
      if (state === 'Live, editing') await send('editor', 'POST', `/journeys/${id.id}/edit`);
      targets.push(id.id);
    }
    const template = await send(
      'editor',
      'POST',
      `/journeys/${targets[0]}/save-as-template`,
      '{"name":"fuzz template"}',
    );
    templateId = (template.body as { id: string }).id;
  });
  afterAll(() => t.close());

  it('answers malformed JSON and wrong content types on every write endpoint with a 4xx and the error body', async () => {
    const endpoints = (): { role: TestRole; method: Method; url: string }[] => [
      { role: 'editor', method: 'POST', url: '/journeys' },
      { role: 'editor', method: 'PUT', url: `/journeys/${targets[0]}/draft` },
      { role: 'editor', method: 'POST', url: `/journeys/${targets[1]}/copy` },
      { role: 'editor', method: 'POST', url: `/journeys/${targets[1]}/save-as-template` },
      { role: 'editor', method: 'POST', url: `/templates/${templateId}/journeys` },
      { role: 'editor', method: 'POST', url: '/trigger-definitions' },
      { role: 'editor', method: 'POST', url: `/journeys/${targets[2]}/publish` },
      { role: 'ingest', method: 'POST', url: '/triggers' },
      { role: 'ingest', method: 'POST', url: '/segments/fuzz-segment/membership' },
      { role: 'admin', method: 'POST', url: '/admin/projections/rebuild' },
    ];
    await assertProperty(
      fc.asyncProperty(fc.nat(endpoints().length - 1), malformedJsonText, contentType, async (which, text, type) => {
        const { role, method, url } = endpoints()[which];
        await send(role, method, url, text, type);
      }),
      { numRuns: sizes.badInputRuns * 4 },
    );
  });

  it('creates, replaces and publishes generated definitions: 201/200/202 with refusals listed, or a clear 4xx', async () => {
    await assertProperty(
      fc.asyncProperty(definitionMutant, definitionMutant, async (first, second) => {
        const created = await send('editor', 'POST', '/journeys', toJsonText(freshName(first)));
        if (created.status !== 201) return;
        const { id } = created.body as { id: string };
        const shown = await send('viewer', 'GET', `/journeys/${id}`);
        expect(shown.status).toBe(200);
        await send('editor', 'PUT', `/journeys/${id}/draft`, toJsonText(freshName(second)), 'application/json', {
          'if-match': '"0"',
        });
        const published = await send('editor', 'POST', `/journeys/${id}/publish`);
        const body = published.body as { state?: string; versions?: { validationErrors?: unknown[] }[] };
        if (published.status === 202 && body.state === 'Draft') {
          // Refused at publish: the answer lists why.
          expect(body.versions?.[0]?.validationErrors?.length).toBeGreaterThan(0);
        }
        expect((await send('viewer', 'GET', `/journeys/${id}/versions/1`)).status).toBe(200);
      }),
      runs,
    );
  });

  it('takes generated triggers, alone or in batches: a 202 counting every message once, or a clear 4xx', async () => {
    const goodTrigger = {
      id: 'fuzz-trigger',
      trigger: 'signed-up',
      customerId: 'fuzz-customer',
      occurredAt: '2026-11-28T09:00:00Z',
      attributes: { country: 'US', plan: 'pro' },
    };
    const message = fc.tuple(mutantOf([goodTrigger]), fc.uuid()).map(([mutant, unique]) => {
      const m = mutant as Record<string, unknown> | null;
      if (typeof m === 'object' && m !== null && m.id === goodTrigger.id) m.id = unique;
      return mutant;
    });
    await assertProperty(
      fc.asyncProperty(
        fc.oneof(
          // A message mutated into an array is a batch too.
          message.map((m) => ({ body: m, count: Array.isArray(m) ? m.length : 1 })),
          fc.array(message, { maxLength: 20 }).map((batch) => ({ body: batch, count: batch.length })),
        ),
        async ({ body, count }) => {
          const answer = await send('ingest', 'POST', '/triggers', toJsonText(body));
          if (answer.status === 202) expectIntakeCounts(answer, count, toJsonText(body).slice(0, 300));
        },
      ),
      runs,
    );
  });

  it('takes generated segment changes: a 202 counting every change once, or a clear 4xx', async () => {
    const members = fc.oneof(
      fc.array(fc.oneof(fc.uuid(), fc.string({ unit: 'grapheme', maxLength: 30 })), { maxLength: 10 }),
      garbageValue,
    );
    await assertProperty(
      fc.asyncProperty(
        fc.oneof(fc.constantFrom('loyalty-wa', 'churned'), fc.string({ unit: 'binary', maxLength: 300 })),
        fc.oneof(
          fc.record({ joined: members, left: members }, { requiredKeys: [] }),
          fc.record({ joined: members, extra: garbageValue }),
          garbageValue,
        ),
        async (segment, body) => {
          const answer = await send('ingest', 'POST', `/segments/${pathSegment(segment)}/membership`, toJsonText(body));
          if (answer.status === 202) {
            const { joined, left } = (body ?? {}) as { joined?: unknown; left?: unknown };
            const count = (Array.isArray(joined) ? joined.length : 0) + (Array.isArray(left) ? left.length : 0);
            expectIntakeCounts(answer, count, toJsonText(body).slice(0, 300));
          }
        },
      ),
      runs,
    );
  });

  it('answers generated management commands, ids, versions, queries and If-Match headers with success or a clear 4xx', async () => {
    const journeyId = fc.oneof(
      fc.nat(2).map((i) => targets[i]),
      fc.uuid(),
      fc.string({ unit: 'binary', maxLength: 300 }).map(pathSegment),
    );
    const version = fc.oneof(
      fc.integer({ min: -2, max: 4 }).map(String),
      fc.constantFrom('abc', '1e99', '99999999999999999999', '-0', '0x1', '1.5', '%20', '9007199254740993'),
    );
    const query = fc.oneof(
      fc.integer({ min: -5, max: 100_000 }).map(String),
      garbageValue.map(toJsonText).map(pathSegment),
    );
    const ifMatch = fc.oneof(
      fc.constantFrom('"0"', '"1"', 'W/"2"', '*', '"99999999999999999999999"', '', '"-1"', '1, 2'),
      fc.string({ unit: fc.constantFrom(...'0123456789"W/ *,-abc'), maxLength: 12 }),
    );
    const objectBody = fc
      .record(
        {
          name: fc.oneof(fc.string({ unit: 'grapheme', maxLength: 200 }), garbageValue),
          description: garbageValue,
          version: fc.oneof(fc.integer({ min: -1, max: 5 }), garbageValue),
          overrides: fc.oneof(
            fc.record({ audience: garbageValue, schedule: garbageValue, goal: garbageValue }, { requiredKeys: [] }),
            garbageValue,
          ),
          extra: garbageValue,
        },
        { requiredKeys: [] },
      )
      .map(toJsonText);
    const command = fc.oneof(
      fc
        .record({
          role: fc.constant<TestRole>('editor'),
          method: fc.constant<Method>('POST'),
          id: journeyId,
          verb: fc.constantFrom('publish', 'edit', 'discard'),
        })
        .map((c) => ({ ...c, url: `/journeys/${c.id}/${c.verb}` })),
      fc.record({ id: journeyId, version }).map((c) => ({
        role: 'editor' as TestRole,
        method: 'POST' as Method,
        url: `/journeys/${c.id}/versions/${c.version}/stop`,
      })),
      fc.record({ id: journeyId, body: objectBody, verb: fc.constantFrom('copy', 'save-as-template') }).map((c) => ({
        role: 'editor' as TestRole,
        method: 'POST' as Method,
        url: `/journeys/${c.id}/${c.verb}`,
        body: c.body,
      })),
      fc.record({ id: fc.oneof(fc.constant(templateId), fc.uuid()), body: objectBody }).map((c) => ({
        role: 'editor' as TestRole,
        method: 'POST' as Method,
        url: `/templates/${c.id}/journeys`,
        body: c.body,
      })),
      fc.record({ id: journeyId, body: definitionMutant.map(toJsonText), ifMatch }).map((c) => ({
        role: 'editor' as TestRole,
        method: 'PUT' as Method,
        url: `/journeys/${c.id}/draft`,
        body: c.body,
        headers: { 'if-match': c.ifMatch },
      })),
      fc.record({ id: journeyId, version }).map((c) => ({
        role: 'viewer' as TestRole,
        method: 'GET' as Method,
        url: `/journeys/${c.id}/versions/${c.version}`,
      })),
      fc.record({ id: journeyId, after: query, limit: query }).map((c) => ({
        role: 'viewer' as TestRole,
        method: 'GET' as Method,
        url: `/journeys/${c.id}/audit-history?after=${c.after}&limit=${c.limit}`,
      })),
      fc.record({ id: journeyId, customer: fc.string({ unit: 'binary', maxLength: 300 }) }).map((c) => ({
        role: 'viewer' as TestRole,
        method: 'GET' as Method,
        url: `/journeys/${c.id}/customers/${pathSegment(c.customer)}`,
      })),
      fc
        .record({ id: journeyId })
        .map((c) => ({ role: 'viewer' as TestRole, method: 'GET' as Method, url: `/journeys/${c.id}/analytics` })),
      query.map((state) => ({ role: 'viewer' as TestRole, method: 'GET' as Method, url: `/journeys?state=${state}` })),
      fc.record({ after: query, limit: query }).map((c) => ({
        role: 'ingest' as TestRole,
        method: 'GET' as Method,
        url: `/actions?after=${c.after}&limit=${c.limit}`,
      })),
      fc.record({ name: fc.string({ unit: 'binary', maxLength: 300 }) }).map((c) => ({
        role: 'editor' as TestRole,
        method: 'POST' as Method,
        url: `/trigger-definitions/${pathSegment(c.name)}/ready`,
      })),
      fc
        .record(
          {
            name: fc.oneof(fc.string({ unit: 'grapheme', maxLength: 250 }), garbageValue),
            attributes: fc.oneof(
              fc.array(
                fc.record(
                  {
                    name: garbageValue,
                    type: fc.oneof(fc.constantFrom('text', 'number', 'boolean', 'datetime', 'reference'), garbageValue),
                  },
                  { requiredKeys: [] },
                ),
                { maxLength: 40 },
              ),
              garbageValue,
            ),
            unexpected: garbageValue,
          },
          { requiredKeys: [] },
        )
        .map((body) => ({
          role: 'editor' as TestRole,
          method: 'POST' as Method,
          url: '/trigger-definitions',
          body: toJsonText(body),
        })),
    );
    await assertProperty(
      fc.asyncProperty(
        command,
        async (c: { role: TestRole; method: Method; url: string; body?: string; headers?: Record<string, string> }) => {
          await send(c.role, c.method, c.url, c.body, 'application/json', c.headers);
        },
      ),
      { numRuns: sizes.badInputRuns * 4 },
    );
  });

  it('answers projection rebuilds naming unknown, odd or real projections with success or a clear 4xx', async () => {
    const names = fc.oneof(
      fc.array(fc.constantFrom('analytics', 'audit_history', 'no-such-projection', '', '__proto__'), { maxLength: 3 }),
      garbageValue,
    );
    // Each real rebuild replays the whole store: a few runs are enough.
    await assertProperty(
      fc.asyncProperty(names, async (n) => {
        await send('admin', 'POST', '/admin/projections/rebuild', toJsonText({ names: n }));
      }),
      { numRuns: 20 },
    );
  });

  it('leaves the control journey, its customers, counts and audit history exactly as they were, and the service healthy', async () => {
    await settle(t);
    expect(await control.snapshot()).toEqual(before);
    const health = await t.request(undefined, 'GET', '/health');
    expect(health.body.status).toBe('ok');
    expect(health.body.projections.lastError).toBeUndefined();
    expect(t.app.get(JourneyEngine).status().lastError).toBeUndefined();
  });
});
