import { projectionSpec } from '@journeys/testing/projection-spec';
import type { InstanceEvent, InstanceRef } from '../instance.events';
import { analyticsFold } from './analytics.fold';

const ref = (customerId: string, version = 1): InstanceRef => ({
  instanceId: `j_${version}_${customerId}_1`,
  journeyId: 'j',
  version,
  customerId,
  entry: 1,
  at: '2026-11-30T10:00:00.000Z',
});
const entered = (c: string, version = 1): InstanceEvent => ({ type: 'CustomerEntered', data: ref(c, version) });
const step = (c: string, stepId: string): InstanceEvent => ({
  type: 'StepEntered',
  data: { ...ref(c), stepId, stepType: 'send' },
});
const given = projectionSpec(analyticsFold);

describe('analytics fold', () => {
  it('counts an entry as entered and active in its own version', () => {
    given(entered('ann'))
      .when(entered('bob', 2))
      .then({
        state: { versions: { 'j#1': { entered: 1, active: 1 }, 'j#2': { entered: 1, active: 1, version: 2 } } },
        writes: [],
      });
  });

  it('moves a customer from step to step: the step left counts passed, the next current', () => {
    given(entered('ann'), step('ann', 'a'), entered('bob'), step('bob', 'a'))
      .when(step('ann', 'b'))
      .then({
        state: {
          versions: {
            'j#1': {
              steps: { a: { entered: 2, current: 1, passed: 1, exited: 0 }, b: { entered: 1, current: 1, passed: 0 } },
            },
          },
          at: { [ref('ann').instanceId]: 'b', [ref('bob').instanceId]: 'a' },
        },
      });
  });

  it('counts an exit by reason at the step the customer left from, and forgets where it was', () => {
    const then = given(entered('ann'), step('ann', 'a')).when({
      type: 'CustomerExited',
      data: { ...ref('ann'), reason: 'loopLimit', stepId: 'a' },
    });
    then.then({
      state: {
        versions: {
          'j#1': { active: 0, exited: 1, exitedBy: { loopLimit: 1 }, steps: { a: { current: 0, exited: 1 } } },
        },
      },
    });
    expect(then.state.at).toEqual({});
  });

  it('counts completion as passing the last step, and removal as exiting it', () => {
    given(entered('ann'), step('ann', 'a'), entered('bob'), step('bob', 'a'))
      .when(
        { type: 'CustomerCompleted', data: { ...ref('ann'), stepId: 'a' } },
        { type: 'CustomerRemoved', data: { ...ref('bob'), reason: 'versionStopped' } },
      )
      .then({
        state: {
          versions: {
            'j#1': { active: 0, completed: 1, removed: 1, steps: { a: { current: 0, passed: 1, exited: 1 } } },
          },
        },
      });
  });

  it('counts blocked entries by reason and goals, which move nobody', () => {
    given(entered('ann'), step('ann', 'a'))
      .when(
        {
          type: 'CustomerEntryBlocked',
          data: { journeyId: 'j', version: 1, customerId: 'cy', reason: 'excluded', at: ref('cy').at },
        } as unknown as InstanceEvent,
        { type: 'GoalReached', data: { ...ref('ann'), trigger: 'purchase', triggerId: 't1' } },
      )
      .then({
        state: {
          versions: { 'j#1': { blocked: { excluded: 1 }, goalReached: 1, steps: { a: { current: 1 } } } },
          at: { [ref('ann').instanceId]: 'a' },
        },
      });
  });

  it('ignores the events it does not count', () => {
    const before = given(entered('ann'));
    const after = before.when({
      type: 'WaitScheduled',
      data: { ...ref('ann'), stepId: 'w', timerId: 't', dueAt: ref('ann').at },
    } as InstanceEvent);
    expect(after.state).toBe(before.state);
  });

  it('counts sends requested, held and stopped by a delivery control, by reason; a stop\u2019s cancellations are not skips', () => {
    const send = { stepId: 'a', actionId: 'j_1_ann_1:a', channel: 'email' as const };
    given(entered('ann'), step('ann', 'a'))
      .when(
        { type: 'ActionRequested', data: { ...ref('ann'), ...send, content: 'hi', attributes: {} } },
        { type: 'SendSkipped', data: { ...ref('ann'), ...send, reason: 'NoConsent' } },
        { type: 'SendSkipped', data: { ...ref('ann'), ...send, reason: 'FrequencyCapped' } },
        {
          type: 'SendHeld',
          data: { ...ref('ann'), ...send, timerId: 't', until: ref('ann').at, reason: 'QuietHours' },
        },
        { type: 'ActionCancelled', data: { ...ref('ann'), actionId: send.actionId, stepId: 'a', reason: 'Expired' } },
        {
          type: 'ActionCancelled',
          data: { ...ref('ann'), actionId: send.actionId, stepId: 'a', reason: 'versionStopped' },
        },
      )
      .then({
        state: {
          versions: {
            'j#1': {
              sends: { requested: 1, held: 1, skippedBy: { NoConsent: 1, FrequencyCapped: 1, Expired: 1 } },
              steps: { a: { current: 1 } },
            },
          },
          at: { [ref('ann').instanceId]: 'a' },
        },
      });
  });

  it('counts the delivery controls by reason: held by a pause, delayed by the entry limit, experiments by assignment', () => {
    given(entered('ann'), step('ann', 'ab'))
      .when(
        { type: 'CustomerHeld', data: { ...ref('ann'), stepId: 'b', reason: 'paused' } },
        {
          type: 'CustomerEntryDelayed',
          data: { journeyId: 'j', version: 1, customerId: 'bob', reason: 'rateLimited', enterAt: 'x', at: 'y' },
        } as never,
        {
          type: 'SplitAssigned',
          data: { ...ref('ann'), stepId: 'ab', branch: 1, next: 'b', assignment: 'experiment' },
        },
        { type: 'SplitAssigned', data: { ...ref('cid'), stepId: 'ab', branch: 1, next: 'b', assignment: 'winner' } },
        { type: 'SplitAssigned', data: { ...ref('dee'), stepId: 'ab', branch: 0, next: 'a' } },
        { type: 'ExperimentConverted', data: { ...ref('ann'), stepId: 'ab', branch: 1, triggerId: 't' } },
      )
      .then({
        state: {
          versions: {
            'j#1': {
              held: { paused: 1 },
              delayed: { rateLimited: 1 },
              experiments: { ab: { '1': { experiment: 1, converted: 1, winner: 1, sticky: 0 } } },
            },
          },
        },
      });
  });
});
