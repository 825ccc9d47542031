import { mkdtempSync, rmSync, statSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { EventStore } from '@journeys/event-store';
import { BODY_LIMIT_BYTES } from '../../apps/journeys/src/bootstrap';
import { EVENT_STORE } from '../../apps/journeys/src/infrastructure/storage.module';
import { defineTriggers, publish, settle, trigger } from '../support/runtime';
import { KEYS, startTestApp, type TestApp, type TestRole } from '../support/test-app';
import { faultsSizes } from './support/faults-scale';
import { isErrorBody } from './support/http-contract';
import { runServiceToExit, startLoggedService, type LoggedService } from './support/logged-service';

const sizes = faultsSizes();
jest.setTimeout(sizes.testTimeoutMs);

type Method = 'GET' | 'POST' | 'PUT';
const ROLES: TestRole[] = ['admin', 'editor', 'viewer', 'ingest'];

interface Endpoint {
  method: Method;
  /** The OpenAPI path; `{id}` and `{template}` name the test journey and its template, other parameters get example values. */
  path: string;
  query?: string;
  allowed: TestRole[];
  body?: unknown;
}

/** A customer id no document or example contains, so that a leak of customer data is seen. */
const CUSTOMER = 'cust-7f3q9z';

/** Values for the path parameters other than the test journey and template. */
const EXAMPLE_VALUES: Record<string, string> = {
  version: '1',
  customerId: CUSTOMER,
  name: 'signed-up',
  segmentId: 'vip',
};

/** Every endpoint behind a key, management and runtime, with the roles allowed besides admin. */
const ENDPOINTS: Endpoint[] = [
  { method: 'POST', path: '/journeys', allowed: ['editor'], body: { name: 'x', steps: [] } },
  { method: 'GET', path: '/journeys', allowed: ['editor', 'viewer'] },
  { method: 'GET', path: '/journeys/{id}', allowed: ['editor', 'viewer'] },
  { method: 'GET', path: '/journeys/{id}/versions/{version}', allowed: ['editor', 'viewer'] },
  { method: 'PUT', path: '/journeys/{id}/draft', allowed: ['editor'], body: {} },
  { method: 'POST', path: '/journeys/{id}/publish', allowed: ['editor'] },
  { method: 'POST', path: '/journeys/{id}/edit', allowed: ['editor'] },
  { method: 'POST', path: '/journeys/{id}/discard', allowed: ['editor'] },
  { method: 'POST', path: '/journeys/{id}/versions/{version}/stop', allowed: ['editor'] },
  { method: 'POST', path: '/journeys/{id}/versions/{version}/pause', allowed: ['editor'] },
  { method: 'POST', path: '/journeys/{id}/versions/{version}/resume', allowed: ['editor'] },
  { method: 'POST', path: '/journeys/{id}/copy', allowed: ['editor'], body: { name: '' } },
  { method: 'POST', path: '/journeys/{id}/save-as-template', allowed: ['editor'], body: { name: '' } },
  { method: 'GET', path: '/journeys/{id}/audit-history', allowed: ['editor', 'viewer'] },
  { method: 'GET', path: '/journeys/{id}/analytics', allowed: ['editor', 'viewer'] },
  { method: 'GET', path: '/journeys/{id}/customers/{customerId}', allowed: ['editor', 'viewer'] },
  { method: 'GET', path: '/analytics', allowed: ['editor', 'viewer'] },
  { method: 'GET', path: '/customers/{customerId}', allowed: ['editor', 'viewer'] },
  { method: 'GET', path: '/me', allowed: ['editor', 'viewer', 'ingest'] },
  { method: 'GET', path: '/templates', allowed: ['editor', 'viewer'] },
  { method: 'GET', path: '/templates/{template}', allowed: ['editor', 'viewer'] },
  { method: 'POST', path: '/templates/{template}/journeys', allowed: ['editor'], body: { name: '' } },
  { method: 'POST', path: '/trigger-definitions', allowed: ['editor'], body: { name: '', attributes: [] } },
  { method: 'GET', path: '/trigger-definitions', allowed: ['editor', 'viewer'] },
  { method: 'GET', path: '/trigger-definitions/{name}', allowed: ['editor', 'viewer'] },
  { method: 'POST', path: '/trigger-definitions/{name}/ready', allowed: ['editor'] },
  {
    method: 'POST',
    path: '/triggers',
    allowed: ['ingest'],
    body: [trigger('sec-1', 'intruder', 'signed-up', { country: 'US' })],
  },
  { method: 'POST', path: '/segments/{segmentId}/membership', allowed: ['ingest'], body: { joined: ['intruder'] } },
  {
    method: 'POST',
    path: '/consent',
    allowed: ['ingest'],
    body: [{ customerId: 'intruder', channel: 'email', status: 'optedIn', occurredAt: '2026-01-01T00:00:00Z' }],
  },
  { method: 'GET', path: '/actions', query: '?after=0&limit=10', allowed: ['ingest'] },
  { method: 'GET', path: '/settings', allowed: ['editor', 'viewer'] },
  { method: 'PUT', path: '/settings', allowed: [], body: { consentMode: 'optOut' } },
  { method: 'GET', path: '/settings/audit-history', allowed: ['editor', 'viewer'] },
  { method: 'POST', path: '/admin/projections/rebuild', allowed: [], body: { names: ['templates'] } },
];

/** Keys that are almost right: a near miss must be as unknown as no key. */
function wrongKeys(): string[] {
  const secret = KEYS.admin;
  return [
    `${secret}x`,
    secret.slice(0, -1),
    secret.toUpperCase(),
    `${secret.slice(0, -1)}2`,
    Buffer.from(secret).toString('base64'),
    `${KEYS.viewer}${KEYS.admin}`,
    'ops:admin:' + secret,
  ];
}

describe(`security (${sizes.scale})`, () => {
  describe('keys and roles on every endpoint', () => {
    let t: TestApp;
    let ids: Record<'id' | 'template', string>;
    const url = (e: Endpoint) =>
      e.path.replace(/\{(\w+)\}/g, (_, name: string) => ({ ...EXAMPLE_VALUES, ...ids })[name] ?? name) +
      (e.query ?? '');

    beforeAll(async () => {
      t = await startTestApp();
      await defineTriggers(t);
      const id = await publish(t, {
        name: 'Secured',
        audience: { type: 'trigger', trigger: 'signed-up', reentry: { mode: 'never' } },
        steps: [
          { id: 'hello', type: 'send', channel: 'email', content: 'hello', next: 'hold' },
          { id: 'hold', type: 'wait', duration: 'P1D' },
        ],
      });
      await t.request('ingest', 'POST', '/triggers', [trigger('ann-1', CUSTOMER, 'signed-up')]);
      await settle(t);
      const template = await t.request('editor', 'POST', `/journeys/${id}/save-as-template`, { name: 'Secured' });
      ids = { id, template: template.body.id };
    });
    afterAll(() => t.close());

    it('lists every endpoint the OpenAPI document has', async () => {
      const docs = await t.request(undefined, 'GET', '/docs/openapi.json');
      const documented = Object.entries(docs.body.paths as Record<string, Record<string, unknown>>).flatMap(
        ([path, methods]) => Object.keys(methods).map((m) => `${m.toUpperCase()} ${path.replace(/\{[^}]+\}/g, '{}')}`),
      );
      const listed = new Set(ENDPOINTS.map((e) => `${e.method} ${e.path.replace(/\{[^}]+\}/g, '{}')}`));
      const publicEndpoints = [
        'GET /',
        'GET /health',
        'GET /health/live',
        'GET /health/ready',
        'GET /metrics',
        'GET /schemas',
        'GET /schemas/{}',
        'GET /docs/asyncapi.json',
      ];
      const isPublic = (d: string) => publicEndpoints.includes(d);
      expect(documented.filter((d) => !listed.has(d) && !isPublic(d))).toEqual([]);
    });

    it.each(ENDPOINTS)(
      '$method $path: 401 without a key or with a near-miss key, 403 for other roles, all without effect',
      async (endpoint) => {
        const store = t.app.get<EventStore>(EVENT_STORE);
        // Background work of the allowed calls before (a stop removing customers) finishes first.
        await settle(t);
        const head = await store.headPosition();
        const refused: { status: number; body: unknown; text: string }[] = [];
        const attempt = async (headers: Record<string, string>) => {
          const response = await t.app.inject({
            method: endpoint.method,
            url: url(endpoint),
            headers: { ...headers, ...(endpoint.body === undefined ? {} : { 'content-type': 'application/json' }) },
            ...(endpoint.body === undefined ? {} : { payload: JSON.stringify(endpoint.body) }),
          });
          return { status: response.statusCode, body: response.json() as unknown, text: response.body };
        };
        const attempts: Record<string, string>[] = [
          {},
          { authorization: '' },
          { authorization: 'Bearer' },
          { authorization: `Basic ${Buffer.from(`ops:${KEYS.admin}`).toString('base64')}` },
          { authorization: `Token ${KEYS.admin}` },
          { 'x-api-key': KEYS.admin },
          ...wrongKeys().map((key) => ({ authorization: `Bearer ${key}` })),
        ];
        for (const headers of attempts) {
          const answer = await attempt(headers);
          expect([JSON.stringify(headers), answer.status]).toEqual([JSON.stringify(headers), 401]);
          expect(answer.body).toMatchObject({ error: { code: 'UNAUTHENTICATED' } });
          refused.push(answer);
        }
        for (const role of ROLES.filter((r) => r !== 'admin' && !endpoint.allowed.includes(r))) {
          const answer = await attempt({ authorization: `Bearer ${KEYS[role]}` });
          expect([role, answer.status]).toEqual([role, 403]);
          expect(answer.body).toMatchObject({ error: { code: 'FORBIDDEN' } });
          refused.push(answer);
        }
        // Refused requests changed nothing and gave nothing away.
        await settle(t);
        expect(await store.headPosition()).toBe(head);
        for (const answer of refused) {
          expect(isErrorBody(answer.body)).toBe(true);
          for (const secret of Object.values(KEYS)) expect(answer.text).not.toContain(secret);
          expect(answer.text).not.toContain(CUSTOMER);
        }
        for (const role of ['admin' as const, ...endpoint.allowed]) {
          const { status } = await t.request(role, endpoint.method, url(endpoint), endpoint.body);
          expect([role, status]).not.toEqual([role, 401]);
          expect([role, status]).not.toEqual([role, 403]);
          expect(status).toBeLessThan(500);
        }
      },
    );

    it('serves health, metrics and the OpenAPI document without a key, with no customer data or secrets', async () => {
      for (const path of [
        '/',
        '/health',
        '/health/live',
        '/health/ready',
        '/metrics',
        '/docs/openapi.json',
        '/docs/asyncapi.json',
        '/schemas',
      ]) {
        const response = await t.app.inject({ method: 'GET', url: path });
        expect([path, response.statusCode]).toEqual([path, 200]);
        expect(response.body).not.toContain(CUSTOMER);
        for (const secret of Object.values(KEYS)) expect(response.body).not.toContain(secret);
      }
    });

    it(`refuses bodies above ${BODY_LIMIT_BYTES} bytes on every write endpoint with 413 and the error body`, async () => {
      const huge = `{"name":"${'x'.repeat(BODY_LIMIT_BYTES)}"}`;
      for (const endpoint of ENDPOINTS.filter((e) => e.method !== 'GET')) {
        for (const type of ['application/json', 'text/plain', 'application/octet-stream']) {
          const response = await t.app.inject({
            method: endpoint.method,
            url: url(endpoint),
            headers: { authorization: `Bearer ${KEYS.admin}`, 'content-type': type },
            payload: huge,
          });
          // A type no parser takes is refused unread (415); any other is read up to the limit only.
          const expected = type === 'application/octet-stream' ? [413, 415] : [413];
          expect([endpoint.path, type, expected.includes(response.statusCode)]).toEqual([endpoint.path, type, true]);
          expect(isErrorBody(response.json())).toBe(true);
          if (response.statusCode === 413) expect(response.json().error.code).toBe('PAYLOAD_TOO_LARGE');
        }
      }
      // Just under the limit is read (and judged on its content).
      const under = JSON.stringify([
        trigger('under', 'bob', 'signed-up', { plan: 'x'.repeat(BODY_LIMIT_BYTES - 500) }),
      ]);
      const answer = await t.request('ingest', 'POST', '/triggers', under, { 'content-type': 'application/json' });
      expect(answer.status).toBe(202);
      expect(answer.body.refused[0].errors[0].code).toBe('TooLarge');
    });
  });

  describe('the real service, logging at verbose', () => {
    const SECRETS = {
      admin: 'adm1n-S3cret-value-0001',
      editor: 'ed1t0r-S3cret-value-0002',
      viewer: 'v1ewer-S3cret-value-0003',
      ingest: '1ngest-S3cret-value-0004',
    };
    let dataDir: string;
    let service: LoggedService;
    const keysEnv = Object.entries(SECRETS)
      .map(([role, secret]) => `${role}-key:${role}:${secret}`)
      .join(',');

    beforeAll(() => {
      dataDir = mkdtempSync(join(tmpdir(), 'journeys-faults-security-'));
    });
    afterAll(async () => {
      await service?.stop('SIGKILL');
      rmSync(dataDir, { recursive: true, force: true });
    });

    it.each(['text', 'json'])(
      'never writes a key to its %s logs, whatever it is asked, and refuses a streamed body over the limit',
      async (format) => {
        service = await startLoggedService({
          JOURNEYS_DATA_DIR: join(dataDir, format),
          JOURNEYS_API_KEYS: keysEnv,
          LOG_LEVEL: 'verbose',
          LOG_FORMAT: format,
        });
        const { admin, editor, viewer, ingest } = SECRETS;
        await service.call('POST', '/trigger-definitions', {
          key: editor,
          body: JSON.stringify({ name: 'signed-up', attributes: [{ name: 'plan', type: 'text' }] }),
        });
        await service.call('POST', '/trigger-definitions/signed-up/ready', { key: editor });
        const created = await service.call('POST', '/journeys', {
          key: editor,
          body: JSON.stringify({
            name: 'Logged',
            audience: { type: 'trigger', trigger: 'signed-up' },
            steps: [{ id: 'hello', type: 'send', channel: 'email', content: 'hi' }],
          }),
        });
        const id = (created.body as { id: string }).id;
        await service.call('POST', `/journeys/${id}/publish`, { key: editor });
        await service.call('POST', '/triggers', {
          key: ingest,
          body: JSON.stringify([trigger('log-1', CUSTOMER, 'signed-up', { plan: 'pro' })]),
        });
        await service.call('GET', `/journeys/${id}/audit-history`, { key: viewer });
        await service.call('GET', '/actions', { key: ingest });
        await service.call('POST', '/admin/projections/rebuild', { key: admin, body: '{}' });
        // Refusals of every kind: wrong keys (near misses of real ones), wrong roles, bad bodies, errors.
        for (const key of [`${admin}x`, admin.slice(1), `${editor} ${viewer}`]) {
          await service.call('GET', '/journeys', { key });
        }
        await service.call('POST', '/journeys', { key: viewer, body: '{}' });
        await service.call('POST', '/journeys', { key: editor, body: '{"name": ' });
        await service.call('GET', '/journeys', { headers: { authorization: `Basic ${admin}`, 'x-api-key': admin } });
        await service.call('GET', `/journeys?token=${admin}`, { key: `${admin}!` });
        // A body without a length, streamed past the limit.
        const chunk = new TextEncoder().encode('x'.repeat(1024 * 1024));
        let sent = 0;
        const stream = new ReadableStream<Uint8Array>({
          pull(controller) {
            if (sent++ < 8) controller.enqueue(chunk);
            else controller.close();
          },
        });
        const streamed = await service.call('POST', '/triggers', {
          key: ingest,
          body: stream,
          headers: { 'content-type': 'application/json' },
        });
        expect(streamed.status).toBe(413);
        expect(isErrorBody(streamed.body)).toBe(true);

        await service.stop('SIGTERM');
        const output = service.output();
        expect(output.length).toBeGreaterThan(0);
        expect(output).toMatch(format === 'json' ? /"level":"(log|verbose|debug)"/ : /Mapped \{/);
        for (const secret of Object.values(SECRETS)) {
          expect(output).not.toContain(secret);
          expect(output).not.toContain(secret.slice(1));
          expect(output).not.toContain(Buffer.from(secret).toString('base64'));
        }
      },
    );

    it('never prints a secret of a rejected JOURNEYS_API_KEYS, and keeps a generated admin key owner-only and out of the logs', async () => {
      const badSecret = 'short-Secret';
      const rejected = await runServiceToExit({
        JOURNEYS_DATA_DIR: join(dataDir, 'rejected'),
        JOURNEYS_API_KEYS: `ops:admin:${badSecret},feed:nobody:${SECRETS.ingest}`,
        LOG_LEVEL: 'verbose',
      });
      expect(rejected.code).not.toBe(0);
      expect(rejected.output).toMatch(/JOURNEYS_API_KEYS/);
      expect(rejected.output).not.toContain(badSecret);
      expect(rejected.output).not.toContain(SECRETS.ingest);

      const generatedDir = join(dataDir, 'generated');
      service = await startLoggedService({
        JOURNEYS_DATA_DIR: generatedDir,
        JOURNEYS_API_KEYS: '',
        LOG_LEVEL: 'verbose',
      });
      const keyFile = join(generatedDir, 'admin-api-key');
      const key = readFileSync(keyFile, 'utf8').trim();
      expect(statSync(keyFile).mode & 0o777).toBe(0o600);
      expect((await service.call('GET', '/journeys', { key })).status).toBe(200);
      await service.call('GET', '/journeys', { key: `${key}x` });
      await service.stop('SIGTERM');
      expect(service.output()).toContain(keyFile);
      expect(service.output()).not.toContain(key);
    });
  });
});
