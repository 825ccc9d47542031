import { DAY_MS, pickSplitBranch, splitKey, type JourneyDefinition } from '@journeys/definition';
import { deciderSpec } from '@journeys/testing/decider-spec';
import { decide, evolve, fold, initialState, type InstanceCommand, type InstanceState } from './instance.decider';
import type { InstanceEvent, InstanceRef } from './instance.events';

/** Given/when/then of the instance decider at a split that is an experiment, and its conversions. */
const T0 = new Date('2026-03-10T09:00:00.000Z');
const instance = { instanceId: 'j1_1_c1_1', journeyId: 'j1', version: 1, customerId: 'c1', entry: 1 };
const at = (when: Date): InstanceRef => ({ ...instance, at: when.toISOString() });
const branch = pickSplitBranch([1, 1], splitKey('j1', 'ab', 'c1'));
const next = branch === 0 ? 'a' : null;

const definition = (metric: 'goal' | 'trigger'): JourneyDefinition => ({
  name: 'Offer test',
  audience: { type: 'trigger', trigger: 'signed-up' },
  goal: { trigger: 'purchased', target: { count: 10 } },
  steps: [
    {
      id: 'ab',
      type: 'split',
      branches: [{ weight: 1, next: 'a' }, { weight: 1 }],
      experiment: {
        metric:
          metric === 'goal' ? { type: 'goal', within: 'P1D' } : { type: 'trigger', trigger: 'clicked', within: 'P1D' },
        sampleSize: 100,
      },
    },
    { id: 'a', type: 'wait', duration: 'P7D' },
  ],
});
const spec = (now: Date, metric: 'goal' | 'trigger') =>
  deciderSpec<InstanceCommand, InstanceEvent, InstanceState>({
    decide: (command, state) =>
      decide(command, state, { definition: definition(metric), now, profile: {}, inSegment: () => false }),
    evolve,
    initialState,
  });
const offer = (name: string, id = 't1'): InstanceCommand => ({
  type: 'OfferTrigger',
  trigger: { id, name, attributes: {}, occurredAt: 0 },
});

const entered = spec(T0, 'trigger')().when({ type: 'Enter', ref: instance }).events();

describe('instance decider at an experiment', () => {
  it('given it runs, when the customer passes the split, then the assignment is marked as the experiment’s', () => {
    expect(entered.find((e) => e.type === 'SplitAssigned')?.data).toEqual({
      ...at(T0),
      stepId: 'ab',
      branch,
      next,
      assignment: 'experiment',
    });
    expect(fold(entered)).toMatchObject({ experiments: { ab: { branch, at: T0.toISOString(), counted: true } } });
  });

  it('given an assignment, when the metric trigger comes within the window, then the customer converted, once', () => {
    const later = new Date(T0.getTime() + DAY_MS);
    const converted: InstanceEvent = {
      type: 'ExperimentConverted',
      data: { ...at(later), stepId: 'ab', branch, triggerId: 't1' },
    };
    spec(
      later,
      'trigger',
    )(...entered)
      .when(offer('clicked'))
      .then([converted]);
    spec(later, 'trigger')(...entered, converted)
      .when(offer('clicked', 't2'))
      .then([]);
  });

  it('given an assignment, when the metric trigger comes after the window, then it does not count', () => {
    spec(
      new Date(T0.getTime() + DAY_MS + 1),
      'trigger',
    )(...entered)
      .when(offer('clicked'))
      .then([]);
  });

  it('given the goal is the metric, when the goal is reached within the window, then the goal and the conversion are recorded', () => {
    const goalEntered = spec(T0, 'goal')().when({ type: 'Enter', ref: instance }).events();
    const events = spec(
      new Date(T0.getTime() + 60_000),
      'goal',
    )(...goalEntered)
      .when(offer('purchased'))
      .events();
    expect(events.map((e) => e.type)).toEqual(['GoalReached', 'ExperimentConverted']);
  });
});
