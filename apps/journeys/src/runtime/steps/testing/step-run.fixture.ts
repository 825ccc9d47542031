import type { StepRun } from '../step-run';

/** The instant every step test runs at. */
export const NOW = new Date('2026-03-10T09:00:00.000Z');

/** A step run for instance `j1_1_c1_1` at {@link NOW} in UTC with empty attributes; override what a test needs. */
export function stepRun(overrides: Partial<StepRun> = {}): StepRun {
  const now = overrides.now ?? NOW;
  return {
    ref: { instanceId: 'j1_1_c1_1', journeyId: 'j1', version: 1, customerId: 'c1', entry: 1, at: now.toISOString() },
    now,
    nowMs: now.getTime(),
    timeZone: 'UTC',
    trigger: {},
    profile: {},
    inSegment: () => false,
    actions: {},
    visit: 1,
    revisit: false,
    spin: 0,
    causeChain: 0,
    ...overrides,
  };
}

/** The instance reference of {@link stepRun}'s default run, as event data carries it. */
export const REF = stepRun().ref;
