import { Parser, DiagnosticSeverity } from '@asyncapi/parser';
import { CONTRACT_SCHEMAS, NOT_BLANK_PATTERN } from '@journeys/contract';
import { packageInfo } from '../apps/journeys/src/openapi/package-info';
import { startTestApp, type TestApp } from './support/test-app';

type Parameter = { name: string; in: string; schema: { type?: string } };

type Operation = {
  summary?: string;
  description?: string;
  tags?: string[];
  security?: unknown[];
  responses: Record<string, { content?: Record<string, { schema?: unknown }> }>;
};

describe('the contract documents the service serves', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(() => t.close());

  it('AsyncAPI 3: every topic, valid for the AsyncAPI parser', async () => {
    const answer = await t.request(undefined, 'GET', '/docs/asyncapi.json');
    expect(answer.status).toBe(200);
    const document = answer.body;
    expect(document.asyncapi).toBe('3.0.0');
    expect(
      Object.values(document.channels)
        .map((c) => (c as { address: string }).address)
        .sort(),
    ).toEqual([
      'journeys.actions',
      'journeys.command-results',
      'journeys.commands',
      'journeys.consent',
      'journeys.dead-letter',
      'journeys.events',
      'journeys.segments',
      'journeys.triggers',
    ]);
    const diagnostics = await new Parser().validate(JSON.stringify(document));
    const errors = diagnostics.filter((d) => d.severity === DiagnosticSeverity.Error);
    expect(errors.map((d) => `${d.path.join('.')}: ${d.message}`)).toEqual([]);
  });

  it('OpenAPI 3.1: the package version, the API key, and every operation described with every answer typed', async () => {
    const answer = await t.request(undefined, 'GET', '/docs/openapi.json');
    expect(answer.status).toBe(200);
    const document = answer.body;
    expect(document.openapi).toBe('3.1.0');
    expect(document.info.version).toBe(packageInfo().version);
    expect(document.components.securitySchemes.apiKey).toMatchObject({ type: 'http', scheme: 'bearer' });
    expect(document.components.securitySchemes.apiKey.bearerFormat).toBeUndefined();
    const operations = Object.entries(document.paths as Record<string, Record<string, Operation>>).flatMap(
      ([path, methods]) =>
        Object.entries(methods).map(([method, operation]) => ({ at: `${method} ${path}`, operation })),
    );
    expect(operations.length).toBeGreaterThan(25);
    for (const { at, operation } of operations) {
      expect({ at, summary: typeof operation.summary, description: typeof operation.description }).toEqual({
        at,
        summary: 'string',
        description: 'string',
      });
      expect({ at, tags: operation.tags?.length }).toEqual({ at, tags: 1 });
      const isPublic = [
        '/health',
        '/health/live',
        '/health/ready',
        '/schemas',
        '/schemas/{name}',
        '/docs/asyncapi.json',
      ].includes(at.split(' ')[1]);
      expect({ at, security: operation.security }).toEqual({ at, security: isPublic ? [] : [{ apiKey: [] }] });
      if (!isPublic)
        expect({ at, statuses: Object.keys(operation.responses) }).toEqual({
          at,
          statuses: expect.arrayContaining(['401', '403']),
        });
      for (const [status, response] of Object.entries(operation.responses)) {
        expect({ at, status, schema: response.content?.['application/json']?.schema !== undefined }).toEqual({
          at,
          status,
          schema: true,
        });
      }
    }
  });

  it('describes every text path parameter as the service checks it, in a pattern every regex dialect reads alike', async () => {
    const document = (await t.request(undefined, 'GET', '/docs/openapi.json')).body;
    const params = Object.values(document.paths as Record<string, Record<string, { parameters?: Parameter[] }>>)
      .flatMap((methods) => Object.values(methods).flatMap((operation) => operation.parameters ?? []))
      .filter((p) => p.in === 'path' && p.schema.type === 'string');
    expect(params.length).toBeGreaterThan(20);
    for (const p of params) {
      expect({ name: p.name, schema: p.schema }).toEqual({
        name: p.name,
        schema: { type: 'string', minLength: 1, maxLength: 200, pattern: NOT_BLANK_PATTERN },
      });
    }
    // White space by JavaScript's or by Python's reckoning (form feed, U+FEFF, U+001C, U+0085): refused
    // by the document and by the service alike; with one other character, accepted by both.
    const notBlank = new RegExp(NOT_BLANK_PATTERN, 'u');
    for (const blank of ['\f', '\ufeff', '\u001c', '\u0085', ' \u3000']) {
      expect(notBlank.test(blank)).toBe(false);
      const answer = await t.request('admin', 'GET', `/journeys/${encodeURIComponent(blank)}`);
      expect({ blank, status: answer.status, path: answer.body.error?.details?.[0]?.path }).toEqual({
        blank,
        status: 400,
        path: 'id',
      });
      expect(notBlank.test(`${blank}x`)).toBe(true);
      expect((await t.request('admin', 'GET', `/journeys/${encodeURIComponent(`${blank}x`)}`)).status).toBe(404);
    }
  });

  it('serves every JSON Schema at a stable URL', async () => {
    const list = await t.request(undefined, 'GET', '/schemas');
    expect(list.body.schemas.map((s: { name: string }) => s.name).sort()).toEqual(Object.keys(CONTRACT_SCHEMAS).sort());
    const definition = await t.request(undefined, 'GET', '/schemas/journey-definition.json');
    expect(definition).toMatchObject({
      status: 200,
      body: { $id: 'journey-definition.json', title: 'JourneyDefinition' },
    });
    expect((await t.request(undefined, 'GET', '/schemas/nope.json')).status).toBe(404);
  });

  it('answers 405 with Allow for a method a path does not declare', async () => {
    const answer = await t.request('admin', 'PUT' as 'GET', '/journeys');
    expect(answer.status).toBe(405);
    expect(answer.headers.allow).toBe('GET, HEAD, POST');
    expect(answer.body.error.code).toBe('METHOD_NOT_ALLOWED');
  });
});
