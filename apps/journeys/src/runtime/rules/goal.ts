import { DAY_MS } from '@journeys/definition';

/** A goal counts while the customer is in the journey and for this long after it ends (REFERENCE "Steps"). */
export const GOAL_WINDOW_MS = 3 * DAY_MS;

/**
 * Whether a goal reached at `now` (ms) counts for an instance: while it is active, or up to
 * {@link GOAL_WINDOW_MS} after it ended at `endedAt` (ISO), that instant included.
 */
export function withinGoalWindow(active: boolean, endedAt: string | undefined, now: number): boolean {
  if (active) return true;
  const ended = endedAt === undefined ? Number.NaN : Date.parse(endedAt);
  return now - ended <= GOAL_WINDOW_MS;
}
