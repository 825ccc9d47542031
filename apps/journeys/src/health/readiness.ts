/** How far one follower of the store (projections, engine) is behind it, and whether that is ready. */
export interface FollowerState {
  position: bigint;
  /** False once it has stopped following the store. */
  running: boolean;
  /** Its last batch ended at the store's head (positions of EventStoreDB have gaps: a difference is not a count). */
  caughtUp?: boolean;
  /** Set while it cannot serve yet (the engine restoring the partitions it was given). */
  notReady?: string;
  lastError?: string;
}

export type FollowerVerdict =
  | { status: 'up'; lag: number }
  | { status: 'degraded'; lag: number; lastError: string }
  | { status: 'down'; lag?: number; reason: string };

/**
 * Ready while it follows the store within `maxLag` events of the head; a follower retrying a
 * failed batch within the bound is degraded (still ready: what it serves is at most that stale).
 */
export function followerVerdict(state: FollowerState, head: bigint, maxLag: number): FollowerVerdict {
  const lag = Number(head > state.position ? head - state.position : 0n);
  if (!state.running) return { status: 'down', lag, reason: 'not running' };
  if (state.notReady) return { status: 'down', lag, reason: state.notReady };
  if (lag > maxLag && !state.caughtUp) {
    return { status: 'down', lag, reason: `${lag} positions behind the store (bound ${maxLag})` };
  }
  if (state.lastError) return { status: 'degraded', lag, lastError: state.lastError };
  return { status: 'up', lag };
}
