import type { CompletingReason } from '../../journeys/journey.events';

/**
 * The automatic life-cycle moves the engine makes (CONTRACT section 2), named by the state the
 * version moves to.
 */
export type LifecycleMove = { journeyId: string; version: number } & (
  { to: 'Completing'; reason: CompletingReason } | { to: 'Completed' } | { to: 'Stopped' }
);

/** A version as the life-cycle rules see it. */
export interface VersionAt {
  journeyId: string;
  version: number;
  state: string;
  /** The schedule's end (ms), if any. */
  endAt?: number;
}

/** Live versions whose end time has passed at `now` (ms) move to Completing: the end only stops entries. */
export function pastTheirEnd(live: readonly VersionAt[], now: number): LifecycleMove[] {
  return live
    .filter((v) => v.state === 'Live' && v.endAt !== undefined && now >= v.endAt)
    .map(({ journeyId, version }) => ({ journeyId, version, to: 'Completing', reason: 'endTimePassed' }));
}

/** A Completing version with nobody left inside moves to Completed. */
export function completedWhenEmpty(version: VersionAt | undefined, anyoneInside: boolean): LifecycleMove | undefined {
  if (version?.state !== 'Completing' || anyoneInside) return undefined;
  return { journeyId: version.journeyId, version: version.version, to: 'Completed' };
}
