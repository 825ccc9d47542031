import { pickSplitBranch, splitKey, type SplitStep } from '@journeys/definition';
import { assignSplit } from './split.step';
import type { StepRun } from './step-run';
import { stepRun } from './testing/step-run.fixture';

const runFor = (customerId: string, journeyId = 'j1', version = 1): StepRun =>
  stepRun({
    ref: { instanceId: `${journeyId}_${version}_${customerId}_1`, journeyId, version, customerId, entry: 1, at: '' },
  });

const channelTest: SplitStep = {
  id: 'channel-test',
  type: 'split',
  branches: [{ weight: 45, next: 'email' }, { weight: 45, next: 'sms' }, { weight: 10 }],
};

describe('split step', () => {
  it('assigns the branch the sticky hash picks for journey, step and customer', () => {
    const run = runFor('c1');
    const branch = pickSplitBranch([45, 45, 10], splitKey('j1', 'channel-test', 'c1'));
    const next = channelTest.branches[branch].next;
    expect(assignSplit(channelTest, run)).toEqual({
      events: [{ type: 'SplitAssigned', data: { ...run.ref, stepId: 'channel-test', branch, next: next ?? null } }],
      then: { kind: 'next', stepId: next },
    });
  });

  it('gives a customer the same branch on every entry and in every version', () => {
    for (const customerId of ['c1', 'c2', 'c3', 'c4', 'c5']) {
      const first = assignSplit(channelTest, runFor(customerId, 'j1', 1)).events[0].data;
      const later = assignSplit(channelTest, { ...runFor(customerId, 'j1', 2), visit: 9 }).events[0].data;
      expect(later).toMatchObject({ branch: (first as { branch: number }).branch });
    }
  });

  it('spreads customers by weight and completes the hold-out group', () => {
    const counts = [0, 0, 0];
    let heldOut = 0;
    for (let index = 0; index < 20_000; index++) {
      const result = assignSplit(channelTest, runFor(`customer-${index}`));
      const { branch, next } = result.events[0].data as { branch: number; next: string | null };
      counts[branch] += 1;
      if (next === null) {
        heldOut += 1;
        expect(result.then).toEqual({ kind: 'next', stepId: undefined });
      }
    }
    expect(counts[0] / 20_000).toBeCloseTo(0.45, 1);
    expect(counts[1] / 20_000).toBeCloseTo(0.45, 1);
    expect(counts[2] / 20_000).toBeCloseTo(0.1, 1);
    expect(heldOut).toBe(counts[2]);
  });
});

describe('split step that is an experiment', () => {
  const test: SplitStep = {
    id: 'ab',
    type: 'split',
    branches: [{ weight: 1, next: 'a' }, { weight: 1, next: 'b' }, { weight: 1 }],
    experiment: { metric: { type: 'goal', within: 'P7D' }, sampleSize: 100 },
  };
  const hashed = (customerId: string) => pickSplitBranch([1, 1, 1], splitKey('j1', 'ab', customerId));
  // A customer the hash sends elsewhere than branch 1, which wins below.
  const customer = ['c1', 'c2', 'c3', 'c4', 'c5', 'c6'].find((c) => hashed(c) !== 1)!;

  it('given it runs, when a customer arrives, then the hash assigns them and the experiment counts them', () => {
    const { events, then } = assignSplit(test, runFor(customer));
    expect(events[0].data).toMatchObject({ branch: hashed(customer), assignment: 'experiment' });
    expect(then).toEqual({ kind: 'next', stepId: test.branches[hashed(customer)].next });
  });

  it('given it concluded with a winner, when a new customer arrives, then they go down the winner', () => {
    const run = { ...runFor(customer), experiments: new Map([['ab', { winner: 1 }]]), assignedBefore: () => false };
    expect(assignSplit(test, run)).toEqual({
      events: [
        { type: 'SplitAssigned', data: { ...run.ref, stepId: 'ab', branch: 1, next: 'b', assignment: 'winner' } },
      ],
      then: { kind: 'next', stepId: 'b' },
    });
  });

  it('given it concluded with a winner, when a customer it assigned before comes again, then they keep their branch', () => {
    const run = { ...runFor(customer), experiments: new Map([['ab', { winner: 1 }]]), assignedBefore: () => true };
    expect(assignSplit(test, run).events[0].data).toMatchObject({ branch: hashed(customer), assignment: 'sticky' });
  });

  it('given it concluded without a winner, when a customer arrives, then the split goes on by weight, uncounted', () => {
    const run = { ...runFor(customer), experiments: new Map([['ab', { winner: null }]]), assignedBefore: () => false };
    const data = assignSplit(test, run).events[0].data;
    expect(data).toMatchObject({ branch: hashed(customer) });
    expect(data).not.toHaveProperty('assignment');
  });
});
