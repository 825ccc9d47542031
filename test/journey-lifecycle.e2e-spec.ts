import { eventually, startTestApp, type TestApp } from './support/test-app';

const welcome = (name = 'Welcome series') => ({
  name,
  description: 'Greets new sign-ups',
  audience: {
    type: 'trigger',
    trigger: 'signed-up',
    conditions: { all: [{ attribute: 'trigger.plan', op: 'eq', value: 'pro' }] },
    reentry: { mode: 'never' },
  },
  goal: { trigger: 'purchased', target: { percent: 20 } },
  steps: [
    { id: 'hello', type: 'send', channel: 'email', content: 'welcome', next: 'pause' },
    { id: 'pause', type: 'wait', duration: 'P1D', next: 'clicked' },
    { id: 'clicked', type: 'waitForTrigger', trigger: 'purchased', within: 'P3D', yes: 'thanks', no: 'nudge' },
    { id: 'thanks', type: 'send', channel: 'email', content: 'thanks' },
    { id: 'nudge', type: 'send', channel: 'sms', content: 'still there?' },
  ],
});

describe('journey life cycle over HTTP (embedded store)', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(() => t.close());

  const journey = (id: string) => t.request('viewer', 'GET', `/journeys/${id}`).then((r) => r.body);
  const audit = (id: string) => t.request('viewer', 'GET', `/journeys/${id}/audit-history`).then((r) => r.body.entries);

  it('drives every row of the state table, records who did what, and rebuilds to the same read models', async () => {
    for (const name of ['signed-up', 'purchased']) {
      const created = await t.request('editor', 'POST', '/trigger-definitions', {
        name,
        description: `${name} trigger`,
        attributes: [{ name: 'plan', type: 'text' }],
      });
      expect(created).toMatchObject({ status: 201, body: { name, state: 'Draft' } });
    }

    // Create: version 1, Draft.
    const created = await t.request('editor', 'POST', '/journeys', welcome());
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({
      name: 'Welcome series',
      state: 'Draft',
      revision: 0,
      versions: [{ version: 1, state: 'Draft' }],
    });
    expect(created.headers.etag).toBe('"0"');
    const id: string = created.body.id;

    // A duplicate name is refused.
    expect(await t.request('editor', 'POST', '/journeys', welcome())).toMatchObject({
      status: 409,
      body: { error: { code: 'DuplicateJourneyName' } },
    });

    // Publish against Draft triggers: Publishing, then back to Draft with every error.
    const rejected = await t.request('editor', 'POST', `/journeys/${id}/publish`);
    expect(rejected.status).toBe(202);
    expect(rejected.body.state).toBe('Draft');
    const errors = rejected.body.versions[0].validationErrors;
    expect(errors.map((e: { code: string }) => e.code)).toEqual(expect.arrayContaining(['TriggerNotReady']));
    expect(errors.length).toBeGreaterThanOrEqual(2);

    for (const name of ['signed-up', 'purchased']) {
      expect(await t.request('editor', 'POST', `/trigger-definitions/${name}/ready`)).toMatchObject({
        status: 200,
        body: { state: 'Ready' },
      });
    }

    // If-Match: a stale revision is 412, the current one updates the draft.
    const revision = (await journey(id)).revision;
    expect(await t.request('editor', 'PUT', `/journeys/${id}/draft`, welcome(), { 'if-match': '"0"' })).toMatchObject({
      status: 412,
      body: { error: { code: 'STALE_REVISION' } },
    });
    const changed = welcome();
    changed.steps[0].content = 'welcome-v1b';
    const updated = await t.request('editor', 'PUT', `/journeys/${id}/draft`, changed, { 'if-match': `"${revision}"` });
    expect(updated).toMatchObject({ status: 200, body: { state: 'Draft', revision: revision + 1 } });

    // A draft with shape problems is refused with every problem listed.
    const broken = await t.request('editor', 'PUT', `/journeys/${id}/draft`, { name: '', steps: 'nope', audience: 7 });
    expect(broken.status).toBe(400);
    expect(broken.body.error.details.length).toBeGreaterThanOrEqual(3);

    // Publish: Live.
    expect(await t.request('editor', 'POST', `/journeys/${id}/publish`)).toMatchObject({
      status: 202,
      body: { state: 'Live' },
    });

    // Live refuses an update and names what it allows.
    const refused = await t.request('editor', 'PUT', `/journeys/${id}/draft`, welcome());
    expect(refused).toMatchObject({
      status: 409,
      body: {
        error: {
          code: 'ACTION_NOT_ALLOWED',
          details: [{ state: 'Live', allowedActions: ['edit', 'pause', 'stop', 'copy', 'saveAsTemplate'] }],
        },
      },
    });

    // Edit: Live, editing with two versions; discard returns to Live.
    expect(await t.request('editor', 'POST', `/journeys/${id}/edit`)).toMatchObject({
      status: 200,
      body: {
        state: 'Live, editing',
        versions: [
          { version: 1, state: 'Live' },
          { version: 2, state: 'Draft' },
        ],
      },
    });
    expect(await t.request('editor', 'POST', `/journeys/${id}/copy`, { name: 'Not now' })).toMatchObject({
      status: 409,
    });
    expect(await t.request('editor', 'POST', `/journeys/${id}/discard`)).toMatchObject({
      status: 200,
      body: { state: 'Live', versions: [{ version: 1, state: 'Live' }] },
    });

    // Edit again, change the draft, publish it: version 1 goes Completing, then Completed (nobody inside).
    await t.request('editor', 'POST', `/journeys/${id}/edit`);
    const v3 = welcome();
    v3.steps[4].content = 'come back';
    expect(await t.request('editor', 'PUT', `/journeys/${id}/draft`, v3)).toMatchObject({
      status: 200,
      body: { state: 'Live, editing' },
    });
    expect((await t.request('viewer', 'GET', `/journeys/${id}/versions/3`)).body.definition.steps[4].content).toBe(
      'come back',
    );
    expect(await t.request('editor', 'POST', `/journeys/${id}/publish`)).toMatchObject({
      status: 202,
      body: { state: 'Live' },
    });
    const afterPublish = await eventually(
      () => journey(id),
      (j) => j.versions[0].state === 'Completed',
    );
    expect(afterPublish.versions.map((v: { version: number; state: string }) => [v.version, v.state])).toEqual([
      [1, 'Completed'],
      [3, 'Live'],
    ]);

    // Lists by state.
    const live = await t.request('viewer', 'GET', '/journeys?state=Live');
    expect(live.body.journeys.map((j: { id: string }) => j.id)).toEqual([id]);

    // Copy any version into a new Draft journey; templates from any version.
    const copy = await t.request('editor', 'POST', `/journeys/${id}/copy`, { name: 'Welcome copy', version: 1 });
    expect(copy).toMatchObject({ status: 201, body: { name: 'Welcome copy', state: 'Draft' } });
    expect(
      (await t.request('viewer', 'GET', `/journeys/${copy.body.id}/versions/1`)).body.definition.steps[0].content,
    ).toBe('welcome-v1b');
    const template = await t.request('editor', 'POST', `/journeys/${id}/save-as-template`, {
      name: 'Welcome template',
      description: 'from v3',
      version: 3,
    });
    expect(template.status).toBe(201);
    expect(
      await t.request('editor', 'POST', `/journeys/${id}/save-as-template`, { name: 'welcome TEMPLATE' }),
    ).toMatchObject({
      status: 409,
      body: { error: { code: 'DuplicateTemplateName' } },
    });
    expect((await t.request('viewer', 'GET', '/templates')).body.templates).toHaveLength(1);
    const fromTemplate = await t.request('editor', 'POST', `/templates/${template.body.id}/journeys`, {
      name: 'Spring welcome',
      overrides: { schedule: { start: '2027-03-01T09:00:00', timeZone: 'Europe/Paris' } },
    });
    expect(fromTemplate).toMatchObject({ status: 201, body: { name: 'Spring welcome', state: 'Draft' } });
    const springV1 = (await t.request('viewer', 'GET', `/journeys/${fromTemplate.body.id}/versions/1`)).body;
    expect(springV1.definition.schedule).toEqual({ start: '2027-03-01T09:00:00', timeZone: 'Europe/Paris' });
    expect(springV1.definition.steps[4].content).toBe('come back');
    expect(
      await t.request('editor', 'POST', `/templates/${template.body.id}/journeys`, {
        name: 'x',
        overrides: { steps: [] },
      }),
    ).toMatchObject({ status: 400 });

    // Stop the Live version: Stopping, then Stopped; a stopped version cannot be stopped again.
    expect(await t.request('editor', 'POST', `/journeys/${id}/versions/3/stop`)).toMatchObject({ status: 202 });
    await eventually(
      () => journey(id),
      (j) => j.state === 'Stopped',
    );
    expect(await t.request('editor', 'POST', `/journeys/${id}/versions/3/stop`)).toMatchObject({ status: 409 });
    expect(await t.request('editor', 'POST', `/journeys/${id}/edit`)).toMatchObject({ status: 409 });

    // Audit history: every accepted and refused command, in order, with actor, version and state.
    const entries = await audit(id);
    // `state` is what the entry's version reached; `journeyState` what the journey showed after it.
    expect(
      entries.map((e: { action: string; outcome: string; version?: number; state: string; journeyState: string }) => [
        e.action,
        e.outcome,
        e.version,
        e.state,
        e.journeyState,
      ]),
    ).toEqual([
      ['create', 'accepted', 1, 'Draft', 'Draft'],
      ['publish', 'rejected', 1, 'Draft', 'Draft'],
      ['update', 'refused', undefined, 'Draft', 'Draft'],
      ['update', 'accepted', 1, 'Draft', 'Draft'],
      ['update', 'refused', undefined, 'Draft', 'Draft'],
      ['publish', 'accepted', 1, 'Live', 'Live'],
      ['update', 'refused', undefined, 'Live', 'Live'],
      ['edit', 'accepted', 2, 'Draft', 'Live, editing'],
      ['copy', 'refused', undefined, 'Live, editing', 'Live, editing'],
      ['discard', 'accepted', 2, 'Discarded', 'Live'],
      ['edit', 'accepted', 3, 'Draft', 'Live, editing'],
      ['update', 'accepted', 3, 'Draft', 'Live, editing'],
      ['publish', 'accepted', 3, 'Live', 'Live'],
      ['complete', 'accepted', 1, 'Completing', 'Publishing'],
      ['completed', 'accepted', 1, 'Completed', 'Live'],
      ['copy', 'accepted', 1, 'Completed', 'Live'],
      ['saveAsTemplate', 'accepted', 3, 'Live', 'Live'],
      ['saveAsTemplate', 'refused', undefined, 'Live', 'Live'],
      ['stop', 'accepted', 3, 'Stopping', 'Stopping'],
      ['stopped', 'accepted', 3, 'Stopped', 'Stopped'],
      ['stop', 'refused', 3, 'Stopped', 'Stopped'],
      ['edit', 'refused', undefined, 'Stopped', 'Stopped'],
    ]);
    expect(entries[0].actor).toBe('ed');
    expect(entries[1].details.validationErrors.length).toBeGreaterThanOrEqual(2);
    expect(entries[2].details.error.code).toBe('STALE_REVISION');
    expect(entries[3].details.changes).toEqual({
      stepsAdded: [],
      stepsRemoved: [],
      stepsChanged: ['hello'],
      fieldsChanged: [],
    });
    expect(entries.find((e: { action: string }) => e.action === 'completed').actor).toBe('system');

    // Paging.
    const first = (await t.request('viewer', 'GET', `/journeys/${id}/audit-history?limit=5`)).body;
    expect(first.entries).toHaveLength(5);
    const second = (await t.request('viewer', 'GET', `/journeys/${id}/audit-history?limit=100&after=${first.next}`))
      .body;
    expect([...first.entries, ...second.entries]).toEqual(entries);
    expect(second.next).toBeUndefined();

    // Dropping the read models and replaying gives the same journey state and audit history.
    const before = {
      journeys: (await t.request('viewer', 'GET', '/journeys')).body,
      detail: await journey(id),
      audit: entries,
      templates: (await t.request('viewer', 'GET', '/templates')).body,
      triggers: (await t.request('viewer', 'GET', '/trigger-definitions')).body,
    };
    const rebuilt = await t.request('admin', 'POST', '/admin/projections/rebuild', {});
    expect(rebuilt.status).toBe(200);
    expect(rebuilt.body.projections).toEqual(expect.arrayContaining(['journey_state', 'audit_history']));
    expect({
      journeys: (await t.request('viewer', 'GET', '/journeys')).body,
      detail: await journey(id),
      audit: await audit(id),
      templates: (await t.request('viewer', 'GET', '/templates')).body,
      triggers: (await t.request('viewer', 'GET', '/trigger-definitions')).body,
    }).toEqual(before);
  });
});
