import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EVENT_STORE, type EventStore } from '@journeys/event-store';
import { ProjectionRunner } from '@journeys/read-models';
import { createApp } from '../bootstrap';
import type { Clock } from '../common/clock';
import { JourneyEngine } from '../runtime/engine/journey-engine';
import { progress } from './progress';

/**
 * `npm run demo`: the embedded service in this process, a welcome journey (send, waitForTrigger with
 * correlation, branch, wait), some thousands of sign-ups, clicks on part of the e-mails, days skipped
 * on a demo clock, then the analytics and a slice of the audit history.
 */

const CUSTOMERS = Number(process.env.DEMO_CUSTOMERS ?? 5_000);
const DAY = 24 * 60 * 60 * 1000;
const KEY = 'demo-admin-key-000000001';

/** Real time plus the days the demo skips. */
class DemoClock implements Clock {
  private offset = 0;
  now(): Date {
    return new Date(Date.now() + this.offset);
  }
  skip(ms: number): void {
    this.offset += ms;
  }
}

async function main(): Promise<void> {
  const dataDir = mkdtempSync(join(tmpdir(), 'journeys-demo-'));
  const clock = new DemoClock();
  const app = await createApp(
    { JOURNEYS_DATA_DIR: dataDir, JOURNEYS_API_KEYS: `demo:admin:${KEY}`, LOG_LEVEL: 'warn', PORT: '0' },
    clock,
  );
  await app.listen({ port: 0, host: '127.0.0.1' });
  const base = await app.getUrl();
  console.log(`Journeys demo: embedded service at ${base}, data in ${dataDir}\n`);

  const call = async (method: string, path: string, body?: unknown) => {
    const response = await fetch(`${base}${path}`, {
      method,
      headers: {
        authorization: `Bearer ${KEY}`,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const json = (await response.json()) as Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
    if (response.status >= 400) throw new Error(`${method} ${path}: ${JSON.stringify(json)}`);
    return json;
  };
  const settle = async () => {
    const store = app.get<EventStore>(EVENT_STORE);
    for (;;) {
      const head = await store.headPosition();
      await app.get(JourneyEngine).waitFor(head, 120_000);
      await app.get(JourneyEngine).tick();
      await app.get(ProjectionRunner).waitFor(await store.headPosition(), 120_000);
      if ((await store.headPosition()) === head) return;
    }
  };

  try {
    await call('POST', '/trigger-definitions', {
      name: 'signed-up',
      attributes: [
        { name: 'plan', type: 'text' },
        { name: 'country', type: 'text' },
      ],
    });
    await call('POST', '/trigger-definitions', { name: 'clicked', attributes: [{ name: 'actionId', type: 'text' }] });
    await call('POST', '/trigger-definitions/signed-up/ready');
    await call('POST', '/trigger-definitions/clicked/ready');
    const journey = await call('POST', '/journeys', {
      name: 'Welcome series',
      audience: { type: 'trigger', trigger: 'signed-up', reentry: { mode: 'never' } },
      goal: { trigger: 'clicked', target: { percent: 30 } },
      steps: [
        { id: 'welcome', type: 'send', channel: 'email', content: 'welcome', next: 'opened' },
        {
          id: 'opened',
          type: 'waitForTrigger',
          trigger: 'clicked',
          correlate: 'welcome',
          within: 'P2D',
          yes: 'plan',
          no: 'pause',
        },
        {
          id: 'plan',
          type: 'branch',
          branches: [{ if: { attribute: 'trigger.plan', op: 'eq', value: 'pro' }, next: 'pro-tips' }],
          otherwise: 'tips',
        },
        { id: 'pro-tips', type: 'send', channel: 'email', content: 'pro-tips' },
        { id: 'tips', type: 'send', channel: 'email', content: 'tips' },
        { id: 'pause', type: 'wait', duration: 'P1D', next: 'reminder' },
        { id: 'reminder', type: 'send', channel: 'sms', content: 'reminder' },
      ],
    });
    await call('POST', `/journeys/${journey.id}/publish`);
    console.log(`Published "${journey.name}" (${journey.id})`);

    const started = performance.now();
    const batch = 500;
    // Consent (the service sends only with it, docs/delivery-controls.md): every tenth customer opted out of e-mail.
    for (let i = 0; i < CUSTOMERS; i += batch) {
      const records = Array.from({ length: Math.min(batch, CUSTOMERS - i) }, (_, k) =>
        ['email', 'sms'].map((channel) => ({
          id: `consent-${channel}-${i + k}`,
          customerId: `customer-${i + k}`,
          channel,
          status: channel === 'email' && (i + k) % 10 === 9 ? 'optedOut' : 'optedIn',
          occurredAt: clock.now().toISOString(),
        })),
      );
      await call('POST', '/consent', records.flat());
    }
    const signUps = progress('Sign-ups', CUSTOMERS);
    for (let i = 0; i < CUSTOMERS; i += batch) {
      const triggers = Array.from({ length: Math.min(batch, CUSTOMERS - i) }, (_, k) => ({
        id: `signup-${i + k}`,
        trigger: 'signed-up',
        customerId: `customer-${i + k}`,
        occurredAt: clock.now().toISOString(),
        attributes: { plan: (i + k) % 3 === 0 ? 'pro' : 'free', country: 'US' },
      }));
      await call('POST', '/triggers', triggers);
      signUps.update(Math.min(i + batch, CUSTOMERS));
    }
    signUps.stop();
    await settle();
    const seconds = (performance.now() - started) / 1000;
    console.log(
      `${CUSTOMERS} customers entered and got their welcome e-mail (with consent) in ${seconds.toFixed(1)} s`,
    );

    // Read the actions output and answer 40% of the welcome e-mails with a click.
    const welcomes: { actionId: string; customerId: string }[] = [];
    for (let after = '0'; ;) {
      const page = await call('GET', `/actions?after=${after}&limit=1000`);
      welcomes.push(...page.actions);
      if (page.actions.length === 0) break;
      after = page.next;
    }
    const clickers = welcomes.filter((_, i) => i % 5 < 2);
    const clicks = progress('Clicks', clickers.length);
    for (let i = 0; i < clickers.length; i += batch) {
      await call(
        'POST',
        '/triggers',
        clickers.slice(i, i + batch).map((a) => ({
          id: `click-${a.actionId}`,
          trigger: 'clicked',
          customerId: a.customerId,
          occurredAt: clock.now().toISOString(),
          attributes: { actionId: a.actionId },
        })),
      );
      clicks.update(Math.min(i + batch, clickers.length));
    }
    clicks.stop();
    await settle();

    console.log('Skipping three days on the demo clock...');
    clock.skip(2 * DAY + 1000);
    await settle();
    clock.skip(DAY + 1000);
    await settle();

    const analytics = await call('GET', `/journeys/${journey.id}/analytics`);
    const v = analytics.versions[0];
    console.log(`\nAnalytics of "${journey.name}", version ${v.version}:`);
    console.log(
      `  customers entered ${v.entered}, still active ${v.active}, completed ${v.completed}, exited ${v.exited}`,
    );
    console.log(
      `  goal "clicked": reached by ${v.goal.reached} customers; target ${v.goal.target} (30% of those who entered)`,
    );
    console.log(
      `  messages sent ${v.sends.requested}, skipped ${JSON.stringify(v.sends.skippedBy)} (NoConsent: opted out of e-mail)`,
    );
    console.log('  per step (entered = still there + passed on + exited):');
    console.table(
      Object.fromEntries(
        v.steps.map((s: { stepId: string; entered: number; current: number; passed: number; exited: number }) => [
          s.stepId,
          { entered: s.entered, current: s.current, passed: s.passed, exited: s.exited },
        ]),
      ),
    );
    // Edit, publish a second version (the first moves to Completing, then Completed), stop it.
    await call('POST', `/journeys/${journey.id}/edit`);
    await call('POST', `/journeys/${journey.id}/publish`);
    await call('POST', `/journeys/${journey.id}/versions/2/stop`);
    await settle();
    const audit = await call('GET', `/journeys/${journey.id}/audit-history`);
    console.log('Audit history:');
    console.table(
      audit.entries.map(
        (e: {
          at: string;
          actor: string;
          action: string;
          version: number;
          outcome: string;
          state: string;
          journeyState: string;
        }) => ({
          at: e.at,
          actor: e.actor,
          action: e.action,
          version: e.version,
          outcome: e.outcome,
          'version state': e.state,
          'journey state': e.journeyState,
        }),
      ),
    );
  } finally {
    await app.close();
    if (!process.argv.includes('--keep')) rmSync(dataDir, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
