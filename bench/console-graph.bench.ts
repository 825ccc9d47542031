/**
 * Scenario 8, the web console: a journey of 20 steps with N customers in it (100,000; 20,000 with
 * --quick), shown in the system Chromium. Timed from the navigation's start until the page has drawn
 * the laid-out graph with its counts (the page's `journey-graph-ready` mark): a cold load of the
 * page (scripts, sign-in check, the journey, its definition and analytics, layout, SVG), several
 * times, and the switch to the journey from the journeys list inside the loaded page.
 *
 * Run alone: node -r ./libs/testing/src/ts-register.js bench/console-graph.bench.ts [--quick]
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { execFileSync } from 'node:child_process';
import type { Page } from 'playwright-core';
import { packageRoot } from '../apps/journeys/src/console/console-files';
import { BENCH_KEY, BenchApp, ManualClock } from './support/bench-app';
import { round, runAlone, type BenchResult } from './support/bench-result';
import { CHROMIUM, launchChromium } from './support/chromium';

const BATCH = 1_000;
const IN_FLIGHT = 4;
const COLD_LOADS = 7;
const READY_MARK = 'journey-graph-ready';

/** Twenty steps: a four-way split, four lanes of send / wait / send / wait, a branch, a send, an exit. */
export function twentyStepJourney(trigger: string) {
  const lanes = ['a', 'b', 'c', 'd'];
  return {
    name: 'Bench console twenty steps',
    audience: { type: 'trigger', trigger, reentry: { mode: 'never' } },
    exit: { triggers: [`${trigger}-stop`] },
    goal: { trigger: `${trigger}-goal`, target: { percent: 10 } },
    steps: [
      { id: 'lanes', type: 'split', branches: lanes.map((l) => ({ weight: 25, next: `${l}-hello` })) },
      ...lanes.flatMap((l, i) => [
        { id: `${l}-hello`, type: 'send', channel: 'email', content: `hello-${l}`, next: `${l}-pause` },
        { id: `${l}-pause`, type: 'wait', duration: `P${i + 1}D`, next: `${l}-nudge` },
        { id: `${l}-nudge`, type: 'send', channel: 'push', content: `nudge-${l}`, next: `${l}-rest` },
        { id: `${l}-rest`, type: 'wait', duration: 'P7D', next: 'by-plan' },
      ]),
      {
        id: 'by-plan',
        type: 'branch',
        branches: [{ if: { attribute: 'trigger.plan', op: 'eq', value: 'pro' }, next: 'pro-offer' }],
        otherwise: 'done',
      },
      { id: 'pro-offer', type: 'send', channel: 'email', content: 'pro-offer', next: 'done' },
      { id: 'done', type: 'exit' },
    ],
  };
}

async function fill(bench: BenchApp, trigger: string, customers: number): Promise<void> {
  const occurredAt = new Date('2026-11-28T10:00:00Z').toISOString();
  const posts: Promise<unknown>[] = [];
  for (let i = 0; i < customers; i += BATCH) {
    const messages = Array.from({ length: Math.min(BATCH, customers - i) }, (_, k) => ({
      id: `cg-${i + k}`,
      trigger,
      customerId: `cg-${i + k}`,
      occurredAt,
      attributes: { plan: (i + k) % 3 === 0 ? 'pro' : 'free' },
    }));
    posts.push(bench.call('POST', '/triggers', messages));
    if (posts.length >= IN_FLIGHT) await posts.shift();
  }
  await Promise.all(posts);
  await bench.drain();
  await bench.catchUpReadModels();
}

/** Milliseconds from the navigation's start to the page's graph-ready mark. */
async function readyAfterNavigation(page: Page): Promise<number> {
  await page.waitForFunction((mark) => performance.getEntriesByName(mark).length > 0, READY_MARK, { timeout: 30_000 });
  return page.evaluate((mark) => performance.getEntriesByName(mark)[0].startTime, READY_MARK);
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

export async function benchConsoleGraph(opts: { quick: boolean; dir: string }): Promise<BenchResult> {
  if (!existsSync(CHROMIUM)) throw new Error(`needs ${CHROMIUM} (apt-get install chromium)`);
  execFileSync(process.execPath, [join(packageRoot(), 'scripts', 'console-build.js')], { stdio: 'inherit' });
  const customers = opts.quick ? 20_000 : 100_000;
  const dataDir = mkdtempSync(join(opts.dir, 'console-'));
  // A manual clock that never moves: every customer stays at the lane's first wait.
  const bench = await BenchApp.start(dataDir, new ManualClock());
  const browser = await launchChromium();
  try {
    await bench.defineTrigger('console');
    for (const name of ['console-stop', 'console-goal']) {
      await bench.call('POST', '/trigger-definitions', { name, attributes: [] });
      await bench.call('POST', `/trigger-definitions/${name}/ready`);
    }
    const journey = twentyStepJourney('console');
    const journeyId = await bench.publish(journey);
    const fillBegan = performance.now();
    await fill(bench, 'console', customers);
    const fillSeconds = (performance.now() - fillBegan) / 1000;
    await bench.app.listen({ port: 0, host: '127.0.0.1' });
    const base = await bench.app.getUrl();

    const analyticsBegan = performance.now();
    const analytics = await bench.call('GET', `/journeys/${journeyId}/analytics`);
    const analyticsMs = performance.now() - analyticsBegan;
    const entered = (analytics.versions as { entered: number }[])[0].entered;
    if (entered !== customers) throw new Error(`expected ${customers} customers in the journey, found ${entered}`);

    const page = await browser.context.newPage();
    await page.goto(`${base}/console/`);
    // The console keeps the key in the tab's sessionStorage; the page sets it as sign-in would.
    await page.evaluate(`sessionStorage.setItem('journeys.console.apiKey', ${JSON.stringify(BENCH_KEY)})`);
    const journeyUrl = `${base}/console/#/journeys/${encodeURIComponent(journeyId)}`;
    const cold: number[] = [];
    for (let i = 0; i < COLD_LOADS; i++) {
      await page.goto('about:blank');
      await page.goto(journeyUrl);
      cold.push(await readyAfterNavigation(page));
    }
    const shown = await page.locator('[data-counts="lanes"]').textContent();
    if (!shown?.includes(`entered ${customers.toLocaleString('en-US')}`)) {
      throw new Error(`the graph shows "${shown}" at the split, not ${customers} customers`);
    }
    const nodes = await page.locator('svg.graph [data-step]').count();

    // Inside the loaded page: from the journeys list to the journey's graph with counts.
    await page.goto(`${base}/console/#/journeys`);
    await page.getByRole('link', { name: journey.name }).waitFor();
    await page.evaluate(() => performance.clearMarks());
    const clickedAt = await page.evaluate(() => performance.now());
    await page.getByRole('link', { name: journey.name }).click();
    const inApp = (await readyAfterNavigation(page)) - clickedAt;

    return {
      name: 'console graph',
      figures: {
        steps: journey.steps.length,
        customers,
        graphNodes: nodes,
        coldLoadMedianMs: round(median(cold)),
        coldLoadMinMs: round(Math.min(...cold)),
        coldLoadMaxMs: round(Math.max(...cold)),
        inPageNavigationMs: round(inApp),
        analyticsRequestMs: round(analyticsMs, 1),
        fillSeconds: round(fillSeconds, 1),
      },
      notes:
        `A ${journey.steps.length}-step journey with ${customers.toLocaleString('en-US')} customers (posted as ` +
        "triggers, all left waiting at their lane's first wait), shown in the system Chromium (headless, fresh " +
        'profile) from the service on 127.0.0.1. coldLoad*: from the start of a full page load of the journey ' +
        `page to the moment it has drawn the laid-out graph with its counts, over ${COLD_LOADS} loads (browser ` +
        'cache warm after the first); inPageNavigation: from a click on the journey in the loaded journeys list ' +
        'to the same mark. analyticsRequest: GET /journeys/{id}/analytics in-process (no socket). Goal: under ' +
        'one second.',
    };
  } finally {
    await browser.close();
    await bench.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

if (require.main === module) runAlone('console-graph', benchConsoleGraph);
