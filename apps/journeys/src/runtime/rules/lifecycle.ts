import type { PartitionWork } from '../../journeys/journey.events';

/**
 * The automatic life-cycle moves the engine asks for (CONTRACT section 2): a move every partition
 * can make alone (`Completing` when the end time passes), or a partition's share of work whose move
 * waits for every partition (`done`: Completing -> Completed once nobody is left anywhere, Stopping ->
 * Stopped, a one-time enrolment finished, the last occurrence run).
 */
export type LifecycleMove = { journeyId: string; version: number } & (
  { to: 'Completing'; reason: 'endTimePassed' } | { done: PartitionWork }
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

/** A Completing version with nobody left inside (in this partition) has this partition's share done. */
export function completedWhenEmpty(version: VersionAt | undefined, anyoneInside: boolean): LifecycleMove | undefined {
  if (version?.state !== 'Completing' || anyoneInside) return undefined;
  return { journeyId: version.journeyId, version: version.version, done: 'emptied' };
}
