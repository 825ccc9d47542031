import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execFileSync } from 'node:child_process';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import axe from 'axe-core';

/** The system Chromium (Debian's `chromium` package); the browser suites skip without it. */
export const CHROMIUM = '/usr/bin/chromium';
export const hasChromium = () => existsSync(CHROMIUM);

/** Failure screenshots go here (gitignored). */
export const ARTIFACTS = join(__dirname, '..', 'artifacts');

/**
 * Flags for a closed network: without the background-networking ones Chromium keeps trying to reach
 * Google's services, and those connections are refused here.
 */
const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

export interface Browser {
  context: BrowserContext;
  close(): Promise<void>;
}

/** Starts the system Chromium with a fresh profile (user data directory), removed on close. */
export async function launchBrowser(): Promise<Browser> {
  const profile = mkdtempSync(join(tmpdir(), 'journeys-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: CHROMIUM_ARGS,
    viewport: { width: 1400, height: 1000 },
  });
  return {
    context,
    async close() {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}

/** Builds the console when its build is missing or older than its sources (as `npm start` does). */
export function ensureConsoleBuilt(): void {
  execFileSync(process.execPath, [join(__dirname, '..', '..', 'scripts', 'console-build.js')], { stdio: 'inherit' });
}

export interface AxeViolation {
  id: string;
  impact: string;
  help: string;
  nodes: string[];
}

/**
 * Runs axe-core on the page as it is now and answers the serious and critical violations. The
 * engine is evaluated through the DevTools protocol, which the page's CSP does not apply to.
 */
export async function seriousA11yViolations(page: Page): Promise<AxeViolation[]> {
  await page.evaluate(`${axe.source}\n;void 0`);
  const violations = await page.evaluate(async () => {
    const run = (window as unknown as { axe: typeof axe }).axe.run;
    const result = await run(document, { resultTypes: ['violations'] });
    return result.violations.map((v) => ({
      id: v.id,
      impact: v.impact ?? 'unknown',
      help: v.help,
      nodes: v.nodes.map((n) => n.target.join(' ')),
    }));
  });
  return violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
}

/**
 * Wraps a test body: when it fails, every open page of the context is saved as a PNG under
 * test/artifacts/ (named after the test) before the failure is reported.
 */
export function withScreenshots(name: string, browser: () => Browser, body: () => Promise<void>) {
  return async () => {
    try {
      await body();
    } catch (error) {
      mkdirSync(ARTIFACTS, { recursive: true });
      const base = name.replace(/[^a-z0-9]+/gi, '-').toLowerCase();
      const pages = browser().context.pages();
      for (const [index, page] of pages.entries()) {
        await page.screenshot({ path: join(ARTIFACTS, `${base}-${index}.png`), fullPage: true }).catch(() => undefined);
      }
      throw error;
    }
  };
}
