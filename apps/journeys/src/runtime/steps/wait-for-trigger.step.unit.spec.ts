import type { WaitForTriggerStep } from '@journeys/definition';
import type { StepRun } from './step-run';
import { REF as ref, stepRun } from './testing/step-run.fixture';
import { enterWaitForTrigger, matchTrigger, timeOutTriggerWait, type OfferedTrigger } from './wait-for-trigger.step';

const run = (overrides: Partial<StepRun> = {}): StepRun =>
  stepRun({ trigger: { plan: 'pro' }, actions: { welcome: 'j1_1_c1_1:welcome' }, visit: 3, ...overrides });
const awaitPurchase: WaitForTriggerStep = {
  id: 'await-purchase',
  type: 'waitForTrigger',
  trigger: 'purchased',
  within: 'P7D',
  yes: 'thanks',
  no: 'reminder',
};
const purchase = (attributes: Record<string, unknown> = {}, bindingId?: string): OfferedTrigger => ({
  id: 't-42',
  name: 'purchased',
  attributes,
  ...(bindingId === undefined ? {} : { bindingId }),
});

describe('waitForTrigger step', () => {
  it('holds the customer on a trigger timer that ends after `within`', () => {
    expect(enterWaitForTrigger(awaitPurchase, run())).toEqual({
      events: [
        {
          type: 'WaitScheduled',
          data: {
            ...ref,
            stepId: 'await-purchase',
            timerId: 'j1_1_c1_1:await-purchase:3',
            dueAt: '2026-03-17T09:00:00.000Z',
            kind: 'trigger',
          },
        },
      ],
      then: { kind: 'hold' },
    });
  });

  it('caps `within` at 90 days', () => {
    const data = enterWaitForTrigger({ ...awaitPurchase, within: 'P4M' }, run()).events[0].data;
    expect(data).toMatchObject({ dueAt: '2026-06-08T09:00:00.000Z' });
  });

  it('matches a trigger of its name, merges its attributes and goes on to yes', () => {
    expect(matchTrigger(awaitPurchase, run(), purchase({ amount: 120 }), undefined)).toEqual({
      events: [
        {
          type: 'TriggerMatched',
          data: {
            ...ref,
            stepId: 'await-purchase',
            triggerId: 't-42',
            trigger: 'purchased',
            attributes: { amount: 120 },
          },
        },
      ],
      then: { kind: 'next', stepId: 'thanks' },
      trigger: { plan: 'pro', amount: 120 },
    });
  });

  it('ignores a trigger of another name', () => {
    expect(matchTrigger(awaitPurchase, run(), { ...purchase(), name: 'clicked' }, undefined)).toBeNull();
  });

  it('matches only when its conditions hold over the instance and the offered attributes', () => {
    const bigProPurchase: WaitForTriggerStep = {
      ...awaitPurchase,
      conditions: {
        all: [
          { attribute: 'trigger.amount', op: 'gte', value: 100 },
          { attribute: 'trigger.plan', op: 'eq', value: 'pro' },
        ],
      },
    };
    expect(matchTrigger(bigProPurchase, run(), purchase({ amount: 120 }), undefined)).not.toBeNull();
    expect(matchTrigger(bigProPurchase, run(), purchase({ amount: 20 }), undefined)).toBeNull();
    expect(matchTrigger(bigProPurchase, run(), purchase({ amount: 120, plan: 'free' }), undefined)).toBeNull();
    expect(matchTrigger(bigProPurchase, run({ trigger: {} }), purchase({ amount: 120 }), undefined)).toBeNull();
  });

  it('with correlate, matches only a trigger carrying the actionId of that send step', () => {
    const clicked: WaitForTriggerStep = { ...awaitPurchase, trigger: 'clicked', correlate: 'welcome' };
    const click = (attributes: Record<string, unknown>): OfferedTrigger => ({ id: 't', name: 'clicked', attributes });
    expect(matchTrigger(clicked, run(), click({ actionId: 'j1_1_c1_1:welcome' }), undefined)).not.toBeNull();
    expect(matchTrigger(clicked, run(), click({ actionId: 'j1_1_c1_2:welcome' }), undefined)).toBeNull();
    expect(matchTrigger(clicked, run(), click({}), undefined)).toBeNull();
    // No action from that step yet: nothing can correlate, not even a trigger without actionId.
    expect(matchTrigger(clicked, run({ actions: {} }), click({}), undefined)).toBeNull();
  });

  it('applies the bindingId rule', () => {
    const step = awaitPurchase;
    expect(matchTrigger(step, run(), purchase({}, 'appointment/1'), 'appointment/1')).not.toBeNull();
    expect(matchTrigger(step, run(), purchase({}, 'appointment/2'), 'appointment/1')).toBeNull();
    expect(matchTrigger(step, run(), purchase({}, 'order/9'), 'appointment/1')).not.toBeNull();
    expect(matchTrigger(step, run(), purchase({}), 'appointment/1')).not.toBeNull();
    expect(matchTrigger(step, run(), purchase({}, 'appointment/2'), undefined)).not.toBeNull();
  });

  it('goes on to no when the time runs out', () => {
    expect(timeOutTriggerWait(awaitPurchase, run(), 'j1_1_c1_1:await-purchase:3')).toEqual({
      events: [
        {
          type: 'TriggerWaitTimedOut',
          data: { ...ref, stepId: 'await-purchase', timerId: 'j1_1_c1_1:await-purchase:3' },
        },
      ],
      then: { kind: 'next', stepId: 'reminder' },
    });
  });
});
