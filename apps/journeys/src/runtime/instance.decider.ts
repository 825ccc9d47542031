import { journeyTimeZone, type JourneyDefinition, type Step } from '@journeys/definition';
import type { CustomerEntered, CustomerExited, ExitReason, InstanceEvent, InstanceRef } from './instance.events';
import { bindingAccepts } from './rules/correlation';
import { experimentConversions } from './rules/experiment-conversion';
import { withinGoalWindow } from './rules/goal';
import { loopLimit, spinBefore } from './rules/loop-guard';
import { activateTrigger } from './steps/activate-trigger.step';
import { takeBranch } from './steps/branch.step';
import { exitJourney } from './steps/exit.step';
import { releaseSend, requestAction } from './steps/send.step';
import { assignSplit } from './steps/split.step';
import { eventData, type StepResult, type StepRun } from './steps/step-run';
import {
  enterWaitForTrigger,
  matchTrigger,
  timeOutTriggerWait,
  type OfferedTrigger,
} from './steps/wait-for-trigger.step';
import { endWait, enterWait } from './steps/wait.step';

export { evolve, fold } from './instance.evolve';
export * from './instance.state';
import type { InstanceCommand, InstanceContext, InstanceState, StartedInstanceState } from './instance.state';

/**
 * One customer's run through one journey version (stream `instance-<instanceId>`), in one place:
 * `decide(command, state, context) -> events`, `evolve(state, event) -> state`. Pure: the engine
 * passes the definition, the clock, the profile and segment membership in the context, so deciding
 * again after a crash yields the same events and the same ids.
 *
 * A decision moves the customer as far as it can: step after step (StepEntered, then what the step
 * does, see `steps/*.step.ts`) until a wait holds them on a timer, an exit step, or the end of a
 * path (CustomerCompleted). So an active instance always waits on exactly one timer. A customer
 * going round without time passing is stopped by the loop guard (`rules/loop-guard.ts`).
 */

/** Publish forbids cycles without a wait, so one decision never gets near this; reaching it is a bug. */
export const MAX_STEPS_PER_DECISION = 1000;

export function decide(command: InstanceCommand, state: InstanceState, context: InstanceContext): InstanceEvent[] {
  switch (command.type) {
    case 'Enter':
      return enter(command, state, context);
    case 'FireTimer':
      return fireTimer(command.timerId, state, context);
    case 'OfferTrigger':
      return offerTrigger(command.trigger, state, context);
    case 'Exit':
      return state.status === 'active' ? [exited(state, context, command.reason)] : [];
    case 'Remove':
      return remove(state, context);
    case 'CancelAction': {
      if (state.status === 'new') return [];
      const { actionId, stepId, reason } = command;
      return [{ type: 'ActionCancelled', data: eventData(refAt(state, context), { actionId, stepId, reason }) }];
    }
    case 'Release':
      return release(state, context);
    default:
      return unreachable(command);
  }
}

function enter(
  command: Extract<InstanceCommand, { type: 'Enter' }>,
  state: InstanceState,
  context: InstanceContext,
): InstanceEvent[] {
  if (state.status !== 'new') throw new Error(`Instance ${state.ref.instanceId} has already entered`);
  const first = context.definition.steps[0];
  if (first === undefined) throw new Error(`Journey ${command.ref.journeyId} has no steps to enter`);
  const ref = refOf(command.ref, context.now);
  const data: CustomerEntered['data'] = eventData(ref, {});
  if (command.trigger !== undefined) data.trigger = command.trigger;
  if (command.bindingId !== undefined) data.bindingId = command.bindingId;
  if (command.segmentId !== undefined) data.segmentId = command.segmentId;
  const events: InstanceEvent[] = [{ type: 'CustomerEntered', data }];
  const trigger = command.trigger?.attributes ?? {};
  const run = newRun(ref, trigger, {}, 0, context, 0, command.chain ?? 0);
  advance(events, first.id, first.id, run, context.definition);
  return events;
}

/** A stop removes the customer; a send held by quiet hours is cancelled first. */
function remove(state: InstanceState, context: InstanceContext): InstanceEvent[] {
  if (state.status !== 'active') return [];
  const ref = refAt(state, context);
  const events: InstanceEvent[] = [];
  const held = state.waiting;
  if (held?.kind === 'send' && held.actionId !== undefined) {
    const { actionId, stepId } = held;
    events.push({ type: 'ActionCancelled', data: eventData(ref, { actionId, stepId, reason: 'versionStopped' }) });
  }
  events.push({ type: 'CustomerRemoved', data: eventData(ref, { reason: 'versionStopped' }) });
  return events;
}

/** A held customer goes on from the step they were held before, unless the version is still paused. */
function release(state: InstanceState, context: InstanceContext): InstanceEvent[] {
  if (state.status !== 'active' || state.held === undefined || context.paused) return [];
  const events: InstanceEvent[] = [];
  const run = runFor(state, context, true, 0);
  advance(events, state.held.stepId, state.currentStepId ?? state.held.stepId, run, context.definition);
  return events;
}

/** The customer leaves from the step they are at (for per-step exit counts). */
function exited(state: StartedInstanceState, context: InstanceContext, reason: ExitReason): CustomerExited {
  const data: CustomerExited['data'] = eventData(refAt(state, context), { reason });
  if (state.currentStepId !== undefined) data.stepId = state.currentStepId;
  return { type: 'CustomerExited', data };
}

function fireTimer(timerId: string, state: InstanceState, context: InstanceContext): InstanceEvent[] {
  if (state.status !== 'active' || state.waiting === undefined || state.waiting.timerId !== timerId) return [];
  const { stepId, kind } = state.waiting;
  const step = stepById(context.definition, stepId);
  const run = runFor(state, context, false, 0);
  let result: StepResult;
  if (kind === 'wait' && step.type === 'wait') result = endWait(step, run, timerId);
  else if (kind === 'trigger' && step.type === 'waitForTrigger') result = timeOutTriggerWait(step, run, timerId);
  else if (kind === 'send' && step.type === 'send' && state.waiting.actionId !== undefined) {
    result = releaseSend(step, run, { actionId: state.waiting.actionId, expiresAt: state.waiting.expiresAt });
  } else throw new Error(`Instance ${state.ref.instanceId} waits on a ${kind} timer at ${step.type} step ${stepId}`);
  return continueAfter(result, stepId, run, context.definition);
}

function offerTrigger(offered: OfferedTrigger, state: InstanceState, context: InstanceContext): InstanceEvent[] {
  if (state.status === 'new' || !bindingAccepts(state.bindingId, offered.bindingId)) return [];
  const events = countGoal(offered, state, context);
  const goalReached = events.length > 0;
  for (const converted of experimentConversions(state, context.definition, offered, goalReached, context.now)) {
    events.push({ type: 'ExperimentConverted', data: eventData(refAt(state, context), converted) });
  }
  if (state.status !== 'active') return events;
  if (context.definition.exit?.triggers?.includes(offered.name)) {
    events.push(exited(state, context, 'exitTrigger'));
    return events;
  }
  if (state.waiting === undefined || state.waiting.kind !== 'trigger') return events;
  const step = stepById(context.definition, state.waiting.stepId);
  if (step.type !== 'waitForTrigger' || step.trigger !== offered.name) return events;
  const fromOutside = offered.chain === undefined;
  const run = runFor(state, context, fromOutside, offered.chain ?? 0);
  const match = matchTrigger(step, run, offered, state.bindingId, Date.parse(state.waiting.dueAt));
  if (match === null) return events;
  const matched = newRun(
    run.ref,
    match.trigger,
    state.actions,
    state.stepsEntered,
    context,
    run.spin,
    run.causeChain,
    state.experiments,
  );
  for (const event of continueAfter(match, step.id, matched, context.definition)) events.push(event);
  return events;
}

/** The goal counts once per instance, within the goal window (rules/goal.ts). */
function countGoal(trigger: OfferedTrigger, state: StartedInstanceState, context: InstanceContext): InstanceEvent[] {
  if (state.goalReached || context.definition.goal?.trigger !== trigger.name) return [];
  if (!withinGoalWindow(state.status === 'active', state.endedAt, context.now.getTime())) return [];
  const data = eventData(refAt(state, context), { trigger: trigger.name, triggerId: trigger.id });
  return [{ type: 'GoalReached', data }];
}

/** A step's own events, then on from where its outcome leads. */
function continueAfter(
  result: StepResult,
  stepId: string,
  run: StepRun,
  definition: JourneyDefinition,
): InstanceEvent[] {
  const events = result.events;
  if (result.then.kind === 'next') advance(events, result.then.stepId, stepId, run, definition);
  return events;
}

/**
 * Runs steps from `from` until one holds the customer or the journey ends. `previous` is the step
 * the customer comes from: the path ends there (CustomerCompleted) when `from` is undefined.
 */
function advance(
  events: InstanceEvent[],
  from: string | undefined,
  previous: string,
  start: StepRun,
  definition: JourneyDefinition,
): void {
  const run = start as Mutable<StepRun>; // this decision's own object: updated per step, not shared
  const enteredNow: string[] = [];
  const limit = loopLimit(definition);
  let stepId = from;
  let lastStepId = previous;
  while (stepId !== undefined) {
    if (run.paused) {
      events.push({ type: 'CustomerHeld', data: eventData(run.ref, { stepId, reason: 'paused' }) });
      return;
    }
    if (run.spin >= limit) {
      events.push({ type: 'CustomerExited', data: eventData(run.ref, { reason: 'loopLimit', stepId: lastStepId }) });
      return;
    }
    if (enteredNow.length >= MAX_STEPS_PER_DECISION) {
      throw new Error(`Instance ${run.ref.instanceId} passed ${MAX_STEPS_PER_DECISION} steps without a wait`);
    }
    const step = stepById(definition, stepId);
    run.visit += 1;
    run.spin += 1;
    run.revisit = enteredNow.includes(stepId);
    enteredNow.push(stepId);
    events.push({ type: 'StepEntered', data: eventData(run.ref, { stepId, stepType: step.type }) });
    const result = enterStep(step, run);
    for (const event of result.events) events.push(event);
    if (result.then.kind !== 'next') return;
    lastStepId = stepId;
    stepId = result.then.stepId;
  }
  events.push({ type: 'CustomerCompleted', data: eventData(run.ref, { stepId: lastStepId }) });
}

function enterStep(step: Step, run: StepRun): StepResult {
  switch (step.type) {
    case 'send':
      return requestAction(step, run);
    case 'wait':
      return enterWait(step, run);
    case 'waitForTrigger':
      return enterWaitForTrigger(step, run);
    case 'branch':
      return takeBranch(step, run);
    case 'split':
      return assignSplit(step, run);
    case 'activateTrigger':
      return activateTrigger(step, run);
    case 'exit':
      return exitJourney(step, run);
    default:
      return unreachable(step);
  }
}

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

function refAt(state: StartedInstanceState, context: InstanceContext): InstanceRef {
  return refOf(state.ref, context.now);
}

function refOf(ref: Omit<InstanceRef, 'at'>, now: Date): InstanceRef {
  const { instanceId, journeyId, version, customerId, entry } = ref;
  return { instanceId, journeyId, version, customerId, entry, at: now.toISOString() };
}

/** A run continuing the instance; `fromOutside`: the decision answers a trigger from outside. */
function runFor(
  state: StartedInstanceState,
  context: InstanceContext,
  fromOutside: boolean,
  causeChain: number,
): StepRun {
  const ref = refAt(state, context);
  const spin = spinBefore(
    state.spinAt === undefined ? undefined : { at: state.spinAt, steps: state.spinSteps ?? 0 },
    ref.at,
    fromOutside,
  );
  return newRun(ref, state.trigger, state.actions, state.stepsEntered, context, spin, causeChain, state.experiments);
}

function newRun(
  ref: InstanceRef,
  trigger: Readonly<Record<string, unknown>>,
  actions: Readonly<Record<string, string>>,
  stepsEntered: number,
  context: InstanceContext,
  spin: number,
  causeChain: number,
  /** The instance's own experiment assignments (a loop passes a split again). */
  assignments?: Readonly<Record<string, unknown>>,
): StepRun {
  const run: Mutable<StepRun> = {
    ref,
    now: context.now,
    nowMs: context.now.getTime(),
    timeZone: journeyTimeZone(context.definition),
    trigger,
    profile: context.profile,
    inSegment: (segmentId) => context.inSegment(segmentId),
    actions,
    visit: stepsEntered,
    revisit: false,
    spin,
    causeChain,
    paused: context.paused === true,
    experiments: context.experiments,
    assignedBefore: (stepId) => assignments?.[stepId] !== undefined || context.assignedBefore?.(stepId) === true,
  };
  // The decision's own copy: its sends count against the caps for its later sends.
  if (context.delivery !== undefined) {
    const { settings, customer } = context.delivery;
    run.delivery = { settings, customer, journey: context.definition.delivery };
  }
  return run;
}

/** Steps by id, built once per definition (the engine keeps one definition object per version). */
const stepIndexes = new WeakMap<readonly Step[], Map<string, Step>>();

function stepById(definition: JourneyDefinition, stepId: string): Step {
  let index = stepIndexes.get(definition.steps);
  if (index === undefined) {
    index = new Map();
    for (const step of definition.steps) if (!index.has(step.id)) index.set(step.id, step);
    stepIndexes.set(definition.steps, index);
  }
  const step = index.get(stepId);
  if (step === undefined) throw new Error(`Journey ${definition.name} has no step ${stepId}`);
  return step;
}

function unreachable(value: never): never {
  throw new Error(`Unhandled ${JSON.stringify(value)}`);
}
