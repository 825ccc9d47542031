import { MAX_RAISE_CHAIN } from '../rules/loop-guard';
import type { ActivateTriggerStep } from '@journeys/definition';
import { activateTrigger } from './activate-trigger.step';
import type { StepRun } from './step-run';
import { REF as ref, stepRun } from './testing/step-run.fixture';

const run = (overrides: Partial<StepRun> = {}): StepRun => stepRun({ visit: 5, ...overrides });

const announce: ActivateTriggerStep = {
  id: 'announce',
  type: 'activateTrigger',
  trigger: 'digest-sent',
  attributes: {
    channel: 'email',
    count: 3,
    loyal: true,
    tier: { from: 'profile.tier' },
    plan: { from: 'trigger.plan' },
  },
  next: 'after',
};

describe('activateTrigger step', () => {
  it('raises the trigger with literal and copied attributes and an id naming the visit', () => {
    const result = activateTrigger(announce, run({ trigger: { plan: 'pro' }, profile: { tier: 'gold' } }));
    expect(result).toEqual({
      events: [
        {
          type: 'TriggerActivated',
          data: {
            ...ref,
            stepId: 'announce',
            triggerId: 'j1_1_c1_1:announce:5',
            trigger: 'digest-sent',
            attributes: { channel: 'email', count: 3, loyal: true, tier: 'gold', plan: 'pro' },
            chain: 1,
          },
        },
      ],
      then: { kind: 'next', stepId: 'after' },
    });
  });

  it('continues the chain of the raised trigger that caused the decision', () => {
    const [event] = activateTrigger(announce, run({ causeChain: 4 })).events;
    expect(event).toMatchObject({ type: 'TriggerActivated', data: { chain: 5 } });
  });

  it('does not raise past the chain limit: the customer exits with loopLimit', () => {
    expect(activateTrigger(announce, run({ causeChain: MAX_RAISE_CHAIN }))).toEqual({
      events: [{ type: 'CustomerExited', data: { ...ref, reason: 'loopLimit', stepId: 'announce' } }],
      then: { kind: 'end' },
    });
  });

  it('leaves out copies with nothing scalar to copy, and copies a Date as ISO text', () => {
    const copies: ActivateTriggerStep = {
      id: 'copies',
      type: 'activateTrigger',
      trigger: 'echo',
      attributes: {
        missing: { from: 'trigger.nothing' },
        nullValue: { from: 'trigger.empty' },
        object: { from: 'trigger.nested' },
        notANumber: { from: 'trigger.nan' },
        inherited: { from: 'trigger.constructor' },
        birthday: { from: 'profile.birthday' },
      },
    };
    const result = activateTrigger(
      copies,
      run({
        trigger: { empty: null, nested: { a: 1 }, nan: Number.NaN },
        profile: { birthday: new Date('1990-05-01T00:00:00Z') },
      }),
    );
    expect(result.events[0].data).toMatchObject({ attributes: { birthday: '1990-05-01T00:00:00.000Z' } });
    expect(Object.keys((result.events[0].data as { attributes: object }).attributes)).toEqual(['birthday']);
    expect(result.then).toEqual({ kind: 'next', stepId: undefined });
  });

  it('raises a trigger with no attributes when the step maps none', () => {
    const bare = activateTrigger({ id: 'bare', type: 'activateTrigger', trigger: 'ping' }, run());
    expect(bare.events[0].data).toMatchObject({ attributes: {} });
  });
});
