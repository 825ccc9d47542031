import type { InstanceState, InstanceWaiting, StartedInstanceState } from './instance.state';
import { heldUntil } from './steps/send.step';
import type { InstanceEvent } from './instance.events';

/**
 * How an instance's state follows its events (`evolve(state, event) -> state`): the other half of
 * the instance decider (instance.decider.ts), kept apart from its decisions. Pure.
 */

export function evolve(state: InstanceState, event: InstanceEvent): InstanceState {
  if (event.type === 'CustomerEntered') {
    const data = event.data;
    const started: StartedInstanceState = {
      status: 'active',
      ref: {
        instanceId: data.instanceId,
        journeyId: data.journeyId,
        version: data.version,
        customerId: data.customerId,
        entry: data.entry,
      },
      trigger: data.trigger?.attributes ?? {},
      actions: {},
      goalReached: false,
      stepsEntered: 0,
      spinAt: data.at,
      spinSteps: 0,
    };
    if (data.bindingId !== undefined) started.bindingId = data.bindingId;
    return started;
  }
  if (state.status === 'new') return state;
  switch (event.type) {
    case 'StepEntered': {
      const { at, stepId } = event.data;
      const spinSteps = state.spinAt === at ? (state.spinSteps ?? 0) + 1 : 1;
      // Entering a step is also how a held customer goes on (CustomerHeld).
      const next = {
        currentStepId: stepId,
        stepsEntered: state.stepsEntered + 1,
        spinAt: at,
        spinSteps,
        held: undefined,
      };
      return changed(state, next);
    }
    case 'ActionRequested':
    case 'SendSkipped':
      return changed(state, {
        actions: { ...state.actions, [event.data.stepId]: event.data.actionId },
        waiting: state.waiting?.kind === 'send' ? undefined : state.waiting,
      });
    case 'SendHeld': {
      const { stepId, timerId, actionId, until, expiresAt } = event.data;
      const waiting: InstanceWaiting = { kind: 'send', stepId, timerId, dueAt: heldUntil(until, expiresAt), actionId };
      if (expiresAt !== undefined) waiting.expiresAt = expiresAt;
      return changed(state, { waiting, actions: { ...state.actions, [stepId]: actionId } });
    }
    case 'ActionCancelled': {
      const held = state.waiting;
      return held?.kind === 'send' && held.actionId === event.data.actionId
        ? changed(state, { waiting: undefined })
        : state;
    }
    case 'WaitScheduled': {
      const { kind, stepId, timerId, dueAt } = event.data;
      return changed(state, { waiting: { kind, stepId, timerId, dueAt } });
    }
    case 'WaitElapsed':
    case 'TriggerWaitTimedOut':
      return changed(state, { waiting: undefined });
    case 'TriggerMatched': {
      const trigger = { ...state.trigger, ...event.data.attributes };
      // A trigger from outside starts the loop guard's count afresh; a raised one does not.
      if (event.data.chain !== undefined) return changed(state, { waiting: undefined, trigger });
      return changed(state, { waiting: undefined, trigger, spinAt: event.data.at, spinSteps: 0 });
    }
    case 'GoalReached':
      return changed(state, { goalReached: true });
    case 'CustomerCompleted':
      return changed(state, { status: 'completed', waiting: undefined, held: undefined, endedAt: event.data.at });
    case 'CustomerExited':
      return changed(state, { status: 'exited', waiting: undefined, held: undefined, endedAt: event.data.at });
    case 'CustomerRemoved':
      return changed(state, { status: 'removed', waiting: undefined, held: undefined, endedAt: event.data.at });
    case 'CustomerHeld':
      return changed(state, { held: { stepId: event.data.stepId, at: event.data.at } });
    case 'SplitAssigned': {
      const { assignment, stepId, branch, at } = event.data;
      if (assignment === undefined) return state;
      const assigned = { branch, at, counted: assignment === 'experiment' };
      return changed(state, { experiments: { ...state.experiments, [stepId]: assigned } });
    }
    case 'ExperimentConverted': {
      const assigned = state.experiments?.[event.data.stepId];
      if (assigned === undefined) return state;
      return changed(state, {
        experiments: { ...state.experiments, [event.data.stepId]: { ...assigned, converted: true } },
      });
    }
    case 'BranchTaken':
    case 'TriggerActivated':
      return state;
    default:
      return unreachable(event);
  }
}

/** A copy of the state with `changes`; copied field by field, which is far cheaper than a spread. */
function changed(state: StartedInstanceState, changes: Partial<StartedInstanceState>): StartedInstanceState {
  const copy: StartedInstanceState = {
    status: state.status,
    ref: state.ref,
    bindingId: state.bindingId,
    trigger: state.trigger,
    currentStepId: state.currentStepId,
    waiting: state.waiting,
    actions: state.actions,
    goalReached: state.goalReached,
    endedAt: state.endedAt,
    stepsEntered: state.stepsEntered,
    spinAt: state.spinAt,
    spinSteps: state.spinSteps,
    held: state.held,
    experiments: state.experiments,
  };
  return Object.assign(copy, changes);
}

export function fold(events: Iterable<InstanceEvent>, state: InstanceState = { status: 'new' }): InstanceState {
  let current = state;
  for (const event of events) current = evolve(current, event);
  return current;
}

function unreachable(value: never): never {
  throw new Error(`Unhandled ${JSON.stringify(value)}`);
}
