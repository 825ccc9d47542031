import type { BranchStep } from '@journeys/definition';
import { takeBranch } from './branch.step';
import { REF as ref, stepRun } from './testing/step-run.fixture';

const run = stepRun;

const byValue: BranchStep = {
  id: 'by-value',
  type: 'branch',
  branches: [
    { if: { attribute: 'trigger.amount', op: 'gte', value: 100 }, next: 'big' },
    { if: { inSegment: 'vip' }, next: 'vip' },
    { if: { attribute: 'profile.tier', op: 'eq', value: 'gold' } },
  ],
  otherwise: 'small',
};
const taken = (branch: number | 'otherwise', next: string | null) => ({
  type: 'BranchTaken',
  data: { ...ref, stepId: 'by-value', branch, next },
});

describe('branch step', () => {
  it('takes the first branch whose condition holds, in order', () => {
    const everything = run({ trigger: { amount: 150 }, profile: { tier: 'gold' }, inSegment: () => true });
    expect(takeBranch(byValue, everything)).toEqual({
      events: [taken(0, 'big')],
      then: { kind: 'next', stepId: 'big' },
    });
    expect(takeBranch(byValue, run({ trigger: { amount: 20 }, inSegment: (id) => id === 'vip' }))).toEqual({
      events: [taken(1, 'vip')],
      then: { kind: 'next', stepId: 'vip' },
    });
  });

  it('completes the journey on a matching branch without next', () => {
    expect(takeBranch(byValue, run({ profile: { tier: 'gold' } }))).toEqual({
      events: [taken(2, null)],
      then: { kind: 'next', stepId: undefined },
    });
  });

  it('goes to otherwise when nothing holds, and completes when there is no otherwise', () => {
    expect(takeBranch(byValue, run({ trigger: { amount: 20 } }))).toEqual({
      events: [taken('otherwise', 'small')],
      then: { kind: 'next', stepId: 'small' },
    });
    const { otherwise: _dropped, ...withoutOtherwise } = byValue;
    expect(takeBranch(withoutOtherwise, run())).toEqual({
      events: [taken('otherwise', null)],
      then: { kind: 'next', stepId: undefined },
    });
  });
});
