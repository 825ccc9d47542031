import type { Page } from 'playwright-core';
import { hasChromium } from './support/browser';
import { BROWSER_TRIGGERS, BROWSER_WELCOME as WELCOME, consoleSuite } from './support/console-session';
import { settle, trigger } from './support/runtime';
import { KEYS, type TestApp } from './support/test-app';

/**
 * The web console in the system Chromium against the whole service on a real port, as a user goes:
 * sign in, trigger definitions, a journey written in the editor and published, live counts, a
 * customer's story, a stop, the audit history. (Life cycle and roles: console-lifecycle.e2e-spec.ts.)
 */
(hasChromium() ? describe : describe.skip)('web console in a real browser', () => {
  const suite = consoleSuite();
  const { step, expectAccessible } = suite;
  let t: TestApp;
  let base: string;
  let page: Page;
  let journeyId: string;
  const countsOf = (stepId: string) => page.locator(`[data-counts="${stepId}"]`);

  beforeAll(() => {
    ({ t, base, page } = suite.session);
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
      // The key is in sessionStorage (gone with the tab), nothing in localStorage.
      const stored = await page.evaluate(() => {
        const storage = globalThis as unknown as Record<'sessionStorage' | 'localStorage', { length: number }>;
        return [storage.sessionStorage.length, storage.localStorage.length];
      });
      expect(stored).toEqual([1, 0]);
      await expectAccessible('journeys page (empty)');
    }),
  );

  it(
    'creates trigger definitions and marks them ready',
    step('trigger definitions', async () => {
      await page.getByRole('link', { name: 'Trigger definitions' }).click();
      for (const [name, attribute] of BROWSER_TRIGGERS) {
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

  it('loaded nothing from outside the service and raised no script or CSP error', () => {
    expect(suite.session.foreignRequests).toEqual([]);
    expect(suite.session.pageErrors).toEqual([]);
  });
});

if (!hasChromium()) console.log('Browser suite skipped: no /usr/bin/chromium (apt-get install chromium)');
