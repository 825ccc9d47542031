import type { Page } from 'playwright-core';
import {
  ensureConsoleBuilt,
  hasChromium,
  launchBrowser,
  seriousA11yViolations,
  withScreenshots,
  type Browser,
} from './support/browser';
import { settle, trigger } from './support/runtime';
import { KEYS, startTestApp, type TestApp } from './support/test-app';

const WELCOME = {
  name: 'Browser welcome',
  audience: { type: 'trigger', trigger: 'browser-signed-up' },
  exit: { triggers: ['browser-unsubscribed'] },
  goal: { trigger: 'browser-purchased', target: { count: 10 } },
  steps: [
    {
      id: 'by-plan',
      type: 'branch',
      branches: [{ if: { attribute: 'trigger.plan', op: 'eq', value: 'pro' }, next: 'pro-mail' }],
      otherwise: 'hold',
    },
    { id: 'pro-mail', type: 'send', channel: 'email', content: 'pro-welcome', next: 'hold' },
    { id: 'hold', type: 'wait', duration: 'P3D', next: 'ab' },
    { id: 'ab', type: 'split', branches: [{ weight: 50, next: 'bye' }, { weight: 50 }] },
    { id: 'bye', type: 'exit' },
  ],
};

/** The web console in the system Chromium against the whole service on a real port. */
(hasChromium() ? describe : describe.skip)('web console in a real browser', () => {
  let t: TestApp;
  let browser: Browser;
  let page: Page;
  let base: string;
  let journeyId: string;
  const foreignRequests: string[] = [];
  const pageErrors: string[] = [];

  // Each step waits on what the page shows (Playwright's own waits), which a loaded machine slows.
  jest.setTimeout(60_000);
  const step = (name: string, body: () => Promise<void>) => withScreenshots(name, () => browser, body);
  const countsOf = (stepId: string) => page.locator(`[data-counts="${stepId}"]`);
  async function expectAccessible(what: string) {
    expect([what, await seriousA11yViolations(page)]).toEqual([what, []]);
  }

  beforeAll(async () => {
    ensureConsoleBuilt();
    t = await startTestApp();
    await t.app.listen({ port: 0, host: '127.0.0.1' });
    base = await t.app.getUrl();
    browser = await launchBrowser();
    page = await browser.context.newPage();
    page.on('request', (request) => {
      if (!request.url().startsWith(base) && !request.url().startsWith('data:')) foreignRequests.push(request.url());
    });
    page.on('pageerror', (error) => pageErrors.push(error.message));
    page.on('console', (message) => {
      if (message.type() === 'error' && message.text().includes('Content Security Policy'))
        pageErrors.push(message.text());
    });
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });

  it(
    'signs in with an API key (a wrong key is refused as the API words it) and keeps it for the tab only',
    step('sign in', async () => {
      await page.goto(`${base}/console`);
      await page.getByLabel('API key').fill('not-a-key-at-all');
      await page.getByRole('button', { name: 'Sign in' }).click();
      await page.getByRole('alert').getByText('A valid API key is required').waitFor();
      await expectAccessible('sign-in page');

      await page.getByLabel('API key').fill(KEYS.editor);
      await page.getByRole('button', { name: 'Sign in' }).click();
      await page.getByText('ed (editor)').waitFor();
      await page.getByRole('heading', { name: 'Journeys' }).waitFor();
      expect(await page.evaluate(() => [sessionStorage.length, localStorage.length])).toEqual([1, 0]);
      await expectAccessible('journeys page (empty)');
    }),
  );

  it(
    'creates trigger definitions and marks them ready',
    step('trigger definitions', async () => {
      await page.getByRole('link', { name: 'Trigger definitions' }).click();
      for (const [name, attribute] of [
        ['browser-signed-up', 'plan'],
        ['browser-unsubscribed', undefined],
        ['browser-purchased', undefined],
      ] as const) {
        const form = page.getByRole('form', { name: 'New trigger definition' });
        await form.getByLabel('Name', { exact: true }).first().fill(name);
        if (attribute) {
          await form.getByRole('button', { name: 'Add attribute' }).click();
          await form.getByRole('group', { name: 'Attribute 1' }).getByLabel('Name').fill(attribute);
        }
        await form.getByRole('button', { name: 'Create trigger definition' }).click();
        const row = page.locator(`tr[data-trigger="${name}"]`);
        await row.getByRole('button', { name: `Mark ${name} ready` }).click();
        await row.getByRole('cell', { name: 'Ready', exact: true }).waitFor();
      }
      expect(await page.locator('tr[data-trigger="browser-signed-up"]').innerText()).toContain('plan: text');
      await expectAccessible('trigger definitions page');
    }),
  );

  it(
    'creates and publishes a journey in the JSON editor; the graph shows its steps, labelled edges, exit and goal',
    step('create and publish', async () => {
      await page.getByRole('link', { name: 'Journeys' }).click();
      await page.getByRole('link', { name: 'New journey' }).click();
      const editor = page.getByRole('textbox', { name: 'Journey definition (JSON)' });
      await editor.waitFor();
      await expectAccessible('editor page');
      await editor.click();
      // The schema completes fields and underlines what does not fit it, before anything is sent.
      await page.keyboard.press('Control+A');
      await page.keyboard.insertText('{\n  "');
      await page.keyboard.press('Control+Space');
      const completions = page.locator('.cm-tooltip-autocomplete li');
      await completions.first().waitFor();
      expect(await completions.allTextContents()).toEqual(
        expect.arrayContaining([expect.stringContaining('audience'), expect.stringContaining('steps')]),
      );
      await page.keyboard.press('Escape');
      await page.keyboard.press('Control+A');
      await page.keyboard.insertText(JSON.stringify({ ...WELCOME, steps: [{ ...WELCOME.steps[1], channel: 'fax' }] }));
      await page.locator('.cm-lintRange-error').first().hover();
      await page
        .locator('.cm-tooltip-lint')
        .getByText(/fax|email|allowed/i)
        .first()
        .waitFor();

      await editor.click();
      await page.keyboard.press('Control+A');
      await page.keyboard.insertText(JSON.stringify(WELCOME, null, 2));
      await page.getByRole('button', { name: 'Create and publish' }).click();

      await page
        .getByRole('heading', { name: /Browser welcome/ })
        .getByText('Live', { exact: true })
        .waitFor();
      journeyId = decodeURIComponent(/#\/journeys\/([^?]+)/.exec(page.url())![1]);
      const graph = page.locator('svg.graph[data-ready="true"]');
      await graph.waitFor();
      for (const id of ['by-plan', 'pro-mail', 'hold', 'ab', 'bye']) {
        await graph.locator(`[data-step="${id}"]`).waitFor();
      }
      const labels = await graph.locator('.edge-label text').allTextContents();
      expect(labels).toEqual(expect.arrayContaining(['trigger.plan eq "pro"', 'otherwise', '50%']));
      expect(await graph.locator('.node-exit').count()).toBe(1);
      expect(await graph.locator('.node-end').count()).toBe(1);
      await page.getByText('Customers leave at once, from any step, on trigger browser-unsubscribed.').waitFor();
      await page.locator('[data-goal]').getByText('reached 0 of 10').waitFor();
      await expectAccessible('journey page');
    }),
  );

  it(
    'shows step counts changing live as triggers arrive through the API',
    step('live counts', async () => {
      await countsOf('hold').getByText('entered 0 · current 0').waitFor();
      const sent = await t.request('ingest', 'POST', '/triggers', [
        trigger('b1', 'ann', 'browser-signed-up', { plan: 'pro' }),
        trigger('b2', 'bob', 'browser-signed-up', { plan: 'free' }),
        trigger('b3', 'cid', 'browser-signed-up', { plan: 'pro' }),
      ]);
      expect(sent.body).toMatchObject({ accepted: 3 });
      await settle(t);
      // No reload: the page polls the analytics and redraws the counts.
      await countsOf('hold').getByText('entered 3 · current 3').waitFor();
      await countsOf('pro-mail').getByText('entered 2 · current 0').waitFor();
      await countsOf('pro-mail').getByText('passed 2 · exited 0').waitFor();
      await page.locator('[data-total="entered"]').getByText('3').waitFor();

      await t.request('ingest', 'POST', '/triggers', [trigger('b4', 'bob', 'browser-unsubscribed')]);
      await settle(t);
      await countsOf('hold').getByText('entered 3 · current 2').waitFor();
      await countsOf('hold').getByText('passed 0 · exited 1').waitFor();
      // The README's picture of the journey page: CONSOLE_SCREENSHOT=docs/console-journey.png npx jest test/console
      if (process.env.CONSOLE_SCREENSHOT)
        await page.screenshot({ path: process.env.CONSOLE_SCREENSHOT, fullPage: true });
    }),
  );

  it(
    'looks up a customer: instances in every journey, the current step and each decision with its reason',
    step('customer', async () => {
      await page.getByRole('navigation', { name: 'Console' }).getByRole('link', { name: 'Customers' }).click();
      await page.getByLabel('Customer id').fill('ann');
      await page.getByRole('button', { name: 'Look up' }).click();
      await page.getByRole('heading', { name: 'Browser welcome' }).waitFor();
      await page.getByText('Version 1, entry 1: active, now at hold').waitFor();
      await page.getByText('branch 1 taken: trigger.plan eq "pro" held → pro-mail').waitFor();
      await page.getByText('entered on trigger browser-signed-up (b1)').waitFor();
      await expectAccessible('customer page');

      await page.getByLabel('Customer id').fill('bob');
      await page.getByRole('button', { name: 'Look up' }).click();
      await page.getByText('no branch condition held: otherwise → hold').waitFor();
      await page.getByText('exited: an exit trigger arrived').waitFor();

      await page.getByLabel('Customer id').fill('nobody');
      await page.getByRole('button', { name: 'Look up' }).click();
      await page.getByRole('alert').getByText('Customer nobody is in no journey').waitFor();
    }),
  );

  it(
    'stops a version after a confirmation; a refused action is shown as the API words it',
    step('stop', async () => {
      await page.goto(`${base}/console/#/journeys/${encodeURIComponent(journeyId)}`);
      await page.getByRole('button', { name: 'Stop version 1' }).click();
      const dialog = page.getByRole('dialog', { name: 'Stop version 1?' });
      await dialog.waitFor();
      await expectAccessible('stop confirmation');
      await dialog.getByRole('button', { name: 'Cancel' }).click();
      await dialog.waitFor({ state: 'hidden' });
      expect((await t.request('viewer', 'GET', `/journeys/${journeyId}`)).body.state).toBe('Live');

      await page.getByRole('button', { name: 'Stop version 1' }).click();
      await dialog.getByRole('button', { name: 'Stop version 1' }).click();
      await settle(t);
      await page
        .getByRole('heading', { name: /Browser welcome/ })
        .getByText('Stopped', { exact: true })
        .waitFor();
      await countsOf('hold').getByText('entered 3 · current 0').waitFor();
      // Stopped allows copy and save as template only: no stop, publish or edit is offered.
      expect(await page.getByRole('button', { name: /^(Stop version|Publish|Edit)/ }).count()).toBe(0);

      await page.getByRole('button', { name: 'Copy' }).click();
      await page.getByLabel('Name of the copy').fill('browser WELCOME');
      await page.getByRole('button', { name: 'Create copy' }).click();
      await page.getByRole('alert').getByText('A journey named "browser WELCOME" already exists').waitFor();
      await page.getByRole('alert').getByText('DuplicateJourneyName', { exact: true }).waitFor();
    }),
  );

  it(
    'reads the audit history as a paged table',
    step('audit', async () => {
      await settle(t); // the read models have every entry before the page reads them
      await page.getByRole('link', { name: 'Audit history' }).click();
      const table = page.getByRole('table', { name: 'Audit entries' });
      // create, publish, stop, stopped (automatic) and the refused copy, oldest first.
      await table.locator('tbody tr').nth(4).waitFor();
      const rows = (await table.locator('tbody tr').allInnerTexts()).map((r) => r.split('\t').slice(1, 6).join(' '));
      expect(rows).toEqual([
        'ed 1 create accepted Draft',
        'ed 1 publish accepted Live',
        'ed 1 stop accepted Stopping',
        'system 1 stopped accepted Stopped',
        'ed 1 copy refused Stopped',
      ]);
      await expectAccessible('audit page');
      // Twenty refused publishes (each an audit entry) make a second page.
      for (let i = 0; i < 20; i++) await t.request('editor', 'POST', `/journeys/${journeyId}/publish`);
      await settle(t);
      await page.reload();
      await page.getByRole('link', { name: 'Next page' }).click();
      await page.getByRole('link', { name: 'First page' }).waitFor();
      await table.locator('tbody tr').first().filter({ hasText: 'refused' }).waitFor();
    }),
  );

  it(
    'saves a version as a template and creates a journey from it; publish errors are shown on their steps',
    step('templates', async () => {
      await page.goto(`${base}/console/#/journeys/${encodeURIComponent(journeyId)}`);
      await page.getByRole('button', { name: 'Save as template' }).click();
      await page.getByLabel('Template name').fill('Browser template');
      await page.getByRole('button', { name: 'Save template' }).click();
      await page.getByRole('status').getByText('Saved version 1 as template Browser template').waitFor();

      await page.getByRole('link', { name: 'Templates' }).click();
      const row = page.locator('tr[data-template="Browser template"]');
      await row.getByLabel('Journey name').fill('From the template');
      await row.getByRole('button', { name: 'Create a journey from Browser template' }).click();
      await page
        .getByRole('heading', { name: /From the template/ })
        .getByText('Draft', { exact: true })
        .waitFor();
      await expectAccessible('journey page (draft)');

      // A draft whose exit trigger is unknown: the refusal lands on the journey, a bad `next` on its step.
      const draftId = decodeURIComponent(/#\/journeys\/([^?]+)/.exec(page.url())![1]);
      const broken = { ...WELCOME, name: 'From the template', steps: [{ ...WELCOME.steps[2], next: 'nowhere' }] };
      expect((await t.request('editor', 'PUT', `/journeys/${draftId}/draft`, broken)).status).toBe(200);
      await page.getByRole('button', { name: 'Publish' }).click();
      await page
        .getByRole('status')
        .getByText(/Publishing was refused: \d+ validation error/)
        .waitFor();
      await page.locator('[data-step="hold"].node-problem').waitFor();
      expect(await page.locator('tr[data-step-row="hold"] td.problem').innerText()).toContain('nowhere');
      await expectAccessible('journey page with problems');
    }),
  );

  it(
    'switches versions, edits a Live journey into a new draft, discards one, publishes another from the editor',
    step('versions', async () => {
      const simple = {
        name: 'Browser versions',
        audience: { type: 'trigger', trigger: 'browser-signed-up' },
        steps: [
          { id: 'hello', type: 'send', channel: 'email', content: 'hello', next: 'pause' },
          { id: 'pause', type: 'wait', duration: 'P1D' },
        ],
      };
      const created = await t.request('editor', 'POST', '/journeys', simple);
      await t.request('editor', 'POST', `/journeys/${created.body.id}/publish`);
      await page.goto(`${base}/console/#/journeys/${encodeURIComponent(created.body.id)}`);
      const versions = page.getByRole('navigation', { name: 'Versions' });
      const heading = page.getByRole('heading', { name: /Browser versions/ });

      await page.getByRole('button', { name: 'Edit (new version)' }).click();
      await heading.getByText('Live, editing').waitFor();
      await versions.locator('[aria-current="page"]').getByText('v2 Draft').waitFor();
      await page.getByRole('button', { name: 'Discard draft' }).click();
      await page
        .getByRole('dialog', { name: 'Discard draft version 2?' })
        .getByRole('button', { name: 'Discard draft' })
        .click();
      await heading.getByText('Live', { exact: true }).waitFor();

      await page.getByRole('button', { name: 'Edit (new version)' }).click();
      await versions.locator('[aria-current="page"]').getByText('v3 Draft').waitFor();
      await page.getByRole('link', { name: 'Edit draft' }).click();
      const editor = page.getByRole('textbox', { name: 'Journey definition (JSON)' });
      await editor.getByText('"pause"').first().waitFor();
      await editor.click();
      await page.keyboard.press('Control+A');
      const extra = {
        ...simple,
        steps: [
          ...simple.steps.slice(0, 1),
          { ...simple.steps[1], next: 'extra' },
          { id: 'extra', type: 'send', channel: 'sms', content: 'extra' },
        ],
      };
      await page.keyboard.insertText(JSON.stringify(extra, null, 2));
      await page.getByRole('button', { name: 'Save draft' }).click();
      await page.locator('svg.graph [data-step="extra"]').waitFor();

      await versions.getByRole('link', { name: 'v1 Live' }).click();
      await page.locator('svg.graph[data-ready="true"] [data-step="pause"]').waitFor();
      expect(await page.locator('svg.graph [data-step="extra"]').count()).toBe(0);

      await versions.getByRole('link', { name: 'v3 Draft' }).click();
      await page.getByRole('button', { name: 'Publish' }).click();
      await settle(t);
      await heading.getByText('Live', { exact: true }).waitFor();
      await versions.getByRole('link', { name: 'v3 Live' }).waitFor();
      await versions.getByRole('link', { name: /^v1 Complet/ }).waitFor();
    }),
  );

  it(
    'lists journeys with their state per version and progress, filtered by state',
    step('journeys list', async () => {
      await page.getByRole('navigation', { name: 'Console' }).getByRole('link', { name: 'Journeys' }).click();
      const row = (name: string) => page.locator(`tr[data-journey="${name}"]`);
      await row('Browser welcome').getByRole('cell', { name: 'v1 Stopped' }).waitFor();
      expect(await row('Browser welcome').innerText()).toMatch(/Stopped\tv1 Stopped\t3\t0\t0 \/ 10/);
      await page.getByLabel('State').selectOption('Draft');
      await row('From the template').waitFor();
      await row('Browser welcome').waitFor({ state: 'detached' });
      expect(await page.locator('tr[data-journey]').count()).toBe(1);
      await page.getByLabel('State').selectOption('Stopped');
      await row('Browser welcome').waitFor();
      await row('From the template').waitFor({ state: 'detached' });
      await expectAccessible('journeys page');
    }),
  );

  it(
    'offers a viewer no action, and the ingest role no console',
    step('roles', async () => {
      await page.getByRole('button', { name: 'Sign out' }).click();
      await page.getByLabel('API key').fill(KEYS.viewer);
      await page.getByRole('button', { name: 'Sign in' }).click();
      await page.getByText('vi (viewer)').waitFor();
      expect(await page.getByRole('link', { name: 'New journey' }).count()).toBe(0);
      await page.goto(`${base}/console/#/journeys/${encodeURIComponent(journeyId)}`);
      await page.locator('svg.graph[data-ready="true"]').waitFor();
      expect(await page.getByRole('region', { name: 'Actions' }).count()).toBe(0);
      await page.getByRole('link', { name: 'Trigger definitions' }).click();
      await page.locator('tr[data-trigger="browser-signed-up"]').waitFor();
      expect(await page.getByRole('form', { name: 'New trigger definition' }).count()).toBe(0);

      await page.getByRole('button', { name: 'Sign out' }).click();
      await page.getByLabel('API key').fill(KEYS.ingest);
      await page.getByRole('button', { name: 'Sign in' }).click();
      await page
        .getByRole('alert')
        .getByText(/has role ingest/)
        .waitFor();
    }),
  );

  it('loaded nothing from outside the service and raised no script or CSP error', () => {
    expect(foreignRequests).toEqual([]);
    expect(pageErrors).toEqual([]);
  });
});

if (!hasChromium()) console.log('Browser suite skipped: no /usr/bin/chromium (apt-get install chromium)');
