import { KEYS, startTestApp, type TestApp, type TestRole } from './support/test-app';

type Method = 'GET' | 'POST' | 'PUT';
const ROLES: TestRole[] = ['admin', 'editor', 'viewer', 'ingest'];

/** Every endpoint of the management plane with the roles allowed besides admin. */
const ENDPOINTS: { method: Method; url: string; allowed: TestRole[]; body?: unknown }[] = [
  { method: 'POST', url: '/journeys', allowed: ['editor'], body: {} },
  { method: 'GET', url: '/journeys', allowed: ['editor', 'viewer'] },
  { method: 'GET', url: '/journeys/j', allowed: ['editor', 'viewer'] },
  { method: 'GET', url: '/journeys/j/versions/1', allowed: ['editor', 'viewer'] },
  { method: 'PUT', url: '/journeys/j/draft', allowed: ['editor'], body: {} },
  { method: 'POST', url: '/journeys/j/publish', allowed: ['editor'] },
  { method: 'POST', url: '/journeys/j/edit', allowed: ['editor'] },
  { method: 'POST', url: '/journeys/j/discard', allowed: ['editor'] },
  { method: 'POST', url: '/journeys/j/versions/1/stop', allowed: ['editor'] },
  { method: 'POST', url: '/journeys/j/copy', allowed: ['editor'], body: { name: 'c' } },
  { method: 'POST', url: '/journeys/j/save-as-template', allowed: ['editor'], body: { name: 't' } },
  { method: 'GET', url: '/journeys/j/audit-history', allowed: ['editor', 'viewer'] },
  { method: 'GET', url: '/templates', allowed: ['editor', 'viewer'] },
  { method: 'GET', url: '/templates/t', allowed: ['editor', 'viewer'] },
  { method: 'POST', url: '/templates/t/journeys', allowed: ['editor'], body: { name: 'n' } },
  { method: 'POST', url: '/trigger-definitions', allowed: ['editor'], body: { name: 'x', attributes: [] } },
  { method: 'GET', url: '/trigger-definitions', allowed: ['editor', 'viewer'] },
  { method: 'GET', url: '/trigger-definitions/x', allowed: ['editor', 'viewer'] },
  { method: 'POST', url: '/trigger-definitions/x/ready', allowed: ['editor'] },
  { method: 'POST', url: '/admin/projections/rebuild', allowed: [], body: {} },
];

describe('roles (every endpoint)', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(() => t.close());

  it.each(ENDPOINTS)('$method $url: 401 without a key or with a wrong one, 403 for other roles', async (endpoint) => {
    const { method, url, body } = endpoint;
    expect((await t.request(undefined, method, url, body)).status).toBe(401);
    const wrong = await t.app.inject({ method, url, headers: { authorization: `Bearer ${KEYS.admin}x` } });
    expect(wrong.statusCode).toBe(401);
    expect(wrong.json()).toMatchObject({ error: { code: 'UNAUTHENTICATED' } });
    for (const role of ROLES) {
      const { status, body: answer } = await t.request(role, method, url, body);
      if (role === 'admin' || endpoint.allowed.includes(role)) {
        expect([status, role]).not.toEqual([401, role]);
        expect([status, role]).not.toEqual([403, role]);
        expect(status).toBeLessThan(500);
      } else {
        expect([status, role]).toEqual([403, role]);
        expect(answer.error.code).toBe('FORBIDDEN');
      }
    }
  });

  it('health and the OpenAPI document need no key and show no customer data', async () => {
    const health = await t.request(undefined, 'GET', '/health');
    expect(health).toMatchObject({ status: 200, body: { status: 'ok', eventStore: { status: 'up' } } });
    const docs = await t.request(undefined, 'GET', '/docs/openapi.json');
    expect(docs.status).toBe(200);
    expect(Object.keys(docs.body.paths)).toEqual(expect.arrayContaining(['/journeys', '/journeys/{id}/audit-history']));
  });

  it('a malformed Authorization header is 401, never 500', async () => {
    for (const header of ['Bearer', 'Basic abc', `bearer  ${KEYS.editor}  extra`, '']) {
      const response = await t.app.inject({ method: 'GET', url: '/journeys', headers: { authorization: header } });
      expect(response.statusCode).toBe(401);
    }
  });
});
