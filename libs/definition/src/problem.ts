/**
 * One thing wrong with a definition. `path` is a JSON path into the submitted definition
 * (`$.steps[2].next`, `$.steps[0].attributes['first name']`) so that a UI can point at the field.
 */
export interface DefinitionProblem {
  /** One of {@link ProblemCode}; typed as string so problems stored by newer versions still read. */
  code: string;
  path: string;
  message: string;
}

/**
 * Stable problem codes: clients match on them, so they are never renamed. Shape codes come from
 * `parseDefinition` (draft create/update); the others from `validateForPublish`.
 */
export const ProblemCode = {
  // Shape (parseDefinition)
  /** A required field is missing or null (also: none of `duration`/`until`/`untilAttribute` on a wait). */
  Required: 'Required',
  /** The value has the wrong JSON type (a number where text is expected, a list where an object is ...). */
  WrongType: 'WrongType',
  /** A text field is empty or blank. */
  TooShort: 'TooShort',
  /** A text or a list is longer than its limit (`LIMITS`). */
  TooLong: 'TooLong',
  /** A field the format does not define here: often a typo or a field of another step or audience type. */
  UnknownField: 'UnknownField',
  /** Not one of the allowed values (audience type, channel, operator, re-entry or frequency mode). */
  InvalidValue: 'InvalidValue',
  /** A step `type` that does not exist. */
  UnknownStepType: 'UnknownStepType',
  /** Fields that exclude each other (a wait with both `duration` and `until`, `offset` without `untilAttribute`). */
  ConflictingFields: 'ConflictingFields',
  /** Not an ISO 8601 duration (`PT30M`, `P2D`, `P1Y2M`), or zero/negative where a positive one is needed. */
  InvalidDuration: 'InvalidDuration',
  /** Not an ISO 8601 date-time (`2026-12-01T09:00:00`, optionally with `Z` or `+01:00`). */
  InvalidDateTime: 'InvalidDateTime',
  /** The schedule's start is not a date-time. */
  InvalidStartTime: 'InvalidStartTime',
  /** The schedule's end is not a date-time, or is already past at publish. */
  InvalidEndTime: 'InvalidEndTime',
  /** Not `trigger.<name>` or `profile.<name>`. */
  InvalidAttributeReference: 'InvalidAttributeReference',
  /** An attribute name that cannot be used as a key (`__proto__`). */
  InvalidAttributeName: 'InvalidAttributeName',
  /** A condition of no known shape, or whose value does not fit its operator (or, at publish, its attribute). */
  InvalidCondition: 'InvalidCondition',
  /** Conditions nested deeper than `LIMITS.conditionMaxDepth`. */
  ConditionTooDeep: 'ConditionTooDeep',

  // Steps and graph (validateForPublish)
  /** The journey has no step. */
  NoSteps: 'NoSteps',
  /** More steps than `LIMITS.stepsMax`. */
  TooManySteps: 'TooManySteps',
  /** Two steps share an id; reported on every step after the first. */
  DuplicateStepId: 'DuplicateStepId',
  /** A `next`, `yes`, `no`, `otherwise` or branch target names no step. */
  UnknownStep: 'UnknownStep',
  /** No path from the first step leads to this step. */
  UnreachableStep: 'UnreachableStep',
  /** Steps that lead back to themselves with no `wait` or `waitForTrigger` between: a customer would loop forever at once. */
  CycleWithoutWait: 'CycleWithoutWait',
  /**
   * Customers could go round without time passing although a wait lies on the way: every wait of a
   * cycle can take no time (`until` / `untilAttribute` in the past, a `waitForTrigger` whose trigger
   * the cycle raises itself), or the journey raises its own entry trigger with re-entry `always`.
   */
  ZeroTimeCycle: 'ZeroTimeCycle',
  /** A branch step with no branch, or a split with fewer than two. */
  TooFewBranches: 'TooFewBranches',
  /** More than `LIMITS.branchesMax` branches. */
  TooManyBranches: 'TooManyBranches',
  /** A split weight that is not a positive number. */
  InvalidWeight: 'InvalidWeight',
  /** A wait or `within` longer than 90 days (months count as 31 days, years as 366). */
  WaitTooLong: 'WaitTooLong',
  /** A `wait.until` that is already past. */
  WaitUntilTimeInPast: 'WaitUntilTimeInPast',
  /** `correlate` names no step. */
  UnknownCorrelatedStep: 'UnknownCorrelatedStep',
  /** `correlate` names a step that is not a `send` step. */
  CorrelatedStepNotSend: 'CorrelatedStepNotSend',
  /** `correlate` names a send step from which the waiting step cannot be reached. */
  CorrelatedStepNotBefore: 'CorrelatedStepNotBefore',

  // Audience, schedule, goal (validateForPublish)
  /** A segment-based journey with no segment. */
  NoSegments: 'NoSegments',
  /** More than `LIMITS.segmentsMax` segments in one list (audience, exclusion or exit segments). */
  TooManySegments: 'TooManySegments',
  /** `rejoinReentry: true` on a journey whose frequency is not `dynamic`. */
  RejoinReentryRequiresDynamic: 'RejoinReentryRequiresDynamic',
  /** `occurrences` that is not a whole number of at least 1. */
  InvalidOccurrences: 'InvalidOccurrences',
  /** A goal percent outside (0, 100] or a count that is not a whole number of at least 1. */
  InvalidGoalTarget: 'InvalidGoalTarget',
  /** Not a time zone name the service knows (IANA, e.g. `Europe/Paris`). */
  InvalidTimeZoneName: 'InvalidTimeZoneName',
  /** The schedule's end is not after its start. */
  InvalidTimeRange: 'InvalidTimeRange',

  // Delivery controls (validateForPublish, validate-controls.ts)
  /** `pause.maxDuration` longer than 90 days. */
  PauseTooLong: 'PauseTooLong',
  /** An entry limit whose count is not a whole number from 1 to 1,000,000, or whose weekdays are empty or repeated. */
  InvalidEntryLimit: 'InvalidEntryLimit',
  /** Not a local time `HH:MM` (00:00 to 24:00), or entry hours whose `to` is not after `from`. */
  InvalidLocalTime: 'InvalidLocalTime',
  /**
   * An experiment that cannot decide: a goal metric without a goal, a window over 90 days, a
   * decision no later than the window or more than 365 days ahead, a sample size or significance out of range.
   */
  InvalidExperiment: 'InvalidExperiment',

  // References (validateForPublish)
  /** No trigger definition has this name. */
  TriggerNotFound: 'TriggerNotFound',
  /** The trigger definition exists but is not Ready yet. */
  TriggerNotReady: 'TriggerNotReady',
  /** `trigger.<name>` names an attribute that the relevant trigger definition(s) do not have. */
  UnknownTriggerAttribute: 'UnknownTriggerAttribute',
  /** A value whose type does not match the attribute's declared type. */
  AttributeTypeMismatch: 'AttributeTypeMismatch',
  /** Another journey already has this name. */
  DuplicateJourneyName: 'DuplicateJourneyName',

  // Delivery controls (validateForPublish, and the delivery settings)
  /** Quiet hours that start and end at the same time. */
  InvalidQuietHours: 'InvalidQuietHours',
  /** A frequency cap whose period is longer than allowed. */
  InvalidFrequencyCap: 'InvalidFrequencyCap',
  /** Two frequency caps of one channel over the same period. */
  DuplicateFrequencyCap: 'DuplicateFrequencyCap',
} as const;

export type ProblemCode = (typeof ProblemCode)[keyof typeof ProblemCode];

export function problem(code: ProblemCode, path: string, message: string): DefinitionProblem {
  return { code, path, message };
}

/** Collects the problems of one check; the publish rules report into it and never throw. */
export class ProblemSink {
  readonly problems: DefinitionProblem[] = [];

  report(code: ProblemCode, path: string, message: string): void {
    this.problems.push(problem(code, path, message));
  }
}

/** Text shortened for a message, so a huge value never makes a huge error. */
export function truncate(text: string, max = 60): string {
  return text.length <= max ? text : `${text.slice(0, max)}...`;
}
