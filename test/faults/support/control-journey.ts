import { settle } from '../../support/runtime';
import type { TestApp } from '../../support/test-app';

/** A trigger only the control journey listens to; generated input never names it. */
export const CONTROL_TRIGGER = 'control-signal';

/** Everything a reader can see of a journey; compared before and after an attack on the rest. */
export interface JourneySnapshot {
  journey: unknown;
  analytics: unknown;
  auditHistory: unknown;
  customer: unknown;
}

export interface ControlJourney {
  id: string;
  snapshot(): Promise<JourneySnapshot>;
}

/**
 * A Live journey with `customers` customers inside (sent one message, now on a 30-day wait), so an
 * unwanted change to its state, counts, history or customers shows in a snapshot.
 */
export async function startControlJourney(t: TestApp, customers: number): Promise<ControlJourney> {
  await expectOk(
    t.request('editor', 'POST', '/trigger-definitions', {
      name: CONTROL_TRIGGER,
      attributes: [{ name: 'plan', type: 'text' }],
    }),
  );
  await expectOk(t.request('editor', 'POST', `/trigger-definitions/${CONTROL_TRIGGER}/ready`));
  const created = await expectOk(
    t.request('editor', 'POST', '/journeys', {
      name: 'Control journey',
      audience: { type: 'trigger', trigger: CONTROL_TRIGGER, reentry: { mode: 'never' } },
      steps: [
        { id: 'hello', type: 'send', channel: 'email', content: 'hello', next: 'hold' },
        { id: 'hold', type: 'wait', duration: 'P30D', next: 'bye' },
        { id: 'bye', type: 'send', channel: 'email', content: 'bye' },
      ],
    }),
  );
  const id = created.body.id as string;
  const published = await expectOk(t.request('editor', 'POST', `/journeys/${id}/publish`));
  if (published.body.state !== 'Live')
    throw new Error(`control journey did not go Live: ${JSON.stringify(published.body)}`);
  const at = t.clock.now().toISOString();
  const signals = Array.from({ length: customers }, (_, i) => ({
    id: `control-${i}`,
    trigger: CONTROL_TRIGGER,
    customerId: `control-customer-${i}`,
    occurredAt: at,
    attributes: { plan: 'pro' },
  }));
  const ingested = await expectOk(t.request('ingest', 'POST', '/triggers', signals));
  if (ingested.body.accepted !== customers)
    throw new Error(`control triggers refused: ${JSON.stringify(ingested.body)}`);
  await settle(t);
  const snapshot = async (): Promise<JourneySnapshot> => {
    await settle(t);
    const [journey, analytics, auditHistory, customer] = await Promise.all(
      [
        `/journeys/${id}`,
        `/journeys/${id}/analytics`,
        `/journeys/${id}/audit-history?limit=500`,
        `/journeys/${id}/customers/control-customer-0`,
      ].map((url) => expectOk(t.request('viewer', 'GET', url)).then((r) => r.body)),
    );
    return { journey, analytics, auditHistory, customer };
  };
  const first = await snapshot();
  const active = (first.analytics as { versions: { active: number }[] }).versions[0].active;
  if (active !== customers) throw new Error(`expected ${customers} customers inside the control, got ${active}`);
  return { id, snapshot };
}

/* eslint-disable @typescript-eslint/no-explicit-any -- bodies are checked by the callers */
async function expectOk(pending: Promise<{ status: number; body: any }>): Promise<{ status: number; body: any }> {
  const response = await pending;
  if (response.status >= 300) throw new Error(`setup call failed: ${response.status} ${JSON.stringify(response.body)}`);
  return response;
}
