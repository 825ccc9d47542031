import type { Page } from 'playwright-core';
import { ensureConsoleBuilt, launchBrowser, seriousA11yViolations, withScreenshots, type Browser } from './browser';
import { KEYS, startTestApp, type TestApp, type TestRole } from './test-app';

/** A journey with a branch, a send, a wait, a split with a hold-out, an exit step, exit rules and a goal. */
export const BROWSER_WELCOME = {
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

/** The triggers BROWSER_WELCOME names, with their attributes. */
export const BROWSER_TRIGGERS: [string, string | undefined][] = [
  ['browser-signed-up', 'plan'],
  ['browser-unsubscribed', undefined],
  ['browser-purchased', undefined],
];

export interface ConsoleSession {
  t: TestApp;
  browser: Browser;
  page: Page;
  /** The service's address (a real port on 127.0.0.1). */
  base: string;
  /** Requests the page made to anywhere but the service. */
  foreignRequests: string[];
  /** Uncaught page errors and Content-Security-Policy refusals. */
  pageErrors: string[];
  /** A test body that saves screenshots under test/artifacts when it fails. */
  step(name: string, body: () => Promise<void>): () => Promise<void>;
  /** Fails with the serious and critical axe-core violations of the page as it is now. */
  expectAccessible(what: string): Promise<void>;
  signIn(role: TestRole, who: string): Promise<void>;
  close(): Promise<void>;
}

/** The whole service on a real port, the console built, and one page of the system Chromium watching it. */
export async function openConsole(): Promise<ConsoleSession> {
  ensureConsoleBuilt();
  const t = await startTestApp();
  await t.app.listen({ port: 0, host: '127.0.0.1' });
  const base = await t.app.getUrl();
  const browser = await launchBrowser();
  const page = await browser.context.newPage();
  const foreignRequests: string[] = [];
  const pageErrors: string[] = [];
  page.on('request', (request) => {
    if (!request.url().startsWith(base) && !request.url().startsWith('data:')) foreignRequests.push(request.url());
  });
  page.on('pageerror', (error) => pageErrors.push(error.message));
  page.on('console', (message) => {
    if (message.type() === 'error' && message.text().includes('Content Security Policy'))
      pageErrors.push(message.text());
  });
  return {
    t,
    browser,
    page,
    base,
    foreignRequests,
    pageErrors,
    step: (name, body) => withScreenshots(name, () => browser, body),
    async expectAccessible(what) {
      expect([what, await seriousA11yViolations(page)]).toEqual([what, []]);
    },
    async signIn(role, who) {
      if (!page.url().startsWith(`${base}/console`)) await page.goto(`${base}/console`);
      await page.getByLabel('API key').fill(KEYS[role]);
      await page.getByRole('button', { name: 'Sign in' }).click();
      await page.getByText(`${who} (${role})`).waitFor();
    },
    async close() {
      await browser.close();
      await t.close();
    },
  };
}

/** What a browser suite works with; `session` is there once the suite's beforeAll has run. */
export interface ConsoleSuite {
  readonly session: ConsoleSession;
  step(name: string, body: () => Promise<void>): () => Promise<void>;
  expectAccessible(what: string): Promise<void>;
}

/**
 * Registers the hooks of a browser suite (open the console before, close it after) inside a
 * `describe`, with a per-test timeout for a loaded machine: each step waits on what the page shows.
 */
export function consoleSuite(): ConsoleSuite {
  let session: ConsoleSession | undefined;
  jest.setTimeout(60_000);
  beforeAll(async () => {
    session = await openConsole();
  }, 120_000);
  afterAll(() => session?.close());
  const current = () => {
    if (!session) throw new Error('The console session is opened in beforeAll');
    return session;
  };
  return {
    get session() {
      return current();
    },
    // Looked up when the test runs: the session exists only once beforeAll ran.
    step: (name, body) => () => current().step(name, body)(),
    expectAccessible: (what) => current().expectAccessible(what),
  };
}
