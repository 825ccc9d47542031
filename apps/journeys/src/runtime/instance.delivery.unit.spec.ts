import { DEFAULT_DELIVERY_SETTINGS, type DeliverySettings, type JourneyDefinition } from '@journeys/definition';
import { deciderSpec } from '@journeys/testing/decider-spec';
import { decide, evolve, initialState, type InstanceCommand, type InstanceState } from './instance.decider';
import type { InstanceEvent, InstanceRef } from './instance.events';
import { consentKey } from './rules/consent';
import { NO_DELIVERY_STATE, type CustomerDelivery } from './rules/delivery';

/** The delivery controls as the instance decider applies them: given events, when a command, then events. */

const NIGHT = new Date('2026-06-01T23:00:00.000Z');
const MORNING = new Date('2026-06-02T08:00:00.000Z');
const instance = { instanceId: 'j1_1_c1_1', journeyId: 'j1', version: 1, customerId: 'c1', entry: 1 };
const refAt = (at: Date): InstanceRef => ({ ...instance, at: at.toISOString() });

const journey: JourneyDefinition = {
  name: 'Night owls',
  audience: { type: 'trigger', trigger: 'signed-up' },
  steps: [
    { id: 'hello', type: 'send', channel: 'email', content: 'hello', next: 'again' },
    { id: 'again', type: 'send', channel: 'email', content: 'again', next: 'pause' },
    { id: 'pause', type: 'wait', duration: 'P1D' },
  ],
};
const quiet: DeliverySettings = {
  consentMode: 'optOut',
  frequencyCaps: [{ channel: 'email', count: 1, period: 'P1D' }],
  quietHours: { start: '21:00', end: '08:00' },
};
const optedIn: CustomerDelivery = {
  consents: { [consentKey('email')]: { status: 'optedIn', stamp: [0, 'a'] } },
  sentAt: {},
};

const spec = (now: Date, settings: DeliverySettings, customer: CustomerDelivery, definition = journey) =>
  deciderSpec<InstanceCommand, InstanceEvent, InstanceState>({
    decide: (command, state) =>
      decide(command, state, {
        definition,
        now,
        profile: {},
        inSegment: () => false,
        delivery: { settings, customer },
      }),
    evolve,
    initialState,
  });

const enter: InstanceCommand = { type: 'Enter', ref: instance };
const entered = (at: Date): InstanceEvent[] => [
  { type: 'CustomerEntered', data: refAt(at) },
  { type: 'StepEntered', data: { ...refAt(at), stepId: 'hello', stepType: 'send' } },
];
const held: InstanceEvent = {
  type: 'SendHeld',
  data: {
    ...refAt(NIGHT),
    stepId: 'hello',
    actionId: 'j1_1_c1_1:hello',
    timerId: 'j1_1_c1_1:hello:1',
    channel: 'email',
    until: MORNING.toISOString(),
    reason: 'QuietHours',
  },
};
const requested = (at: Date, stepId: string): InstanceEvent => ({
  type: 'ActionRequested',
  data: {
    ...refAt(at),
    actionId: `j1_1_c1_1:${stepId}`,
    stepId,
    channel: 'email',
    content: stepId,
    attributes: {},
  },
});

describe('instance decider: delivery controls', () => {
  it('given opt-in mode and no consent, when the customer enters, then both sends are skipped NoConsent and the customer goes on', () => {
    const events = spec(NIGHT, DEFAULT_DELIVERY_SETTINGS, NO_DELIVERY_STATE)().when(enter).events();
    expect(events.filter((e) => e.type === 'SendSkipped').map((e) => e.data)).toEqual([
      { ...refAt(NIGHT), stepId: 'hello', actionId: 'j1_1_c1_1:hello', channel: 'email', reason: 'NoConsent' },
      { ...refAt(NIGHT), stepId: 'again', actionId: 'j1_1_c1_1:again', channel: 'email', reason: 'NoConsent' },
    ]);
    expect(events.at(-1)).toMatchObject({ type: 'WaitScheduled', data: { stepId: 'pause' } });
  });

  it('given a cap of one email a day, when two sends follow each other, then the second is FrequencyCapped', () => {
    const daytime = new Date('2026-06-02T10:00:00.000Z');
    const events = spec(daytime, { ...quiet, quietHours: undefined }, optedIn)()
      .when(enter)
      .events();
    expect(events.map((e) => (e.type === 'SendSkipped' ? `skipped:${e.data.reason}` : e.type))).toEqual([
      'CustomerEntered',
      'StepEntered',
      'ActionRequested',
      'StepEntered',
      'skipped:FrequencyCapped',
      'StepEntered',
      'WaitScheduled',
    ]);
  });

  it('given quiet hours, when the customer enters at 23:00, then the send is held with the customer until 08:00', () => {
    spec(NIGHT, quiet, optedIn)()
      .when(enter)
      .then([...entered(NIGHT), held]);
  });

  it('given a held send, when its timer fires at 08:00, then the message is requested and the customer goes on', () => {
    const events = spec(
      MORNING,
      quiet,
      optedIn,
    )(...entered(NIGHT), held)
      .when({ type: 'FireTimer', timerId: 'j1_1_c1_1:hello:1' })
      .events();
    expect(events[0]).toEqual(requested(MORNING, 'hello'));
    expect(events[1]).toMatchObject({ type: 'StepEntered', data: { stepId: 'again' } });
  });

  it('given a held send, when the consent is withdrawn overnight, then at 08:00 it is skipped NoConsent', () => {
    const withdrawn: CustomerDelivery = {
      consents: { email: { status: 'optedOut', stamp: [NIGHT.getTime() + 1, 'b'] } },
      sentAt: {},
    };
    const events = spec(
      MORNING,
      quiet,
      withdrawn,
    )(...entered(NIGHT), held)
      .when({ type: 'FireTimer', timerId: 'j1_1_c1_1:hello:1' })
      .events();
    expect(events[0]).toMatchObject({
      type: 'SendSkipped',
      data: { actionId: 'j1_1_c1_1:hello', reason: 'NoConsent' },
    });
  });

  it('given a send held with an expiry before 08:00, when its timer fires at the expiry, then it is cancelled Expired and the customer goes on', () => {
    const expiring: InstanceEvent = {
      ...held,
      data: { ...(held.data as object), expiresAt: '2026-06-02T01:00:00.000Z' },
    } as InstanceEvent;
    const state = [...entered(NIGHT), expiring].reduce(evolve, initialState());
    expect(state).toMatchObject({ waiting: { kind: 'send', dueAt: '2026-06-02T01:00:00.000Z' } });
    const at = new Date('2026-06-02T01:00:00.000Z');
    const events = spec(
      at,
      quiet,
      optedIn,
    )(...entered(NIGHT), expiring)
      .when({ type: 'FireTimer', timerId: 'j1_1_c1_1:hello:1' })
      .events();
    expect(events[0]).toEqual({
      type: 'ActionCancelled',
      data: { ...refAt(at), actionId: 'j1_1_c1_1:hello', stepId: 'hello', reason: 'Expired' },
    });
    expect(events[1]).toMatchObject({ type: 'StepEntered', data: { stepId: 'again' } });
  });

  it('given a held send, when the version is stopped, then the held message is cancelled before the customer is removed', () => {
    spec(
      NIGHT,
      quiet,
      optedIn,
    )(...entered(NIGHT), held)
      .when({ type: 'Remove' })
      .then([
        {
          type: 'ActionCancelled',
          data: { ...refAt(NIGHT), actionId: 'j1_1_c1_1:hello', stepId: 'hello', reason: 'versionStopped' },
        },
        { type: 'CustomerRemoved', data: { ...refAt(NIGHT), reason: 'versionStopped' } },
      ]);
  });

  it('given a transactional step, when the customer enters at night without consent, then it is sent at once and marked', () => {
    const receipt: JourneyDefinition = {
      ...journey,
      steps: [{ id: 'hello', type: 'send', channel: 'email', content: 'hello', transactional: true }],
    };
    const events = spec(NIGHT, { ...quiet, consentMode: 'optIn' }, NO_DELIVERY_STATE, receipt)()
      .when(enter)
      .events();
    expect(events[2]).toMatchObject({ type: 'ActionRequested', data: { transactional: true } });
  });

  it('given a requested action and a customer at a wait, when the action expires in the output, then Expired is recorded and the wait stays', () => {
    const daytime = { ...quiet, quietHours: undefined, frequencyCaps: [] };
    const given = spec(MORNING, daytime, optedIn)().when(enter).events();
    expect(given.at(-1)).toMatchObject({ type: 'WaitScheduled', data: { stepId: 'pause' } });
    const later = new Date('2026-06-02T09:00:00.000Z');
    const cancel: InstanceCommand = {
      type: 'CancelAction',
      actionId: 'j1_1_c1_1:hello',
      stepId: 'hello',
      reason: 'Expired',
    };
    const events = spec(
      later,
      daytime,
      optedIn,
    )(...given)
      .when(cancel)
      .events();
    expect(events).toEqual([
      {
        type: 'ActionCancelled',
        data: { ...refAt(later), actionId: 'j1_1_c1_1:hello', stepId: 'hello', reason: 'Expired' },
      },
    ]);
    const state = [...given, ...events].reduce(evolve, initialState());
    expect(state).toMatchObject({ status: 'active', waiting: { kind: 'wait', stepId: 'pause' } });
  });
});
