import { journeyTimeZone, type DeliverySettings, type JourneyDefinition, type Step } from '@journeys/definition';
import type {
  ActionCancelReason,
  CustomerEntered,
  CustomerExited,
  ExitReason,
  InstanceEvent,
  InstanceRef,
} from './instance.events';
import { bindingAccepts } from './rules/correlation';
import type { CustomerDelivery } from './rules/delivery';
import { withinGoalWindow } from './rules/goal';
import { loopLimit, spinBefore } from './rules/loop-guard';
import { activateTrigger } from './steps/activate-trigger.step';
import { takeBranch } from './steps/branch.step';
import { exitJourney } from './steps/exit.step';
import { heldUntil, releaseSend, requestAction } from './steps/send.step';
import { assignSplit } from './steps/split.step';
import { eventData, type StepResult, type StepRun } from './steps/step-run';
import {
  enterWaitForTrigger,
  matchTrigger,
  timeOutTriggerWait,
  type OfferedTrigger,
} from './steps/wait-for-trigger.step';
import { endWait, enterWait } from './steps/wait.step';

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

export type InstanceStatus = 'active' | 'completed' | 'exited' | 'removed';

/** The timer an active instance is held on; `send`: a send held by quiet hours (SendHeld). */
export interface InstanceWaiting {
  kind: 'wait' | 'trigger' | 'send';
  stepId: string;
  timerId: string;
  dueAt: string;
  /** `send`: the held message's id and expiry. */
  actionId?: string;
  expiresAt?: string;
}

export interface StartedInstanceState {
  status: InstanceStatus;
  ref: Omit<InstanceRef, 'at'>;
  bindingId?: string;
  /** Attributes `trigger.*` reads: the starting trigger's, overlaid by every matched trigger's. */
  trigger: Record<string, unknown>;
  currentStepId?: string;
  waiting?: InstanceWaiting;
  /** send-step id -> actionId of the latest action requested there. */
  actions: Record<string, string>;
  goalReached: boolean;
  endedAt?: string;
  /** StepEntered events so far: the `n` of timer and trigger ids. */
  stepsEntered: number;
  /** The loop guard's count: steps entered at `spinAt` with no trigger from outside since (rules/loop-guard.ts). */
  spinAt?: string;
  spinSteps?: number;
}

export type InstanceState = { status: 'new' } | StartedInstanceState;

export const initialState = (): InstanceState => ({ status: 'new' });

/** Everything impure a decision needs, passed in by the engine. */
export interface InstanceContext {
  /** The definition of the instance's version. */
  definition: JourneyDefinition;
  /** The logical time of the decision. */
  now: Date;
  /** What `profile.*` reads. */
  profile: Readonly<Record<string, unknown>>;
  inSegment(segmentId: string): boolean;
  /** What the delivery controls read (rules/delivery.ts); absent: every send goes out, as before they existed. */
  delivery?: { settings: DeliverySettings; customer: CustomerDelivery };
}

export type InstanceCommand =
  | {
      type: 'Enter';
      ref: Omit<InstanceRef, 'at'>;
      trigger?: { id: string; name: string; attributes: Record<string, unknown> };
      /** Set when the entering trigger was raised by a journey: its chain (rules/loop-guard.ts). */
      chain?: number;
      bindingId?: string;
      segmentId?: string;
    }
  | { type: 'FireTimer'; timerId: string }
  /**
   * A later trigger of the customer, offered to each of their instances whose journey names it. Its
   * effects come in one order, so that none hides another: the goal is counted first, then the
   * customer exits on an exit trigger, else a waiting `waitForTrigger` may match it. All three apply
   * the one correlation rule ({@link bindingAccepts}).
   */
  | { type: 'OfferTrigger'; trigger: OfferedTrigger }
  | { type: 'Exit'; reason: 'exitTrigger' | 'exitSegment' }
  /** The version was stopped. */
  | { type: 'Remove' }
  /**
   * No reader was handed this action of the instance before its version was stopped, or before it
   * expired: it is withdrawn.
   */
  | { type: 'CancelAction'; actionId: string; stepId: string; reason: ActionCancelReason };

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
  const matched = newRun(run.ref, match.trigger, state.actions, state.stepsEntered, context, run.spin, run.causeChain);
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
  return newRun(ref, state.trigger, state.actions, state.stepsEntered, context, spin, causeChain);
}

function newRun(
  ref: InstanceRef,
  trigger: Readonly<Record<string, unknown>>,
  actions: Readonly<Record<string, string>>,
  stepsEntered: number,
  context: InstanceContext,
  spin: number,
  causeChain: number,
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
      return changed(state, { currentStepId: stepId, stepsEntered: state.stepsEntered + 1, spinAt: at, spinSteps });
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
      return changed(state, { status: 'completed', waiting: undefined, endedAt: event.data.at });
    case 'CustomerExited':
      return changed(state, { status: 'exited', waiting: undefined, endedAt: event.data.at });
    case 'CustomerRemoved':
      return changed(state, { status: 'removed', waiting: undefined, endedAt: event.data.at });
    case 'BranchTaken':
    case 'SplitAssigned':
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
  };
  return Object.assign(copy, changes);
}

export function fold(events: Iterable<InstanceEvent>, state: InstanceState = initialState()): InstanceState {
  let current = state;
  for (const event of events) current = evolve(current, event);
  return current;
}

function unreachable(value: never): never {
  throw new Error(`Unhandled ${JSON.stringify(value)}`);
}
