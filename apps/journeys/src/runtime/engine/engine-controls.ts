import type { InstanceState, StartedInstanceState } from '../instance.decider';
import type { InstanceEvent } from '../instance.events';
import type { EngineChanges, EngineStore, PauseHold } from '../engine-store/engine-store.port';

type ControlChanges = Pick<EngineChanges, 'pauseHolds' | 'pauseHoldsRemoved'>;

/**
 * The delivery controls' share of a unit of engine work (issue 16), beside the {@link EngineBatch}
 * that owns it: the customers a pause holds. Reads go through the parent batch (not committed yet)
 * before the store, like the batch's own; its changes commit with the batch's, in one transaction.
 */
export class ControlsBatch {
  private readonly pauseHolds = new Map<string, PauseHold>();
  private readonly pauseHoldsRemoved = new Set<string>();

  constructor(
    private readonly store: EngineStore,
    private parent?: ControlsBatch,
  ) {}

  forgetParent(): void {
    this.parent = undefined;
  }

  /** Follows an instance's new events: a customer a pause holds joins the version's hold list, and leaves it when no longer held. */
  recorded(before: InstanceState, after: StartedInstanceState, events: readonly InstanceEvent[]): void {
    void events;
    const wasHeld = before.status !== 'new' && before.held !== undefined;
    const id = after.ref.instanceId;
    if (after.held && !wasHeld) {
      const { journeyId, version } = after.ref;
      this.pauseHoldsRemoved.delete(id);
      this.pauseHolds.set(id, { instanceId: id, journeyId, version, heldAt: Date.parse(after.held.at) });
    } else if (wasHeld && !after.held) {
      this.pauseHolds.delete(id);
      this.pauseHoldsRemoved.add(id);
    }
  }

  changes(): ControlChanges {
    return { pauseHolds: [...this.pauseHolds.values()], pauseHoldsRemoved: [...this.pauseHoldsRemoved] };
  }
}
