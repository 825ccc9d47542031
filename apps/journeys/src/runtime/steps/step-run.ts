import {
  WAIT_MAX_MS,
  addDuration,
  parseIsoDuration,
  parseIsoInstant,
  type AttributeReference,
  type ConditionContext,
  type IsoDuration,
} from '@journeys/definition';
import type { DeliverySettings, JourneyDelivery } from '@journeys/definition';
import type { InstanceEvent, InstanceRef } from '../instance.events';
import type { CustomerDelivery } from '../rules/delivery';

/**
 * What a step sees while a customer passes it. It is also the condition context, so branches
 * evaluate conditions against it without building another object.
 */
export interface StepRun extends ConditionContext {
  /** The instance fields and the decision time every event carries. */
  readonly ref: InstanceRef;
  readonly now: Date;
  readonly nowMs: number;
  /** The journey's time zone: calendar arithmetic and local `until` times are read in it. */
  readonly timeZone: string;
  /** send-step id -> actionId of the instance's latest action from that step. */
  readonly actions: Readonly<Record<string, string>>;
  /** StepEntered events of the instance so far, this step's included: makes ids unique across loops. */
  readonly visit: number;
  /** The step was already entered earlier in this same decision (a loop through a wait that did not hold). */
  readonly revisit: boolean;
  /** Steps entered with no time passing and no trigger from outside, this one included (rules/loop-guard.ts). */
  readonly spin: number;
  /** The chain of the raised trigger that caused this decision; 0 for anything else (rules/loop-guard.ts). */
  readonly causeChain: number;
  /** What the delivery controls read (rules/delivery.ts); absent: every send goes out. */
  readonly delivery?: DeliveryRun;
  /** The version is paused: the customer is held before the next step instead of entering it. */
  readonly paused?: boolean;
  /** The version's concluded experiments by split step id, and their winner (if any). */
  readonly experiments?: ReadonlyMap<string, { winner: number | null }>;
  /** Whether the customer was assigned at this split step before (in this instance or an earlier one of the version). */
  readonly assignedBefore?: (stepId: string) => boolean;
}

/**
 * The delivery facts of one decision: the settings, the journey's `delivery`, and the customer's
 * consents and counted sends, which a send of this decision updates for the next one.
 */
export interface DeliveryRun {
  readonly settings: DeliverySettings;
  readonly journey: JourneyDelivery | undefined;
  customer: CustomerDelivery;
}

/** Where the customer goes after a step. */
export type StepOutcome =
  /** On to `stepId`; none: the path ends and the customer completes. */
  | { readonly kind: 'next'; readonly stepId: string | undefined }
  /** Held on a timer (WaitScheduled emitted): the decision stops here. */
  | { readonly kind: 'hold' }
  /** Left the journey (CustomerExited emitted). */
  | { readonly kind: 'end' };

export interface StepResult {
  events: InstanceEvent[];
  then: StepOutcome;
}

export const HOLD: StepOutcome = { kind: 'hold' };
export const END: StepOutcome = { kind: 'end' };

export function goTo(stepId: string | undefined): StepOutcome {
  return { kind: 'next', stepId };
}

/**
 * The data of an event of this instance: the InstanceRef fields, then `fields`. Copied field by
 * field: on Node 20, `{ ...ref, more }` costs some forty times as much, and this runs for every event.
 */
export function eventData<Fields extends object>(ref: InstanceRef, fields: Fields): InstanceRef & Fields {
  const data: InstanceRef = {
    instanceId: ref.instanceId,
    journeyId: ref.journeyId,
    version: ref.version,
    customerId: ref.customerId,
    entry: ref.entry,
    at: ref.at,
  };
  return Object.assign(data, fields);
}

const hasOwn = Object.prototype.hasOwnProperty;

export function ownValue<T>(record: Readonly<Record<string, T>>, key: string): T | undefined {
  return hasOwn.call(record, key) ? record[key] : undefined;
}

/** `trigger.x` / `profile.y` of this instance; null counts as missing, inherited properties never match. */
export function readAttribute(reference: AttributeReference, context: ConditionContext): unknown {
  const dot = reference.indexOf('.');
  const source = reference.slice(0, dot);
  const record = source === 'trigger' ? context.trigger : source === 'profile' ? context.profile : undefined;
  if (record === undefined || record === null || typeof record !== 'object') return undefined;
  const value = ownValue(record, reference.slice(dot + 1));
  return value === null ? undefined : value;
}

/** Epoch ms of an attribute holding a date-time (ISO text, read as UTC without an offset, or a Date). */
export function instantOf(value: unknown): number | null {
  if (typeof value === 'string') return parseIsoInstant(value);
  if (value instanceof Date) {
    const time = value.getTime();
    return Number.isNaN(time) ? null : time;
  }
  return null;
}

/** Definitions hold few distinct durations; parsing each once keeps regex work off the hot path. */
const durations = new Map<string, IsoDuration | null>();
const DURATION_CACHE_MAX = 10_000;

export function cachedDuration(text: string): IsoDuration | null {
  let duration = durations.get(text);
  if (duration === undefined) {
    duration = parseIsoDuration(text);
    if (durations.size >= DURATION_CACHE_MAX) durations.clear();
    durations.set(text, duration);
  }
  return duration;
}

/** `from` + the ISO duration `text` in the journey's zone, in epoch ms; null when `text` is not a duration. */
export function plusDurationMs(from: Date, text: string, timeZone: string): number | null {
  const duration = cachedDuration(text);
  return duration === null ? null : addDuration(from, duration, timeZone).getTime();
}

/** Waits and `within` never hold a customer longer than 90 days from now. */
export function capWaitMs(dueMs: number, nowMs: number): number {
  return Math.min(dueMs, nowMs + WAIT_MAX_MS);
}

/** Timer ids name the visit, so a timer from an earlier pass of a loop never fires a later one. */
export function timerIdFor(run: StepRun, stepId: string): string {
  return `${run.ref.instanceId}:${stepId}:${run.visit}`;
}

/** Holds the customer on a new timer due at `dueMs` (a `wait`, or the time limit of a `waitForTrigger`). */
export function holdOnTimer(run: StepRun, stepId: string, dueMs: number, kind: 'wait' | 'trigger'): StepResult {
  return {
    events: [
      {
        type: 'WaitScheduled',
        data: eventData(run.ref, {
          stepId,
          timerId: timerIdFor(run, stepId),
          dueAt: new Date(dueMs).toISOString(),
          kind,
        }),
      },
    ],
    then: HOLD,
  };
}
