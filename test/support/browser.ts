import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { execFileSync } from 'node:child_process';
import type { Page } from 'playwright-core';
import axe from 'axe-core';
import { CHROMIUM, launchChromium, type Browser } from '../../bench/support/chromium';

/** The console's browser suites skip without the system Chromium. */
export const hasChromium = () => existsSync(CHROMIUM);

/** Failure screenshots go here (gitignored). */
export const ARTIFACTS = join(__dirname, '..', 'artifacts');

export { launchChromium as launchBrowser, type Browser };

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
    // Runs in the page (the test's own lib has no DOM types).
    const page = globalThis as unknown as { axe: typeof axe; document: axe.ElementContext };
    const result = await page.axe.run(page.document, { resultTypes: ['violations'] });
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
