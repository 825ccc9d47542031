import type { Page } from 'playwright-core';
import { hasChromium } from './support/browser';
import { BROWSER_TRIGGERS, BROWSER_WELCOME as WELCOME, consoleSuite } from './support/console-session';
import { settle, trigger } from './support/runtime';
import { KEYS, type TestApp } from './support/test-app';

/**
 * The web console's life-cycle pages in the system Chromium: templates, publish errors on their
 * steps, versions (edit, discard, publish from the editor), the journeys list and its state filter,
 * and what each role is offered. The journeys it starts from are made through the API.
 */
(hasChromium() ? describe : describe.skip)('web console life cycle in a real browser', () => {
  const suite = consoleSuite();
  const { step, expectAccessible } = suite;
  let t: TestApp;
  let base: string;
  let page: Page;
  let journeyId: string;

  beforeAll(async () => {
    ({ t, base, page } = suite.session);
    for (const [name, attribute] of BROWSER_TRIGGERS) {
      await t.request('editor', 'POST', '/trigger-definitions', {
        name,
        attributes: attribute ? [{ name: attribute, type: 'text' }] : [],
      });
      await t.request('editor', 'POST', `/trigger-definitions/${name}/ready`);
    }
    // Browser welcome: three customers entered, then version 1 stopped.
    journeyId = (await t.request('editor', 'POST', '/journeys', WELCOME)).body.id;
    await t.request('editor', 'POST', `/journeys/${journeyId}/publish`);
    await t.request(
      'ingest',
      'POST',
      '/triggers',
      ['ann', 'bob', 'cid'].map((c) => trigger(`l-${c}`, c, 'browser-signed-up', { plan: 'pro' })),
    );
    await settle(t);
    await t.request('editor', 'POST', `/journeys/${journeyId}/versions/1/stop`);
    await settle(t);
    await suite.session.signIn('editor', 'ed');
  }, 120_000);

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

      // A draft whose step names a step that does not exist: publishing is refused, the problem lands on that step.
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

      // Pause and resume are offered where the state allows them.
      await page.getByRole('button', { name: 'Pause version 1' }).click();
      await heading.getByText('Paused', { exact: true }).waitFor();
      expect(await page.getByRole('button', { name: 'Pause version 1' }).count()).toBe(0);
      await page.getByRole('button', { name: 'Resume version 1' }).click();
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
    expect(suite.session.foreignRequests).toEqual([]);
    expect(suite.session.pageErrors).toEqual([]);
  });
});
