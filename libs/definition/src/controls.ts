/**
 * Delivery controls of a journey version that the engine enforces beyond its steps (issue 16):
 * pausing, rate-limited entry and A/B tests that pick a winner (a `split` step's `experiment`). Each is part of the definition, checked at publish
 * (`validate-controls.ts`) and read by the engine's pure rules.
 */
import type { JourneyDefinition } from './journey-definition';

/**
 * How long a version may stay paused, and how a pause that lasts that long ends by itself. Default
 * `{ "maxDuration": "P21D", "whenExceeded": "resume" }` (Dynamics 365 allows 21 days; Adobe Journey
 * Optimizer resumes at the end of the pause period).
 */
export interface PauseRules {
  /** An ISO 8601 duration, positive and at most 90 days. */
  maxDuration?: string;
  /** `resume` (default): the version goes Live again; `stop`: it is stopped as a user's stop would. */
  whenExceeded?: 'resume' | 'stop';
}

export const DEFAULT_PAUSE_RULES: Required<PauseRules> = Object.freeze({ maxDuration: 'P21D', whenExceeded: 'resume' });

/** The version's pause rules with the defaults filled in. */
export function pauseRules(definition: Pick<JourneyDefinition, 'pause'>): Required<PauseRules> {
  return {
    maxDuration: definition.pause?.maxDuration ?? DEFAULT_PAUSE_RULES.maxDuration,
    whenExceeded: definition.pause?.whenExceeded ?? DEFAULT_PAUSE_RULES.whenExceeded,
  };
}

export const WEEKDAYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const;
export type Weekday = (typeof WEEKDAYS)[number];

/** The periods an entry limit counts over: an hour, or a day, of the journey's time zone. */
export const ENTRY_LIMIT_PERIODS = ['PT1H', 'P1D'] as const;
export type EntryLimitPeriod = (typeof ENTRY_LIMIT_PERIODS)[number];

/**
 * `audience.entryLimit`: at most `count` entries `per` hour or day, spread evenly over the period
 * (one entry slot every period / count, never released in bursts), optionally only on `weekdays`
 * and between `hours.from` and `hours.to`, in the journey's time zone. With `hours` and `P1D` the
 * day's count is spread over those hours; with `PT1H` an hour's slots outside them are not used.
 */
export interface EntryLimit {
  /** A whole number of at least 1. */
  count: number;
  per: EntryLimitPeriod;
  /** Days entries are allowed on; default every day. */
  weekdays?: Weekday[];
  /** Local times `HH:MM`, `from` before `to` (`to` may be `24:00`); default the whole day. */
  hours?: { from: string; to: string };
}

/** The most entries an entry limit may allow per period. */
export const ENTRY_LIMIT_MAX_COUNT = 1_000_000;

/**
 * What counts as a conversion in an experiment: the journey's goal, or a named trigger, reached
 * within `within` (an ISO duration, at most 90 days) of the customer's assignment at the split.
 */
export type ExperimentMetric = { type: 'goal'; within: string } | { type: 'trigger'; trigger: string; within: string };

/**
 * A `split` step that is an A/B test: once the decision is due (`decideAfter` the version went
 * live, or once every branch has `sampleSize` customers whose conversion window has closed), the
 * engine compares the branches' conversion rates with two-proportion z-tests at the two-sided
 * `significance` level (default 0.05); a branch significantly better than every other one wins and
 * later customers go down it (those assigned before keep their branch). Without one the split keeps
 * its weights. Exactly one of `decideAfter` and `sampleSize`.
 */
export interface Experiment {
  metric: ExperimentMetric;
  decideAfter?: string;
  sampleSize?: number;
  significance?: number;
}

export const DEFAULT_SIGNIFICANCE = 0.05;
/** The most customers per branch an experiment may wait for. */
export const EXPERIMENT_MAX_SAMPLE = 10_000_000;
/** The longest an experiment may run before its decision, in days. */
export const EXPERIMENT_MAX_DAYS = 365;
