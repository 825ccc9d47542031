import type { EntryLimit, Experiment, PauseRules } from './controls';

/**
 * The journey definition (CONTRACT section 1) as typed data. `parseDefinition` (`@journeys/contract`) turns untrusted JSON
 * into these types; everything downstream (validator, engine, projections) trusts them.
 *
 * Optional fields are either present with a value of the stated type or absent (never `undefined`
 * in a parsed definition), so a definition survives a JSON round trip unchanged.
 */

import type { JourneyDelivery, QuietHoursMode } from './delivery';

/** An attribute of the trigger(s) of the instance (`trigger.plan`) or of the customer (`profile.tier`). */
export type AttributeReference = `trigger.${string}` | `profile.${string}`;

/** A value a condition compares against or an `activateTrigger` step sets. `null` is never a value. */
export type ScalarValue = string | number | boolean;

export const CONDITION_OPERATORS = [
  'eq',
  'ne',
  'gt',
  'gte',
  'lt',
  'lte',
  'in',
  'contains',
  'exists',
  'before',
  'after',
] as const;
export type ConditionOperator = (typeof CONDITION_OPERATORS)[number];

/** `eq ne gt gte lt lte contains`: compares the attribute with one value. */
export interface CompareCondition {
  attribute: AttributeReference;
  op: 'eq' | 'ne' | 'gt' | 'gte' | 'lt' | 'lte' | 'contains';
  value: ScalarValue;
}

/** `in`: the attribute equals one of the listed values. */
export interface InCondition {
  attribute: AttributeReference;
  op: 'in';
  value: ScalarValue[];
}

/** `before` / `after`: the attribute is a date-time earlier / later than `value` (with `Z` or an offset). */
export interface TimeCondition {
  attribute: AttributeReference;
  op: 'before' | 'after';
  value: string;
}

/** `exists`: the attribute has a value (`value` true, the default) or has none (`value` false). */
export interface ExistsCondition {
  attribute: AttributeReference;
  op: 'exists';
  value?: boolean;
}

export type LeafCondition = CompareCondition | InCondition | TimeCondition | ExistsCondition;

export interface InSegmentCondition {
  inSegment: string;
}
/** Every sub-condition holds; an empty list holds. */
export interface AllCondition {
  all: Condition[];
}
/** At least one sub-condition holds; an empty list never holds. */
export interface AnyCondition {
  any: Condition[];
}
export interface NotCondition {
  not: Condition;
}

export type Condition = LeafCondition | InSegmentCondition | AllCondition | AnyCondition | NotCondition;

/** A condition seen through its shape; the union is keyed by which field is present, not by a tag. */
export type ConditionShape =
  | { kind: 'leaf'; leaf: LeafCondition }
  | { kind: 'inSegment'; segmentId: string }
  | { kind: 'all'; conditions: Condition[] }
  | { kind: 'any'; conditions: Condition[] }
  | { kind: 'not'; condition: Condition };

export function conditionShape(condition: Condition): ConditionShape {
  if ('attribute' in condition) return { kind: 'leaf', leaf: condition };
  if ('inSegment' in condition) return { kind: 'inSegment', segmentId: condition.inSegment };
  if ('all' in condition) return { kind: 'all', conditions: condition.all };
  if ('any' in condition) return { kind: 'any', conditions: condition.any };
  return { kind: 'not', condition: condition.not };
}

/** Whether a customer may start a trigger-based journey again. Default `{ mode: 'never' }`. */
export type Reentry = { mode: 'never' } | { mode: 'always' } | { mode: 'after'; after: string };

/**
 * How a segment-based journey admits members. Default `{ mode: 'once' }`.
 * - `once`: the members at start.
 * - `dynamic`: the members at start and everyone who joins later.
 * - `recurring`: every member on every run; a run every `every` from the start, `occurrences` runs
 *   (unbounded until the end time or a stop when absent).
 */
export type Frequency =
  { mode: 'once' } | { mode: 'dynamic' } | { mode: 'recurring'; every: string; occurrences?: number };

export interface TriggerAudience {
  type: 'trigger';
  trigger: string;
  /** Evaluated against the entering trigger (`trigger.*`) and the profile when a customer arrives. */
  conditions?: Condition;
  reentry?: Reentry;
  exclusionSegments?: string[];
  /** At most so many entries per hour or day, spread evenly; the overflow waits up to one period, else is blocked. */
  entryLimit?: EntryLimit;
}

export interface SegmentAudience {
  type: 'segment';
  segments: string[];
  frequency?: Frequency;
  /** `dynamic` only: members who leave and re-join may enter again. Default false. */
  rejoinReentry?: boolean;
  exclusionSegments?: string[];
  /** At most so many entries per hour or day, spread evenly; the enrolment enters the rest in order, later. */
  entryLimit?: EntryLimit;
}

export type Audience = TriggerAudience | SegmentAudience;

/**
 * `start` and `end` are ISO date-times; without an offset (`2026-12-01T09:00:00`) they are read in
 * `timeZone` (default `UTC`), which is also the zone of `wait.until`. No start: entries begin at
 * publish. No end: entries continue until the journey is stopped.
 */
export interface Schedule {
  start?: string;
  end?: string;
  timeZone?: string;
}

export const DEFAULT_TIME_ZONE = 'UTC';

/** The zone the journey's local times (schedule, `wait.until`) are read in. */
export function journeyTimeZone(definition: Pick<JourneyDefinition, 'schedule'>): string {
  return definition.schedule?.timeZone ?? DEFAULT_TIME_ZONE;
}

/** Customers leave at once, from any step, on any of these triggers or when they join any segment. */
export interface ExitRules {
  triggers?: string[];
  segments?: string[];
}

export type GoalTarget = { percent: number } | { count: number };

export interface Goal {
  trigger: string;
  target: GoalTarget;
}

export const STEP_TYPES = ['send', 'wait', 'waitForTrigger', 'branch', 'split', 'activateTrigger', 'exit'] as const;
export type StepType = (typeof STEP_TYPES)[number];

export const CHANNELS = ['email', 'sms', 'push', 'custom'] as const;
export type Channel = (typeof CHANNELS)[number];

/**
 * Requests a message, under the delivery controls (docs/delivery-controls.md). `expires` (an ISO
 * duration): a message not handed out within it (held by quiet hours, or waiting in the output) is
 * cancelled (reason `Expired`) and the customer goes on. `topic`: the consent topic the message
 * needs besides its channel. `transactional`: needs no consent, is not capped, ignores quiet hours
 * (overrides the journey's `delivery.transactional`). `quietHours`: what this send does inside quiet
 * hours (overrides the journey's mode).
 */
export interface SendStep {
  id: string;
  type: 'send';
  channel: Channel;
  content: string;
  expires?: string;
  topic?: string;
  transactional?: boolean;
  quietHours?: QuietHoursMode;
  next?: string;
}

/**
 * Holds the customer on a durable timer. Exactly one of `duration` (ISO duration), `until` (a
 * date-time, read in the schedule's time zone when it has no offset) or `untilAttribute` (a
 * date-time attribute, shifted by `offset`, an ISO duration that may start with `-`).
 */
export interface WaitStep {
  id: string;
  type: 'wait';
  duration?: string;
  until?: string;
  untilAttribute?: AttributeReference;
  offset?: string;
  next?: string;
}

/**
 * Waits up to `within` for a trigger of this customer; `trigger.*` in `conditions` reads the arriving
 * trigger. `correlate` names a `send` step whose `actionId` the trigger must carry.
 */
export interface WaitForTriggerStep {
  id: string;
  type: 'waitForTrigger';
  trigger: string;
  conditions?: Condition;
  correlate?: string;
  within: string;
  yes?: string;
  no?: string;
}

export interface ConditionalBranch {
  if: Condition;
  next?: string;
}

/** The first branch whose condition holds wins; else `otherwise`. */
export interface BranchStep {
  id: string;
  type: 'branch';
  branches: ConditionalBranch[];
  otherwise?: string;
}

/** A branch without `next` completes the journey: a hold-out (control) group. */
export interface WeightedBranch {
  weight: number;
  next?: string;
}

export interface SplitStep {
  id: string;
  type: 'split';
  branches: WeightedBranch[];
  /** An A/B test that picks a winner (controls.ts). */
  experiment?: Experiment;
}

/** An attribute value of an activated trigger: a literal or a copy of an attribute of this instance. */
export type AttributeMapping = ScalarValue | { from: AttributeReference };

export interface ActivateTriggerStep {
  id: string;
  type: 'activateTrigger';
  trigger: string;
  attributes?: Record<string, AttributeMapping>;
  next?: string;
}

export interface ExitStep {
  id: string;
  type: 'exit';
}

/** A step; one without a successor (`next`, `yes`, ...) completes the customer's journey. */
export type Step = SendStep | WaitStep | WaitForTriggerStep | BranchStep | SplitStep | ActivateTriggerStep | ExitStep;

export interface JourneyDefinition {
  name: string;
  description?: string;
  audience: Audience;
  schedule?: Schedule;
  exit?: ExitRules;
  goal?: Goal;
  /** Journey-wide delivery controls: transactional sends, quiet hours (docs/delivery-controls.md). */
  delivery?: JourneyDelivery;
  /** How long a pause may last, and how it ends by itself (controls.ts). */
  pause?: PauseRules;
  /** The first step is where every customer starts. */
  steps: Step[];
}
