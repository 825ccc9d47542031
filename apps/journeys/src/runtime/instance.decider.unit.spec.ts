import {
  DAY_MS,
  WAIT_MAX_MS,
  loyaltyDigestJourneyExample,
  pickSplitBranch,
  splitKey,
  welcomeJourneyExample,
  type Condition,
  type JourneyDefinition,
  type Step,
} from '@journeys/definition';
import { deciderSpec } from '@journeys/testing/decider-spec';
import fc from 'fast-check';
import {
  decide,
  evolve,
  fold,
  initialState,
  type InstanceCommand,
  type InstanceContext,
  type InstanceState,
  type StartedInstanceState,
} from './instance.decider';
import type { InstanceEvent, InstanceRef } from './instance.events';

const T0 = new Date('2026-03-10T09:00:00.000Z');
const plus = (from: Date, ms: number): Date => new Date(from.getTime() + ms);
const instance = { instanceId: 'j1_1_c1_1', journeyId: 'j1', version: 1, customerId: 'c1', entry: 1 };
const refAt = (at: Date): InstanceRef => ({ ...instance, at: at.toISOString() });

const fullPath: JourneyDefinition = {
  name: 'Full path',
  audience: { type: 'trigger', trigger: 'signed-up' },
  schedule: { timeZone: 'Europe/Paris' },
  goal: { trigger: 'purchased', target: { count: 10 } },
  steps: [
    { id: 'welcome', type: 'send', channel: 'email', content: 'welcome', next: 'settle' },
    { id: 'settle', type: 'wait', duration: 'P2D', next: 'await-click' },
    {
      id: 'await-click',
      type: 'waitForTrigger',
      trigger: 'clicked',
      correlate: 'welcome',
      conditions: { attribute: 'trigger.device', op: 'ne', value: 'bot' },
      within: 'P7D',
      yes: 'by-plan',
      no: 'reminder',
    },
    {
      id: 'by-plan',
      type: 'branch',
      branches: [{ if: { attribute: 'trigger.plan', op: 'eq', value: 'pro' }, next: 'ab' }],
      otherwise: 'bye',
    },
    {
      id: 'ab',
      type: 'split',
      branches: [
        { weight: 1, next: 'announce' },
        { weight: 1, next: 'announce' },
      ],
    },
    {
      id: 'announce',
      type: 'activateTrigger',
      trigger: 'welcomed',
      attributes: { plan: { from: 'trigger.plan' }, tier: { from: 'profile.tier' }, source: 'journey' },
    },
    { id: 'reminder', type: 'send', channel: 'sms', content: 'reminder' },
    { id: 'bye', type: 'exit' },
  ],
};

const contextAt = (now: Date, definition: JourneyDefinition = fullPath): InstanceContext => ({
  definition,
  now,
  profile: { tier: 'gold' },
  inSegment: (segmentId) => segmentId === 'vip',
});
const specAt = (now: Date, definition: JourneyDefinition = fullPath) =>
  deciderSpec<InstanceCommand, InstanceEvent, InstanceState>({
    decide: (command, state) => decide(command, state, contextAt(now, definition)),
    evolve,
    initialState,
  });

const entryTrigger = { id: 'trig-1', name: 'signed-up', attributes: { plan: 'pro', country: 'US' } };
const enterCommand: InstanceCommand = { type: 'Enter', ref: instance, trigger: entryTrigger };
const started = (state: InstanceState): StartedInstanceState => {
  if (state.status === 'new') throw new Error('not started');
  return state;
};

/** Decides, folds and returns the events, for walking an instance through commands. */
function walk(definition: JourneyDefinition = fullPath) {
  let state = initialState();
  const history: InstanceEvent[] = [];
  return {
    run(command: InstanceCommand, now: Date): InstanceEvent[] {
      const events = decide(command, state, contextAt(now, definition));
      state = fold(events, state);
      history.push(...events);
      return events;
    },
    get state() {
      return started(state);
    },
    history,
  };
}

const AT_ENTRY = refAt(T0);
const AT_SETTLED = refAt(plus(T0, 2 * DAY_MS));
const entered: InstanceEvent[] = [
  { type: 'CustomerEntered', data: { ...AT_ENTRY, trigger: entryTrigger } },
  { type: 'StepEntered', data: { ...AT_ENTRY, stepId: 'welcome', stepType: 'send' } },
  {
    type: 'ActionRequested',
    data: {
      ...AT_ENTRY,
      actionId: 'j1_1_c1_1:welcome',
      stepId: 'welcome',
      channel: 'email',
      content: 'welcome',
      attributes: { plan: 'pro', country: 'US' },
    },
  },
  { type: 'StepEntered', data: { ...AT_ENTRY, stepId: 'settle', stepType: 'wait' } },
  {
    type: 'WaitScheduled',
    data: {
      ...AT_ENTRY,
      stepId: 'settle',
      timerId: 'j1_1_c1_1:settle:2',
      dueAt: '2026-03-12T09:00:00.000Z',
      kind: 'wait',
    },
  },
];
const settled: InstanceEvent[] = [
  { type: 'WaitElapsed', data: { ...AT_SETTLED, stepId: 'settle', timerId: 'j1_1_c1_1:settle:2' } },
  { type: 'StepEntered', data: { ...AT_SETTLED, stepId: 'await-click', stepType: 'waitForTrigger' } },
  {
    type: 'WaitScheduled',
    data: {
      ...AT_SETTLED,
      stepId: 'await-click',
      timerId: 'j1_1_c1_1:await-click:3',
      dueAt: '2026-03-19T09:00:00.000Z',
      kind: 'trigger',
    },
  },
];
const awaitingClick = [...entered, ...settled];
const click = (attributes: Record<string, unknown>, bindingId?: string): InstanceCommand => ({
  type: 'OfferTrigger',
  trigger: { id: 'click-1', name: 'clicked', attributes, ...(bindingId === undefined ? {} : { bindingId }) },
});
const welcomeClick = { actionId: 'j1_1_c1_1:welcome' };

describe('instance decider', () => {
  describe('a full path', () => {
    it('enters, requests the first message and holds at the first wait', () => {
      specAt(T0)().when(enterCommand).then(entered);
    });

    it('records the segment or bindingId an instance entered with', () => {
      const events = specAt(T0)()
        .when({ type: 'Enter', ref: instance, segmentId: 'loyalty-wa', bindingId: 'order/7' })
        .events();
      expect(events[0]).toEqual({
        type: 'CustomerEntered',
        data: { ...AT_ENTRY, segmentId: 'loyalty-wa', bindingId: 'order/7' },
      });
      expect(events[2].data).toMatchObject({ attributes: {} });
    });

    it('moves on from the wait when its timer fires', () => {
      specAt(plus(T0, 2 * DAY_MS))(...entered)
        .when({ type: 'FireTimer', timerId: 'j1_1_c1_1:settle:2' })
        .then(settled);
    });

    it('on a matching trigger goes to yes: branch, split, activateTrigger, then completes', () => {
      const now = plus(T0, 3 * DAY_MS);
      const at = refAt(now);
      const branch = pickSplitBranch([1, 1], splitKey('j1', 'ab', 'c1'));
      specAt(now)(...awaitingClick)
        .when(click({ ...welcomeClick, device: 'phone' }))
        .then([
          {
            type: 'TriggerMatched',
            data: {
              ...at,
              stepId: 'await-click',
              triggerId: 'click-1',
              trigger: 'clicked',
              attributes: { ...welcomeClick, device: 'phone' },
            },
          },
          { type: 'StepEntered', data: { ...at, stepId: 'by-plan', stepType: 'branch' } },
          { type: 'BranchTaken', data: { ...at, stepId: 'by-plan', branch: 0, next: 'ab' } },
          { type: 'StepEntered', data: { ...at, stepId: 'ab', stepType: 'split' } },
          { type: 'SplitAssigned', data: { ...at, stepId: 'ab', branch, next: 'announce' } },
          { type: 'StepEntered', data: { ...at, stepId: 'announce', stepType: 'activateTrigger' } },
          {
            type: 'TriggerActivated',
            data: {
              ...at,
              stepId: 'announce',
              triggerId: 'j1_1_c1_1:announce:6',
              trigger: 'welcomed',
              attributes: { plan: 'pro', tier: 'gold', source: 'journey' },
              chain: 1,
            },
          },
          { type: 'CustomerCompleted', data: { ...at, stepId: 'announce' } },
        ]);
    });

    it('branches on the attributes of the matched trigger, which override the entering ones', () => {
      const now = plus(T0, 3 * DAY_MS);
      const at = refAt(now);
      const events = specAt(now)(...awaitingClick)
        .when(click({ ...welcomeClick, plan: 'free' }))
        .events();
      expect(events.slice(1)).toEqual([
        { type: 'StepEntered', data: { ...at, stepId: 'by-plan', stepType: 'branch' } },
        { type: 'BranchTaken', data: { ...at, stepId: 'by-plan', branch: 'otherwise', next: 'bye' } },
        { type: 'StepEntered', data: { ...at, stepId: 'bye', stepType: 'exit' } },
        { type: 'CustomerExited', data: { ...at, reason: 'exitStep', stepId: 'bye' } },
      ]);
      const state = started(fold(events, specAt(now)(...awaitingClick).state));
      expect(state).toMatchObject({ status: 'exited', endedAt: at.at, currentStepId: 'bye', waiting: undefined });
      expect(state.trigger).toEqual({ plan: 'free', country: 'US', actionId: 'j1_1_c1_1:welcome' });
    });

    it('goes to no when the time runs out, and completes at the end of that path', () => {
      const now = plus(T0, 9 * DAY_MS);
      const at = refAt(now);
      specAt(now)(...awaitingClick)
        .when({ type: 'FireTimer', timerId: 'j1_1_c1_1:await-click:3' })
        .then([
          { type: 'TriggerWaitTimedOut', data: { ...at, stepId: 'await-click', timerId: 'j1_1_c1_1:await-click:3' } },
          { type: 'StepEntered', data: { ...at, stepId: 'reminder', stepType: 'send' } },
          {
            type: 'ActionRequested',
            data: {
              ...at,
              actionId: 'j1_1_c1_1:reminder',
              stepId: 'reminder',
              channel: 'sms',
              content: 'reminder',
              attributes: { plan: 'pro', country: 'US' },
            },
          },
          { type: 'CustomerCompleted', data: { ...at, stepId: 'reminder' } },
        ]);
    });

    it('keeps what the engine needs in the state', () => {
      const state = started(specAt(T0)(...awaitingClick).state);
      expect(state).toEqual({
        status: 'active',
        ref: instance,
        trigger: { plan: 'pro', country: 'US' },
        currentStepId: 'await-click',
        waiting: {
          kind: 'trigger',
          stepId: 'await-click',
          timerId: 'j1_1_c1_1:await-click:3',
          dueAt: '2026-03-19T09:00:00.000Z',
        },
        actions: { welcome: 'j1_1_c1_1:welcome' },
        goalReached: false,
        stepsEntered: 3,
        // The loop guard's count: one step entered since time last passed (at the settle timer).
        spinAt: AT_SETTLED.at,
        spinSteps: 1,
      });
    });

    it('refuses to enter an instance twice: the engine must never ask', () => {
      expect(() => decide(enterCommand, specAt(T0)(...entered).state, contextAt(T0))).toThrow(Error);
    });
  });

  describe('timers', () => {
    it('ignores a timer the instance does not wait on (stale or from another visit)', () => {
      const spec = specAt(plus(T0, 2 * DAY_MS))(...entered);
      spec.when({ type: 'FireTimer', timerId: 'j1_1_c1_1:settle:1' }).then([]);
      spec.when({ type: 'FireTimer', timerId: 'j1_1_c1_1:await-click:3' }).then([]);
    });

    it('fires a timer once: a duplicate after it fired does nothing', () => {
      specAt(plus(T0, 3 * DAY_MS))(...awaitingClick)
        .when({ type: 'FireTimer', timerId: 'j1_1_c1_1:settle:2' })
        .then([]);
    });

    it('does nothing for a timer of an instance that has not entered or has ended', () => {
      specAt(T0)().when({ type: 'FireTimer', timerId: 'j1_1_c1_1:settle:2' }).then([]);
      const exited: InstanceEvent = { type: 'CustomerExited', data: { ...AT_ENTRY, reason: 'exitTrigger' } };
      specAt(T0)(...entered, exited)
        .when({ type: 'FireTimer', timerId: 'j1_1_c1_1:settle:2' })
        .then([]);
    });

    it('names every pass of a loop differently: timers, actions', () => {
      const loop: JourneyDefinition = {
        name: 'Weekly nudge',
        audience: { type: 'trigger', trigger: 'signed-up' },
        steps: [
          { id: 'nudge', type: 'send', channel: 'push', content: 'nudge', next: 'week' },
          { id: 'week', type: 'wait', duration: 'P7D', next: 'nudge' },
        ],
      };
      const instanceWalk = walk(loop);
      instanceWalk.run(enterCommand, T0);
      for (let week = 1; week <= 3; week++) {
        const timerId = instanceWalk.state.waiting?.timerId as string;
        instanceWalk.run({ type: 'FireTimer', timerId }, plus(T0, week * 7 * DAY_MS));
      }
      const ids = (type: string, field: string) =>
        instanceWalk.history
          .filter((event) => event.type === type)
          .map((event) => (event.data as unknown as Record<string, string>)[field]);
      expect(ids('WaitScheduled', 'timerId')).toEqual([
        'j1_1_c1_1:week:2',
        'j1_1_c1_1:week:4',
        'j1_1_c1_1:week:6',
        'j1_1_c1_1:week:8',
      ]);
      expect(ids('ActionRequested', 'actionId')).toEqual([
        'j1_1_c1_1:nudge',
        'j1_1_c1_1:nudge:3',
        'j1_1_c1_1:nudge:5',
        'j1_1_c1_1:nudge:7',
      ]);
      expect(instanceWalk.state.actions).toEqual({ nudge: 'j1_1_c1_1:nudge:7' });
    });

    it('breaks a loop whose only wait is over into one decision per pass', () => {
      const loop: JourneyDefinition = {
        name: 'Past loop',
        audience: { type: 'trigger', trigger: 'signed-up' },
        steps: [
          { id: 'nudge', type: 'send', channel: 'push', content: 'nudge', next: 'until' },
          { id: 'until', type: 'wait', until: '2026-01-01T00:00:00Z', next: 'nudge' },
        ],
      };
      const events = decide(enterCommand, initialState(), contextAt(T0, loop));
      expect(events.map((event) => event.type)).toEqual([
        'CustomerEntered',
        'StepEntered',
        'ActionRequested',
        'StepEntered',
        'StepEntered',
        'ActionRequested',
        'StepEntered',
        'WaitScheduled',
      ]);
      expect(events[7].data).toMatchObject({ timerId: 'j1_1_c1_1:until:4', dueAt: T0.toISOString() });
    });

    it('stops a cycle without any wait, which publish refuses, at the loop limit instead of spinning', () => {
      const spin: JourneyDefinition = {
        name: 'Spin',
        audience: { type: 'trigger', trigger: 'signed-up' },
        steps: [
          { id: 'a', type: 'activateTrigger', trigger: 'ping', next: 'b' },
          { id: 'b', type: 'branch', branches: [{ if: { all: [] }, next: 'a' }] },
        ],
      };
      const events = decide(enterCommand, initialState(), contextAt(T0, spin));
      // Three laps of a two-step journey: six steps, then the guard.
      expect(events.filter((e) => e.type === 'StepEntered')).toHaveLength(6);
      expect(events.at(-1)).toEqual({
        type: 'CustomerExited',
        data: { ...AT_ENTRY, reason: 'loopLimit', stepId: 'b' },
      });
    });
  });

  describe('trigger offers', () => {
    const offerAt = plus(T0, 3 * DAY_MS);
    const waitingFor = (...extra: InstanceEvent[]) => specAt(offerAt)(...awaitingClick, ...extra);

    it('ignores a trigger of another name', () => {
      waitingFor()
        .when({ type: 'OfferTrigger', trigger: { id: 'p', name: 'signed-up', attributes: welcomeClick } })
        .then([]);
    });

    it('ignores a trigger whose conditions fail', () => {
      waitingFor()
        .when(click({ ...welcomeClick, device: 'bot' }))
        .then([]);
    });

    it('ignores a trigger that does not carry the correlated actionId', () => {
      waitingFor()
        .when(click({ actionId: 'j1_1_c9_1:welcome' }))
        .then([]);
      waitingFor().when(click({})).then([]);
    });

    it('ignores a trigger while the instance waits on a plain timer, or after it ended', () => {
      specAt(offerAt)(...entered)
        .when(click(welcomeClick))
        .then([]);
      const removed: InstanceEvent = { type: 'CustomerRemoved', data: { ...AT_ENTRY, reason: 'versionStopped' } };
      waitingFor(removed).when(click(welcomeClick)).then([]);
    });

    it('correlates by bindingId type/id', () => {
      const boundEntry = [
        { ...entered[0], data: { ...entered[0].data, bindingId: 'appointment/1' } } as InstanceEvent,
        ...entered.slice(1),
        ...settled,
      ];
      const bound = specAt(offerAt)(...boundEntry);
      expect(started(bound.state).bindingId).toBe('appointment/1');
      expect(bound.when(click(welcomeClick, 'appointment/2')).events()).toEqual([]);
      expect(bound.when(click(welcomeClick, 'appointment/1')).events()).not.toEqual([]);
      expect(bound.when(click(welcomeClick, 'order/5')).events()).not.toEqual([]);
      expect(bound.when(click(welcomeClick)).events()).not.toEqual([]);
      expect(waitingFor().when(click(welcomeClick, 'appointment/2')).events()).not.toEqual([]);
    });

    it('matches once: the same trigger offered again finds the instance past the step', () => {
      const state = fold(awaitingClick);
      const first = decide(click(welcomeClick), state, contextAt(offerAt));
      expect(first[0].type).toBe('TriggerMatched');
      expect(decide(click(welcomeClick), fold(first, state), contextAt(offerAt))).toEqual([]);
    });
  });

  describe('exit and remove', () => {
    const exitAt = plus(T0, DAY_MS);
    const at = refAt(exitAt);

    it('exits an active customer from the step they are at, once', () => {
      const spec = specAt(exitAt)(...entered);
      spec
        .when({ type: 'Exit', reason: 'exitTrigger' })
        .then([{ type: 'CustomerExited', data: { ...at, reason: 'exitTrigger', stepId: 'settle' } }]);
      const exited = spec.when({ type: 'Exit', reason: 'exitSegment' }).events();
      const after = specAt(exitAt)(...entered, ...exited);
      expect(after.state).toMatchObject({ status: 'exited', waiting: undefined, endedAt: at.at });
      after.when({ type: 'Exit', reason: 'exitTrigger' }).then([]);
      after.when({ type: 'Remove' }).then([]);
      after.when({ type: 'FireTimer', timerId: 'j1_1_c1_1:settle:2' }).then([]);
    });

    it('removes an active customer when the version stops, once', () => {
      const spec = specAt(exitAt)(...entered);
      const removed = spec.when({ type: 'Remove' }).events();
      expect(removed).toEqual([{ type: 'CustomerRemoved', data: { ...at, reason: 'versionStopped' } }]);
      const after = specAt(exitAt)(...entered, ...removed);
      expect(after.state).toMatchObject({ status: 'removed', endedAt: at.at });
      after.when({ type: 'Remove' }).then([]);
      after.when({ type: 'Exit', reason: 'exitTrigger' }).then([]);
    });

    it('does nothing for an instance that never entered or has completed', () => {
      specAt(exitAt)().when({ type: 'Exit', reason: 'exitTrigger' }).then([]);
      specAt(exitAt)().when({ type: 'Remove' }).then([]);
      const completed: InstanceEvent = { type: 'CustomerCompleted', data: { ...AT_ENTRY, stepId: 'settle' } };
      specAt(exitAt)(...entered, completed)
        .when({ type: 'Remove' })
        .then([]);
    });
  });

  describe('goals', () => {
    const purchased: InstanceCommand = {
      type: 'OfferTrigger',
      trigger: { id: 'buy-1', name: 'purchased', attributes: {} },
    };
    const endedAt = plus(T0, DAY_MS);
    const completed: InstanceEvent = { type: 'CustomerCompleted', data: { ...refAt(endedAt), stepId: 'settle' } };
    const goal = (now: Date): InstanceEvent => ({
      type: 'GoalReached',
      data: { ...refAt(now), trigger: 'purchased', triggerId: 'buy-1' },
    });

    it('counts the goal trigger while the customer is in the journey, once', () => {
      specAt(endedAt)(...entered)
        .when(purchased)
        .then([goal(endedAt)]);
      const reached = specAt(endedAt)(...entered, goal(endedAt));
      expect(reached.state).toMatchObject({ goalReached: true, status: 'active' });
      reached.when(purchased).then([]);
    });

    it('counts it for three days after the journey ends, not later', () => {
      const twoDaysAfter = plus(endedAt, 2 * DAY_MS);
      specAt(twoDaysAfter)(...entered, completed)
        .when(purchased)
        .then([goal(twoDaysAfter)]);
      const threeDaysAfter = plus(endedAt, 3 * DAY_MS);
      specAt(threeDaysAfter)(...entered, completed)
        .when(purchased)
        .then([goal(threeDaysAfter)]);
      specAt(plus(endedAt, 3 * DAY_MS + 1))(...entered, completed)
        .when(purchased)
        .then([]);
      specAt(plus(endedAt, 4 * DAY_MS))(...entered, completed)
        .when(purchased)
        .then([]);
    });

    it('counts only the journey goal trigger, and nothing before entry', () => {
      specAt(T0)(...entered)
        .when({ type: 'OfferTrigger', trigger: { id: 'x', name: 'unsubscribed', attributes: {} } })
        .then([]);
      specAt(T0)().when(purchased).then([]);
      specAt(
        T0,
        welcomeJourneyExample,
      )(...entered)
        .when(purchased)
        .then([goal(T0)]);
      specAt(
        T0,
        loyaltyDigestJourneyExample,
      )(...entered)
        .when(purchased)
        .then([]);
    });
  });

  describe('determinism', () => {
    it('decides the same events, ids and times from the same inputs', () => {
      const runOnce = () => {
        const instanceWalk = walk();
        instanceWalk.run(enterCommand, T0);
        instanceWalk.run({ type: 'FireTimer', timerId: 'j1_1_c1_1:settle:2' }, plus(T0, 2 * DAY_MS));
        instanceWalk.run(click({ ...welcomeClick, device: 'phone' }), plus(T0, 3 * DAY_MS));
        return JSON.stringify(instanceWalk.history);
      };
      expect(runOnce()).toBe(runOnce());
    });

    it('decides again after a crash as before it: same state, same command, same events', () => {
      const state = fold(awaitingClick);
      const command = click({ ...welcomeClick, device: 'phone' });
      const first = decide(command, state, contextAt(plus(T0, 3 * DAY_MS)));
      const again = decide(command, fold(awaitingClick), contextAt(plus(T0, 3 * DAY_MS)));
      expect(JSON.stringify(again)).toBe(JSON.stringify(first));
    });
  });

  describe('properties', () => {
    const TRIGGERS = ['purchased', 'clicked', 'unsubscribed'] as const;
    const conditions: Condition[] = [
      { attribute: 'trigger.amount', op: 'gte', value: 100 },
      { attribute: 'profile.tier', op: 'eq', value: 'gold' },
      { inSegment: 'vip' },
      { not: { attribute: 'trigger.when', op: 'exists' } },
      { any: [{ attribute: 'trigger.plan', op: 'in', value: ['pro', 'team'] }, { all: [] }] },
    ];
    const condition = fc.constantFrom(...conditions);
    const optional = <T>(arbitrary: fc.Arbitrary<T>) => fc.option(arbitrary, { nil: undefined });

    /**
     * Random definitions the decider may meet: non-waiting steps only point forward, waiting steps
     * anywhere, so every cycle has a wait (as publish requires). Durations beyond 90 days and
     * `until` times in the past are allowed: the decider must cope with them too.
     */
    const definitionArbitrary: fc.Arbitrary<JourneyDefinition> = fc
      .integer({ min: 1, max: 8 })
      .chain((count) => {
        const id = (index: number) => `s${index}`;
        const anyStep = optional(fc.integer({ min: 0, max: count - 1 }).map(id));
        const stepArbitrary = (index: number): fc.Arbitrary<Step> => {
          const forward =
            index + 1 < count
              ? optional(fc.integer({ min: index + 1, max: count - 1 }).map(id))
              : fc.constant(undefined);
          const stepId = id(index);
          return fc.oneof(
            fc
              .record({ channel: fc.constantFrom('email', 'sms'), expires: optional(fc.constantFrom('PT12H', 'P1M')) })
              .chain((fields) =>
                forward.map((next): Step => ({ id: stepId, type: 'send', content: 'c', ...fields, next })),
              ),
            fc
              .oneof(
                fc.record({ duration: fc.constantFrom('PT1M', 'P1D', 'P1M', 'P4M') }),
                fc.record({
                  until: fc.constantFrom(
                    '2026-03-29T02:30:00',
                    '2026-01-01T00:00:00',
                    '2026-04-01T00:00:00Z',
                    '2027-01-01',
                  ),
                }),
                fc.record({
                  untilAttribute: fc.constantFrom('trigger.when' as const, 'profile.renewsAt' as const),
                  offset: optional(fc.constantFrom('-P1D', 'PT1H', '-P1M')),
                }),
              )
              .chain((fields) => anyStep.map((next): Step => ({ id: stepId, type: 'wait', ...fields, next }))),
            fc
              .record({
                trigger: fc.constantFrom(...TRIGGERS),
                within: fc.constantFrom('PT1H', 'P7D', 'P1Y'),
                conditions: optional(condition),
                correlate: optional(fc.integer({ min: 0, max: count - 1 }).map(id)),
                yes: anyStep,
                no: anyStep,
              })
              .map((fields): Step => ({ id: stepId, type: 'waitForTrigger', ...fields })),
            fc
              .record({
                branches: fc.array(fc.record({ if: condition, next: forward }), { minLength: 1, maxLength: 3 }),
                otherwise: forward,
              })
              .map((fields): Step => ({ id: stepId, type: 'branch', ...fields })),
            fc
              .array(fc.record({ weight: fc.integer({ min: 1, max: 100 }), next: forward }), {
                minLength: 2,
                maxLength: 3,
              })
              .map((branches): Step => ({ id: stepId, type: 'split', branches })),
            forward.map((next): Step => ({
              id: stepId,
              type: 'activateTrigger',
              trigger: 'digest-sent',
              attributes: { channel: 'email', plan: { from: 'trigger.plan' }, tier: { from: 'profile.tier' } },
              next,
            })),
            fc.constant<Step>({ id: stepId, type: 'exit' }),
          );
        };
        return fc.tuple(...Array.from({ length: count }, (_, index) => stepArbitrary(index)));
      })
      .chain((steps) =>
        fc.constantFrom('UTC', 'Europe/Paris', 'America/New_York').map((timeZone): JourneyDefinition => ({
          name: 'Random',
          audience: { type: 'trigger', trigger: 'signed-up' },
          schedule: { timeZone },
          goal: { trigger: 'purchased', target: { count: 1 } },
          steps,
        })),
      );

    type Move =
      | { kind: 'tick'; ms: number }
      | { kind: 'fireCurrent' }
      | { kind: 'fireStale' }
      | { kind: 'offer'; name: string; amount: number; bindingId?: string; correlated: boolean }
      | { kind: 'exit' }
      | { kind: 'remove' }
      | { kind: 'goal' };
    const moveArbitrary: fc.Arbitrary<Move> = fc.oneof(
      fc.record({ kind: fc.constant('tick' as const), ms: fc.integer({ min: 0, max: 10 * DAY_MS }) }),
      fc.constant({ kind: 'fireCurrent' as const }),
      fc.constant({ kind: 'fireCurrent' as const }),
      fc.constant({ kind: 'fireStale' as const }),
      fc.record({
        kind: fc.constant('offer' as const),
        name: fc.constantFrom(...TRIGGERS),
        amount: fc.integer({ min: 0, max: 200 }),
        bindingId: optional(fc.constantFrom('order/1', 'order/2', 'appointment/1')),
        correlated: fc.boolean(),
      }),
      fc.constant({ kind: 'exit' as const }),
      fc.constant({ kind: 'remove' as const }),
      fc.constant({ kind: 'goal' as const }),
    );

    function commandFor(move: Move, state: InstanceState): InstanceCommand | null {
      const current = state.status === 'new' ? undefined : state;
      switch (move.kind) {
        case 'tick':
          return null;
        case 'fireCurrent':
          return { type: 'FireTimer', timerId: current?.waiting?.timerId ?? 'none' };
        case 'fireStale':
          return { type: 'FireTimer', timerId: 'j1_1_c1_1:s0:0' };
        case 'offer': {
          const actionId = Object.values(current?.actions ?? {})[0];
          const attributes = { amount: move.amount, ...(move.correlated && actionId ? { actionId } : {}) };
          const bindingId = move.bindingId === undefined ? {} : { bindingId: move.bindingId };
          return { type: 'OfferTrigger', trigger: { id: 'offered', name: move.name, attributes, ...bindingId } };
        }
        case 'exit':
          return { type: 'Exit', reason: 'exitTrigger' };
        case 'remove':
          return { type: 'Remove' };
        case 'goal':
          return { type: 'OfferTrigger', trigger: { id: 'goal', name: 'purchased', attributes: {} } };
        default: {
          const unreachable: never = move;
          return unreachable;
        }
      }
    }

    it('never throws, always holds an active instance on exactly one timer, within 90 days', () => {
      const clearing = new Set<InstanceEvent['type']>([
        'WaitElapsed',
        'TriggerWaitTimedOut',
        'TriggerMatched',
        'CustomerCompleted',
        'CustomerExited',
        'CustomerRemoved',
      ]);
      fc.assert(
        fc.property(
          fc.oneof(
            { weight: 1, arbitrary: fc.constantFrom(welcomeJourneyExample, loyaltyDigestJourneyExample) },
            { weight: 4, arbitrary: definitionArbitrary },
          ),
          fc.record({
            attributes: fc.record(
              {
                plan: fc.constantFrom('pro', 'free'),
                amount: fc.integer({ min: 0, max: 200 }),
                when: fc.constantFrom('2026-03-12T10:00:00Z', '2026-01-01T00:00:00Z', 'soon', '2027-06-01T00:00:00'),
              },
              { requiredKeys: [] },
            ),
            bindingId: optional(fc.constantFrom('order/1', 'appointment/1')),
          }),
          fc.array(moveArbitrary, { maxLength: 25 }),
          (definition, entry, moves) => {
            const profile = { tier: 'gold', renewsAt: '2026-04-01T00:00:00Z' };
            const contextFor = (now: Date): InstanceContext => ({
              definition,
              now,
              profile,
              inSegment: (segmentId) => segmentId === 'vip',
            });
            let now = T0;
            let state = initialState();
            let pending = false;
            const apply = (command: InstanceCommand) => {
              const events = decide(command, state, contextFor(now));
              expect(decide(command, state, contextFor(now))).toEqual(events);
              for (const event of events) {
                expect(event.data.at).toBe(now.toISOString());
                if (event.type === 'WaitScheduled') {
                  expect(pending).toBe(false);
                  pending = true;
                  const dueMs = Date.parse(event.data.dueAt);
                  expect(dueMs).toBeGreaterThanOrEqual(now.getTime());
                  expect(dueMs).toBeLessThanOrEqual(now.getTime() + WAIT_MAX_MS);
                } else if (clearing.has(event.type)) {
                  pending = false;
                }
              }
              state = fold(events, state);
              if (state.status === 'active') expect(state.waiting).toBeDefined();
              expect(pending).toBe(state.status === 'active');
            };
            const bindingId = entry.bindingId === undefined ? {} : { bindingId: entry.bindingId };
            apply({
              type: 'Enter',
              ref: instance,
              trigger: { id: 'entry', name: 'signed-up', attributes: entry.attributes },
              ...bindingId,
            });
            for (const move of moves) {
              if (move.kind === 'tick') now = plus(now, move.ms);
              if (move.kind === 'fireCurrent' && state.status === 'active' && state.waiting) {
                now = new Date(Math.max(now.getTime(), Date.parse(state.waiting.dueAt)));
              }
              const command = commandFor(move, state);
              if (command !== null) apply(command);
            }
          },
        ),
        { numRuns: 500 },
      );
    });
  });
});
