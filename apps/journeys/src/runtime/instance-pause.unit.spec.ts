import { DAY_MS, type JourneyDefinition } from '@journeys/definition';
import { deciderSpec } from '@journeys/testing/decider-spec';
import {
  decide,
  evolve,
  fold,
  initialState,
  type InstanceCommand,
  type InstanceContext,
  type InstanceState,
} from './instance.decider';
import type { InstanceEvent, InstanceRef } from './instance.events';

/** Given/when/then of the instance decider while its version is paused, and after. */
const T0 = new Date('2026-03-10T09:00:00.000Z');
const T1 = new Date(T0.getTime() + DAY_MS);
const T2 = new Date(T0.getTime() + 3 * DAY_MS);
const instance = { instanceId: 'j1_1_c1_1', journeyId: 'j1', version: 1, customerId: 'c1', entry: 1 };
const at = (when: Date): InstanceRef => ({ ...instance, at: when.toISOString() });

const journey: JourneyDefinition = {
  name: 'Paused',
  audience: { type: 'trigger', trigger: 'signed-up' },
  exit: { triggers: ['unsubscribed'] },
  steps: [
    { id: 'w', type: 'wait', duration: 'P1D', next: 'hello' },
    { id: 'hello', type: 'send', channel: 'email', content: 'hello', next: 'ask' },
    { id: 'ask', type: 'waitForTrigger', trigger: 'clicked', within: 'P7D', yes: 'thanks' },
    { id: 'thanks', type: 'send', channel: 'email', content: 'thanks' },
  ],
};
const context = (now: Date, paused: boolean): InstanceContext => ({
  definition: journey,
  now,
  profile: {},
  inSegment: () => false,
  paused,
});
const spec = (now: Date, paused: boolean) =>
  deciderSpec<InstanceCommand, InstanceEvent, InstanceState>({
    decide: (command, state) => decide(command, state, context(now, paused)),
    evolve,
    initialState,
  });

const entered: InstanceEvent[] = [
  { type: 'CustomerEntered', data: { ...at(T0) } },
  { type: 'StepEntered', data: { ...at(T0), stepId: 'w', stepType: 'wait' } },
  {
    type: 'WaitScheduled',
    data: { ...at(T0), stepId: 'w', timerId: 'j1_1_c1_1:w:1', dueAt: T1.toISOString(), kind: 'wait' },
  },
];
const elapsed: InstanceEvent = { type: 'WaitElapsed', data: { ...at(T1), stepId: 'w', timerId: 'j1_1_c1_1:w:1' } };
const heldBeforeHello: InstanceEvent = { type: 'CustomerHeld', data: { ...at(T1), stepId: 'hello', reason: 'paused' } };

describe('instance decider while the version is paused', () => {
  it('given a customer waiting, when the timer falls due while paused, then the wait ends and they are held before the next step', () => {
    spec(
      T1,
      true,
    )(...entered)
      .when({ type: 'FireTimer', timerId: 'j1_1_c1_1:w:1' })
      .then([elapsed, heldBeforeHello]);
    const state = fold([...entered, elapsed, heldBeforeHello]);
    expect(state).toMatchObject({
      status: 'active',
      currentStepId: 'w',
      held: { stepId: 'hello', at: T1.toISOString() },
    });
    expect(state.status !== 'new' && state.waiting).toBeUndefined();
  });

  it('given a held customer, when released after the pause, then they go on from the held step, timed from the release', () => {
    spec(T2, false)(...entered, elapsed, heldBeforeHello)
      .when({ type: 'Release' })
      .then([
        { type: 'StepEntered', data: { ...at(T2), stepId: 'hello', stepType: 'send' } },
        {
          type: 'ActionRequested',
          data: {
            ...at(T2),
            actionId: 'j1_1_c1_1:hello',
            stepId: 'hello',
            channel: 'email',
            content: 'hello',
            attributes: {},
          },
        },
        { type: 'StepEntered', data: { ...at(T2), stepId: 'ask', stepType: 'waitForTrigger' } },
        {
          type: 'WaitScheduled',
          data: {
            ...at(T2),
            stepId: 'ask',
            timerId: 'j1_1_c1_1:ask:3',
            dueAt: new Date(T2.getTime() + 7 * DAY_MS).toISOString(),
            kind: 'trigger',
          },
        },
      ]);
  });

  it('given a held customer, when released while the version is still paused, then nothing happens', () => {
    spec(T2, true)(...entered, elapsed, heldBeforeHello)
      .when({ type: 'Release' })
      .then([]);
  });

  it('given a customer who is not held, when released, then nothing happens', () => {
    spec(
      T2,
      false,
    )(...entered)
      .when({ type: 'Release' })
      .then([]);
  });

  it('given a held customer, when an exit trigger arrives while paused, then they leave (exits are not steps)', () => {
    const state = fold([...entered, elapsed, heldBeforeHello]);
    const events = decide(
      { type: 'OfferTrigger', trigger: { id: 'u1', name: 'unsubscribed', attributes: {}, occurredAt: T2.getTime() } },
      state,
      context(T2, true),
    );
    expect(events).toEqual([{ type: 'CustomerExited', data: { ...at(T2), reason: 'exitTrigger', stepId: 'w' } }]);
    expect(fold(events, state)).toMatchObject({ status: 'exited', held: undefined });
  });

  it('given a customer waiting for a trigger, when it arrives while paused, then it matches and they are held before yes', () => {
    const asking = fold([...entered, elapsed, heldBeforeHello]);
    const atAsk = fold(decide({ type: 'Release' }, asking, context(T2, false)), asking);
    const events = decide(
      { type: 'OfferTrigger', trigger: { id: 'c1', name: 'clicked', attributes: {}, occurredAt: T2.getTime() } },
      atAsk,
      context(T2, true),
    );
    expect(events.map((e) => e.type)).toEqual(['TriggerMatched', 'CustomerHeld']);
    expect(events[1].data).toMatchObject({ stepId: 'thanks', reason: 'paused' });
  });
});
