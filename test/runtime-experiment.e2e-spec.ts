import type { EventStore } from '@journeys/event-store';
import { EVENT_STORE } from '../apps/journeys/src/infrastructure/storage.module';
import { startTestApp, type TestApp } from './support/test-app';
import { defineTriggers, HOUR, publish, settle, trigger } from './support/runtime';

/**
 * Control 7 of issue 16 over HTTP: a split step that is an A/B test concludes with a two-proportion
 * z-test, records ExperimentConcluded with every branch's figures, and sends later customers down
 * the winner while those assigned before keep their branch. Every engine partition reports its
 * figures to the journey; the last report concludes (also with JOURNEYS_PARTITIONS=3).
 */
const MINUTE = 60_000;
const PARTITIONS = Number(process.env.JOURNEYS_PARTITIONS ?? '1');

describe('runtime over HTTP: A/B tests with a winner', () => {
  let t: TestApp;
  beforeEach(async () => {
    t = await startTestApp();
    await defineTriggers(t);
  });
  afterEach(() => t.close());

  const iso = (ms: number) => new Date(ms).toISOString();
  const send = async (messages: unknown[]) => {
    for (let i = 0; i < messages.length; i += 500) {
      expect((await t.request('ingest', 'POST', '/triggers', messages.slice(i, i + 500))).status).toBe(202);
    }
    await settle(t);
  };
  const feed = async () => {
    const all: { customerId: string; stepId: string; requestedAt: string }[] = [];
    for (let after = '0'; ;) {
      const page = (await t.request('ingest', 'GET', `/actions?after=${after}&limit=1000`)).body;
      all.push(...page.actions);
      if (page.actions.length < 1000) return all;
      after = page.next;
    }
  };
  /** The journey's stream as stored; `data` with the fields the test reads. */
  const journeyEvents = async (id: string) =>
    (await t.app.get<EventStore>(EVENT_STORE).readStream(`journey-${id}`)).map((e) => ({
      type: e.type,
      data: e.data as Record<string, unknown> & {
        partition: number;
        comparisons: { pValue: number }[];
        branches: { assigned: number; converted: number }[];
      },
    }));
  const restart = async () => {
    await t.close({ keepData: true });
    t = await startTestApp({ dataDir: t.dataDir, clock: t.clock });
    await settle(t);
  };
  const customers = (prefix: string, n: number) => Array.from({ length: n }, (_, i) => `${prefix}${i}`);

  it('concludes at its decision time with a significant winner; later customers go down it, earlier ones stay', async () => {
    const T0 = t.clock.now().getTime(); // 10:00Z
    const id = await publish(t, {
      name: 'Offer test',
      audience: { type: 'trigger', trigger: 'signed-up', reentry: { mode: 'always' } },
      steps: [
        {
          id: 'ab',
          type: 'split',
          branches: [
            { weight: 1, next: 'a' },
            { weight: 1, next: 'b' },
          ],
          experiment: { metric: { type: 'trigger', trigger: 'purchased', within: 'PT2H' }, decideAfter: 'PT5H' },
        },
        { id: 'a', type: 'send', channel: 'email', content: 'offer-a' },
        { id: 'b', type: 'send', channel: 'email', content: 'offer-b' },
      ],
    });
    const first = customers('c', 200);
    await send(first.map((c) => trigger(`s-${c}`, c, 'signed-up', {}, iso(T0))));
    const branchOf = new Map((await feed()).map((a) => [a.customerId, a.stepId]));
    const onA = first.filter((c) => branchOf.get(c) === 'a');
    const onB = first.filter((c) => branchOf.get(c) === 'b');
    expect(onA.length + onB.length).toBe(200);

    // Within the window: 1 in 10 of branch a buys, 6 in 10 of branch b. After it, purchases do not count.
    t.clock.set(T0 + 30 * MINUTE);
    const buyers = [...onA.filter((_, i) => i % 10 === 0), ...onB.filter((_, i) => i % 10 < 6)];
    await send(buyers.map((c) => trigger(`p-${c}`, c, 'purchased', { amount: 10 }, iso(T0 + 30 * MINUTE))));
    t.clock.set(T0 + 3 * HOUR);
    const late = onA.filter((_, i) => i % 10 === 5);
    await send(late.map((c) => trigger(`late-${c}`, c, 'purchased', { amount: 10 }, iso(T0 + 3 * HOUR))));

    await restart(); // the figures and the partitions' jobs are engine state: they survive
    t.clock.set(T0 + 5 * HOUR - 1);
    await settle(t);
    expect((await journeyEvents(id)).map((e) => e.type)).not.toContain('ExperimentConcluded');

    t.clock.set(T0 + 5 * HOUR);
    await settle(t);
    await settle(t);
    const events = await journeyEvents(id);
    // Each partition reported once (with one partition the conclusion alone is stored).
    const reports = events.filter((e) => e.type === 'ExperimentFiguresReported').map((e) => e.data.partition);
    expect(reports.sort()).toEqual(PARTITIONS > 1 ? Array.from({ length: PARTITIONS }, (_, p) => p) : []);
    const concluded = events.find((e) => e.type === 'ExperimentConcluded')!;
    const converted = [Math.ceil(onA.length / 10), onB.filter((_, i) => i % 10 < 6).length];
    expect(concluded.data).toMatchObject({
      stepId: 'ab',
      metric: { type: 'trigger', trigger: 'purchased', within: 'PT2H' },
      test: 'twoProportionZ',
      significance: 0.05,
      branches: [
        { branch: 0, next: 'a', assigned: onA.length, converted: converted[0] },
        { branch: 1, next: 'b', assigned: onB.length, converted: converted[1] },
      ],
      best: 1,
      winner: 1,
      result: 'winner',
      comparisons: [{ branch: 0, significant: true }],
    });
    expect(concluded.data.comparisons[0].pValue).toBeLessThan(1e-6);
    const detail = (await t.request('viewer', 'GET', `/journeys/${id}`)).body;
    expect(detail.versions[0].experiments).toEqual({ ab: { concluded: { winner: 1, result: 'winner' } } });
    const audit = (await t.request('viewer', 'GET', `/journeys/${id}/audit-history`)).body.entries;
    expect(audit[audit.length - 1]).toMatchObject({
      actor: 'system',
      action: 'concludeExperiment',
      details: { stepId: 'ab', result: 'winner', winner: 1 },
    });

    // New customers go down the winner; a customer of branch a who enters again keeps branch a.
    t.clock.set(T0 + 6 * HOUR);
    const before = (await feed()).length;
    const newcomers = customers('n', 20);
    const returning = onA[1];
    await send([...newcomers, returning].map((c) => trigger(`again-${c}`, c, 'signed-up', {}, iso(T0 + 6 * HOUR))));
    const after = (await feed()).slice(before);
    expect(after.filter((a) => newcomers.includes(a.customerId)).map((a) => a.stepId)).toEqual(
      newcomers.map(() => 'b'),
    );
    expect(after.find((a) => a.customerId === returning)?.stepId).toBe('a');
    const history = (await t.request('viewer', 'GET', `/journeys/${id}/customers/${returning}`)).body.instances;
    expect(history[1].history.find((h: { event: string }) => h.event === 'SplitAssigned').details).toEqual({
      branch: 0,
      next: 'a',
      assignment: 'sticky',
    });

    const analytics = (await t.request('viewer', 'GET', `/journeys/${id}/analytics`)).body.versions[0];
    expect(analytics.experiments).toEqual([
      {
        stepId: 'ab',
        concluded: { winner: 1, result: 'winner' },
        branches: [
          { branch: 0, experiment: onA.length, converted: converted[0], winner: 0, sticky: 1 },
          { branch: 1, experiment: onB.length, converted: converted[1], winner: 20, sticky: 0 },
        ],
      },
    ]);
  });

  it('without a significant difference it keeps the split, and says so; a sample size decides when', async () => {
    const T0 = t.clock.now().getTime();
    const id = await publish(t, {
      name: 'Subject line test',
      audience: { type: 'trigger', trigger: 'signed-up' },
      goal: { trigger: 'purchased', target: { percent: 10 } },
      steps: [
        {
          id: 'ab',
          type: 'split',
          branches: [
            { weight: 1, next: 'a' },
            { weight: 1, next: 'b' },
          ],
          experiment: { metric: { type: 'goal', within: 'PT1H' }, sampleSize: 20 },
        },
        { id: 'a', type: 'send', channel: 'email', content: 'subject-a' },
        { id: 'b', type: 'send', channel: 'email', content: 'subject-b' },
      ],
    });
    const first = customers('g', 160);
    await send(first.map((c) => trigger(`s-${c}`, c, 'signed-up', {}, iso(T0))));
    // Half of each branch reaches the goal within the window (80 in all), so the rates differ by at
    // most one customer's worth: the outcome does not hang on how this run's journey id split them.
    const branchOf = new Map((await feed()).map((a) => [a.customerId, a.stepId]));
    const onA = first.filter((c) => branchOf.get(c) === 'a');
    const onB = first.filter((c) => branchOf.get(c) === 'b');
    const buyersOnA = Math.floor(onA.length / 2);
    const buyers = [...onA.slice(0, buyersOnA), ...onB.slice(0, 80 - buyersOnA)];
    t.clock.set(T0 + 20 * MINUTE);
    await send(buyers.map((c) => trigger(`p-${c}`, c, 'purchased', {}, iso(T0 + 20 * MINUTE))));

    // The first hour's customers have had their whole window at 12:00: then the sample is there.
    t.clock.set(T0 + 2 * HOUR - 1);
    await settle(t);
    expect((await journeyEvents(id)).map((e) => e.type)).not.toContain('ExperimentConcluded');
    t.clock.set(T0 + 2 * HOUR);
    await settle(t);
    await settle(t);
    const concluded = (await journeyEvents(id)).find((e) => e.type === 'ExperimentConcluded')!;
    expect(concluded.data).toMatchObject({ winner: null, result: 'noSignificantDifference' });
    const figures = concluded.data.branches;
    expect(figures).toMatchObject([
      { assigned: onA.length, converted: buyersOnA },
      { assigned: onB.length, converted: 80 - buyersOnA },
    ]);
    for (const f of figures) expect(f.assigned).toBeGreaterThanOrEqual(20);

    // Later customers are still split by weight, and no longer counted.
    t.clock.set(T0 + 3 * HOUR);
    await send(customers('h', 40).map((c) => trigger(`s-${c}`, c, 'signed-up', {}, iso(T0 + 3 * HOUR))));
    const analytics = (await t.request('viewer', 'GET', `/journeys/${id}/analytics`)).body.versions[0];
    const branches = analytics.experiments[0].branches;
    expect(branches.map((b: { experiment: number }) => b.experiment).reduce((a: number, b: number) => a + b)).toBe(160);
    expect(branches.every((b: { winner: number }) => b.winner === 0)).toBe(true);
    const sent = (await feed()).filter((a) => a.customerId.startsWith('h'));
    expect(new Set(sent.map((a) => a.stepId))).toEqual(new Set(['a', 'b']));
  });

  it('publishing checks the experiment: a goal metric needs a goal, the decision must come after the window', async () => {
    const created = await t.request('editor', 'POST', '/journeys', {
      name: 'Bad experiment',
      audience: { type: 'trigger', trigger: 'signed-up' },
      steps: [
        {
          id: 'ab',
          type: 'split',
          branches: [{ weight: 1, next: 'a' }, { weight: 1 }],
          experiment: { metric: { type: 'goal', within: 'P7D' }, decideAfter: 'P7D' },
        },
        { id: 'a', type: 'send', channel: 'email', content: 'a' },
      ],
    });
    const published = await t.request('editor', 'POST', `/journeys/${created.body.id}/publish`);
    expect(
      published.body.versions[0].validationErrors.map((p: { code: string; path: string }) => `${p.code} ${p.path}`),
    ).toEqual([
      'InvalidExperiment $.steps[0].experiment.metric',
      'InvalidExperiment $.steps[0].experiment.decideAfter',
    ]);
    const both = await t.request('editor', 'POST', '/journeys', {
      name: 'Two decisions',
      audience: { type: 'trigger', trigger: 'signed-up' },
      steps: [
        {
          id: 'ab',
          type: 'split',
          branches: [{ weight: 1 }, { weight: 1 }],
          experiment: {
            metric: { type: 'trigger', trigger: 'purchased', within: 'P1D' },
            decideAfter: 'P7D',
            sampleSize: 5,
          },
        },
      ],
    });
    expect(both.status).toBe(400);
    expect(both.body.error.details).toEqual([expect.objectContaining({ code: 'ConflictingFields' })]);
  });
});
