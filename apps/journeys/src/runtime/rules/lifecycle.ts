import type { PartitionWork } from '../../journeys/journey.events';
import type { BranchFigures } from './experiment';

/**
 * The automatic life-cycle moves the engine asks for (CONTRACT section 2): a move every partition
 * can make alone (`Completing` when the end time passes), or a partition's share of work whose move
 * waits for every partition (`done`: Completing -> Completed once nobody is left anywhere, Stopping ->
 * Stopped, a one-time enrolment finished, the last occurrence run).
 */
export type LifecycleMove = { journeyId: string; version: number } & (
  | { to: 'Completing'; reason: 'endTimePassed' }
  | { done: PartitionWork }
  /** A pause reached its maximum: it ends by itself, as the version's `pause.whenExceeded` says. */
  | { endPause: true }
  /** This partition's figures of the experiment at a split step (rules/experiment.ts). */
  | { report: { stepId: string; branches: BranchFigures[] } }
);

/** A version as the life-cycle rules see it. */
export interface VersionAt {
  journeyId: string;
  version: number;
  state: string;
  /** The schedule's end (ms), if any. */
  endAt?: number;
  /** While Paused: when the pause ends by itself (ms). */
  pause?: { endsAt: number };
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

/**
 * Paused versions whose pause has lasted its maximum at `now` (ms) end their pause. Every partition
 * may ask: the journey's decider makes the move once.
 */
export function pausesOverrun(paused: readonly VersionAt[], now: number): LifecycleMove[] {
  return paused
    .filter((v) => v.state === 'Paused' && v.pause !== undefined && now >= v.pause.endsAt)
    .map(({ journeyId, version }) => ({ journeyId, version, endPause: true }));
}
