import type { JourneyDefinition } from '@journeys/definition';

/**
 * The loop rule: no definition, and no combination of Live journeys, may make one customer go round
 * without time passing. Publish refuses what a definition shows (`CycleWithoutWait`, `ZeroTimeCycle`);
 * these two guards stop, at run time, what only run time shows, and the customer leaves the journey
 * with `CustomerExited` reason `loopLimit`:
 *
 * - **Within an instance**: a customer may pass at most {@link LOOP_LAPS} times as many steps as the
 *   journey has while no time passes and no trigger from outside arrives (a due-now timer or a raised
 *   trigger does not count as either).
 * - **Between journeys**: a trigger raised by `activateTrigger` carries how many raised triggers led
 *   to it one after another at the same instant (its `chain`); a raise that would make the chain longer
 *   than {@link MAX_RAISE_CHAIN} is not made.
 */

/** How many times over its step count a customer may pass a journey's steps without time passing. */
export const LOOP_LAPS = 3;

/** Longest chain of triggers raised by journeys, one causing the next, at one instant. */
export const MAX_RAISE_CHAIN = 10;

/** Steps an instance has entered since time last passed for it or a trigger from outside reached it. */
export interface Spin {
  /** The logical time (ISO) of those steps. */
  at: string;
  steps: number;
}

/** Most steps one instance may enter while no time passes. */
export function loopLimit(definition: JourneyDefinition): number {
  return LOOP_LAPS * definition.steps.length;
}

/**
 * Steps already entered without time passing when a decision at `now` continues the instance:
 * none when time has passed since, or when the decision answers a trigger from outside.
 */
export function spinBefore(spin: Spin | undefined, now: string, fromOutside: boolean): number {
  if (fromOutside || spin === undefined || spin.at !== now) return 0;
  return spin.steps;
}

/** The spin after one more step entered at `at`. */
export function spinAfterStep(spin: Spin | undefined, at: string): Spin {
  return spin !== undefined && spin.at === at ? { at, steps: spin.steps + 1 } : { at, steps: 1 };
}

/**
 * The chain of a trigger raised in a decision caused by a trigger of chain `causeChain` (0 for a
 * timer, a segment change or a trigger from outside), or null when raising it would exceed the limit.
 */
export function raisedChain(causeChain: number): number | null {
  const chain = causeChain + 1;
  return chain > MAX_RAISE_CHAIN ? null : chain;
}
